#pragma once
// What MANet sees: a segment of a video turned into a [segments, 3, H, W] float tensor, exactly as
// the official test-time pipeline (shared/specs/manet.md, "Frame pipeline"):
//   TSN test sampling (avg = N/segments; index_i = floor(avg*i + avg/2) mod N),
//   short side -> 256 with int(w*f+0.5) x int(h*f+0.5), OpenCV INTER_LINEAR,
//   center crop 224 at ((w-224)//2, (h-224)//2), RGB, (x - mean) / std per channel, CHW per segment.
// The training variant: TSN random-offset sampling, multi-scale crop (1, .875, .75, .66; at most one
// scale step between width and height; 13 fixed positions), resize to crop size ignoring the ratio,
// horizontal flip with p = 0.5; one seeded RNG per clip so runs reproduce.
// No LibTorch here: the buffer is a plain contiguous std::vector<float>.
//
// Threads: a ClipPipeline is a value (config only). The decoder passed in belongs to the calling
// thread; run clips for the model worker on its own thread with its own VideoDecoder.
#include "video/VideoDecoder.h"
#include "video/VideoError.h"

#include <QImage>
#include <QString>

#include <array>
#include <utility>
#include <cstdint>
#include <vector>

namespace mas {

struct ClipTensor {
    std::vector<float> data;  // [segments][channels][height][width], contiguous
    int segments = 0;
    int channels = 3;
    int height = 0;
    int width = 0;
    std::vector<int> frameIndices; // absolute frame index of each segment (in the video)
    QString colorConversion;       // colorConversionName() of the decoder that produced the pixels

    size_t elementCount() const { return data.size(); }
    const float* segment(int s) const { return data.data() + size_t(s) * channels * height * width; }
};

struct ClipPipelineConfig {
    int segments = 8;
    int shortSide = 256;   // resize target of the short side
    int cropSize = 224;    // square crop (test: center; train: multi-scale then resized to this)
    std::array<float, 3> mean{123.675f, 116.28f, 103.53f};
    std::array<float, 3> std{58.395f, 57.12f, 57.375f};
    // Training only.
    std::array<double, 4> scales{1.0, 0.875, 0.75, 0.66};
    int maxScaleGap = 1;
    double flipProbability = 0.5;

    // Small models and tests: e.g. small(8, 112) = short side 128, crop 112.
    static ClipPipelineConfig small(int segments, int cropSize);
};

// Deterministic RNG for training augmentation (SplitMix64: same numbers on every platform).
class ClipRng {
public:
    explicit ClipRng(uint64_t seed) : m_state(seed) {}
    uint64_t next();
    int below(int n);           // uniform integer in [0, n)
    double uniform();           // [0, 1)

private:
    uint64_t m_state;
};

// Sampling over a clip of `frameCount` frames (indices relative to the clip's first frame).
std::vector<int> sampleTestIndices(int frameCount, int segments);
std::vector<int> sampleTrainIndices(int frameCount, int segments, ClipRng& rng);

// The training crop chosen for a picture of size (width, height) after the short-side resize.
struct TrainCrop {
    int x = 0, y = 0, width = 0, height = 0;
    bool flip = false;
};
TrainCrop chooseTrainCrop(int width, int height, const ClipPipelineConfig& config, ClipRng& rng);

class ClipPipeline {
public:
    explicit ClipPipeline(ClipPipelineConfig config = {});
    const ClipPipelineConfig& config() const { return m_config; }

    // Test-time tensor of frames [startFrame, endFrame) of the decoder's video. Decodes only the
    // sampled frames, in ascending order (one forward pass through the segment).
    VideoResult<ClipTensor> testClip(VideoDecoder& decoder, int startFrame, int endFrame) const;
    VideoResult<ClipTensor> testClip(const QString& path, int startFrame = 0, int endFrame = -1) const;
    // Test-time tensors of several clips [first, second) of one video (sliding windows, segments of a
    // long recording), in one forward pass: each distinct sampled frame is decoded, converted and
    // preprocessed once and copied into every clip that samples it (windows at half-window strides
    // share half their frames). Fails as a whole at the first bad frame: the caller retries clip by
    // clip to say which one cannot be read.
    VideoResult<std::vector<ClipTensor>> testClips(VideoDecoder& decoder, const std::vector<std::pair<int, int>>& ranges) const;
    // Training tensor, reproducible from `seed`.
    VideoResult<ClipTensor> trainClip(VideoDecoder& decoder, int startFrame, int endFrame, uint64_t seed) const;

    // The preprocessing alone, on RGB888 pictures already decoded (one per segment).
    ClipTensor preprocessTest(const std::vector<QImage>& frames) const;
    // One frame of it: resize, centre crop, normalise into `out` (3 x cropSize x cropSize floats).
    void preprocessTestFrame(const QImage& rgb, float* out) const;
    ClipTensor preprocessTrain(const std::vector<QImage>& frames, ClipRng& rng) const;
    // Short-side resize size per the spec: int(w*f+0.5) x int(h*f+0.5).
    QSize resizedSize(int width, int height) const;

private:
    ClipPipelineConfig m_config;
};

} // namespace mas
