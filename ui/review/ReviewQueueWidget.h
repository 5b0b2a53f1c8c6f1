#pragma once
// The clip browser / review queue dock: filters (status, human class, body part, predicted class,
// participant, score range, "My work": what a curator assigned to the current annotator),
// active-learning orders, and single-key review while the table has
// focus: Enter opens the clip, A accepts the prediction, R rejects it, N goes to the next clip.
// Accept and reject are undo commands on the injected stack, recorded for the current annotator.
#include "commands/EditContext.h"
#include "review/ClipBrowserModel.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QTableView;
class QUndoStack;

namespace mas::ui {

class ReviewQueueWidget : public QWidget {
    Q_OBJECT
public:
    ReviewQueueWidget(EditContext& context, QUndoStack* undoStack, QWidget* parent = nullptr);

    ClipBrowserModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    store::Id currentSegment() const;
    // The filter the controls show now.
    store::ClipFilter currentFilter() const;

    // The review actions on the current row (what A, R and N do). False when nothing was done.
    bool acceptCurrent();
    bool rejectCurrent();
    bool goToNext();

public Q_SLOTS:
    // Shows `filter` in the controls and re-queries (e.g. from a confusion-matrix click).
    void setFilter(const mas::store::ClipFilter& filter);
    void setReviewOrder(mas::ui::ReviewOrder order);
    void reload();
    // Re-queries after other clients' edits, staying on the clip shown (server projects).
    void refreshKeepingPlace();

Q_SIGNALS:
    void clipActivated(qint64 videoId, qint64 segmentId);
    void segmentActivated(qint64 segmentId);
    void statusMessage(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QGridLayout* buildControls();
    void fillParticipants();
    // "My work" is offered only when something is assigned to the current annotator.
    void updateMyWork();
    void applyControls();
    void updateCount();
    void selectRow(int row);
    bool reviewCurrent(bool accept);
    void rememberSeenLabels();

    EditContext& m_context;
    QUndoStack* m_undoStack;
    ClipBrowserModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_class = nullptr;
    QComboBox* m_bodyPart = nullptr;
    QComboBox* m_predicted = nullptr;
    QComboBox* m_participant = nullptr;
    QDoubleSpinBox* m_minScore = nullptr;
    QDoubleSpinBox* m_maxScore = nullptr;
    QComboBox* m_order = nullptr;
    QCheckBox* m_myWork = nullptr;
    QLabel* m_count = nullptr;
    bool m_updatingControls = false;
    // The current clip's labels as the reviewer last saw them: R rejects the pre-label they saw,
    // at the row version they saw, so a teammate's change in between is refused, not overwritten.
    store::Id m_seenSegment = 0;
    QVector<store::Label> m_seenLabels;
};

} // namespace mas::ui
