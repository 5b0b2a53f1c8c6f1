// Video verbs: probe a file, write one exact frame as an image, cut a segment to its own file.
#include "CliCommand.h"

#include "video/ClipExtractor.h"
#include "video/VideoDecoder.h"
#include "video/VideoProbe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace mas::cli {
namespace {

QJsonObject probeToJson(const VideoProbeInfo& info)
{
    QJsonObject video{{"index", info.videoStreamIndex},
                      {"codec", info.videoCodec},
                      {"pixel_format", info.pixelFormat},
                      {"width", info.width},
                      {"height", info.height},
                      {"coded_width", info.codedWidth},
                      {"coded_height", info.codedHeight},
                      {"rotation", info.rotationDegrees},
                      {"fps", info.fps},
                      {"fps_rational", QStringLiteral("%1/%2").arg(info.fpsNum).arg(info.fpsDen)},
                      {"frame_count", double(info.frameCount)},
                      {"frame_count_exact", info.frameCountExact},
                      {"keyframe_count", double(info.keyframeCount)},
                      {"color_space", info.colorSpace},
                      {"color_range", info.colorRange}};
    QJsonArray audio;
    for (const AudioStreamInfo& a : info.audioStreams)
        audio.append(QJsonObject{{"index", a.streamIndex},
                                 {"codec", a.codec},
                                 {"sample_rate", a.sampleRate},
                                 {"channels", a.channels},
                                 {"duration", a.durationSeconds}});
    return QJsonObject{{"path", info.path},
                       {"container", info.container},
                       {"duration", info.durationSeconds},
                       {"size_bytes", double(info.fileSize)},
                       {"bit_rate", double(info.bitRate)},
                       {"video", video},
                       {"audio", audio}};
}

int runProbe(CliContext& ctx)
{
    QStringList args = ctx.args;
    const bool json = takeFlag(args, "--json");
    if (args.size() != 1)
        return fail(ctx, "usage: probe VIDEO [--json]", UsageError);
    ProbeOptions options;
    options.alwaysScan = true; // exact frame and keyframe counts for every container
    auto probe = probeVideo(args[0], options);
    if (!probe)
        return fail(ctx, probe.error());
    const VideoProbeInfo& p = probe.value();
    if (json) {
        ctx.out << QJsonDocument(probeToJson(p)).toJson(QJsonDocument::Indented);
        return Success;
    }
    ctx.out << p.path << "\n"
            << "  container:  " << p.container << "\n"
            << "  duration:   " << QString::number(p.durationSeconds, 'f', 3) << " s\n"
            << "  video:      stream " << p.videoStreamIndex << ", " << p.videoCodec << " " << p.pixelFormat << ", "
            << p.width << "x" << p.height;
    if (p.rotationDegrees != 0)
        ctx.out << " (coded " << p.codedWidth << "x" << p.codedHeight << ", rotated " << p.rotationDegrees << " deg)";
    ctx.out << "\n  fps:        " << p.fpsNum << "/" << p.fpsDen << " (" << QString::number(p.fps, 'f', 3) << ")\n"
            << "  frames:     " << p.frameCount << (p.frameCountExact ? "" : " (estimate)") << "\n"
            << "  keyframes:  " << (p.keyframeCount >= 0 ? QString::number(p.keyframeCount) : QStringLiteral("unknown"))
            << "\n  colour:     " << p.colorSpace << ", range " << p.colorRange << "\n";
    for (const AudioStreamInfo& a : p.audioStreams)
        ctx.out << "  audio:      stream " << a.streamIndex << ", " << a.codec << ", " << a.sampleRate << " Hz, "
                << a.channels << " ch\n";
    ctx.out.flush();
    return Success;
}

int runFrame(CliContext& ctx)
{
    QStringList args = ctx.args;
    const QString sizeText = takeOption(args, "--size");
    if (args.size() != 3)
        return fail(ctx, "usage: frame VIDEO INDEX OUT.png [--size WxH]", UsageError);
    bool okIndex = false;
    const int index = args[1].toInt(&okIndex);
    if (!okIndex || index < 0)
        return fail(ctx, QStringLiteral("frame index must be a number >= 0, not '%1'").arg(args[1]), UsageError);
    QSize size;
    if (!sizeText.isEmpty()) {
        static const QRegularExpression re(QStringLiteral("^(\\d+)x(\\d+)$"));
        const auto m = re.match(sizeText);
        if (!m.hasMatch())
            return fail(ctx, QStringLiteral("--size must be WxH (0 keeps the aspect ratio), not '%1'").arg(sizeText), UsageError);
        size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    }
    auto decoder = VideoDecoder::open(args[0]);
    if (!decoder)
        return fail(ctx, decoder.error());
    auto frame = decoder.value()->frameAt(index, size);
    if (!frame)
        return fail(ctx, frame.error());
    if (!frame->image.save(args[2]))
        return fail(ctx, QStringLiteral("%1: cannot write the image").arg(args[2]));
    ctx.out << "frame " << index << " (pts " << frame->pts << ", " << QString::number(frame->seconds, 'f', 3) << " s"
            << (frame->keyframe ? ", keyframe" : "") << ") -> " << args[2] << " " << frame->image.width() << "x"
            << frame->image.height() << Qt::endl;
    return Success;
}

int runExtract(CliContext& ctx)
{
    QStringList args = ctx.args;
    ClipExtractOptions options;
    options.allowStreamCopy = !takeFlag(args, "--reencode");
    options.includeAudio = !takeFlag(args, "--no-audio");
    options.preferredEncoder = takeOption(args, "--encoder");
    if (args.size() != 4)
        return fail(ctx, "usage: extract VIDEO START END OUT [--reencode] [--no-audio] [--encoder NAME]", UsageError);
    bool okStart = false, okEnd = false;
    const int start = args[1].toInt(&okStart);
    const int end = args[2].toInt(&okEnd);
    if (!okStart || !okEnd)
        return fail(ctx, QStringLiteral("START and END must be frame numbers, not '%1' '%2'").arg(args[1], args[2]), UsageError);
    auto result = extractClip(args[0], start, end, args[3], options);
    if (!result)
        return fail(ctx, result.error());
    ctx.out << "frames [" << start << ", " << end << ") -> " << result->outputPath << " (" << result->frameCount
            << " frames, " << (result->streamCopied ? QStringLiteral("stream copy") : result->videoEncoder) << ")" << Qt::endl;
    return Success;
}

const QVector<CliOption> kProbeOptions{{"--json", "", "", "print the probe as JSON"}};
const CliRegistration probeReg({"probe", "VIDEO [--json]",
                                "describe a video: streams, duration, frames, fps, keyframes, rotation", runProbe, kProbeOptions});
const QVector<CliOption> kFrameOptions{{"--size", "WxH", "", "scale the image; 0 for one side keeps the aspect ratio (default: the video's size)"}};
const CliRegistration frameReg({"frame", "VIDEO INDEX OUT.png [--size WxH]", "write exactly frame INDEX as an image",
                                runFrame, kFrameOptions});
const QVector<CliOption> kExtractOptions{
    {"--reencode", "", "", "re-encode (default: stream copy where the cut allows it)"},
    {"--no-audio", "", "", "leave the audio out"},
    {"--encoder", "NAME", "", "FFmpeg encoder for re-encoding (default: libx264 when present)"},
};
const CliRegistration extractReg({"extract", "VIDEO START END OUT [--reencode] [--no-audio] [--encoder NAME]",
                                  "cut frames [START, END) to their own file, frame-exact (stream copy when possible)",
                                  runExtract, kExtractOptions});

} // namespace
} // namespace mas::cli
