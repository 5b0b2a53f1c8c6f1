#pragma once
// A strip of small pictures across a frame range, for the timeline. Low resolution and fast: with
// ThumbnailMode::Keyframes each picture is the keyframe at or before its target (only keyframes are
// decoded); ThumbnailMode::Exact decodes each target frame exactly.
//
// Threads: thumbnailStrip() opens its own decoder and blocks; call it on a worker thread, or use
// ThumbnailStripJob, which runs it on a thread of its own and hands the pictures back by queued
// signals to the thread the job lives in. `cancel` stops it early (Cancelled).
#include "video/VideoDecoder.h"
#include "video/VideoError.h"

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

namespace mas {

enum class ThumbnailMode { Keyframes, Exact };

struct Thumbnail {
    int targetFrame = 0;  // the frame this slot stands for (evenly spread over the range)
    int shownFrame = 0;   // the frame actually shown (a keyframe in Keyframes mode)
    QImage image;         // RGB888; null when that frame could not be decoded (damaged file)
};

struct ThumbnailRequest {
    int firstFrame = 0;
    int endFrame = -1;    // exclusive; -1 = the end of the video
    int count = 10;       // at most one per frame of the range
    QSize size{96, 0};    // 0 keeps the aspect ratio
    ThumbnailMode mode = ThumbnailMode::Keyframes;
};

// Slot k of `count` over [first, end) stands for the frame at the middle of its share of the range.
int thumbnailTarget(int firstFrame, int endFrame, int count, int slot);

// Pictures come in slot order; `onEach` (may be empty) sees each one as soon as it is made, on the
// calling thread. Frames that cannot be decoded give a null image (best effort); the call fails
// only when the file cannot be opened, when nothing at all could be decoded, or when cancelled.
VideoResult<QVector<Thumbnail>> thumbnailStrip(const QString& path, const ThumbnailRequest& request,
                                               const DecoderOptions& options = {},
                                               const std::atomic_bool* cancel = nullptr,
                                               const std::function<void(const Thumbnail&)>& onEach = {});

// Runs thumbnailStrip() in the background. start() replaces (cancels) a running strip; results of a
// replaced or cancelled strip are never delivered. Destroying the job cancels it and waits for the
// worker to stop (at most one frame's decode).
class ThumbnailStripJob : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailStripJob(QObject* parent = nullptr);
    ~ThumbnailStripJob() override;

    void start(const QString& path, const ThumbnailRequest& request, const DecoderOptions& options = {});
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void thumbnailReady(int slot, const mas::Thumbnail& thumbnail);
    void finished(const QVector<mas::Thumbnail>& strip);
    void failed(const QString& error);

private:
    struct State;
    std::shared_ptr<State> m_state;
    void joinWorker();
};

} // namespace mas

Q_DECLARE_METATYPE(mas::Thumbnail)
