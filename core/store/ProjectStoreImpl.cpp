// SQL helpers, transactions, the edit log and segment verdicts shared by the ProjectStore parts.
#include "store/ProjectStoreImpl.h"

#include "store/ServerConnection.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

namespace mas::store {

Error ProjectStore::Impl::sqlError(const QString& what, const QSqlQuery& query) const
{
    const QSqlError e = query.lastError();
    QString text = e.databaseText().isEmpty() ? e.text() : e.databaseText();
    // Callers tell constraint failures apart by SQLite's words; PostgreSQL's are mapped to them.
    if (isServer() && SqlDialect::isUniqueViolation(e))
        text = QStringLiteral("UNIQUE constraint failed (%1)").arg(text.trimmed());
    else if (isServer() && SqlDialect::isForeignKeyViolation(e))
        text = QStringLiteral("FOREIGN KEY constraint failed (%1)").arg(text.trimmed());
    if (text.contains(QLatin1String("database is locked")))
        text += QStringLiteral(" (another connection kept it busy for more than 5 s)");
    return error(QStringLiteral("%1 failed: %2").arg(what, text));
}

Status ProjectStore::Impl::requireWritable() const
{
    if (!readOnly)
        return Status::success();
    return error(notice.isEmpty() ? QStringLiteral("opened read-only; the change was not made")
                                  : notice + QStringLiteral("; the change was not made"));
}

namespace {

Result<QSqlQuery> runStatement(const ProjectStore::Impl& d, const QString& sql, const QVariantList& binds)
{
    QSqlQuery q(d.db);
    // Forward-only on QPSQL streams rows (single-row mode), and another query on the connection
    // before the last row is read would drop the rest: a server's results are fetched whole.
    q.setForwardOnly(!d.isServer());
    if (d.dialect.inlinesValues()) {
        QVariantList values;
        values.reserve(binds.size());
        for (const QVariant& v : binds)
            values << notNullText(v);
        if (!q.exec(SqlDialect::inlineBinds(sql, values, d.db.driver())))
            return d.sqlError(sql.section(' ', 0, 2), q);
        return q;
    }
    if (!q.prepare(sql))
        return d.sqlError(sql.section(' ', 0, 2), q);
    for (int i = 0; i < binds.size(); ++i)
        q.bindValue(i, notNullText(binds[i]));
    if (!q.exec())
        return d.sqlError(sql.section(' ', 0, 2), q);
    return q;
}

} // namespace

Result<QSqlQuery> ProjectStore::Impl::exec(const QString& sql, const QVariantList& binds) const
{
    // A connection closed by a failed reconnect is not tried (Qt would only warn): it is reopened.
    const bool closed = isServer() && !db.isOpen() && transactionDepth == 0;
    Result<QSqlQuery> q = closed ? Result<QSqlQuery>(error(QStringLiteral("not connected"))) : runStatement(*this, sql, binds);
    if (q.ok() || !isServer() || transactionDepth > 0 || (!closed && serverConnectionAlive(*this)))
        return q;
    // Reconnecting swaps the connection under this const store, not what it holds.
    if (Status s = reconnectServer(const_cast<Impl&>(*this)); !s.ok())
        return Error{s.error()};
    return runStatement(*this, sql, binds);
}

Result<QVariant> ProjectStore::Impl::scalar(const QString& sql, const QVariantList& binds, const QVariant& fallback) const
{
    Result<QSqlQuery> q = exec(sql, binds);
    if (!q.ok())
        return Error{q.error()};
    return q->next() ? q->value(0) : fallback;
}

Status ProjectStore::Impl::logEdit(const QString& action, const QString& entity, Id entityId, const QJsonObject& before,
                                   const QJsonObject& after)
{
    Result<QSqlQuery> q = exec(QStringLiteral("INSERT INTO edit_log(who, time_ms, action, entity, entity_id, before_json, "
                                              "after_json) VALUES(?, ?, ?, ?, ?, ?, ?)"),
                               {currentAnnotatorName, nowMs(), action, entity, qlonglong(entityId),
                                before.isEmpty() ? QString() : compactJson(before),
                                after.isEmpty() ? QString() : compactJson(after)});
    if (!q.ok())
        return Error{q.error()};
    if (isServer()) {
        // Delivered to the listening clients when (and only if) the transaction commits.
        Result<QSqlQuery> n = exec(QStringLiteral("SELECT pg_notify('mas_edits', ?)"),
                                   {QStringLiteral("%1:%2").arg(entity).arg(entityId)});
        if (!n.ok())
            return Error{n.error()};
    }
    return Status::success();
}

Status ProjectStore::Impl::recomputeVerdicts(const QVector<Id>& segmentIds, const std::atomic_bool* cancel)
{
    // Two statements prepared once for the whole batch: preparing them per segment costs more than
    // running them.
    QSqlQuery select(db);
    select.setForwardOnly(!isServer());
    if (!select.prepare(QStringLiteral("SELECT %1 FROM labels WHERE segment_id = ? ORDER BY time_ms, id")
                            .arg(QLatin1String(kLabelColumns))))
        return sqlError(QStringLiteral("preparing the verdict query"), select);
    QSqlQuery update(db);
    if (!update.prepare(QStringLiteral("UPDATE segments SET status = ?, class_id = ? WHERE id = ?")))
        return sqlError(QStringLiteral("preparing the verdict update"), update);
    QVector<Label> labels;
    for (Id segmentId : segmentIds) {
        if (cancel && cancel->load())
            return error(QStringLiteral("cancelled; nothing was changed"));
        select.bindValue(0, qlonglong(segmentId));
        if (!select.exec())
            return sqlError(QStringLiteral("reading the labels of segment %1").arg(segmentId), select);
        labels.clear();
        while (select.next())
            labels << labelFromRow(select);
        select.finish();
        const Verdict v = verdictOf(labels);
        update.bindValue(0, int(v.status));
        update.bindValue(1, v.classId);
        update.bindValue(2, qlonglong(segmentId));
        if (!update.exec())
            return sqlError(QStringLiteral("storing the verdict of segment %1").arg(segmentId), update);
    }
    return Status::success();
}

Status ProjectStore::Impl::recomputeVerdict(Id segmentId)
{
    Result<QSqlQuery> q = exec(QStringLiteral("SELECT %1 FROM labels WHERE segment_id = ? ORDER BY time_ms, id")
                                   .arg(QLatin1String(kLabelColumns)),
                               {qlonglong(segmentId)});
    if (!q.ok())
        return Error{q.error()};
    QVector<Label> labels;
    while (q->next())
        labels << labelFromRow(q.value());
    const Verdict v = verdictOf(labels);
    Result<QSqlQuery> u = exec(QStringLiteral("UPDATE segments SET status = ?, class_id = ? WHERE id = ?"),
                               {int(v.status), v.classId, qlonglong(segmentId)});
    return u.ok() ? Status::success() : Status(Error{u.error()});
}

void ProjectStore::Impl::checkMissingOnRead(Video& video) const
{
    if (missingPerClient())
        video.missing = !QFileInfo::exists(toAbsolute(video.path));
}

QString ProjectStore::Impl::toProjectRelative(const QString& path) const
{
    if (QDir::isRelativePath(path))
        return QDir::cleanPath(path);
    return QDir(dir).relativeFilePath(QDir::cleanPath(path));
}

QString ProjectStore::Impl::toAbsolute(const QString& projectRelative) const
{
    if (QDir::isAbsolutePath(projectRelative))
        return projectRelative;
    return QDir::cleanPath(dir + '/' + projectRelative);
}

// ---------------------------------------------------------------------------------------------

Transaction::Transaction(ProjectStore::Impl& impl) : m_impl(impl)
{
    if (Status s = impl.requireWritable(); !s.ok()) {
        m_status = s;
        return;
    }
    if (impl.transactionDepth > 0)
        m_savepoint = QStringLiteral("mas_nested_%1").arg(impl.transactionDepth);
    Result<QSqlQuery> q = impl.exec(m_savepoint.isEmpty() ? impl.dialect.beginWrite() : QStringLiteral("SAVEPOINT ") + m_savepoint);
    if (!q.ok()) {
        m_status = Error{q.error()};
    } else {
        m_open = true;
        ++impl.transactionDepth;
    }
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit()
{
    if (!m_open)
        return m_status.ok() ? Status(m_impl.error(QStringLiteral("no transaction to commit"))) : m_status;
    Result<QSqlQuery> q = m_impl.exec(m_savepoint.isEmpty() ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE ") + m_savepoint);
    if (!q.ok()) {
        rollback();
        return Error{q.error()};
    }
    m_open = false;
    --m_impl.transactionDepth;
    return Status::success();
}

void Transaction::rollback()
{
    if (!m_open)
        return;
    m_open = false;
    --m_impl.transactionDepth;
    QSqlQuery q(m_impl.db);
    if (m_savepoint.isEmpty()) {
        q.exec(QStringLiteral("ROLLBACK"));
    } else {
        q.exec(QStringLiteral("ROLLBACK TO ") + m_savepoint);
        q.exec(QStringLiteral("RELEASE ") + m_savepoint);
    }
}

// ---------------------------------------------------------------------------------------------

QString compactJson(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Verdict verdictOf(const QVector<Label>& labels)
{
    const Label* latestConfirmed = nullptr;
    const Label* latestPrelabel = nullptr;
    const Label* latestRejected = nullptr;
    bool disputed = false;
    bool confirmedDisagree = false;
    for (const Label& l : labels) {
        switch (l.status) {
        case LabelStatus::Disputed:
            disputed = true;
            break;
        case LabelStatus::Confirmed:
            if (latestConfirmed && latestConfirmed->classId != l.classId)
                confirmedDisagree = true;
            latestConfirmed = &l;
            break;
        case LabelStatus::Prelabeled:
            latestPrelabel = &l;
            break;
        case LabelStatus::Rejected:
            latestRejected = &l;
            break;
        }
    }
    if (disputed || confirmedDisagree) {
        // The class shown for a dispute: the latest confirmed, else the latest disputed one.
        int classId = latestConfirmed ? latestConfirmed->classId : -1;
        if (classId < 0)
            for (const Label& l : labels)
                if (l.status == LabelStatus::Disputed)
                    classId = l.classId;
        return {SegmentStatus::Disputed, classId};
    }
    if (latestConfirmed)
        return {SegmentStatus::Confirmed, latestConfirmed->classId};
    if (latestPrelabel)
        return {SegmentStatus::Prelabeled, latestPrelabel->classId};
    if (latestRejected)
        return {SegmentStatus::Rejected, latestRejected->classId};
    return {};
}

QJsonObject toJson(const Label& l)
{
    return {{"segment", qint64(l.segmentId)}, {"class", l.classId}, {"annotator", qint64(l.annotatorId)},
            {"status", statusName(l.status)}};
}

QJsonObject toJson(const Segment& s)
{
    return {{"video", qint64(s.videoId)}, {"start_frame", qint64(s.startFrame)}, {"end_frame", qint64(s.endFrame)},
            {"note", s.note}};
}

QJsonObject toJson(const Video& v)
{
    return {{"path", v.path}, {"hash", v.contentHash}, {"participant", qint64(v.participantId)}};
}

Video videoFromRow(const QSqlQuery& q)
{
    Video v;
    v.id = q.value(0).toLongLong();
    v.path = q.value(1).toString();
    v.contentHash = q.value(2).toString();
    v.participantId = q.value(3).toLongLong();
    v.durationSeconds = q.value(4).toDouble();
    v.fpsNum = q.value(5).toInt();
    v.fpsDen = q.value(6).toInt();
    v.frameCount = q.value(7).toLongLong();
    v.width = q.value(8).toInt();
    v.height = q.value(9).toInt();
    v.rotationDegrees = q.value(10).toInt();
    v.hasAudio = q.value(11).toInt() != 0;
    v.missing = q.value(12).toInt() != 0;
    v.added = fromMs(q.value(13).toLongLong());
    return v;
}

Segment segmentFromRow(const QSqlQuery& q)
{
    Segment s;
    s.id = q.value(0).toLongLong();
    s.videoId = q.value(1).toLongLong();
    s.startFrame = q.value(2).toLongLong();
    s.endFrame = q.value(3).toLongLong();
    s.note = q.value(4).toString();
    s.createdBy = q.value(5).toLongLong();
    s.created = fromMs(q.value(6).toLongLong());
    s.status = SegmentStatus(q.value(7).toInt());
    s.classId = q.value(8).toInt();
    s.rowVersion = q.value(9).toLongLong();
    return s;
}

Label labelFromRow(const QSqlQuery& q)
{
    Label l;
    l.id = q.value(0).toLongLong();
    l.segmentId = q.value(1).toLongLong();
    l.classId = q.value(2).toInt();
    l.annotatorId = q.value(3).toLongLong();
    l.status = LabelStatus(q.value(4).toInt());
    l.time = fromMs(q.value(5).toLongLong());
    l.rowVersion = q.value(6).toLongLong();
    return l;
}

} // namespace mas::store
