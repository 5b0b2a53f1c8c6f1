// The SQLite connection of a project, hardened against files from someone else, and checked after
// open: defensive mode, untrusted schema, no triggers, views or virtual tables of the file's own,
// and the durability settings really in effect.
#include "store/ProjectStoreImpl.h"
#include "store/Schema.h"

#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>

#include <sqlite3.h>

namespace mas::store {
namespace {

sqlite3* sqliteHandle(const QSqlDatabase& db)
{
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(v.constData());
}

struct DbConfig {
    int op;
    int value;
    const char* name;
};
constexpr DbConfig kHardening[] = {
    {SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive"},
    {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema"},
    {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "triggers"},
    {SQLITE_DBCONFIG_ENABLE_VIEW, 0, "views"},
    {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension"},
};

int readDbConfig(sqlite3* h, int op)
{
    int value = -1;
    sqlite3_db_config(h, op, -1, &value); // -1: leave as is, report
    return value;
}

// The names of the app's own triggers, views and virtual tables (none today; computed so that a
// schema that adds one keeps opening).
QStringList appSchemaObjects()
{
    static const QRegularExpression create(
        QStringLiteral("^\\s*CREATE\\s+(?:TEMP\\s+|TEMPORARY\\s+)?(TRIGGER|VIEW|VIRTUAL\\s+TABLE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?(\\w+)"),
        QRegularExpression::CaseInsensitiveOption);
    QStringList names;
    for (const QString& statement : schema::createStatements(kCurrentSchemaVersion))
        if (const QRegularExpressionMatch m = create.match(statement); m.hasMatch())
            names << m.captured(2).toLower();
    return names;
}

} // namespace

Status hardenConnection(QSqlDatabase& db, const QString& path)
{
    sqlite3* h = sqliteHandle(db);
    if (!h)
        return Error{path + QStringLiteral(": the Qt SQLite driver gave no SQLite handle, so the connection cannot be secured")};
    for (const DbConfig& c : kHardening) {
        int now = -1;
        if (sqlite3_db_config(h, c.op, c.value, &now) != SQLITE_OK || now != c.value)
            return Error{QStringLiteral("%1: SQLite refused the setting %2 = %3").arg(path, QLatin1String(c.name)).arg(c.value)};
    }
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA trusted_schema = OFF")))
        return Error{QStringLiteral("%1: PRAGMA trusted_schema failed").arg(path)};
    return Status::success();
}

Status verifyConnectionSettings(const ProjectStore::Impl& d)
{
    sqlite3* h = sqliteHandle(d.db);
    for (const DbConfig& c : kHardening)
        if (!h || readDbConfig(h, c.op) != c.value)
            return d.error(QStringLiteral("the SQLite setting %1 did not take effect").arg(QLatin1String(c.name)));
    if (!d.readOnly) {
        Result<QVariant> journal = d.scalar(QStringLiteral("PRAGMA journal_mode"));
        if (!journal.ok())
            return Error{journal.error()};
        if (journal->toString().toLower() != QLatin1String("wal"))
            return d.error(QStringLiteral("SQLite could not use its write-ahead log here (journal mode is '%1'); "
                                          "edits would not be safe: copy the project to a local disk")
                               .arg(journal->toString()));
        Result<QVariant> sync = d.scalar(QStringLiteral("PRAGMA synchronous"));
        if (!sync.ok())
            return Error{sync.error()};
        if (sync->toInt() != 2)
            return d.error(QStringLiteral("SQLite's synchronous level is %1, not FULL (2): a committed edit could be "
                                          "lost in a power cut")
                               .arg(sync->toInt()));
    }
    if (d.mmapOff) {
        Result<QVariant> mmap = d.scalar(QStringLiteral("PRAGMA mmap_size"));
        if (!mmap.ok())
            return Error{mmap.error()};
        if (mmap->toLongLong() != 0)
            return d.error(QStringLiteral("memory-mapped reads stayed on (%1 bytes) on a removable or network mount")
                               .arg(mmap->toLongLong()));
    }
    return Status::success();
}

Result<QStringList> foreignSchemaObjects(const QSqlDatabase& db, const QString& path, const QString& schema)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // Virtual tables and views have no b-tree of their own (rootpage 0).
    const QString sql = QStringLiteral("SELECT type, name, sql FROM \"%1\".sqlite_master WHERE type IN ('trigger', 'view') "
                                       "OR (type = 'table' AND (rootpage = 0 OR sql LIKE 'CREATE VIRTUAL%')) ORDER BY type, name")
                            .arg(schema);
    if (!q.exec(sql))
        return Error{QStringLiteral("%1: reading its schema failed: %2").arg(path, q.lastError().text())};
    const QStringList allowed = appSchemaObjects();
    QStringList found;
    while (q.next()) {
        const QString type = q.value(0).toString();
        const QString name = q.value(1).toString();
        if (allowed.contains(name.toLower()))
            continue;
        const bool isVirtual = type == QLatin1String("table");
        found << QStringLiteral("%1 '%2'").arg(isVirtual ? QStringLiteral("virtual table") : type, name);
    }
    return found;
}

Status refuseForeignSchemaObjects(const ProjectStore::Impl& d)
{
    Result<QStringList> found = foreignSchemaObjects(d.db, d.path);
    if (!found.ok()) {
        const QString e = found.error();
        if (e.contains(QLatin1String("not a database")) || e.contains(QLatin1String("malformed")))
            return d.error(QStringLiteral("damaged or not a SQLite database (%1)").arg(e.section(": ", -1)));
        return Error{e};
    }
    if (found->isEmpty())
        return Status::success();
    return d.error(QStringLiteral("contains SQL that MicroAction Studio projects never have (%1); it could run on its own "
                                  "when the file is opened or edited, so the project was not opened. To keep its "
                                  "annotations, make a cleaned copy: mastudio-cli project clean \"%2\" CLEANED.mas")
                       .arg(found->join(QStringLiteral(", ")), d.path));
}

QString describeConnection(const ProjectStore::Impl& d)
{
    auto pragma = [&](const char* name) {
        Result<QVariant> v = d.scalar(QStringLiteral("PRAGMA %1").arg(QLatin1String(name)));
        return v.ok() ? v->toString() : QStringLiteral("?");
    };
    QStringList parts{QStringLiteral("journal_mode=") + pragma("journal_mode"),
                      QStringLiteral("synchronous=") + pragma("synchronous"),
                      QStringLiteral("mmap_size=") + pragma("mmap_size"),
                      QStringLiteral("trusted_schema=") + pragma("trusted_schema")};
    if (sqlite3* h = sqliteHandle(d.db))
        for (const DbConfig& c : kHardening)
            if (qstrcmp(c.name, "trusted_schema") != 0)
                parts << QStringLiteral("%1=%2").arg(QLatin1String(c.name)).arg(readDbConfig(h, c.op));
    if (d.immutable)
        parts << QStringLiteral("immutable=1");
    return parts.join(' ');
}

} // namespace mas::store
