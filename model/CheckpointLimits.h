#pragma once
// Bounds on what reading one checkpoint file may cost: checkpoints come from other people (a shared project's
// model version, a download), so a hostile or broken file must end in an error, never in gigabytes of memory.
// Process-wide; the defaults fit every real MANet checkpoint with room to spare. Tests lower them.
#include <cstdint>

namespace mas::model {

struct CheckpointLimits {
    uint64_t maxTensorBytes = uint64_t(4) << 30;   // one storage (tensor data) in the file
    uint64_t maxTotalBytes = uint64_t(4) << 30;    // all storages of one file together
    uint64_t maxPickleBytes = uint64_t(64) << 20;  // data.pkl (a MANet-50 with optimizer state: ~100 KB)
    uint64_t maxPickleValues = uint64_t(1) << 21;  // values the pickle may create (each ~200 bytes)
    uint64_t maxMemoEntries = uint64_t(1) << 20;
    uint64_t maxStackSize = uint64_t(1) << 20;
    int maxNesting = 1000;                         // containers inside containers, and open marks
    uint64_t maxRecords = 1u << 18;                // zip entries
};

CheckpointLimits checkpointLimits();
void setCheckpointLimits(const CheckpointLimits& limits);

// Bounds on the metadata a checkpoint may declare (checked on reading; a value outside is an error naming it).
struct MetadataBounds {
    static constexpr int minInputSize = 16, maxInputSize = 1024;  // crop size (input_size)
    static constexpr int maxShortSide = 4096;                      // resize target, >= input_size
    static constexpr int minSegments = 1, maxSegments = 64;
    static constexpr int minClasses = 1, maxClasses = 10000;
    static constexpr int minEmbeddingDim = 1, maxEmbeddingDim = 4096;
};

} // namespace mas::model
