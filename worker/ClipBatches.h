#pragma once
// The loop every inference job shares: clips decoded ahead by a ClipPrefetcher, gathered into batches,
// passed through the model; failed clips reported per item. Torch-free (model API only).
#include "ClipPrefetcher.h"
#include "Job.h"
#include "ManetModel.h"

#include <functional>

namespace mas::worker {

struct ClipBatch {
    std::vector<DecodedClip> clips;   // the ones that decoded, in order
    std::vector<ItemFailure> failures;
    model::FrameBatch frames() const; // valid while `buffer` lives
    std::vector<float> buffer;        // [clips * segments, 3, H, W]
    int height = 0, width = 0, segments = 0;
};

struct BatchLoopStats {
    double modelSeconds = 0;          // time inside the model calls
    double waitSeconds = 0;           // time waiting for decoded clips
    int64_t clips = 0;
};

// The decoded clips as one model input: failures apart, the rest copied into one buffer (a clip of
// another size than the first fails with a message naming its video).
ClipBatch makeClipBatch(std::vector<DecodedClip> decoded);

// Calls `onBatch` for each batch (returns false to stop). Stops between batches when cancelled; waits while paused.
// Returns false when cancelled.
bool forEachClipBatch(ClipPrefetcher& prefetcher, size_t batchSize, JobContext& context,
                      const std::function<bool(ClipBatch&)>& onBatch, BatchLoopStats* stats = nullptr);

} // namespace mas::worker
