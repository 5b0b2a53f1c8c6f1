#include "video/VideoProbe.h"

#include "video/detail/Ffmpeg.h"

#include <QCryptographicHash>
#include <QFile>

namespace mas {
namespace {

QString colorSpaceName(AVColorSpace space)
{
    const char* name = av_color_space_name(space);
    return name ? QString::fromUtf8(name) : QStringLiteral("unknown");
}

QString colorRangeName(AVColorRange range)
{
    switch (range) {
    case AVCOL_RANGE_MPEG:
        return QStringLiteral("tv");
    case AVCOL_RANGE_JPEG:
        return QStringLiteral("pc");
    default:
        return QStringLiteral("unknown");
    }
}

// Counts the video stream's packets (and keyframes) without decoding.
bool scanPackets(AVFormatContext* fmt, int videoStream, int64_t* frames, int64_t* keyframes)
{
    for (unsigned i = 0; i < fmt->nb_streams; ++i)
        fmt->streams[i]->discard = (static_cast<int>(i) == videoStream) ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    ff::PacketPtr packet = ff::makePacket();
    int64_t n = 0, k = 0;
    int rc = 0;
    while ((rc = av_read_frame(fmt, packet.get())) >= 0) {
        if (packet->stream_index == videoStream && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            ++n;
            if (packet->flags & AV_PKT_FLAG_KEY)
                ++k;
        }
        av_packet_unref(packet.get());
    }
    *frames = n;
    *keyframes = k;
    return rc == AVERROR_EOF;
}

} // namespace

Result<VideoProbeInfo> probeVideo(const QString& path, const ProbeOptions& options)
{
    QString error;
    ff::InterruptDeadline watchdog;
    ff::FormatContextPtr fmt = ff::openInput(path, &watchdog, &error,
                                             options.headersOnly ? ff::StreamInfo::WhenHeaderLacksIt : ff::StreamInfo::Always);
    if (!fmt)
        return Error{error};

    VideoProbeInfo info;
    info.path = path;
    info.fileSize = QFile(path).size();
    info.container = QString::fromUtf8(fmt->iformat->name);
    info.bitRate = fmt->bit_rate;

    const int videoStream = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (videoStream < 0)
        return Error{QStringLiteral("%1: no video stream in the file").arg(path)};
    AVStream* st = fmt->streams[videoStream];
    const AVCodecParameters* par = st->codecpar;
    info.videoStreamIndex = videoStream;
    info.videoCodec = QString::fromUtf8(avcodec_get_name(par->codec_id));
    const char* pixName = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
    info.pixelFormat = pixName ? QString::fromUtf8(pixName) : QStringLiteral("unknown");
    info.codedWidth = par->width;
    info.codedHeight = par->height;
    info.rotationDegrees = ff::displayRotation(st);
    const bool quarterTurn = info.rotationDegrees == 90 || info.rotationDegrees == 270;
    info.width = quarterTurn ? par->height : par->width;
    info.height = quarterTurn ? par->width : par->height;
    info.colorSpace = colorSpaceName(par->color_space);
    info.colorRange = colorRangeName(par->color_range);
    if (info.codedWidth <= 0 || info.codedHeight <= 0)
        return Error{QStringLiteral("%1: the video stream has no picture size (damaged or unsupported)").arg(path)};

    AVRational rate = st->avg_frame_rate;
    if (rate.num <= 0 || rate.den <= 0)
        rate = st->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) {
        av_reduce(&rate.num, &rate.den, rate.num, rate.den, INT_MAX);
        info.fpsNum = rate.num;
        info.fpsDen = rate.den;
        info.fps = av_q2d(rate);
    } else {
        info.fpsNum = 0;
        info.fpsDen = 1;
    }

    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        info.durationSeconds = st->duration * av_q2d(st->time_base);
    else if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
        info.durationSeconds = fmt->duration / double(AV_TIME_BASE);

    // The container's sample table (MP4/MOV) states the count exactly; MKV and AVI streams may not.
    const bool tableBased = info.container.contains(QLatin1String("mp4")) || info.container.contains(QLatin1String("mov"));
    if (st->nb_frames > 0) {
        info.frameCount = st->nb_frames;
        info.frameCountExact = tableBased;
    }
    // The demuxer's own index (MP4/MOV) flags keyframes: count them without reading packets.
    const int entries = avformat_index_get_entries_count(st);
    if (tableBased && entries > 0 && entries == st->nb_frames) {
        int64_t keys = 0;
        for (int i = 0; i < entries; ++i) {
            const AVIndexEntry* e = avformat_index_get_entry(st, i);
            if (e && (e->flags & AVINDEX_KEYFRAME) && !(e->flags & AVINDEX_DISCARD_FRAME))
                ++keys;
        }
        info.keyframeCount = keys;
    }

    const bool needScan = options.alwaysScan || (options.countFramesWhenUnknown && !info.frameCountExact);
    if (needScan) {
        int64_t frames = 0, keys = 0;
        watchdog.arm(std::chrono::minutes(5));
        const bool complete = scanPackets(fmt.get(), videoStream, &frames, &keys);
        watchdog.disarm();
        if (frames > 0) {
            info.frameCount = frames;
            info.keyframeCount = keys;
            info.frameCountExact = complete;
        }
    }
    if (info.frameCount <= 0 && info.fps > 0 && info.durationSeconds > 0)
        info.frameCount = static_cast<int64_t>(info.durationSeconds * info.fps + 0.5); // estimate only
    if (info.frameCount <= 0)
        return Error{QStringLiteral("%1: the video stream holds no frames (truncated or damaged file)").arg(path)};

    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        const AVStream* s = fmt->streams[i];
        if (s->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
            continue;
        AudioStreamInfo audio;
        audio.streamIndex = static_cast<int>(i);
        audio.codec = QString::fromUtf8(avcodec_get_name(s->codecpar->codec_id));
        audio.sampleRate = s->codecpar->sample_rate;
        audio.channels = s->codecpar->ch_layout.nb_channels;
        if (s->duration != AV_NOPTS_VALUE && s->duration > 0)
            audio.durationSeconds = s->duration * av_q2d(s->time_base);
        info.audioStreams.push_back(audio);
    }
    return info;
}

Result<QString> contentHash(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read the file (%2)").arg(path, file.errorString())};
    constexpr qint64 chunk = 1 << 20;
    const qint64 size = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QByteArray::number(size));
    hash.addData(file.read(chunk));
    if (size > chunk) {
        if (!file.seek(std::max(chunk, size - chunk)))
            return Error{QStringLiteral("%1: cannot seek in the file (%2)").arg(path, file.errorString())};
        hash.addData(file.read(chunk));
    }
    if (file.error() != QFileDevice::NoError)
        return Error{QStringLiteral("%1: read error (%2)").arg(path, file.errorString())};
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace mas
