#include "modelpanel/ModelVersionsModel.h"

#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace mas::ui {

namespace {
const char* const kSplits[] = {"val", "test"};
const char* const kLevels[] = {"classes", "body_parts"};
const char* const kMeasures[] = {"top1", "top5", "macro_f1"};

struct FigureOfColumn {
    QString split, level, measure;
};

FigureOfColumn figureOf(int column)
{
    // Classes first (val, then test), then body parts: the figures most read sit left.
    const int k = column - ModelVersionsModel::FirstFigureColumn;
    return {QLatin1String(kSplits[k / 3 % 2]), QLatin1String(kLevels[k / 6]), QLatin1String(kMeasures[k % 3])};
}

QString snapshotText(const QJsonObject& hyperParams)
{
    const QJsonObject s = hyperParams.value(QLatin1String("data_snapshot")).toObject();
    if (s.isEmpty())
        return {};
    QString text = QObject::tr("%1 train / %2 val")
                       .arg(s.value(QLatin1String("training_clips")).toInt())
                       .arg(s.value(QLatin1String("validation_clips")).toInt());
    return text;
}
} // namespace

double SplitFigures::figure(const QString& level, const QString& measure) const
{
    const QJsonValue v = json.value(level).toObject().value(measure);
    // A level that counted no clip measured nothing.
    if (!v.isDouble() || json.value(level).toObject().value(QLatin1String("count")).toInt(1) == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return v.toDouble();
}

SplitFigures splitFigures(const QJsonObject& metrics, const QString& split)
{
    SplitFigures f;
    f.json = metrics.value(split).toObject();
    if (f.json.isEmpty() && split == QLatin1String("val"))
        f.json = metrics.value(QLatin1String("validation")).toObject(); // old projects
    return f;
}

int ModelVersionsModel::figureColumn(const QString& split, const QString& level, const QString& measure)
{
    for (int s = 0; s < 2; ++s)
        for (int l = 0; l < 2; ++l)
            for (int m = 0; m < 3; ++m)
                if (split == QLatin1String(kSplits[s]) && level == QLatin1String(kLevels[l]) && measure == QLatin1String(kMeasures[m]))
                    return FirstFigureColumn + l * 6 + s * 3 + m;
    return -1;
}

ModelVersionsModel::ModelVersionsModel(store::ProjectStore& store, QObject* parent)
    : QAbstractTableModel(parent), m_store(store)
{
    reload();
}

bool ModelVersionsModel::reload()
{
    const auto versions = m_store.modelVersions();
    beginResetModel();
    m_versions = versions.ok() ? versions.value() : QVector<store::ModelVersion>();
    m_metrics.clear();
    m_hyperParams.clear();
    for (const store::ModelVersion& v : m_versions) {
        m_metrics << QJsonDocument::fromJson(v.metricsJson.toUtf8()).object();
        m_hyperParams << QJsonDocument::fromJson(v.hyperParamsJson.toUtf8()).object();
    }
    m_lastError = versions.error();
    endResetModel();
    return versions.ok();
}

int ModelVersionsModel::rowOfVersion(store::Id id) const
{
    for (int i = 0; i < m_versions.size(); ++i)
        if (m_versions[i].id == id)
            return i;
    return -1;
}

bool ModelVersionsModel::hasChildren(store::Id id) const
{
    for (const store::ModelVersion& v : m_versions)
        if (v.parentId == id && id != 0)
            return true;
    return false;
}

int ModelVersionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_versions.size());
}

int ModelVersionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelVersionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::ModelVersion& v = m_versions[index.row()];
    const QJsonObject& metrics = m_metrics[index.row()];
    const int column = index.column();
    if (column >= FirstFigureColumn && (role == Qt::DisplayRole || role == FigureRole || role == Qt::ToolTipRole
                                        || role == Qt::TextAlignmentRole)) {
        const FigureOfColumn f = figureOf(column);
        const SplitFigures figures = splitFigures(metrics, f.split);
        const double value = figures.figure(f.level, f.measure);
        if (role == FigureRole)
            return value;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (std::isnan(value))
            return role == Qt::ToolTipRole ? tr("Not measured: no run produced this figure") : QVariant();
        if (role == Qt::DisplayRole)
            return QString::number(value, 'f', 3);
        const QJsonObject& j = figures.json;
        return tr("%1 on %2 clips of the %3 split (plan %4), %5, measured %6")
            .arg(f.measure, QString::number(j.value(f.level).toObject().value(QLatin1String("count")).toInt()),
                 f.split, j.value(QLatin1String("plan")).toString(tr("unknown")),
                 j.value(QLatin1String("source")).toString(tr("source unknown")),
                 j.value(QLatin1String("measured")).toString(tr("at an unknown time")));
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn: return v.name;
        case ActiveColumn: return v.active ? tr("active") : QString();
        case KindColumn: return v.kind;
        case ParentColumn: {
            const int parentRow = rowOfVersion(v.parentId);
            return parentRow >= 0 ? m_versions[parentRow].name : QString();
        }
        case SnapshotColumn: return snapshotText(m_hyperParams[index.row()]);
        case CreatedColumn: return v.created.toLocalTime().toString(QStringLiteral("MM-dd HH:mm"));
        }
        return {};
    case Qt::FontRole:
        if (v.active) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == SnapshotColumn) {
            const QString sha = m_hyperParams[index.row()].value(QLatin1String("data_snapshot")).toObject()
                                    .value(QLatin1String("labels_sha1")).toString();
            return sha.isEmpty() ? QVariant() : tr("Fingerprint of the labels trained on (SHA-1): %1").arg(sha);
        }
        if (column == CreatedColumn)
            return v.created.toLocalTime().toString(Qt::ISODate);
        if (column == KindColumn && v.kind == QLatin1String("untrained"))
            return tr("Not trained on any labels yet: fine-tune it before trusting its pre-labels");
        return v.checkpointPath.isEmpty() ? tr("No checkpoint file") : tr("Checkpoint: %1").arg(v.checkpointPath);
    case VersionIdRole: return QVariant::fromValue<qint64>(v.id);
    case ParentIdRole: return QVariant::fromValue<qint64>(v.parentId);
    case ActiveRole: return v.active;
    }
    return {};
}

QVariant ModelVersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section >= FirstFigureColumn && section < ColumnCount) {
        const FigureOfColumn f = figureOf(section);
        const QString measure = f.measure == QLatin1String("top1") ? tr("top-1")
                                : f.measure == QLatin1String("top5") ? tr("top-5") : tr("F1");
        if (role == Qt::ToolTipRole)
            return tr("%1 on the %2 split, %3 (macro-F1 for F1); empty where no run measured it")
                .arg(measure, f.split == QLatin1String("val") ? tr("validation") : tr("test"),
                     f.level == QLatin1String("classes") ? tr("52 classes") : tr("body parts"));
        return QStringLiteral("%1 %2%3").arg(f.split, f.level == QLatin1String("classes") ? QString() : tr("part "), measure);
    }
    if (role == Qt::ToolTipRole) {
        if (section == SnapshotColumn)
            return tr("The labels it was trained on: clip counts and a fingerprint of the labels");
        return {};
    }
    switch (section) {
    case NameColumn: return tr("Version");
    case ActiveColumn: return tr("Active");
    case KindColumn: return tr("Kind");
    case ParentColumn: return tr("From");
    case SnapshotColumn: return tr("Data");
    case CreatedColumn: return tr("Created");
    }
    return {};
}

} // namespace mas::ui
