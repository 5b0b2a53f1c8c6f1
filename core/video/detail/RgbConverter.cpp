#include "video/detail/RgbConverter.h"

#include <QTransform>

#include <cmath>

namespace mas::ff {
namespace {

// swscale warns about the deprecated full-range "J" formats: use the plain format plus full range.
AVPixelFormat unJ(AVPixelFormat f, bool* fullRange)
{
    switch (f) {
    case AV_PIX_FMT_YUVJ420P: *fullRange = true; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: *fullRange = true; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: *fullRange = true; return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: *fullRange = true; return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: *fullRange = true; return AV_PIX_FMT_YUV411P;
    default: return f;
    }
}

int frameColorspace(const AVFrame* frame)
{
    switch (frame->colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    default: return SWS_CS_DEFAULT; // unspecified: BT.601, the ffmpeg program's choice
    }
}

// Full size (what the clip pipeline and the model see) keeps the documented bicubic setting, which
// swscale serves with its fast unscaled converter. Pictures for display and thumbnails are scaled
// with the area filter when shrinking (anti-aliased, and 2x faster than bicubic at 1080p -> 960:
// stepping back through cached frames stays under a frame interval; planar YUV is shrunk in YUV
// first, see shrinkInYuv) and bilinear when growing.
int scaleFlags(int srcW, int srcH, int dstW, int dstH)
{
    if (srcW == dstW && srcH == dstH)
        return SWS_BICUBIC;
    if (dstW <= srcW && dstH <= srcH)
        return SWS_AREA;
    return SWS_BILINEAR;
}

bool isPlanarYuv(AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUV420P || f == AV_PIX_FMT_YUV422P || f == AV_PIX_FMT_YUV444P;
}

} // namespace

const AVFrame* RgbConverter::shrinkInYuv(const AVFrame* frame, AVPixelFormat format, int dstW, int dstH)
{
    if (!m_shrink || m_shrinkSrcW != frame->width || m_shrinkSrcH != frame->height || m_shrinkFormat != format
        || m_shrunk->width != dstW || m_shrunk->height != dstH) {
        // Same format in and out: no range or matrix conversion in this stage.
        m_shrink.reset(sws_getContext(frame->width, frame->height, format, dstW, dstH, format, SWS_AREA, nullptr, nullptr,
                                      nullptr));
        av_frame_unref(m_shrunk.get());
        if (!m_shrink)
            return nullptr;
        m_shrunk->format = format;
        m_shrunk->width = dstW;
        m_shrunk->height = dstH;
        if (av_frame_get_buffer(m_shrunk.get(), 64) < 0) {
            m_shrink.reset();
            return nullptr;
        }
        m_shrinkSrcW = frame->width;
        m_shrinkSrcH = frame->height;
        m_shrinkFormat = format;
    }
    sws_scale(m_shrink.get(), frame->data, frame->linesize, 0, frame->height, m_shrunk->data, m_shrunk->linesize);
    return m_shrunk.get();
}

QSize RgbConverter::outputSize(int displayWidth, int displayHeight, QSize requested)
{
    int w = requested.width() > 0 ? requested.width() : 0;
    int h = requested.height() > 0 ? requested.height() : 0;
    if (w == 0 && h == 0)
        return {displayWidth, displayHeight};
    if (w == 0)
        w = std::max(1, int(std::lround(double(displayWidth) * h / displayHeight)));
    if (h == 0)
        h = std::max(1, int(std::lround(double(displayHeight) * w / displayWidth)));
    return {w, h};
}

QImage RgbConverter::convert(const AVFrame* frame, int rotation, QSize requested)
{
    const bool quarter = rotation == 90 || rotation == 270;
    const int displayW = quarter ? frame->height : frame->width;
    const int displayH = quarter ? frame->width : frame->height;
    const QSize out = outputSize(displayW, displayH, requested);
    // Scale in coded orientation, then turn: exact for multiples of 90 degrees.
    const int dstW = quarter ? out.height() : out.width();
    const int dstH = quarter ? out.width() : out.height();

    bool fullRange = frame->color_range == AVCOL_RANGE_JPEG;
    const AVPixelFormat srcFormat = unJ(static_cast<AVPixelFormat>(frame->format), &fullRange);
    const int space = frameColorspace(frame);
    // Shrinking planar YUV: first in YUV, then the fast same-size conversion below.
    const AVFrame* source = frame;
    if (isPlanarYuv(srcFormat) && dstW <= frame->width && dstH <= frame->height
        && (dstW < frame->width || dstH < frame->height)) {
        if (const AVFrame* shrunk = shrinkInYuv(frame, srcFormat, dstW, dstH))
            source = shrunk;
    }
    if (!m_sws || m_srcW != source->width || m_srcH != source->height || m_srcFormat != srcFormat || m_dstW != dstW
        || m_dstH != dstH || m_space != space || m_range != int(fullRange)) {
        m_sws.reset(sws_getContext(source->width, source->height, srcFormat, dstW, dstH, AV_PIX_FMT_RGB24,
                                   scaleFlags(source->width, source->height, dstW, dstH), nullptr, nullptr, nullptr));
        if (!m_sws)
            return {};
        sws_setColorspaceDetails(m_sws.get(), sws_getCoefficients(space), fullRange ? 1 : 0,
                                 sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
        m_srcW = source->width;
        m_srcH = source->height;
        m_srcFormat = srcFormat;
        m_dstW = dstW;
        m_dstH = dstH;
        m_space = space;
        m_range = int(fullRange);
    }
    // swscale's SIMD writers may store a few bytes past a row's end: own the buffer, aligned rows
    // and padding after the last one, and hand it to QImage with a deleter.
    const int stride = FFALIGN(dstW * 3, 64);
    auto* buffer = static_cast<uint8_t*>(av_malloc(size_t(stride) * dstH + 256));
    if (!buffer)
        return {};
    QImage image(buffer, dstW, dstH, stride, QImage::Format_RGB888, [](void* p) { av_free(p); }, buffer);
    uint8_t* dst[4] = {buffer, nullptr, nullptr, nullptr};
    int dstStride[4] = {stride, 0, 0, 0};
    sws_scale(m_sws.get(), source->data, source->linesize, 0, source->height, dst, dstStride);
    if (rotation != 0)
        image = image.transformed(QTransform().rotate(rotation));
    return image;
}

} // namespace mas::ff
