#pragma once
// FFmpeg objects only through these RAII aliases, plus the few helpers every video file needs.
// Private to core/video: public headers never include FFmpeg.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "video/VideoError.h"

#include <QString>

#include <chrono>
#include <cstdint>
#include <memory>

namespace mas::ff {

struct FormatContextCloser {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct OutputFormatContextFreer {
    void operator()(AVFormatContext* c) const
    {
        if (c && c->pb && !(c->oformat->flags & AVFMT_NOFILE))
            avio_closep(&c->pb);
        avformat_free_context(c);
    }
};
struct CodecContextFreer {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwsFreer {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextCloser>;
using OutputFormatContextPtr = std::unique_ptr<AVFormatContext, OutputFormatContextFreer>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsFreer>;

inline PacketPtr makePacket() { return PacketPtr(av_packet_alloc()); }
inline FramePtr makeFrame() { return FramePtr(av_frame_alloc()); }

// FFmpeg's own words for an error code.
inline QString errorText(int errnum)
{
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(errnum, buf, sizeof buf);
    return QString::fromUtf8(buf);
}

// An error that names the file, the problem and, for a negative FFmpeg code, FFmpeg's own words.
inline VideoError fileFailure(VideoErrorKind kind, const QString& path, const QString& what, int code = 0)
{
    QString message = QStringLiteral("%1: %2").arg(path, what);
    if (code < 0)
        message += QStringLiteral(" (%1)").arg(errorText(code));
    return {kind, message, code};
}

// Watchdog for blocking I/O: FFmpeg polls the callback; a passed deadline aborts the read
// (AVERROR_EXIT) instead of hanging on a stalled or pathological file.
struct InterruptDeadline {
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    bool fired = false;

    void arm(std::chrono::milliseconds budget)
    {
        deadline = std::chrono::steady_clock::now() + budget;
        fired = false;
    }
    void disarm() { deadline = std::chrono::steady_clock::time_point::max(); }
    static int callback(void* opaque)
    {
        auto* self = static_cast<InterruptDeadline*>(opaque);
        if (std::chrono::steady_clock::now() > self->deadline) {
            self->fired = true;
            return 1;
        }
        return 0;
    }
};

// Opens `path` for reading with `watchdog` installed (may be null): local files only (the file
// protocol, for the file and anything its demuxer would open), and never a playlist, manifest or
// stream description (HLS, DASH, concat, SDP, ...), whatever the file is named. On failure returns null and
// fills *error with a message naming the file.
// StreamInfo::WhenHeaderLacksIt skips avformat_find_stream_info (which decodes the first pictures: about
// 6 ms for a 1080p H.264 clip) when the header already gives every stream's codec and every video
// stream's picture size, as MP4/MOV headers do; pixel format and colour fields may then stay unset
// until the first decoded frame, so a probe that reports them asks for StreamInfo::Always.
enum class StreamInfo { Always, WhenHeaderLacksIt };
FormatContextPtr openInput(const QString& path, InterruptDeadline* watchdog, QString* error,
                           StreamInfo streamInfo = StreamInfo::Always);

// Degrees clockwise the picture must be turned for display (0, 90, 180, 270), from the display
// matrix side data, else the legacy "rotate" tag.
int displayRotation(const AVStream* stream);

// The stream's pixel -> RGB matrix as FFmpeg's swscale understands it (SWS_CS_*), defaulting to
// BT.601 for SD and BT.709 for HD when the stream leaves it unspecified.
int swsColorspace(const AVCodecParameters* par);
bool isFullRange(const AVCodecParameters* par, AVPixelFormat format);

} // namespace mas::ff
