// ClipPrefetcher: clips come out in the order asked, whatever the number of producers decoding side by side,
// with the same pixels; a bad file is named and the rest still decoded; stopping early never hangs.
#include "ClipPrefetcher.h"
#include "InferenceThreads.h"
#include "TestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::worker;

namespace {

InferenceThreads producers(int count)
{
    InferenceThreads t;
    t.decoder = 1;
    t.producers = count;
    return t;
}

std::vector<DecodedClip> decodeAll(const std::vector<ClipItem>& items, int producerCount, int64_t trainSeed = -1,
                                   size_t capacity = 8)
{
    const InferenceThreads share = producers(producerCount);
    ClipPrefetcher prefetcher(items, ClipPipeline(ClipPipelineConfig::small(8, 32)), capacity, trainSeed, {}, &share);
    std::vector<DecodedClip> out;
    while (std::optional<DecodedClip> c = prefetcher.next())
        out.push_back(std::move(*c));
    return out;
}

} // namespace

class TestClipPrefetcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void producersSideBySideHandOutTheSameClipsInOrder();
    void trainingClipsDoNotDependOnTheProducers();
    void stoppingEarlyReleasesEveryProducer();
    void coresAreSplitBetweenModelAndDecoders();

private:
    QTemporaryDir m_dir;
    std::vector<ClipItem> m_items; // windows of 4 videos, a missing file among them
    QString m_missing;
};

void TestClipPrefetcher::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Videos of different lengths and GOPs (one keyframe only, and one every 10 frames).
    const int frames[] = {70, 45, 90, 30};
    const int gops[] = {250, 10, 250, 10};
    for (int v = 0; v < 4; ++v) {
        const QString path = m_dir.filePath(QString("v%1.mp4").arg(v));
        QString error;
        QVERIFY2(test::makeTestVideo(path, frames[v], 96, 72, 30, gops[v], false, &error), qPrintable(error));
        if (v == 2) { // a file that went missing sits between two readable videos
            m_missing = m_dir.filePath("gone.mp4");
            for (int start : {0, 10})
                m_items.push_back({ClipItem::fileKey(m_missing, start, start + 20), m_missing, start, start + 20, -1, {}});
        }
        for (int start = 0; start + 20 <= frames[v]; start += 10) // overlapping windows: shared frames
            m_items.push_back({ClipItem::fileKey(path, start, start + 20), path, start, start + 20, -1, {}});
        m_items.push_back({ClipItem::fileKey(path, 0, -1), path, 0, -1, -1, {}}); // the whole video
    }
}

void TestClipPrefetcher::producersSideBySideHandOutTheSameClipsInOrder()
{
    const std::vector<DecodedClip> one = decodeAll(m_items, 1);
    QCOMPARE(one.size(), m_items.size());
    for (int count : {2, 3, 5}) {
        const std::vector<DecodedClip> many = decodeAll(m_items, count, -1, 4);
        QCOMPARE(many.size(), m_items.size());
        for (size_t i = 0; i < many.size(); ++i) {
            QCOMPARE(many[i].index, i);
            QCOMPARE(many[i].item.key, m_items[i].key);
            QCOMPARE(many[i].error, one[i].error);
            QCOMPARE(many[i].tensor.frameIndices, one[i].tensor.frameIndices);
            QVERIFY2(many[i].tensor.data == one[i].tensor.data, qPrintable(many[i].item.key));
        }
    }
    int failed = 0;
    for (const DecodedClip& c : one) {
        if (c.item.videoPath == m_missing) {
            ++failed;
            QVERIFY2(c.error.contains(m_missing), qPrintable(c.error));
        } else {
            QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
            QCOMPARE(c.tensor.segments, 8);
            QCOMPARE(c.tensor.width, 32);
        }
    }
    QCOMPARE(failed, 2);
}

void TestClipPrefetcher::trainingClipsDoNotDependOnTheProducers()
{
    const std::vector<DecodedClip> one = decodeAll(m_items, 1, 7);
    const std::vector<DecodedClip> three = decodeAll(m_items, 3, 7);
    QCOMPARE(three.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
        QCOMPARE(three[i].tensor.frameIndices, one[i].tensor.frameIndices);
        QVERIFY(three[i].tensor.data == one[i].tensor.data);
    }
}

void TestClipPrefetcher::stoppingEarlyReleasesEveryProducer()
{
    // Producers blocked on a full window, one waiting for its chunk: destroying the prefetcher joins them all.
    for (int count : {1, 3}) {
        const InferenceThreads share = producers(count);
        auto prefetcher = std::make_unique<ClipPrefetcher>(m_items, ClipPipeline(ClipPipelineConfig::small(8, 32)), 2, -1,
                                                           DecoderOptions{}, &share);
        QVERIFY(prefetcher->next().has_value());
        QTest::qWait(50);
        prefetcher.reset();
    }
    // stop() while the consumer waits: next() answers nullopt.
    const InferenceThreads share = producers(2);
    ClipPrefetcher prefetcher(m_items, ClipPipeline(ClipPipelineConfig::small(8, 32)), 2, -1, {}, &share);
    prefetcher.stop();
    QVERIFY(!prefetcher.next().has_value());
}

void TestClipPrefetcher::coresAreSplitBetweenModelAndDecoders()
{
    // 1 core: one of each. 2 cores: the model takes both, two one-thread decoders beside it (they run while
    // the model waits between batches).
    InferenceThreads t = inferenceThreads(1);
    QCOMPARE(t.model, 1);
    QCOMPARE(t.producers, 1);
    t = inferenceThreads(2);
    QCOMPARE(t.model, 2);
    QCOMPARE(t.decoder, 1);
    QCOMPARE(t.producers, 2);
    // 16 and 64 cores: ~30% decodes, as one-thread decoders side by side.
    t = inferenceThreads(16);
    QCOMPARE(t.model, 16);
    QCOMPARE(t.producers, 4);
    t = inferenceThreads(64);
    QCOMPARE(t.decoder, 1);
    QCOMPARE(t.producers, 19);
    // A GPU runs the model: decoding gets all but two cores.
    t = inferenceThreads(16, 0, 0, true);
    QCOMPARE(t.model, 2);
    QCOMPARE(t.producers, 14);
    // The user's choice of threads is kept; the decoders follow from it.
    t = inferenceThreads(64, 8, 2);
    QCOMPARE(t.model, 8);
    QCOMPARE(t.decoder, 2);
    QCOMPARE(t.producers, 9);
}

QTEST_GUILESS_MAIN(TestClipPrefetcher)
#include "tst_clipprefetcher.moc"
