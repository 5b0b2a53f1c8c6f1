// The main window's panels on a real demo project, driven by keys and mouse the way an annotator
// works: create a segment with I/O and label it with a class hotkey, undo and redo the label,
// accept and reject predictions from the review queue by keyboard, filter the queue, click a
// confusion-matrix cell. The STORE is checked after each step; screenshots go to the artifacts.
#include "ShellTestSupport.h"
#include "StoreEnumCompare.h"

#include "charts/ChartsPanel.h"
#include "charts/ConfusionMatrixWidget.h"
#include "labeling/LabelingPanel.h"
#include "modelpanel/ModelPanel.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "review/ReviewQueueWidget.h"
#include "shell/MainWindow.h"
#include "shell/PanelDocks.h"
#include "shell/ProjectWorkspace.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

class TestShellReview : public QObject, private test::ShellWindowDriver {
    Q_OBJECT
private:
    test::ShellFixture fixture;

    PanelDocks& panels() { return *window->panels(); }
    ReviewQueueWidget& queue() { return *panels().review(); }
    QVector<store::Label> labelsOf(store::Id segment)
    {
        auto labels = projectStore().labelsOfSegment(segment);
        return labels ? labels.value() : QVector<store::Label>{};
    }
    int classIdOf(const QString& code) { return projectStore().taxonomy().classByCode(code)->id; }
    // Selects the queue row of `segment` (the filter must show it) and gives the table focus.
    void selectQueueRow(store::Id segment)
    {
        ClipBrowserModel* model = queue().model();
        int row = -1;
        for (int r = 0; r < model->totalRows(); ++r)
            if (model->clipRow(r).segmentId == segment)
                row = r;
        QVERIFY(row >= 0);
        queue().table()->setFocus();
        queue().table()->setCurrentIndex(model->index(row, 0));
        QCOMPARE(queue().currentSegment(), segment);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(fixture.build(), qPrintable(fixture.error));
        window = std::make_unique<MainWindow>(*fixture.settings, QStringLiteral("tester"));
        window->resize(1440, 900);
        window->show();
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        const Status opened = window->openProject(fixture.projectPath);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        QVERIFY(window->panels());
        QTRY_VERIFY_WITH_TIMEOUT(window->player().hasVideo(), 20000);
        waitFrame(0);
    }

    void modelPanelHasAWorker()
    {
        ModelPanel* model = panels().model();
        QVERIFY(model);
        // The window gives each project a WorkerJobRunner: the run controls are on (the null-runner
        // state is tested on the panel itself, tst_modelpanel).
        for (QLabel* label : model->findChildren<QLabel*>())
            QVERIFY(!label->text().contains(QStringLiteral("not available")));
        for (const char* run : {"prelabelClips", "prelabelFootage", "fineTune", "evaluate"})
            QVERIFY2(model->findChild<QAction*>(run)->isEnabled(), run);
        // The Model menu offers the same actions, bringing a model in first.
        QVERIFY(window->modelMenu()->actions().contains(model->findChild<QAction*>("importCheckpoint")));
        QVERIFY(window->modelMenu()->actions().contains(model->findChild<QAction*>("fineTune")));
    }

    void labelsANewSegmentWithAHotkey()
    {
        window->timeline().setFocus();
        window->timeline().setActiveTrack(3); // D: lower limb
        window->player().seekFrame(100);
        waitFrame(100);
        key(Qt::Key_I);
        window->player().seekFrame(109);
        waitFrame(109);
        key(Qt::Key_O);
        const auto created = segmentAt(100, 110);
        QVERIFY(created.has_value());
        QTRY_COMPARE(panels().labeling()->currentSegment(), created->id);
        // D2 is Alt+D, 2 in the default scheme; it works from the timeline (no panel may take Alt+D).
        key(Qt::Key_D, Qt::AltModifier);
        key(Qt::Key_2);

        auto labels = labelsOf(created->id);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].classId, classIdOf(QStringLiteral("D2")));
        QCOMPARE(labels[0].status, store::LabelStatus::Confirmed);
        QCOMPARE(labels[0].annotatorId, projectStore().currentAnnotatorId());
        QCOMPARE(projectStore().segment(created->id)->status, store::SegmentStatus::Confirmed);
        bool headingSaysConfirmed = false;
        for (QLabel* label : panels().labeling()->findChildren<QLabel*>())
            headingSaysConfirmed |= label->text().startsWith(QStringLiteral("Segment")) && label->text().contains(QStringLiteral("(confirmed)"));
        QVERIFY(headingSaysConfirmed);
        screenshot(QStringLiteral("shell_labeled.png"));

        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(labelsOf(created->id).isEmpty());
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(labelsOf(created->id).size(), 1);
    }

    void acceptsAPredictionFromTheQueueByKeyboard()
    {
        const auto prelabeled = segmentAt(150, 240); // C5, pre-labeled; the model agrees
        QVERIFY(prelabeled.has_value());
        QCOMPARE(prelabeled->status, store::SegmentStatus::Prelabeled);
        queue().setFilter({});
        selectQueueRow(prelabeled->id);
        QTest::keyClick(queue().table(), Qt::Key_A);
        QCOMPARE(projectStore().segment(prelabeled->id)->status, store::SegmentStatus::Confirmed);
        const auto labels = labelsOf(prelabeled->id);
        QCOMPARE(labels.last().status, store::LabelStatus::Confirmed);
        QCOMPARE(labels.last().annotatorId, projectStore().currentAnnotatorId());
        screenshot(QStringLiteral("shell_accepted.png"));
    }

    void rejectsAPredictionFromTheQueueByKeyboard()
    {
        const auto disputed = segmentAt(260, 330); // human E1, model E6
        QVERIFY(disputed.has_value());
        const int predicted = classIdOf(QStringLiteral("E6"));
        selectQueueRow(disputed->id);
        QTest::keyClick(queue().table(), Qt::Key_R);
        bool rejected = false;
        for (const store::Label& l : labelsOf(disputed->id))
            rejected |= l.classId == predicted && l.status == store::LabelStatus::Rejected;
        QVERIFY(rejected);
        // The human label stands.
        QCOMPARE(projectStore().segment(disputed->id)->classId, classIdOf(QStringLiteral("E1")));
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
        for (const store::Label& l : labelsOf(disputed->id))
            QVERIFY(!(l.classId == predicted && l.status == store::LabelStatus::Rejected));
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    }

    void filtersTheQueueWithTheKeyboard()
    {
        queue().setFilter({});
        auto* status = queue().findChild<QComboBox*>(QStringLiteral("statusFilter"));
        QVERIFY(status);
        status->setFocus();
        const int confirmedIndex = status->findData(int(store::SegmentStatus::Confirmed));
        QVERIFY(confirmedIndex > 0);
        while (status->currentIndex() < confirmedIndex)
            QTest::keyClick(status, Qt::Key_Down);
        store::ClipFilter confirmed;
        confirmed.status = store::SegmentStatus::Confirmed;
        QCOMPARE(queue().model()->totalRows(), projectStore().clipRows(confirmed)->size());
        for (int r = 0; r < queue().model()->totalRows(); ++r)
            QCOMPARE(queue().model()->clipRow(r).status, store::SegmentStatus::Confirmed);
        screenshot(QStringLiteral("shell_filtered.png"));
    }

    void confusionCellFiltersTheQueue()
    {
        ChartsPanel* charts = panels().charts();
        QDockWidget* chartsDock = qobject_cast<QDockWidget*>(charts->parentWidget());
        QVERIFY(chartsDock);
        chartsDock->raise();
        charts->reload();
        charts->tabs()->setCurrentIndex(1);
        QTest::qWait(50);
        ConfusionMatrixWidget* matrix = charts->confusionMatrix();
        const int human = charts->matrixData().ids.indexOf(classIdOf(QStringLiteral("E1")));
        const int predicted = charts->matrixData().ids.indexOf(classIdOf(QStringLiteral("E6")));
        QVERIFY(human >= 0 && predicted >= 0);
        QVERIFY(matrix->count(human, predicted) >= 1);
        screenshot(QStringLiteral("shell_confusion.png"));
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(human, predicted).center());
        // The queue comes to the front, showing exactly the clips of that cell.
        QTRY_VERIFY(queue().isVisible());
        QCOMPARE(queue().model()->totalRows(), matrix->count(human, predicted));
        for (int r = 0; r < queue().model()->totalRows(); ++r) {
            QCOMPARE(queue().model()->clipRow(r).classId, classIdOf(QStringLiteral("E1")));
            QCOMPARE(queue().model()->clipRow(r).predictedClassId, classIdOf(QStringLiteral("E6")));
        }
        screenshot(QStringLiteral("shell_confusion_filtered.png"));
    }

    void cleanupTestCase()
    {
        window.reset();
    }
};

QTEST_MAIN(TestShellReview)
#include "tst_shellreview.moc"
