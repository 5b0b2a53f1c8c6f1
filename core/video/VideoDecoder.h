#pragma once
// Frame-exact random access to a video: open, frame at index, frame at time, next frame.
//
//   auto dec = VideoDecoder::open(path);            // builds or loads the FrameIndex
//   auto f = dec.value()->frameAt(41, QSize(320, 0)); // exactly frame 41, RGB888, 320 wide
//
// Seeking uses the FrameIndex: a request jumps to the keyframe at or before the target (by the
// keyframe's pts from our own index) and decodes forward, discarding; a target ahead of the
// playhead inside the current keyframe interval decodes forward without seeking, so stepping
// forward costs one decode. Recently decoded pictures are kept in an LRU cache bounded in MB, so
// stepping back is a colour conversion, not a seek.
//
// Read-ahead (DecoderOptions::readAheadFrames, off by default): after each request (once its
// picture is converted; from idle, a few ms later, so the request returns first) a background
// thread of the decoder keeps decoding the next few frames after the playhead (never seeking), so a
// forward step finds its picture decoded and costs only the colour conversion. A request that needs
// the decoder takes it from the read-ahead between two frames (the read-ahead yields; a request that
// is a hit does not wait at all); the window moves with every request, so a seek cancels pictures
// read ahead for the old position. Memory: at most readAheadFrames + 1 decoded pictures besides
// the LRU cache (references to the same buffers where both hold a picture).
//
// Threads: one VideoDecoder is used by one thread at a time (its calls are not meant to race each
// other; the read-ahead thread is internal and locked against them). open() reads the
// whole file once when no index is given or cached: do it on a worker thread in the GUI, or build
// the FrameIndex there and pass it in. Frames are QImages (implicitly shared), safe to hand over
// to other threads.
#include "video/FrameIndex.h"
#include "video/VideoError.h"
#include "video/VideoProbe.h"

#include <QImage>
#include <QSize>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mas {

struct DecoderOptions {
    int threads = 0;              // FFmpeg frame threads; 0 = one per core (at most 16)
    int cacheMegabytes = 256;     // bound of the decoded-picture LRU cache
    QString indexCacheDir;        // where FrameIndex files live (empty: build in memory only)
    int requestTimeoutMs = 15000; // watchdog per request (I/O deadline)
    bool applyRotation = true;    // turn pictures upright per the display matrix
    int readAheadFrames = 0;      // frames kept decoded after the playhead in the background (0: off)
};

struct VideoFrame {
    int index = -1;         // 0..N-1 in presentation order
    int64_t pts = 0;        // stream time base
    double seconds = 0;     // from the first frame
    bool keyframe = false;
    QImage image;           // Format_RGB888, display orientation, at the size asked for
};

// How pictures become RGB: FFmpeg's swscale, the stream's colour matrix (BT.601 when unspecified,
// as the ffmpeg program does) and range, bicubic chroma/scale filter, then rotation.
// Recorded in model metadata so training and inference use the same pixels.
QString colorConversionName();

struct DecoderStats {
    int64_t seeks = 0;           // av_seek_frame calls
    int64_t decodedFrames = 0;   // frames out of the decoder
    int64_t cacheHits = 0;
    int64_t corruptFrames = 0;   // frames FFmpeg flagged as damaged (still returned, best effort)
    int64_t readAheadDecoded = 0; // frames the read-ahead decoded (also counted in decodedFrames)
    int64_t readAheadHits = 0;    // requests served by a picture the read-ahead decoded (also in cacheHits)
    int readAheadHeld = 0;        // pictures held ahead of the playhead now (<= readAheadFrames + 1)
};

class VideoDecoder {
public:
    // Opens `path` (any FFmpeg-readable file). `index`: a prebuilt index (e.g. from a worker thread);
    // otherwise it is loaded from options.indexCacheDir or built now.
    static VideoResult<std::unique_ptr<VideoDecoder>> open(const QString& path, const DecoderOptions& options = {},
                                                            std::optional<FrameIndex> index = std::nullopt);
    ~VideoDecoder();
    VideoDecoder(const VideoDecoder&) = delete;
    VideoDecoder& operator=(const VideoDecoder&) = delete;

    QString path() const;
    const VideoProbeInfo& info() const;
    const FrameIndex& frameIndex() const;
    int frameCount() const;
    // Display size (after rotation).
    QSize frameSize() const;

    // Exactly frame `index`. `size`: output size; a zero/invalid component keeps the aspect ratio
    // from the other; QSize() is the display size. Errors: OutOfRange, DecodeFailed, Timeout.
    VideoResult<VideoFrame> frameAt(int index, QSize size = {});
    // The frame playing at `seconds` (from the first frame): frameIndex().frameAtSeconds().
    VideoResult<VideoFrame> frameAtTime(double seconds, QSize size = {});
    // The frame after the last one returned (frame 0 first); EndOfStream after the last frame.
    VideoResult<VideoFrame> nextFrame(QSize size = {});

    // Decodes frame `index` into the decoder's pictures without converting it (same exactness and
    // errors as frameAt): warms the picture a later frameAt(index) converts. Moves the playhead.
    VideoStatus preload(int index);

    // Frames `indices` (distinct; ascending is fastest) as full-size RGB in display orientation, in one
    // turn at the decoder: non-reference pictures that are not among them (the B-frames between a
    // clip's samples) are skipped undecoded, and decoding stops at the last one. The clip pipeline's
    // way in: 8 samples of a 50-frame clip cost the reference frames up to the last sample, about
    // half the frames. Same exactness and errors as frameAt.
    VideoResult<std::vector<QImage>> sampledFrames(const std::vector<int>& indices);
    // The same, handing each picture to `onFrame` as it is decoded (in the order of `indices`), so a
    // caller preprocessing them holds one full-size picture at a time; an error from `onFrame` stops.
    VideoStatus sampledFrames(const std::vector<int>& indices,
                              const std::function<VideoStatus(int index, const QImage& rgb)>& onFrame);

    // Full-size RGB picture of frame `index` in display orientation, for the clip pipeline.
    VideoResult<QImage> rgbAt(int index) { auto f = frameAt(index); if (!f) return f.videoError(); return f->image; }

    void setCacheLimitMegabytes(int megabytes);
    // Frames to keep decoded after the playhead (0 stops the read-ahead; see the top of this file).
    void setReadAheadFrames(int frames);
    int readAheadFrames() const;
    // Blocks until the read-ahead has nothing left to do for the current playhead (or `timeoutMs`
    // passed: false). For tests and benchmarks; the player never waits for it.
    bool waitForReadAhead(int timeoutMs);
    DecoderStats stats() const;

private:
    VideoDecoder();
    std::optional<VideoError> indexError(int index) const; // past the end, or negative
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace mas
