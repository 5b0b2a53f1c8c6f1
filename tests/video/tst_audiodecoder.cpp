// Audio: decoded length, rate and channel conversion, where the sound is (peak envelope), seeking,
// streaming waveform, and files without audio or with damage.
#include "VideoTestMedia.h"

#include "video/AudioDecoder.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace mas;
using namespace mas::test;

class TestAudioDecoder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // 1 s of silence then 1 s of a 440 Hz tone at amplitude 0.5, stereo 48 kHz, next to 3 s of video.
    bool makeSilenceThenTone(const QString& file, const QString& codec, QString* error)
    {
        return runFfmpeg({"-f", "lavfi", "-i", indexPatternFilter(), "-f", "lavfi", "-i",
                          "aevalsrc=if(gte(t\\,1)\\,0.5*sin(2*PI*440*t)\\,0)|if(gte(t\\,1)\\,0.5*sin(2*PI*440*t)\\,0):s=48000:d=2",
                          "-frames:v", "90", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", codec, file},
                         error);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(makeSilenceThenTone(path("tone.mp4"), "aac", &error), qPrintable(error));
        QVERIFY2(makeSilenceThenTone(path("tone.mkv"), "pcm_s16le", &error), qPrintable(error));
        QVERIFY2(makeSilenceThenTone(path("tone.mov"), "pcm_s16le", &error), qPrintable(error));
        QVERIFY2(makeTestVideo(path("silent_video.mp4"), 30, 160, 120, 30, 250, false, &error), qPrintable(error));
    }

    void decodes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("expectedRate");
        QTest::addColumn<int>("expectedChannels");
        QTest::newRow("aac, own format") << "tone.mp4" << 0 << 0 << 48000 << 2;
        QTest::newRow("aac, mono 16 kHz") << "tone.mp4" << 16000 << 1 << 16000 << 1;
        QTest::newRow("pcm in mkv, 44.1 kHz") << "tone.mkv" << 44100 << 2 << 44100 << 2;
    }

    void decodes()
    {
        QFETCH(QString, file);
        QFETCH(int, rate);
        QFETCH(int, channels);
        QFETCH(int, expectedRate);
        QFETCH(int, expectedChannels);
        AudioDecodeOptions options;
        options.sampleRate = rate;
        options.channels = channels;
        auto audio = decodeAudio(path(file), options);
        QVERIFY2(audio.ok(), qPrintable(audio.error()));
        QCOMPARE(audio->sampleRate, expectedRate);
        QCOMPARE(audio->channels, expectedChannels);
        QVERIFY2(std::abs(audio->durationSeconds() - 2.0) < 0.05, qPrintable(QString::number(audio->durationSeconds())));
        QVERIFY2(std::abs(audio->startSeconds) < 0.05, qPrintable(QString::number(audio->startSeconds)));

        // Silence in the first second, the tone (peak 0.5) in the second. swresample's stereo->mono
        // downmix adds both channels at -3 dB: 0.5 * 2 * 0.7071.
        const double peakLevel = expectedChannels == 1 ? 0.7071 : 0.5;
        const Waveform w = peakEnvelope(audio.value(), 20);
        QCOMPARE(w.minimum.size(), 20);
        QVERIFY(std::abs(w.secondsPerBucket - audio->durationSeconds() / 20) < 1e-9);
        for (int b = 1; b < 9; ++b)
            QVERIFY2(w.maximum[b] < 0.02 && w.minimum[b] > -0.02, qPrintable(QStringLiteral("bucket %1: %2").arg(b).arg(w.maximum[b])));
        for (int b = 11; b < 19; ++b) {
            QVERIFY2(std::abs(w.maximum[b] - peakLevel) < 0.05, qPrintable(QStringLiteral("bucket %1: %2").arg(b).arg(w.maximum[b])));
            QVERIFY2(std::abs(w.minimum[b] + peakLevel) < 0.05, qPrintable(QStringLiteral("bucket %1: %2").arg(b).arg(w.minimum[b])));
        }
        const auto pcm16 = toInt16(audio->samples);
        QCOMPARE(pcm16.size(), audio->samples.size());
        const auto peak = *std::max_element(pcm16.begin(), pcm16.end());
        QVERIFY(std::abs(peak - peakLevel * 32767) < 1500);
    }

    void streamingWaveformMatches()
    {
        auto w = waveformOf(path("tone.mkv"), 0.1);
        QVERIFY2(w.ok(), qPrintable(w.error()));
        QCOMPARE(w->minimum.size(), 20);
        QVERIFY(w->maximum[5] < 0.02);
        QVERIFY(std::abs(w->maximum[15] - 0.5) < 0.05);
    }

    // After a seek the reader continues from that time, to the sample (PCM in MOV, whose time base
    // is the sample rate: bit-exact; MKV's 1 ms timestamps allow only +-0.5 ms).
    void seekLandsOnTheSample()
    {
        auto full = decodeAudio(path("tone.mov"));
        QVERIFY(full.ok());
        QCOMPARE(full->startSeconds, 0.0);
        auto opened = AudioReader::open(path("tone.mov"));
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        AudioReader& reader = *opened.value();
        for (double t : {1.5, 0.25, 1.0}) {
            QVERIFY(reader.seek(t).ok());
            std::vector<float> block;
            auto n = reader.read(block, 4800);
            QVERIFY2(n.ok(), qPrintable(n.error()));
            QCOMPARE(n.value(), int64_t(4800));
            const int64_t offset = std::llround(t * 48000) * 2;
            for (int i = 0; i < 9600; ++i)
                QCOMPARE(block[size_t(i)], full->samples[size_t(offset + i)]);
        }
        QVERIFY(reader.seek(5.0).ok());
        std::vector<float> rest;
        auto n = reader.read(rest, 1000);
        QVERIFY(n.ok());
        QCOMPARE(n.value(), int64_t(0));
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("no audio stream") << "noaudio";
        QTest::newRow("zero bytes") << "empty";
        QTest::newRow("text named .mp4") << "text";
        QTest::newRow("truncated") << "truncated";
        QTest::newRow("bit errors") << "biterrors";
    }

    void badInputs()
    {
        QFETCH(QString, kind);
        QString file = path("bad_" + kind + ".mkv");
        QByteArray good;
        {
            QFile f(path("tone.mkv"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            good = f.readAll();
        }
        if (kind == "noaudio") {
            file = path("silent_video.mp4");
        } else {
            QByteArray bytes;
            if (kind == "text") {
                file = path("text.mp4");
                bytes = "plain text\n";
            } else if (kind == "truncated") {
                bytes = good.left(good.size() / 2);
            } else if (kind == "biterrors") {
                bytes = good;
                for (int i = 0; i < 200; ++i)
                    bytes[bytes.size() / 4 + i * 331] = char(~bytes[bytes.size() / 4 + i * 331]);
            }
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        auto audio = decodeAudio(file);
        if (kind == "noaudio" || kind == "empty" || kind == "text") {
            QVERIFY(!audio.ok());
            QCOMPARE(audio.videoError().kind, VideoErrorKind::OpenFailed);
            QVERIFY2(audio.error().contains(file), qPrintable(audio.error()));
            if (kind == "noaudio")
                QVERIFY(audio.error().contains("no audio stream"));
            return;
        }
        // Best effort: what can be read comes back.
        QVERIFY2(audio.ok(), qPrintable(audio.error()));
        QVERIFY(audio->durationSeconds() > 0.3);
        QVERIFY(audio->durationSeconds() < 2.05);
        qInfo("%s: %.3f s decoded", qPrintable(kind), audio->durationSeconds());
    }
};

QTEST_GUILESS_MAIN(TestAudioDecoder)
#include "tst_audiodecoder.moc"
