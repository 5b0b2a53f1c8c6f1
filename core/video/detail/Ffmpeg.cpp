#include "video/detail/Ffmpeg.h"

#include <QFileInfo>

#include <cmath>

namespace mas::ff {

FormatContextPtr openInput(const QString& path, InterruptDeadline* watchdog, QString* error)
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
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) {
        *error = QStringLiteral("%1: out of memory").arg(path);
        return {};
    }
    if (watchdog) {
        raw->interrupt_callback.callback = &InterruptDeadline::callback;
        raw->interrupt_callback.opaque = watchdog;
        watchdog->arm(std::chrono::seconds(20));
    }
    const QByteArray utf8 = path.toUtf8();
    // avformat_open_input frees the context on failure.
    int rc = avformat_open_input(&raw, utf8.constData(), nullptr, nullptr);
    if (rc < 0) {
        *error = QStringLiteral("%1: not a readable media file (%2)").arg(path, errorText(rc));
        if (watchdog)
            watchdog->disarm();
        return {};
    }
    FormatContextPtr ctx(raw);
    rc = avformat_find_stream_info(ctx.get(), nullptr);
    if (watchdog)
        watchdog->disarm();
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
