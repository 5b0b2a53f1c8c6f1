#pragma once
// The FrameProvider's worker object: lives on its own QThread with its own VideoDecoder.
// Requests are posted into a one-slot mailbox (newest wins) and a drain is queued; a drain decodes
// whatever is in the mailbox at that moment, so a burst of scrubbing requests costs one decode.
#include "player/FrameProvider.h"

#include "video/VideoDecoder.h"

#include <QMutex>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

namespace mas::ui {

class FrameDecodeWorker : public QObject {
    Q_OBJECT
public:
    FrameDecodeWorker() = default;

    // Any thread: put a request in the mailbox (replacing an unstarted one) and wake the worker.
    void post(quint64 generation, int index, QSize size);
    qint64 dropped() const { return m_dropped.load(); }

public Q_SLOTS:
    void openVideo(quint64 generation, const QString& path, const QString& indexCacheDir);
    void closeVideo();

Q_SIGNALS:
    void opened(quint64 generation, const mas::ui::OpenedVideo& video);
    void openFailed(quint64 generation, const QString& message);
    void frameReady(quint64 generation, int index, const QImage& image);
    void frameFailed(quint64 generation, int index, const QString& message);

private:
    struct Request {
        quint64 generation = 0;
        int index = 0;
        QSize size;
    };
    void drain();

    std::unique_ptr<VideoDecoder> m_decoder;
    quint64 m_generation = 0;
    QMutex m_mutex;
    std::optional<Request> m_pending; // guarded by m_mutex
    bool m_drainQueued = false;       // guarded by m_mutex
    std::atomic<qint64> m_dropped{0};
};

} // namespace mas::ui
