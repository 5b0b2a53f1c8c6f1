#include "ClipPrefetcher.h"

#include "InferenceThreads.h"

#include <memory>

namespace mas::worker {

// Test-time clips of one video next to each other in the list go through the pipeline together
// (ClipPipeline::testClips: frames shared by overlapping windows are decoded and prepared once); at most this
// many, so the clips held before they are handed out stay a few tens of MB.
constexpr size_t kMaxChunk = 8;

struct ClipPrefetcher::OpenVideo {
    std::unique_ptr<VideoDecoder> decoder;
    QString path;
    QString error;
};

ClipPrefetcher::ClipPrefetcher(std::vector<ClipItem> items, ClipPipeline pipeline, size_t capacity, int64_t trainSeed,
                               DecoderOptions decoderOptions, const InferenceThreads* share)
    : m_items(std::move(items)), m_pipeline(std::move(pipeline)), m_trainSeed(trainSeed),
      m_decoderOptions(std::move(decoderOptions))
{
    // The decoders share the cores with the model running beside them (InferenceThreads).
    const InferenceThreads split = share ? *share : inferenceThreads();
    if (m_decoderOptions.threads <= 0)
        m_decoderOptions.threads = split.decoder;
    const int producers = std::max(1, split.producers);
    // The decoded-picture caches (which keep frames shared by neighbouring chunks) together stay as asked.
    if (producers > 1)
        m_decoderOptions.cacheMegabytes = std::max(32, m_decoderOptions.cacheMegabytes / producers);
    capacity = std::max<size_t>(capacity, 1);
    const size_t chunkLimit = trainSeed >= 0 ? 1 : std::max<size_t>(1, std::min(capacity / 2, kMaxChunk));
    for (size_t i = 0; i < m_items.size();) {
        size_t end = i + 1;
        while (end < m_items.size() && end - i < chunkLimit && m_items[end].videoPath == m_items[i].videoPath)
            ++end;
        m_chunks.push_back({i, end});
        i = end;
    }
    const size_t threads = std::max<size_t>(1, std::min<size_t>(size_t(producers), m_chunks.size()));
    m_capacity = capacity;
    m_producers = threads;
    for (size_t t = 0; t < threads; ++t)
        m_threads.emplace_back([this] { produce(); });
}

ClipPrefetcher::~ClipPrefetcher()
{
    stop();
    for (std::thread& t : m_threads)
        t.join();
}

void ClipPrefetcher::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex); // a waiter between its check and its wait still hears it
        m_stop = true;
    }
    m_changed.notify_all();
}

std::optional<DecodedClip> ClipPrefetcher::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        if (m_stop.load() || m_nextToHand >= m_chunks.size())
            return std::nullopt;
        auto it = m_done.find(m_nextToHand);
        if (it != m_done.end()) {
            DecodedClip clip = std::move(it->second[m_handedInChunk]);
            if (++m_handedInChunk == it->second.size()) {
                m_done.erase(it);
                ++m_nextToHand;
                m_handedInChunk = 0;
            }
            m_changed.notify_all(); // room for a producer to take another chunk
            return clip;
        }
        m_changed.wait(lock);
    }
}

std::vector<DecodedClip> ClipPrefetcher::nextBatch(size_t count)
{
    std::vector<DecodedClip> batch;
    while (batch.size() < count) {
        std::optional<DecodedClip> c = next();
        if (!c)
            break;
        batch.push_back(std::move(*c));
    }
    return batch;
}

// mutex held. The next chunk may be decoded when its clips, with those before it not yet handed out, stay within
// the capacity; each producer may always hold one chunk (a chunk can be larger than the capacity allows).
bool ClipPrefetcher::mayTakeNext() const
{
    if (m_nextToTake < m_nextToHand + m_producers)
        return true;
    const size_t nextItem = m_chunks[m_nextToHand].begin + m_handedInChunk;
    return m_chunks[m_nextToTake].end - nextItem <= m_capacity;
}

void ClipPrefetcher::produce()
{
    OpenVideo open;
    for (;;) {
        size_t number = 0;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stop.load() || m_nextToTake >= m_chunks.size() || mayTakeNext(); });
            if (m_stop.load() || m_nextToTake >= m_chunks.size())
                return;
            number = m_nextToTake++;
        }
        try {
            std::vector<DecodedClip> outs = decodeChunk(m_chunks[number], open);
            std::lock_guard<std::mutex> lock(m_mutex);
            m_done[number] = std::move(outs);
        } catch (...) { // out of memory outside the decoding: the stream ends here rather than wait forever
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
    }
}

std::vector<DecodedClip> ClipPrefetcher::decodeChunk(const Chunk& chunk, OpenVideo& open) const
{
    std::vector<DecodedClip> outs(chunk.end - chunk.begin);
    for (size_t k = chunk.begin; k < chunk.end; ++k) {
        outs[k - chunk.begin].index = k;
        outs[k - chunk.begin].item = m_items[k];
    }
    const QString& path = m_items[chunk.begin].videoPath;
    // Nothing thrown may reach std::thread (std::terminate): a throw fails this chunk's items, each named. The
    // decoder's state is unknown after it: the next chunk opens the video afresh.
    const auto failAll = [&](const QString& why) {
        open = OpenVideo{};
        for (DecodedClip& out : outs) {
            out.tensor = ClipTensor();
            out.error = path + ": " + why;
        }
    };
    try {
        if (path != open.path) {
            open.decoder.reset();
            open.path = path;
            open.error.clear();
            VideoResult<std::unique_ptr<VideoDecoder>> opened = VideoDecoder::open(path, m_decoderOptions);
            if (opened)
                open.decoder = std::move(opened.value());
            else
                open.error = opened.error();
        }
        if (!open.decoder) {
            for (DecodedClip& out : outs)
                out.error = open.error.isEmpty() ? path + ": cannot be opened" : open.error;
        } else {
            decodeRun(*open.decoder, outs);
        }
    } catch (const std::exception& e) {
        failAll(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        failAll(QStringLiteral("reading clips failed unexpectedly"));
    }
    return outs;
}

void ClipPrefetcher::decodeRun(VideoDecoder& decoder, std::vector<DecodedClip>& outs) const
{
    const auto rangeOf = [&](const ClipItem& item) {
        return std::pair<int, int>(item.startFrame, item.endFrame < 0 ? decoder.frameCount() : item.endFrame);
    };
    if (m_trainSeed < 0 && outs.size() > 1) {
        std::vector<std::pair<int, int>> ranges;
        for (const DecodedClip& out : outs)
            ranges.push_back(rangeOf(out.item));
        VideoResult<std::vector<ClipTensor>> clips = m_pipeline.testClips(decoder, ranges);
        if (clips) {
            for (size_t k = 0; k < outs.size(); ++k)
                outs[k].tensor = std::move(clips.value()[k]);
            return;
        }
        // One of them cannot be read: clip by clip, so each error names its own clip.
    }
    for (DecodedClip& out : outs) {
        const auto [start, end] = rangeOf(out.item);
        VideoResult<ClipTensor> clip =
            m_trainSeed >= 0 ? m_pipeline.trainClip(decoder, start, end, uint64_t(m_trainSeed) * 1000003u + out.index)
                             : m_pipeline.testClip(decoder, start, end);
        if (clip)
            out.tensor = std::move(clip.value());
        else
            out.error = clip.error();
    }
}

} // namespace mas::worker
