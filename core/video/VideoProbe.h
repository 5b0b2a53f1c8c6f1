#pragma once
// What a video file holds, read without decoding pictures: container, streams, geometry,
// rotation, frame rate, duration, frame and keyframe counts. Used by `import videos` and `probe`.
#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QVector>

#include <cstdint>

namespace mas {

struct AudioStreamInfo {
    int streamIndex = -1;
    QString codec;          // FFmpeg codec name, e.g. "aac"
    int sampleRate = 0;     // Hz
    int channels = 0;
    double durationSeconds = 0;
};

struct VideoProbeInfo {
    QString path;
    QString container;      // FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    int videoStreamIndex = -1;
    QString videoCodec;     // e.g. "h264"
    QString pixelFormat;    // e.g. "yuv420p"
    int codedWidth = 0;     // as stored in the stream
    int codedHeight = 0;
    int width = 0;          // as displayed, after rotation
    int height = 0;
    int rotationDegrees = 0; // clockwise, one of 0, 90, 180, 270
    int fpsNum = 0;         // average frame rate as a rational (0/1 when unknown)
    int fpsDen = 1;
    double fps = 0;
    double durationSeconds = 0;
    int64_t frameCount = 0;
    bool frameCountExact = false; // counted packets or the container's sample table, not a guess
    int64_t keyframeCount = -1;   // -1 when it would need a scan of the file
    int64_t bitRate = 0;
    QString colorSpace;     // e.g. "bt709", "unknown"
    QString colorRange;     // "tv", "pc" or "unknown"
    QVector<AudioStreamInfo> audioStreams;
    int64_t fileSize = 0;
};

struct ProbeOptions {
    // When the container does not state the frame count (MKV, some AVI), read every packet
    // (no decoding) to count frames and keyframes. Costs one pass over the file.
    bool countFramesWhenUnknown = true;
    // Always count by scanning packets (exact frame and keyframe counts for any container).
    bool alwaysScan = false;
    // Describe from the headers alone where they suffice (MP4/MOV), without decoding a picture: then the pixel
    // format and colour fields may read "unknown"/"unspecified" (the decoder learns them from the first frame).
    bool headersOnly = false;
};

// Reads the file's headers (and, when needed, its packets) and describes it. Errors name the file:
// missing, empty, not a media file, no video stream.
Result<VideoProbeInfo> probeVideo(const QString& path, const ProbeOptions& options = {});

// A fast identity for a file's content: hex SHA-1 over (size, first 1 MiB, last 1 MiB).
// Stable across renames and moves; used to key caches (frame index, thumbnails) and the store.
Result<QString> contentHash(const QString& path);

} // namespace mas
