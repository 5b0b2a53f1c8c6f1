// ProjectStore::commitProposals / proposalsCommitted: the proposed segments of a sliding-window
// pre-label of one video, with their prelabels and predictions and the "done" marker of the video,
// in ONE transaction (a resumed job skips a video exactly when its proposals are all there).
#include "store/ProjectStoreImpl.h"

namespace mas::store {
namespace {

// The marker lives in project_meta (no schema change): one key per (model version, video).
QString proposalsMarkerKey(Id modelVersionId, Id videoId)
{
    return QStringLiteral("proposals_done:%1:%2").arg(modelVersionId).arg(videoId);
}

} // namespace

Status ProjectStore::commitProposals(Id videoId, Id modelVersionId, Id annotatorId, const QVector<ProposedRow>& rows)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("storing pre-label proposals")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    QVector<NewSegment> segments;
    for (const ProposedRow& r : rows)
        segments.push_back({videoId, r.startFrame, r.endFrame, r.note});
    QVector<Id> ids;
    if (!segments.isEmpty()) {
        Result<int> added = addSegments(segments, {}, &ids);
        if (!added.ok())
            return Error{added.error()};
        if (ids.size() != rows.size())
            return d->error(QStringLiteral("storing proposals: %1 segments written for %2 proposals").arg(ids.size()).arg(rows.size()));
        QVector<NewLabel> labels;
        QVector<Prediction> predictions;
        for (int i = 0; i < rows.size(); ++i) {
            labels.push_back({ids[i], rows[i].classId, annotatorId, LabelStatus::Prelabeled});
            Prediction p;
            p.segmentId = ids[i];
            p.modelVersionId = modelVersionId;
            p.topK = {{rows[i].classId, rows[i].score}};
            predictions.push_back(p);
        }
        if (Result<int> l = addLabels(labels); !l.ok())
            return Error{l.error()};
        if (Result<int> p = storePredictions(predictions); !p.ok())
            return Error{p.error()};
    }
    Result<QSqlQuery> marker = d->exec(QStringLiteral("INSERT INTO project_meta(key, value) VALUES(?, ?) "
                                                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                                       {proposalsMarkerKey(modelVersionId, videoId), QString::number(rows.size())});
    if (!marker.ok())
        return Error{marker.error()};
    if (Status s = d->logEdit(QStringLiteral("proposals.commit"), QStringLiteral("video"), videoId, {},
                              {{"model_version", qint64(modelVersionId)}, {"segments", int(rows.size())}});
        !s.ok())
        return s;
    return tx.commit();
}

Result<bool> ProjectStore::proposalsCommitted(Id videoId, Id modelVersionId) const
{
    Result<QVariant> v = d->scalar(QStringLiteral("SELECT count(*) FROM project_meta WHERE key = ?"),
                                   {proposalsMarkerKey(modelVersionId, videoId)});
    if (!v.ok())
        return Error{v.error()};
    return v->toInt() > 0;
}

} // namespace mas::store
