// extractClip: a cut holds exactly the frames asked for (read back from the pattern burned into
// each frame and compared with the source's pictures), by stream copy on keyframe boundaries and by
// re-encoding elsewhere; rotation and audio carried over; a failed cut leaves no file behind.
#include "VideoTestMedia.h"

#include "video/ClipExtractor.h"
#include "video/FrameIndex.h"
#include "video/VideoDecoder.h"
#include "video/VideoProbe.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mas;
using namespace mas::test;

namespace {

double meanAbsDifference(const QImage& a, const QImage& b)
{
    if (a.size() != b.size())
        return 1e9;
    double sum = 0;
    for (int y = 0; y < a.height(); ++y) {
        const uchar* pa = a.constScanLine(y);
        const uchar* pb = b.constScanLine(y);
        for (int x = 0; x < a.width() * 3; ++x)
            sum += std::abs(int(pa[x]) - int(pb[x]));
    }
    return sum / (double(a.width()) * a.height() * 3);
}

} // namespace

class TestClipExtractor : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Every frame of `clip` is frame start+i of `source`: same index pattern, (nearly) the same picture.
    void checkClip(const QString& source, const QString& clip, int start, int end, double tolerance)
    {
        auto src = VideoDecoder::open(source);
        QVERIFY2(src.ok(), qPrintable(src.error()));
        auto cut = VideoDecoder::open(clip);
        QVERIFY2(cut.ok(), qPrintable(cut.error()));
        QCOMPARE(cut.value()->frameCount(), end - start);
        QCOMPARE(cut.value()->frameSize(), src.value()->frameSize());
        const int rotation = src.value()->info().rotationDegrees;
        for (int i = 0; i < end - start; ++i) {
            auto a = src.value()->frameAt(start + i);
            auto b = cut.value()->nextFrame();
            QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
            QCOMPARE(readIndexPattern(b->image, rotation), start + i);
            const double diff = meanAbsDifference(a->image, b->image);
            QVERIFY2(diff <= tolerance, qPrintable(QStringLiteral("frame %1: mean difference %2").arg(i).arg(diff)));
        }
        QVERIFY(cut.value()->nextFrame().isEndOfStream());
    }

    QStringList leftovers() const
    {
        return QDir(m_dir.path()).entryList({"*.part"}, QDir::Files | QDir::Hidden);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(makePatternVideo(path("gop12_audio.mp4"), media("gop12_audio.mp4", x264(12, 3), 60, true), &error), qPrintable(error));
        QVERIFY2(makePatternVideo(path("rot90.mp4"), media("rot90.mp4", x264(10, 2), 30), &error), qPrintable(error));
        QVERIFY(setMp4Rotation90(path("rot90.mp4")));
        QVERIFY2(makePatternVideo(path("mpeg4.avi"), media("mpeg4.avi", {"-c:v", "mpeg4", "-q:v", "2", "-bf", "2", "-g", "20"}, 45), &error),
                 qPrintable(error));
    }

    void cuts_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("end");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("allowCopy");
        QTest::addColumn<QString>("encoder");
        QTest::addColumn<bool>("expectCopy");
        QTest::newRow("keyframes: copy") << "gop12_audio.mp4" << 12 << 36 << "copy.mp4" << true << "" << true;
        QTest::newRow("keyframe to end: copy") << "gop12_audio.mp4" << 48 << 60 << "copy_end.mkv" << true << "" << true;
        QTest::newRow("inside a GOP: re-encode") << "gop12_audio.mp4" << 5 << 17 << "mid.mp4" << true << "" << false;
        QTest::newRow("single frame") << "gop12_audio.mp4" << 30 << 31 << "one.mp4" << true << "" << false;
        QTest::newRow("copy refused") << "gop12_audio.mp4" << 12 << 24 << "nocopy.mp4" << false << "" << false;
        QTest::newRow("mpeg4 encoder") << "gop12_audio.mp4" << 3 << 30 << "mpeg4.mp4" << true << "mpeg4" << false;
        QTest::newRow("mpeg4 source in avi") << "mpeg4.avi" << 7 << 33 << "from_avi.mp4" << true << "" << false;
        QTest::newRow("rotated: copy") << "rot90.mp4" << 10 << 20 << "rot_copy.mp4" << true << "" << true;
        QTest::newRow("rotated: re-encode") << "rot90.mp4" << 4 << 13 << "rot_enc.mp4" << true << "" << false;
    }

    void cuts()
    {
        QFETCH(QString, source);
        QFETCH(int, start);
        QFETCH(int, end);
        QFETCH(QString, output);
        QFETCH(bool, allowCopy);
        QFETCH(QString, encoder);
        QFETCH(bool, expectCopy);
        ClipExtractOptions options;
        options.allowStreamCopy = allowCopy;
        options.preferredEncoder = encoder;
        const QString out = path("cuts/" + output);
        auto r = extractClip(path(source), start, end, out, options);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->frameCount, end - start);
        QCOMPARE(r->streamCopied, expectCopy);
        QCOMPARE(r->outputPath, out);
        if (!encoder.isEmpty())
            QCOMPARE(r->videoEncoder, encoder);
        else if (!expectCopy)
            QVERIFY2(r->videoEncoder == "libx264" || r->videoEncoder == "mpeg4", qPrintable(r->videoEncoder));
        // Copied packets decode to the very same pictures; re-encoded ones nearly.
        checkClip(path(source), out, start, end, expectCopy ? 0.0 : (r->videoEncoder == "libx264" ? 3.0 : 6.0));
        auto probe = probeVideo(out);
        QVERIFY2(probe.ok(), qPrintable(probe.error()));
        QCOMPARE(probe->rotationDegrees, source.startsWith("rot") ? 90 : 0);
        if (source == "gop12_audio.mp4") {
            QCOMPARE(probe->audioStreams.size(), 1);
        }
        if (source == "gop12_audio.mp4" && output.endsWith(".mp4")) { // MKV states no stream duration
            const double seconds = (end - start) / 30.0;
            QVERIFY2(std::abs(probe->audioStreams[0].durationSeconds - seconds) < 0.1,
                     qPrintable(QStringLiteral("audio %1 s for %2 s of video").arg(probe->audioStreams[0].durationSeconds).arg(seconds)));
        }
        QVERIFY2(leftovers().isEmpty(), qPrintable(leftovers().join(' ')));
    }

    // Variable frame rate survives the cut: every frame keeps its time relative to the cut's start.
    void variableFrameRateKeepsTimes()
    {
        const QString source = path("vfr.mkv");
        QString error;
        QVERIFY2(makePatternVideo(source, media("vfr.mkv", x264(25, 2), 90, false, "settb=1/1000,setpts=N*40+mod(N\\,2)*15",
                                                 {"-fps_mode", "passthrough"}),
                                  &error),
                 qPrintable(error));
        auto src = FrameIndex::build(source);
        QVERIFY2(src.ok(), qPrintable(src.error()));
        for (auto [start, end] : {std::pair{25, 75}, std::pair{10, 40}}) {
            const QString out = path(QStringLiteral("vfr_%1_%2.mkv").arg(start).arg(end));
            auto r = extractClip(source, start, end, out);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QCOMPARE(r->streamCopied, start == 25);
            auto cut = FrameIndex::build(out);
            QVERIFY2(cut.ok(), qPrintable(cut.error()));
            QCOMPARE(cut->frameCount(), end - start);
            for (int i = 0; i < end - start; ++i) {
                const double expected = src->secondsOf(start + i) - src->secondsOf(start);
                QVERIFY2(std::abs(cut->secondsOf(i) - expected) < 0.0015,
                         qPrintable(QStringLiteral("frame %1: %2 s instead of %3 s").arg(i).arg(cut->secondsOf(i)).arg(expected)));
            }
            checkClip(source, out, start, end, start == 25 ? 0.0 : 3.0);
        }
    }

    void withoutAudio()
    {
        ClipExtractOptions options;
        options.includeAudio = false;
        auto r = extractClip(path("gop12_audio.mp4"), 12, 24, path("noaudio.mp4"), options);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        auto probe = probeVideo(path("noaudio.mp4"));
        QVERIFY(probe.ok());
        QVERIFY(probe->audioStreams.isEmpty());
    }

    // A failed or cancelled cut leaves the target as it was (absent or the previous file) and no
    // temporary file.
    void failuresLeaveNothing()
    {
        const QString target = path("kept.mp4");
        {
            QFile f(target);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("previous content");
        }
        std::atomic_bool cancel{true};
        auto r = extractClip(path("gop12_audio.mp4"), 5, 17, target, {}, &cancel);
        QVERIFY(!r.ok());
        QCOMPARE(r.videoError().kind, VideoErrorKind::Cancelled);
        QFile f(target);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("previous content"));

        for (auto [start, end] : {std::pair{-1, 5}, std::pair{10, 10}, std::pair{50, 61}}) {
            auto bad = extractClip(path("gop12_audio.mp4"), start, end, path("range.mp4"));
            QVERIFY(!bad.ok());
            QCOMPARE(bad.videoError().kind, VideoErrorKind::OutOfRange);
            QVERIFY(!QFile::exists(path("range.mp4")));
        }
        auto noFormat = extractClip(path("gop12_audio.mp4"), 0, 12, path("clip.unknownext"));
        QVERIFY(!noFormat.ok());
        QCOMPARE(noFormat.videoError().kind, VideoErrorKind::WriteFailed);
        QVERIFY(!QFile::exists(path("clip.unknownext")));
        QVERIFY2(leftovers().isEmpty(), qPrintable(leftovers().join(' ')));
    }

    void damagedSources_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("zero bytes") << "empty";
        QTest::newRow("text named .mp4") << "text";
        QTest::newRow("truncated") << "truncated";
        QTest::newRow("bit errors") << "biterrors";
        QTest::newRow("no video stream") << "audio";
    }

    // A clear error naming the file, or a best-effort clip; never a crash, a hang, or a partial file.
    void damagedSources()
    {
        QFETCH(QString, kind);
        const QString source = path("damaged_" + kind + ".mp4");
        QByteArray good;
        {
            QFile f(path("gop12_audio.mp4"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            good = f.readAll();
        }
        if (kind == "audio") {
            QString error;
            QVERIFY2(runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", source}, &error), qPrintable(error));
        } else {
            QByteArray bytes;
            if (kind == "text")
                bytes = "not a video\n";
            else if (kind == "truncated")
                bytes = good.left(good.size() * 2 / 3);
            else if (kind == "biterrors") {
                bytes = good;
                for (int i = 0; i < 64; ++i)
                    bytes[bytes.size() / 3 + i * 97] = char(bytes[bytes.size() / 3 + i * 97] ^ 0x5a);
            }
            QFile f(source);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        const QString out = path("from_damaged_" + kind + ".mp4");
        auto r = extractClip(source, 2, 20, out);
        if (r.ok()) {
            QCOMPARE(r->frameCount, 18);
            QVERIFY(QFile::exists(out));
        } else {
            QVERIFY2(r.error().contains(source) || r.error().contains(out), qPrintable(r.error()));
            QVERIFY(!QFile::exists(out));
        }
        qInfo("%s: %s", qPrintable(kind), r.ok() ? "clip written" : qPrintable(r.error()));
        QVERIFY2(leftovers().isEmpty(), qPrintable(leftovers().join(' ')));
    }
};

QTEST_GUILESS_MAIN(TestClipExtractor)
#include "tst_clipextractor.moc"
