// ProjectStore::copyTo: a project moved between back ends (file <-> server) row by row, ids kept.
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "store/Schema.h"
#include "store/ServerModelBlobs.h"

#include <QFile>
#include <QFileInfo>
#include <QDir>

#include <QSqlDriver>
#include <QSqlRecord>

namespace mas::store {
namespace {

struct TableOrder {
    const char* name;
    const char* orderBy;
    bool serialId; // an `id` column fed by a sequence on a server
};
// Parents before children, so that foreign keys hold after every row.
constexpr TableOrder kTables[] = {
    {"project_meta", "key", false},        {"annotators", "id", true},     {"participants", "id", true},
    {"videos", "id", true},                {"segments", "id", true},       {"labels", "id", true},
    {"model_versions", "id", true},        {"predictions", "id", true},    {"split_plans", "id", true},
    {"split_assignments", "plan_id, entity_id", false}, {"assignments", "id", true}, {"edit_log", "id", true},
};

QStringList columnsOf(const QSqlDatabase& db, const QString& table)
{
    const QSqlRecord r = db.record(table);
    QStringList names;
    for (int i = 0; i < r.count(); ++i)
        names << r.fieldName(i);
    return names;
}

// Copies one table's rows; a server gets them as multi-row INSERTs (few round trips), a file
// through one prepared statement.
Status copyTable(const ProjectStore::Impl& from, ProjectStore::Impl& to, const TableOrder& t)
{
    const QString table = QString::fromLatin1(t.name);
    const QStringList columns = columnsOf(from.db, table);
    const QStringList target = columnsOf(to.db, table);
    for (const QString& c : columns)
        if (!target.contains(c, Qt::CaseInsensitive))
            return to.error(QStringLiteral("has no column %1.%2 that %3 has").arg(table, c, from.path));
    Result<QSqlQuery> rows = from.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY %3")
                                           .arg(columns.join(QStringLiteral(", ")), table, QLatin1String(t.orderBy)));
    if (!rows.ok())
        return Error{rows.error()};
    const QString insert = QStringLiteral("INSERT INTO %1(%2) VALUES ").arg(table, columns.join(QStringLiteral(", ")));
    QStringList marks;
    for (int i = 0; i < columns.size(); ++i)
        marks << QStringLiteral("?");
    const QString rowMarks = '(' + marks.join(',') + ')';
    if (!to.isServer()) {
        QSqlQuery q(to.db);
        if (!q.prepare(insert + rowMarks))
            return to.sqlError(QStringLiteral("copying %1").arg(table), q);
        while (rows->next()) {
            for (int i = 0; i < columns.size(); ++i)
                q.bindValue(i, rows->value(i));
            if (!q.exec())
                return to.sqlError(QStringLiteral("copying %1").arg(table), q);
        }
        return Status::success();
    }
    constexpr int kBatch = 500;
    QStringList values;
    auto flush = [&]() -> Status {
        if (values.isEmpty())
            return Status::success();
        QSqlQuery q(to.db);
        const bool done = q.exec(insert + values.join(','));
        values.clear();
        return done ? Status::success() : Status(to.sqlError(QStringLiteral("copying %1").arg(table), q));
    };
    while (rows->next()) {
        QVariantList row;
        for (int i = 0; i < columns.size(); ++i)
            row << rows->value(i);
        values << SqlDialect::inlineBinds(rowMarks, row, to.db.driver());
        if (values.size() == kBatch)
            if (Status s = flush(); !s.ok())
                return s;
    }
    if (Status s = flush(); !s.ok())
        return s;
    if (t.serialId) {
        // The next id after the copied ones.
        Result<QSqlQuery> q = to.exec(QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                                                     "coalesce((SELECT max(id) FROM %1), 0) + 1, false)")
                                          .arg(table));
        if (!q.ok())
            return Error{q.error()};
    }
    return Status::success();
}

// Checkpoint files follow their versions: into the database for a server copy, into the copy's
// cache folder for a file copy (checkpoint_path then names the copy's own file).
Status copyCheckpoints(const ProjectStore::Impl& from, const QVector<ModelVersion>& versions, ProjectStore::Impl& to)
{
    for (const ModelVersion& v : versions) {
        if (v.checkpointPath.isEmpty())
            continue;
        const QString source = from.toAbsolute(v.checkpointPath);
        if (!QFileInfo::exists(source))
            continue; // nothing to carry (a file moved away is reported where it is used)
        QString stored;
        if (to.isServer()) {
            if (Status s = uploadCheckpoint(to, v.id, source, &stored); !s.ok())
                return s;
        } else {
            const QString target = QStringLiteral("%1/models/%2/%3").arg(cacheFolder(to)).arg(v.id).arg(QFileInfo(source).fileName());
            QDir().mkpath(QFileInfo(target).absolutePath());
            QFile::remove(target);
            if (!QFile::copy(source, target))
                return to.error(QStringLiteral("cannot copy the checkpoint %1 to %2").arg(source, target));
            stored = to.toProjectRelative(target);
        }
        if (Result<QSqlQuery> q = to.exec(QStringLiteral("UPDATE model_versions SET checkpoint_path = ? WHERE id = ?"),
                                          {stored, qlonglong(v.id)});
            !q.ok())
            return Error{q.error()};
    }
    return Status::success();
}

} // namespace

Result<std::unique_ptr<ProjectStore>> ProjectStore::copyTo(const QString& destination) const
{
    Result<std::unique_ptr<ProjectStore>> made = create(destination, d->taxonomy);
    if (!made.ok())
        return made;
    Impl& to = *made.value()->d;
    Status copied = [&]() -> Status {
        Transaction tx(to);
        if (!tx.status().ok())
            return tx.status();
        // What create() wrote (meta, its edit-log row) gives way to the source's rows.
        for (auto t = std::rbegin(kTables); t != std::rend(kTables); ++t)
            if (Result<QSqlQuery> q = to.exec(QStringLiteral("DELETE FROM %1").arg(QLatin1String(t->name))); !q.ok())
                return Error{q.error()};
        for (const TableOrder& t : kTables)
            if (Status s = copyTable(*d, to, t); !s.ok())
                return s;
        // A server copy finds the videos where this project does; a file's are beside it (the key
        // is not part of the file format).
        Result<QSqlQuery> root = to.isServer()
            ? to.exec(QStringLiteral("INSERT INTO project_meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET "
                                     "value = excluded.value"),
                      {QString::fromLatin1(schema::kVideoRootKey), d->dir})
            : to.exec(QStringLiteral("DELETE FROM project_meta WHERE key = ?"), {QString::fromLatin1(schema::kVideoRootKey)});
        if (!root.ok())
            return Error{root.error()};
        Result<QVector<ModelVersion>> versions = modelVersions(); // a server's fetched into this client's cache
        if (!versions.ok())
            return Error{versions.error()};
        if (Status s = copyCheckpoints(*d, versions.value(), to); !s.ok())
            return s;
        return tx.commit();
    }();
    if (!copied.ok())
        return Error{QStringLiteral("copying %1 to %2 failed: %3").arg(d->path, to.path, copied.error())};
    made.value().reset();
    return open(destination);
}

} // namespace mas::store
