#pragma once
// Internal (includes torch): what a read checkpoint says about the model it holds, checked as hostile input:
// tensor ranks before sizes are read, numbers in MetadataBounds (CheckpointLimits.h), no throwing parses.
#include "ManetModel.h"
#include "detail/Checkpoint.h"

#include <string>

namespace mas::model::detail {

// Depth, classes, embedding width, segments and metadata of a file read by readCheckpointFile; every error
// starts with `path`.
Result<CheckpointInfo> describeCheckpoint(const CheckpointFile& file, const std::string& path);

// A torchvision ResNet key under the official backbone names ("layer1.0.bn2.weight" ->
// "layer1.0.conv2.bn.weight"); empty for keys that are not used (the ImageNet classifier fc.*).
std::string officialBackboneName(const std::string& torchvisionKey);

} // namespace mas::model::detail
