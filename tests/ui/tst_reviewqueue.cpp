// ReviewQueueWidget and ClipBrowserModel on a real project file: the model passes
// QAbstractItemModelTester (lazy fetching included), filters go to the store, active-learning
// orders, and review by keyboard (Enter, A, R, N) checked in the store, with undo.
#include "PanelTestProject.h"
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "commands/EditContext.h"
#include "review/ReviewQueueWidget.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTableView>
#include <QTest>
#include <QUndoStack>

using namespace mas;

class TestReviewQueue : public QObject {
    Q_OBJECT

private:
    test::PanelTestProject m_project;
    std::unique_ptr<ui::EditContext> m_context;
    std::unique_ptr<QUndoStack> m_stack;
    std::unique_ptr<ui::ReviewQueueWidget> m_queue;

    QVector<store::Label> labelsOf(store::Id segmentId)
    {
        auto labels = m_project.store->labelsOfSegment(segmentId);
        return labels.ok() ? labels.value() : QVector<store::Label>();
    }
    ui::ClipBrowserModel* model() { return m_queue->model(); }
    QTableView* table() { return m_queue->table(); }
    int currentRow() { return table()->currentIndex().row(); }

private Q_SLOTS:
    void initTestCase()
    {
        // 2,600 rows: more than two fetch batches, so lazy fetching is exercised.
        QVERIFY2(m_project.build(12, 2600), qPrintable(m_project.error));
        m_context = std::make_unique<ui::EditContext>(*m_project.store);
        m_stack = std::make_unique<QUndoStack>();
        m_queue = std::make_unique<ui::ReviewQueueWidget>(*m_context, m_stack.get());
        m_queue->resize(900, 600);
        m_queue->show();
        QApplication::setActiveWindow(m_queue.get());
        QVERIFY(QTest::qWaitForWindowActive(m_queue.get()));
    }

    void modelFetchesLazily()
    {
        ui::ClipBrowserModel model(*m_project.store);
        QVERIFY(model.reload());
        QCOMPARE(model.totalRows(), 2600);
        QCOMPARE(model.rowCount(), ui::ClipBrowserModel::kFetchBatch);
        QVERIFY(model.canFetchMore({}));
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 2600);
        store::ClipFilter filter;
        filter.status = store::SegmentStatus::Prelabeled;
        QVERIFY(model.setFilter(filter));
        QCOMPARE(model.totalRows(), 650);
        QCOMPARE(model.rowCount(), 650);
    }

    // Qt 6.4's tester runs its checks (which call fetchMore) on modelReset before it marks the reset
    // as finished, so a reset that leaves more than one batch to fetch reads as "rows inserted during
    // a reset". The tester therefore checks a query that fits in one batch; laziness is tested above.
    void modelPassesTheTester()
    {
        ui::ClipBrowserModel model(*m_project.store);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        store::ClipFilter filter;
        filter.status = store::SegmentStatus::Prelabeled;
        QVERIFY(model.setFilter(filter));
        QCOMPARE(model.totalRows(), 650);
        QVERIFY(model.totalRows() < ui::ClipBrowserModel::kFetchBatch);
        model.sort(ui::ClipBrowserModel::ScoreColumn, Qt::DescendingOrder);
        model.setReviewOrder(ui::ReviewOrder::SmallestMargin);
        model.refreshSegment(model.clipRow(0).segmentId);
        QTest::qWait(1);
    }

    void filterByStatusWithTheKeyboard()
    {
        auto* status = m_queue->findChild<QComboBox*>("statusFilter");
        status->setFocus();
        // Any -> unlabeled -> prelabeled
        QTest::keyClick(status, Qt::Key_Down);
        QTest::keyClick(status, Qt::Key_Down);
        QCOMPARE(status->currentData().toInt(), int(store::SegmentStatus::Prelabeled));
        QCOMPARE(model()->totalRows(), m_project.store->counts()->segmentsByStatus[1]);
        for (int r = 0; r < model()->totalRows(); ++r)
            QCOMPARE(model()->clipRow(r).status, store::SegmentStatus::Prelabeled);
        QCOMPARE(currentRow(), 0);
    }

    void filterByParticipantScoreAndBodyPart()
    {
        store::ClipFilter filter;
        filter.participantId = m_project.participantIds[1];
        filter.minScore = 0.5f;
        filter.maxScore = 0.8f;
        filter.bodyPartId = 2; // upper limb (the human verdict)
        m_queue->setFilter(filter);
        QCOMPARE(m_queue->findChild<QDoubleSpinBox*>("minScore")->value(), 0.5);
        QVERIFY(model()->totalRows() > 0);
        for (int r = 0; r < model()->totalRows(); ++r) {
            const store::ClipRow& row = model()->clipRow(r);
            QCOMPARE(row.participantId, m_project.participantIds[1]);
            QVERIFY(row.predictedScore >= 0.5f && row.predictedScore <= 0.8f);
            QCOMPARE(Taxonomy::builtinMa52().bodyPartOfClass(row.classId), 2);
        }
        m_queue->setFilter({});
        QCOMPARE(model()->totalRows(), 2600);
    }

    void acceptPredictionWithA()
    {
        store::ClipFilter filter;
        filter.status = store::SegmentStatus::Prelabeled;
        m_queue->setFilter(filter);
        table()->setFocus();
        const store::ClipRow row = model()->clipRow(0);
        QTest::keyClick(table(), Qt::Key_A);
        const auto labels = labelsOf(row.segmentId);
        QCOMPARE(labels.size(), 2); // the model's pre-label and the reviewer's confirmation
        QCOMPARE(labels.last().classId, row.predictedClassId);
        QCOMPARE(labels.last().status, store::LabelStatus::Confirmed);
        QCOMPARE(labels.last().annotatorId, m_project.humanId);
        QCOMPARE(m_project.store->segment(row.segmentId)->status, store::SegmentStatus::Confirmed);
        QCOMPARE(currentRow(), 1); // moved on
        QTest::qWait(1);           // batched dataChanged
        QCOMPARE(model()->clipRow(0).status, store::SegmentStatus::Confirmed);
        m_stack->undo();
        QCOMPARE(labelsOf(row.segmentId).size(), 1);
        QCOMPARE(m_project.store->segment(row.segmentId)->status, store::SegmentStatus::Prelabeled);
        m_stack->redo();
        QCOMPARE(m_project.store->segment(row.segmentId)->status, store::SegmentStatus::Confirmed);
    }

    void rejectPredictionWithR()
    {
        const store::ClipRow row = model()->clipRow(currentRow());
        QTest::keyClick(table(), Qt::Key_R);
        const auto labels = labelsOf(row.segmentId);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].status, store::LabelStatus::Rejected);
        QCOMPARE(m_project.store->segment(row.segmentId)->status, store::SegmentStatus::Rejected);
        QCOMPARE(currentRow(), 2);
        m_stack->undo();
        QCOMPARE(labelsOf(row.segmentId)[0].status, store::LabelStatus::Prelabeled);
        m_stack->redo();
    }

    void rejectWithoutPrelabelAddsRejectedLabel()
    {
        store::ClipFilter filter;
        filter.status = store::SegmentStatus::Unlabeled;
        m_queue->setFilter(filter);
        table()->setFocus();
        const store::ClipRow row = model()->clipRow(0);
        QTest::keyClick(table(), Qt::Key_R);
        const auto labels = labelsOf(row.segmentId);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].status, store::LabelStatus::Rejected);
        QCOMPARE(labels[0].annotatorId, m_project.humanId);
        QCOMPARE(labels[0].classId, row.predictedClassId);
    }

    void nextAndEnter()
    {
        const int row = currentRow();
        QTest::keyClick(table(), Qt::Key_N);
        QCOMPARE(currentRow(), row + 1);
        QSignalSpy opened(m_queue.get(), &ui::ReviewQueueWidget::clipActivated);
        QTest::keyClick(table(), Qt::Key_Return);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened[0][0].toLongLong(), model()->clipRow(row + 1).videoId);
        QCOMPARE(opened[0][1].toLongLong(), model()->clipRow(row + 1).segmentId);
    }

    void activeLearningOrders()
    {
        m_queue->setFilter({});
        m_queue->setReviewOrder(ui::ReviewOrder::LeastConfidence);
        for (int r = 1; r < model()->totalRows(); ++r)
            QVERIFY(model()->clipRow(r - 1).predictedScore <= model()->clipRow(r).predictedScore);
        m_queue->setReviewOrder(ui::ReviewOrder::SmallestMargin);
        auto margin = [this](int r) {
            const auto predictions = m_project.store->predictionsOfSegment(model()->clipRow(r).segmentId);
            const auto& topK = predictions->first().topK;
            return topK[0].score - topK[1].score;
        };
        for (int r = 1; r < 200; ++r)
            QVERIFY(margin(r - 1) <= margin(r) + 1e-6f);
        m_queue->setReviewOrder(ui::ReviewOrder::PredictedClass);
        for (int r = 1; r < model()->totalRows(); ++r)
            QVERIFY(model()->clipRow(r - 1).predictedClassId <= model()->clipRow(r).predictedClassId);
        m_queue->setReviewOrder(ui::ReviewOrder::HighestEntropy);
        QCOMPARE(model()->totalRows(), 2600);
    }

    // "Model disagrees with the human label first": confirmed clips where the prediction differs from the
    // human's class come first, then agreements, then clips without a human label; chosen from the combo.
    void disagreementOrderFromTheCombo()
    {
        m_queue->setFilter({});
        auto* order = m_queue->findChild<QComboBox*>("orderCombo");
        const int index = order->findData(int(ui::ReviewOrder::Disagreement));
        QVERIFY(index > 0);
        order->setFocus();
        while (order->currentIndex() < index)
            QTest::keyClick(order, Qt::Key_Down);
        QCOMPARE(model()->reviewOrder(), ui::ReviewOrder::Disagreement);
        auto kind = [this](int r) {
            const store::ClipRow& row = model()->clipRow(r);
            if (row.status != store::SegmentStatus::Confirmed || row.classId < 0 || row.predictedClassId < 0)
                return 2;
            return row.classId != row.predictedClassId ? 0 : 1;
        };
        int disagreements = 0;
        for (int r = 0; r < model()->totalRows(); ++r) {
            if (r > 0)
                QVERIFY2(kind(r - 1) <= kind(r), qPrintable(QString("row %1").arg(r)));
            disagreements += kind(r) == 0;
        }
        QVERIFY(disagreements > 0);
        m_queue->setReviewOrder(ui::ReviewOrder::Column);
    }

    void sortByClickingAHeader()
    {
        m_queue->setReviewOrder(ui::ReviewOrder::Column);
        QHeaderView* header = table()->horizontalHeader();
        const int x = header->sectionViewportPosition(ui::ClipBrowserModel::ScoreColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        const Qt::SortOrder order = header->sortIndicatorOrder();
        for (int r = 1; r < model()->totalRows(); ++r) {
            const float a = model()->clipRow(r - 1).predictedScore, b = model()->clipRow(r).predictedScore;
            QVERIFY(order == Qt::AscendingOrder ? a <= b : a >= b);
        }
        store::ClipFilter filter;
        filter.status = store::SegmentStatus::Prelabeled;
        m_queue->setFilter(filter);
        m_queue->setReviewOrder(ui::ReviewOrder::LeastConfidence);
        table()->setFocus();
        QTest::qWait(20);
        m_queue->grab().save(test::artifactPath("review_queue.png"));
    }

    // "My work": disabled with a reason until a curator assigns the annotator something; then a
    // click narrows the queue to the assigned participant's clips and Space widens it again.
    void myWorkToggleWithMouseAndKeyboard()
    {
        m_queue->setReviewOrder(ui::ReviewOrder::Column);
        m_queue->setFilter({});
        auto* myWork = m_queue->findChild<QCheckBox*>("myWorkToggle");
        QVERIFY(myWork);
        QVERIFY(!myWork->isEnabled());
        QVERIFY2(myWork->toolTip().contains("nothing is assigned to you"), qPrintable(myWork->toolTip()));
        // Where a user clicks: the box itself.
        QStyleOptionButton option;
        option.initFrom(myWork);
        const QPoint box = myWork->style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, myWork).center();
        QTest::mouseClick(myWork, Qt::LeftButton, {}, box);
        QVERIFY(!myWork->isChecked());

        store::ProjectStore& s = *m_project.store;
        const store::Id participant = m_project.participantIds[2];
        auto assigned = s.assign(s.currentAnnotatorId(), participant, 0);
        QVERIFY2(assigned.ok(), qPrintable(assigned.error()));
        m_queue->refreshKeepingPlace(); // as after a teammate's edit
        QVERIFY(myWork->isEnabled());
        QVERIFY2(myWork->toolTip().contains("assigned to you"), qPrintable(myWork->toolTip()));

        QTest::mouseClick(myWork, Qt::LeftButton, {}, box);
        QVERIFY(myWork->isChecked());
        QCOMPARE(m_queue->currentFilter().assignedTo.value_or(0), s.currentAnnotatorId());
        store::ClipFilter ofParticipant;
        ofParticipant.participantId = participant;
        const int expected = int(s.clipRows(ofParticipant)->size());
        QVERIFY(expected > 0 && expected < 2600);
        QCOMPARE(model()->totalRows(), expected);
        for (int r = 0; r < model()->rowCount(); ++r)
            QCOMPARE(model()->clipRow(r).participantId, participant);
        QCOMPARE(currentRow(), 0);

        myWork->setFocus();
        QTest::keyClick(myWork, Qt::Key_Space);
        QVERIFY(!myWork->isChecked());
        QCOMPARE(model()->totalRows(), 2600);

        // Taken back while shown: the toggle goes off and the queue shows everything again.
        QTest::keyClick(myWork, Qt::Key_Space);
        QCOMPARE(model()->totalRows(), expected);
        QVERIFY(s.unassign(assigned.value()).ok());
        m_queue->refreshKeepingPlace();
        QVERIFY(!myWork->isEnabled() && !myWork->isChecked());
        QCOMPARE(model()->totalRows(), 2600);
    }

    void cleanupTestCase()
    {
        m_queue.reset();
        m_context.reset();
        m_stack.reset();
    }
};

QTEST_MAIN(TestReviewQueue)
#include "tst_reviewqueue.moc"
