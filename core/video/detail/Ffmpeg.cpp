#include "video/detail/Ffmpeg.h"

#include <QFile>
#include <QFileInfo>

#include <cmath>
#include <cstring>

namespace mas::ff {

namespace {

// Demuxers that read other files or URLs named inside the file (playlists, manifests, session
// descriptions, concat scripts): a local "video" must never make FFmpeg fetch or open anything else.
struct RefusedDemuxer {
    const char* name;
    const char* what;
};
constexpr RefusedDemuxer kRefusedDemuxers[] = {
    {"hls", "an HLS playlist"},          {"applehttp", "an HLS playlist"},
    {"dash", "a DASH manifest"},         {"webm_dash_manifest", "a DASH manifest"},
    {"concat", "an FFmpeg concat list"}, {"sdp", "an SDP session description"},
    {"rtsp", "an RTSP stream"},          {"rtp", "an RTP stream"},
    {"imf", "an IMF composition"},       {"tee", "a tee list"},
    {"lavfi", "a filter graph"},
};

const RefusedDemuxer* refusedDemuxer(const char* name)
{
    if (!name)
        return nullptr;
    // A demuxer may have several comma-separated names ("mov,mp4,m4a,3gp,3g2,mj2").
    const QList<QByteArray> names = QByteArray(name).split(',');
    for (const RefusedDemuxer& d : kRefusedDemuxers)
        if (names.contains(QByteArray(d.name)))
            return &d;
    return nullptr;
}

// Local files only: the file protocol (no pipe is needed by any input the app opens), for the file
// itself and for anything a demuxer might open on its behalf.
constexpr char kProtocolWhitelist[] = "file";

// MP4/MOV sample descriptions carry each track's codec, its configuration record and picture size;
// other containers (MPEG-TS, AVI, raw streams) may only reveal them to avformat_find_stream_info.
bool headerDescribesStreams(const AVFormatContext* ctx)
{
    if (!ctx->iformat || std::strncmp(ctx->iformat->name, "mov,", 4) != 0 || ctx->nb_streams == 0)
        return false;
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVCodecParameters* par = ctx->streams[i]->codecpar;
        if (par->codec_id == AV_CODEC_ID_NONE)
            return false;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO && (par->width <= 0 || par->height <= 0))
            return false;
    }
    return true;
}

} // namespace

FormatContextPtr openInput(const QString& path, InterruptDeadline* watchdog, QString* error, StreamInfo streamInfo)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return {};
    }
    if (!info.isFile()) {
        *error = QStringLiteral("%1: not a regular file").arg(path);
        return {};
    }
    if (info.size() == 0) {
        *error = QStringLiteral("%1: the file is empty (0 bytes)").arg(path);
        return {};
    }
    // "file:" + the absolute path: a name such as "concat:a|b" or "http://x" is a file name here,
    // never a protocol.
    const QByteArray url = "file:" + QFile::encodeName(info.absoluteFilePath());
    AVIOInterruptCB interrupt{nullptr, nullptr};
    if (watchdog) {
        interrupt = {&InterruptDeadline::callback, watchdog};
        watchdog->arm(std::chrono::seconds(20));
    }
    auto disarm = [watchdog] {
        if (watchdog)
            watchdog->disarm();
    };
    // Which demuxer the content asks for, before any demuxer runs: playlists and stream descriptions
    // are refused here, so their URLs are never even parsed.
    const AVInputFormat* format = nullptr;
    {
        AVDictionary* ioOptions = nullptr;
        av_dict_set(&ioOptions, "protocol_whitelist", kProtocolWhitelist, 0);
        AVIOContext* probe = nullptr;
        int rc = avio_open2(&probe, url.constData(), AVIO_FLAG_READ, watchdog ? &interrupt : nullptr, &ioOptions);
        av_dict_free(&ioOptions);
        if (rc < 0) {
            *error = QStringLiteral("%1: cannot read the file (%2)").arg(path, errorText(rc));
            disarm();
            return {};
        }
        rc = av_probe_input_buffer2(probe, &format, url.constData(), nullptr, 0, 0);
        avio_closep(&probe);
        if (rc < 0 || !format) {
            *error = QStringLiteral("%1: not a readable media file (%2)").arg(path, errorText(rc < 0 ? rc : AVERROR_INVALIDDATA));
            disarm();
            return {};
        }
    }
    if (const RefusedDemuxer* refused = refusedDemuxer(format->name)) {
        *error = QStringLiteral("%1: %2 (FFmpeg format '%3'), not a video file; MicroAction Studio opens no playlists, "
                                "manifests or network streams")
                     .arg(path, QLatin1String(refused->what), QLatin1String(format->name));
        disarm();
        return {};
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) {
        *error = QStringLiteral("%1: out of memory").arg(path);
        disarm();
        return {};
    }
    if (watchdog)
        raw->interrupt_callback = interrupt;
    AVDictionary* options = nullptr;
    av_dict_set(&options, "protocol_whitelist", kProtocolWhitelist, 0);
    // avformat_open_input frees the context on failure.
    int rc = avformat_open_input(&raw, url.constData(), format, &options);
    av_dict_free(&options);
    if (rc < 0) {
        *error = QStringLiteral("%1: not a readable media file (%2)").arg(path, errorText(rc));
        disarm();
        return {};
    }
    FormatContextPtr ctx(raw);
    if (streamInfo == StreamInfo::WhenHeaderLacksIt && headerDescribesStreams(ctx.get())) {
        disarm();
        return ctx;
    }
    rc = avformat_find_stream_info(ctx.get(), nullptr);
    disarm();
    if (rc < 0) {
        *error = QStringLiteral("%1: cannot read stream information (%2)").arg(path, errorText(rc));
        return {};
    }
    return ctx;
}

int displayRotation(const AVStream* stream)
{
    double theta = 0;
    bool found = false;
    if (const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr)) {
        // av_display_rotation_get gives the counter-clockwise angle applied by the matrix;
        // the picture is shown turned clockwise by its negation.
        const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
        if (!std::isnan(ccw)) {
            theta = -ccw;
            found = true;
        }
    }
    if (!found) {
        if (const AVDictionaryEntry* tag = av_dict_get(stream->metadata, "rotate", nullptr, 0))
            theta = QString::fromUtf8(tag->value).toDouble();
    }
    int degrees = static_cast<int>(std::lround(theta / 90.0)) * 90;
    degrees %= 360;
    if (degrees < 0)
        degrees += 360;
    return degrees;
}

int swsColorspace(const AVCodecParameters* par)
{
    switch (par->color_space) {
    case AVCOL_SPC_BT709:
        return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
        return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
        return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        return SWS_CS_BT2020;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        return SWS_CS_ITU601;
    default:
        // Unspecified: the ffmpeg program's own choice (BT.601), so our pixels match `-pix_fmt rgb24`.
        return SWS_CS_DEFAULT;
    }
}

bool isFullRange(const AVCodecParameters* par, AVPixelFormat format)
{
    if (par->color_range == AVCOL_RANGE_JPEG)
        return true;
    switch (format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P:
        return true;
    default:
        return false;
    }
}

} // namespace mas::ff
