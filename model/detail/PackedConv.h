#pragma once
// Internal (includes torch): a convolution whose weights oneDNN has reordered once, up front, into its own
// blocked layout, with the ReLU fused into the kernel. Plain torch::conv2d reorders the weights on every
// call (25 M values per MANet-50 forward) and needs a separate pass for the ReLU. Uses LibTorch's
// mkldnn_prepacked operators (what TorchScript's freezing uses); where the build lacks them, pack() says so
// and the caller keeps torch::conv2d.
#include <torch/torch.h>

#include <optional>

namespace mas::model::detail {

class PackedConv {
public:
    // weight [O, I, k, k] and bias [O] (BN folded in), for inputs shaped like inputSize ([N, C, H, W]).
    static std::optional<PackedConv> pack(const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride,
                                          int64_t padding, bool relu, c10::IntArrayRef inputSize);
    static bool available();
    torch::Tensor run(const torch::Tensor& x) const; // output in x's memory format
    const std::vector<int64_t>& inputSize() const { return m_inputSize; }

private:
    c10::IValue m_context;
    std::vector<int64_t> m_inputSize;
};

} // namespace mas::model::detail
