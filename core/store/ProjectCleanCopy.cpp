#include "store/ProjectCleanCopy.h"

#include "store/ProjectFileCheck.h"
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "store/Schema.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QUrl>

#include <atomic>

namespace mas::store {
namespace {

// The app's tables, in creation order (parents before children).
QStringList appTables()
{
    static const QRegularExpression create(QStringLiteral("^\\s*CREATE\\s+TABLE\\s+(\\w+)"), QRegularExpression::CaseInsensitiveOption);
    QStringList names;
    for (const QString& statement : schema::createStatements(kCurrentSchemaVersion))
        if (const QRegularExpressionMatch m = create.match(statement); m.hasMatch())
            names << m.captured(1);
    return names;
}

QStringList columnsOf(QSqlDatabase& db, const QString& schemaName, const QString& table)
{
    QSqlQuery q(db);
    QStringList columns;
    if (q.exec(QStringLiteral("PRAGMA \"%1\".table_info(\"%2\")").arg(schemaName, table)))
        while (q.next())
            columns << q.value(1).toString();
    return columns;
}

QString quoted(const QStringList& names)
{
    QStringList out;
    for (const QString& n : names)
        out << QLatin1Char('"') + QString(n).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return out.join(QStringLiteral(", "));
}

struct Connection {
    QString name;
    QSqlDatabase db;
    explicit Connection(const QString& path)
    {
        static std::atomic<int> counter{0};
        name = QStringLiteral("mas_clean_copy_%1").arg(++counter);
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI"));
    }
    ~Connection()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
};

Result<CleanCopyReport> copyInto(QSqlDatabase& db, const QString& source, const QString& target)
{
    auto fail = [&](const QString& what, const QSqlQuery& q) {
        return Error{QStringLiteral("%1: %2 failed: %3").arg(target, what, q.lastError().text())};
    };
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.exec(QStringLiteral("PRAGMA synchronous = FULL")))
        return fail(QStringLiteral("setting the journal"), q);
    q.prepare(QStringLiteral("ATTACH DATABASE ? AS src"));
    q.addBindValue(QUrl::fromLocalFile(source).toString(QUrl::FullyEncoded) + QStringLiteral("?mode=ro"));
    if (!q.exec())
        return Error{QStringLiteral("%1: cannot read it (%2)").arg(source, q.lastError().text())};

    CleanCopyReport report;
    Result<QStringList> foreign = foreignSchemaObjects(db, source, QStringLiteral("src"));
    if (!foreign.ok())
        return Error{foreign.error()};
    report.removed = foreign.value();
    QSqlQuery meta(db);
    if (!meta.exec(QStringLiteral("SELECT value FROM src.project_meta WHERE key = '%1'").arg(QLatin1String(schema::kSchemaVersionKey)))
        || !meta.next())
        return Error{QStringLiteral("%1: not a MicroAction Studio project (no schema version)").arg(source)};
    if (meta.value(0).toInt() != kCurrentSchemaVersion)
        return Error{QStringLiteral("%1: schema version %2; a cleaned copy is made of schema %3 projects only")
                         .arg(source, meta.value(0).toString())
                         .arg(kCurrentSchemaVersion)};
    meta.finish();

    const QStringList tables = appTables();
    QSet<QString> known;
    for (const QString& t : tables)
        known.insert(t.toLower());
    QSqlQuery others(db);
    if (others.exec(QStringLiteral("SELECT name FROM src.sqlite_master WHERE type = 'table' AND rootpage != 0 AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")))
        while (others.next())
            if (const QString n = others.value(0).toString(); !known.contains(n.toLower()) && !n.startsWith(QLatin1String("sqlite_")))
                report.removed << QStringLiteral("table '%1'").arg(n);

    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return fail(QStringLiteral("BEGIN"), q);
    for (const QString& statement : schema::createStatements(kCurrentSchemaVersion))
        if (!q.exec(statement))
            return fail(QStringLiteral("creating the schema"), q);
    for (const QString& table : tables) {
        const QStringList mine = columnsOf(db, QStringLiteral("main"), table);
        const QSet<QString> theirs = [&] {
            const QStringList c = columnsOf(db, QStringLiteral("src"), table);
            return QSet<QString>(c.begin(), c.end());
        }();
        QStringList shared;
        for (const QString& c : mine)
            if (theirs.contains(c))
                shared << c;
        if (shared.isEmpty())
            continue;
        QSqlQuery copy(db);
        if (!copy.exec(QStringLiteral("INSERT INTO main.\"%1\"(%2) SELECT %2 FROM src.\"%1\"").arg(table, quoted(shared))))
            return Error{QStringLiteral("%1: copying table %2 failed: %3").arg(source, table, copy.lastError().text())};
        report.rowsCopied += copy.numRowsAffected();
        ++report.tablesCopied;
    }
    QSqlQuery log(db);
    log.prepare(QStringLiteral("INSERT INTO edit_log(who, time_ms, action, entity, entity_id, before_json, after_json) "
                               "VALUES('', ?, 'project.clean', 'project', 0, ?, ?)"));
    log.addBindValue(nowMs());
    log.addBindValue(compactJson({{"source", QFileInfo(source).fileName()}, {"removed", QJsonArray::fromStringList(report.removed)}}));
    log.addBindValue(compactJson({{"tables", report.tablesCopied}, {"rows", report.rowsCopied}}));
    if (!log.exec())
        return fail(QStringLiteral("writing the edit log"), log);
    if (!q.exec(QStringLiteral("COMMIT")))
        return fail(QStringLiteral("COMMIT"), q);
    q.exec(QStringLiteral("DETACH DATABASE src"));
    return report;
}

} // namespace

Result<CleanCopyReport> writeCleanCopy(const QString& source, const QString& target)
{
    if (Status s = checkProjectFileBytes(source); !s.ok())
        return Error{s.error()};
    const QString out = QFileInfo(target).absoluteFilePath();
    if (QFileInfo::exists(out))
        return Error{QStringLiteral("%1: already exists; not overwriting a file").arg(target)};
    Result<CleanCopyReport> report = [&]() -> Result<CleanCopyReport> {
        Connection c(out);
        if (!c.db.open())
            return Error{QStringLiteral("%1: cannot create (%2)").arg(target, c.db.lastError().text())};
        if (Status s = hardenConnection(c.db, out); !s.ok())
            return Error{s.error()};
        return copyInto(c.db, QFileInfo(source).absoluteFilePath(), out);
    }();
    if (report.ok()) {
        // The copy must open as a project of its own.
        Result<std::unique_ptr<ProjectStore>> check = ProjectStore::open(out, OpenMode::ReadOnly);
        if (!check.ok())
            report = Error{QStringLiteral("%1: the cleaned copy does not open: %2").arg(target, check.error())};
    }
    if (!report.ok())
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(out + QLatin1String(suffix));
    return report;
}

bool carriesForeignSql(const QString& path)
{
    if (!checkProjectFileBytes(path).ok())
        return false;
    Connection c(QFileInfo(path).absoluteFilePath());
    c.db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!c.db.open() || !hardenConnection(c.db, path).ok())
        return false;
    Result<QStringList> found = foreignSchemaObjects(c.db, path);
    return found.ok() && !found->isEmpty();
}

QString suggestedCleanCopyPath(const QString& path)
{
    const QFileInfo info(path);
    QString candidate = info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-cleaned.mas");
    for (int n = 2; QFileInfo::exists(candidate); ++n)
        candidate = info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-cleaned-%1.mas").arg(n);
    return candidate;
}

} // namespace mas::store
