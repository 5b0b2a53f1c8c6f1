#pragma once
// A strip of small pictures across a frame range, for the timeline. Low resolution and fast: with
// ThumbnailMode::Keyframes each picture is the keyframe at or before its target (only keyframes are
// decoded); ThumbnailMode::Exact decodes each target frame exactly.
//
// Threads: opens its own decoder; run it on a worker thread. `cancel` stops it early (Cancelled).
#include "video/VideoDecoder.h"
#include "video/VideoError.h"

#include <QImage>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>

namespace mas {

enum class ThumbnailMode { Keyframes, Exact };

struct Thumbnail {
    int targetFrame = 0;  // the frame this slot stands for (evenly spread over the range)
    int shownFrame = 0;   // the frame actually shown (a keyframe in Keyframes mode)
    QImage image;         // RGB888
};

struct ThumbnailRequest {
    int firstFrame = 0;
    int endFrame = -1;    // exclusive; -1 = the end of the video
    int count = 10;
    QSize size{96, 0};    // 0 keeps the aspect ratio
    ThumbnailMode mode = ThumbnailMode::Keyframes;
};

VideoResult<QVector<Thumbnail>> thumbnailStrip(const QString& path, const ThumbnailRequest& request,
                                               const DecoderOptions& options = {},
                                               const std::atomic_bool* cancel = nullptr);

} // namespace mas
