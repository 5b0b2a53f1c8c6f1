#pragma once
// Internal (includes torch): the MANet network as torch::nn modules whose parameter names are the official
// mmaction2 ones (backbone.layer1.0.conv1.conv.net.weight, cls_head.fc_cls.weight, ...).
#include "ManetModel.h"
#include "detail/PackedConv.h"
#include "detail/DnnlConv.h"

#include <torch/torch.h>

#include <optional>

namespace mas::model::detail {

// A bias-free convolution: its weight ("weight", as torch::nn::Conv1d/Conv2d name it) and its forward.
// torch::nn's convolutions fill every weight with random numbers when built (about 0.15 s for MANet-50, all of
// it overwritten by the checkpoint a moment later): this one starts at zero, and ManetNetImpl::initWeights or
// the checkpoint gives the values.
struct PlainConvImpl : torch::nn::Module {
    // dims: 2 (images) or 1 (sequences); a square kernel.
    PlainConvImpl(int dims, int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;
    int dims;
    int64_t stride, padding;
};
TORCH_MODULE(PlainConv);

// mmcv ConvModule: conv (no bias) + BN (+ ReLU). With `shift`, the conv is wrapped: SE on the input, temporal
// shift, then the conv (names: conv.net, conv.fcce.0/2, conv.action_p2_*).
struct ShiftWrapperImpl : torch::nn::Module {
    ShiftWrapperImpl(PlainConv net, int64_t inChannels, int64_t segments);
    torch::Tensor forward(torch::Tensor x);
    PlainConv net{nullptr};
    torch::nn::Sequential fcce{nullptr};
    PlainConv actionP2Squeeze{nullptr};
    PlainConv actionP2Conv1{nullptr};
    PlainConv actionP2Expand{nullptr};
    int64_t segments;
};
TORCH_MODULE(ShiftWrapper);

struct ConvModuleImpl : torch::nn::Module {
    ConvModuleImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool relu, bool shift,
                   int64_t segments);
    torch::Tensor forward(torch::Tensor x);
    // Inference speed-up: BN folded into a conv weight + bias (eval mode only); recomputed on demand.
    // type: the folded weights' type (float32, or bfloat16 for bf16 inference).
    void setFolded(bool on, torch::ScalarType type = torch::kFloat32);
    // Inference with BN folded, fused kernels and prepacked weights (the model's fast path). inputMeans: the
    // per-frame channel means of x when the caller already has them (the SE needs them), else undefined.
    torch::Tensor forwardFused(torch::Tensor x, const torch::Tensor& inputMeans);
    // relu(this convolution of x + residual) in one kernel, written over `residual` (the caller's alone), where a
    // oneDNN kernel does it; nullopt elsewhere (then: forwardFused, and the add apart).
    std::optional<torch::Tensor> forwardFusedAddingInto(const torch::Tensor& x, torch::Tensor residual);
    PlainConv conv{nullptr};              // plain conv (no shift)
    ShiftWrapper shifted{nullptr};        // registered as "conv" when shifting
    torch::nn::BatchNorm2d bn{nullptr};
    bool relu;
    bool folded = false;
    torch::Tensor foldedWeight, foldedBias;
    std::optional<PackedConv> packed;     // for the input size it was packed for
    bool packingUnavailable = false;
    std::unique_ptr<DnnlConv> dnnl;       // for the input size (and residual use) it was made for
    bool dnnlUnavailable = false;         // this build or CPU has none: PackedConv, else torch::conv2d
    bool useWinograd = true;              // off: the direct kernel for 3x3 too (the benchmark's comparison)
    int64_t stride, padding;

private:
    const DnnlConv* dnnlKernel(const torch::Tensor& x, bool addResidual);
};
TORCH_MODULE(ConvModule);

struct BlockImpl : torch::nn::Module {
    BlockImpl(bool bottleneck, int64_t in, int64_t planes, int64_t stride, bool downsample, int64_t segments);
    torch::Tensor forward(torch::Tensor x);
    // Fused inference: {output, its per-frame channel means}; inputMeans as in ConvModuleImpl::forwardFused.
    // x is this call's alone: the output may reuse its storage.
    std::pair<torch::Tensor, torch::Tensor> forwardFused(torch::Tensor x, const torch::Tensor& inputMeans);
    ConvModule conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
    ConvModule dsConv{nullptr}; // downsample.conv + downsample.bn as one ConvModule named "downsample"
};
TORCH_MODULE(Block);

struct BackboneImpl : torch::nn::Module {
    BackboneImpl(int depth, int64_t segments);
    torch::Tensor forward(torch::Tensor x);
    // Fused inference: the per-frame globally pooled features [N*T, F] (what features() returns).
    torch::Tensor pooledFused(torch::Tensor x);
    ConvModule conv1{nullptr};
    torch::nn::Sequential layers[4];
    int64_t featureDim;
};
TORCH_MODULE(Backbone);

struct HeadImpl : torch::nn::Module {
    HeadImpl(int64_t featureDim, int64_t numClasses, int64_t embeddingDim, double dropout);
    // features: [N*T, F] pooled per frame; returns {logits [N, C], embeddings [N, D]} averaged over T.
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor features, int64_t segments);
    torch::nn::Dropout dropout{nullptr};
    torch::nn::Linear fcCls{nullptr}, fcEmb{nullptr}, fcEmbT{nullptr};
};
TORCH_MODULE(Head);

struct ManetNetImpl : torch::nn::Module {
    // randomInit false: the caller loads every weight next (a checkpoint), so the init passes are skipped.
    explicit ManetNetImpl(const ManetConfig& config, bool randomInit = true);
    // x [N*T, 3, H, W] -> per-frame pooled features [N*T, F]
    torch::Tensor features(torch::Tensor x);
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor x);
    void setFolded(bool on, torch::ScalarType type = torch::kFloat32);
    void initWeights();
    // features()/forward() take the fused inference path when set, folded and given CPU float32 input.
    bool fused = false;
    bool bfloat16 = false;   // fused path in bfloat16 (activations and conv weights; SE, pooling, head in float32)
    ManetConfig config;
    Backbone backbone{nullptr};
    Head clsHead{nullptr};
};
TORCH_MODULE(ManetNet);

// The temporal shift alone (exposed for tests): x [N*T, C, H, W].
torch::Tensor temporalShift(const torch::Tensor& x, int64_t segments, int64_t shiftDiv = 8);

} // namespace mas::model::detail
