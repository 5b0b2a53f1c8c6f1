// The main window on a real demo project: open, show frames, step with the keyboard, play,
// create a segment with I/O, drag its edge with the mouse, split, merge, delete, undo and redo,
// checking the STORE after each edit. Screenshots go to the artifact folder.
#include "ShellTestSupport.h"

#include "commands/EditContext.h"
#include "player/FrameProvider.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "shell/MainActions.h"
#include "shell/MainWindow.h"
#include "shell/ProjectWorkspace.h"
#include "shell/ShellStatusBar.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QApplication>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

class TestMainWindow : public QObject, private test::ShellWindowDriver {
    Q_OBJECT
private:
    test::ShellFixture fixture;
    // Center of frame `f`'s boundary on a track, in timeline coordinates.
    QPoint pointAt(double frame, int track)
    {
        const TimelineGeometry g = window->timeline().geometry();
        return QPoint(int(g.xOfFrame(frame)), g.trackRect(track).center().y());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(fixture.build(), qPrintable(fixture.error));
        window = std::make_unique<MainWindow>(*fixture.settings, QStringLiteral("tester"));
        window->resize(1280, 820);
        window->show();
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        const Status opened = window->openProject(fixture.projectPath);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        QVERIFY(window->workspace());
        QTRY_VERIFY_WITH_TIMEOUT(window->player().hasVideo(), 20000);
        waitFrame(0);
        window->timeline().setFocus();
    }

    void opensTheProjectAndShowsItsSegments()
    {
        QVERIFY(window->windowTitle().contains(QStringLiteral("demo.mas")));
        QVERIFY(!window->isWindowModified()); // the title's [*] shows no star: every edit is saved
        QCOMPARE(window->player().frameCount(), 360);
        QVERIFY(window->shellStatusBar().annotatorText().contains(QStringLiteral("tester")));
        // 4 human segments on body-part tracks plus their predictions on the predictions track.
        QCOMPARE(segments().size(), 4);
        QCOMPARE(window->workspace()->timelineModel().segmentsOfTrack(0).size(), 1); // A: body
        QVERIFY(window->workspace()->timelineModel().segmentsOfTrack(8).size() >= 3);  // predictions
        QVERIFY(!window->videoView().currentImage().isNull());
        screenshot(QStringLiteral("mainwindow_opened.png"));
    }

    void stepsFrameAccurately()
    {
        key(Qt::Key_Right);
        waitFrame(1);
        key(Qt::Key_Right, Qt::ShiftModifier);
        waitFrame(11);
        key(Qt::Key_Left);
        waitFrame(10);
        key(Qt::Key_Left, Qt::ShiftModifier);
        waitFrame(0);
        key(Qt::Key_Left);
        waitFrame(0); // clamped at the first frame
        // The picture is exactly the frame asked for: the view says which index it shows.
        window->player().seekFrame(200);
        waitFrame(200);
        QCOMPARE(window->timeline().playhead(), 200);
    }

    void playsAndPausesWithSpace()
    {
        window->player().seekFrame(20);
        waitFrame(20);
        key(Qt::Key_Space);
        QTRY_VERIFY(window->player().isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(window->player().currentFrame() > 25, 5000);
        key(Qt::Key_Space);
        QTRY_VERIFY(!window->player().isPlaying());
        const int stopped = window->player().currentFrame();
        QTest::qWait(200);
        QCOMPARE(window->player().currentFrame(), stopped);
    }

    void createsASegmentWithMarkInAndOut()
    {
        const int before = segments().size();
        window->timeline().setActiveTrack(1); // B: head
        window->player().seekFrame(180);
        waitFrame(180);
        key(Qt::Key_I);
        key(Qt::Key_Right, Qt::ShiftModifier);
        key(Qt::Key_Right, Qt::ShiftModifier);
        waitFrame(200);
        key(Qt::Key_O);
        QCOMPARE(segments().size(), before + 1);
        const auto created = segmentAt(180, 201); // mark-out is inclusive
        QVERIFY(created.has_value());
        QCOMPARE(created->createdBy, projectStore().currentAnnotatorId());
        // It stays on the head track and is selected.
        QTRY_COMPARE(window->timeline().selectedSegments(), QList<qint64>{created->id});
        QCOMPARE(window->workspace()->timelineModel().segment(created->id)->track, 1);
        QVERIFY(window->shellStatusBar().saveStateText().startsWith(QStringLiteral("All edits saved")));
        screenshot(QStringLiteral("mainwindow_created.png"));
    }

    void dragsAnEdgeWithTheMouse()
    {
        const auto created = segmentAt(180, 201);
        QVERIFY(created.has_value());
        TimelineWidget& timeline = window->timeline();
        timeline.fitRange(150, 250); // 100 frames over the lane: several pixels per frame
        const QPoint edge = pointAt(201, 1) - QPoint(1, 0);
        const QPoint target = pointAt(221, 1);
        QTest::mousePress(&timeline, Qt::LeftButton, Qt::NoModifier, edge);
        QTest::mouseMove(&timeline, (edge + target) / 2);
        QTest::mouseMove(&timeline, target);
        QTest::mouseRelease(&timeline, Qt::LeftButton, Qt::NoModifier, target);
        auto s = projectStore().segment(created->id);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QCOMPARE(s->startFrame, int64_t(180));
        QCOMPARE(s->endFrame, int64_t(221));
        // Undo puts the edge back, redo moves it again: both written to the store.
        window->workspace()->undoStack().undo();
        QCOMPARE(projectStore().segment(created->id)->endFrame, int64_t(201));
        window->workspace()->undoStack().redo();
        QCOMPARE(projectStore().segment(created->id)->endFrame, int64_t(221));
        screenshot(QStringLiteral("mainwindow_dragged.png"));
    }

    void movesASegmentByDraggingItsBody()
    {
        const auto s = segmentAt(180, 221);
        QVERIFY(s.has_value());
        TimelineWidget& timeline = window->timeline();
        const QPoint body = pointAt(200.5, 1);
        const QPoint target = pointAt(210.5, 1);
        QTest::mousePress(&timeline, Qt::LeftButton, Qt::NoModifier, body);
        QTest::mouseMove(&timeline, target);
        QTest::mouseRelease(&timeline, Qt::LeftButton, Qt::NoModifier, target);
        QCOMPARE(projectStore().segment(s->id)->startFrame, int64_t(190));
        QCOMPARE(projectStore().segment(s->id)->endFrame, int64_t(231));
    }

    void createsASegmentByDraggingInAnEmptyLane()
    {
        const int before = segments().size();
        TimelineWidget& timeline = window->timeline();
        const QPoint from = pointAt(160.5, 3); // D: lower limb, empty there
        const QPoint to = pointAt(169.5, 3);
        QTest::mousePress(&timeline, Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(&timeline, to);
        QTest::mouseRelease(&timeline, Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(segments().size(), before + 1);
        QVERIFY(segmentAt(160, 170).has_value());
    }

    void splitsMergesAndDeletes()
    {
        const auto s = segmentAt(190, 231);
        QVERIFY(s.has_value());
        window->timeline().setSelectedSegments({s->id});
        window->player().seekFrame(205);
        waitFrame(205);
        const int before = segments().size();
        key(Qt::Key_S);
        QCOMPARE(segments().size(), before + 1);
        const auto left = segmentAt(190, 205), right = segmentAt(205, 231);
        QVERIFY(left && right);

        window->timeline().setSelectedSegments({left->id, right->id});
        key(Qt::Key_M);
        QCOMPARE(segments().size(), before);
        QVERIFY(segmentAt(190, 231).has_value());

        window->timeline().setSelectedSegments({segmentAt(190, 231)->id});
        key(Qt::Key_Delete);
        QCOMPARE(segments().size(), before - 1);
        QVERIFY(!segmentAt(190, 231).has_value());

        // Undo the delete: the segment is back (with a new row id) and later undo steps still find it.
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(segmentAt(190, 231).has_value());
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier); // merge undone
        QVERIFY(segmentAt(190, 205) && segmentAt(205, 231));
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier); // split undone
        QVERIFY(segmentAt(190, 231).has_value());
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier); // split again
        QVERIFY(segmentAt(190, 205) && segmentAt(205, 231));
        screenshot(QStringLiteral("mainwindow_split.png"));
    }

    void jumpsBetweenSegmentBoundaries()
    {
        window->player().seekFrame(100);
        waitFrame(100);
        key(Qt::Key_Right, Qt::ControlModifier);
        const int next = window->workspace()->timelineModel().nextBoundary(100);
        QVERIFY(next > 100);
        waitFrame(next);
        key(Qt::Key_Left, Qt::ControlModifier);
        waitFrame(window->workspace()->timelineModel().previousBoundary(next));
    }

    void reopensWithEveryEditKept()
    {
        const int count = segments().size();
        window->closeProject();
        QVERIFY(!window->workspace());
        QVERIFY(window->openProject(fixture.projectPath).ok());
        QTRY_VERIFY_WITH_TIMEOUT(window->player().hasVideo(), 20000);
        QCOMPARE(segments().size(), count);
        QVERIFY(segmentAt(190, 205) && segmentAt(205, 231));
        screenshot(QStringLiteral("mainwindow_reopened.png"));
    }

    void cleanupTestCase()
    {
        window.reset();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
