#pragma once
// Looks at a would-be project file's bytes before SQLite does, to turn "file is not a database"
// into a message a user can act on: missing, empty, a text file, not SQLite, truncated.
#include "util/Result.h"

#include <QString>

namespace mas::store {

Status checkProjectFileBytes(const QString& path);

} // namespace mas::store
