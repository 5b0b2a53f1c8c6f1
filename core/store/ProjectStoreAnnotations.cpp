// Segments and the labels on them. Every edit is one transaction with its edit-log row and the
// segment's recomputed verdict, committed (and synced) before the method returns.
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"

namespace mas::store {
namespace {

Status checkFrames(const ProjectStore::Impl& d, int64_t startFrame, int64_t endFrame)
{
    if (startFrame < 0 || endFrame <= startFrame)
        return d.error(QStringLiteral("a segment needs 0 <= start frame < end frame (end exclusive); got %1..%2")
                           .arg(startFrame)
                           .arg(endFrame));
    return Status::success();
}

Status checkClass(const ProjectStore::Impl& d, int classId)
{
    if (!d.taxonomy.classById(classId))
        return d.error(QStringLiteral("class id %1 is not in the project's taxonomy (%2, %3 classes)")
                           .arg(classId)
                           .arg(d.taxonomy.version())
                           .arg(d.taxonomy.classCount()));
    return Status::success();
}

// The refusal of an edit whose row changed since `expected` was read: who changed it, from the log.
Error conflictError(const ProjectStore::Impl& d, const QString& entity, Id id, int64_t expected)
{
    const QString table = entity == QLatin1String("segment") ? QStringLiteral("segments") : QStringLiteral("labels");
    Result<QVariant> now = d.scalar(QStringLiteral("SELECT row_version FROM %1 WHERE id = ?").arg(table), {qlonglong(id)});
    QString who = QStringLiteral("another annotator");
    QString when;
    if (Result<QSqlQuery> q = d.exec(QStringLiteral("SELECT who, time_ms FROM edit_log WHERE entity = ? AND entity_id = ? "
                                                    "ORDER BY id DESC LIMIT 1"),
                                     {entity, qlonglong(id)});
        q.ok() && q->next()) {
        if (!q->value(0).toString().isEmpty())
            who = q->value(0).toString();
        when = QStringLiteral(" at %1").arg(fromMs(q->value(1).toLongLong()).toString(Qt::ISODate));
    }
    if (now.ok() && now->isNull())
        return d.error(QStringLiteral("%1 %2 was removed by %3%4; the edit was not made").arg(entity).arg(id).arg(who, when));
    return d.error(QStringLiteral("%1 %2 was changed by %3%4 after you read it (version %5, now %6); nothing was "
                                  "overwritten: reload it and edit again")
                       .arg(entity)
                       .arg(id)
                       .arg(who, when)
                       .arg(expected)
                       .arg(now.ok() ? now->toLongLong() : -1));
}

} // namespace

Result<Id> ProjectStore::addSegment(Id videoId, int64_t startFrame, int64_t endFrame, const QString& note)
{
    QVector<Id> ids;
    Result<int> n = addSegments({NewSegment{videoId, startFrame, endFrame, note}}, {}, &ids);
    if (!n.ok())
        return Error{n.error()};
    return ids.value(0);
}

Result<int> ProjectStore::addSegments(const QVector<NewSegment>& segments, const BatchControl& control, QVector<Id>* ids)
{
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    QSqlQuery insert(d->db);
    if (!insert.prepare(QStringLiteral("INSERT INTO segments(video_id, start_frame, end_frame, note, created_by, "
                                       "created_ms) VALUES(?, ?, ?, ?, ?, ?)")))
        return d->sqlError(QStringLiteral("preparing the segment insert"), insert);
    QVector<Id> added;
    added.reserve(segments.size());
    const qint64 now = nowMs();
    for (int i = 0; i < segments.size(); ++i) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("adding segments cancelled; nothing was added"));
        const NewSegment& s = segments[i];
        if (Status ok = checkFrames(*d, s.startFrame, s.endFrame); !ok.ok())
            return Error{ok.error()};
        insert.bindValue(0, qlonglong(s.videoId));
        insert.bindValue(1, qlonglong(s.startFrame));
        insert.bindValue(2, qlonglong(s.endFrame));
        insert.bindValue(3, notNullText(s.note));
        insert.bindValue(4, nullableId(d->currentAnnotatorId));
        insert.bindValue(5, now);
        if (!insert.exec())
            return d->sqlError(QStringLiteral("adding a segment to video %1").arg(s.videoId), insert);
        added << insert.lastInsertId().toLongLong();
        if (segments.size() == 1) {
            Segment logged;
            logged.videoId = s.videoId;
            logged.startFrame = s.startFrame;
            logged.endFrame = s.endFrame;
            logged.note = s.note;
            if (Status st = d->logEdit(QStringLiteral("segment.add"), QStringLiteral("segment"), added.back(), {},
                                       toJson(logged));
                !st.ok())
                return Error{st.error()};
        }
        if (control.progress && (i % 256 == 255 || i + 1 == segments.size()))
            control.progress(i + 1, segments.size());
    }
    if (segments.size() > 1)
        if (Status st = d->logEdit(QStringLiteral("segment.add_batch"), QStringLiteral("segment"), added.value(0), {},
                                   {{"count", int(added.size())}, {"first_id", qint64(added.value(0))},
                                    {"last_id", qint64(added.value(added.size() - 1))}});
            !st.ok())
            return Error{st.error()};
    if (Status st = tx.commit(); !st.ok())
        return Error{st.error()};
    if (ids)
        *ids = added;
    return int(added.size());
}

Status ProjectStore::updateSegment(Id segmentId, int64_t startFrame, int64_t endFrame, const QString& note,
                                  int64_t expectedRowVersion)
{
    if (Status s = checkFrames(*d, startFrame, endFrame); !s.ok())
        return s;
    Result<Segment> before = segment(segmentId);
    if (!before.ok())
        return Error{before.error()};
    if (Status s = d->requireOwnOrCurator(before->createdBy, QStringLiteral("changing another annotator's segment")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    const int64_t expected = expectedRowVersion > 0 ? expectedRowVersion : before->rowVersion;
    Result<QSqlQuery> q = d->exec(QStringLiteral("UPDATE segments SET start_frame = ?, end_frame = ?, note = ?, "
                                                 "row_version = row_version + 1 WHERE id = ? AND row_version = ?"),
                                  {qlonglong(startFrame), qlonglong(endFrame), note, qlonglong(segmentId), qlonglong(expected)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() != 1)
        return conflictError(*d, QStringLiteral("segment"), segmentId, expected);
    Segment after = before.value();
    after.startFrame = startFrame;
    after.endFrame = endFrame;
    after.note = note;
    if (Status s = d->logEdit(QStringLiteral("segment.update"), QStringLiteral("segment"), segmentId,
                              toJson(before.value()), toJson(after));
        !s.ok())
        return s;
    return tx.commit();
}

Status ProjectStore::removeSegment(Id segmentId, int64_t expectedRowVersion)
{
    Result<Segment> before = segment(segmentId);
    if (!before.ok())
        return Error{before.error()};
    if (Status s = d->requireOwnOrCurator(before->createdBy, QStringLiteral("removing another annotator's segment")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    const int64_t expected = expectedRowVersion > 0 ? expectedRowVersion : before->rowVersion;
    Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM segments WHERE id = ? AND row_version = ?"),
                                  {qlonglong(segmentId), qlonglong(expected)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() != 1)
        return conflictError(*d, QStringLiteral("segment"), segmentId, expected);
    if (Status s = d->logEdit(QStringLiteral("segment.remove"), QStringLiteral("segment"), segmentId,
                              toJson(before.value()), {});
        !s.ok())
        return s;
    return tx.commit();
}

Result<Segment> ProjectStore::segment(Id segmentId) const
{
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("SELECT %1 FROM segments WHERE id = ?").arg(QLatin1String(kSegmentColumns)), {qlonglong(segmentId)});
    if (!q.ok())
        return Error{q.error()};
    if (!q->next())
        return d->error(QStringLiteral("no segment with id %1").arg(segmentId));
    return segmentFromRow(q.value());
}

Result<QVector<Segment>> ProjectStore::segmentsOfVideo(Id videoId) const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM segments WHERE video_id = ? ORDER BY start_frame, id")
                                      .arg(QLatin1String(kSegmentColumns)),
                                  {qlonglong(videoId)});
    if (!q.ok())
        return Error{q.error()};
    QVector<Segment> out;
    while (q->next())
        out << segmentFromRow(q.value());
    return out;
}

// --- labels -----------------------------------------------------------------------------------

Result<Id> ProjectStore::addLabel(Id segmentId, int classId, LabelStatus status, Id annotatorId)
{
    if (Status s = checkClass(*d, classId); !s.ok())
        return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    Label l;
    l.segmentId = segmentId;
    l.classId = classId;
    l.annotatorId = annotatorId > 0 ? annotatorId : d->currentAnnotatorId;
    if (Status s = d->requireOwnOrCurator(l.annotatorId, QStringLiteral("adding a label for another annotator")); !s.ok())
        return Error{s.error()};
    l.status = status;
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(?, ?, ?, ?, ?)"),
        {qlonglong(segmentId), classId, nullableId(l.annotatorId), int(status), nowMs()});
    if (!q.ok()) {
        if (q.error().contains(QLatin1String("FOREIGN KEY")))
            return d->error(QStringLiteral("no segment with id %1 (or no annotator with id %2)").arg(segmentId).arg(l.annotatorId));
        return Error{q.error()};
    }
    const Id id = q->lastInsertId().toLongLong();
    if (Status s = d->recomputeVerdict(segmentId); !s.ok())
        return Error{s.error()};
    if (Status s = d->logEdit(QStringLiteral("label.add"), QStringLiteral("label"), id, {}, toJson(l)); !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Result<int> ProjectStore::addLabels(const QVector<NewLabel>& labels, const BatchControl& control)
{
    for (const NewLabel& l : labels)
        if (Status s = checkClass(*d, l.classId); !s.ok())
            return Error{s.error()};
    for (const NewLabel& l : labels)
        if (Status s = d->requireOwnOrCurator(l.annotatorId > 0 ? l.annotatorId : d->currentAnnotatorId,
                                              QStringLiteral("adding labels for another annotator"));
            !s.ok())
            return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    QSqlQuery insert(d->db);
    if (!insert.prepare(QStringLiteral(
            "INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(?, ?, ?, ?, ?)")))
        return d->sqlError(QStringLiteral("preparing the label insert"), insert);
    const qint64 now = nowMs();
    QVector<Id> segments;
    segments.reserve(labels.size());
    for (int i = 0; i < labels.size(); ++i) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("adding labels cancelled; nothing was added"));
        const NewLabel& l = labels[i];
        insert.bindValue(0, qlonglong(l.segmentId));
        insert.bindValue(1, l.classId);
        insert.bindValue(2, nullableId(l.annotatorId > 0 ? l.annotatorId : d->currentAnnotatorId));
        insert.bindValue(3, int(l.status));
        insert.bindValue(4, now);
        if (!insert.exec())
            return d->sqlError(QStringLiteral("adding a label to segment %1").arg(l.segmentId), insert);
        segments << l.segmentId;
        if (control.progress && (i % 256 == 255 || i + 1 == labels.size()))
            control.progress(i + 1, labels.size());
    }
    std::sort(segments.begin(), segments.end());
    segments.erase(std::unique(segments.begin(), segments.end()), segments.end());
    if (Status st = d->recomputeVerdicts(segments, control.cancel); !st.ok()) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("adding labels cancelled; nothing was added"));
        return Error{st.error()};
    }
    if (Status st = d->logEdit(QStringLiteral("label.add_batch"), QStringLiteral("label"), 0, {},
                               {{"count", int(labels.size())}, {"segments", int(segments.size())}});
        !st.ok())
        return Error{st.error()};
    if (Status st = tx.commit(); !st.ok())
        return Error{st.error()};
    return int(labels.size());
}

namespace {

// One changed column of one label, with its log row and verdict, in one transaction.
Status changeLabel(ProjectStore::Impl& d, const Label& before, const Label& after, const QString& action,
                   int64_t expectedRowVersion)
{
    Transaction tx(d);
    if (!tx.status().ok())
        return tx.status();
    const int64_t expected = expectedRowVersion > 0 ? expectedRowVersion : before.rowVersion;
    Result<QSqlQuery> q = d.exec(QStringLiteral("UPDATE labels SET class_id = ?, status = ?, annotator_id = ?, "
                                                "time_ms = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?"),
                                 {after.classId, int(after.status), nullableId(after.annotatorId), nowMs(),
                                  qlonglong(before.id), qlonglong(expected)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() != 1)
        return conflictError(d, QStringLiteral("label"), before.id, expected);
    if (Status s = d.recomputeVerdict(before.segmentId); !s.ok())
        return s;
    if (Status s = d.logEdit(action, QStringLiteral("label"), before.id, toJson(before), toJson(after)); !s.ok())
        return s;
    return tx.commit();
}

} // namespace

Status ProjectStore::setLabelStatus(Id labelId, LabelStatus status, int64_t expectedRowVersion)
{
    Result<Label> before = label(labelId);
    if (!before.ok())
        return Error{before.error()};
    if (Status s = d->requireOwnOrCurator(before->annotatorId, QStringLiteral("confirming, disputing or rejecting another annotator's label")); !s.ok())
        return s;
    Label after = before.value();
    after.status = status;
    // Whoever confirms, disputes or rejects a label takes it over.
    if (d->currentAnnotatorId > 0)
        after.annotatorId = d->currentAnnotatorId;
    return changeLabel(*d, before.value(), after, QStringLiteral("label.status"), expectedRowVersion);
}

Status ProjectStore::setLabelClass(Id labelId, int classId, int64_t expectedRowVersion)
{
    if (Status s = checkClass(*d, classId); !s.ok())
        return s;
    Result<Label> before = label(labelId);
    if (!before.ok())
        return Error{before.error()};
    if (Status s = d->requireOwnOrCurator(before->annotatorId, QStringLiteral("changing another annotator's label")); !s.ok())
        return s;
    Label after = before.value();
    after.classId = classId;
    if (d->currentAnnotatorId > 0)
        after.annotatorId = d->currentAnnotatorId;
    return changeLabel(*d, before.value(), after, QStringLiteral("label.class"), expectedRowVersion);
}

Status ProjectStore::removeLabel(Id labelId, int64_t expectedRowVersion)
{
    Result<Label> before = label(labelId);
    if (!before.ok())
        return Error{before.error()};
    if (Status s = d->requireOwnOrCurator(before->annotatorId, QStringLiteral("removing another annotator's label")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    const int64_t expected = expectedRowVersion > 0 ? expectedRowVersion : before->rowVersion;
    Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM labels WHERE id = ? AND row_version = ?"),
                                  {qlonglong(labelId), qlonglong(expected)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() != 1)
        return conflictError(*d, QStringLiteral("label"), labelId, expected);
    if (Status s = d->recomputeVerdict(before->segmentId); !s.ok())
        return s;
    if (Status s = d->logEdit(QStringLiteral("label.remove"), QStringLiteral("label"), labelId, toJson(before.value()), {});
        !s.ok())
        return s;
    return tx.commit();
}

Result<Label> ProjectStore::label(Id labelId) const
{
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("SELECT %1 FROM labels WHERE id = ?").arg(QLatin1String(kLabelColumns)), {qlonglong(labelId)});
    if (!q.ok())
        return Error{q.error()};
    if (!q->next())
        return d->error(QStringLiteral("no label with id %1").arg(labelId));
    return labelFromRow(q.value());
}

Result<QVector<Label>> ProjectStore::labelsOfSegment(Id segmentId) const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM labels WHERE segment_id = ? ORDER BY time_ms, id")
                                      .arg(QLatin1String(kLabelColumns)),
                                  {qlonglong(segmentId)});
    if (!q.ok())
        return Error{q.error()};
    QVector<Label> out;
    while (q->next())
        out << labelFromRow(q.value());
    return out;
}

} // namespace mas::store
