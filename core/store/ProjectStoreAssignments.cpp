// ProjectStore's assignments: a curator gives an annotator a participant (all their videos) or one
// video; ClipFilter::assignedTo lists the clips so assigned ("My work").
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"

namespace mas::store {
namespace {

// The name recorded as who assigned: the current annotator, else the server user.
QString assigner(const ProjectStore::Impl& d)
{
    if (!d.currentAnnotatorName.isEmpty() || !d.isServer())
        return d.currentAnnotatorName;
    Result<QVariant> user = d.scalar(QStringLiteral("SELECT current_user"));
    return user.ok() ? user->toString() : QString();
}

} // namespace

Result<Id> ProjectStore::assign(Id annotatorId, Id participantId, Id videoId)
{
    if ((participantId > 0) == (videoId > 0))
        return d->error(QStringLiteral("an assignment names one participant or one video"));
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("assigning work")); !s.ok())
        return Error{s.error()};
    const QString column = participantId > 0 ? QStringLiteral("participant_id") : QStringLiteral("video_id");
    const qlonglong target = participantId > 0 ? participantId : videoId;
    Result<QVariant> existing = d->scalar(
        QStringLiteral("SELECT id FROM assignments WHERE annotator_id = ? AND %1 = ?").arg(column),
        {qlonglong(annotatorId), target});
    if (!existing.ok())
        return Error{existing.error()};
    if (!existing->isNull())
        return Id(existing->toLongLong());
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    const QString by = assigner(*d);
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("INSERT INTO assignments(annotator_id, participant_id, video_id, assigned_by, assigned_ms) "
                       "VALUES(?, ?, ?, ?, ?)"),
        {qlonglong(annotatorId), nullableId(participantId), nullableId(videoId), notNullText(by), nowMs()});
    if (!q.ok()) {
        if (q.error().contains(QLatin1String("foreign key"), Qt::CaseInsensitive))
            return d->error(QStringLiteral("no annotator with id %1 or no %2 with id %3")
                                .arg(annotatorId)
                                .arg(participantId > 0 ? QStringLiteral("participant") : QStringLiteral("video"))
                                .arg(target));
        return Error{q.error()};
    }
    const Id id = q->lastInsertId().toLongLong();
    if (Status s = d->logEdit(QStringLiteral("assignment.add"), QStringLiteral("assignment"), id, {},
                              {{"annotator_id", qint64(annotatorId)}, {column, qint64(target)}, {"by", by}});
        !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Status ProjectStore::unassign(Id assignmentId)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("removing an assignment")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM assignments WHERE id = ?"), {qlonglong(assignmentId)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() != 1)
        return d->error(QStringLiteral("no assignment with id %1").arg(assignmentId));
    if (Status s = d->logEdit(QStringLiteral("assignment.remove"), QStringLiteral("assignment"), assignmentId, {}, {}); !s.ok())
        return s;
    return tx.commit();
}

Result<QVector<Assignment>> ProjectStore::assignments(Id annotatorId) const
{
    QString sql = QStringLiteral(
        "SELECT a.id, a.annotator_id, n.name, a.participant_id, p.code, a.video_id, v.path, a.assigned_by, a.assigned_ms "
        "FROM assignments a JOIN annotators n ON n.id = a.annotator_id "
        "LEFT JOIN participants p ON p.id = a.participant_id LEFT JOIN videos v ON v.id = a.video_id");
    QVariantList binds;
    if (annotatorId > 0) {
        sql += QStringLiteral(" WHERE a.annotator_id = ?");
        binds << qlonglong(annotatorId);
    }
    // Participants before videos on both back ends (they sort NULLs differently).
    sql += QStringLiteral(" ORDER BY n.name, a.participant_id IS NULL, p.code, v.path, a.id");
    Result<QSqlQuery> q = d->exec(sql, binds);
    if (!q.ok())
        return Error{q.error()};
    QVector<Assignment> out;
    while (q->next()) {
        Assignment a;
        a.id = q->value(0).toLongLong();
        a.annotatorId = q->value(1).toLongLong();
        a.annotatorName = q->value(2).toString();
        a.participantId = q->value(3).toLongLong();
        a.participantCode = q->value(4).toString();
        a.videoId = q->value(5).toLongLong();
        a.videoPath = q->value(6).toString();
        a.assignedBy = q->value(7).toString();
        a.assigned = fromMs(q->value(8).toLongLong());
        out << a;
    }
    return out;
}

} // namespace mas::store
