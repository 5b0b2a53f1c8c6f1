#include "video/ClipPipeline.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace mas {

ClipPipelineConfig ClipPipelineConfig::small(int segments, int cropSize)
{
    ClipPipelineConfig c;
    c.segments = segments;
    c.cropSize = cropSize;
    // Keep the official ratio 256 : 224.
    c.shortSide = int(std::lround(cropSize * 256.0 / 224.0));
    return c;
}

uint64_t ClipRng::next()
{
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int ClipRng::below(int n)
{
    if (n <= 1)
        return 0;
    // Rejection sampling: no modulo bias.
    const uint64_t bound = uint64_t(n);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
        x = next();
    } while (x >= limit);
    return int(x % bound);
}

double ClipRng::uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

std::vector<int> sampleTestIndices(int frameCount, int segments)
{
    std::vector<int> out(size_t(std::max(0, segments)), 0);
    if (frameCount <= 0)
        return out;
    const double avg = double(frameCount) / double(segments);
    for (int i = 0; i < segments; ++i)
        out[size_t(i)] = int(std::floor(avg * i + avg / 2.0)) % frameCount;
    return out;
}

std::vector<int> sampleTrainIndices(int frameCount, int segments, ClipRng& rng)
{
    std::vector<int> out(size_t(std::max(0, segments)), 0);
    if (frameCount <= 0)
        return out;
    const int avg = frameCount / segments;
    if (avg > 0) {
        for (int i = 0; i < segments; ++i)
            out[size_t(i)] = avg * i + rng.below(avg);
    } else if (frameCount > segments) {
        for (int& v : out)
            v = rng.below(frameCount);
        std::sort(out.begin(), out.end());
    } else {
        // numpy.around: round half to even, which is nearbyint's default mode.
        const double ratio = double(frameCount) / segments;
        for (int i = 0; i < segments; ++i)
            out[size_t(i)] = std::min(frameCount - 1, int(std::nearbyint(i * ratio)));
    }
    return out;
}

TrainCrop chooseTrainCrop(int width, int height, const ClipPipelineConfig& config, ClipRng& rng)
{
    // mmaction2 MultiScaleCrop (random_crop off, 13 fixed crops).
    const int base = std::min(width, height);
    std::vector<int> sizes;
    for (double s : config.scales)
        sizes.push_back(int(base * s));
    std::vector<std::pair<int, int>> candidates; // (w, h)
    for (size_t i = 0; i < sizes.size(); ++i)
        for (size_t j = 0; j < sizes.size(); ++j)
            if (std::abs(int(i) - int(j)) <= config.maxScaleGap)
                candidates.push_back({sizes[j], sizes[i]});
    auto [cropW, cropH] = candidates[size_t(rng.below(int(candidates.size())))];
    if (std::abs(cropW - config.cropSize) < 3)
        cropW = config.cropSize;
    if (std::abs(cropH - config.cropSize) < 3)
        cropH = config.cropSize;
    cropW = std::min(cropW, width);
    cropH = std::min(cropH, height);
    const int ws = (width - cropW) / 4;
    const int hs = (height - cropH) / 4;
    const int offsets[13][2] = {{0, 0},          {4 * ws, 0},      {0, 4 * hs},      {4 * ws, 4 * hs}, {2 * ws, 2 * hs},
                                {0, 2 * hs},     {4 * ws, 2 * hs}, {2 * ws, 4 * hs}, {2 * ws, 0},      {ws, hs},
                                {3 * ws, hs},    {ws, 3 * hs},     {3 * ws, 3 * hs}};
    const int pick = rng.below(13);
    TrainCrop crop;
    crop.x = offsets[pick][0];
    crop.y = offsets[pick][1];
    crop.width = cropW;
    crop.height = cropH;
    crop.flip = rng.uniform() < config.flipProbability;
    return crop;
}

ClipPipeline::ClipPipeline(ClipPipelineConfig config) : m_config(config) {}

QSize ClipPipeline::resizedSize(int width, int height) const
{
    const double f = double(m_config.shortSide) / double(std::min(width, height));
    return {int(width * f + 0.5), int(height * f + 0.5)};
}

namespace {

cv::Mat wrap(const QImage& image)
{
    // RGB888 rows may be padded: keep the stride.
    return cv::Mat(image.height(), image.width(), CV_8UC3, const_cast<uchar*>(image.constBits()),
                   size_t(image.bytesPerLine()));
}

// uint8 RGB HxWx3 -> normalised CHW floats at `out`.
void normaliseInto(const cv::Mat& rgb, const ClipPipelineConfig& c, float* out)
{
    const int h = rgb.rows, w = rgb.cols;
    const size_t plane = size_t(h) * w;
    const float inv[3] = {1.0f / c.std[0], 1.0f / c.std[1], 1.0f / c.std[2]};
    for (int y = 0; y < h; ++y) {
        const uchar* row = rgb.ptr<uchar>(y);
        float* r = out + size_t(y) * w;
        float* g = r + plane;
        float* b = g + plane;
        for (int x = 0; x < w; ++x) {
            r[x] = (float(row[3 * x]) - c.mean[0]) * inv[0];
            g[x] = (float(row[3 * x + 1]) - c.mean[1]) * inv[1];
            b[x] = (float(row[3 * x + 2]) - c.mean[2]) * inv[2];
        }
    }
}

ClipTensor emptyTensor(const ClipPipelineConfig& c, int segments)
{
    ClipTensor t;
    t.segments = segments;
    t.channels = 3;
    t.height = c.cropSize;
    t.width = c.cropSize;
    t.data.assign(size_t(segments) * 3 * c.cropSize * c.cropSize, 0.0f);
    return t;
}

} // namespace

void ClipPipeline::preprocessTestFrame(const QImage& img, float* out) const
{
    const QSize rs = resizedSize(img.width(), img.height());
    cv::Mat resized;
    cv::resize(wrap(img), resized, cv::Size(rs.width(), rs.height()), 0, 0, cv::INTER_LINEAR);
    const int cw = std::min(m_config.cropSize, rs.width());
    const int ch = std::min(m_config.cropSize, rs.height());
    const int left = (rs.width() - cw) / 2;
    const int top = (rs.height() - ch) / 2;
    cv::Mat crop = resized(cv::Rect(left, top, cw, ch));
    if (cw != m_config.cropSize || ch != m_config.cropSize)
        cv::resize(cv::Mat(crop), crop, cv::Size(m_config.cropSize, m_config.cropSize), 0, 0, cv::INTER_LINEAR);
    normaliseInto(crop, m_config, out);
}

ClipTensor ClipPipeline::preprocessTest(const std::vector<QImage>& frames) const
{
    ClipTensor t = emptyTensor(m_config, int(frames.size()));
    const size_t per = size_t(3) * m_config.cropSize * m_config.cropSize;
    for (size_t s = 0; s < frames.size(); ++s)
        preprocessTestFrame(frames[s], t.data.data() + s * per);
    return t;
}

ClipTensor ClipPipeline::preprocessTrain(const std::vector<QImage>& frames, ClipRng& rng) const
{
    ClipTensor t = emptyTensor(m_config, int(frames.size()));
    if (frames.empty())
        return t;
    const size_t per = size_t(3) * m_config.cropSize * m_config.cropSize;
    const QSize rs = resizedSize(frames[0].width(), frames[0].height());
    // One crop and one flip for the whole clip, as mmaction2 applies them to every frame alike.
    const TrainCrop crop = chooseTrainCrop(rs.width(), rs.height(), m_config, rng);
    for (size_t s = 0; s < frames.size(); ++s) {
        cv::Mat resized, out;
        cv::resize(wrap(frames[s]), resized, cv::Size(rs.width(), rs.height()), 0, 0, cv::INTER_LINEAR);
        cv::resize(resized(cv::Rect(crop.x, crop.y, crop.width, crop.height)), out,
                   cv::Size(m_config.cropSize, m_config.cropSize), 0, 0, cv::INTER_LINEAR);
        if (crop.flip)
            cv::flip(out, out, 1);
        normaliseInto(out, m_config, t.data.data() + s * per);
    }
    return t;
}

namespace {

// Decodes the distinct frames in ascending order (one forward pass, skipping the non-reference
// pictures between the samples), full size.
VideoResult<std::vector<QImage>> decodeSorted(VideoDecoder& decoder, const std::vector<int>& absolute)
{
    std::vector<int> distinct = absolute;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    auto pictures = decoder.sampledFrames(distinct);
    if (!pictures)
        return pictures.videoError();
    std::vector<QImage> out;
    out.reserve(absolute.size());
    for (int i : absolute)
        out.push_back(pictures.value()[size_t(std::lower_bound(distinct.begin(), distinct.end(), i) - distinct.begin())]);
    return out;
}

VideoResult<VideoOk> checkRange(VideoDecoder& decoder, int& start, int& end)
{
    if (end < 0)
        end = decoder.frameCount();
    if (start < 0 || start >= end || end > decoder.frameCount())
        return VideoError{VideoErrorKind::OutOfRange,
                          QStringLiteral("%1: segment [%2, %3) is not inside the video's %4 frames")
                              .arg(decoder.path())
                              .arg(start)
                              .arg(end)
                              .arg(decoder.frameCount())};
    return VideoOk{};
}

} // namespace

VideoResult<ClipTensor> ClipPipeline::testClip(VideoDecoder& decoder, int startFrame, int endFrame) const
{
    if (endFrame < 0)
        endFrame = decoder.frameCount();
    auto clips = testClips(decoder, {{startFrame, endFrame}});
    if (!clips)
        return clips.videoError();
    return std::move(clips.value().front());
}

VideoResult<std::vector<ClipTensor>> ClipPipeline::testClips(VideoDecoder& decoder,
                                                             const std::vector<std::pair<int, int>>& ranges) const
{
    std::vector<ClipTensor> clips;
    clips.reserve(ranges.size());
    // Who needs each frame: (frame, clip, segment), sorted by frame.
    struct Use {
        int frame, clip, segment;
    };
    std::vector<Use> uses;
    for (const auto& [first, last] : ranges) {
        int start = first, end = last;
        auto range = checkRange(decoder, start, end);
        if (!range)
            return range.videoError();
        ClipTensor t = emptyTensor(m_config, m_config.segments);
        t.frameIndices = sampleTestIndices(end - start, m_config.segments);
        for (int s = 0; s < t.segments; ++s) {
            t.frameIndices[size_t(s)] += start;
            uses.push_back({t.frameIndices[size_t(s)], int(clips.size()), s});
        }
        t.colorConversion = colorConversionName();
        clips.push_back(std::move(t));
    }
    std::stable_sort(uses.begin(), uses.end(), [](const Use& a, const Use& b) { return a.frame < b.frame; });
    std::vector<int> distinct;
    for (const Use& u : uses)
        if (distinct.empty() || distinct.back() != u.frame)
            distinct.push_back(u.frame);
    const size_t per = size_t(3) * m_config.cropSize * m_config.cropSize;
    size_t next = 0;
    const VideoStatus decoded = decoder.sampledFrames(distinct, [&](int frame, const QImage& rgb) -> VideoStatus {
        const float* first = nullptr;
        for (; next < uses.size() && uses[next].frame == frame; ++next) {
            float* out = clips[size_t(uses[next].clip)].data.data() + size_t(uses[next].segment) * per;
            if (first) {
                std::copy(first, first + per, out);
            } else {
                preprocessTestFrame(rgb, out);
                first = out;
            }
        }
        return VideoOk{};
    });
    if (!decoded)
        return decoded.videoError();
    return clips;
}

VideoResult<ClipTensor> ClipPipeline::testClip(const QString& path, int startFrame, int endFrame) const
{
    DecoderOptions options;
    options.cacheMegabytes = 64;
    auto decoder = VideoDecoder::open(path, options);
    if (!decoder)
        return decoder.videoError();
    return testClip(*decoder.value(), startFrame, endFrame);
}

VideoResult<ClipTensor> ClipPipeline::trainClip(VideoDecoder& decoder, int startFrame, int endFrame, uint64_t seed) const
{
    auto range = checkRange(decoder, startFrame, endFrame);
    if (!range)
        return range.videoError();
    ClipRng rng(seed);
    std::vector<int> indices = sampleTrainIndices(endFrame - startFrame, m_config.segments, rng);
    for (int& i : indices)
        i += startFrame;
    auto frames = decodeSorted(decoder, indices);
    if (!frames)
        return frames.videoError();
    ClipTensor t = preprocessTrain(frames.value(), rng);
    t.frameIndices = indices;
    t.colorConversion = colorConversionName();
    return t;
}

} // namespace mas
