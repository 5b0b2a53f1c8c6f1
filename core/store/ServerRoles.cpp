#include "store/ServerRoles.h"

namespace mas::store {
namespace {

const ProjectRole kRoles[] = {ProjectRole::Annotator, ProjectRole::Curator, ProjectRole::Admin};

// One statement per role: PostgreSQL has no CREATE ROLE IF NOT EXISTS.
QStringList createRoleStatements()
{
    QStringList out;
    for (ProjectRole r : kRoles)
        out << QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%1') THEN "
                              "CREATE ROLE %1 NOLOGIN; END IF; END $$")
                   .arg(groupRoleName(r));
    return out;
}

// Admins may grant the two lower roles; the creator is an admin who may grant all three.
QStringList membershipStatements(const QString& creator)
{
    QStringList out{QStringLiteral("GRANT mas_annotator, mas_curator TO mas_admin WITH ADMIN OPTION")};
    if (!creator.isEmpty())
        out << QStringLiteral("GRANT mas_admin TO %1 WITH ADMIN OPTION").arg(SqlDialect::quoteIdentifier(creator));
    return out;
}

QStringList grantStatements()
{
    const QString all = QStringLiteral("ALL TABLES IN SCHEMA public");
    return {
        QStringLiteral("GRANT SELECT ON %1 TO mas_annotator, mas_curator").arg(all),
        QStringLiteral("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mas_annotator, mas_curator"),
        QStringLiteral("GRANT INSERT, UPDATE, DELETE ON segments, labels TO mas_annotator"),
        QStringLiteral("GRANT INSERT ON annotators, edit_log TO mas_annotator"),
        QStringLiteral("GRANT INSERT, UPDATE, DELETE ON %1 TO mas_curator").arg(all),
        QStringLiteral("REVOKE DELETE ON videos FROM mas_curator"), // removing videos is the admin's
        QStringLiteral("GRANT ALL ON %1 TO mas_admin").arg(all),
        QStringLiteral("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO mas_admin"),
    };
}

} // namespace

QString groupRoleName(ProjectRole role) { return QStringLiteral("mas_") + toString(role); }

Result<ProjectRole> serverRole(const ProjectStore::Impl& d)
{
    Result<QVariant> v = d.scalar(QStringLiteral(
        "SELECT CASE"
        " WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN 2"
        " WHEN (SELECT pg_has_role(current_user, datdba, 'MEMBER') FROM pg_database WHERE datname = current_database()) THEN 2"
        " WHEN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'mas_admin' AND pg_has_role(current_user, r.oid, 'MEMBER')) THEN 2"
        " WHEN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'mas_curator' AND pg_has_role(current_user, r.oid, 'MEMBER')) THEN 1"
        " ELSE 0 END"));
    if (!v.ok())
        return Error{v.error()};
    return ProjectRole(v->toInt());
}

Result<bool> groupRolesExist(const ProjectStore::Impl& d)
{
    Result<QVariant> n = d.scalar(
        QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname IN ('mas_annotator', 'mas_curator', 'mas_admin')"));
    if (!n.ok())
        return Error{n.error()};
    return n->toInt() == 3;
}

Result<bool> ensureGroupRoles(ProjectStore::Impl& d)
{
    Result<bool> exist = groupRolesExist(d);
    if (!exist.ok() || exist.value())
        return exist;
    Result<QSqlQuery> me = d.exec(QStringLiteral("SELECT rolsuper, rolcreaterole, rolname FROM pg_roles WHERE rolname = current_user"));
    if (!me.ok())
        return Error{me.error()};
    if (!me->next() || !(me->value(0).toBool() || me->value(1).toBool()))
        return false;
    const QString creator = me->value(0).toBool() ? QString() : me->value(2).toString(); // a superuser needs no membership
    for (const QString& statement : createRoleStatements() + membershipStatements(creator))
        if (Result<QSqlQuery> q = d.exec(statement); !q.ok())
            return Error{q.error()};
    return true;
}

Status grantTableRights(ProjectStore::Impl& d)
{
    Result<bool> exist = groupRolesExist(d);
    if (!exist.ok())
        return Error{exist.error()};
    if (!exist.value())
        return Status::success();
    // Only the tables' owner (or a superuser) gives privileges on them; others would get warnings.
    Result<QVariant> owner = d.scalar(QStringLiteral(
        "SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class WHERE oid = to_regclass('project_meta')"));
    if (!owner.ok())
        return Error{owner.error()};
    if (!owner->toBool())
        return Status::success();
    for (const QString& statement : grantStatements())
        if (Result<QSqlQuery> q = d.exec(statement); !q.ok())
            return d.error(QStringLiteral("granting the team roles their rights failed: %1").arg(q.error()));
    return Status::success();
}

QString roleSetupSql(const ProjectStore::Impl& d)
{
    Result<QVariant> user = d.scalar(QStringLiteral("SELECT current_user"));
    QStringList lines = createRoleStatements() + membershipStatements(user.ok() ? user->toString() : QString()) + grantStatements();
    for (QString& l : lines)
        l += ';';
    return QStringLiteral("-- as a superuser (or a role with CREATEROLE) in database %1:\n").arg(d.server ? d.server->dbname : d.path)
        + lines.join('\n');
}

} // namespace mas::store
