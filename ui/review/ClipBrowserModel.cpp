#include "review/ClipBrowserModel.h"

#include "ReviewOrder.h"

#include <QColor>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace mas::ui {

ClipBrowserModel::ClipBrowserModel(store::ProjectStore& store, QObject* parent)
    : QAbstractTableModel(parent), m_store(store)
{
}

int ClipBrowserModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_exposed;
}

int ClipBrowserModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ClipBrowserModel::className(int classId) const
{
    const ActionClass* c = m_store.taxonomy().classById(classId);
    return c ? c->code + QLatin1Char(' ') + c->name : QString();
}

QVariant ClipBrowserModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::ClipRow& r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VideoColumn: return QFileInfo(r.videoPath).fileName();
        case ParticipantColumn: return r.participantCode;
        case FramesColumn: return QStringLiteral("%1-%2").arg(r.startFrame).arg(r.endFrame - 1);
        case HumanColumn: return className(r.classId);
        case PredictedColumn: return className(r.predictedClassId);
        case ScoreColumn: return r.predictedClassId >= 0 ? QString::number(r.predictedScore, 'f', 2) : QString();
        case StatusColumn: return store::toString(r.status);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == VideoColumn)
            return r.videoPath;
        if (index.column() == HumanColumn) {
            // All labels of the segment, read on demand (only for the hovered cell).
            const auto labels = m_store.labelsOfSegment(r.segmentId);
            QStringList lines;
            if (labels.ok())
                for (const store::Label& l : labels.value())
                    lines << className(l.classId) + QStringLiteral(" (") + store::toString(l.status) + QLatin1Char(')');
            return lines.isEmpty() ? tr("No labels") : lines.join(QLatin1Char('\n'));
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn) {
            switch (r.status) {
            case store::SegmentStatus::Confirmed: return QColor(0x2e, 0x7d, 0x32);
            case store::SegmentStatus::Rejected: return QColor(0xc6, 0x28, 0x28);
            case store::SegmentStatus::Disputed: return QColor(0xef, 0x6c, 0x00);
            default: return {};
            }
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ScoreColumn || index.column() == FramesColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SegmentIdRole: return QVariant::fromValue<qint64>(r.segmentId);
    case VideoIdRole: return QVariant::fromValue<qint64>(r.videoId);
    case ClassIdRole: return r.classId;
    case PredictedClassIdRole: return r.predictedClassId;
    case StatusRole: return int(r.status);
    case ScoreRole: return r.predictedScore;
    }
    return {};
}

QVariant ClipBrowserModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case VideoColumn: return tr("Video");
    case ParticipantColumn: return tr("Participant");
    case FramesColumn: return tr("Frames");
    case HumanColumn: return tr("Human label");
    case PredictedColumn: return tr("Predicted");
    case ScoreColumn: return tr("Score");
    case StatusColumn: return tr("Status");
    }
    return {};
}

bool ClipBrowserModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_exposed < int(m_rows.size());
}

void ClipBrowserModel::fetchMore(const QModelIndex& parent)
{
    if (parent.isValid())
        return;
    const int more = std::min(kFetchBatch, int(m_rows.size()) - m_exposed);
    if (more <= 0)
        return;
    beginInsertRows({}, m_exposed, m_exposed + more - 1);
    m_exposed += more;
    endInsertRows();
}

bool ClipBrowserModel::ensureFetched(int row)
{
    if (row < 0 || row >= int(m_rows.size()))
        return false;
    while (row >= m_exposed)
        fetchMore({});
    return true;
}

bool ClipBrowserModel::setFilter(const store::ClipFilter& filter)
{
    m_filter = filter;
    m_rowsMatchFilter = false;
    return reload();
}

bool ClipBrowserModel::reload()
{
    auto rows = m_store.clipRows(m_filter);
    if (!rows.ok() && m_rowsMatchFilter) {
        m_lastError = rows.error();
        return false;
    }
    m_rowsMatchFilter = rows.ok();
    beginResetModel();
    m_pendingChanged.clear();
    if (!rows.ok()) {
        m_lastError = rows.error();
        m_rows.clear();
    } else {
        m_lastError.clear();
        m_rows.assign(rows.value().begin(), rows.value().end());
    }
    const auto active = m_store.activeModelVersion();
    if (m_cachedModelVersion != (active ? active->id : 0)) {
        m_topKCache.clear();
        m_cachedModelVersion = active ? active->id : 0;
    }
    applyOrder();
    m_exposed = std::min(kFetchBatch, int(m_rows.size()));
    endResetModel();
    return m_lastError.isEmpty();
}

void ClipBrowserModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column;
    m_sortOrder = order;
    m_order = ReviewOrder::Column;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QVector<store::Id> segmentsBefore;
    for (const QModelIndex& i : before)
        segmentsBefore << m_rows[i.row()].segmentId;
    applyOrder();
    QModelIndexList after;
    for (int k = 0; k < before.size(); ++k) {
        const int row = m_rowOfSegment.value(segmentsBefore[k], -1);
        after << (row >= 0 && row < m_exposed ? index(row, before[k].column()) : QModelIndex());
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void ClipBrowserModel::setReviewOrder(ReviewOrder order)
{
    if (order == ReviewOrder::Column) {
        sort(m_sortColumn, m_sortOrder);
        return;
    }
    // A different order of the whole set: the view starts again at the top, like a new query.
    beginResetModel();
    m_order = order;
    applyOrder();
    m_exposed = std::min(kFetchBatch, int(m_rows.size()));
    endResetModel();
}

double ClipBrowserModel::doubtOf(const store::ClipRow& row, ReviewOrder order)
{
    if (row.predictedClassId < 0)
        return -1; // nothing to review: last
    if (order == ReviewOrder::LeastConfidence)
        return 1.0 - row.predictedScore;
    auto cached = m_topKCache.find(row.segmentId);
    if (cached == m_topKCache.end()) {
        QVector<store::ClassScore> topK;
        if (const auto predictions = m_store.predictionsOfSegment(row.segmentId); predictions.ok())
            for (const store::Prediction& p : predictions.value())
                if (p.modelVersionId == m_cachedModelVersion)
                    topK = p.topK;
        cached = m_topKCache.insert(row.segmentId, topK);
    }
    const QVector<store::ClassScore>& topK = cached.value();
    if (order == ReviewOrder::Disagreement) {
        // Only a confirmed label is the human's word; the worker's ordering ranks the pair.
        worker::ItemPrediction prediction;
        for (const store::ClassScore& s : topK)
            prediction.topClasses.push_back({s.classId, s.score});
        if (prediction.topClasses.empty())
            prediction.topClasses.push_back({row.predictedClassId, float(row.predictedScore)});
        return worker::humanDisagreement(prediction, row.status == store::SegmentStatus::Confirmed ? row.classId : -1);
    }
    if (order == ReviewOrder::SmallestMargin) {
        const double first = topK.size() > 0 ? topK[0].score : row.predictedScore;
        const double second = topK.size() > 1 ? topK[1].score : 0.0;
        return 1.0 - (first - second);
    }
    // Entropy of the top-k, the remaining mass spread evenly over the other classes.
    const int classes = std::max(1, m_store.taxonomy().classCount());
    double entropy = 0, mass = 0;
    for (const store::ClassScore& s : topK) {
        if (s.score > 0)
            entropy -= s.score * std::log(double(s.score));
        mass += s.score;
    }
    const int rest = classes - int(topK.size());
    if (rest > 0 && mass < 1.0) {
        const double each = (1.0 - mass) / rest;
        entropy -= rest * each * std::log(each);
    }
    return entropy;
}

void ClipBrowserModel::applyOrder()
{
    if (m_order == ReviewOrder::Column) {
        if (m_sortColumn >= 0) {
            const int column = m_sortColumn;
            const bool ascending = m_sortOrder == Qt::AscendingOrder;
            const Taxonomy& taxonomy = m_store.taxonomy();
            auto code = [&taxonomy](int classId) {
                const ActionClass* c = taxonomy.classById(classId);
                return c ? c->code : QString();
            };
            auto less = [&](const store::ClipRow& a, const store::ClipRow& b) {
                switch (column) {
                case VideoColumn: return a.videoPath != b.videoPath ? a.videoPath < b.videoPath : a.startFrame < b.startFrame;
                case ParticipantColumn: return a.participantCode < b.participantCode;
                case FramesColumn: return a.startFrame != b.startFrame ? a.startFrame < b.startFrame : a.endFrame < b.endFrame;
                case HumanColumn: return a.classId != b.classId && (a.classId < 0 || b.classId < 0)
                                             ? a.classId < b.classId : code(a.classId) < code(b.classId);
                case PredictedColumn: return a.predictedClassId != b.predictedClassId && (a.predictedClassId < 0 || b.predictedClassId < 0)
                                                 ? a.predictedClassId < b.predictedClassId
                                                 : code(a.predictedClassId) < code(b.predictedClassId);
                case ScoreColumn: return a.predictedScore < b.predictedScore;
                case StatusColumn: return int(a.status) < int(b.status);
                }
                return false;
            };
            if (ascending)
                std::stable_sort(m_rows.begin(), m_rows.end(), less);
            else
                std::stable_sort(m_rows.begin(), m_rows.end(),
                                 [&less](const store::ClipRow& a, const store::ClipRow& b) { return less(b, a); });
        }
    } else if (m_order == ReviewOrder::PredictedClass) {
        std::stable_sort(m_rows.begin(), m_rows.end(), [](const store::ClipRow& a, const store::ClipRow& b) {
            if ((a.predictedClassId < 0) != (b.predictedClassId < 0))
                return b.predictedClassId < 0;
            return a.predictedClassId != b.predictedClassId ? a.predictedClassId < b.predictedClassId
                                                            : a.predictedScore > b.predictedScore;
        });
    } else {
        std::vector<std::pair<double, int>> keyed;
        keyed.reserve(m_rows.size());
        for (int i = 0; i < int(m_rows.size()); ++i)
            keyed.emplace_back(doubtOf(m_rows[i], m_order), i);
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<store::ClipRow> sorted;
        sorted.reserve(m_rows.size());
        for (const auto& k : keyed)
            sorted.push_back(std::move(m_rows[k.second]));
        m_rows = std::move(sorted);
    }
    rebuildIndex();
}

void ClipBrowserModel::rebuildIndex()
{
    m_rowOfSegment.clear();
    m_rowOfSegment.reserve(int(m_rows.size()));
    for (int i = 0; i < int(m_rows.size()); ++i)
        m_rowOfSegment.insert(m_rows[i].segmentId, i);
}

void ClipBrowserModel::refreshSegment(qint64 segmentId)
{
    if (!m_rowOfSegment.contains(segmentId))
        return;
    m_pendingChanged.insert(segmentId);
    if (!m_flushQueued) {
        m_flushQueued = true;
        QTimer::singleShot(0, this, &ClipBrowserModel::flushChanged);
    }
}

void ClipBrowserModel::flushChanged()
{
    m_flushQueued = false;
    int first = -1, last = -1;
    for (store::Id id : std::as_const(m_pendingChanged)) {
        const int row = m_rowOfSegment.value(id, -1);
        if (row < 0)
            continue;
        store::ClipRow& r = m_rows[row];
        if (const auto segment = m_store.segment(id); segment.ok()) {
            r.status = segment->status;
            r.classId = segment->classId;
            r.startFrame = segment->startFrame;
            r.endFrame = segment->endFrame;
        } else {
            r.status = store::SegmentStatus::Unlabeled;
            r.classId = -1;
        }
        if (row < m_exposed) {
            first = first < 0 ? row : std::min(first, row);
            last = std::max(last, row);
        }
    }
    m_pendingChanged.clear();
    // One signal for the span of changed rows (usually one row: the one just reviewed).
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

} // namespace mas::ui
