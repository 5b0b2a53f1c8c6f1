#include "modelpanel/ModelVersionsModel.h"

#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::ui {

namespace {
QVariant metric(const QJsonObject& metrics, std::initializer_list<const char*> names)
{
    for (const char* name : names)
        if (metrics.value(QLatin1String(name)).isDouble())
            return QString::number(metrics.value(QLatin1String(name)).toDouble(), 'f', 3);
    return {};
}
} // namespace

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
    for (const store::ModelVersion& v : m_versions)
        m_metrics << QJsonDocument::fromJson(v.metricsJson.toUtf8()).object();
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
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return v.name;
        case KindColumn: return v.kind;
        case ParentColumn: {
            const int parentRow = rowOfVersion(v.parentId);
            return parentRow >= 0 ? m_versions[parentRow].name : QString();
        }
        case CreatedColumn: return v.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case Top1Column: return metric(metrics, {"top1", "val_top1", "accuracy"});
        case F1Column: return metric(metrics, {"f1_macro", "macro_f1", "f1_mean"});
        case ActiveColumn: return v.active ? tr("active") : QString();
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
        return v.metricsJson.isEmpty() ? tr("No metrics recorded") : v.metricsJson;
    case VersionIdRole: return QVariant::fromValue<qint64>(v.id);
    case ParentIdRole: return QVariant::fromValue<qint64>(v.parentId);
    case ActiveRole: return v.active;
    }
    return {};
}

QVariant ModelVersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Version");
    case KindColumn: return tr("Kind");
    case ParentColumn: return tr("From");
    case CreatedColumn: return tr("Created");
    case Top1Column: return tr("Top-1");
    case F1Column: return tr("F1 (macro)");
    case ActiveColumn: return tr("Active");
    }
    return {};
}

} // namespace mas::ui
