#pragma once
// Decodes video frames off the GUI thread. One worker QThread owns one VideoDecoder; requests go in
// through requestFrame() (any rate: while scrubbing most of them are stale by the time the worker
// is free, and only the newest waiting request is decoded); pictures come back by queued signal.
//
//   FrameProvider provider;
//   connect(&provider, &FrameProvider::frameReady, view, &VideoView::showFrame);
//   provider.open(path, cacheDir);       // opened(info) or openFailed(message) follows
//   provider.requestFrame(41, QSize(960, 540));
#include "video/FrameIndex.h"

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>

#include <memory>

class QThread;

namespace mas::ui {

struct OpenedVideo {
    QString path;
    int frameCount = 0;
    double fps = 0;           // average, for display; frame times come from the index
    QSize frameSize;          // display size
    double durationSeconds = 0;
    FrameIndex index;         // exact frame timing (immutable value)
};

class FrameDecodeWorker;

class FrameProvider : public QObject {
    Q_OBJECT
public:
    explicit FrameProvider(QObject* parent = nullptr);
    ~FrameProvider() override;

    // Opens `path` on the worker thread (building or loading its frame index from indexCacheDir).
    // Any request for the previous video is dropped.
    void open(const QString& path, const QString& indexCacheDir = {});
    void close();
    bool isOpen() const { return m_open; }
    const OpenedVideo& video() const { return m_video; }

    // Asks for exactly frame `index`, scaled to fit `size` (aspect kept; QSize() = display size).
    // Replaces any request the worker has not started yet.
    void requestFrame(int index, QSize size = {});
    // Requests made / frames delivered / requests dropped as stale (for benchmarks and tests).
    qint64 requestsMade() const { return m_requests; }
    qint64 framesDelivered() const { return m_delivered; }
    qint64 requestsDropped() const;

Q_SIGNALS:
    void opened(const mas::ui::OpenedVideo& video);
    void openFailed(const QString& message);
    void frameReady(int index, const QImage& image);
    void frameFailed(int index, const QString& message);

private:
    void onOpened(quint64 generation, const mas::ui::OpenedVideo& video);
    void onOpenFailed(quint64 generation, const QString& message);
    void onFrame(quint64 generation, int index, const QImage& image);
    void onFrameFailed(quint64 generation, int index, const QString& message);

    QThread* m_thread = nullptr;
    FrameDecodeWorker* m_worker = nullptr; // lives on m_thread
    quint64 m_generation = 0;              // bumped per open(): results of older videos are ignored
    bool m_open = false;
    OpenedVideo m_video;
    qint64 m_requests = 0;
    qint64 m_delivered = 0;
};

} // namespace mas::ui

Q_DECLARE_METATYPE(mas::ui::OpenedVideo)
