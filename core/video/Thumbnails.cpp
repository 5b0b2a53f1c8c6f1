#include "video/Thumbnails.h"

#include <QPointer>

#include <algorithm>
#include <thread>

namespace mas {

int thumbnailTarget(int firstFrame, int endFrame, int count, int slot)
{
    const int64_t span = std::max(1, endFrame - firstFrame);
    return firstFrame + int(std::min<int64_t>(span - 1, (2 * int64_t(slot) + 1) * span / (2 * int64_t(std::max(1, count)))));
}

VideoResult<QVector<Thumbnail>> thumbnailStrip(const QString& path, const ThumbnailRequest& request,
                                               const DecoderOptions& options, const std::atomic_bool* cancel,
                                               const std::function<void(const Thumbnail&)>& onEach)
{
    // The frame index first, under the cancel flag: for a long file it is most of the wait.
    auto index = FrameIndex::loadOrBuild(path, options.indexCacheDir, cancel);
    if (!index)
        return index.videoError();
    auto opened = VideoDecoder::open(path, options, std::move(index).value());
    if (!opened)
        return opened.videoError();
    VideoDecoder& decoder = *opened.value();
    const int frames = decoder.frameCount();
    const int first = std::clamp(request.firstFrame, 0, frames);
    const int end = request.endFrame < 0 ? frames : std::min(request.endFrame, frames);
    if (end <= first)
        return VideoError{VideoErrorKind::OutOfRange,
                          QStringLiteral("%1: no frames in [%2, %3) for thumbnails").arg(path).arg(request.firstFrame).arg(request.endFrame)};
    const int count = std::clamp(request.count, 0, end - first);

    QVector<Thumbnail> strip;
    strip.reserve(count);
    int decoded = 0;
    QString lastError;
    for (int slot = 0; slot < count; ++slot) {
        if (cancel && cancel->load())
            return VideoError{VideoErrorKind::Cancelled, QStringLiteral("%1: thumbnails cancelled").arg(path)};
        Thumbnail thumb;
        thumb.targetFrame = thumbnailTarget(first, end, count, slot);
        thumb.shownFrame = request.mode == ThumbnailMode::Keyframes ? decoder.frameIndex().keyframeAtOrBefore(thumb.targetFrame)
                                                                    : thumb.targetFrame;
        if (!strip.isEmpty() && strip.back().shownFrame == thumb.shownFrame && !strip.back().image.isNull()) {
            thumb.image = strip.back().image; // same keyframe: share the picture
        } else {
            auto frame = decoder.frameAt(thumb.shownFrame, request.size);
            if (frame)
                thumb.image = frame->image;
            else
                lastError = frame.error();
        }
        if (!thumb.image.isNull())
            ++decoded;
        strip.push_back(thumb);
        if (onEach)
            onEach(strip.back());
    }
    if (count > 0 && decoded == 0)
        return VideoError{VideoErrorKind::DecodeFailed, lastError};
    return strip;
}

struct ThumbnailStripJob::State {
    std::thread worker;
    std::shared_ptr<std::atomic_bool> cancel;
    std::atomic_bool running{false};
};

ThumbnailStripJob::ThumbnailStripJob(QObject* parent) : QObject(parent), m_state(std::make_shared<State>())
{
    qRegisterMetaType<mas::Thumbnail>();
    qRegisterMetaType<QVector<mas::Thumbnail>>();
}

ThumbnailStripJob::~ThumbnailStripJob() { joinWorker(); }

void ThumbnailStripJob::joinWorker()
{
    if (m_state->cancel)
        m_state->cancel->store(true);
    if (m_state->worker.joinable())
        m_state->worker.join();
}

void ThumbnailStripJob::cancel()
{
    if (m_state->cancel)
        m_state->cancel->store(true);
}

bool ThumbnailStripJob::isRunning() const { return m_state->running.load(); }

void ThumbnailStripJob::start(const QString& path, const ThumbnailRequest& request, const DecoderOptions& options)
{
    joinWorker();
    auto cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_state->cancel = cancelFlag;
    m_state->running = true;
    QPointer<ThumbnailStripJob> self(this);
    // Deliveries are queued to this object's thread and dropped there when the strip was replaced
    // or cancelled in the meantime.
    auto deliver = [self, cancelFlag](auto&& emitter) {
        QMetaObject::invokeMethod(
            self.data(), [self, cancelFlag, emitter] {
                if (self && !cancelFlag->load())
                    emitter(self.data());
            },
            Qt::QueuedConnection);
    };
    m_state->worker = std::thread([path, request, options, cancelFlag, deliver, state = m_state] {
        int slot = 0;
        auto result = thumbnailStrip(path, request, options, cancelFlag.get(), [&](const Thumbnail& t) {
            deliver([n = slot++, t](ThumbnailStripJob* job) { Q_EMIT job->thumbnailReady(n, t); });
        });
        state->running = false;
        if (result)
            deliver([strip = std::move(result).value()](ThumbnailStripJob* job) { Q_EMIT job->finished(strip); });
        else if (result.videoError().kind != VideoErrorKind::Cancelled)
            deliver([error = result.error()](ThumbnailStripJob* job) { Q_EMIT job->failed(error); });
    });
}

} // namespace mas
