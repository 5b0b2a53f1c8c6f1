// Read-only queries for the clip browser, `project info` and the provenance view.
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"

#include <QFileInfo>

namespace mas::store {

Result<QVector<ClipRow>> ProjectStore::clipRows(const ClipFilter& filter) const
{
    const std::optional<ModelVersion> active = activeModelVersion();
    QString sql = QStringLiteral(
        "SELECT s.id, s.video_id, v.path, v.participant_id, pa.code, s.start_frame, s.end_frame, s.status, s.class_id, "
        "p.top1_class_id, p.top1_score "
        "FROM segments s JOIN videos v ON v.id = s.video_id "
        "LEFT JOIN participants pa ON pa.id = v.participant_id "
        "LEFT JOIN predictions p ON p.segment_id = s.id AND p.model_version_id = ?");
    QVariantList binds{qlonglong(active ? active->id : 0)};
    QStringList where;
    if (filter.status) {
        where << QStringLiteral("s.status = ?");
        binds << int(*filter.status);
    }
    if (filter.classId) {
        where << QStringLiteral("s.class_id = ?");
        binds << *filter.classId;
    }
    if (filter.bodyPartId) {
        QStringList ids;
        for (int c : d->taxonomy.classesOfBodyPart(*filter.bodyPartId))
            ids << QString::number(c);
        where << (ids.isEmpty() ? QStringLiteral("0 = 1") : QStringLiteral("s.class_id IN (%1)").arg(ids.join(',')));
    }
    if (filter.predictedClassId) {
        where << QStringLiteral("p.top1_class_id = ?");
        binds << *filter.predictedClassId;
    }
    if (filter.participantId) {
        where << QStringLiteral("v.participant_id = ?");
        binds << qlonglong(*filter.participantId);
    }
    if (filter.videoId) {
        where << QStringLiteral("s.video_id = ?");
        binds << qlonglong(*filter.videoId);
    }
    if (filter.minScore) {
        where << QStringLiteral("p.top1_score >= ?");
        binds << double(*filter.minScore);
    }
    if (filter.maxScore) {
        where << QStringLiteral("p.top1_score <= ?");
        binds << double(*filter.maxScore);
    }
    if (filter.assignedTo) {
        where << QStringLiteral("(s.video_id IN (SELECT video_id FROM assignments WHERE annotator_id = ? AND video_id IS NOT NULL) "
                                "OR v.participant_id IN (SELECT participant_id FROM assignments WHERE annotator_id = ? "
                                "AND participant_id IS NOT NULL))");
        binds << qlonglong(*filter.assignedTo) << qlonglong(*filter.assignedTo);
    }
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY v.path, s.start_frame, s.id");
    if (filter.limit >= 0) {
        sql += QStringLiteral(" LIMIT ? OFFSET ?");
        binds << filter.limit << filter.offset;
    }
    Result<QSqlQuery> q = d->exec(sql, binds);
    if (!q.ok())
        return Error{q.error()};
    QVector<ClipRow> rows;
    while (q->next()) {
        ClipRow r;
        r.segmentId = q->value(0).toLongLong();
        r.videoId = q->value(1).toLongLong();
        r.videoPath = q->value(2).toString();
        r.participantId = q->value(3).toLongLong();
        r.participantCode = q->value(4).toString();
        r.startFrame = q->value(5).toLongLong();
        r.endFrame = q->value(6).toLongLong();
        r.status = SegmentStatus(q->value(7).toInt());
        r.classId = q->value(8).toInt();
        const QVariant predicted = q->value(9);
        r.predictedClassId = predicted.isNull() ? -1 : predicted.toInt();
        r.predictedScore = float(q->value(10).toDouble());
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<ProjectCounts> ProjectStore::counts() const
{
    ProjectCounts c;
    const struct {
        const char* sql;
        int* target;
    } singles[] = {
        {"SELECT count(*) FROM videos", &c.videos},
        {"SELECT count(*) FROM videos WHERE missing = 1", &c.missingVideos},
        {"SELECT count(*) FROM participants", &c.participants},
        {"SELECT count(*) FROM segments", &c.segments},
        {"SELECT count(*) FROM labels", &c.labels},
        {"SELECT count(*) FROM model_versions", &c.modelVersions},
        {"SELECT count(*) FROM predictions", &c.predictions},
        {"SELECT count(*) FROM split_plans", &c.splitPlans},
        {"SELECT count(*) FROM edit_log", &c.editLogEntries},
    };
    for (const auto& s : singles) {
        Result<QVariant> v = d->scalar(QString::fromLatin1(s.sql));
        if (!v.ok())
            return Error{v.error()};
        *s.target = v->toInt();
    }
    if (d->missingPerClient()) {
        // The stored flags are as of the last writable open; count what is on disk now.
        Result<QSqlQuery> paths = d->exec(QStringLiteral("SELECT path FROM videos"));
        if (!paths.ok())
            return Error{paths.error()};
        c.missingVideos = 0;
        while (paths->next())
            c.missingVideos += QFileInfo::exists(d->toAbsolute(paths->value(0).toString())) ? 0 : 1;
    }
    Result<QSqlQuery> byStatus = d->exec(QStringLiteral("SELECT status, count(*) FROM labels GROUP BY status"));
    if (!byStatus.ok())
        return Error{byStatus.error()};
    while (byStatus->next())
        if (const int s = byStatus->value(0).toInt(); s >= 0 && s < 4)
            c.labelsByStatus[s] = byStatus->value(1).toInt();
    c.segmentsPerClass.fill(0, d->taxonomy.classCount());
    int maxBodyPart = -1;
    for (const BodyPart& b : d->taxonomy.bodyParts())
        maxBodyPart = std::max(maxBodyPart, b.id);
    c.segmentsPerBodyPart.fill(0, maxBodyPart + 1);
    Result<QSqlQuery> verdicts = d->exec(QStringLiteral("SELECT status, class_id, count(*) FROM segments GROUP BY status, class_id"));
    if (!verdicts.ok())
        return Error{verdicts.error()};
    while (verdicts->next()) {
        const int status = verdicts->value(0).toInt();
        const int classId = verdicts->value(1).toInt();
        const int n = verdicts->value(2).toInt();
        if (status >= -1 && status < 4)
            c.segmentsByStatus[status + 1] += n;
        if (status == int(SegmentStatus::Unlabeled) || status == int(SegmentStatus::Rejected))
            continue; // no class stands for these
        if (classId >= 0 && classId < c.segmentsPerClass.size())
            c.segmentsPerClass[classId] += n;
        if (const int b = d->taxonomy.bodyPartOfClass(classId); b >= 0 && b < c.segmentsPerBodyPart.size())
            c.segmentsPerBodyPart[b] += n;
    }
    return c;
}

Result<QVector<EditLogEntry>> ProjectStore::editLog(int limit, Id beforeId) const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT id, who, time_ms, action, entity, entity_id, before_json, after_json "
                                                 "FROM edit_log WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"),
                                  {qlonglong(beforeId), qlonglong(beforeId), limit});
    if (!q.ok())
        return Error{q.error()};
    QVector<EditLogEntry> out;
    while (q->next())
        out.push_back({q->value(0).toLongLong(), q->value(1).toString(), fromMs(q->value(2).toLongLong()),
                       q->value(3).toString(), q->value(4).toString(), q->value(5).toLongLong(), q->value(6).toString(),
                       q->value(7).toString()});
    return out;
}

} // namespace mas::store
