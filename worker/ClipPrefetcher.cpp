#include "ClipPrefetcher.h"

#include <memory>

namespace mas::worker {

ClipPrefetcher::ClipPrefetcher(std::vector<ClipItem> items, ClipPipeline pipeline, size_t capacity, int64_t trainSeed,
                               DecoderOptions decoderOptions)
    : m_items(std::move(items)), m_pipeline(std::move(pipeline)), m_capacity(std::max<size_t>(capacity, 1)),
      m_trainSeed(trainSeed), m_decoderOptions(std::move(decoderOptions))
{
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

void ClipPrefetcher::produce()
{
    // Nothing thrown here may reach std::thread (std::terminate): an exception while decoding one item fails
    // that item; one elsewhere (queueing) ends the stream with an error item, so the consumer sees why.
    size_t i = 0;
    try {
        std::unique_ptr<VideoDecoder> decoder;
        QString openPath, openError;
        for (i = 0; i < m_items.size() && !m_stop.load(); ++i) {
            DecodedClip out;
            out.index = i;
            out.item = m_items[i];
            const ClipItem& item = out.item;
            try {
                if (item.videoPath != openPath) {
                    decoder.reset();
                    openPath = item.videoPath;
                    openError.clear();
                    VideoResult<std::unique_ptr<VideoDecoder>> opened = VideoDecoder::open(item.videoPath, m_decoderOptions);
                    if (opened)
                        decoder = std::move(opened.value());
                    else
                        openError = opened.error();
                }
                if (!decoder) {
                    out.error = openError.isEmpty() ? item.videoPath + ": cannot be opened" : openError;
                } else {
                    const int end = item.endFrame < 0 ? decoder->frameCount() : item.endFrame;
                    VideoResult<ClipTensor> clip =
                        m_trainSeed >= 0 ? m_pipeline.trainClip(*decoder, item.startFrame, end,
                                                                 uint64_t(m_trainSeed) * 1000003u + i)
                                         : m_pipeline.testClip(*decoder, item.startFrame, end);
                    if (clip)
                        out.tensor = std::move(clip.value());
                    else
                        out.error = clip.error();
                }
            } catch (const std::exception& e) {
                // The decoder's state is unknown after a throw: the next item opens the video afresh.
                decoder.reset();
                openPath.clear();
                out.tensor = ClipTensor();
                out.error = item.videoPath + ": " + QString::fromLocal8Bit(e.what());
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            m_changed.wait(lock, [this] { return m_ready.size() < m_capacity || m_stop.load(); });
            if (m_stop.load())
                break;
            m_ready.push_back(std::move(out));
            m_changed.notify_all();
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

} // namespace mas::worker
