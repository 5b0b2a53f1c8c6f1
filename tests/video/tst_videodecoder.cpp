// VideoDecoder: every request lands on exactly the frame asked for, in any order, in every
// container/codec we generate; damaged files give errors, never crashes or hangs.
#include "VideoTestMedia.h"

#include "video/VideoDecoder.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>

using namespace mas;
using namespace mas::test;

class TestVideoDecoder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    // The long-GOP file with the LRU cache off, so that only the read-ahead holds pictures.
    VideoResult<std::unique_ptr<VideoDecoder>> openReadingAhead(int frames) const
    {
        DecoderOptions options;
        options.cacheMegabytes = 0;
        options.readAheadFrames = frames;
        return VideoDecoder::open(path("h264_gop250_audio.mp4"), options);
    }

    struct Case {
        MediaSpec spec;
        int rotation = 0;
    };
    QList<Case> cases() const
    {
        const QString vfr = QStringLiteral("settb=1/1000,setpts=N*40+mod(N\\,2)*15"); // steps 55, 25 ms
        return {
            {media("h264_gop250_audio.mp4", x264(250), 300, true), 0},
            {media("h264_gop12.mkv", x264(12, 2), 80), 0},
            {media("h264_vfr.mkv", x264(25, 2), 90, false, vfr, {"-fps_mode", "passthrough"}), 0},
            {media("h264_vfr.mp4", x264(25, 2), 90, false, vfr, {"-fps_mode", "passthrough", "-video_track_timescale", "1000"}), 0},
            {media("mjpeg_intra.avi", {"-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p"}, 40), 0},
            {media("mpeg4_bframes.avi", {"-c:v", "mpeg4", "-q:v", "2", "-bf", "2", "-g", "20"}, 60), 0},
            {media("hevc_opengop.mp4",
              {"-c:v", "libx265", "-preset", "ultrafast", "-crf", "10", "-x265-params",
               "keyint=20:min-keyint=20:open-gop=1:bframes=3:log-level=error", "-tag:v", "hvc1"},
                   70),
             0},
            {media("vp9.webm", {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-crf", "10", "-b:v", "0", "-g", "15"}, 45), 0},
            {media("h264_rot90.mp4", x264(10, 2), 30), 90},
        };
    }

    void checkFrame(VideoDecoder& dec, int index, int rotation, const QString& what)
    {
        auto frame = dec.frameAt(index);
        QVERIFY2(frame.ok(), qPrintable(what + ": " + frame.error()));
        QCOMPARE(frame->index, index);
        QCOMPARE(readIndexPattern(frame->image, rotation), index);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const Case& c : cases()) {
            QString error;
            QVERIFY2(makePatternVideo(path(c.spec.fileName), c.spec, &error), qPrintable(c.spec.fileName + ": " + error));
            if (c.rotation == 90)
                QVERIFY(setMp4Rotation90(path(c.spec.fileName)));
        }
    }

    void exactFrames_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("rotation");
        QTest::addColumn<int>("readAhead");
        for (const int readAhead : {0, 4})
            for (const Case& c : cases())
                QTest::newRow(qPrintable(c.spec.fileName + (readAhead ? QStringLiteral(" read-ahead") : QString())))
                    << c.spec.fileName << c.spec.frames << c.rotation << readAhead;
    }

    // Forward, backward, seeded random order and GOP boundaries: all land exactly, also while the
    // read-ahead decodes in the background between the requests.
    void exactFrames()
    {
        QFETCH(QString, file);
        QFETCH(int, frames);
        QFETCH(int, rotation);
        QFETCH(int, readAhead);
        DecoderOptions options;
        options.cacheMegabytes = 1; // force real seeks, not cache hits
        options.readAheadFrames = readAhead;
        auto opened = VideoDecoder::open(path(file), options);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        VideoDecoder& dec = *opened.value();
        QCOMPARE(dec.frameCount(), frames);
        if (rotation == 90) {
            QCOMPARE(dec.frameSize(), QSize(120, 160));
            QCOMPARE(dec.info().rotationDegrees, 90);
        }

        for (int i = 0; i < frames; ++i) {
            auto f = dec.nextFrame();
            QVERIFY2(f.ok(), qPrintable(f.error()));
            QCOMPARE(readIndexPattern(f->image, rotation), i);
        }
        auto past = dec.nextFrame();
        QVERIFY(past.isEndOfStream());

        for (int i = frames - 1; i >= 0; i -= 3)
            checkFrame(dec, i, rotation, QStringLiteral("backward %1").arg(i));

        std::mt19937 rng(20240611u);
        std::vector<int> order(static_cast<size_t>(frames));
        for (int i = 0; i < frames; ++i)
            order[size_t(i)] = i;
        std::shuffle(order.begin(), order.end(), rng);
        order.resize(std::min<size_t>(order.size(), 60));
        for (int i : order)
            checkFrame(dec, i, rotation, QStringLiteral("random %1").arg(i));

        // Around every keyframe: the frame before, the keyframe, the one after.
        const FrameIndex& idx = dec.frameIndex();
        for (int k = 0; k < frames; ++k) {
            if (!idx.isKeyframe(k))
                continue;
            for (int i : {k - 1, k, k + 1, k - 1})
                if (i >= 0 && i < frames)
                    checkFrame(dec, i, rotation, QStringLiteral("around keyframe %1").arg(k));
        }
    }

    void stepsCostOneDecode()
    {
        auto opened = VideoDecoder::open(path("h264_gop250_audio.mp4"));
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        VideoDecoder& dec = *opened.value();
        checkFrame(dec, 120, 0, "seek");
        const DecoderStats before = dec.stats();
        checkFrame(dec, 121, 0, "step forward");
        QCOMPARE(dec.stats().seeks, before.seeks);
        QCOMPARE(dec.stats().decodedFrames, before.decodedFrames + 1);
        checkFrame(dec, 119, 0, "step back");
        QCOMPARE(dec.stats().seeks, before.seeks);
        QVERIFY(dec.stats().cacheHits > before.cacheHits);
    }

    // After a request the read-ahead decodes exactly the next frames (no more), a forward step is
    // then a hit on exactly the right picture, and the decoder holds at most readAheadFrames + 1
    // pictures ahead even with the LRU cache off.
    void readAheadKeepsTheNextFramesDecoded()
    {
        auto opened = openReadingAhead(4);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        VideoDecoder& dec = *opened.value();
        QCOMPARE(dec.readAheadFrames(), 4);
        checkFrame(dec, 120, 0, "seek");
        QVERIFY(dec.waitForReadAhead(10000));
        const DecoderStats afterSeek = dec.stats();
        QCOMPARE(afterSeek.readAheadDecoded, 4);
        QCOMPARE(afterSeek.readAheadHeld, 4);
        for (int i = 121; i <= 140; ++i) {
            const DecoderStats before = dec.stats();
            checkFrame(dec, i, 0, QStringLiteral("step %1").arg(i));
            QVERIFY2(dec.stats().readAheadHits == before.readAheadHits + 1, qPrintable(QString::number(i)));
            QVERIFY(dec.waitForReadAhead(10000));
            QVERIFY(dec.stats().readAheadHeld <= 5);
        }
        const DecoderStats afterSteps = dec.stats();
        QCOMPARE(afterSteps.seeks, afterSeek.seeks);
        QCOMPARE(afterSteps.readAheadDecoded, 4 + 20); // one new frame per step: frames 125..144
        QCOMPARE(afterSteps.decodedFrames, afterSeek.decodedFrames + 20);
        QCOMPARE(afterSteps.readAheadHits, 20);
    }

    // A seek moves the window: pictures read ahead for the old position are dropped, the read-ahead
    // restarts after the new one, and nothing more is decoded for the old position.
    void readAheadCancelledBySeek()
    {
        auto opened = openReadingAhead(4);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        VideoDecoder& dec = *opened.value();
        checkFrame(dec, 200, 0, "first position");
        QVERIFY(dec.waitForReadAhead(10000));
        QCOMPARE(dec.stats().readAheadHeld, 4);
        checkFrame(dec, 10, 0, "seek back");
        QVERIFY(dec.waitForReadAhead(10000));
        const DecoderStats afterSeek = dec.stats();
        QCOMPARE(afterSeek.readAheadHeld, 4);
        QCOMPARE(afterSeek.readAheadDecoded, 8);
        for (int i = 11; i <= 14; ++i)
            checkFrame(dec, i, 0, QStringLiteral("after seek %1").arg(i));
        QCOMPARE(dec.stats().readAheadHits, afterSeek.readAheadHits + 4);
        // Frame 201 was read ahead before the seek; it is gone (the cache is off): decoded again.
        const DecoderStats before = dec.stats();
        checkFrame(dec, 201, 0, "old window");
        QCOMPARE(dec.stats().readAheadHits, before.readAheadHits);
        QVERIFY(dec.stats().decodedFrames > before.decodedFrames);

        // Off again (while it may be decoding): nothing held, nothing decoded after a request.
        dec.setReadAheadFrames(0);
        QCOMPARE(dec.stats().readAheadHeld, 0);
        const DecoderStats off = dec.stats();
        checkFrame(dec, 230, 0, "read-ahead off");
        QVERIFY(dec.waitForReadAhead(10000));
        const DecoderStats at230 = dec.stats();
        checkFrame(dec, 231, 0, "step with read-ahead off");
        QVERIFY(dec.waitForReadAhead(10000));
        QCOMPARE(dec.stats().readAheadDecoded, off.readAheadDecoded);
        QCOMPARE(dec.stats().decodedFrames, at230.decodedFrames + 1);
    }

    // Requests back to back while the read-ahead works, a request at the last frame, and closing
    // the decoder in the middle of its read-ahead: exact frames, no hang, no crash.
    void readAheadUnderBusyRequests()
    {
        DecoderOptions options;
        options.readAheadFrames = 8;
        options.cacheMegabytes = 2;
        for (int round = 0; round < 5; ++round) {
            auto opened = VideoDecoder::open(path("h264_gop12.mkv"), options);
            QVERIFY2(opened.ok(), qPrintable(opened.error()));
            VideoDecoder& dec = *opened.value();
            std::mt19937 rng(99u + uint32_t(round));
            for (int k = 0; k < 40; ++k) {
                const int i = (k % 3 == 0) ? int(rng() % 80u) : std::min(79, int(rng() % 80u) / 2 + k);
                checkFrame(dec, i, 0, QStringLiteral("busy %1").arg(i));
            }
            checkFrame(dec, 79, 0, "last");
            QVERIFY(dec.nextFrame().isEndOfStream());
            checkFrame(dec, 5, 0, "close while reading ahead");
        }
    }

    void variableFrameRateTimes()
    {
        auto opened = VideoDecoder::open(path("h264_vfr.mkv"));
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        VideoDecoder& dec = *opened.value();
        const FrameIndex& idx = dec.frameIndex();
        for (int i = 0; i < dec.frameCount(); ++i) {
            const double expected = (i * 40 + (i % 2) * 15) / 1000.0;
            QVERIFY2(qAbs(idx.secondsOf(i) - expected) < 1e-9, qPrintable(QString::number(i)));
        }
        // A time inside [t_i, t_i+1) maps to i; exact starts map to i.
        for (int i : {0, 1, 2, 7, 8, 33, 88}) {
            auto f = dec.frameAtTime(idx.secondsOf(i) + 0.001);
            QVERIFY2(f.ok(), qPrintable(f.error()));
            QCOMPARE(readIndexPattern(f->image), i);
            QCOMPARE(idx.frameAtSeconds(idx.secondsOf(i)), i);
        }
    }

    void scaledOutput()
    {
        auto opened = VideoDecoder::open(path("h264_rot90.mp4"));
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        auto f = opened.value()->frameAt(5, QSize(60, 0));
        QVERIFY2(f.ok(), qPrintable(f.error()));
        QCOMPARE(f->image.size(), QSize(60, 80));
        QCOMPARE(f->image.format(), QImage::Format_RGB888);
        QCOMPARE(readIndexPattern(f->image, 90), 5);
    }

    // Shrunk pictures (scaled in YUV, then converted) keep the full-size picture's levels and range:
    // limited-range H.264 and full-range MJPEG, upright and rotated.
    void shrunkPicturesMatchFullSize_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("frame");
        QTest::newRow("h264 limited range") << "h264_gop12.mkv" << 37;
        QTest::newRow("mjpeg full range") << "mjpeg_intra.avi" << 21;
        QTest::newRow("rotated") << "h264_rot90.mp4" << 13;
    }
    void shrunkPicturesMatchFullSize()
    {
        QFETCH(QString, file);
        QFETCH(int, frame);
        auto opened = VideoDecoder::open(path(file));
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        auto full = opened.value()->frameAt(frame);
        QVERIFY2(full.ok(), qPrintable(full.error()));
        const QSize half = full->image.size() / 2;
        auto small = opened.value()->frameAt(frame, half);
        QVERIFY2(small.ok(), qPrintable(small.error()));
        QCOMPARE(small->image.size(), half);
        const QImage reference = full->image.scaled(half, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        double sum = 0;
        for (int y = 0; y < half.height(); ++y)
            for (int x = 0; x < half.width(); ++x) {
                const QRgb a = small->image.pixel(x, y), b = reference.pixel(x, y);
                sum += std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
            }
        const double meanDifference = sum / (3.0 * half.width() * half.height());
        QVERIFY2(meanDifference < 4.0, qPrintable(QString::number(meanDifference)));
    }

    void outOfRange()
    {
        auto opened = VideoDecoder::open(path("h264_gop12.mkv"));
        QVERIFY(opened.ok());
        QCOMPARE(opened.value()->frameAt(-1).videoError().kind, VideoErrorKind::OutOfRange);
        QVERIFY(opened.value()->frameAt(80).isEndOfStream());
    }

    void damagedInputs_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("zero bytes") << "empty";
        QTest::newRow("text named .mp4") << "text";
        QTest::newRow("truncated half") << "truncated";
        QTest::newRow("bit errors") << "biterrors";
        QTest::newRow("audio only") << "audio";
        QTest::newRow("missing") << "missing";
    }

    // Errors name the file, or decoding goes on best effort; never a crash or a hang.
    void damagedInputs()
    {
        QFETCH(QString, kind);
        const QString file = path("damaged_" + kind + ".mp4");
        QFile::remove(file);
        QByteArray good;
        {
            QFile src(path("h264_gop12.mkv"));
            QVERIFY(src.open(QIODevice::ReadOnly));
            good = src.readAll();
        }
        if (kind == "audio") {
            QString error;
            QVERIFY2(runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", file}, &error),
                     qPrintable(error));
        } else if (kind != "missing") {
            QByteArray bytes;
            if (kind == "text")
                bytes = "This is not a video, just text in a file named .mp4\n";
            else if (kind == "truncated")
                bytes = good.left(good.size() / 2);
            else if (kind == "biterrors") {
                bytes = good;
                std::mt19937 rng(7);
                for (int i = 0; i < 400; ++i)
                    bytes[int(rng() % uint32_t(bytes.size() - 2000)) + 2000] = char(rng());
            }
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(bytes);
        }
        auto opened = VideoDecoder::open(file);
        if (kind == "empty" || kind == "text" || kind == "audio" || kind == "missing") {
            QVERIFY(!opened.ok());
            QVERIFY2(opened.error().contains(file), qPrintable(opened.error()));
            QCOMPARE(opened.videoError().kind, VideoErrorKind::OpenFailed);
            return;
        }
        if (!opened.ok()) {
            QVERIFY2(opened.error().contains(file), qPrintable(opened.error()));
            return;
        }
        VideoDecoder& dec = *opened.value();
        int decoded = 0, failed = 0;
        for (int i = 0; i < dec.frameCount(); ++i) {
            auto f = dec.frameAt(i);
            if (f.ok())
                ++decoded;
            else {
                ++failed;
                QVERIFY2(f.error().contains(file), qPrintable(f.error()));
            }
        }
        for (int i = dec.frameCount() - 1; i >= 0; i -= 7) {
            auto f = dec.frameAt(i);
            if (!f.ok())
                QVERIFY2(f.error().contains(file), qPrintable(f.error()));
        }
        qInfo("%s: %d frames indexed, %d decoded, %d errors", qPrintable(kind), dec.frameCount(), decoded, failed);
        if (kind == "truncated")
            QVERIFY(decoded > 0);
    }
};

QTEST_GUILESS_MAIN(TestVideoDecoder)
#include "tst_videodecoder.moc"
