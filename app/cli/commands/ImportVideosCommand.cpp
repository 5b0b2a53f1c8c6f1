// `import videos P.mas DIR`: probe a folder of videos (recursively) and add them to a project.
#include "CliCommand.h"

#include "store/VideoFolderImport.h"

#include <QCoreApplication>

namespace mas::cli {
namespace {

using namespace mas::store;

int runImportVideos(CliContext& ctx)
{
    QCoreApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    VideoFolderImportOptions options;
    options.participantPattern = takeOption(ctx.args, "--pattern", options.participantPattern);
    const bool always = takeFlag(ctx.args, "--segment-per-clip");
    const bool never = takeFlag(ctx.args, "--no-segment-per-clip");
    const QString annotator = takeOption(ctx.args, "--annotator");
    if (always && never)
        return fail(ctx, "--segment-per-clip and --no-segment-per-clip exclude each other", UsageError);
    options.segmentPerClip = always ? SegmentPerClip::Always : never ? SegmentPerClip::Never : SegmentPerClip::Auto;
    if (ctx.args.size() != 2 || ctx.args[0].startsWith("--") || ctx.args[1].startsWith("--"))
        return fail(ctx,
                    "usage: import videos P.mas DIR [--pattern REGEX] [--segment-per-clip | --no-segment-per-clip] "
                    "[--annotator NAME]",
                    UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    if (!annotator.isEmpty())
        if (Result<Id> a = store.value()->setCurrentAnnotator(annotator); !a.ok())
            return fail(ctx, a.error());
    BatchControl control;
    control.cancel = &interruptRequested();
    Result<VideoFolderImportReport> report = importVideoFolder(*store.value(), ctx.args[1], options, control);
    if (!report.ok())
        return fail(ctx, report.error());
    const VideoFolderImportReport& r = report.value();
    for (const QString& skipped : r.skipped)
        ctx.err << "mastudio-cli: skipped " << skipped << '\n';
    ctx.err.flush();
    ctx.out << "imported " << r.imported << " videos (" << r.segmentsAdded << " whole-clip segments) into "
            << store.value()->path() << "; " << r.skipped.size() << " skipped, " << r.alreadyInProject
            << " already in the project, " << r.found << " video files found" << Qt::endl;
    if (r.cancelled)
        return fail(ctx, QStringLiteral("interrupted; %1 videos imported before it are kept").arg(r.imported), Interrupted);
    if (r.found == 0)
        return fail(ctx, QStringLiteral("%1: no video files found (extensions %2)").arg(ctx.args[1], options.extensions.join(',')));
    if (r.imported == 0 && r.alreadyInProject == 0)
        return fail(ctx, QStringLiteral("none of the %1 video files under %2 could be read").arg(r.found).arg(ctx.args[1]));
    return Success;
}

const QVector<CliOption> kImportVideosOptions{
    {"--pattern", "REGEX", QString::fromLatin1(kMa52FileNamePattern), "participant code: first capture group of the file's base name"},
    {"--segment-per-clip", "", "", "always one whole-clip segment per video"},
    {"--no-segment-per-clip", "", "", "never (default: only videos named like MA-52 clips get one)"},
    {"--annotator", "NAME", "", "who the import is recorded as"},
};
const CliRegistration reg({"import videos",
                           "P.mas DIR [--pattern REGEX] [--segment-per-clip | --no-segment-per-clip] [--annotator NAME]",
                           "add a folder of videos (recursive): probe, participant from the name, whole-clip segments",
                           runImportVideos, kImportVideosOptions});

} // namespace
} // namespace mas::cli
