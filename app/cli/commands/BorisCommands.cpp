// `import boris` and `export boris`: BORIS project files (.boris JSON) in and out (core/exchange/Boris).
#include "CliCommand.h"

#include "exchange/Boris.h"
#include "store/ProjectStore.h"

namespace mas::cli {
namespace {

using namespace mas::exchange;
using namespace mas::store;

ExchangeControl cliControl()
{
    ExchangeControl c;
    c.cancel = &interruptRequested();
    return c;
}

int runImportBoris(CliContext& ctx)
{
    BorisReadOptions options;
    options.annotator = takeOption(ctx.args, "--annotator");
    const QString statusText = takeOption(ctx.args, "--status", "confirmed");
    for (const QString& a : std::as_const(ctx.args))
        if (a.startsWith("--"))
            return fail(ctx, QStringLiteral("unknown option %1 (see import boris --help)").arg(a), UsageError);
    if (ctx.args.size() != 2)
        return fail(ctx, "usage: import boris P.mas FILE.boris [--annotator NAME] [--status confirmed]", UsageError);
    const std::optional<LabelStatus> status = labelStatusFromString(statusText);
    if (!status)
        return fail(ctx, QStringLiteral("--status %1: one of confirmed, prelabeled, disputed").arg(statusText), UsageError);
    options.status = *status;
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<BorisImportReport> report = importBoris(*store.value(), ctx.args[1], options, cliControl());
    if (!report.ok())
        return fail(ctx, report.error(), interruptRequested() ? Interrupted : Failure);
    for (const ImportIssue& issue : report->issues)
        ctx.err << "mastudio-cli: not mapped: " << issue.toString() << '\n';
    ctx.err.flush();
    ctx.out << "imported " << ctx.args[1] << " into " << store.value()->path() << ": " << report->summary() << Qt::endl;
    return report->rowsRead > 0 ? Success : fail(ctx, QStringLiteral("no event of %1 could be mapped").arg(ctx.args[1]));
}

int runExportBoris(CliContext& ctx)
{
    BorisWriteOptions options;
    const QString pointText = takeOption(ctx.args, "--point-events");
    options.projectName = takeOption(ctx.args, "--name");
    for (const QString& a : std::as_const(ctx.args))
        if (a.startsWith("--"))
            return fail(ctx, QStringLiteral("unknown option %1 (see export boris --help)").arg(a), UsageError);
    if (ctx.args.size() != 2)
        return fail(ctx, "usage: export boris P.mas OUT.boris [--point-events CODE,CODE] [--name NAME]", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::PreferReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    for (const QString& code : pointText.split(',', Qt::SkipEmptyParts)) {
        const ActionClass* cls = store.value()->taxonomy().classByCode(code.trimmed());
        if (!cls)
            return fail(ctx, QStringLiteral("--point-events: %1 is not a class code of the project").arg(code), UsageError);
        options.pointEventClasses << cls->id;
    }
    Result<BorisExport> out = exportBoris(*store.value(), ctx.args[1], options, cliControl());
    if (!out.ok())
        return fail(ctx, out.error(), interruptRequested() ? Interrupted : Failure);
    for (const ImportIssue& issue : out->issues)
        ctx.err << "mastudio-cli: not exported: " << issue.toString() << '\n';
    ctx.err.flush();
    ctx.out << "exported BORIS project " << ctx.args[1] << ": " << out->observations << " observations, " << out->events
            << " events, " << out->issues.size() << " segments not mapped" << Qt::endl;
    return Success;
}

const CliRegistration importBorisReg({"import boris", "P.mas FILE.boris [--annotator NAME] [--status confirmed]",
                                      "import a BORIS project: ethogram to classes, subjects to participants, media to videos, "
                                      "state/point events to segments, modifiers to notes (unmapped rows listed)",
                                      runImportBoris,
                                      {{"--annotator", "NAME", "the project's current annotator", "who the imported labels are by"},
                                       {"--status", "STATUS", "confirmed", "status of the imported labels (confirmed, prelabeled, disputed)"}}});
const CliRegistration exportBorisReg({"export boris", "P.mas OUT.boris [--point-events CODE,...] [--name NAME]",
                                      "export the project as a BORIS project (one observation per video; START/STOP pairs)",
                                      runExportBoris,
                                      {{"--point-events", "CODE,...", "none", "classes written as BORIS point events"},
                                       {"--name", "NAME", "the project file's name", "the BORIS project's name"}}});

} // namespace
} // namespace mas::cli
