// Model versions, their predictions, and split plans.
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "store/ServerModelBlobs.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace mas::store {
namespace {

constexpr char kModelColumns[] =
    "id, name, parent_id, kind, hyper_params_json, metrics_json, checkpoint_path, created_ms, active";

ModelVersion modelFromRow(const QSqlQuery& q)
{
    ModelVersion m;
    m.id = q.value(0).toLongLong();
    m.name = q.value(1).toString();
    m.parentId = q.value(2).toLongLong();
    m.kind = q.value(3).toString();
    m.hyperParamsJson = q.value(4).toString();
    m.metricsJson = q.value(5).toString();
    m.checkpointPath = q.value(6).toString();
    m.created = fromMs(q.value(7).toLongLong());
    m.active = q.value(8).toInt() != 0;
    return m;
}

QString topKJson(const QVector<ClassScore>& topK)
{
    QJsonArray a;
    for (const ClassScore& c : topK)
        a.append(QJsonArray{c.classId, double(c.score)});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QString scoresJson(const QVector<float>& scores)
{
    QJsonArray a;
    for (float s : scores)
        a.append(double(s));
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QVector<ClassScore> topKFromJson(const QString& text)
{
    QVector<ClassScore> out;
    for (const QJsonValue& v : QJsonDocument::fromJson(text.toUtf8()).array()) {
        const QJsonArray pair = v.toArray();
        out.push_back({pair.at(0).toInt(-1), float(pair.at(1).toDouble())});
    }
    return out;
}

QVector<float> scoresFromJson(const QString& text)
{
    QVector<float> out;
    for (const QJsonValue& v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << float(v.toDouble());
    return out;
}

// A server project's checkpoint is handed out as this client's local copy (fetched when missing).
ModelVersion withLocalCheckpoint(const ProjectStore::Impl& d, ModelVersion m)
{
    if (d.isServer())
        m.checkpointPath = materialiseCheckpoint(d, m.id, m.checkpointPath);
    return m;
}

bool isJsonObjectOrEmpty(const QString& text)
{
    return text.trimmed().isEmpty() || QJsonDocument::fromJson(text.toUtf8()).isObject();
}

} // namespace

Result<Id> ProjectStore::addModelVersion(const ModelVersion& version)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("adding a model version")); !s.ok())
        return Error{s.error()};
    if (version.name.trimmed().isEmpty())
        return d->error(QStringLiteral("a model version needs a name"));
    if (!isJsonObjectOrEmpty(version.hyperParamsJson) || !isJsonObjectOrEmpty(version.metricsJson))
        return d->error(QStringLiteral("model version %1: hyper-parameters and metrics must be JSON objects").arg(version.name));
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    QString checkpoint = version.checkpointPath.isEmpty() || d->isServer() ? QString() : d->toProjectRelative(version.checkpointPath);
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("INSERT INTO model_versions(name, parent_id, kind, hyper_params_json, metrics_json, "
                       "checkpoint_path, created_ms, active) VALUES(?, ?, ?, ?, ?, ?, ?, 0)"),
        {version.name, nullableId(version.parentId), version.kind,
         version.hyperParamsJson.isEmpty() ? QStringLiteral("{}") : version.hyperParamsJson,
         version.metricsJson.isEmpty() ? QStringLiteral("{}") : version.metricsJson, checkpoint, nowMs()});
    if (!q.ok()) {
        if (q.error().contains(QLatin1String("UNIQUE")))
            return d->error(QStringLiteral("a model version named %1 already exists").arg(version.name));
        return Error{q.error()};
    }
    const Id id = q->lastInsertId().toLongLong();
    if (d->isServer() && !version.checkpointPath.isEmpty()) {
        // Into the database, where every client finds it.
        if (Status s = uploadCheckpoint(*d, id, QFileInfo(version.checkpointPath).absoluteFilePath(), &checkpoint); !s.ok())
            return Error{s.error()};
        if (Result<QSqlQuery> u = d->exec(QStringLiteral("UPDATE model_versions SET checkpoint_path = ? WHERE id = ?"),
                                          {checkpoint, qlonglong(id)});
            !u.ok())
            return Error{u.error()};
    }
    if (Status s = d->logEdit(QStringLiteral("model.add"), QStringLiteral("model_version"), id, {},
                              {{"name", version.name}, {"parent", qint64(version.parentId)}, {"kind", version.kind},
                               {"checkpoint", checkpoint}});
        !s.ok())
        return Error{s.error()};
    if (version.active) {
        if (Result<QSqlQuery> a = d->exec(QStringLiteral("UPDATE model_versions SET active = CASE WHEN id = ? THEN 1 ELSE 0 END"),
                                          {qlonglong(id)});
            !a.ok())
            return Error{a.error()};
    }
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Status ProjectStore::setActiveModelVersion(Id versionId)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("choosing the active model version")); !s.ok())
        return s;
    std::optional<ModelVersion> before = activeModelVersion();
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    if (versionId > 0) {
        Result<QVariant> exists = d->scalar(QStringLiteral("SELECT count(*) FROM model_versions WHERE id = ?"),
                                            {qlonglong(versionId)});
        if (!exists.ok())
            return Error{exists.error()};
        if (exists->toInt() == 0)
            return d->error(QStringLiteral("no model version with id %1").arg(versionId));
    }
    Result<QSqlQuery> q = d->exec(QStringLiteral("UPDATE model_versions SET active = CASE WHEN id = ? THEN 1 ELSE 0 END"),
                                  {qlonglong(versionId)});
    if (!q.ok())
        return Error{q.error()};
    if (Status s = d->logEdit(QStringLiteral("model.activate"), QStringLiteral("model_version"), versionId,
                              {{"active", qint64(before ? before->id : 0)}}, {{"active", qint64(versionId)}});
        !s.ok())
        return s;
    return tx.commit();
}

Status ProjectStore::updateModelMetrics(Id versionId, const QString& metricsJson)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("changing a model version's metrics")); !s.ok())
        return s;
    if (!isJsonObjectOrEmpty(metricsJson))
        return d->error(QStringLiteral("model version %1: metrics must be a JSON object").arg(versionId));
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QVariant> before = d->scalar(QStringLiteral("SELECT metrics_json FROM model_versions WHERE id = ?"),
                                        {qlonglong(versionId)});
    if (!before.ok())
        return Error{before.error()};
    if (before->isNull())
        return d->error(QStringLiteral("no model version with id %1").arg(versionId));
    Result<QSqlQuery> q = d->exec(QStringLiteral("UPDATE model_versions SET metrics_json = ? WHERE id = ?"),
                                  {metricsJson.isEmpty() ? QStringLiteral("{}") : metricsJson, qlonglong(versionId)});
    if (!q.ok())
        return Error{q.error()};
    if (Status s = d->logEdit(QStringLiteral("model.metrics"), QStringLiteral("model_version"), versionId,
                              QJsonDocument::fromJson(before->toString().toUtf8()).object(),
                              QJsonDocument::fromJson(metricsJson.toUtf8()).object());
        !s.ok())
        return s;
    return tx.commit();
}

Status ProjectStore::renameModelVersion(Id versionId, const QString& newName)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("renaming a model version")); !s.ok())
        return s;
    const QString name = newName.trimmed();
    if (name.isEmpty())
        return d->error(QStringLiteral("model version %1: a model version needs a name").arg(versionId));
    Result<ModelVersion> before = modelVersion(versionId);
    if (!before.ok())
        return Error{before.error()};
    if (before->name == name)
        return Status::success();
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QSqlQuery> q = d->exec(QStringLiteral("UPDATE model_versions SET name = ? WHERE id = ?"), {name, qlonglong(versionId)});
    if (!q.ok()) {
        if (q.error().contains(QLatin1String("UNIQUE")))
            return d->error(QStringLiteral("a model version named %1 already exists").arg(name));
        return Error{q.error()};
    }
    if (Status s = d->logEdit(QStringLiteral("model.rename"), QStringLiteral("model_version"), versionId,
                              {{"name", before->name}}, {{"name", name}});
        !s.ok())
        return s;
    return tx.commit();
}

Result<ModelVersion> ProjectStore::removeModelVersion(Id versionId)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("removing a model version")); !s.ok())
        return Error{s.error()};
    Result<ModelVersion> before = modelVersion(versionId);
    if (!before.ok())
        return before;
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    // Children keep a lineage: their grandparent becomes their parent.
    if (Result<QSqlQuery> q = d->exec(QStringLiteral("UPDATE model_versions SET parent_id = ? WHERE parent_id = ?"),
                                      {nullableId(before->parentId), qlonglong(versionId)});
        !q.ok())
        return Error{q.error()};
    Result<QVariant> predictions = d->scalar(QStringLiteral("SELECT count(*) FROM predictions WHERE model_version_id = ?"),
                                             {qlonglong(versionId)});
    if (!predictions.ok())
        return Error{predictions.error()};
    if (Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM predictions WHERE model_version_id = ?"), {qlonglong(versionId)});
        !q.ok())
        return Error{q.error()};
    if (Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM model_versions WHERE id = ?"), {qlonglong(versionId)}); !q.ok())
        return Error{q.error()};
    if (Status s = d->logEdit(QStringLiteral("model.remove"), QStringLiteral("model_version"), versionId,
                              {{"name", before->name}, {"parent", qint64(before->parentId)}, {"kind", before->kind},
                               {"active", before->active}, {"checkpoint", before->checkpointPath},
                               {"predictions", predictions->toLongLong()}},
                              {});
        !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return before;
}

Result<ModelVersion> ProjectStore::modelVersion(Id versionId) const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM model_versions WHERE id = ?").arg(QLatin1String(kModelColumns)),
                                  {qlonglong(versionId)});
    if (!q.ok())
        return Error{q.error()};
    if (!q->next())
        return d->error(QStringLiteral("no model version with id %1").arg(versionId));
    return withLocalCheckpoint(*d, modelFromRow(q.value()));
}

Result<QVector<ModelVersion>> ProjectStore::modelVersions() const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM model_versions ORDER BY id").arg(QLatin1String(kModelColumns)));
    if (!q.ok())
        return Error{q.error()};
    QVector<ModelVersion> out;
    while (q->next())
        out << withLocalCheckpoint(*d, modelFromRow(q.value()));
    return out;
}

std::optional<ModelVersion> ProjectStore::activeModelVersion() const
{
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("SELECT %1 FROM model_versions WHERE active = 1 LIMIT 1").arg(QLatin1String(kModelColumns)));
    if (!q.ok() || !q->next())
        return std::nullopt;
    return withLocalCheckpoint(*d, modelFromRow(q.value()));
}

Result<int> ProjectStore::storePredictions(const QVector<Prediction>& predictions, const BatchControl& control)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("storing model predictions")); !s.ok())
        return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    // ON CONFLICT .. DO UPDATE keeps the row id stable; PostgreSQL spells it the same way.
    QSqlQuery upsert(d->db);
    if (!upsert.prepare(QStringLiteral(
            "INSERT INTO predictions(segment_id, model_version_id, top1_class_id, top1_score, topk_json, "
            "body_part_scores_json, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(segment_id, model_version_id) DO UPDATE SET top1_class_id = excluded.top1_class_id, "
            "top1_score = excluded.top1_score, topk_json = excluded.topk_json, "
            "body_part_scores_json = excluded.body_part_scores_json, created_ms = excluded.created_ms")))
        return d->sqlError(QStringLiteral("preparing the prediction insert"), upsert);
    const qint64 now = nowMs();
    QSet<Id> models;
    for (int i = 0; i < predictions.size(); ++i) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("storing predictions cancelled; nothing was stored"));
        const Prediction& p = predictions[i];
        if (p.topK.isEmpty())
            return d->error(QStringLiteral("a prediction for segment %1 has no classes").arg(p.segmentId));
        upsert.bindValue(0, qlonglong(p.segmentId));
        upsert.bindValue(1, qlonglong(p.modelVersionId));
        upsert.bindValue(2, p.topK.front().classId);
        upsert.bindValue(3, double(p.topK.front().score));
        upsert.bindValue(4, topKJson(p.topK));
        upsert.bindValue(5, scoresJson(p.bodyPartScores));
        upsert.bindValue(6, now);
        if (!upsert.exec())
            return d->sqlError(QStringLiteral("storing the prediction for segment %1 (model version %2)")
                                   .arg(p.segmentId)
                                   .arg(p.modelVersionId),
                               upsert);
        models.insert(p.modelVersionId);
        if (control.progress && (i % 256 == 255 || i + 1 == predictions.size()))
            control.progress(i + 1, predictions.size());
    }
    QJsonArray modelIds;
    for (Id m : models)
        modelIds.append(qint64(m));
    if (Status s = d->logEdit(QStringLiteral("prediction.store_batch"), QStringLiteral("prediction"), 0, {},
                              {{"count", int(predictions.size())}, {"model_versions", modelIds}});
        !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return int(predictions.size());
}

namespace {

QVector<Prediction> readPredictions(QSqlQuery& q)
{
    QVector<Prediction> out;
    while (q.next()) {
        Prediction p;
        p.id = q.value(0).toLongLong();
        p.segmentId = q.value(1).toLongLong();
        p.modelVersionId = q.value(2).toLongLong();
        p.topK = topKFromJson(q.value(3).toString());
        p.bodyPartScores = scoresFromJson(q.value(4).toString());
        p.created = fromMs(q.value(5).toLongLong());
        out << p;
    }
    return out;
}

// Store: ProjectStore's private Impl, deduced.
template <typename Store>
Result<QVector<Prediction>> predictionsWhere(Store& store, const QString& condition, Id id)
{
    Result<QSqlQuery> q = store.exec(QStringLiteral("SELECT id, segment_id, model_version_id, topk_json, body_part_scores_json, "
                                                    "created_ms FROM predictions WHERE ") + condition,
                                     {qlonglong(id)});
    if (!q.ok())
        return Error{q.error()};
    return readPredictions(q.value());
}

} // namespace

Result<QVector<Prediction>> ProjectStore::predictionsOfSegment(Id segmentId) const
{
    return predictionsWhere(*d, QStringLiteral("segment_id = ? ORDER BY model_version_id"), segmentId);
}

Result<QVector<Prediction>> ProjectStore::predictionsOfVersion(Id modelVersionId) const
{
    return predictionsWhere(*d, QStringLiteral("model_version_id = ? ORDER BY segment_id"), modelVersionId);
}

// --- splits -----------------------------------------------------------------------------------

Result<Id> ProjectStore::createSplitPlan(const QString& name, SplitUnit unit, const QString& note)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("making a split plan")); !s.ok())
        return Error{s.error()};
    if (name.trimmed().isEmpty())
        return d->error(QStringLiteral("a split plan needs a name"));
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    Result<QSqlQuery> q = d->exec(QStringLiteral("INSERT INTO split_plans(name, unit, note, created_ms) VALUES(?, ?, ?, ?)"),
                                  {name, int(unit), note, nowMs()});
    if (!q.ok()) {
        if (q.error().contains(QLatin1String("UNIQUE")))
            return d->error(QStringLiteral("a split plan named %1 already exists").arg(name));
        return Error{q.error()};
    }
    const Id id = q->lastInsertId().toLongLong();
    if (Status s = d->logEdit(QStringLiteral("split.create"), QStringLiteral("split_plan"), id, {},
                              {{"name", name}, {"unit", unit == SplitUnit::Participant ? "participant" : "segment"}});
        !s.ok())
        return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return id;
}

Result<QVector<SplitPlan>> ProjectStore::splitPlans() const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT id, name, unit, note, created_ms FROM split_plans ORDER BY id"));
    if (!q.ok())
        return Error{q.error()};
    QVector<SplitPlan> out;
    while (q->next())
        out.push_back({q->value(0).toLongLong(), q->value(1).toString(), SplitUnit(q->value(2).toInt()),
                       q->value(3).toString(), fromMs(q->value(4).toLongLong())});
    return out;
}

Status ProjectStore::setSplitAssignments(Id planId, const QVector<SplitAssignment>& assignments,
                                         const BatchControl& control)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("changing a split plan")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QVariant> exists = d->scalar(QStringLiteral("SELECT count(*) FROM split_plans WHERE id = ?"), {qlonglong(planId)});
    if (!exists.ok())
        return Error{exists.error()};
    if (exists->toInt() == 0)
        return d->error(QStringLiteral("no split plan with id %1").arg(planId));
    if (Result<QSqlQuery> del = d->exec(QStringLiteral("DELETE FROM split_assignments WHERE plan_id = ?"), {qlonglong(planId)});
        !del.ok())
        return Error{del.error()};
    QSqlQuery insert(d->db);
    if (!insert.prepare(QStringLiteral("INSERT INTO split_assignments(plan_id, entity_id, split) VALUES(?, ?, ?)")))
        return d->sqlError(QStringLiteral("preparing the split insert"), insert);
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < assignments.size(); ++i) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("setting the split cancelled; the plan is unchanged"));
        insert.bindValue(0, qlonglong(planId));
        insert.bindValue(1, qlonglong(assignments[i].entityId));
        insert.bindValue(2, int(assignments[i].set));
        if (!insert.exec())
            return d->sqlError(QStringLiteral("assigning %1 in split plan %2").arg(assignments[i].entityId).arg(planId), insert);
        ++counts[int(assignments[i].set)];
        if (control.progress && (i % 256 == 255 || i + 1 == assignments.size()))
            control.progress(i + 1, assignments.size());
    }
    if (Status s = d->logEdit(QStringLiteral("split.assign"), QStringLiteral("split_plan"), planId, {},
                              {{"train", counts[0]}, {"val", counts[1]}, {"test", counts[2]}});
        !s.ok())
        return s;
    return tx.commit();
}

Result<QVector<SplitAssignment>> ProjectStore::splitAssignments(Id planId) const
{
    Result<QSqlQuery> q = d->exec(
        QStringLiteral("SELECT entity_id, split FROM split_assignments WHERE plan_id = ? ORDER BY entity_id"), {qlonglong(planId)});
    if (!q.ok())
        return Error{q.error()};
    QVector<SplitAssignment> out;
    while (q->next())
        out.push_back({q->value(0).toLongLong(), SplitSet(q->value(1).toInt())});
    return out;
}

Status ProjectStore::removeSplitPlan(Id planId)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("removing a split plan")); !s.ok())
        return s;
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM split_plans WHERE id = ?"), {qlonglong(planId)});
    if (!q.ok())
        return Error{q.error()};
    if (q->numRowsAffected() == 0)
        return d->error(QStringLiteral("no split plan with id %1").arg(planId));
    if (Status s = d->logEdit(QStringLiteral("split.remove"), QStringLiteral("split_plan"), planId, {{"id", qint64(planId)}}, {});
        !s.ok())
        return s;
    return tx.commit();
}

} // namespace mas::store
