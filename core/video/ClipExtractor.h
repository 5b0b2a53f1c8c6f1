#pragma once
// Cuts frames [startFrame, endFrame) of a video into a file of their own, frame-exact.
// Stream copy when the cut starts on a keyframe and the next frame after the cut is a keyframe
// (or the end), so no picture depends on frames outside; otherwise re-encode the video (libx264
// when available, else mpeg4, else mjpeg). Audio is re-encoded with the video or copied with it,
// trimmed to the same time range. Written to a temporary file beside the target, then renamed
// (a failed cut never leaves a partial file under the target name).
//
// Threads: reentrant; run on a worker thread for long cuts. `cancel` stops it (Cancelled).
#include "video/VideoError.h"

#include <QString>

#include <atomic>

namespace mas {

struct ClipExtractOptions {
    bool allowStreamCopy = true;
    bool includeAudio = true;
    int crf = 18;                // quality of the re-encode (libx264); mpeg4 uses a matching qscale
    QString preferredEncoder;    // e.g. "libx264"; empty: the best available
};

struct ClipExtractResult {
    QString outputPath;
    int frameCount = 0;
    bool streamCopied = false;
    QString videoEncoder;        // "copy" or the encoder's name
};

VideoResult<ClipExtractResult> extractClip(const QString& sourcePath, int startFrame, int endFrame,
                                           const QString& outputPath, const ClipExtractOptions& options = {},
                                           const std::atomic_bool* cancel = nullptr);

} // namespace mas
