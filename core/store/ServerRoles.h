#pragma once
// Who may do what in a server project: three PostgreSQL group roles, global to the server (roles
// are per cluster, not per database), so one membership gives the same rights in every project
// database of that server. A team that must not share rights across projects uses its own server.
//
//   mas_annotator  SELECT on everything; INSERT/UPDATE/DELETE on segments and labels
//   mas_curator    also INSERT/UPDATE/DELETE on every table except deleting videos
//   mas_admin      everything (the database owner and superusers are admins too); holds the two
//                  lower roles WITH ADMIN OPTION, so its members grant them; the project's creator
//                  gets mas_admin WITH ADMIN OPTION when the roles are made
//
// The database refuses what a role's table privileges do not allow; the store refuses earlier,
// with a message naming the role needed, and also what tables cannot tell apart (another
// annotator's label). A project file has one user, who is admin.
#include "store/ProjectStoreImpl.h"

namespace mas::store {

QString groupRoleName(ProjectRole role); // "mas_annotator", "mas_curator", "mas_admin"

// The connection user's role: superuser, database owner or member of mas_admin -> Admin; member of
// mas_curator -> Curator; else Annotator.
Result<ProjectRole> serverRole(const ProjectStore::Impl& d);
// True when all three group roles exist on the server.
Result<bool> groupRolesExist(const ProjectStore::Impl& d);
// Creates the missing group roles when the user may (superuser or CREATEROLE), with the
// memberships above; returns whether all three exist afterwards.
Result<bool> ensureGroupRoles(ProjectStore::Impl& d);
// Gives the group roles their table privileges on this database (at create, at migration and by
// `project grant`). Does nothing while the roles are missing or for a user not owning the tables.
Status grantTableRights(ProjectStore::Impl& d);
// The SQL a server administrator runs in this database to make the roles, the memberships (the
// connection's user as creator) and the privileges.
QString roleSetupSql(const ProjectStore::Impl& d);

} // namespace mas::store
