#include "detail/InferenceKernels.h"

#include <ATen/Parallel.h>

#include <cstring>

namespace mas::model::detail {

namespace {

bool isChannelsLast(const torch::Tensor& x)
{
    return x.is_contiguous(torch::MemoryFormat::ChannelsLast) && !x.is_contiguous();
}

// Source frame for a channel after the shift, or -1 for the zero padding at the clip's ends.
struct ShiftRule {
    int64_t segments, fold;
    int64_t sourceFrame(int64_t t, int64_t c) const
    {
        if (c < fold)
            return t + 1 < segments ? t + 1 : -1;
        if (c < 2 * fold)
            return t > 0 ? t - 1 : -1;
        return t;
    }
};

// Element access computing in float; bfloat16 handled as raw bits (round to nearest even, NaN kept). With
// c10::BFloat16's own conversions, or without __restrict, GCC did not vectorise these loops (30% of a bf16
// forward went to the add + ReLU alone).
using Bf16Bits = uint16_t;
inline float load(float v) { return v; }
inline float load(Bf16Bits v)
{
    const uint32_t bits = uint32_t(v) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
template <typename S>
inline S store(float f);
template <>
inline float store<float>(float f) { return f; }
template <>
inline Bf16Bits store<Bf16Bits>(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
    return (bits & 0x7fffffffu) > 0x7f800000u ? Bf16Bits(0x7fc0u) : Bf16Bits(rounded);
}

// The inner loops, on storage S (float or Bf16Bits).
template <typename S>
inline void scaleRow(S* __restrict dst, const S* __restrict from, const float* __restrict k, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        dst[i] = store<S>(load(from[i]) * k[i]);
}
template <typename S>
inline void scalePlane(S* __restrict dst, const S* __restrict from, float k, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        dst[i] = store<S>(load(from[i]) * k);
}
template <typename S>
inline void addReluRow(S* __restrict row, const S* __restrict add, float* __restrict sums, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        const S v = store<S>(std::max(load(row[i]) + load(add[i]), 0.f));
        row[i] = v;
        sums[i] += load(v);
    }
}
template <typename S>
inline float addRelu(S* __restrict row, const S* __restrict add, int64_t n)
{
    float sum = 0.f;
    for (int64_t i = 0; i < n; ++i) {
        const S v = store<S>(std::max(load(row[i]) + load(add[i]), 0.f));
        row[i] = v;
        sum += load(v);
    }
    return sum;
}

template <typename S>
inline void accumulateRow(const S* __restrict row, float* __restrict sums, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        sums[i] += load(row[i]);
}

template <typename S>
S* storage(const torch::Tensor& t)
{
    return static_cast<S*>(t.data_ptr());
}

} // namespace

bool fusableActivation(const torch::Tensor& x)
{
    return x.device().is_cpu() && (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kBFloat16) && x.dim() == 4 &&
           (x.is_contiguous() || x.is_contiguous(torch::MemoryFormat::ChannelsLast));
}

namespace {

// S: float, or Bf16Bits for bfloat16 activations (computed in float, rounded once on the store).
template <typename S>
torch::Tensor scaleAndShiftAs(const torch::Tensor& x, const torch::Tensor& scale, int64_t segments, int64_t shiftDiv)
{
    const int64_t frames = x.size(0), channels = x.size(1), plane = x.size(2) * x.size(3);
    const ShiftRule rule{segments, channels / shiftDiv};
    const auto s = scale.to(torch::kFloat32).contiguous();
    auto out = torch::empty_like(x);
    const S* in = storage<S>(x);
    const float* sc = s.data_ptr<float>();
    S* o = storage<S>(out);
    if (isChannelsLast(x)) {
        // Rows of C channels per pixel; the three channel ranges each come from one frame.
        at::parallel_for(0, frames * plane, 256, [&](int64_t begin, int64_t end) {
            for (int64_t row = begin; row < end; ++row) {
                const int64_t frame = row / plane, pixel = row % plane, t = frame % segments, clipStart = frame - t;
                S* dst = o + row * channels;
                const int64_t bounds[4] = {0, rule.fold, 2 * rule.fold, channels};
                for (int part = 0; part < 3; ++part) {
                    const int64_t c0 = bounds[part], c1 = bounds[part + 1];
                    const int64_t src = rule.sourceFrame(t, c0);
                    if (src < 0) {
                        std::fill(dst + c0, dst + c1, store<S>(0.f));
                        continue;
                    }
                    const S* from = in + ((clipStart + src) * plane + pixel) * channels;
                    const float* k = sc + (clipStart + src) * channels;
                    scaleRow<S>(dst + c0, from + c0, k + c0, c1 - c0);
                }
            }
        });
    } else {
        // Planes of H*W per (frame, channel).
        at::parallel_for(0, frames * channels, 16, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p) {
                const int64_t frame = p / channels, c = p % channels, t = frame % segments, clipStart = frame - t;
                S* dst = o + p * plane;
                const int64_t src = rule.sourceFrame(t, c);
                if (src < 0) {
                    std::fill(dst, dst + plane, store<S>(0.f));
                    continue;
                }
                const S* from = in + ((clipStart + src) * channels + c) * plane;
                scalePlane<S>(dst, from, sc[(clipStart + src) * channels + c], plane);
            }
        });
    }
    return out;
}

} // namespace

torch::Tensor scaleAndShift(const torch::Tensor& x, const torch::Tensor& scale, int64_t segments, int64_t shiftDiv)
{
    if (x.scalar_type() == torch::kBFloat16)
        return scaleAndShiftAs<Bf16Bits>(x, scale, segments, shiftDiv);
    return scaleAndShiftAs<float>(x, scale, segments, shiftDiv);
}

namespace {

// Channels-last per-frame channel means into m [frames, channels]: rowSums(row, sums) adds pixel row `row`
// (frame * plane + pixel) into the frame's sums. One frame per task, so one thread accumulates each frame's sums.
template <typename RowSums>
void channelsLastMeans(int64_t frames, int64_t channels, int64_t plane, float* m, const RowSums& rowSums)
{
    const float inversePlane = 1.f / static_cast<float>(plane);
    at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> sums(static_cast<size_t>(channels));
        for (int64_t f = begin; f < end; ++f) {
            std::fill(sums.begin(), sums.end(), 0.f);
            for (int64_t pixel = 0; pixel < plane; ++pixel)
                rowSums(f * plane + pixel, sums.data());
            for (int64_t c = 0; c < channels; ++c)
                m[f * channels + c] = sums[static_cast<size_t>(c)] * inversePlane;
        }
    });
}

template <typename S>
torch::Tensor addReluWithChannelMeansAs(torch::Tensor& out, const torch::Tensor& identity)
{
    const int64_t frames = out.size(0), channels = out.size(1), plane = out.size(2) * out.size(3);
    const bool channelsLast = isChannelsLast(out);
    const bool sameLayout = channelsLast ? isChannelsLast(identity) : identity.is_contiguous();
    if (!sameLayout || identity.sizes() != out.sizes() || identity.scalar_type() != out.scalar_type()) {
        out.add_(identity).relu_();
        return out.mean({2, 3}, false, torch::kFloat32);
    }
    auto means = torch::empty({frames, channels}, out.options().dtype(torch::kFloat32).memory_format(torch::MemoryFormat::Contiguous));
    S* o = storage<S>(out);
    const S* id = storage<S>(identity);
    float* m = means.data_ptr<float>();
    const float inversePlane = 1.f / static_cast<float>(plane);
    if (channelsLast) {
        channelsLastMeans(frames, channels, plane, m, [&](int64_t row, float* sums) {
            addReluRow<S>(o + row * channels, id + row * channels, sums, channels);
        });
    } else {
        at::parallel_for(0, frames * channels, 16, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p) {
                m[p] = addRelu<S>(o + p * plane, id + p * plane, plane) * inversePlane;
            }
        });
    }
    return means;
}

} // namespace

torch::Tensor addReluWithChannelMeans(torch::Tensor& out, const torch::Tensor& identity)
{
    if (out.scalar_type() == torch::kBFloat16)
        return addReluWithChannelMeansAs<Bf16Bits>(out, identity);
    return addReluWithChannelMeansAs<float>(out, identity);
}

namespace {

template <typename S>
torch::Tensor channelMeansAs(const torch::Tensor& x)
{
    const int64_t frames = x.size(0), channels = x.size(1), plane = x.size(2) * x.size(3);
    auto means = torch::empty({frames, channels}, x.options().dtype(torch::kFloat32).memory_format(torch::MemoryFormat::Contiguous));
    const S* in = storage<S>(x);
    channelsLastMeans(frames, channels, plane, means.data_ptr<float>(),
                      [&](int64_t row, float* sums) { accumulateRow<S>(in + row * channels, sums, channels); });
    return means;
}

} // namespace

torch::Tensor channelMeans(const torch::Tensor& x)
{
    if (!fusableActivation(x) || !isChannelsLast(x))
        return x.mean({2, 3}, false, torch::kFloat32);
    if (x.scalar_type() == torch::kBFloat16)
        return channelMeansAs<Bf16Bits>(x);
    return channelMeansAs<float>(x);
}

} // namespace mas::model::detail
