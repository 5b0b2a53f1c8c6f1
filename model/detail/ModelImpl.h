#pragma once
// Internal (includes torch): ManetModel's implementation, shared with Trainer.cpp and torch-aware tests.
#include "ManetModel.h"
#include "detail/Checkpoint.h"
#include "detail/ManetNet.h"

namespace mas::model {

struct ManetModel::Impl {
    detail::ManetNet net{nullptr};
    ManetConfig config;
    torch::Device device{torch::kCPU};
    bool channelsLast = false;
    bool foldBatchNorm = false;
    bool fusedInference = true;        // CPU: BN folded, fused kernels, prepacked convolutions (ManetModel.h)
    bool bfloat16Inference = false;    // the fused path in bfloat16
    bool foldedValid = false;          // folded weights match the current parameters
    std::string metadataJson = "{}";

    // state_dict order (PyTorch's: each module's parameters then buffers, modules in pre-order).
    detail::NamedTensors stateDict() const;
    // Copies entries into the model; names every missing, unexpected or mis-shaped key.
    Status loadEntries(const detail::NamedTensors& entries, const std::string& source, bool backboneOnly);
    // A read checkpoint's weights and metadata (info from describeCheckpoint); errors name `path`.
    Status loadFile(const detail::CheckpointFile& file, const CheckpointInfo& info, const std::string& path);
    // Frames -> input tensor on the device, validated.
    Result<torch::Tensor> input(const FrameBatch& frames) const;
    void prepareInference();           // eval, folding, memory format
    void invalidateFolding() { foldedValid = false; }
};

} // namespace mas::model
