#include "video/VideoDecoder.h"

#include "video/detail/Ffmpeg.h"
#include "video/detail/PictureCache.h"
#include "video/detail/RgbConverter.h"

#include <QScopeGuard>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mas {

QString colorConversionName()
{
    return QStringLiteral("ffmpeg-swscale:bicubic;matrix=stream(default bt601);range=stream;out=rgb24-full;rotate=display");
}

namespace {

void quietFfmpegLogs()
{
    static std::once_flag once;
    // Damaged files make FFmpeg print pages of warnings; our errors are values. MAS_FFMPEG_LOG=1 keeps them.
    std::call_once(once, [] {
        if (qEnvironmentVariableIsEmpty("MAS_FFMPEG_LOG"))
            av_log_set_level(AV_LOG_FATAL);
    });
}

VideoError fail(VideoErrorKind kind, const QString& path, const QString& what, int code = 0)
{
    QString message = QStringLiteral("%1: %2").arg(path, what);
    if (code < 0)
        message += QStringLiteral(" (%1)").arg(ff::errorText(code));
    return {kind, message, code};
}

} // namespace

struct VideoDecoder::Impl {
    QString path;
    DecoderOptions options;
    VideoProbeInfo info;
    FrameIndex index;
    int rotation = 0;

    // Decoder state, guarded by codecMutex (the caller's requests and the read-ahead take turns).
    std::mutex codecMutex;
    ff::InterruptDeadline watchdog;
    ff::FormatContextPtr fmt;
    ff::CodecContextPtr codec;
    int streamIndex = -1;
    ff::PacketPtr packet = ff::makePacket();
    ff::FramePtr frame = ff::makeFrame();
    ff::FramePtr current = ff::makeFrame(); // the last target picture (kept even with no cache)
    int lastOutput = -1;      // index of the last frame out of the decoder since the last seek
    bool needSeek = true;     // decoder state unknown (fresh, drained or failed): seek before decoding
    bool flushedToEnd = false;
    bool canSkipNonReference = false; // codec honours AVDISCARD_NONREF and frames carry timestamps
    int failedAnchor = -2;    // the read-ahead failed for this playhead: do not retry it
    // sampledFrames(): the pts of the pictures wanted (sorted); every other non-reference picture is
    // skipped. Empty otherwise. Set and cleared within one caller's turn (codecMutex held).
    std::vector<int64_t> wantedPts;

    // Decoded pictures, guarded by storeMutex (short critical sections: a hit never waits for a decode).
    std::mutex storeMutex;
    ff::PictureCache cache;
    ff::AheadPictures ahead;

    std::mutex convertMutex;
    ff::RgbConverter converter;

    struct Counters {
        std::atomic<int64_t> seeks{0}, decodedFrames{0}, cacheHits{0}, corruptFrames{0}, readAheadDecoded{0},
            readAheadHits{0};
    } counters;

    // Read-ahead: the playhead and window size are atomics read by the worker under codecMutex; the
    // wake state (guarded by wakeMutex) tells the worker to look again and to give way to callers.
    std::atomic<int> readAheadFrames{0};
    std::atomic<int> anchor{-1};
    std::mutex wakeMutex;
    std::condition_variable wakeCv;
    std::condition_variable idleCv; // with codecMutex: the read-ahead finished a frame or ran out of work
    uint64_t wakeSequence = 0;
    int callersWaiting = 0;
    bool stopping = false;
    std::thread worker;

    int lastReturned = -1;    // for nextFrame() (the caller's thread only)

    VideoResult<VideoOk> seekToKeyframe(int keyframe);
    VideoResult<const AVFrame*> decodeUntil(int target, int seekFloor);
    VideoResult<const AVFrame*> picture(int target);
    VideoResult<ff::FramePtr> acquire(int target);
    ff::FramePtr findStored(int target);
    void keep(int i, const AVFrame* picture);
    VideoFrame makeFrame(int index, const AVFrame* picture, QSize size);
    int indexOf(const AVFrame* f) const;

    void moveReadAhead(int playhead);
    void wakeReadAhead();
    bool readAheadWanted() const; // codecMutex held
    void readAheadLoop();
    void startReadAhead();
    void stopReadAhead();

    class CallerTurn;
};

// The caller's turn at the decoder: the read-ahead finishes the frame it is on and waits.
class VideoDecoder::Impl::CallerTurn {
public:
    explicit CallerTurn(VideoDecoder::Impl& d) : m_d(d)
    {
        {
            std::lock_guard<std::mutex> wake(m_d.wakeMutex);
            ++m_d.callersWaiting;
        }
        m_lock = std::unique_lock<std::mutex>(m_d.codecMutex);
    }
    ~CallerTurn()
    {
        m_lock.unlock();
        {
            std::lock_guard<std::mutex> wake(m_d.wakeMutex);
            --m_d.callersWaiting;
        }
        m_d.wakeCv.notify_all();
    }
    CallerTurn(const CallerTurn&) = delete;
    CallerTurn& operator=(const CallerTurn&) = delete;

private:
    VideoDecoder::Impl& m_d;
    std::unique_lock<std::mutex> m_lock;
};

int VideoDecoder::Impl::indexOf(const AVFrame* f) const
{
    if (index.hasTimestamps()) {
        int64_t ts = f->best_effort_timestamp;
        if (ts == AV_NOPTS_VALUE)
            ts = f->pts;
        if (ts != AV_NOPTS_VALUE) {
            const int i = index.frameAtPts(ts);
            if (i >= 0 && index.pts(i) == ts)
                return i;
        }
    }
    return lastOutput + 1; // no usable timestamp: frames come out in order
}

VideoResult<VideoOk> VideoDecoder::Impl::seekToKeyframe(int keyframe)
{
    avcodec_flush_buffers(codec.get());
    int rc;
    if (index.seekable() && keyframe > 0) {
        // Seek by the keyframe's own pts from our index (decoders such as HEVC overshoot otherwise).
        rc = av_seek_frame(fmt.get(), streamIndex, index.pts(keyframe), AVSEEK_FLAG_BACKWARD);
    } else {
        const int64_t first = index.seekable() ? index.pts(0) : 0;
        rc = avformat_seek_file(fmt.get(), streamIndex, INT64_MIN, first, first, 0);
        if (rc < 0)
            rc = av_seek_frame(fmt.get(), -1, 0, AVSEEK_FLAG_BYTE);
        keyframe = 0;
    }
    ++counters.seeks;
    if (rc < 0)
        return fail(VideoErrorKind::DecodeFailed, path, QStringLiteral("cannot seek to frame %1").arg(keyframe), rc);
    lastOutput = keyframe - 1;
    needSeek = false;
    flushedToEnd = false;
    return VideoOk{};
}

// Decodes forward until frame `target` comes out. Frames before `seekFloor` (open-GOP leading
// pictures after a seek) are dropped; every other frame on the way is cached.
VideoResult<const AVFrame*> VideoDecoder::Impl::decodeUntil(int target, int seekFloor)
{
    const int distance = std::max(0, target - lastOutput);
    // Packet cap: the frames to go, the decoder's delay (B-frames, threads) and slack for damage.
    const int64_t packetCap = int64_t(distance) * 2 + 64 + 4 * std::max(1, codec->thread_count);
    int64_t packetsRead = 0;
    // Pictures shown well before the target that no other picture references need not be decoded
    // at all (a third to a half of a long GOP's B-frames). The last few before the target are
    // decoded and cached, so stepping back after a seek stays a cache hit.
    constexpr int kDecodedBeforeTarget = 8;
    const int64_t skipBeforePts = canSkipNonReference && target - kDecodedBeforeTarget > 0
                                      ? index.pts(target - kDecodedBeforeTarget)
                                      : INT64_MIN;
    watchdog.arm(std::chrono::milliseconds(options.requestTimeoutMs));
    for (;;) {
        int rc = avcodec_receive_frame(codec.get(), frame.get());
        if (rc == 0) {
            ++counters.decodedFrames;
            if ((frame->flags & AV_FRAME_FLAG_CORRUPT) || frame->decode_error_flags)
                ++counters.corruptFrames;
            const int i = indexOf(frame.get());
            if (i < seekFloor || i <= lastOutput - 1) {
                av_frame_unref(frame.get());
                continue;
            }
            lastOutput = i;
            keep(i, frame.get());
            if (i == target) {
                watchdog.disarm();
                av_frame_unref(current.get());
                av_frame_move_ref(current.get(), frame.get());
                return static_cast<const AVFrame*>(current.get());
            }
            av_frame_unref(frame.get());
            if (i > target) {
                watchdog.disarm();
                return fail(VideoErrorKind::DecodeFailed, path,
                            QStringLiteral("frame %1 could not be decoded (damaged data; the decoder went on at frame %2)")
                                .arg(target).arg(i));
            }
            continue;
        }
        if (rc == AVERROR_EOF) {
            watchdog.disarm();
            needSeek = true;
            flushedToEnd = true;
            if (target >= index.frameCount())
                return fail(VideoErrorKind::EndOfStream, path, QStringLiteral("end of stream"));
            return fail(VideoErrorKind::DecodeFailed, path,
                        QStringLiteral("the stream ended before frame %1 (last decoded: %2; truncated or damaged file)")
                            .arg(target).arg(lastOutput));
        }
        if (rc != AVERROR(EAGAIN)) {
            needSeek = true;
            watchdog.disarm();
            return fail(VideoErrorKind::DecodeFailed, path, QStringLiteral("decoding frame %1 failed").arg(target), rc);
        }
        // The decoder wants input.
        if (flushedToEnd) {
            needSeek = true;
            return fail(VideoErrorKind::DecodeFailed, path, QStringLiteral("decoder stalled after the end of stream"));
        }
        if (++packetsRead > packetCap || watchdog.fired) {
            needSeek = true;
            watchdog.disarm();
            return fail(VideoErrorKind::Timeout, path,
                        QStringLiteral("gave up on frame %1 after reading %2 packets (damaged or pathological file)")
                            .arg(target).arg(packetsRead - 1));
        }
        rc = av_read_frame(fmt.get(), packet.get());
        if (rc == AVERROR_EOF || (rc < 0 && fmt->pb && avio_feof(fmt->pb))) {
            // End of file: a null packet drains the frames the decoder still holds; receive_frame
            // then gives them and finally AVERROR_EOF (handled above).
            avcodec_send_packet(codec.get(), nullptr);
            flushedToEnd = true;
            continue;
        }
        if (rc < 0) {
            needSeek = true;
            watchdog.disarm();
            const bool timeout = watchdog.fired || rc == AVERROR_EXIT;
            return fail(timeout ? VideoErrorKind::Timeout : VideoErrorKind::DecodeFailed, path,
                        QStringLiteral("reading packets for frame %1 failed").arg(target), rc);
        }
        if (packet->stream_index == streamIndex && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            if (canSkipNonReference) {
                const bool known = packet->pts != AV_NOPTS_VALUE;
                const bool unwanted = wantedPts.empty()
                                          ? packet->pts < skipBeforePts
                                          : !std::binary_search(wantedPts.begin(), wantedPts.end(), packet->pts);
                codec->skip_frame = known && unwanted ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
            }
            rc = avcodec_send_packet(codec.get(), packet.get());
            if (rc < 0 && rc != AVERROR(EAGAIN))
                ++counters.corruptFrames; // bad packet: skip it, best effort
        }
        av_packet_unref(packet.get());
    }
}

void VideoDecoder::Impl::keep(int i, const AVFrame* picture)
{
    std::lock_guard<std::mutex> store(storeMutex);
    cache.insert(i, picture);
    ahead.insert(i, picture);
}

ff::FramePtr VideoDecoder::Impl::findStored(int target)
{
    std::lock_guard<std::mutex> store(storeMutex);
    const AVFrame* readAhead = ahead.find(target);
    const AVFrame* hit = readAhead ? readAhead : cache.find(target);
    if (!hit)
        return {};
    ++counters.cacheHits;
    if (readAhead)
        ++counters.readAheadHits;
    return ff::newReference(hit);
}

// A reference to exactly picture `target`: from the stores when there, else decoded (the
// conversion then runs outside every lock, alongside the read-ahead).
VideoResult<ff::FramePtr> VideoDecoder::Impl::acquire(int target)
{
    if (ff::FramePtr hit = findStored(target))
        return hit;
    CallerTurn turn(*this);
    if (ff::FramePtr hit = findStored(target)) // the read-ahead may have just decoded it
        return hit;
    auto pic = picture(target);
    if (!pic)
        return pic.videoError();
    ff::FramePtr ref = ff::newReference(pic.value());
    if (!ref)
        return fail(VideoErrorKind::DecodeFailed, path, QStringLiteral("out of memory for frame %1").arg(target));
    return ref;
}

// codecMutex held.
VideoResult<const AVFrame*> VideoDecoder::Impl::picture(int target)
{
    const int keyframe = index.keyframeAtOrBefore(target);
    const bool forward = !needSeek && target > lastOutput && (keyframe <= lastOutput + 1 || !index.seekable());
    if (forward) {
        auto r = decodeUntil(target, 0);
        if (r || r.videoError().kind == VideoErrorKind::Timeout)
            return r;
        // fall through: retry from a keyframe
    }
    // Seek to the keyframe at or before the target; if the decoder cannot produce the target from
    // there (landed after it, open GOP, missing keyframe flag), step back one keyframe and retry.
    int start = keyframe;
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto s = seekToKeyframe(start);
        if (!s)
            return s.videoError();
        auto r = decodeUntil(target, start);
        if (r || r.videoError().kind == VideoErrorKind::Timeout || r.videoError().kind == VideoErrorKind::EndOfStream)
            return r;
        if (start == 0)
            return r;
        start = index.keyframeAtOrBefore(start - 1);
    }
    return fail(VideoErrorKind::DecodeFailed, path, QStringLiteral("frame %1 could not be decoded").arg(target));
}

VideoFrame VideoDecoder::Impl::makeFrame(int i, const AVFrame* pic, QSize size)
{
    VideoFrame out;
    out.index = i;
    out.pts = index.pts(i);
    out.seconds = index.secondsOf(i);
    out.keyframe = index.isKeyframe(i);
    std::lock_guard<std::mutex> convert(convertMutex);
    out.image = converter.convert(pic, options.applyRotation ? rotation : 0, size);
    return out;
}

// --- read-ahead --------------------------------------------------------------------------------

void VideoDecoder::Impl::wakeReadAhead()
{
    {
        std::lock_guard<std::mutex> wake(wakeMutex);
        ++wakeSequence;
    }
    wakeCv.notify_all();
}

// The window follows the playhead: pictures behind it or past the new window are dropped (a seek
// cancels what was read ahead for the old position), and the worker is told to fill the rest.
void VideoDecoder::Impl::moveReadAhead(int playhead)
{
    const int frames = readAheadFrames.load();
    if (frames <= 0)
        return;
    anchor.store(playhead);
    {
        std::lock_guard<std::mutex> store(storeMutex);
        ahead.setWindow(playhead, playhead + frames);
    }
    wakeReadAhead();
}

// Work is left when the decoder stands at the playhead or inside the window after it (the
// read-ahead never seeks: that is the request's job) and the window is not yet full.
bool VideoDecoder::Impl::readAheadWanted() const
{
    const int frames = readAheadFrames.load();
    const int playhead = anchor.load();
    if (frames <= 0 || playhead < 0 || playhead == failedAnchor || needSeek || flushedToEnd)
        return false;
    const int next = lastOutput + 1;
    return next >= playhead && next <= playhead + frames && next < index.frameCount();
}

constexpr std::chrono::milliseconds kReadAheadGrace{4};

void VideoDecoder::Impl::readAheadLoop()
{
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> wake(wakeMutex);
            wakeCv.wait(wake, [&] { return stopping || (callersWaiting == 0 && wakeSequence != seen); });
            if (stopping)
                return;
        }
        {
            // Woken from idle by a request that is about to return: let it return (and its picture
            // be shown) first. Starting at once, the decode competed with the caller on 2 cores
            // (30 Hz steps: p50 up to 2.8 ms instead of 0.8 ms, the same as with no read-ahead).
            std::unique_lock<std::mutex> wake(wakeMutex);
            wakeCv.wait_for(wake, kReadAheadGrace, [&] { return stopping; });
            if (stopping)
                return;
        }
        for (;;) {
            {
                std::unique_lock<std::mutex> wake(wakeMutex);
                wakeCv.wait(wake, [&] { return stopping || callersWaiting == 0; });
                if (stopping)
                    return;
                seen = wakeSequence; // a later move of the playhead wakes the outer wait again
            }
            std::unique_lock<std::mutex> codecLock(codecMutex);
            if (!readAheadWanted()) {
                codecLock.unlock();
                idleCv.notify_all();
                break;
            }
            const int playhead = anchor.load();
            auto decoded = decodeUntil(lastOutput + 1, 0);
            if (decoded)
                ++counters.readAheadDecoded;
            else
                failedAnchor = playhead; // damaged data: the request for that frame reports it
            codecLock.unlock();
            idleCv.notify_all();
        }
    }
}

void VideoDecoder::Impl::startReadAhead()
{
    if (!worker.joinable())
        worker = std::thread([this] { readAheadLoop(); });
}

void VideoDecoder::Impl::stopReadAhead()
{
    {
        std::lock_guard<std::mutex> wake(wakeMutex);
        stopping = true;
    }
    wakeCv.notify_all();
    if (worker.joinable())
        worker.join();
}

VideoDecoder::VideoDecoder() : d(std::make_unique<Impl>()) {}
VideoDecoder::~VideoDecoder()
{
    d->stopReadAhead(); // before the codec and the stores go
}

VideoResult<std::unique_ptr<VideoDecoder>> VideoDecoder::open(const QString& path, const DecoderOptions& options,
                                                             std::optional<FrameIndex> index)
{
    quietFfmpegLogs();
    std::unique_ptr<VideoDecoder> decoder(new VideoDecoder());
    Impl& d = *decoder->d;
    d.path = path;
    d.options = options;
    d.cache.setLimit(size_t(std::max(0, options.cacheMegabytes)) << 20);
    d.readAheadFrames.store(std::max(0, options.readAheadFrames));

    if (index && !index->isEmpty()) {
        d.index = std::move(*index);
    } else {
        auto built = FrameIndex::loadOrBuild(path, options.indexCacheDir);
        if (!built)
            return built.videoError();
        d.index = std::move(built).value();
    }

    ProbeOptions probeOptions;
    probeOptions.countFramesWhenUnknown = false;
    probeOptions.headersOnly = true; // the frame index counts the frames; decoding tells the pixel format
    auto probe = probeVideo(path, probeOptions);
    if (!probe)
        return VideoError{VideoErrorKind::OpenFailed, probe.error()};
    d.info = probe.value();
    d.info.frameCount = d.index.frameCount();
    d.info.frameCountExact = true;
    d.info.keyframeCount = d.index.keyframeCount();

    QString error;
    d.fmt = ff::openInput(path, &d.watchdog, &error, ff::StreamInfo::WhenHeaderLacksIt);
    if (!d.fmt)
        return VideoError{VideoErrorKind::OpenFailed, error};
    d.streamIndex = d.index.streamIndex();
    if (d.streamIndex < 0 || d.streamIndex >= int(d.fmt->nb_streams)
        || d.fmt->streams[d.streamIndex]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO)
        return fail(VideoErrorKind::OpenFailed, path, QStringLiteral("the frame index does not match the file's video stream"));
    for (unsigned i = 0; i < d.fmt->nb_streams; ++i)
        d.fmt->streams[i]->discard = (int(i) == d.streamIndex) ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    AVStream* st = d.fmt->streams[d.streamIndex];
    d.rotation = ff::displayRotation(st);

    const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return fail(VideoErrorKind::OpenFailed, path,
                    QStringLiteral("no decoder for the video codec %1").arg(QString::fromUtf8(avcodec_get_name(st->codecpar->codec_id))));
    d.codec.reset(avcodec_alloc_context3(codec));
    int rc = avcodec_parameters_to_context(d.codec.get(), st->codecpar);
    if (rc < 0)
        return fail(VideoErrorKind::OpenFailed, path, QStringLiteral("bad codec parameters"), rc);
    d.codec->pkt_timebase = st->time_base;
    d.codec->thread_count = options.threads > 0 ? options.threads : std::min(16, QThread::idealThreadCount());
    d.codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    const AVCodecID id = st->codecpar->codec_id;
    d.canSkipNonReference = d.index.hasTimestamps() && d.index.seekable()
                            && (id == AV_CODEC_ID_H264 || id == AV_CODEC_ID_HEVC || id == AV_CODEC_ID_MPEG2VIDEO);
    rc = avcodec_open2(d.codec.get(), codec, nullptr);
    if (rc < 0)
        return fail(VideoErrorKind::OpenFailed, path, QStringLiteral("cannot open the %1 decoder").arg(QString::fromUtf8(codec->name)), rc);
    if (d.readAheadFrames.load() > 0)
        d.startReadAhead();
    return decoder;
}

QString VideoDecoder::path() const { return d->path; }
const VideoProbeInfo& VideoDecoder::info() const { return d->info; }
const FrameIndex& VideoDecoder::frameIndex() const { return d->index; }
int VideoDecoder::frameCount() const { return d->index.frameCount(); }
QSize VideoDecoder::frameSize() const
{
    const bool quarter = d->options.applyRotation && (d->rotation == 90 || d->rotation == 270);
    return quarter ? QSize(d->info.codedHeight, d->info.codedWidth) : QSize(d->info.codedWidth, d->info.codedHeight);
}

std::optional<VideoError> VideoDecoder::indexError(int index) const
{
    if (index >= frameCount())
        return fail(VideoErrorKind::EndOfStream, d->path,
                    QStringLiteral("frame %1 is past the end (%2 frames)").arg(index).arg(frameCount()));
    if (index < 0)
        return fail(VideoErrorKind::OutOfRange, d->path, QStringLiteral("frame %1 does not exist").arg(index));
    return std::nullopt;
}

VideoResult<VideoFrame> VideoDecoder::frameAt(int index, QSize size)
{
    if (const auto error = indexError(index))
        return *error;
    auto pic = d->acquire(index);
    if (!pic)
        return pic.videoError();
    VideoFrame out = d->makeFrame(index, pic.value().get(), size);
    // Read ahead only after the conversion: decoding the next frames meanwhile would take CPU from
    // this request (2 cores) for frames nobody waits for yet.
    d->moveReadAhead(index);
    if (out.image.isNull())
        return fail(VideoErrorKind::DecodeFailed, d->path, QStringLiteral("cannot convert frame %1 to RGB").arg(index));
    d->lastReturned = index;
    return out;
}

VideoResult<std::vector<QImage>> VideoDecoder::sampledFrames(const std::vector<int>& indices)
{
    std::vector<QImage> images;
    images.reserve(indices.size());
    const VideoStatus done = sampledFrames(indices, [&](int, const QImage& rgb) -> VideoStatus {
        images.push_back(rgb);
        return VideoOk{};
    });
    if (!done)
        return done.videoError();
    return images;
}

VideoStatus VideoDecoder::sampledFrames(const std::vector<int>& indices,
                                        const std::function<VideoStatus(int index, const QImage& rgb)>& onFrame)
{
    for (int i : indices)
        if (const auto error = indexError(i))
            return *error;
    Impl::CallerTurn turn(*d);
    if (d->canSkipNonReference) {
        for (int i : indices)
            d->wantedPts.push_back(d->index.pts(i));
        std::sort(d->wantedPts.begin(), d->wantedPts.end());
    }
    const auto forgetWanted = qScopeGuard([this] { d->wantedPts.clear(); });
    for (int i : indices) {
        ff::FramePtr pic = d->findStored(i);
        if (!pic) {
            auto decoded = d->picture(i);
            if (!decoded)
                return decoded.videoError();
            pic = ff::newReference(decoded.value());
            if (!pic)
                return fail(VideoErrorKind::DecodeFailed, d->path, QStringLiteral("out of memory for frame %1").arg(i));
        }
        VideoFrame frame = d->makeFrame(i, pic.get(), {});
        pic.reset();
        if (frame.image.isNull())
            return fail(VideoErrorKind::DecodeFailed, d->path, QStringLiteral("cannot convert frame %1 to RGB").arg(i));
        d->lastReturned = i;
        const VideoStatus taken = onFrame(i, frame.image);
        if (!taken)
            return taken;
    }
    return VideoOk{};
}

VideoResult<VideoFrame> VideoDecoder::frameAtTime(double seconds, QSize size)
{
    if (seconds < 0)
        return fail(VideoErrorKind::OutOfRange, d->path, QStringLiteral("time %1 s is before the start").arg(seconds));
    if (seconds >= d->index.durationSeconds())
        return fail(VideoErrorKind::EndOfStream, d->path, QStringLiteral("time %1 s is past the end").arg(seconds));
    return frameAt(d->index.frameAtSeconds(seconds), size);
}

VideoResult<VideoFrame> VideoDecoder::nextFrame(QSize size) { return frameAt(d->lastReturned + 1, size); }

VideoStatus VideoDecoder::preload(int index)
{
    if (const auto error = indexError(index))
        return *error;
    auto pic = d->acquire(index);
    if (!pic)
        return pic.videoError();
    d->moveReadAhead(index);
    d->lastReturned = index;
    return VideoOk{};
}

void VideoDecoder::setCacheLimitMegabytes(int megabytes)
{
    std::lock_guard<std::mutex> store(d->storeMutex);
    d->cache.setLimit(size_t(std::max(0, megabytes)) << 20);
}

void VideoDecoder::setReadAheadFrames(int frames)
{
    frames = std::max(0, frames);
    d->readAheadFrames.store(frames);
    if (frames == 0) {
        Impl::CallerTurn turn(*d); // the frame being read ahead finishes first; nothing after it
        std::lock_guard<std::mutex> store(d->storeMutex);
        d->ahead.setWindow(0, -1);
        return;
    }
    d->startReadAhead();
    if (d->lastReturned >= 0)
        d->moveReadAhead(d->lastReturned);
}

int VideoDecoder::readAheadFrames() const { return d->readAheadFrames.load(); }

bool VideoDecoder::waitForReadAhead(int timeoutMs)
{
    std::unique_lock<std::mutex> codecLock(d->codecMutex);
    return d->idleCv.wait_for(codecLock, std::chrono::milliseconds(timeoutMs), [this] { return !d->readAheadWanted(); });
}

DecoderStats VideoDecoder::stats() const
{
    DecoderStats s;
    s.seeks = d->counters.seeks.load();
    s.decodedFrames = d->counters.decodedFrames.load();
    s.cacheHits = d->counters.cacheHits.load();
    s.corruptFrames = d->counters.corruptFrames.load();
    s.readAheadDecoded = d->counters.readAheadDecoded.load();
    s.readAheadHits = d->counters.readAheadHits.load();
    std::lock_guard<std::mutex> store(d->storeMutex);
    s.readAheadHeld = d->ahead.size();
    return s;
}

} // namespace mas
