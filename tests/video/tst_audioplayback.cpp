// AudioPlayback as the player's clock: with or without an audio device (CI has none) it plays,
// pauses, seeks, changes speed and stops at the end without an error; a file without sound or a
// damaged one plays silently on the system clock.
#include "VideoTestMedia.h"

#include "player/AudioPlayback.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mas;
using namespace mas::test;
using mas::ui::AudioPlayback;

class TestAudioPlayback : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Waits `ms` of wall time with events running; returns the wall seconds actually waited.
    static double waitFor(int ms)
    {
        QElapsedTimer t;
        t.start();
        QTest::qWait(ms);
        return t.nsecsElapsed() / 1e9;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(makeTestVideo(path("with_audio.mp4"), 60, 160, 120, 30, 30, true, &error), qPrintable(error));
        QVERIFY2(makeTestVideo(path("no_audio.mp4"), 60, 160, 120, 30, 30, false, &error), qPrintable(error));
        QFile text(path("text.mp4"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not a video\n");
    }

    void clockRuns_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("with audio") << "with_audio.mp4";
        QTest::newRow("no audio stream") << "no_audio.mp4";
        QTest::newRow("not a media file") << "text.mp4";
    }

    void clockRuns()
    {
        QFETCH(QString, file);
        AudioPlayback playback;
        const bool audible = playback.load(path(file));
        QCOMPARE(audible, playback.hasOutput());
        if (!audible)
            QVERIFY(!playback.lastError().isEmpty()); // said why, and goes on silently
        qInfo("%s: %s", qPrintable(file), audible ? "audio device in use" : qPrintable(playback.lastError()));
        playback.setDuration(2.0);
        QSignalSpy playing(&playback, &mas::ui::PlayerClock::playingChanged);

        QCOMPARE(playback.position(), 0.0);
        playback.play();
        QVERIFY(playback.isPlaying());
        const double waited = waitFor(300);
        const double p = playback.position();
        // The clock follows real time (an audio clock lags by its buffer, a loaded machine by more).
        QVERIFY2(p > 0.05 && p <= waited + 0.05, qPrintable(QStringLiteral("position %1 after %2 s").arg(p).arg(waited)));
        playback.pause();
        QVERIFY(!playback.isPlaying());
        const double paused = playback.position();
        QTest::qWait(100);
        QCOMPARE(playback.position(), paused);

        playback.seekMs(1500);
        QCOMPARE(playback.positionMs(), qint64(1500));
        playback.setSpeed(5.0);
        QCOMPARE(playback.speed(), 4.0);
        playback.setMuted(true);
        QVERIFY(playback.isMuted());
        playback.setVolume(0.5);

        QSignalSpy finished(&playback, &mas::ui::PlayerClock::finished);
        playback.play();
        QTRY_VERIFY_WITH_TIMEOUT(playback.position() >= 2.0 || finished.count() > 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(!playback.isPlaying());
        QCOMPARE(playback.position(), 2.0);
        QVERIFY(playing.count() >= 3);
    }
};

QTEST_MAIN(TestAudioPlayback)
#include "tst_audioplayback.moc"
