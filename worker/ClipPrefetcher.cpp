#include "ClipPrefetcher.h"

#include "InferenceThreads.h"

#include <memory>

namespace mas::worker {

ClipPrefetcher::ClipPrefetcher(std::vector<ClipItem> items, ClipPipeline pipeline, size_t capacity, int64_t trainSeed,
                               DecoderOptions decoderOptions)
    : m_items(std::move(items)), m_pipeline(std::move(pipeline)), m_capacity(std::max<size_t>(capacity, 1)),
      m_trainSeed(trainSeed), m_decoderOptions(std::move(decoderOptions))
{
    // The decoder shares the cores with the model running beside it (InferenceThreads).
    if (m_decoderOptions.threads <= 0)
        m_decoderOptions.threads = inferenceThreads().decoder;
    m_thread = std::thread([this] { produce(); });
}

ClipPrefetcher::~ClipPrefetcher()
{
    stop();
    m_thread.join();
}

void ClipPrefetcher::stop()
{
    m_stop = true;
    m_changed.notify_all();
}

std::optional<DecodedClip> ClipPrefetcher::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_ready.empty() || m_finished || m_stop.load(); });
    if (m_ready.empty())
        return std::nullopt;
    DecodedClip clip = std::move(m_ready.front());
    m_ready.pop_front();
    m_changed.notify_all();
    return clip;
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

// Test-time clips of one video next to each other in the list go through the pipeline together
// (ClipPipeline::testClips: frames shared by overlapping windows are decoded and prepared once); at
// most this many, so the clips held before they are queued stay a few tens of MB.
size_t ClipPrefetcher::chunkSize() const { return m_trainSeed >= 0 ? 1 : std::max<size_t>(1, std::min<size_t>(m_capacity / 2, 8)); }

void ClipPrefetcher::produce()
{
    // Nothing thrown here may reach std::thread (std::terminate): an exception while decoding one item fails
    // that item; one elsewhere (queueing) ends the stream with an error item, so the consumer sees why.
    size_t i = 0;
    try {
        std::unique_ptr<VideoDecoder> decoder;
        QString openPath, openError;
        while (i < m_items.size() && !m_stop.load()) {
            // The run of items [i, end) of one video decoded together.
            size_t end = i + 1;
            while (end < m_items.size() && end - i < chunkSize() && m_items[end].videoPath == m_items[i].videoPath)
                ++end;
            std::vector<DecodedClip> outs(end - i);
            for (size_t k = i; k < end; ++k) {
                outs[k - i].index = k;
                outs[k - i].item = m_items[k];
            }
            const QString& path = m_items[i].videoPath;
            try {
                if (path != openPath) {
                    decoder.reset();
                    openPath = path;
                    openError.clear();
                    VideoResult<std::unique_ptr<VideoDecoder>> opened = VideoDecoder::open(path, m_decoderOptions);
                    if (opened)
                        decoder = std::move(opened.value());
                    else
                        openError = opened.error();
                }
                if (!decoder) {
                    for (DecodedClip& out : outs)
                        out.error = openError.isEmpty() ? path + ": cannot be opened" : openError;
                } else {
                    decodeRun(*decoder, outs);
                }
            } catch (const std::exception& e) {
                // The decoder's state is unknown after a throw: the next item opens the video afresh.
                decoder.reset();
                openPath.clear();
                for (DecodedClip& out : outs) {
                    out.tensor = ClipTensor();
                    out.error = path + ": " + QString::fromLocal8Bit(e.what());
                }
            }
            for (DecodedClip& out : outs) {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [this] { return m_ready.size() < m_capacity || m_stop.load(); });
                if (m_stop.load())
                    break;
                m_ready.push_back(std::move(out));
                ++i;
                m_changed.notify_all();
            }
        }
    } catch (...) {
        try {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (i < m_items.size() && !m_stop.load()) {
                DecodedClip out;
                out.index = i;
                out.item = m_items[i];
                out.error = m_items[i].videoPath + ": reading clips failed unexpectedly";
                m_ready.push_back(std::move(out));
            }
        } catch (...) {
        }
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_finished = true;
    m_changed.notify_all();
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
