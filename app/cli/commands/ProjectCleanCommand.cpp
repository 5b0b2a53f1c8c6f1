// `project clean IN.mas OUT.mas`: a cleaned copy of a project the store refuses because it carries
// SQL of its own (triggers, views, virtual tables): the app's schema and the rows of its tables only.
#include "CliCommand.h"

#include "store/ProjectCleanCopy.h"

namespace mas::cli {
namespace {

int runProjectClean(CliContext& ctx)
{
    if (ctx.args.size() != 2 || ctx.args[0].startsWith("--") || ctx.args[1].startsWith("--"))
        return fail(ctx, "usage: project clean IN.mas OUT.mas", UsageError);
    Result<store::CleanCopyReport> report = store::writeCleanCopy(ctx.args[0], ctx.args[1]);
    if (!report.ok())
        return fail(ctx, report.error());
    for (const QString& removed : report->removed)
        ctx.out << "left out " << removed << '\n';
    ctx.out << "wrote " << ctx.args[1] << ": " << report->tablesCopied << " tables, " << report->rowsCopied
            << " rows copied; " << report->removed.size() << " foreign objects left out" << Qt::endl;
    return Success;
}

const CliRegistration cleanReg({"project clean", "IN.mas OUT.mas",
                                "copy a project without the triggers, views and virtual tables it should not have",
                                runProjectClean});

} // namespace
} // namespace mas::cli
