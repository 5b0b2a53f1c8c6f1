#include "player/FrameProvider.h"

#include "player/FrameDecodeWorker.h"

#include <QMetaObject>
#include <QThread>

namespace mas::ui {

// --- worker (its own thread) -------------------------------------------------------------------

void FrameDecodeWorker::openVideo(quint64 generation, const QString& path, const QString& indexCacheDir)
{
    m_decoder.reset();
    m_generation = generation;
    DecoderOptions options;
    options.indexCacheDir = indexCacheDir;
    options.threads = 2;          // the GUI's decoder shares the machine with everything else
    options.cacheMegabytes = 192; // stepping back is a colour conversion, not a seek
    options.readAheadFrames = 8;  // and so is stepping forward: the next frames decode in the background
    auto decoder = VideoDecoder::open(path, options);
    if (!decoder) {
        Q_EMIT openFailed(generation, decoder.error());
        return;
    }
    m_decoder = std::move(decoder.value());
    OpenedVideo video;
    video.path = path;
    video.frameCount = m_decoder->frameCount();
    video.fps = m_decoder->info().fps;
    video.frameSize = m_decoder->frameSize();
    video.index = m_decoder->frameIndex();
    video.durationSeconds = video.index.durationSeconds();
    Q_EMIT opened(generation, video);
}

void FrameDecodeWorker::closeVideo()
{
    m_decoder.reset();
}

void FrameDecodeWorker::post(quint64 generation, int index, QSize size)
{
    QMutexLocker lock(&m_mutex);
    if (m_pending)
        m_dropped.fetch_add(1);
    m_pending = Request{generation, index, size};
    if (!m_drainQueued) {
        m_drainQueued = true;
        QMetaObject::invokeMethod(this, [this] { drain(); }, Qt::QueuedConnection);
    }
}

void FrameDecodeWorker::drain()
{
    std::optional<Request> request;
    {
        QMutexLocker lock(&m_mutex);
        request.swap(m_pending);
        m_drainQueued = false;
    }
    if (!request || request->generation != m_generation || !m_decoder)
        return;
    auto frame = m_decoder->frameAt(request->index, request->size);
    if (!frame) {
        Q_EMIT frameFailed(request->generation, request->index, frame.error());
        return;
    }
    Q_EMIT frameReady(request->generation, request->index, frame->image);
}

// --- provider (GUI thread) ---------------------------------------------------------------------

FrameProvider::FrameProvider(QObject* parent) : QObject(parent), m_thread(new QThread), m_worker(new FrameDecodeWorker)
{
    qRegisterMetaType<mas::ui::OpenedVideo>();
    m_thread->setObjectName(QStringLiteral("FrameProvider"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &FrameDecodeWorker::opened, this, &FrameProvider::onOpened, Qt::QueuedConnection);
    connect(m_worker, &FrameDecodeWorker::openFailed, this, &FrameProvider::onOpenFailed, Qt::QueuedConnection);
    connect(m_worker, &FrameDecodeWorker::frameReady, this, &FrameProvider::onFrame, Qt::QueuedConnection);
    connect(m_worker, &FrameDecodeWorker::frameFailed, this, &FrameProvider::onFrameFailed, Qt::QueuedConnection);
    m_thread->start();
}

FrameProvider::~FrameProvider()
{
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void FrameProvider::open(const QString& path, const QString& indexCacheDir)
{
    ++m_generation;
    m_open = false;
    m_video = OpenedVideo{};
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, generation, path, indexCacheDir] {
        worker->openVideo(generation, path, indexCacheDir);
    }, Qt::QueuedConnection);
}

void FrameProvider::close()
{
    ++m_generation;
    m_open = false;
    m_video = OpenedVideo{};
    QMetaObject::invokeMethod(m_worker, &FrameDecodeWorker::closeVideo, Qt::QueuedConnection);
}

void FrameProvider::requestFrame(int index, QSize size)
{
    if (!m_open)
        return;
    ++m_requests;
    m_worker->post(m_generation, index, size);
}

qint64 FrameProvider::requestsDropped() const
{
    return m_worker->dropped();
}

void FrameProvider::onOpened(quint64 generation, const OpenedVideo& video)
{
    if (generation != m_generation)
        return;
    m_open = true;
    m_video = video;
    Q_EMIT opened(video);
}

void FrameProvider::onOpenFailed(quint64 generation, const QString& message)
{
    if (generation == m_generation)
        Q_EMIT openFailed(message);
}

void FrameProvider::onFrame(quint64 generation, int index, const QImage& image)
{
    if (generation != m_generation)
        return;
    ++m_delivered;
    Q_EMIT frameReady(index, image);
}

void FrameProvider::onFrameFailed(quint64 generation, int index, const QString& message)
{
    if (generation == m_generation)
        Q_EMIT frameFailed(index, message);
}

} // namespace mas::ui
