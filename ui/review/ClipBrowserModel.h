#pragma once
// The clip browser's table: one row per segment, from the store's filtered clip query (filtering is
// done by SQLite). All matching rows are read at once (a few tens of ms at 22,000 rows) so that any
// column and the active-learning orders sort the whole set; the view is handed rows lazily
// (canFetchMore / fetchMore, kFetchBatch at a time) so opening and re-filtering stay fast.
#include "store/ProjectStore.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace mas::ui {

// Orders of the review queue besides plain column sorts: the most doubtful predictions first.
enum class ReviewOrder {
    Column,          // the last column sort (default: video, then start frame)
    LeastConfidence, // lowest top-1 score first
    SmallestMargin,  // smallest gap between the two best classes first
    HighestEntropy,  // most spread-out top-k distribution first
    PredictedClass,  // grouped by predicted class, most confident first within a class
    Disagreement,    // confirmed clips where the active model disagrees with the human label first
};

class ClipBrowserModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { VideoColumn, ParticipantColumn, FramesColumn, HumanColumn, PredictedColumn, ScoreColumn,
                  StatusColumn, ColumnCount };
    enum Role { SegmentIdRole = Qt::UserRole + 1, VideoIdRole, ClassIdRole, PredictedClassIdRole, StatusRole,
                ScoreRole, SortRole };
    static constexpr int kFetchBatch = 1000;

    explicit ClipBrowserModel(store::ProjectStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Re-reads the rows matching the filter (and keeps the order). False with lastError() on failure; the
    // rows shown stay when they match the filter (a server project's server may be back in a moment).
    bool reload();
    bool setFilter(const store::ClipFilter& filter);
    const store::ClipFilter& filter() const { return m_filter; }
    void setReviewOrder(ReviewOrder order);
    ReviewOrder reviewOrder() const { return m_order; }
    QString lastError() const { return m_lastError; }

    int totalRows() const { return int(m_rows.size()); } // matching rows, fetched into the view or not
    const store::ClipRow& clipRow(int row) const { return m_rows[row]; }
    int rowOfSegment(store::Id segmentId) const { return m_rowOfSegment.value(segmentId, -1); }
    // Makes sure `row` is in the view (fetching as needed); false when beyond the last row.
    bool ensureFetched(int row);

public Q_SLOTS:
    // Re-reads one segment's status and verdict after an edit; dataChanged is batched (zero timer).
    // A segment that was removed stays until the next reload, shown as removed.
    void refreshSegment(qint64 segmentId);

private:
    void applyOrder();
    void rebuildIndex();
    void flushChanged();
    double doubtOf(const store::ClipRow& row, ReviewOrder order);
    QString className(int classId) const;

    store::ProjectStore& m_store;
    store::ClipFilter m_filter;
    std::vector<store::ClipRow> m_rows;
    QHash<store::Id, int> m_rowOfSegment;
    QHash<store::Id, QVector<store::ClassScore>> m_topKCache; // of the active model, for margin/entropy
    store::Id m_cachedModelVersion = -1;
    int m_exposed = 0;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    ReviewOrder m_order = ReviewOrder::Column;
    QSet<store::Id> m_pendingChanged;
    bool m_flushQueued = false;
    QString m_lastError;
    bool m_rowsMatchFilter = false; // the rows held were read with m_filter
};

} // namespace mas::ui
