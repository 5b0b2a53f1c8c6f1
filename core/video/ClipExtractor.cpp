#include "video/ClipExtractor.h"

#include "video/FrameIndex.h"
#include "video/VideoDecoder.h"
#include "video/detail/Ffmpeg.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <QDir>
#include <QFileInfo>
#include <QStringList>
#include <QTemporaryFile>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace mas {
namespace {

using ff::fileFailure;

bool cancelled(const std::atomic_bool* cancel) { return cancel && cancel->load(); }

// The output file under construction: a muxer writing to the temporary path.
struct Output {
    ff::OutputFormatContextPtr ctx;
    QString path;  // the temporary file
    QString target;
    int videoOut = -1;
    int audioOut = -1;
};

VideoResult<Output> createOutput(const QString& target, const QString& tempPath)
{
    const QByteArray targetName = target.toUtf8();
    const AVOutputFormat* format = av_guess_format(nullptr, targetName.constData(), nullptr);
    if (!format)
        return fileFailure(VideoErrorKind::WriteFailed, target, QStringLiteral("no container format for this file extension"));
    AVFormatContext* raw = nullptr;
    const QByteArray tempName = tempPath.toUtf8();
    const int rc = avformat_alloc_output_context2(&raw, format, nullptr, tempName.constData());
    if (rc < 0 || !raw)
        return fileFailure(VideoErrorKind::WriteFailed, target, QStringLiteral("cannot create the output"), rc);
    Output out;
    out.ctx.reset(raw);
    out.path = tempPath;
    out.target = target;
    return out;
}

void copyStreamSideData(const AVStream* from, AVStream* to)
{
    for (int i = 0; i < from->nb_side_data; ++i) {
        const AVPacketSideData& sd = from->side_data[i];
        if (uint8_t* dst = av_stream_new_side_data(to, sd.type, sd.size))
            memcpy(dst, sd.data, sd.size);
    }
}

// Adds a stream-copied audio stream to `out` when the container can hold its codec.
void addCopiedAudio(Output& out, const AVStream* audio)
{
    if (avformat_query_codec(out.ctx->oformat, audio->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1)
        return;
    AVStream* st = avformat_new_stream(out.ctx.get(), nullptr);
    if (!st || avcodec_parameters_copy(st->codecpar, audio->codecpar) < 0)
        return;
    st->codecpar->codec_tag = 0;
    st->time_base = audio->time_base;
    out.audioOut = st->index;
}

VideoResult<VideoOk> openForWriting(Output& out)
{
    int rc = 0;
    if (!(out.ctx->oformat->flags & AVFMT_NOFILE)) {
        // A local file only: "file:" + the absolute path, the file protocol alone.
        const QByteArray name = "file:" + QFile::encodeName(QFileInfo(out.path).absoluteFilePath());
        AVDictionary* options = nullptr;
        av_dict_set(&options, "protocol_whitelist", "file", 0);
        rc = avio_open2(&out.ctx->pb, name.constData(), AVIO_FLAG_WRITE, nullptr, &options);
        av_dict_free(&options);
        if (rc < 0)
            return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot open the temporary file"), rc);
    }
    rc = avformat_write_header(out.ctx.get(), nullptr);
    if (rc < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot write the container header"), rc);
    return VideoOk{};
}

VideoResult<VideoOk> finish(Output& out)
{
    const int rc = av_write_trailer(out.ctx.get());
    out.ctx.reset(); // closes the file
    if (rc < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot finish the file"), rc);
    return VideoOk{};
}

// Writes a source packet of stream `inStream` to output stream `outStream`, its timestamps moved
// back by `offset` (in the source stream's time base). Packets that would start before 0 are dropped.
int writeShifted(Output& out, AVPacket* packet, const AVStream* inStream, int outStream, int64_t offset)
{
    if (packet->pts != AV_NOPTS_VALUE)
        packet->pts -= offset;
    if (packet->dts != AV_NOPTS_VALUE)
        packet->dts -= offset;
    if (packet->dts != AV_NOPTS_VALUE && packet->dts < 0 && packet->pts != AV_NOPTS_VALUE && packet->pts < 0)
        return 0;
    av_packet_rescale_ts(packet, inStream->time_base, out.ctx->streams[outStream]->time_base);
    packet->stream_index = outStream;
    packet->pos = -1;
    return av_interleaved_write_frame(out.ctx.get(), packet);
}

struct Range {
    int start = 0;
    int end = 0;
    int64_t startPts = 0;           // video time base
    int64_t endPts = INT64_MAX;     // first pts after the cut
    double startSeconds = 0;        // absolute stream time of the cut
    double endSeconds = 1e300;
};

Range rangeOf(const FrameIndex& index, int start, int end)
{
    Range r;
    r.start = start;
    r.end = end;
    const AVRational tb{index.timeBaseNum(), index.timeBaseDen()};
    r.startPts = index.pts(start);
    r.startSeconds = double(r.startPts) * av_q2d(tb);
    if (end < index.frameCount()) {
        r.endPts = index.pts(end);
        r.endSeconds = double(r.endPts) * av_q2d(tb);
    }
    return r;
}

bool audioInRange(const AVPacket* packet, const AVStream* audio, const Range& range)
{
    if (packet->pts == AV_NOPTS_VALUE)
        return false;
    const double t = double(packet->pts) * av_q2d(audio->time_base);
    return t >= range.startSeconds && t < range.endSeconds;
}

// Stream copy: the packets of frames [start, end) (and the audio of that time) as they are. The
// cut starts on a keyframe and ends before one, so no kept picture references a dropped one.
// Returns the number of video packets written.
VideoResult<int> writeStreamCopy(const QString& source, const FrameIndex& index, const Range& range, Output& out,
                                 bool includeAudio, const std::atomic_bool* cancel)
{
    ff::InterruptDeadline watchdog;
    QString error;
    ff::FormatContextPtr in = ff::openInput(source, &watchdog, &error);
    if (!in)
        return VideoError{VideoErrorKind::OpenFailed, error};
    const int video = index.streamIndex();
    if (video < 0 || video >= int(in->nb_streams))
        return fileFailure(VideoErrorKind::OpenFailed, source, QStringLiteral("the frame index does not match the file"));
    const AVStream* inVideo = in->streams[video];
    const int audio = includeAudio ? av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, video, nullptr, 0) : -1;

    AVStream* st = avformat_new_stream(out.ctx.get(), nullptr);
    if (!st || avcodec_parameters_copy(st->codecpar, inVideo->codecpar) < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot add the video stream"));
    st->codecpar->codec_tag = 0;
    st->time_base = inVideo->time_base;
    st->avg_frame_rate = inVideo->avg_frame_rate;
    copyStreamSideData(inVideo, st);
    out.videoOut = st->index;
    if (audio >= 0)
        addCopiedAudio(out, in->streams[audio]);
    for (unsigned i = 0; i < in->nb_streams; ++i)
        in->streams[i]->discard = (int(i) == video || (int(i) == audio && out.audioOut >= 0)) ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    if (auto opened = openForWriting(out); !opened)
        return opened.videoError();

    if (range.start > 0) {
        const int rc = av_seek_frame(in.get(), video, range.startPts, AVSEEK_FLAG_BACKWARD);
        if (rc < 0)
            return fileFailure(VideoErrorKind::DecodeFailed, source, QStringLiteral("cannot seek to frame %1").arg(range.start), rc);
    }
    const int wanted = range.end - range.start;
    int written = 0;
    bool videoDone = false, audioDone = out.audioOut < 0;
    int64_t offset = AV_NOPTS_VALUE; // source dts of the first kept packet: the output starts at 0
    ff::PacketPtr packet = ff::makePacket();
    watchdog.arm(std::chrono::seconds(30));
    while (!(videoDone && audioDone)) {
        if (cancelled(cancel))
            return fileFailure(VideoErrorKind::Cancelled, out.target, QStringLiteral("extraction cancelled"));
        const int rc = av_read_frame(in.get(), packet.get());
        if (rc < 0)
            break; // end of file (or damage): the frame count check below decides
        if ((written & 63) == 0)
            watchdog.arm(std::chrono::seconds(30));
        const int si = packet->stream_index;
        if (si == video && !videoDone && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            const int64_t pts = packet->pts;
            if (pts != AV_NOPTS_VALUE && pts >= range.startPts && pts < range.endPts) {
                if (offset == AV_NOPTS_VALUE)
                    offset = packet->dts != AV_NOPTS_VALUE ? std::min(packet->dts, pts) : pts;
                const int w = writeShifted(out, packet.get(), inVideo, out.videoOut, offset);
                if (w < 0)
                    return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot write a packet"), w);
                videoDone = ++written >= wanted;
            } else if (pts != AV_NOPTS_VALUE && pts >= range.endPts && (packet->flags & AV_PKT_FLAG_KEY)) {
                videoDone = true;
            }
        } else if (si == audio && out.audioOut >= 0 && !audioDone) {
            const AVStream* inAudio = in->streams[audio];
            if (audioInRange(packet.get(), inAudio, range)) {
                const int64_t shift = av_rescale_q(offset == AV_NOPTS_VALUE ? range.startPts : offset, inVideo->time_base,
                                                   inAudio->time_base);
                const int w = writeShifted(out, packet.get(), inAudio, out.audioOut, shift);
                if (w < 0)
                    return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot write a packet"), w);
            } else if (packet->pts != AV_NOPTS_VALUE && double(packet->pts) * av_q2d(inAudio->time_base) >= range.endSeconds) {
                audioDone = true;
            }
        }
        av_packet_unref(packet.get());
    }
    watchdog.disarm();
    if (auto done = finish(out); !done)
        return done.videoError();
    return written;
}

struct EncoderChoice {
    const AVCodec* codec = nullptr;
    AVPixelFormat pixelFormat = AV_PIX_FMT_NONE;
};

EncoderChoice chooseEncoder(const AVOutputFormat* container, const QString& preferred)
{
    QStringList names{"libx264", "mpeg4", "mjpeg"};
    if (!preferred.isEmpty())
        names.prepend(preferred);
    for (const QString& name : names) {
        const AVCodec* codec = avcodec_find_encoder_by_name(name.toUtf8().constData());
        if (!codec || codec->type != AVMEDIA_TYPE_VIDEO)
            continue;
        if (avformat_query_codec(container, codec->id, FF_COMPLIANCE_NORMAL) != 1)
            continue;
        EncoderChoice choice{codec, AV_PIX_FMT_NONE};
        for (const AVPixelFormat* f = codec->pix_fmts; f && *f != AV_PIX_FMT_NONE; ++f) {
            if (*f == AV_PIX_FMT_YUV420P || *f == AV_PIX_FMT_YUVJ420P) {
                choice.pixelFormat = *f;
                break;
            }
        }
        if (choice.pixelFormat == AV_PIX_FMT_NONE && codec->pix_fmts)
            choice.pixelFormat = codec->pix_fmts[0];
        if (choice.pixelFormat != AV_PIX_FMT_NONE)
            return choice;
    }
    return {};
}

// Re-encode: frames [start, end) decoded exactly by VideoDecoder (coded orientation; the display
// matrix is carried over), converted back to YUV with the stream's own matrix and range, encoded;
// audio packets of the same time range copied. Returns the encoder's name.
VideoResult<QString> writeReencoded(const QString& source, const FrameIndex& index, const Range& range, Output& out,
                                    const ClipExtractOptions& options, const std::atomic_bool* cancel)
{
    DecoderOptions decoderOptions;
    decoderOptions.applyRotation = false;
    decoderOptions.cacheMegabytes = 0;
    auto opened = VideoDecoder::open(source, decoderOptions, index);
    if (!opened)
        return opened.videoError();
    VideoDecoder& decoder = *opened.value();

    // A second reader for the audio packets (and the stream parameters).
    ff::InterruptDeadline watchdog;
    QString error;
    ff::FormatContextPtr in = ff::openInput(source, &watchdog, &error);
    if (!in)
        return VideoError{VideoErrorKind::OpenFailed, error};
    const AVStream* inVideo = in->streams[index.streamIndex()];
    const int audio = options.includeAudio ? av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, index.streamIndex(), nullptr, 0) : -1;

    const EncoderChoice choice = chooseEncoder(out.ctx->oformat, options.preferredEncoder);
    if (!choice.codec)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("no video encoder for this container in this FFmpeg build"));
    ff::CodecContextPtr enc(avcodec_alloc_context3(choice.codec));
    const AVCodecParameters* par = inVideo->codecpar;
    const bool isX264 = QByteArray(choice.codec->name) == "libx264";
    const bool yuvj = choice.pixelFormat == AV_PIX_FMT_YUVJ420P;
    enc->width = par->width;
    enc->height = par->height;
    enc->pix_fmt = choice.pixelFormat;
    enc->sample_aspect_ratio = par->sample_aspect_ratio;
    enc->framerate = inVideo->avg_frame_rate;
    enc->time_base = inVideo->time_base;
    // MPEG-4 part 2 and MJPEG allow time base denominators up to 65535 only.
    if (!isX264 && enc->time_base.den > 65535)
        enc->time_base = AVRational{1, 1000};
    enc->color_range = yuvj ? AVCOL_RANGE_JPEG : par->color_range;
    enc->colorspace = par->color_space;
    enc->color_primaries = par->color_primaries;
    enc->color_trc = par->color_trc;
    enc->thread_count = 0;
    if (isX264) {
        av_opt_set(enc->priv_data, "preset", "fast", 0);
        av_opt_set_double(enc->priv_data, "crf", options.crf, 0);
    } else {
        enc->flags |= AV_CODEC_FLAG_QSCALE;
        enc->global_quality = FF_QP2LAMBDA * std::clamp(options.crf / 6, 2, 31);
    }
    if (out.ctx->oformat->flags & AVFMT_GLOBALHEADER)
        enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int rc = avcodec_open2(enc.get(), choice.codec, nullptr);
    if (rc < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target,
                       QStringLiteral("cannot open the %1 encoder").arg(QString::fromUtf8(choice.codec->name)), rc);
    AVStream* st = avformat_new_stream(out.ctx.get(), nullptr);
    if (!st || avcodec_parameters_from_context(st->codecpar, enc.get()) < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot add the video stream"));
    st->time_base = enc->time_base;
    st->avg_frame_rate = inVideo->avg_frame_rate;
    if (const uint8_t* matrix = av_stream_get_side_data(inVideo, AV_PKT_DATA_DISPLAYMATRIX, nullptr)) {
        if (uint8_t* dst = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, sizeof(int32_t) * 9))
            memcpy(dst, matrix, sizeof(int32_t) * 9);
    }
    out.videoOut = st->index;
    if (audio >= 0)
        addCopiedAudio(out, in->streams[audio]);
    if (auto ok = openForWriting(out); !ok)
        return ok.videoError();

    // Audio first: the muxer interleaves by time and holds these few packets until video comes.
    if (out.audioOut >= 0) {
        const AVStream* inAudio = in->streams[audio];
        for (unsigned i = 0; i < in->nb_streams; ++i)
            in->streams[i]->discard = int(i) == audio ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
        if (range.start > 0)
            av_seek_frame(in.get(), index.streamIndex(), range.startPts, AVSEEK_FLAG_BACKWARD);
        const int64_t shift = av_rescale_q(range.startPts, inVideo->time_base, inAudio->time_base);
        ff::PacketPtr packet = ff::makePacket();
        watchdog.arm(std::chrono::seconds(30));
        while (av_read_frame(in.get(), packet.get()) >= 0) {
            if (packet->stream_index == audio) {
                if (audioInRange(packet.get(), inAudio, range))
                    writeShifted(out, packet.get(), inAudio, out.audioOut, shift);
                else if (packet->pts != AV_NOPTS_VALUE && double(packet->pts) * av_q2d(inAudio->time_base) >= range.endSeconds)
                    break;
            }
            av_packet_unref(packet.get());
        }
        av_packet_unref(packet.get());
        watchdog.disarm();
    }

    const AVPixelFormat encFormat = choice.pixelFormat;
    ff::SwsContextPtr sws(sws_getContext(par->width, par->height, AV_PIX_FMT_RGB24, par->width, par->height, encFormat,
                                         SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!sws)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("cannot convert pictures for the encoder"));
    const int space = ff::swsColorspace(par);
    const bool fullRange = yuvj || par->color_range == AVCOL_RANGE_JPEG;
    sws_setColorspaceDetails(sws.get(), sws_getCoefficients(space), 1, sws_getCoefficients(space), fullRange ? 1 : 0, 0,
                             1 << 16, 1 << 16);

    ff::FramePtr yuv = ff::makeFrame();
    ff::PacketPtr packet = ff::makePacket();
    auto drain = [&]() -> int {
        for (;;) {
            int r = avcodec_receive_packet(enc.get(), packet.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
                return 0;
            if (r < 0)
                return r;
            av_packet_rescale_ts(packet.get(), enc->time_base, st->time_base);
            packet->stream_index = out.videoOut;
            r = av_interleaved_write_frame(out.ctx.get(), packet.get());
            if (r < 0)
                return r;
        }
    };
    int64_t lastPts = INT64_MIN;
    for (int i = range.start; i < range.end; ++i) {
        if (cancelled(cancel))
            return fileFailure(VideoErrorKind::Cancelled, out.target, QStringLiteral("extraction cancelled"));
        auto frame = decoder.frameAt(i);
        if (!frame)
            return frame.videoError();
        const QImage& image = frame->image;
        av_frame_unref(yuv.get());
        yuv->format = encFormat;
        yuv->width = par->width;
        yuv->height = par->height;
        if ((rc = av_frame_get_buffer(yuv.get(), 0)) < 0)
            return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("out of memory"), rc);
        const uint8_t* src[4] = {image.constBits(), nullptr, nullptr, nullptr};
        const int srcStride[4] = {int(image.bytesPerLine()), 0, 0, 0};
        sws_scale(sws.get(), src, srcStride, 0, image.height(), yuv->data, yuv->linesize);
        int64_t pts = av_rescale_q(index.pts(i) - range.startPts, inVideo->time_base, enc->time_base);
        pts = std::max(pts, lastPts + 1);
        lastPts = pts;
        yuv->pts = pts;
        if ((rc = avcodec_send_frame(enc.get(), yuv.get())) < 0 || (rc = drain()) < 0)
            return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("encoding frame %1 failed").arg(i), rc);
    }
    if ((rc = avcodec_send_frame(enc.get(), nullptr)) < 0 || (rc = drain()) < 0)
        return fileFailure(VideoErrorKind::WriteFailed, out.target, QStringLiteral("flushing the encoder failed"), rc);
    if (auto done = finish(out); !done)
        return done.videoError();
    return QString::fromUtf8(choice.codec->name);
}

// Commits the temporary file under the target name (rename replaces atomically on one filesystem).
VideoResult<VideoOk> commit(const QString& tempPath, const QString& target)
{
    if (std::rename(QFile::encodeName(tempPath).constData(), QFile::encodeName(target).constData()) != 0)
        return fileFailure(VideoErrorKind::WriteFailed, target, QStringLiteral("cannot rename the finished file into place"));
    return VideoOk{};
}

} // namespace

VideoResult<ClipExtractResult> extractClip(const QString& sourcePath, int startFrame, int endFrame,
                                           const QString& outputPath, const ClipExtractOptions& options,
                                           const std::atomic_bool* cancel)
{
    auto built = FrameIndex::build(sourcePath, cancel);
    if (!built)
        return built.videoError();
    const FrameIndex& index = built.value();
    if (startFrame < 0 || endFrame > index.frameCount() || startFrame >= endFrame)
        return fileFailure(VideoErrorKind::OutOfRange, sourcePath,
                       QStringLiteral("frames [%1, %2) are not a range inside 0..%3").arg(startFrame).arg(endFrame).arg(index.frameCount()));
    const Range range = rangeOf(index, startFrame, endFrame);
    const int wanted = endFrame - startFrame;

    const QFileInfo targetInfo(outputPath);
    if (!QDir().mkpath(targetInfo.absolutePath()))
        return fileFailure(VideoErrorKind::WriteFailed, outputPath, QStringLiteral("cannot create the folder"));
    // The temporary file sits beside the target (same filesystem: the rename is atomic) and is
    // removed by QTemporaryFile whenever the cut fails.
    QTemporaryFile temp(targetInfo.absolutePath() + QStringLiteral("/.%1.XXXXXX.part").arg(targetInfo.fileName()));
    if (!temp.open())
        return fileFailure(VideoErrorKind::WriteFailed, outputPath, QStringLiteral("cannot create a temporary file (%1)").arg(temp.errorString()));
    temp.close();

    auto frameCountOf = [&](const QString& file) -> int {
        auto check = FrameIndex::build(file, cancel);
        return check ? check->frameCount() : -1;
    };

    ClipExtractResult result;
    result.outputPath = outputPath;
    const bool copyExact = index.hasTimestamps() && index.isKeyframe(startFrame)
                           && (endFrame == index.frameCount() || index.isKeyframe(endFrame));
    if (options.allowStreamCopy && copyExact) {
        auto out = createOutput(outputPath, temp.fileName());
        if (!out)
            return out.videoError();
        auto copied = writeStreamCopy(sourcePath, index, range, out.value(), options.includeAudio, cancel);
        if (!copied && copied.videoError().kind == VideoErrorKind::Cancelled)
            return copied.videoError();
        if (copied && copied.value() == wanted && frameCountOf(temp.fileName()) == wanted) {
            if (auto c = commit(temp.fileName(), outputPath); !c)
                return c.videoError();
            result.frameCount = wanted;
            result.streamCopied = true;
            result.videoEncoder = QStringLiteral("copy");
            return result;
        }
        // Not exact after all (damaged source, odd container): re-encode below.
    }

    auto out = createOutput(outputPath, temp.fileName());
    if (!out)
        return out.videoError();
    auto encoded = writeReencoded(sourcePath, index, range, out.value(), options, cancel);
    if (!encoded)
        return encoded.videoError();
    const int written = frameCountOf(temp.fileName());
    if (written != wanted)
        return fileFailure(VideoErrorKind::WriteFailed, outputPath,
                       QStringLiteral("the encoded clip holds %1 frames instead of %2").arg(written).arg(wanted));
    if (auto c = commit(temp.fileName(), outputPath); !c)
        return c.videoError();
    result.frameCount = wanted;
    result.videoEncoder = encoded.value();
    return result;
}

} // namespace mas
