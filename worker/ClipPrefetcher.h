#pragma once
// Decoding overlaps with the model: producer threads turn ClipItems into ClipTensors and hand them over in item
// order through a bounded window, so while the model works on batch n the producers decode the batches after it.
// Items are cut into chunks (a run of items of one video, decoded together: ClipPipeline::testClips); each
// producer takes the next chunk, with its own VideoDecoder kept open while its chunks stay in one video. Several
// producers serve large machines (and GPUs), where one decoder cannot keep up with the model: they decode
// different videos, or different stretches of one long video, side by side. Torch-free.
#include "InferenceThreads.h"
#include "WorkTypes.h"
#include "video/ClipPipeline.h"

#include <atomic>
#include <condition_variable>
#include <map>
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
    // `share`: how the cores are split with the model (null: inferenceThreads(), a model on the CPU); its
    // producers decode side by side, each with decoderOptions.threads frame threads (0: the share's).
    // trainSeed >= 0: training augmentation (seed mixes in the item index); < 0: test-time clips.
    // `capacity`: about how many decoded clips may wait for the consumer (at least one chunk per producer).
    ClipPrefetcher(std::vector<ClipItem> items, ClipPipeline pipeline, size_t capacity, int64_t trainSeed = -1,
                   DecoderOptions decoderOptions = {}, const InferenceThreads* share = nullptr);
    ~ClipPrefetcher();  // stops the producers
    ClipPrefetcher(const ClipPrefetcher&) = delete;
    ClipPrefetcher& operator=(const ClipPrefetcher&) = delete;

    // The next clip in item order; nullopt after the last one (or once stopped).
    std::optional<DecodedClip> next();
    // Up to `count` clips.
    std::vector<DecodedClip> nextBatch(size_t count);
    void stop();
    int producerCount() const { return int(m_threads.size()); }

private:
    struct Chunk {
        size_t begin = 0, end = 0; // items [begin, end)
    };
    struct OpenVideo; // a producer's decoder and the video it has open
    bool mayTakeNext() const;
    void produce();
    std::vector<DecodedClip> decodeChunk(const Chunk& chunk, OpenVideo& open) const;
    void decodeRun(VideoDecoder& decoder, std::vector<DecodedClip>& outs) const;

    std::vector<ClipItem> m_items;
    ClipPipeline m_pipeline;
    int64_t m_trainSeed;
    DecoderOptions m_decoderOptions;
    std::vector<Chunk> m_chunks;
    size_t m_capacity = 1;             // clips decoded (or being decoded) ahead of the consumer, about
    size_t m_producers = 1;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_nextToTake = 0;           // chunk a producer takes next
    size_t m_nextToHand = 0;           // chunk the consumer reads from
    size_t m_handedInChunk = 0;        // clips of that chunk already handed out
    std::map<size_t, std::vector<DecodedClip>> m_done; // decoded chunks by number
    std::atomic_bool m_stop{false};
    std::vector<std::thread> m_threads;
};

} // namespace mas::worker
