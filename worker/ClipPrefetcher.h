#pragma once
// Decoding overlaps with the model: a producer thread turns ClipItems into ClipTensors (own VideoDecoder,
// reused across consecutive items of one video) and hands them over through a bounded queue, so while the
// model works on batch n the producer decodes batch n+1. Torch-free.
#include "WorkTypes.h"
#include "video/ClipPipeline.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mas::worker {

struct DecodedClip {
    size_t index = 0;      // position in the item list given to the prefetcher
    ClipItem item;
    ClipTensor tensor;     // empty when error is set
    QString error;         // names the file and the problem
};

class ClipPrefetcher {
public:
    // decoderOptions.threads 0: InferenceThreads' share of the cores.
    // trainSeed >= 0: training augmentation (seed mixes in the item index); < 0: test-time clips.
    ClipPrefetcher(std::vector<ClipItem> items, ClipPipeline pipeline, size_t capacity, int64_t trainSeed = -1,
                   DecoderOptions decoderOptions = {});
    ~ClipPrefetcher();  // stops the producer
    ClipPrefetcher(const ClipPrefetcher&) = delete;
    ClipPrefetcher& operator=(const ClipPrefetcher&) = delete;

    // The next clip in item order; nullopt after the last one (or once stopped).
    std::optional<DecodedClip> next();
    // Up to `count` clips.
    std::vector<DecodedClip> nextBatch(size_t count);
    void stop();

private:
    void produce();
    size_t chunkSize() const;
    void decodeRun(VideoDecoder& decoder, std::vector<DecodedClip>& outs) const;

    std::vector<ClipItem> m_items;
    ClipPipeline m_pipeline;
    size_t m_capacity;
    int64_t m_trainSeed;
    DecoderOptions m_decoderOptions;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<DecodedClip> m_ready;
    bool m_finished = false;
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

} // namespace mas::worker
