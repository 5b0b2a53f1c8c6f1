// Live coding in the real main window: three co-occurring state events (A2, B1, D1, on three body-part
// tracks) coded by their two-key hotkeys while the video plays at 0.5x with a 200 ms reaction offset;
// the stored frames lie within one frame of the playhead at each press less the offset. Every press is
// an undo step written at once; Esc cancels what is open; a point-event class makes one frame.
#include "ShellTestSupport.h"

#include "labeling/LabelingPanel.h"
#include "labeling/LiveCodingBar.h"
#include "prefs/Preferences.h"
#include "shell/PanelDocks.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QLabel>
#include <QUndoStack>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

namespace {
constexpr int kA1 = 0, kA2 = 3, kB1 = 9, kD1 = 31;
constexpr int kOffsetMs = 200; // 6 frames at 30 fps
}

class TestLiveCoding : public QObject, public test::ShellWindowDriver {
    Q_OBJECT
    test::ShellFixture fixture;

    LiveCodingBar& live() { return *window->panels()->labeling()->liveCoding(); }
    // The hotkey chord of a class, as a person types it (Alt+<body part letter>, then its number).
    void chord(Qt::Key letter, Qt::Key number)
    {
        QTest::keyClick(window.get(), letter, Qt::AltModifier);
        QTest::keyClick(window.get(), number);
    }
    // Waits (the video playing) until the playhead reaches `frame`, presses the chord there and returns the
    // frame the press saw, as the clock put it.
    int pressAt(int frame, Qt::Key letter, Qt::Key number)
    {
        const bool reached = QTest::qWaitFor([&] { return window->player().currentFrame() >= frame; }, 20000);
        if (!reached)
            return -1;
        const int seen = window->player().currentFrame();
        chord(letter, number);
        return seen;
    }
    std::optional<store::Segment> segmentOf(int classId)
    {
        for (const store::Segment& s : segments())
            if (s.classId == classId)
                return s;
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        fixture.withRecordedPredictions = false;
        QVERIFY2(fixture.build(), qPrintable(fixture.error));
        // The reaction offset as Preferences save it.
        Preferences prefs = Preferences::load(*fixture.settings);
        QCOMPARE(prefs.reactionOffsetMs, 0); // default
        prefs.reactionOffsetMs = kOffsetMs;
        prefs.save(*fixture.settings);
        window = std::make_unique<MainWindow>(*fixture.settings, QStringLiteral("tester"));
        window->resize(1280, 820);
        window->show();
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        const Status opened = window->openProject(fixture.projectPath);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        QTRY_VERIFY_WITH_TIMEOUT(window->player().hasVideo(), 20000);
        waitFrame(0);
        window->timeline().setFocus();
        QCOMPARE(live().coder().reactionOffsetMs(), kOffsetMs);
        live().setLive(true);
    }

    void codesThreeCoOccurringEventsWhilePlayingAtHalfSpeed()
    {
        const int before = segments().size();
        const int undoBefore = window->workspace()->undoStack().count();
        window->player().setSpeed(0.5);
        QCOMPARE(window->player().speed(), 0.5);
        window->player().play();
        const int offset = live().coder().reactionOffsetFrames();
        QCOMPARE(offset, 6);
        const int startA = pressAt(20, Qt::Key_A, Qt::Key_2);
        const int startB = pressAt(30, Qt::Key_B, Qt::Key_1);
        const int startD = pressAt(40, Qt::Key_D, Qt::Key_1);
        QVERIFY(startA >= 0 && startB >= 0 && startD >= 0);
        // Three open at once: listed over the video and growing on their tracks.
        QCOMPARE(live().coder().openSegments().size(), 3);
        QVERIFY(live().overlay() && live().overlay()->isVisible());
        QVERIFY(live().overlay()->text().contains("B1 nodding"));
        QCOMPARE(window->timeline().openSegments().size(), 3);
        screenshot(QStringLiteral("livecoding_open.png"));
        const int stopA = pressAt(55, Qt::Key_A, Qt::Key_2);
        const int stopB = pressAt(65, Qt::Key_B, Qt::Key_1);
        const int stopD = pressAt(75, Qt::Key_D, Qt::Key_1);
        window->player().pause();
        QVERIFY(stopA >= 0 && stopB >= 0 && stopD >= 0);
        QVERIFY(live().coder().openSegments().isEmpty());
        QVERIFY(!live().overlay()->isVisible());

        QCOMPARE(segments().size(), before + 3);
        const QVector<std::tuple<int, int, int>> expected{{kA2, startA, stopA}, {kB1, startB, stopB}, {kD1, startD, stopD}};
        for (const auto& [cls, start, stop] : expected) {
            const std::optional<store::Segment> s = segmentOf(cls);
            QVERIFY2(s, qPrintable(QStringLiteral("no segment of class %1").arg(cls)));
            QVERIFY2(std::abs(int(s->startFrame) - (start - offset)) <= 1,
                     qPrintable(QStringLiteral("class %1 starts at %2, pressed at %3").arg(cls).arg(s->startFrame).arg(start)));
            QVERIFY2(std::abs(int(s->endFrame) - (stop - offset)) <= 1,
                     qPrintable(QStringLiteral("class %1 ends at %2, pressed at %3").arg(cls).arg(s->endFrame).arg(stop)));
            QVERIFY(s->status == store::SegmentStatus::Confirmed);
        }
        // They co-occur: each overlaps the next.
        QVERIFY(segmentOf(kA2)->endFrame > segmentOf(kB1)->startFrame);
        QVERIFY(segmentOf(kB1)->endFrame > segmentOf(kD1)->startFrame);
        // Each on its body part's track.
        TimelineModel& model = window->workspace()->timelineModel();
        auto onTrack = [&](int track, int cls) {
            const store::Id id = segmentOf(cls)->id;
            for (const TimelineSegment& s : model.segmentsOfTrack(track))
                if (s.id == id)
                    return true;
            return false;
        };
        QTRY_VERIFY(onTrack(0, kA2) && onTrack(1, kB1) && onTrack(3, kD1));
        // Six presses, six undo steps; each already written (another connection reads them).
        QCOMPARE(window->workspace()->undoStack().count(), undoBefore + 6);
        auto other = projectStore().openAnotherConnection();
        QVERIFY(other.ok());
        int found = 0;
        const auto stored = other.value()->segmentsOfVideo(window->currentVideo());
        QVERIFY(stored.ok());
        for (const store::Segment& s : stored.value())
            found += (s.classId == kA2 || s.classId == kB1 || s.classId == kD1) ? 1 : 0;
        QCOMPARE(found, 3);
        // Undo the last stop: D1 is one frame again; redo: back.
        const int64_t endD = segmentOf(kD1)->endFrame;
        window->workspace()->undoStack().undo();
        QCOMPARE(segmentOf(kD1)->endFrame, segmentOf(kD1)->startFrame + 1);
        window->workspace()->undoStack().redo();
        QCOMPARE(segmentOf(kD1)->endFrame, endD);
        screenshot(QStringLiteral("livecoding_done.png"));
    }

    void escapeCancelsOpenSegments()
    {
        const int before = segments().size();
        window->player().seekFrame(200);
        waitFrame(200);
        chord(Qt::Key_B, Qt::Key_1);
        chord(Qt::Key_D, Qt::Key_1);
        QCOMPARE(live().coder().openSegments().size(), 2);
        QCOMPARE(segments().size(), before + 2); // written at the press
        QTest::keyClick(window.get(), Qt::Key_Escape);
        QVERIFY(live().coder().openSegments().isEmpty());
        QCOMPARE(segments().size(), before);
        // One undo step brings both back (closed, one frame each).
        window->workspace()->undoStack().undo();
        QCOMPARE(segments().size(), before + 2);
        window->workspace()->undoStack().redo();
        QCOMPARE(segments().size(), before);
    }

    void undoingAStartForgetsIt()
    {
        window->player().seekFrame(220);
        waitFrame(220);
        chord(Qt::Key_B, Qt::Key_1);
        QCOMPARE(live().coder().openSegments().size(), 1);
        window->workspace()->undoStack().undo();
        QVERIFY(live().coder().openSegments().isEmpty());
    }

    void pointEventClassMakesOneFrame()
    {
        live().setPointEvent(kA1, true);
        window->player().seekFrame(300);
        waitFrame(300);
        chord(Qt::Key_A, Qt::Key_1);
        QVERIFY(live().coder().openSegments().isEmpty());
        QVERIFY(segmentAt(300 - 6, 301 - 6));
        QCOMPARE(fixture.settings->value("labeling/pointEventClasses").toStringList(), QStringList{"A1"});
    }

    void cleanupTestCase() { window.reset(); }
};

QTEST_MAIN(TestLiveCoding)
#include "tst_livecoding.moc"
