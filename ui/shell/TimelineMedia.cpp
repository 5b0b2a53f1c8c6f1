#include "shell/TimelineMedia.h"

#include "timeline/TimelineWidget.h"
#include "video/AudioDecoder.h"
#include "video/Thumbnails.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>

namespace mas::ui {
namespace {
constexpr int kThumbnailCount = 48;       // enough for a wide timeline at "fit all"
constexpr int kWaveformBuckets = 6000;    // about one per pixel of a wide lane, hour-long videos included
}

TimelineMedia::TimelineMedia(TimelineWidget& timeline, QObject* parent)
    : QObject(parent), m_timeline(timeline), m_thumbnails(new ThumbnailStripJob(this))
{
    connect(m_thumbnails, &ThumbnailStripJob::finished, this,
            [this](const QVector<Thumbnail>& strip) { m_timeline.setThumbnails(strip); });
}

TimelineMedia::~TimelineMedia()
{
    if (m_cancelWaveform)
        m_cancelWaveform->store(true);
}

void TimelineMedia::load(const QString& path, int frameCount, double durationSeconds)
{
    clear();
    if (frameCount <= 0)
        return;
    ThumbnailRequest request;
    request.count = std::min(kThumbnailCount, frameCount);
    request.size = QSize(96, 0);
    m_thumbnails->start(path, request);

    const int generation = m_generation;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancelWaveform = cancel;
    const double secondsPerBucket = std::max(0.005, durationSeconds / kWaveformBuckets);
    QPointer<TimelineMedia> self(this);
    QThreadPool::globalInstance()->start([self, path, secondsPerBucket, cancel, generation] {
        auto waveform = waveformOf(path, secondsPerBucket, {}, cancel.get());
        if (!waveform.ok() || cancel->load())
            return; // no sound, or a newer video: the strip stays empty
        Waveform result = std::move(waveform).value();
        QMetaObject::invokeMethod(qApp, [self, result, generation] {
            if (self && self->m_generation == generation)
                self->m_timeline.setWaveform(result, result.startSeconds);
        });
    });
}

void TimelineMedia::clear()
{
    ++m_generation;
    if (m_cancelWaveform)
        m_cancelWaveform->store(true);
    m_cancelWaveform.reset();
    m_thumbnails->cancel();
    m_timeline.setThumbnails({});
    m_timeline.setWaveform({}, 0);
}

} // namespace mas::ui
