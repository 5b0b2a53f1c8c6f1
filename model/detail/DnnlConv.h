#pragma once
// Internal (includes torch): a convolution for CPU inference called through oneDNN's own API, with its weights
// reordered into the kernel's layout once, when it is made. LibTorch 1.13's prepacked convolution (PackedConv)
// reorders every weight again on every call (about 94 MB each way per MANet-50 forward) and cannot add the
// residual inside the kernel; this does both.
// - Direct: float32 or bfloat16, channels-last in and out, no layout changes around the kernel. With
//   addResidual, the result is relu(conv(x) + residual), written over the residual (oneDNN's sum post-op): the
//   bottleneck's last 1x1 convolution, its shortcut add and ReLU in one pass over memory.
// - Winograd: float32 3x3 stride 1, by oneDNN's F(4x4, 3x3) kernel: about half the multiplications (12 ms
//   instead of 24 ms per MANet-50 3x3 convolution at 32 frames here), outputs within ~2e-6 relative of the
//   direct kernel. It wants oneDNN's blocked layout, so the input is reordered into it and the result back.
// Built where oneDNN's headers are (MAS_HAVE_ONEDNN: Debian's libdnnl-dev, the library LibTorch itself uses);
// elsewhere, and on CPUs or shapes without the kernel, create() says no and the caller keeps PackedConv.
#include <torch/torch.h>

#include <memory>
#include <vector>

namespace mas::model::detail {

class DnnlConv {
public:
    enum class Algorithm { Direct, Winograd };
    struct Options {
        int64_t stride = 1, padding = 0;
        bool relu = false;
        bool addResidual = false; // run(x, residual): relu(conv(x) + residual), whatever `relu` says
        Algorithm algorithm = Algorithm::Direct;
    };
    // weight [O, I, K, K] and bias [O] (BN folded in), float32 or bfloat16 alike, for inputs shaped like
    // inputSize ([N, C, H, W]). nullptr where this build, this CPU or this shape has no such kernel.
    static std::unique_ptr<DnnlConv> create(const torch::Tensor& weight, const torch::Tensor& bias, const Options& options,
                                            c10::IntArrayRef inputSize);
    ~DnnlConv();
    // x: channels-last, the weights' type, shaped like inputSize. The result is channels-last.
    torch::Tensor run(const torch::Tensor& x) const;
    // With addResidual: `residual` (channels-last, the output's shape and type, owned by the caller alone) is
    // overwritten with relu(conv(x) + residual) and returned.
    torch::Tensor run(const torch::Tensor& x, torch::Tensor residual) const;
    const std::vector<int64_t>& inputSize() const { return m_inputSize; }
    const std::vector<int64_t>& outputSize() const { return m_outputSize; }
    const Options& options() const { return m_options; }

private:
    struct Primitives;
    DnnlConv() = default;
    std::unique_ptr<Primitives> m_primitives;
    std::vector<int64_t> m_inputSize, m_outputSize;
    Options m_options;
};

} // namespace mas::model::detail
