#include "detail/InferenceKernels.h"

#include <ATen/Parallel.h>

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

} // namespace

bool fusableActivation(const torch::Tensor& x)
{
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && x.dim() == 4 &&
           (x.is_contiguous() || x.is_contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor scaleAndShift(const torch::Tensor& x, const torch::Tensor& scale, int64_t segments, int64_t shiftDiv)
{
    const int64_t frames = x.size(0), channels = x.size(1), plane = x.size(2) * x.size(3);
    const ShiftRule rule{segments, channels / shiftDiv};
    const auto s = scale.contiguous();
    auto out = torch::empty_like(x);
    const float* in = x.data_ptr<float>();
    const float* sc = s.data_ptr<float>();
    float* o = out.data_ptr<float>();
    if (isChannelsLast(x)) {
        // Rows of C channels per pixel; the three channel ranges each come from one frame.
        at::parallel_for(0, frames * plane, 256, [&](int64_t begin, int64_t end) {
            for (int64_t row = begin; row < end; ++row) {
                const int64_t frame = row / plane, pixel = row % plane, t = frame % segments, clipStart = frame - t;
                float* dst = o + row * channels;
                const int64_t bounds[4] = {0, rule.fold, 2 * rule.fold, channels};
                for (int part = 0; part < 3; ++part) {
                    const int64_t c0 = bounds[part], c1 = bounds[part + 1];
                    const int64_t src = rule.sourceFrame(t, c0);
                    if (src < 0) {
                        std::fill(dst + c0, dst + c1, 0.f);
                        continue;
                    }
                    const float* from = in + ((clipStart + src) * plane + pixel) * channels;
                    const float* k = sc + (clipStart + src) * channels;
                    for (int64_t c = c0; c < c1; ++c)
                        dst[c] = from[c] * k[c];
                }
            }
        });
    } else {
        // Planes of H*W per (frame, channel).
        at::parallel_for(0, frames * channels, 16, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p) {
                const int64_t frame = p / channels, c = p % channels, t = frame % segments, clipStart = frame - t;
                float* dst = o + p * plane;
                const int64_t src = rule.sourceFrame(t, c);
                if (src < 0) {
                    std::fill(dst, dst + plane, 0.f);
                    continue;
                }
                const float* from = in + ((clipStart + src) * channels + c) * plane;
                const float k = sc[(clipStart + src) * channels + c];
                for (int64_t i = 0; i < plane; ++i)
                    dst[i] = from[i] * k;
            }
        });
    }
    return out;
}

torch::Tensor addReluWithChannelMeans(torch::Tensor& out, const torch::Tensor& identity)
{
    const int64_t frames = out.size(0), channels = out.size(1), plane = out.size(2) * out.size(3);
    const bool channelsLast = isChannelsLast(out);
    const bool sameLayout = channelsLast ? isChannelsLast(identity) : identity.is_contiguous();
    if (!sameLayout || identity.sizes() != out.sizes()) {
        out.add_(identity).relu_();
        return out.mean({2, 3});
    }
    auto means = torch::empty({frames, channels}, out.options().memory_format(torch::MemoryFormat::Contiguous));
    float* o = out.data_ptr<float>();
    const float* id = identity.data_ptr<float>();
    float* m = means.data_ptr<float>();
    const float inversePlane = 1.f / static_cast<float>(plane);
    if (channelsLast) {
        // One frame per task, so each frame's channel sums are accumulated by one thread.
        at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
            std::vector<float> sums(static_cast<size_t>(channels));
            for (int64_t f = begin; f < end; ++f) {
                std::fill(sums.begin(), sums.end(), 0.f);
                for (int64_t pixel = 0; pixel < plane; ++pixel) {
                    float* row = o + (f * plane + pixel) * channels;
                    const float* add = id + (f * plane + pixel) * channels;
                    for (int64_t c = 0; c < channels; ++c) {
                        const float v = std::max(row[c] + add[c], 0.f);
                        row[c] = v;
                        sums[static_cast<size_t>(c)] += v;
                    }
                }
                for (int64_t c = 0; c < channels; ++c)
                    m[f * channels + c] = sums[static_cast<size_t>(c)] * inversePlane;
            }
        });
    } else {
        at::parallel_for(0, frames * channels, 16, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p) {
                float* row = o + p * plane;
                const float* add = id + p * plane;
                float sum = 0.f;
                for (int64_t i = 0; i < plane; ++i) {
                    const float v = std::max(row[i] + add[i], 0.f);
                    row[i] = v;
                    sum += v;
                }
                m[p] = sum * inversePlane;
            }
        });
    }
    return means;
}

} // namespace mas::model::detail
