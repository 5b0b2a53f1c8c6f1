#include "ClipBatches.h"

#include <chrono>
#include <cstring>

namespace mas::worker {

model::FrameBatch ClipBatch::frames() const
{
    return {buffer.data(), int64_t(clips.size()) * segments, 3, height, width};
}

ClipBatch makeClipBatch(std::vector<DecodedClip> decoded)
{
    ClipBatch batch;
    for (DecodedClip& c : decoded) {
        if (!c.error.isEmpty()) {
            batch.failures.push_back({c.item.key, c.error});
            continue;
        }
        if (!batch.clips.empty() && (c.tensor.height != batch.height || c.tensor.width != batch.width ||
                                     c.tensor.segments != batch.segments)) {
            batch.failures.push_back({c.item.key, c.item.videoPath + ": clip of another size than its batch"});
            continue;
        }
        batch.height = c.tensor.height;
        batch.width = c.tensor.width;
        batch.segments = c.tensor.segments;
        batch.clips.push_back(std::move(c));
    }
    if (!batch.clips.empty()) {
        const size_t per = batch.clips.front().tensor.data.size();
        batch.buffer.resize(per * batch.clips.size());
        for (size_t i = 0; i < batch.clips.size(); ++i) {
            std::memcpy(batch.buffer.data() + i * per, batch.clips[i].tensor.data.data(), per * sizeof(float));
            batch.clips[i].tensor.data = {}; // the copy is what the model reads
        }
    }
    return batch;
}

bool forEachClipBatch(ClipPrefetcher& prefetcher, size_t batchSize, JobContext& context,
                      const std::function<bool(ClipBatch&)>& onBatch, BatchLoopStats* stats)
{
    using Clock = std::chrono::steady_clock;
    for (;;) {
        if (!context.waitWhilePaused())
            return false;
        ClipBatch batch;
        const Clock::time_point waitStart = Clock::now();
        std::vector<DecodedClip> decoded = prefetcher.nextBatch(batchSize);
        if (stats)
            stats->waitSeconds += std::chrono::duration<double>(Clock::now() - waitStart).count();
        if (decoded.empty())
            return !context.cancelled();
        batch = makeClipBatch(std::move(decoded));
        const Clock::time_point modelStart = Clock::now();
        const bool more = onBatch(batch);
        if (stats) {
            stats->modelSeconds += std::chrono::duration<double>(Clock::now() - modelStart).count();
            stats->clips += int64_t(batch.clips.size());
        }
        if (!more || context.cancelled())
            return !context.cancelled();
    }
}

} // namespace mas::worker
