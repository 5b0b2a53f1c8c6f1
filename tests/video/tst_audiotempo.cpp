// Slow and fast playback keep the sound's pitch: a generated 440 Hz tone read through the player's
// audio path (TempoAudioReader: decoder + atempo) at 0.5x lasts twice as long and its dominant
// frequency stays within 2% of 440 Hz (a resampling player would drop it to 220 Hz); at 0.1x and 4x too.
// No sound device is needed: the samples the path produces are analysed.
#include "TestSupport.h"

#include "video/AudioTempo.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace mas;

namespace {

constexpr double kTone = 440.0;
constexpr int kRate = 48000;
constexpr double kSeconds = 3.0;

// Power of one frequency over a window (Goertzel).
double powerAt(const std::vector<float>& x, size_t begin, size_t count, double frequency, int rate)
{
    const double w = 2 * M_PI * frequency / rate, c = 2 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = begin; i < begin + count; ++i) {
        const double s0 = x[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
}

// The strongest frequency between 100 and 1000 Hz in a one-second window from the middle, to 0.5 Hz.
double dominantFrequency(const std::vector<float>& mono, int rate)
{
    const size_t count = size_t(rate);
    const size_t begin = mono.size() > count ? (mono.size() - count) / 2 : 0;
    double best = 0, bestPower = -1;
    for (double f = 100; f <= 1000; f += 0.5)
        if (const double p = powerAt(mono, begin, std::min(count, mono.size() - begin), f, rate); p > bestPower) {
            bestPower = p;
            best = f;
        }
    return best;
}

} // namespace

class TestAudioTempo : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString tone;

    std::vector<float> readAll(double tempo)
    {
        AudioDecodeOptions o;
        o.channels = 1;
        auto reader = TempoAudioReader::open(tone, o, tempo);
        if (!reader)
            qWarning() << reader.error();
        std::vector<float> out;
        if (!reader)
            return out;
        while (true) {
            auto n = reader.value()->read(out, 4096); // the player pulls blocks like this
            if (!n || n.value() == 0)
                break;
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        tone = dir.filePath("tone.wav");
        QString error;
        QVERIFY2(test::runFfmpeg({"-f", "lavfi", "-i", QStringLiteral("sine=frequency=%1:sample_rate=%2:duration=%3").arg(kTone).arg(kRate).arg(kSeconds),
                                  "-c:a", "pcm_s16le", tone}, &error),
                 qPrintable(error));
    }

    void chainsStagesWithinHalfToDouble()
    {
        QCOMPARE(AudioTempo::chainFor(0.5), QStringLiteral("atempo=0.5"));
        QCOMPARE(AudioTempo::chainFor(0.1), QStringLiteral("atempo=0.5,atempo=0.5,atempo=0.5,atempo=0.8"));
        QCOMPARE(AudioTempo::chainFor(4.0), QStringLiteral("atempo=2,atempo=2"));
        QCOMPARE(AudioTempo::chainFor(10.0), QStringLiteral("atempo=2,atempo=2")); // clamped to 4x
    }

    void halfSpeedKeepsThePitch()
    {
        const std::vector<float> normal = readAll(1.0);
        QVERIFY(std::abs(dominantFrequency(normal, kRate) - kTone) <= 1.0);
        const std::vector<float> slow = readAll(0.5);
        // Twice as long (within 2%), same pitch (within 2%).
        QVERIFY2(std::abs(double(slow.size()) / kRate - 2 * kSeconds) < 0.02 * 2 * kSeconds,
                 qPrintable(QString::number(double(slow.size()) / kRate)));
        const double f = dominantFrequency(slow, kRate);
        QVERIFY2(std::abs(f - kTone) / kTone < 0.02, qPrintable(QStringLiteral("dominant %1 Hz at 0.5x").arg(f)));
        qInfo("0.5x: %.1f Hz over %.2f s of sound", f, double(slow.size()) / kRate);
    }

    void extremeSpeedsKeepThePitch_data()
    {
        QTest::addColumn<double>("tempo");
        QTest::newRow("0.1x") << 0.1;
        QTest::newRow("0.25x") << 0.25;
        QTest::newRow("2x") << 2.0;
        QTest::newRow("4x") << 4.0;
    }

    void extremeSpeedsKeepThePitch()
    {
        QFETCH(double, tempo);
        const std::vector<float> out = readAll(tempo);
        const double seconds = double(out.size()) / kRate;
        QVERIFY2(std::abs(seconds - kSeconds / tempo) < 0.03 * kSeconds / tempo, qPrintable(QString::number(seconds)));
        const double f = dominantFrequency(out, kRate);
        QVERIFY2(std::abs(f - kTone) / kTone < 0.02, qPrintable(QStringLiteral("dominant %1 Hz at %2x").arg(f).arg(tempo)));
    }

    void seekRestartsAtTheTime()
    {
        AudioDecodeOptions o;
        o.channels = 1;
        auto reader = TempoAudioReader::open(tone, o, 0.5);
        QVERIFY2(reader.ok(), qPrintable(reader.error()));
        QVERIFY(reader.value()->seek(2.0).ok());
        std::vector<float> rest;
        while (true) {
            auto n = reader.value()->read(rest, 4096);
            QVERIFY(n.ok());
            if (n.value() == 0)
                break;
        }
        // The last second at half speed: two seconds of sound.
        QVERIFY2(std::abs(double(rest.size()) / kRate - 2.0) < 0.05, qPrintable(QString::number(double(rest.size()) / kRate)));
    }
};

QTEST_GUILESS_MAIN(TestAudioTempo)
#include "tst_audiotempo.moc"
