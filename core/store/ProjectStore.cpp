// Opening, creating and migrating project files; meta, annotators and participants.
#include "store/ProjectStore.h"

#include "store/ProjectFileCheck.h"
#include "store/ProjectStorage.h"
#include "store/ProjectStoreImpl.h"
#include "store/Schema.h"
#include "store/ServerConnection.h"
#include "store/ServerModelBlobs.h"
#include "store/ServerRoles.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

#include <atomic>

namespace mas::store {
namespace {

QString appVersion()
{
    const QString v = QCoreApplication::applicationVersion();
    return v.isEmpty() ? QStringLiteral("unknown") : v;
}

QString uniqueConnectionName()
{
    static std::atomic<qint64> counter{0};
    return QStringLiteral("mas_store_%1_%2")
        .arg(++counter)
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()), 0, 16);
}

// Opens the SQLite connection, hardens it and sets the per-connection pragmas; checks that the
// durability settings took effect.
Status connect(ProjectStore::Impl& d)
{
    if (d.isServer())
        return connectServer(d, false);
    d.connectionName = uniqueConnectionName();
    d.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d.connectionName);
    if (!d.db.isValid())
        return d.error(QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (d.immutable) {
        // Read-only media: SQLite can make no -shm file there, and nobody can change the file, so it
        // is read as immutable (no locks, no shared memory).
        d.db.setDatabaseName(QUrl::fromLocalFile(d.path).toString(QUrl::FullyEncoded) + QStringLiteral("?immutable=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI");
    } else {
        d.db.setDatabaseName(d.path);
    }
    if (d.readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    d.db.setConnectOptions(options);
    if (!d.db.open())
        return d.error(QStringLiteral("cannot open (%1)").arg(d.db.lastError().text()));
    if (Status s = hardenConnection(d.db, d.path); !s.ok())
        return s;
    // Durability: WAL + synchronous=FULL syncs the log at every commit, so a committed edit survives
    // a kill -9 and a power cut. foreign_keys gives ON DELETE CASCADE and catches dangling ids.
    // A clip list of MA-52's size reads ~15 MB: a bigger page cache and memory-mapped reads keep
    // the open and the filters of the clip browser from spending their time in pread(). Not on a
    // removable or network mount: there a vanished file turns a mapped read into SIGBUS.
    QStringList pragmas{QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA cache_size = -65536"),
                        d.mmapOff ? QStringLiteral("PRAGMA mmap_size = 0") : QStringLiteral("PRAGMA mmap_size = 268435456"),
                        QStringLiteral("PRAGMA temp_store = MEMORY")};
    if (!d.readOnly)
        pragmas << QStringLiteral("PRAGMA journal_mode = WAL") << QStringLiteral("PRAGMA synchronous = FULL");
    for (const QString& pragma : pragmas) {
        Result<QSqlQuery> q = d.exec(pragma);
        if (!q.ok())
            return Error{q.error()};
    }
    return verifyConnectionSettings(d);
}

Result<QString> metaValue(const ProjectStore::Impl& d, const char* key)
{
    Result<QVariant> v = d.scalar(QStringLiteral("SELECT value FROM project_meta WHERE key = ?"),
                                  {QString::fromLatin1(key)});
    if (!v.ok())
        return Error{v.error()};
    return v->toString();
}

Status setMeta(ProjectStore::Impl& d, const char* key, const QString& value)
{
    Result<QSqlQuery> q = d.exec(QStringLiteral("INSERT INTO project_meta(key, value) VALUES(?, ?) "
                                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                                 {QString::fromLatin1(key), value});
    return q.ok() ? Status::success() : Status(Error{q.error()});
}

// The 1 -> 2 back-fill: every segment's verdict from its labels.
Status backfillVerdicts(ProjectStore::Impl& d)
{
    Result<QSqlQuery> ids = d.exec(QStringLiteral("SELECT DISTINCT segment_id FROM labels"));
    if (!ids.ok())
        return Error{ids.error()};
    QVector<Id> segments;
    while (ids->next())
        segments << ids->value(0).toLongLong();
    return d.recomputeVerdicts(segments);
}

Status migrate(ProjectStore::Impl& d, int fromVersion)
{
    // A copy as it was, for anyone who must go back to the older app.
    // (A server migrates in one transaction, DDL included: it is all done or not at all.)
    const QString backup = d.isServer() ? QString() : QStringLiteral("%1.schema%2.bak").arg(d.path).arg(fromVersion);
    if (!backup.isEmpty() && !QFileInfo::exists(backup)) {
        Result<QSqlQuery> b = d.exec(QStringLiteral("VACUUM INTO ?"), {backup}); // SQLite-specific
        if (!b.ok())
            return Error{b.error()};
    }
    Transaction tx(d);
    if (!tx.status().ok())
        return tx.status();
    if (d.isServer()) {
        // Several clients may open an old server project at once: one migrates, the others wait for
        // it here and then find the schema current.
        if (Result<QSqlQuery> l = d.exec(QStringLiteral("LOCK TABLE project_meta IN EXCLUSIVE MODE")); !l.ok())
            return Error{l.error()};
        Result<QString> now = metaValue(d, schema::kSchemaVersionKey);
        if (!now.ok())
            return Error{now.error()};
        if (now->toInt() >= kCurrentSchemaVersion)
            return tx.commit();
        fromVersion = now->toInt();
    }
    for (int v = fromVersion; v < kCurrentSchemaVersion; ++v) {
        for (const QString& statement : schema::migrationStatements(v)) {
            Result<QSqlQuery> q = d.exec(d.dialect.ddl(statement));
            if (!q.ok())
                return d.error(QStringLiteral("upgrading schema %1 to %2 failed: %3").arg(v).arg(v + 1).arg(q.error()));
        }
    }
    // New tables get the team roles' privileges (a server whose roles exist).
    if (d.isServer())
        if (Status s = grantTableRights(d); !s.ok())
            return s;
    // After every step's statements: the back-fill reads the current columns.
    if (fromVersion == 1)
        if (Status s = backfillVerdicts(d); !s.ok())
            return s;
    if (Status s = setMeta(d, schema::kSchemaVersionKey, QString::number(kCurrentSchemaVersion)); !s.ok())
        return s;
    QJsonObject before{{"schema", fromVersion}}, after{{"schema", kCurrentSchemaVersion}, {"backup", backup.isEmpty() ? QString() : QFileInfo(backup).fileName()}};
    if (Status s = d.logEdit(QStringLiteral("project.migrate"), QStringLiteral("project"), 0, before, after); !s.ok())
        return s;
    return tx.commit();
}

// Reads and checks project_meta; migrates when older and writable; loads the taxonomy.
Status loadProject(ProjectStore::Impl& d)
{
    Result<QVariant> hasMeta = d.scalar(d.dialect.tableExists(), {QStringLiteral("project_meta")});
    const QString kind = d.isServer() ? QStringLiteral("a PostgreSQL database") : QStringLiteral("a SQLite database");
    if (!hasMeta.ok()) {
        const QString e = hasMeta.error();
        if (e.contains(QLatin1String("not a database")) || e.contains(QLatin1String("malformed")))
            return d.error(QStringLiteral("damaged or not a SQLite database (%1)").arg(e.section(": ", -1)));
        return Error{e};
    }
    if (hasMeta->toInt() == 0)
        return d.error(QStringLiteral("%1 but not a MicroAction Studio project (no project_meta table)").arg(kind));
    Result<QString> application = metaValue(d, schema::kApplicationKey);
    if (!application.ok()) {
        if (d.isServer() && application.error().contains(QLatin1String("permission denied")))
            return d.error(QStringLiteral("you have no role in this project yet; its admin runs `mastudio-cli project "
                                          "grant %1 USER annotator` (%2)").arg(d.path, application.error().section(": ", -1)));
        return Error{application.error()};
    }
    if (application.value() != QLatin1String(schema::kApplicationValue))
        return d.error(QStringLiteral("%1 but not a MicroAction Studio project (application '%2')")
                           .arg(kind, application.value()));
    Result<QString> versionText = metaValue(d, schema::kSchemaVersionKey);
    if (!versionText.ok())
        return Error{versionText.error()};
    bool numeric = false;
    const int version = versionText->toInt(&numeric);
    if (!numeric || version < 1)
        return d.error(QStringLiteral("damaged project (schema version '%1')").arg(versionText.value()));
    if (version > kCurrentSchemaVersion)
        return d.error(QStringLiteral("made by a newer MicroAction Studio (schema %1 > %2); update the app to open it")
                           .arg(version)
                           .arg(kCurrentSchemaVersion));
    if (version < kCurrentSchemaVersion) {
        if (d.readOnly)
            return d.error(QStringLiteral("uses the older schema %1 and is open read-only; open it read-write once to "
                                          "upgrade it to schema %2")
                               .arg(version)
                               .arg(kCurrentSchemaVersion));
        if (Status s = migrate(d, version); !s.ok())
            return s;
    }
    d.meta.schemaVersion = kCurrentSchemaVersion;
    d.meta.appVersion = metaValue(d, schema::kAppVersionKey).value();
    d.meta.lastAppVersion = metaValue(d, schema::kLastAppVersionKey).value();
    d.meta.taxonomyVersion = metaValue(d, schema::kTaxonomyVersionKey).value();
    d.meta.created = fromMs(metaValue(d, schema::kCreatedKey).value().toLongLong());
    Result<QString> tsv = metaValue(d, schema::kTaxonomyTsvKey);
    if (!tsv.ok())
        return Error{tsv.error()};
    Result<Taxonomy> taxonomy = Taxonomy::fromTsvText(tsv.value(), d.path + QStringLiteral(" (stored taxonomy)"),
                                                      d.meta.taxonomyVersion);
    if (!taxonomy.ok())
        return d.error(QStringLiteral("its stored taxonomy is unreadable: %1").arg(taxonomy.error()));
    d.taxonomy = taxonomy.value();
    if (d.isServer()) {
        // Videos of a server project are found under each client's own root.
        const QString root = qEnvironmentVariable("MAS_VIDEO_ROOT");
        const QString stored = metaValue(d, schema::kVideoRootKey).value();
        d.dir = !root.isEmpty() ? QDir(root).absolutePath() : !stored.isEmpty() ? stored : QDir::currentPath();
    }
    // An annotator may not write project_meta (server privileges); the version is noted by others.
    if (!d.readOnly && d.role >= ProjectRole::Curator && d.meta.lastAppVersion != appVersion()) {
        if (Status s = setMeta(d, schema::kLastAppVersionKey, appVersion()); !s.ok())
            return s;
        d.meta.lastAppVersion = appVersion();
    }
    return Status::success();
}

// Creates the schema and the meta rows in one transaction (all of it or nothing).
Status buildProject(ProjectStore::Impl& d, const Taxonomy& taxonomy)
{
    Transaction tx(d);
    if (!tx.status().ok())
        return tx.status();
    for (const QString& statement : schema::createStatements(kCurrentSchemaVersion)) {
        Result<QSqlQuery> q = d.exec(d.dialect.ddl(statement));
        if (!q.ok())
            return Error{q.error()};
    }
    const qint64 created = nowMs();
    const std::pair<const char*, QString> meta[] = {
        {schema::kApplicationKey, QString::fromLatin1(schema::kApplicationValue)},
        {schema::kSchemaVersionKey, QString::number(kCurrentSchemaVersion)},
        {schema::kAppVersionKey, appVersion()},
        {schema::kLastAppVersionKey, appVersion()},
        {schema::kTaxonomyVersionKey, taxonomy.version()},
        {schema::kTaxonomyTsvKey, taxonomy.toTsv()},
        {schema::kCreatedKey, QString::number(created)},
    };
    for (const auto& [key, value] : meta)
        if (Status s = setMeta(d, key, value); !s.ok())
            return s;
    if (d.isServer()) {
        if (Status s = setMeta(d, schema::kVideoRootKey, d.dir); !s.ok())
            return s;
        if (Status s = ensureModelBlobTable(d); !s.ok())
            return s;
        // The team roles, when this user may make them (else `project create` prints the SQL).
        if (Result<bool> roles = ensureGroupRoles(d); !roles.ok())
            return Error{roles.error()};
        if (Status s = grantTableRights(d); !s.ok())
            return s;
    }
    if (Status s = d.logEdit(QStringLiteral("project.create"), QStringLiteral("project"), 0, {},
                              {{"taxonomy", taxonomy.version()}, {"classes", taxonomy.classCount()}});
        !s.ok())
        return s;
    return tx.commit();
}

// Takes the process lock for a writable open; decides read-only for PreferReadWrite.
Status lockForMode(ProjectStore::Impl& d)
{
    d.readOnly = d.mode == OpenMode::ReadOnly;
    if (d.readOnly)
        return Status::success();
    std::optional<ProjectLock::HeldElsewhere> held;
    Result<std::shared_ptr<ProjectLock>> lock = ProjectLock::acquire(d.path, &held);
    if (lock.ok()) {
        d.lock = lock.value();
        return Status::success();
    }
    if (!held)
        return Error{lock.error()};
    const QString who = held->pid > 0 ? QStringLiteral(" (pid %1)").arg(held->pid) : QString();
    const QString name = QFileInfo(d.path).fileName();
    if (d.mode == OpenMode::PreferReadWrite) {
        d.readOnly = true;
        d.notice = QStringLiteral("%1 is open in another MicroAction Studio process%2; opened read-only").arg(name, who);
        return Status::success();
    }
    return Error{QStringLiteral("%1 is open in another MicroAction Studio process%2; close it there or open it read-only (%3)")
                     .arg(name, who, d.path)};
}

// What the server's roles let this user do (before loading: an annotator does not write meta).
Status readServerRole(ProjectStore::Impl& d)
{
    Result<ProjectRole> role = serverRole(d);
    if (!role.ok())
        return Error{role.error()};
    d.role = role.value();
    return Status::success();
}

} // namespace

// ---------------------------------------------------------------------------------------------

static Result<std::unique_ptr<ProjectStore::Impl>> serverImpl(const QString& url, OpenMode mode)
{
    Result<ServerUrl> parsed = ServerUrl::parse(url);
    if (!parsed.ok())
        return Error{parsed.error()};
    auto d = std::make_unique<ProjectStore::Impl>();
    d->server = parsed.value();
    d->dialect.backend = Backend::PostgreSQL;
    d->path = parsed->display();
    const QString root = qEnvironmentVariable("MAS_VIDEO_ROOT");
    d->dir = root.isEmpty() ? QDir::currentPath() : QDir(root).absolutePath();
    d->mode = mode;
    d->readOnly = mode == OpenMode::ReadOnly;
    return d;
}

ProjectStore::ProjectStore(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}

Result<std::unique_ptr<ProjectStore>> ProjectStore::createOnServer(const QString& url, const Taxonomy& taxonomy,
                                                                   const QString& annotator)
{
    Result<std::unique_ptr<Impl>> made = serverImpl(url, OpenMode::ReadWrite);
    if (!made.ok())
        return Error{made.error()};
    std::unique_ptr<Impl> d = std::move(made).value();
    if (taxonomy.classCount() == 0)
        return d->error(QStringLiteral("the taxonomy has no classes"));
    if (Status s = connectServer(*d, true); !s.ok())
        return Error{s.error()};
    if (Status s = decideServerMode(*d); !s.ok())
        return Error{s.error()};
    if (Status s = readServerRole(*d); !s.ok())
        return Error{s.error()};
    Result<QVariant> tables = d->scalar(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"));
    if (!tables.ok())
        return Error{tables.error()};
    if (tables->toInt() > 0) {
        Result<QVariant> ours = d->scalar(d->dialect.tableExists(), {QStringLiteral("project_meta")});
        return d->error(ours.ok() && ours->toInt() > 0
                            ? QStringLiteral("a project already exists in this database; not overwriting a project")
                            : QStringLiteral("the database is not empty (%1 tables); a project needs an empty database")
                                  .arg(tables->toInt()));
    }
    if (Status s = buildProject(*d, taxonomy); !s.ok())
        return Error{s.error()};
    if (Status s = loadProject(*d); !s.ok())
        return Error{s.error()};
    std::unique_ptr<ProjectStore> store(new ProjectStore(std::move(d)));
    if (!annotator.isEmpty())
        if (Result<Id> a = store->setCurrentAnnotator(annotator); !a.ok())
            return Error{a.error()};
    return store;
}

Result<std::unique_ptr<ProjectStore>> ProjectStore::openOnServer(const QString& url, OpenMode mode)
{
    Result<std::unique_ptr<Impl>> made = serverImpl(url, mode);
    if (!made.ok())
        return Error{made.error()};
    std::unique_ptr<Impl> d = std::move(made).value();
    if (Status s = connectServer(*d, false); !s.ok())
        return Error{s.error()};
    if (Status s = decideServerMode(*d); !s.ok())
        return Error{s.error()};
    if (Status s = readServerRole(*d); !s.ok())
        return Error{s.error()};
    if (Status s = loadProject(*d); !s.ok())
        return Error{s.error()};
    if (!d->readOnly && d->role >= ProjectRole::Curator)
        if (Status s = ensureModelBlobTable(*d); !s.ok())
            return Error{s.error()};
    // No missing-file flags are written: each client checks its own copies when it reads a video.
    return std::unique_ptr<ProjectStore>(new ProjectStore(std::move(d)));
}
ProjectStore::~ProjectStore() = default;

ProjectStore::Impl::~Impl()
{
    if (db.isValid()) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
    }
}

Result<std::unique_ptr<ProjectStore>> ProjectStore::create(const QString& path, const Taxonomy& taxonomy,
                                                           const QString& annotator)
{
    if (isServerUrl(path))
        return createOnServer(path, taxonomy, annotator);
    auto d = std::make_unique<Impl>();
    d->path = QFileInfo(path).absoluteFilePath();
    d->dir = QFileInfo(d->path).absolutePath();
    if (QFileInfo::exists(d->path))
        return Error{QStringLiteral("%1: already exists; not overwriting a project").arg(path)};
    if (!QFileInfo(d->dir).isDir())
        return Error{QStringLiteral("%1: the folder %2 does not exist").arg(path, d->dir)};
    if (taxonomy.classCount() == 0)
        return Error{QStringLiteral("%1: the taxonomy has no classes").arg(path)};
    d->mode = OpenMode::ReadWrite;
    d->mmapOff = inspectProjectStorage(d->path).removableOrNetwork;
    if (Status s = lockForMode(*d); !s.ok())
        return Error{s.error()};
    if (Status s = connect(*d); !s.ok()) {
        QFile::remove(d->path);
        return Error{s.error()};
    }
    // All of it or nothing: a failed create leaves no half-made project behind.
    Status built = buildProject(*d, taxonomy);
    if (!built.ok()) {
        d.reset();
        QFile::remove(QFileInfo(path).absoluteFilePath());
        return Error{built.error()};
    }
    if (Status s = loadProject(*d); !s.ok())
        return Error{s.error()};
    std::unique_ptr<ProjectStore> store(new ProjectStore(std::move(d)));
    if (!annotator.isEmpty())
        if (Result<Id> a = store->setCurrentAnnotator(annotator); !a.ok())
            return Error{a.error()};
    return store;
}

Result<std::unique_ptr<ProjectStore>> ProjectStore::open(const QString& path, OpenMode mode)
{
    if (isServerUrl(path))
        return openOnServer(path, mode);
    if (Status s = checkProjectFileBytes(path); !s.ok())
        return Error{s.error()};
    auto d = std::make_unique<Impl>();
    d->path = QFileInfo(path).absoluteFilePath();
    d->dir = QFileInfo(d->path).absolutePath();
    d->mode = mode;
    // Read-only media and read-only files open read-only, whatever was asked, and say so.
    const ProjectStorage storage = inspectProjectStorage(d->path);
    d->mmapOff = storage.removableOrNetwork;
    if (const QString why = storage.readOnlyReason(QFileInfo(d->path).fileName()); !why.isEmpty()) {
        d->mode = OpenMode::ReadOnly;
        d->notice = why;
        d->immutable = storage.readOnlyMedia || storage.folderNotWritable;
    }
    if (Status s = lockForMode(*d); !s.ok())
        return Error{s.error()};
    if (Status s = connect(*d); !s.ok())
        return Error{s.error()};
    // Before anything reads or writes a row: a file carrying its own triggers, views or virtual
    // tables is refused (the connection already keeps triggers and views from running).
    if (Status s = refuseForeignSchemaObjects(*d); !s.ok())
        return Error{s.error()};
    if (Status s = loadProject(*d); !s.ok())
        return Error{s.error()};
    std::unique_ptr<ProjectStore> store(new ProjectStore(std::move(d)));
    if (!store->isReadOnly())
        if (Result<int> missing = store->refreshMissingFlags(); !missing.ok())
            return Error{missing.error()};
    return store;
}

Result<std::unique_ptr<ProjectStore>> ProjectStore::openAnotherConnection() const
{
    // Same process: the lock registry hands the new connection this one's lock.
    auto d2 = std::make_unique<Impl>();
    d2->path = d->path;
    d2->dir = d->dir;
    if (d->isServer()) {
        d2->server = d->server;
        d2->dialect = d->dialect;
        d2->mode = d->readOnly ? OpenMode::ReadOnly : OpenMode::ReadWrite;
        d2->readOnly = d->readOnly;
        d2->role = d->role;
        if (Status s = connectServer(*d2, false); !s.ok())
            return Error{s.error()};
        if (Status s = loadProject(*d2); !s.ok())
            return Error{s.error()};
        d2->notice = d->notice;
        d2->currentAnnotatorId = d->currentAnnotatorId;
        d2->currentAnnotatorName = d->currentAnnotatorName;
        return std::unique_ptr<ProjectStore>(new ProjectStore(std::move(d2)));
    }
    d2->mode = d->readOnly ? OpenMode::ReadOnly : OpenMode::ReadWrite;
    d2->immutable = d->immutable;
    d2->mmapOff = d->mmapOff;
    if (Status s = lockForMode(*d2); !s.ok())
        return Error{s.error()};
    if (Status s = connect(*d2); !s.ok())
        return Error{s.error()};
    if (Status s = loadProject(*d2); !s.ok())
        return Error{s.error()};
    d2->notice = d->notice;
    d2->currentAnnotatorId = d->currentAnnotatorId;
    d2->currentAnnotatorName = d->currentAnnotatorName;
    return std::unique_ptr<ProjectStore>(new ProjectStore(std::move(d2)));
}

QString ProjectStore::path() const { return d->path; }
QString ProjectStore::projectDir() const { return d->dir; }

QString ProjectStore::cacheDir() const
{
    return cacheFolder(*d);
}

bool ProjectStore::isReadOnly() const { return d->readOnly; }
QString ProjectStore::connectionSettings() const
{
    return d->isServer() ? describeServerConnection(*d) : describeConnection(*d);
}
QString ProjectStore::notice() const { return d->notice; }
ProjectMeta ProjectStore::meta() const { return d->meta; }
const Taxonomy& ProjectStore::taxonomy() const { return d->taxonomy; }

Result<QString> ProjectStore::integrityCheck() const
{
    if (d->isServer()) {
        // The server keeps its pages consistent itself (checksums, WAL); what can be checked here is
        // that the database answers.
        Result<QVariant> v = d->scalar(QStringLiteral("SELECT 'ok'"));
        return v.ok() ? Result<QString>(v->toString()) : Result<QString>(Error{v.error()});
    }
    Result<QSqlQuery> q = d->exec(QStringLiteral("PRAGMA integrity_check"));
    if (!q.ok())
        return Error{q.error()};
    QStringList lines;
    while (q->next())
        lines << q->value(0).toString();
    return lines.join('\n');
}

Result<Id> ProjectStore::setCurrentAnnotator(const QString& name)
{
    Result<Id> id = ensureAnnotator(name);
    if (!id.ok())
        return id;
    d->currentAnnotatorId = id.value();
    d->currentAnnotatorName = name;
    return id;
}

Id ProjectStore::currentAnnotatorId() const { return d->currentAnnotatorId; }

Result<Id> ProjectStore::ensureAnnotator(const QString& name)
{
    if (name.trimmed().isEmpty())
        return d->error(QStringLiteral("an annotator needs a name"));
    Result<QVariant> existing = d->scalar(QStringLiteral("SELECT id FROM annotators WHERE name = ?"), {name});
    if (!existing.ok())
        return Error{existing.error()};
    if (!existing->isNull())
        return Id(existing->toLongLong());
    if (Status s = d->requireWritable(); !s.ok())
        return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    Result<QSqlQuery> q = d->exec(QStringLiteral("INSERT INTO annotators(name, created_ms) VALUES(?, ?)"), {name, nowMs()});
    if (!q.ok())
        return Error{q.error()};
    const Id id = q->lastInsertId().toLongLong();
    if (Status s = d->logEdit(QStringLiteral("annotator.add"), QStringLiteral("annotator"), id, {}, {{"name", name}}); !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Result<QVector<Annotator>> ProjectStore::annotators() const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT id, name, created_ms FROM annotators ORDER BY id"));
    if (!q.ok())
        return Error{q.error()};
    QVector<Annotator> out;
    while (q->next())
        out.push_back({q->value(0).toLongLong(), q->value(1).toString(), fromMs(q->value(2).toLongLong())});
    return out;
}

Result<Id> ProjectStore::ensureParticipant(const QString& code)
{
    if (code.trimmed().isEmpty())
        return d->error(QStringLiteral("a participant needs a code"));
    Result<QVariant> existing = d->scalar(QStringLiteral("SELECT id FROM participants WHERE code = ?"), {code});
    if (!existing.ok())
        return Error{existing.error()};
    if (!existing->isNull())
        return Id(existing->toLongLong());
    if (Status s = d->requireWritable(); !s.ok())
        return Error{s.error()};
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("adding a participant")); !s.ok())
        return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    Result<QSqlQuery> q = d->exec(QStringLiteral("INSERT INTO participants(code) VALUES(?)"), {code});
    if (!q.ok())
        return Error{q.error()};
    const Id id = q->lastInsertId().toLongLong();
    if (Status s = d->logEdit(QStringLiteral("participant.add"), QStringLiteral("participant"), id, {}, {{"code", code}});
        !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Result<QVector<Participant>> ProjectStore::participants() const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT id, code, note FROM participants ORDER BY code"));
    if (!q.ok())
        return Error{q.error()};
    QVector<Participant> out;
    while (q->next())
        out.push_back({q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString()});
    return out;
}

QString ProjectStore::verdictRule()
{
    return QStringLiteral(
        "A segment's status follows from its labels: any disputed label, or confirmed labels naming different "
        "classes, make it disputed; otherwise any confirmed label makes it confirmed (the latest one's class); "
        "otherwise any prelabel makes it prelabeled (the latest one's class); a segment whose labels are all "
        "rejected is rejected; one without labels is unlabeled.");
}

} // namespace mas::store
