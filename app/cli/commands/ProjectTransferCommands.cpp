// `project push FILE.mas URL` and `project pull URL FILE.mas`: a project moved between a file and a
// PostgreSQL server (either way) with every row and id, so the exports of both are identical.
#include "CliCommand.h"
#include "TeamRolesNotice.h"

#include "store/ProjectStore.h"
#include "store/ServerUrl.h"

#include <QElapsedTimer>

namespace mas::cli {
namespace {

using namespace mas::store;

int runTransfer(CliContext& ctx, bool push)
{
    const QString usage = push ? QStringLiteral("usage: project push FILE.mas postgresql://HOST/DB")
                               : QStringLiteral("usage: project pull postgresql://HOST/DB FILE.mas");
    if (ctx.args.size() != 2 || ctx.args[0].startsWith("--") || ctx.args[1].startsWith("--"))
        return fail(ctx, usage, UsageError);
    const QString from = ctx.args[0], to = ctx.args[1];
    if (push == isServerUrl(from) || push != isServerUrl(to))
        return fail(ctx, usage, UsageError);
    QElapsedTimer timer;
    timer.start();
    // Read-only: the source stays as it is, and a file another process edits can still be pushed.
    Result<std::unique_ptr<ProjectStore>> source = ProjectStore::open(from, OpenMode::ReadOnly);
    if (!source.ok())
        return fail(ctx, source.error());
    Result<std::unique_ptr<ProjectStore>> copy = source.value()->copyTo(to);
    if (!copy.ok())
        return fail(ctx, copy.error());
    Result<ProjectCounts> c = copy.value()->counts();
    if (!c.ok())
        return fail(ctx, c.error());
    ctx.out << (push ? "pushed " : "pulled ") << source.value()->path() << " to " << copy.value()->path() << " ("
            << c->videos << " videos, " << c->segments << " segments, " << c->labels << " labels, " << c->modelVersions
            << " model versions, " << c->predictions << " predictions, " << c->splitPlans << " split plans; "
            << timer.elapsed() << " ms)" << Qt::endl;
    sayTeamRolesSetup(ctx, *copy.value());
    return Success;
}

const CliRegistration pushReg({"project push", "FILE.mas postgresql://HOST/DB",
                               "copy a project file to a PostgreSQL database (new or empty), every row and id kept",
                               [](CliContext& ctx) { return runTransfer(ctx, true); }});
const CliRegistration pullReg({"project pull", "postgresql://HOST/DB FILE.mas",
                               "copy a server project into a new project file, every row and id kept",
                               [](CliContext& ctx) { return runTransfer(ctx, false); }});

} // namespace
} // namespace mas::cli
