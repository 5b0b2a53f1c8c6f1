#pragma once
// Internal (includes torch): fused CPU kernels for MANet inference. Each replaces several ATen passes over
// activations that are tens of MB at batch 1 (8 frames at 56x56x256): at that size the network spends as much
// time moving memory between convolutions as the unfused ops take, so one pass instead of three matters.
// All take float32 (or bfloat16, computed in float32) CPU tensors in contiguous or channels-last layout and
// give the same numbers as the unfused ops (same arithmetic per element); channel means are float32.
#include <torch/torch.h>

namespace mas::model::detail {

// True when x is a float32 or bfloat16 CPU tensor in a layout these kernels handle (contiguous or channels-last, 4-d).
bool fusableActivation(const torch::Tensor& x);

// Squeeze-and-excitation scaling then the temporal shift, in one pass:
// out[n, t, c] = x[n, t', c] * scale[n, t', c], t' = t + 1 for c < C/shiftDiv, t - 1 for the next C/shiftDiv
// channels, t otherwise; zero where t' falls outside the clip. x [N*T, C, H, W], scale [N*T, C].
torch::Tensor scaleAndShift(const torch::Tensor& x, const torch::Tensor& scale, int64_t segments, int64_t shiftDiv);

// out = relu(out + identity) in place, also returning the per-frame channel means of the result ([N*T, C]),
// which the next block's squeeze-and-excitation needs (saves it a pass over the tensor).
torch::Tensor addReluWithChannelMeans(torch::Tensor& out, const torch::Tensor& identity);

// The per-frame channel means of x ([N*T, C], float32), for when the add and ReLU happened inside the convolution.
torch::Tensor channelMeans(const torch::Tensor& x);

} // namespace mas::model::detail
