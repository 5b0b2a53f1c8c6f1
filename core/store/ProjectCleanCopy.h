#pragma once
// A cleaned copy of a project file that the store refuses because it carries SQL of its own
// (triggers, views, virtual tables): a new file with the app's schema alone, into which the rows of
// the app's tables are copied. Nothing of the source's own SQL runs while copying (its file is
// attached read-only to a hardened connection, with triggers and views off).
#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace mas::store {

struct CleanCopyReport {
    QStringList removed;   // "trigger 'x'", "view 'y'", "virtual table 'z'", "table 'w'" (not the app's)
    int tablesCopied = 0;
    qint64 rowsCopied = 0;
};

// Refuses an existing `target`, a source that is not a MicroAction Studio project of this schema
// version, and a source that is damaged; the target is removed again when anything fails.
Result<CleanCopyReport> writeCleanCopy(const QString& source, const QString& target);

// Whether `path` is a SQLite file carrying triggers, views or virtual tables the app's schema does not
// have (what ProjectStore::open refuses, and writeCleanCopy cleans). Reads the schema only, through
// a hardened read-only connection.
bool carriesForeignSql(const QString& path);

// "<folder>/<name>-cleaned.mas" beside `path`, or "-cleaned-2" and so on when taken.
QString suggestedCleanCopyPath(const QString& path);

} // namespace mas::store
