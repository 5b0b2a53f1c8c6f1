// A team's verbs: `project role`, `project grant` (who may do what on a server project) and
// `project assign`, `project unassign`, `project assignments` (work a curator gives annotators).
#include "CliCommand.h"
#include "TeamRolesNotice.h"

#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::cli {
namespace {

using namespace mas::store;

int runProjectRole(CliContext& ctx)
{
    if (ctx.args.size() != 1 || ctx.args.first().startsWith("--"))
        return fail(ctx, "usage: project role postgresql://HOST/DB|P.mas", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args.first(), OpenMode::ReadOnly);
    if (!store.ok())
        return fail(ctx, store.error());
    ctx.out << toString(store.value()->role()) << Qt::endl;
    return Success;
}

int runProjectGrant(CliContext& ctx)
{
    QCoreApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    const QString usage = QStringLiteral("usage: project grant postgresql://HOST/DB USER annotator|curator|admin");
    if (ctx.args.size() != 3 || ctx.args[0].startsWith("--"))
        return fail(ctx, usage, UsageError);
    const std::optional<ProjectRole> role = projectRoleFromString(ctx.args[2]);
    if (!role)
        return fail(ctx, QStringLiteral("unknown role '%1'; %2").arg(ctx.args[2], usage), UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args[0], OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    if (Status s = store.value()->grantRole(ctx.args[1], *role); !s.ok())
        return fail(ctx, s.error());
    ctx.out << ctx.args[1] << " is now " << toString(*role) << " on " << store.value()->path() << Qt::endl;
    return Success;
}

// The annotator and the participant or video that `project assign` and `project unassign` name.
struct WorkTarget {
    Id annotatorId = 0;
    Id participantId = 0;
    Id videoId = 0;
    QString described; // "participant 0010" or "video P1/a.mp4"
};

Result<WorkTarget> findWorkTarget(ProjectStore& store, const QString& annotator, const QString& participant,
                                  const QString& video, bool createAnnotator)
{
    WorkTarget t;
    if (createAnnotator) {
        Result<Id> a = store.ensureAnnotator(annotator);
        if (!a.ok())
            return Error{a.error()};
        t.annotatorId = a.value();
    } else {
        Result<QVector<Annotator>> all = store.annotators();
        if (!all.ok())
            return Error{all.error()};
        for (const Annotator& a : all.value())
            if (a.name == annotator)
                t.annotatorId = a.id;
        if (t.annotatorId == 0)
            return Error{QStringLiteral("%1: no annotator named '%2'").arg(store.path(), annotator)};
    }
    if (!participant.isEmpty()) {
        Result<QVector<Participant>> all = store.participants();
        if (!all.ok())
            return Error{all.error()};
        for (const Participant& p : all.value())
            if (p.code == participant)
                t.participantId = p.id;
        if (t.participantId == 0)
            return Error{QStringLiteral("%1: no participant with code '%2'").arg(store.path(), participant)};
        t.described = QStringLiteral("participant ") + participant;
    } else {
        const std::optional<Id> id = store.videoIdByPath(video);
        if (!id)
            return Error{QStringLiteral("%1: no video %2 in the project").arg(store.path(), video)};
        t.videoId = *id;
        t.described = QStringLiteral("video ") + video;
    }
    return t;
}

int runAssign(CliContext& ctx, bool remove)
{
    QCoreApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    const QString verb = remove ? QStringLiteral("unassign") : QStringLiteral("assign");
    const QString annotator = takeOption(ctx.args, "--annotator");
    const QString participant = takeOption(ctx.args, "--participant");
    const QString video = takeOption(ctx.args, "--video");
    const QString as = takeOption(ctx.args, "--as");
    if (ctx.args.size() != 1 || ctx.args.first().startsWith("--") || annotator.isEmpty()
        || participant.isEmpty() == video.isEmpty())
        return fail(ctx, QStringLiteral("usage: project %1 P.mas|postgresql://HOST/DB --annotator NAME "
                                        "(--participant CODE | --video PATH) [--as NAME]").arg(verb),
                    UsageError);
    Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(ctx.args.first(), OpenMode::ReadWrite);
    if (!opened.ok())
        return fail(ctx, opened.error());
    ProjectStore& store = *opened.value();
    if (!as.isEmpty())
        if (Result<Id> a = store.setCurrentAnnotator(as); !a.ok())
            return fail(ctx, a.error());
    Result<WorkTarget> target = findWorkTarget(store, annotator, participant, video, !remove);
    if (!target.ok())
        return fail(ctx, target.error());
    if (!remove) {
        Result<Id> id = store.assign(target->annotatorId, target->participantId, target->videoId);
        if (!id.ok())
            return fail(ctx, id.error());
        ctx.out << "assigned " << target->described << " to " << annotator << " (assignment " << id.value() << ")" << Qt::endl;
        return Success;
    }
    Result<QVector<Assignment>> all = store.assignments(target->annotatorId);
    if (!all.ok())
        return fail(ctx, all.error());
    for (const Assignment& a : all.value())
        if (a.participantId == target->participantId && a.videoId == target->videoId) {
            if (Status s = store.unassign(a.id); !s.ok())
                return fail(ctx, s.error());
            ctx.out << "unassigned " << target->described << " from " << annotator << Qt::endl;
            return Success;
        }
    return fail(ctx, QStringLiteral("%1: %2 is not assigned to %3").arg(store.path(), target->described, annotator));
}

int runAssignments(CliContext& ctx)
{
    const bool json = takeFlag(ctx.args, "--json");
    const QString annotator = takeOption(ctx.args, "--annotator");
    if (ctx.args.size() != 1 || ctx.args.first().startsWith("--"))
        return fail(ctx, "usage: project assignments P.mas|postgresql://HOST/DB [--annotator NAME] [--json]", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = ProjectStore::open(ctx.args.first(), OpenMode::ReadOnly);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<QVector<Assignment>> all = store.value()->assignments();
    if (!all.ok())
        return fail(ctx, all.error());
    QJsonArray rows;
    for (const Assignment& a : all.value()) {
        if (!annotator.isEmpty() && a.annotatorName != annotator)
            continue;
        const QString kind = a.participantId > 0 ? QStringLiteral("participant") : QStringLiteral("video");
        const QString what = a.participantId > 0 ? a.participantCode : a.videoPath;
        const QString when = a.assigned.toString(Qt::ISODate);
        if (json)
            rows.append(QJsonObject{{"id", qint64(a.id)}, {"annotator", a.annotatorName}, {kind, what},
                                    {"assigned_by", a.assignedBy}, {"assigned_at", when}});
        else
            ctx.out << a.annotatorName << '\t' << kind << '\t' << what << "\tby " << (a.assignedBy.isEmpty() ? "-" : a.assignedBy)
                    << '\t' << when << '\n';
    }
    if (json)
        ctx.out << QJsonDocument(rows).toJson(QJsonDocument::Indented);
    ctx.out.flush();
    return Success;
}

const QVector<CliOption> kAssignOptions{
    {"--annotator", "NAME", "", "who gets the work (made an annotator of the project when new)"},
    {"--participant", "CODE", "", "all videos of this participant"},
    {"--video", "PATH", "", "one video (absolute or project-relative)"},
    {"--as", "NAME", "", "who the assignment is recorded as (default: the server user)"},
};
const QVector<CliOption> kAssignmentsOptions{
    {"--annotator", "NAME", "", "only this annotator's work"},
    {"--json", "", "", "print them as JSON"},
};

const CliRegistration roleReg({"project role", "postgresql://HOST/DB|P.mas",
                               "print your role in the project: annotator, curator or admin (a file: admin)", runProjectRole});
const CliRegistration grantReg({"project grant", "postgresql://HOST/DB USER annotator|curator|admin",
                                "give a server user a role in the project (admin only)", runProjectGrant});
const CliRegistration assignReg({"project assign", "P.mas|postgresql://HOST/DB --annotator NAME (--participant CODE | --video PATH)",
                                 "give an annotator a participant's videos or one video (curator)",
                                 [](CliContext& ctx) { return runAssign(ctx, false); }, kAssignOptions});
const CliRegistration unassignReg({"project unassign", "P.mas|postgresql://HOST/DB --annotator NAME (--participant CODE | --video PATH)",
                                   "take an assignment back (curator)", [](CliContext& ctx) { return runAssign(ctx, true); },
                                   kAssignOptions});
const CliRegistration assignmentsReg({"project assignments", "P.mas|postgresql://HOST/DB [--annotator NAME] [--json]",
                                      "list who is assigned which participants and videos", runAssignments,
                                      kAssignmentsOptions});

} // namespace

void sayTeamRolesSetup(CliContext& ctx, const ProjectStore& store)
{
    if (const QString sql = store.roleSetupSql(); !sql.isEmpty())
        ctx.out << "the team roles (mas_annotator, mas_curator, mas_admin) do not exist and you may not create them; "
                   "until a server administrator runs the following, only you can use the project:\n"
                << sql << Qt::endl;
}

} // namespace mas::cli
