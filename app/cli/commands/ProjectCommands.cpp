// `project create` and `project info`: a project file (or server project URL) from the command line.
#include "CliCommand.h"
#include "TeamRolesNotice.h"

#include "store/ProjectStore.h"
#include "taxonomy/Taxonomy.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::cli {
namespace {

using namespace mas::store;

int runProjectCreate(CliContext& ctx)
{
    QCoreApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    const QString taxonomyFile = takeOption(ctx.args, "--taxonomy");
    const QString annotator = takeOption(ctx.args, "--annotator");
    if (ctx.args.size() != 1 || ctx.args.first().startsWith("--"))
        return fail(ctx, "usage: project create P.mas|postgresql://HOST/DB [--taxonomy FILE.tsv] [--annotator NAME]", UsageError);
    const QString path = ctx.args.first();
    Taxonomy taxonomy = Taxonomy::builtinMa52();
    if (!taxonomyFile.isEmpty()) {
        Result<Taxonomy> custom = Taxonomy::fromTsvFile(taxonomyFile);
        if (!custom.ok())
            return fail(ctx, custom.error());
        taxonomy = custom.value();
    }
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::create(path, taxonomy, annotator);
    if (!store.ok())
        return fail(ctx, store.error());
    ctx.out << "created " << store.value()->path() << " (taxonomy " << taxonomy.version() << ": " << taxonomy.classCount()
            << " classes, " << taxonomy.bodyPartCount() << " body parts";
    if (!annotator.isEmpty())
        ctx.out << "; annotator " << annotator;
    ctx.out << ")" << Qt::endl;
    sayTeamRolesSetup(ctx, *store.value());
    return Success;
}

QString activeModelName(const ProjectStore& store)
{
    const std::optional<ModelVersion> active = store.activeModelVersion();
    return active ? active->name : QString();
}

QJsonObject infoJson(const ProjectStore& store, const ProjectCounts& c)
{
    const Taxonomy& t = store.taxonomy();
    QJsonObject labels, segments, bodyParts;
    for (int s = 0; s < 4; ++s)
        labels.insert(statusName(LabelStatus(s)), c.labelsByStatus[s]);
    for (int s = -1; s < 4; ++s)
        segments.insert(statusName(SegmentStatus(s)), c.segmentsByStatus[s + 1]);
    for (const BodyPart& b : t.bodyParts())
        bodyParts.insert(b.name, c.segmentsPerBodyPart.value(b.id));
    QJsonArray perClass;
    for (const ActionClass& a : t.classes())
        perClass.append(QJsonObject{{"id", a.id}, {"code", a.code}, {"name", a.name}, {"segments", c.segmentsPerClass.value(a.id)}});
    const ProjectMeta m = store.meta();
    return QJsonObject{
        {"path", store.path()},
        {"schema_version", m.schemaVersion},
        {"created", m.created.toString(Qt::ISODate)},
        {"app_version", m.appVersion},
        {"taxonomy", QJsonObject{{"version", t.version()}, {"classes", t.classCount()}, {"body_parts", t.bodyPartCount()}}},
        {"videos", c.videos},
        {"missing_videos", c.missingVideos},
        {"participants", c.participants},
        {"segments", c.segments},
        {"segments_by_status", segments},
        {"labels", c.labels},
        {"labels_by_status", labels},
        {"segments_per_body_part", bodyParts},
        {"segments_per_class", perClass},
        {"model_versions", c.modelVersions},
        {"active_model", activeModelName(store)},
        {"predictions", c.predictions},
        {"split_plans", c.splitPlans},
        {"edit_log_entries", c.editLogEntries},
        {"read_only_notice", store.notice()},
    };
}

void printInfo(QTextStream& out, const ProjectStore& store, const ProjectCounts& c)
{
    const Taxonomy& t = store.taxonomy();
    const ProjectMeta m = store.meta();
    out << "project       " << store.path() << '\n';
    out << "schema        " << m.schemaVersion << " (created " << m.created.toString(Qt::ISODate) << " by version "
        << m.appVersion << ")\n";
    out << "taxonomy      " << t.version() << " (" << t.classCount() << " classes, " << t.bodyPartCount()
        << " body parts)\n";
    out << "videos        " << c.videos;
    if (c.missingVideos > 0)
        out << " (" << c.missingVideos << " missing)";
    out << '\n' << "participants  " << c.participants << '\n';
    out << "segments      " << c.segments;
    QStringList parts;
    for (int s = -1; s < 4; ++s)
        if (c.segmentsByStatus[s + 1] > 0)
            parts << QStringLiteral("%1 %2").arg(c.segmentsByStatus[s + 1]).arg(statusName(SegmentStatus(s)));
    if (!parts.isEmpty())
        out << " (" << parts.join(", ") << ')';
    out << '\n' << "labels        " << c.labels;
    parts.clear();
    for (int s = 0; s < 4; ++s)
        parts << QStringLiteral("%1 %2").arg(c.labelsByStatus[s]).arg(statusName(LabelStatus(s)));
    out << " (" << parts.join(", ") << ")\n";
    out << "per body part (segments by their label's class)\n";
    for (const BodyPart& b : t.bodyParts())
        out << "  " << QStringLiteral("%1 %2").arg(b.letter, -2).arg(b.name, -12) << ' ' << c.segmentsPerBodyPart.value(b.id)
            << '\n';
    const QString active = activeModelName(store);
    out << "model versions " << c.modelVersions << (active.isEmpty() ? QString() : QStringLiteral(" (active: %1)").arg(active))
        << '\n';
    out << "predictions   " << c.predictions << '\n';
    out << "split plans   " << c.splitPlans << '\n';
    out << "edit log      " << c.editLogEntries << " entries\n";
    if (!store.notice().isEmpty())
        out << "note          " << store.notice() << '\n';
    out.flush();
}

int runProjectInfo(CliContext& ctx)
{
    const bool json = takeFlag(ctx.args, "--json");
    if (ctx.args.size() != 1 || ctx.args.first().startsWith("--"))
        return fail(ctx, "usage: project info P.mas [--json]", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args.first(), OpenMode::ReadOnly);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<ProjectCounts> counts = store.value()->counts();
    if (!counts.ok())
        return fail(ctx, counts.error());
    if (json)
        ctx.out << QJsonDocument(infoJson(*store.value(), counts.value())).toJson(QJsonDocument::Indented) << Qt::flush;
    else
        printInfo(ctx.out, *store.value(), counts.value());
    return Success;
}

// Finds moved videos of a project under DIR (by file name, confirmed by content hash, or by
// content hash alone) and points the project at them.
int runProjectRelink(CliContext& ctx)
{
    QCoreApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    if (ctx.args.size() != 2 || ctx.args[0].startsWith("--") || ctx.args[1].startsWith("--"))
        return fail(ctx, "usage: project relink P.mas DIR", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<RelinkReport> report = store.value()->relinkFolder(ctx.args[1]);
    if (!report.ok())
        return fail(ctx, report.error());
    for (const QString& line : report->messages)
        ctx.out << line << '\n';
    ctx.out << "relinked " << report->relinked << " videos; " << report->stillMissing << " still missing" << Qt::endl;
    if (report->stillMissing > 0)
        return fail(ctx, QStringLiteral("%1 videos of %2 are still missing (not found under %3)")
                             .arg(report->stillMissing)
                             .arg(store.value()->path(), ctx.args[1]));
    return Success;
}

const QVector<CliOption> kCreateOptions{
    {"--taxonomy", "FILE.tsv", "", "class list (default: the built-in MA-52 taxonomy)"},
    {"--annotator", "NAME", "", "the current annotator, recorded with every edit (default: none)"},
};
const QVector<CliOption> kInfoOptions{{"--json", "", "", "print the summary as JSON"}};

const CliRegistration relinkReg({"project relink", "P.mas DIR",
                                 "find the project's missing videos under DIR (by name and content hash)",
                                 runProjectRelink});
const CliRegistration createReg({"project create", "P.mas|postgresql://HOST/DB [--taxonomy FILE.tsv] [--annotator NAME]",
                                 "create an empty project file, or a project in a PostgreSQL database (MA-52 taxonomy unless a TSV is given)", runProjectCreate, kCreateOptions});
const CliRegistration infoReg({"project info", "P.mas [--json]",
                               "counts of videos, segments, labels by status and per body part", runProjectInfo, kInfoOptions});

} // namespace
} // namespace mas::cli
