#pragma once
// Internal (includes torch): a 3x3 stride-1 convolution by oneDNN's Winograd F(4x4, 3x3) kernel, for float32 CPU
// inference. It needs about half the multiplications of the direct kernel: measured here, 12 ms instead of 24 ms
// per MANet-50 3x3 convolution at 32 frames, ~1.2x per bottleneck with the layout changes around it, outputs
// within ~2e-6 relative of the direct kernel. The kernel wants oneDNN's blocked layout, so the channels-last input
// is reordered into it and the result back. Built where oneDNN's headers are (MAS_HAVE_ONEDNN: Debian's libdnnl-dev,
// the library LibTorch itself uses); elsewhere, and on CPUs without the kernel, create() says no and the caller
// keeps the direct convolution.
#include <torch/torch.h>

#include <memory>
#include <vector>

namespace mas::model::detail {

class WinogradConv {
public:
    // weight [O, I, 3, 3] float32 and bias [O] (BN folded in), for inputs shaped like inputSize ([N, C, H, W]).
    // nullptr where this build, this CPU or this shape has no Winograd kernel.
    static std::unique_ptr<WinogradConv> create(const torch::Tensor& weight, const torch::Tensor& bias, bool relu,
                                                c10::IntArrayRef inputSize);
    ~WinogradConv();
    // x: float32, channels-last, shaped like inputSize. The result is channels-last.
    torch::Tensor run(const torch::Tensor& x) const;
    const std::vector<int64_t>& inputSize() const { return m_inputSize; }

private:
    struct Primitives;
    WinogradConv() = default;
    std::unique_ptr<Primitives> m_primitives;
    std::vector<int64_t> m_inputSize;
    int64_t m_outputChannels = 0;
};

} // namespace mas::model::detail
