// The player pieces on a real generated video: the asynchronous frame provider (exact frames,
// stale requests dropped, errors as messages), and the controller's stepping, looping and play.
#include "TestSupport.h"

#include "player/FrameProvider.h"
#include "player/PlayerClock.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "player/TransportBar.h"
#include "timeline/TimelineWidget.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas::ui;

class TestPlayer : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString video;

    static int frameNumberOf(const QSignalSpy& spy, int i) { return spy.at(i).at(0).toInt(); }

private Q_SLOTS:
    void initTestCase()
    {
        video = dir.filePath(QStringLiteral("clip.mp4"));
        QString error;
        QVERIFY2(mas::test::makeTestVideo(video, 90, 160, 120, 30, 30, true, &error), qPrintable(error));
    }

    void opensAndDeliversExactFrames()
    {
        FrameProvider provider;
        QSignalSpy opened(&provider, &FrameProvider::opened);
        QSignalSpy frames(&provider, &FrameProvider::frameReady);
        provider.open(video);
        QVERIFY(opened.wait(20000));
        QCOMPARE(provider.video().frameCount, 90);
        QCOMPARE(provider.video().frameSize, QSize(160, 120));
        for (int f : {0, 45, 44, 89}) {
            provider.requestFrame(f, QSize(80, 0));
            QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 1, 10000);
            QCOMPARE(frameNumberOf(frames, 0), f);
            QCOMPARE(frames[0][1].value<QImage>().size(), QSize(80, 60));
            frames.clear();
        }
    }

    void dropsStaleRequestsWhileScrubbing()
    {
        FrameProvider provider;
        QSignalSpy opened(&provider, &FrameProvider::opened);
        QSignalSpy frames(&provider, &FrameProvider::frameReady);
        provider.open(video);
        QVERIFY(opened.wait(20000));
        for (int f = 0; f < 90; ++f)
            provider.requestFrame(f);
        QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty() && frameNumberOf(frames, frames.size() - 1) == 89, 20000);
        QTest::qWait(100);
        // Most of the burst was dropped, and the newest request was the last one answered.
        QVERIFY2(frames.size() < 90, qPrintable(QString::number(frames.size())));
        QCOMPARE(provider.requestsDropped() + provider.framesDelivered(), qint64(90));
    }

    void reportsAMissingFileAsAMessage()
    {
        FrameProvider provider;
        QSignalSpy failed(&provider, &FrameProvider::openFailed);
        provider.open(dir.filePath(QStringLiteral("missing.mp4")));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed[0][0].toString().contains(QStringLiteral("missing.mp4")));
        QVERIFY(!provider.isOpen());
    }

    void controllerStepsLoopsAndPlays()
    {
        FrameProvider provider;
        SilentClock clock;
        PlayerController player(provider, clock);
        VideoView view;
        QObject::connect(&provider, &FrameProvider::frameReady, &view, &VideoView::showFrame);
        QSignalSpy opened(&provider, &FrameProvider::opened);
        provider.open(video);
        QVERIFY(opened.wait(20000));
        player.setVideo(provider.video());
        QTRY_COMPARE_WITH_TIMEOUT(view.shownFrame(), 0, 10000);
        player.stepFrames(1);
        QTRY_COMPARE_WITH_TIMEOUT(view.shownFrame(), 1, 10000);
        player.stepFrames(10);
        QCOMPARE(player.currentFrame(), 11);
        player.stepFrames(-100);
        QCOMPARE(player.currentFrame(), 0);
        player.seekFrame(1000);
        QCOMPARE(player.currentFrame(), 89);
        QCOMPARE(player.secondsOf(30), 1.0);

        // Loop [10, 20) at 2x: the playhead stays inside and keeps coming back.
        player.setSpeed(2.0);
        QCOMPARE(player.speed(), 2.0);
        player.setLoopRange(10, 20);
        player.play();
        QVERIFY(player.isPlaying());
        QCOMPARE(player.currentFrame(), 10);
        QSet<int> seen;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 1200) {
            QTest::qWait(5);
            seen.insert(player.currentFrame());
            QVERIFY2(player.currentFrame() >= 10 && player.currentFrame() < 20, qPrintable(QString::number(player.currentFrame())));
        }
        QVERIFY(seen.contains(10) && seen.contains(19));
        player.pause();
        QVERIFY(!player.isPlaying());

        // Playing to the end stops there.
        player.clearLoopRange();
        player.seekFrame(80);
        player.play();
        QTRY_VERIFY_WITH_TIMEOUT(!player.isPlaying(), 5000);
        QCOMPARE(player.currentFrame(), 89);
    }

    void stepsExactlyAtAnySpeed()
    {
        // 0.1x to 4x, as offered; a step pauses and lands on exactly the next frame, whatever the speed.
        QCOMPARE(TransportBar::speeds().first(), 0.1);
        QCOMPARE(TransportBar::speeds().last(), 4.0);
        FrameProvider provider;
        SilentClock clock;
        PlayerController player(provider, clock);
        VideoView view;
        QObject::connect(&provider, &FrameProvider::frameReady, &view, &VideoView::showFrame);
        QSignalSpy opened(&provider, &FrameProvider::opened);
        provider.open(video);
        QVERIFY(opened.wait(20000));
        player.setVideo(provider.video());
        for (double speed : {0.1, 0.5, 4.0}) {
            player.setSpeed(speed);
            QCOMPARE(player.speed(), speed);
            player.seekFrame(20);
            player.play();
            QTest::qWait(60);
            player.stepFrames(1); // pauses first
            QVERIFY(!player.isPlaying());
            const int at = player.currentFrame();
            for (int i = 1; i <= 5; ++i) {
                player.stepFrames(1);
                QCOMPARE(player.currentFrame(), at + i);
                QTRY_COMPARE_WITH_TIMEOUT(view.shownFrame(), at + i, 10000);
            }
            player.stepFrames(-3);
            QCOMPARE(player.currentFrame(), at + 2);
        }
        // A-B loop over a segment at 4x: the playhead stays in [30, 60).
        player.setLoopRange(30, 60);
        player.play();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 600) {
            QTest::qWait(5);
            QVERIFY2(player.currentFrame() >= 30 && player.currentFrame() < 60, qPrintable(QString::number(player.currentFrame())));
        }
        player.pause();
    }

    void jumpsSegmentBySegmentOnTheActiveTrack()
    {
        TimelineModel model;
        model.setTracks({{"A", Qt::red, false}, {"B", Qt::blue, false}});
        model.setVideo(300, 30);
        model.setSegments({{1, 0, 10, 20}, {2, 0, 50, 60}, {3, 1, 30, 40}, {4, 0, 100, 120}});
        TimelineWidget timeline;
        timeline.setModel(&model);
        QSignalSpy scrubbed(&timeline, &TimelineWidget::playheadScrubbed);
        timeline.setActiveTrack(0);
        timeline.setPlayhead(15);
        QVERIFY(timeline.jumpToNextSegment());
        QCOMPARE(timeline.playhead(), 50); // track B's segment at 30 is skipped
        QCOMPARE(timeline.selectedSegments(), QList<qint64>{2});
        QCOMPARE(scrubbed.last().at(0).toInt(), 50);
        QVERIFY(timeline.jumpToNextSegment());
        QCOMPARE(timeline.playhead(), 100);
        QVERIFY(!timeline.jumpToNextSegment());
        QVERIFY(timeline.jumpToPreviousSegment());
        QCOMPARE(timeline.playhead(), 50);
        QVERIFY(timeline.jumpToPreviousSegment());
        QCOMPARE(timeline.playhead(), 10);
        timeline.setActiveTrack(1);
        QVERIFY(timeline.jumpToNextSegment());
        QCOMPARE(timeline.playhead(), 30);
    }
};

QTEST_MAIN(TestPlayer)
#include "tst_player.moc"
