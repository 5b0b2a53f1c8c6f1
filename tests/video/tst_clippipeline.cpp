// ClipPipeline: MANet's test-time sampling and preprocessing, checked against the formula and
// against OpenCV called directly here; the training variant is reproducible from its seed.
#include "VideoTestMedia.h"

#include "video/ClipPipeline.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace mas;
using namespace mas::test;

namespace {

// The spec's preprocessing, written out with OpenCV in double precision.
std::vector<double> referenceTest(const QImage& rgb, int shortSide, int crop)
{
    const cv::Mat src(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()), size_t(rgb.bytesPerLine()));
    const double f = double(shortSide) / std::min(rgb.width(), rgb.height());
    const int w = int(rgb.width() * f + 0.5), h = int(rgb.height() * f + 0.5);
    cv::Mat resized;
    cv::resize(src, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    const int left = (w - crop) / 2, top = (h - crop) / 2;
    const double mean[3] = {123.675, 116.28, 103.53}, stdv[3] = {58.395, 57.12, 57.375};
    std::vector<double> out(size_t(3) * crop * crop);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < crop; ++y)
            for (int x = 0; x < crop; ++x)
                out[(size_t(c) * crop + y) * crop + x] = (resized.at<cv::Vec3b>(top + y, left + x)[c] - mean[c]) / stdv[c];
    return out;
}

double maxDiff(const float* a, const std::vector<double>& b)
{
    double m = 0;
    for (size_t i = 0; i < b.size(); ++i)
        m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}

} // namespace

class TestClipPipeline : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_video;

private Q_SLOTS:
    void initTestCase()
    {
        m_video = m_dir.filePath("pattern.mp4");
        QString error;
        QVERIFY2(makePatternVideo(m_video, media("pattern.mp4", x264(25, 2), 70), &error), qPrintable(error));
    }

    void testSamplingFormula()
    {
        QCOMPARE(sampleTestIndices(50, 8), (std::vector<int>{3, 9, 15, 21, 28, 34, 40, 46}));
        QCOMPARE(sampleTestIndices(5, 8), (std::vector<int>{0, 0, 1, 2, 2, 3, 4, 4}));
        for (int n = 1; n < 300; ++n) {
            const auto idx = sampleTestIndices(n, 8);
            const double avg = n / 8.0;
            for (int i = 0; i < 8; ++i)
                QCOMPARE(idx[size_t(i)], int(std::floor(avg * i + avg / 2)) % n);
        }
    }

    void trainSamplingIsSeededAndInRange()
    {
        for (int n : {3, 8, 9, 15, 47, 75}) {
            ClipRng a(42), b(42);
            const auto x = sampleTrainIndices(n, 8, a), y = sampleTrainIndices(n, 8, b);
            QCOMPARE(x, y);
            const int avg = n / 8;
            for (int i = 0; i < 8; ++i) {
                QVERIFY(x[size_t(i)] >= 0 && x[size_t(i)] < n);
                if (avg > 0)
                    QVERIFY(x[size_t(i)] >= avg * i && x[size_t(i)] < avg * (i + 1));
            }
        }
        ClipRng r(1);
        QCOMPARE(sampleTrainIndices(4, 8, r), (std::vector<int>{0, 0, 1, 2, 2, 2, 3, 4 - 1}));
    }

    void resizeRule()
    {
        ClipPipeline p;
        QCOMPARE(p.resizedSize(1080, 1296), QSize(256, 307));
        QCOMPARE(p.resizedSize(160, 120), QSize(341, 256));
    }

    void testClipMatchesOpenCvReference()
    {
        auto dec = VideoDecoder::open(m_video);
        QVERIFY2(dec.ok(), qPrintable(dec.error()));
        for (const ClipPipelineConfig& config : {ClipPipelineConfig(), ClipPipelineConfig::small(8, 112)}) {
            ClipPipeline pipeline(config);
            auto clip = pipeline.testClip(*dec.value(), 10, 60);
            QVERIFY2(clip.ok(), qPrintable(clip.error()));
            QCOMPARE(clip->segments, 8);
            QCOMPARE(clip->height, config.cropSize);
            QCOMPARE(clip->data.size(), size_t(8) * 3 * config.cropSize * config.cropSize);
            QCOMPARE(clip->frameIndices, (std::vector<int>{13, 19, 25, 31, 38, 44, 50, 56}));
            for (int s = 0; s < 8; ++s) {
                auto frame = dec.value()->frameAt(clip->frameIndices[size_t(s)]);
                QVERIFY(frame.ok());
                QCOMPARE(readIndexPattern(frame->image), clip->frameIndices[size_t(s)]);
                const auto ref = referenceTest(frame->image, config.shortSide, config.cropSize);
                QVERIFY2(maxDiff(clip->segment(s), ref) < 1e-5, qPrintable(QString::number(maxDiff(clip->segment(s), ref))));
            }
        }
    }

    void trainClipReproducible()
    {
        auto dec = VideoDecoder::open(m_video);
        QVERIFY(dec.ok());
        ClipPipeline pipeline(ClipPipelineConfig::small(8, 112));
        auto a = pipeline.trainClip(*dec.value(), 0, 70, 7);
        auto b = pipeline.trainClip(*dec.value(), 0, 70, 7);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        QCOMPARE(a->data, b->data);
        QCOMPARE(a->frameIndices, b->frameIndices);
        bool differs = false;
        for (uint64_t seed = 8; seed < 12 && !differs; ++seed)
            differs = pipeline.trainClip(*dec.value(), 0, 70, seed)->data != a->data;
        QVERIFY(differs);
        for (uint64_t seed = 0; seed < 200; ++seed) {
            ClipRng rng(seed);
            const TrainCrop c = chooseTrainCrop(341, 256, ClipPipelineConfig(), rng);
            QVERIFY(c.x >= 0 && c.y >= 0 && c.x + c.width <= 341 && c.y + c.height <= 256);
            QVERIFY(c.width >= int(256 * 0.66) && c.height >= int(256 * 0.66));
        }
    }

    // The pre-label path decodes only what the samples need (B-frames between them are skipped) and
    // prepares a frame shared by overlapping windows once: the tensors must be the ones a clip-by-clip,
    // every-frame decode gives, for aligned and unaligned windows, and far fewer frames decoded.
    void sharedWindowsEqualClipByClipAndSkipUnsampledBFrames()
    {
        auto fast = VideoDecoder::open(m_video);
        auto slow = VideoDecoder::open(m_video);
        QVERIFY2(fast.ok() && slow.ok(), qPrintable(fast.error() + slow.error()));
        ClipPipeline pipeline(ClipPipelineConfig::small(8, 112));
        const std::vector<std::pair<int, int>> windows{{0, 24}, {12, 36}, {24, 48}, {31, 70}, {5, 29}};
        auto together = pipeline.testClips(*fast.value(), windows);
        QVERIFY2(together.ok(), qPrintable(together.error()));
        QCOMPARE(together->size(), windows.size());
        for (size_t w = 0; w < windows.size(); ++w) {
            const ClipTensor& t = together.value()[w];
            QCOMPARE(t.frameIndices.size(), size_t(8));
            for (int s = 0; s < 8; ++s) {
                // Every frame of the other decoder (a frameAt per frame, nothing skipped).
                auto frame = slow.value()->frameAt(t.frameIndices[size_t(s)]);
                QVERIFY(frame.ok());
                QCOMPARE(readIndexPattern(frame->image), t.frameIndices[size_t(s)]);
                const auto ref = referenceTest(frame->image, 128, 112);
                QVERIFY2(maxDiff(t.segment(s), ref) < 1e-5, qPrintable(QString("window %1 segment %2: %3")
                                                                            .arg(w).arg(s).arg(maxDiff(t.segment(s), ref))));
            }
        }
        // One clip of 70 frames samples 8: with up to 2 B-frames between references (x264 -bf 2) about a
        // third of the frames up to the last sample are skipped undecoded.
        auto one = VideoDecoder::open(m_video);
        QVERIFY(one.ok());
        auto clip = ClipPipeline().testClip(*one.value(), 0, 70);
        QVERIFY2(clip.ok(), qPrintable(clip.error()));
        const int64_t decoded = one.value()->stats().decodedFrames;
        QVERIFY2(decoded < clip->frameIndices.back() * 9 / 10,
                 qPrintable(QString("%1 frames decoded for samples up to %2").arg(decoded).arg(clip->frameIndices.back())));
        QVERIFY(decoded >= 8);
        qInfo("one 70-frame clip: %lld of %d frames decoded", (long long)decoded, clip->frameIndices.back() + 1);
    }

    void badSegment()
    {
        auto dec = VideoDecoder::open(m_video);
        QVERIFY(dec.ok());
        auto clip = ClipPipeline().testClip(*dec.value(), 60, 80);
        QCOMPARE(clip.videoError().kind, VideoErrorKind::OutOfRange);
    }

    void realClips()
    {
        if (sharedDir().isEmpty())
            QSKIP("../shared/ma52 is not here: real MA-52 clips not tested");
        const QDir clips(sharedDir() + "/ma52/clips");
        const QStringList files = clips.entryList({"*.mp4"}, QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        QList<int> counts;
        for (const QString& f : files) {
            auto dec = VideoDecoder::open(clips.filePath(f));
            QVERIFY2(dec.ok(), qPrintable(dec.error()));
            QCOMPARE(dec.value()->frameSize(), QSize(1080, 1296));
            counts << dec.value()->frameCount();
            ClipPipeline pipeline;
            auto clip = pipeline.testClip(*dec.value(), 0, dec.value()->frameCount());
            QVERIFY2(clip.ok(), qPrintable(clip.error()));
            QCOMPARE(clip->data.size(), size_t(8 * 3 * 224 * 224));
            QCOMPARE(clip->frameIndices, sampleTestIndices(dec.value()->frameCount(), 8));
            auto frame = dec.value()->frameAt(clip->frameIndices[3]);
            QVERIFY(frame.ok());
            QVERIFY(maxDiff(clip->segment(3), referenceTest(frame->image, 256, 224)) < 1e-5);
        }
        std::sort(counts.begin(), counts.end());
        QCOMPARE(counts, (QList<int>{47, 50, 75}));
    }
};

QTEST_GUILESS_MAIN(TestClipPipeline)
#include "tst_clippipeline.moc"
