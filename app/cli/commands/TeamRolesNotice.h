#pragma once
// After a server project is made (`project create`, `project push`): when its user could not make the
// team roles, what a server administrator runs (ProjectStore::roleSetupSql); nothing otherwise.
// Defined in ProjectTeamCommands.cpp.
#include "CliCommand.h"

namespace mas::store {
class ProjectStore;
}

namespace mas::cli {

void sayTeamRolesSetup(CliContext& ctx, const store::ProjectStore& store);

} // namespace mas::cli
