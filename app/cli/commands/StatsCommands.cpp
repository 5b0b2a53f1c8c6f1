// `stats`: behaviour statistics (time budgets) per class and body part, grouped by participant,
// video, annotator or split; the GUI's statistics view computes the same (core/stats).
#include "CliCommand.h"

#include "exchange/AtomicFile.h"
#include "stats/BehaviourStats.h"
#include "store/ProjectStore.h"

namespace mas::cli {
namespace {

using namespace mas::stats;
using namespace mas::store;

int runStats(CliContext& ctx)
{
    const QString byText = takeOption(ctx.args, "--by", "all");
    const QString csvPath = takeOption(ctx.args, "--csv");
    const QString statusText = takeOption(ctx.args, "--status", "confirmed,prelabeled,disputed");
    const QString annotatorText = takeOption(ctx.args, "--annotators");
    const bool includeModels = takeFlag(ctx.args, "--include-models");
    for (const QString& a : std::as_const(ctx.args))
        if (a.startsWith("--"))
            return fail(ctx, QStringLiteral("unknown option %1 (see stats --help)").arg(a), UsageError);
    if (ctx.args.size() != 1)
        return fail(ctx, "usage: stats P.mas [--by all|participant|video|annotator|split] [--csv OUT.csv] (see --help)", UsageError);
    StatsOptions options;
    const std::optional<GroupBy> by = groupByFromString(byText);
    if (!by)
        return fail(ctx, QStringLiteral("--by %1: one of all, participant, video, annotator, split").arg(byText), UsageError);
    options.groupBy = *by;
    options.statuses.clear();
    for (const QString& s : statusText.split(',', Qt::SkipEmptyParts)) {
        const std::optional<LabelStatus> status = labelStatusFromString(s.trimmed());
        if (!status)
            return fail(ctx, QStringLiteral("--status %1: \"%2\" is not one of confirmed, prelabeled, disputed, rejected")
                                 .arg(statusText, s), UsageError);
        options.statuses << *status;
    }
    options.annotators = annotatorText.split(',', Qt::SkipEmptyParts);
    options.includeModels = includeModels;

    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::ReadOnly);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<StatsReport> report = projectStats(*store.value(), options);
    if (!report.ok())
        return fail(ctx, report.error());
    ctx.out << statsText(report.value());
    ctx.out.flush();
    if (!csvPath.isEmpty()) {
        if (Status s = exchange::writeFileAtomically(csvPath, statsCsv(report.value()).toUtf8()); !s.ok())
            return fail(ctx, s.error());
        ctx.out << "wrote " << csvPath << " (" << report->rows.size() << " rows)" << Qt::endl;
    }
    return Success;
}

const CliRegistration statsReg(
    {"stats",
     "P.mas [--by all|participant|video|annotator|split] [--csv OUT.csv] [--status confirmed,prelabeled,disputed] "
     "[--annotators A,B] [--include-models]",
     "behaviour statistics per class and body part: count, total/mean/median duration, rate per minute, "
     "proportion of observed time, latency",
     runStats,
     {{"--by", "GROUP", "all", "rows per all, participant, video, annotator or split"},
      {"--csv", "OUT.csv", "", "also write group,class_id,code,count,total_s,mean_s,median_s,rate_per_min,proportion,latency_s"},
      {"--status", "LIST", "confirmed,prelabeled,disputed", "label statuses that count (comma-separated; rejected too if listed)"},
      {"--annotators", "A,B", "every person", "only these annotators' labels"},
      {"--include-models", "", "", "count model pre-labels (annotators model:<version>) too"}}});

} // namespace
} // namespace mas::cli
