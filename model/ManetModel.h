#pragma once
// MANet (ResNet-TSM with squeeze-and-excitation before each shift, plus the MANet head with a class
// branch and a label-embedding branch), in LibTorch behind a torch-free interface (pimpl).
// Module names and parameter shapes match the official mmaction2 checkpoints (see shared/specs/manet.md).
//
// Threading: one ManetModel is used from one thread at a time (the worker's thread); grad modes are
// set inside each call, so calling from any thread is fine.
#include "ModelStatus.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mas::model {

struct ManetConfig {
    int depth = 50;          // 18, 34 (BasicBlock) or 50 (Bottleneck, the published model)
    int numClasses = 52;
    int embeddingDim = 300;  // label-embedding branch width
    int segments = 8;        // frames per clip (TSM shifts across these)
    double dropout = 0.5;    // before both head branches, training only
};

enum class Device { Auto, Cpu, Cuda }; // Auto: CUDA when available, else CPU

// A contiguous float32 buffer of B*T frames, each [3, H, W], normalised (spec: mean/std per RGB channel).
// The video engine's clip pipeline yields [T, 3, H, W] per clip; clips batched back to back.
struct FrameBatch {
    const float* data = nullptr;
    int64_t frames = 0;   // B * segments
    int64_t channels = 3;
    int64_t height = 224;
    int64_t width = 224;
};

struct ForwardOutput {
    int64_t batch = 0;
    int64_t numClasses = 0;
    int64_t embeddingDim = 0;
    std::vector<float> logits;     // [batch, numClasses], averaged over segments (softmax -> Prediction.h)
    std::vector<float> embeddings; // [batch, embeddingDim], averaged over segments
};

// Per-frame globally pooled backbone features: what the head consumes. HeadTrainer trains from these.
struct PooledFeatures {
    int64_t batch = 0;
    int64_t segments = 0;
    int64_t featureDim = 0;        // 2048 for depth 50, 512 for 18/34
    std::vector<float> values;     // [batch, segments, featureDim]
};

// What a checkpoint file holds, without building a model (for `model info`).
struct CheckpointInfo {
    std::string path;
    std::string format;        // "mmaction2" (official), "mastudio" (the app's own), "torchvision" (ImageNet init)
    int depth = 0;             // inferred from the keys when the metadata does not say
    int numClasses = 0;
    int embeddingDim = 0;
    int segments = 0;          // 0 when unknown
    int64_t entryCount = 0;    // state_dict entries
    int64_t valueCount = 0;    // numbers in all entries
    bool hasOptimizer = false;
    std::string metadataJson;  // "meta" as JSON (official: converted; app's: the record it saved)
};

// Reading mode for checkpoint files, by format.
Result<CheckpointInfo> inspectCheckpoint(const std::string& path);
// The same description from data.pkl alone, without reading (or checking) the weights: milliseconds for any size.
Result<CheckpointInfo> inspectCheckpointShapes(const std::string& path);

class ManetModel {
public:
    // Random init (conv: kaiming normal fan_out; BN 1/0; head normal std 0.001), on the CPU.
    static Result<ManetModel> create(const ManetConfig& config);
    // A model shaped by the checkpoint (depth, classes, embedding width, segments) with its weights.
    static Result<ManetModel> fromCheckpoint(const std::string& path, Device device = Device::Auto);

    ManetModel(ManetModel&&) noexcept;
    ManetModel& operator=(ManetModel&&) noexcept;
    ~ManetModel();

    const ManetConfig& config() const;
    int64_t featureDim() const;        // 2048 (depth 50) or 512
    int64_t parameterCount() const;    // values in the state_dict, buffers included
    int64_t stateEntryCount() const;   // state_dict entries (404 for depth 50)
    std::vector<std::string> stateKeys() const; // official names, state_dict order

    // Official mmaction2 checkpoint or the app's own. Every key must be present with its shape:
    // an error names the key and both shapes. Missing head keys are an error too.
    Status loadCheckpoint(const std::string& path);
    // A torchvision ImageNet ResNet state_dict (conv1.weight, bn1.*, layerX.Y.*, fc.* ignored) into the
    // backbone, as training init. The SE and head layers keep their init.
    Status loadImagenetBackbone(const std::string& path);
    // The app's own checkpoint: the official zip + pickle layout (torch.load reads it) with
    // meta = {"mas_format": "mastudio-manet-1", depth, num_classes, embedding_dim, segments,
    //         "metadata_json": metadataJson}. metadataJson is any JSON object text (taxonomy, colour
    // conversion, label-embedding source, training history...); kept verbatim.
    Status saveCheckpoint(const std::string& path, const std::string& metadataJson = "{}") const;
    // An in-memory copy of every weight and buffer (to keep a training run's best epoch without writing a
    // checkpoint per improvement) and putting it back. Opaque; copies share nothing with the model.
    struct WeightsSnapshot {
        std::shared_ptr<const void> data;
        bool empty() const { return !data; }
    };
    WeightsSnapshot snapshotWeights() const;
    Status restoreWeights(const WeightsSnapshot& snapshot);
    // metadataJson of the last loaded app checkpoint ("{}" otherwise).
    std::string metadataJson() const;

    // Device: Auto picks CUDA when available. Asking for CUDA without one is an error, never a crash.
    Status setDevice(Device device);
    Device device() const;               // Cpu or Cuda, what is in use
    static bool cudaAvailable();
    // Where `device` puts the model: Auto is Cuda when a device is there, else Cpu.
    static Device resolveDevice(Device device);

    // Inference (eval mode, InferenceMode, no dropout). frames must be a multiple of segments.
    Result<ForwardOutput> forward(const FrameBatch& frames);
    Result<PooledFeatures> pooledFeatures(const FrameBatch& frames);
    // The head alone on cached features (same result as forward on the frames they came from).
    Result<ForwardOutput> forwardHead(const PooledFeatures& features);

    // CPU inference, on by default: BN folded into the convolutions, channels-last activations, oneDNN
    // convolutions with weights packed once and ReLU fused, SE + temporal shift and add + ReLU + pooling each
    // in one pass. Outputs agree with the unfused network to ~1e-6 relative (tests/model/tst_manetparity);
    // off gives the plain module-by-module forward (what the benchmark calls "plain").
    void setFusedInference(bool on);
    bool fusedInference() const;
    // Within the fused float32 path, 3x3 stride-1 convolutions by oneDNN's Winograd kernel where this build and
    // CPU have it (on by default; ~2e-6 relative from the direct kernel); off: the direct kernel.
    void setWinogradConvolutions(bool on);
    // The fused CPU path in bfloat16 (convolutions and activations; SE, pooling and head stay float32): about
    // twice as fast on CPUs with AVX512-BF16, at bf16 precision (logits within ~1e-2; the benchmark reports
    // its top-1 agreement with float32). Off by default.
    void setBFloat16Inference(bool on);
    bool bfloat16Inference() const;
    static bool cpuHasNativeBFloat16(); // AVX512-BF16 (Linux /proc/cpuinfo)
    // The single speed-ups, for the benchmark's comparison (with fused inference off):
    // channels-last memory format and BN folded into the preceding conv. Default off.
    void setChannelsLast(bool on);
    void setFoldBatchNorm(bool on);
    // Deterministic algorithms + fixed seeds (tests).
    static void setDeterministic(bool on, uint64_t seed = 0);
    // Intra-op threads; 0 = std::thread::hardware_concurrency(). The first model sets them from the hardware
    // unless a caller chose them before (e.g. `--threads 1`).
    static void setThreads(int threads);
    static int threads(); // in effect for models run on the calling thread


    // For Trainer / tests inside model/ (torch-aware code): the implementation.
    struct Impl;
    Impl& impl();
    const Impl& impl() const;

private:
    explicit ManetModel(std::unique_ptr<Impl> impl);
    // create() without the random init when every weight is loaded next (saves ~0.2 s for MANet-50).
    static Result<ManetModel> createShaped(const ManetConfig& config, bool randomInit);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mas::model
