#pragma once
// Fills the timeline's thumbnail strip and audio waveform for the video on screen, in the
// background (the strip through core's ThumbnailStripJob, the waveform on the thread pool). A
// newer video replaces an older one's work; late results of the older one are dropped.
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace mas {
class ThumbnailStripJob;
}

namespace mas::ui {

class TimelineWidget;

class TimelineMedia : public QObject {
    Q_OBJECT
public:
    explicit TimelineMedia(TimelineWidget& timeline, QObject* parent = nullptr);
    ~TimelineMedia() override;

    // Starts both for `path` (frameCount frames, durationSeconds long); clear() empties both strips.
    void load(const QString& path, int frameCount, double durationSeconds);
    void clear();

private:
    TimelineWidget& m_timeline;
    ThumbnailStripJob* m_thumbnails;
    int m_generation = 0;
    std::shared_ptr<std::atomic_bool> m_cancelWaveform;
};

} // namespace mas::ui
