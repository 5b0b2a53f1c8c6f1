#pragma once
// Internal (includes torch): reading and writing checkpoint files in PyTorch's zip layout
// (archive/data.pkl + archive/data/<key> storages), through our own pickle reader/writer.
#include "ModelStatus.h"
#include "detail/Pickle.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mas::model::detail {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct CheckpointFile {
    std::string format;       // "mmaction2", "mastudio", "torchvision", "state_dict"
    NamedTensors entries;     // state_dict order, "module." prefixes removed
    PickleRef meta;           // may be null
    std::string metaJson;     // "{}" when none
    bool hasOptimizer = false;
};

// Values: every storage read (and its CRC checked). ShapesOnly: data.pkl alone; tensors are meta tensors of the
// right shapes (each storage's size still checked against its record), so a 100 MB checkpoint is described in
// milliseconds, e.g. to set up the clip pipeline while the weights load.
enum class CheckpointRead { Values, ShapesOnly };

Result<CheckpointFile> readCheckpointFile(const std::string& path, CheckpointRead read = CheckpointRead::Values);
// Reading from memory (the fuzz test mutates whole files this way).
Result<CheckpointFile> readCheckpointBytes(const std::string& bytes, const std::string& nameForErrors);

using MetaValue = std::variant<int64_t, double, std::string>;
// {"meta": {...}, "state_dict": OrderedDict(entries)}, readable by torch.load.
Status writeCheckpointFile(const std::string& path, const NamedTensors& entries,
                           const std::vector<std::pair<std::string, MetaValue>>& meta);

std::string shapeText(at::IntArrayRef sizes); // "[64,3,7,7]"

} // namespace mas::model::detail
