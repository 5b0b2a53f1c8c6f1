// ProjectStore's roles: what the connection's user may do, refusals naming the role needed, and
// granting roles on a server (ServerRoles.h).
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "store/ServerRoles.h"

namespace mas::store {
namespace {

QString withArticle(ProjectRole role)
{
    return (role == ProjectRole::Annotator || role == ProjectRole::Admin ? QStringLiteral("an ") : QStringLiteral("a "))
        + toString(role);
}

} // namespace

Status ProjectStore::Impl::requireRole(ProjectRole needed, const QString& what) const
{
    if (readOnly) // the plainer reason first
        return requireWritable();
    if (int(role) >= int(needed))
        return Status::success();
    return Error{QStringLiteral("%1 needs the %2 role; you are %3 on %4").arg(what, toString(needed), withArticle(role), path)};
}

Status ProjectStore::Impl::requireOwnOrCurator(Id ownerAnnotatorId, const QString& what) const
{
    if (!readOnly && (role >= ProjectRole::Curator || (currentAnnotatorId > 0 && ownerAnnotatorId == currentAnnotatorId)))
        return Status::success();
    return requireRole(ProjectRole::Curator, what);
}

ProjectRole ProjectStore::role() const { return d->role; }

QString ProjectStore::roleSetupSql() const
{
    if (!d->isServer())
        return {};
    Result<bool> exist = groupRolesExist(*d);
    return exist.ok() && exist.value() ? QString() : mas::store::roleSetupSql(*d);
}

Status ProjectStore::grantRole(const QString& user, ProjectRole role)
{
    if (!d->isServer())
        return d->error(QStringLiteral("a project file has one user, who is admin; roles belong to server projects"));
    if (user.trimmed().isEmpty())
        return d->error(QStringLiteral("granting a role needs a server user's name"));
    if (Status s = d->requireRole(ProjectRole::Admin, QStringLiteral("granting roles")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<bool> exist = ensureGroupRoles(*d);
    if (!exist.ok())
        return Error{exist.error()};
    if (!exist.value())
        return d->error(QStringLiteral("the team roles do not exist on this server and you may not create them; a "
                                       "server administrator runs:\n%1").arg(mas::store::roleSetupSql(*d)));
    if (Status s = grantTableRights(*d); !s.ok())
        return s;
    Result<QVariant> me = d->scalar(QStringLiteral("SELECT current_user"));
    if (!me.ok())
        return Error{me.error()};
    // One group role per member: granting a lower role takes the higher ones away.
    for (ProjectRole r : {ProjectRole::Annotator, ProjectRole::Curator, ProjectRole::Admin}) {
        Result<QVariant> member = d->scalar(
            QStringLiteral("SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                           "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ? AND u.rolname = ?"),
            {groupRoleName(r), user});
        if (!member.ok())
            return Error{member.error()};
        if ((r == role) == (member->toInt() > 0))
            continue; // already as asked (and no server warning about it)
        const QString sql = r == role ? QStringLiteral("GRANT %1 TO %2") : QStringLiteral("REVOKE %1 FROM %2");
        if (Result<QSqlQuery> q = d->exec(sql.arg(groupRoleName(r), SqlDialect::quoteIdentifier(user))); !q.ok()) {
            // The owner of a project made after the roles existed holds no ADMIN OPTION on them.
            const QString why = q.error().mid(q.error().lastIndexOf(QLatin1String("failed: ")) + 8).simplified();
            const QString hint = why.contains(QLatin1String("admin option"))
                ? QStringLiteral("; a server administrator runs: GRANT mas_admin TO %1 WITH ADMIN OPTION")
                      .arg(SqlDialect::quoteIdentifier(me->toString()))
                : QString();
            return d->error(QStringLiteral("making %1 %2 failed: %3%4").arg(user, withArticle(role), why, hint));
        }
    }
    if (Status s = d->logEdit(QStringLiteral("role.grant"), QStringLiteral("project"), 0, {},
                              {{"user", user}, {"role", toString(role)}});
        !s.ok())
        return s;
    return tx.commit();
}

} // namespace mas::store
