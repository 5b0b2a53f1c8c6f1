#pragma once
// Internal to core/store: the state behind a ProjectStore and the SQL helpers its parts share.
#include "store/ProjectLock.h"
#include "store/ProjectStore.h"
#include "store/ServerUrl.h"
#include "store/SqlDialect.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

namespace mas::store {

struct ProjectStore::Impl {
    QString path;            // absolute; for a server project its URL without password
    QString dir;             // folder of the file; for a server project the video root (MAS_VIDEO_ROOT, or the stored one)
    SqlDialect dialect;      // SQLite file or PostgreSQL server
    std::optional<ServerUrl> server; // set for a server project
    QString connectionName;  // unique per connection
    QSqlDatabase db;
    OpenMode mode = OpenMode::ReadWrite;
    bool readOnly = false;
    QString notice;
    Taxonomy taxonomy;
    ProjectMeta meta;
    Id currentAnnotatorId = 0;
    QString currentAnnotatorName;
    std::shared_ptr<ProjectLock> lock; // null when read-only
    int transactionDepth = 0;          // open Transactions; inner ones are savepoints
    bool immutable = false;            // read-only media: opened with SQLite's immutable=1 (no -shm possible)
    bool mmapOff = false;              // removable or network mount: no memory-mapped reads
    int reconnects = 0;                // server connection re-opened after it was lost (ServerConnection.h)
    QStringList channelsToListenAgain; // LISTENed before the connection was lost, until it is back
    QString slowReconnectFailure;      // a reconnect that failed only after waiting (ServerConnection.cpp)
    qint64 slowReconnectFailedAtMs = 0;
    ProjectRole role = ProjectRole::Admin; // a file's one user is admin; a server's from its roles (ServerRoles.h)

    bool isServer() const { return dialect.isServer(); }
    // Whether a video's file is there is this client's business on a server (each member has the
    // clips under their own root) and on a read-only store: checked on read, never written.
    bool missingPerClient() const { return readOnly || isServer(); }
    ~Impl();

    // "P.mas: <what>: <driver message>"
    Error sqlError(const QString& what, const QSqlQuery& query) const;
    Error error(const QString& what) const { return Error{path + QStringLiteral(": ") + what}; }
    Status requireWritable() const;
    // Refuses `what` ("making a split plan") below `needed`: "... needs the curator role; you are an
    // annotator on postgresql://..." (ProjectStoreRoles.cpp).
    Status requireRole(ProjectRole needed, const QString& what) const;
    // Annotators change only their own rows (created by the current annotator); others need a curator.
    Status requireOwnOrCurator(Id ownerAnnotatorId, const QString& what) const;

    // Prepares and runs `sql` with positional `binds`; the query is positioned before its first row.
    // On a server, a statement outside a transaction that fails on a lost connection (the server
    // restarted) reconnects once and runs again: nothing was in flight that could be lost.
    Result<QSqlQuery> exec(const QString& sql, const QVariantList& binds = {}) const;
    // The first column of the first row, or `fallback` when there is no row.
    Result<QVariant> scalar(const QString& sql, const QVariantList& binds = {}, const QVariant& fallback = {}) const;

    // Appends to edit_log (inside the caller's transaction); on a server also NOTIFYs the other
    // clients (delivered when the transaction commits).
    Status logEdit(const QString& action, const QString& entity, Id entityId, const QJsonObject& before,
                   const QJsonObject& after);
    // Recomputes segments.status/class_id from the segment's labels (inside the caller's transaction).
    Status recomputeVerdict(Id segmentId);
    // The same for many segments (bulk label writes, the 1 -> 2 migration); `cancel` may be null.
    Status recomputeVerdicts(const QVector<Id>& segmentIds, const std::atomic_bool* cancel = nullptr);

    // A read-only store never writes the missing flags (open() refreshes them only when writable):
    // it checks the file whenever it hands out a video instead.
    void checkMissingOnRead(Video& video) const;

    QString toProjectRelative(const QString& path) const;
    QString toAbsolute(const QString& projectRelative) const;
};

// BEGIN IMMEDIATE (SQLite) or BEGIN (PostgreSQL) .. COMMIT, rolled back unless commit() succeeded. IMMEDIATE takes the write lock up
// front, so two connections never deadlock upgrading read locks. Inside another open Transaction
// (ProjectStore::inOneTransaction) it is a SAVEPOINT: its commit is kept only if the outer one commits.
class Transaction {
public:
    explicit Transaction(ProjectStore::Impl& impl);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const Status& status() const { return m_status; }
    Status commit();
    void rollback();

private:
    ProjectStore::Impl& m_impl;
    Status m_status;
    bool m_open = false;
    QString m_savepoint;     // non-empty when nested
};

// --- the connection's safety (ProjectConnection.cpp) -------------------------------------------
// Defensive mode on, the schema untrusted (no functions with side effects from it), triggers and
// views off, extension loading off: the app's schema has no trigger or view, and those of a file
// from someone else would run on open and on every edit. Errors name `path`.
Status hardenConnection(QSqlDatabase& db, const QString& path);
// After the pragmas: a writable store really runs WAL with synchronous=FULL, and mmap is as asked.
Status verifyConnectionSettings(const ProjectStore::Impl& d);
// Triggers, views and virtual tables that the app's schema does not have, as "trigger 'x'";
// `schema` is "main" or an attached database's name.
Result<QStringList> foreignSchemaObjects(const QSqlDatabase& db, const QString& path, const QString& schema = QStringLiteral("main"));
// Refuses a file with such objects, saying how to make a cleaned copy.
Status refuseForeignSchemaObjects(const ProjectStore::Impl& d);
// "journal_mode=wal synchronous=2 mmap_size=268435456 trusted_schema=0 defensive=1 triggers=0 views=0"
QString describeConnection(const ProjectStore::Impl& d);

inline qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
inline QDateTime fromMs(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); }
inline QVariant nullableId(Id id) { return id > 0 ? QVariant(qlonglong(id)) : QVariant(QMetaType(QMetaType::LongLong)); }
QString compactJson(const QJsonObject& object);
// Qt binds a null QString as SQL NULL; text columns are NOT NULL with '' for "none".
inline QVariant notNullText(const QVariant& v)
{
    return (v.typeId() == QMetaType::QString && v.toString().isNull()) ? QVariant(QStringLiteral("")) : v;
}

// Segment verdict from its labels, ordered oldest first (see ProjectStore::verdictRule).
struct Verdict {
    SegmentStatus status = SegmentStatus::Unlabeled;
    int classId = -1;
};
Verdict verdictOf(const QVector<Label>& labelsOldestFirst);

// JSON of entities for the edit log.
QJsonObject toJson(const Label& label);
QJsonObject toJson(const Segment& segment);
QJsonObject toJson(const Video& video);

// Reads the row at the query's current position.
Video videoFromRow(const QSqlQuery& q);     // SELECT kVideoColumns
Segment segmentFromRow(const QSqlQuery& q); // SELECT kSegmentColumns
Label labelFromRow(const QSqlQuery& q);     // SELECT kLabelColumns
inline constexpr char kVideoColumns[] =
    "id, path, content_hash, participant_id, duration_s, fps_num, fps_den, frame_count, width, height, rotation, "
    "has_audio, missing, added_ms";
inline constexpr char kSegmentColumns[] =
    "id, video_id, start_frame, end_frame, note, created_by, created_ms, status, class_id, row_version";
inline constexpr char kLabelColumns[] = "id, segment_id, class_id, annotator_id, status, time_ms, row_version";

} // namespace mas::store
