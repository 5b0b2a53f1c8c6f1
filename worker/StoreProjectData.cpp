#include "StoreProjectData.h"

#include "FolderProjectData.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QJsonDocument>

namespace mas::worker {

namespace {

QJsonObject parseObject(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString jsonText(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

StoreProjectData::StoreProjectData(std::unique_ptr<store::ProjectStore> owned, store::ProjectStore* store)
    : m_owned(std::move(owned)), m_store(store)
{
    Result<std::unique_ptr<ProjectData>> side = FolderProjectData::open(m_store->cacheDir() + "/worker");
    if (side)
        m_sideFiles = std::move(side.value());
}

StoreProjectData::~StoreProjectData() = default;

Result<std::unique_ptr<ProjectData>> StoreProjectData::open(const QString& path)
{
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(path, store::OpenMode::ReadWrite);
    if (!s)
        return Error{s.error()};
    store::ProjectStore* raw = s.value().get();
    return std::unique_ptr<ProjectData>(new StoreProjectData(std::move(s.value()), raw));
}

Result<std::unique_ptr<ProjectData>> StoreProjectData::anotherConnection(const store::ProjectStore& store)
{
    Result<std::unique_ptr<store::ProjectStore>> s = store.openAnotherConnection();
    if (!s)
        return Error{s.error()};
    store::ProjectStore* raw = s.value().get();
    return std::unique_ptr<ProjectData>(new StoreProjectData(std::move(s.value()), raw));
}

ProjectDataFactory StoreProjectData::factory(const QString& path)
{
    return [path] { return open(path); };
}

ProjectDataFactory StoreProjectData::factory(const store::ProjectStore& store)
{
    const store::ProjectStore* s = &store;
    return [s] { return anotherConnection(*s); };
}

std::unique_ptr<ProjectData> StoreProjectData::borrow(store::ProjectStore& store)
{
    return std::unique_ptr<ProjectData>(new StoreProjectData(nullptr, &store));
}

QString StoreProjectData::cacheDir() const
{
    return m_store->cacheDir();
}

Result<std::vector<ClipItem>> StoreProjectData::clips()
{
    Result<QVector<store::ClipRow>> rows = m_store->clipRows();
    if (!rows)
        return Error{rows.error()};
    std::vector<ClipItem> items;
    items.reserve(size_t(rows->size()));
    for (const store::ClipRow& r : rows.value()) {
        ClipItem c;
        c.key = QString::number(r.segmentId);
        c.videoPath = QDir::cleanPath(QDir(m_store->projectDir()).absoluteFilePath(r.videoPath));
        c.startFrame = int(r.startFrame);
        c.endFrame = int(r.endFrame);
        c.label = r.status == store::SegmentStatus::Confirmed ? r.classId : -1;
        // Without a participant, a video stands for one (never split across training and validation).
        c.participant = r.participantId ? r.participantCode : QString("video:%1").arg(r.videoId);
        items.push_back(c);
    }
    return items;
}

Result<QStringList> StoreProjectData::videos()
{
    Result<QVector<store::Video>> all = m_store->videos();
    if (!all)
        return Error{all.error()};
    QStringList out;
    for (const store::Video& v : all.value())
        if (!v.missing)
            out << m_store->absoluteVideoPath(v);
    return out;
}

Result<QSet<QString>> StoreProjectData::itemsWithPredictions(const QString& modelVersionId)
{
    Result<QVector<store::Prediction>> rows = m_store->predictionsOfVersion(modelVersionId.toLongLong());
    if (!rows)
        return Error{rows.error()};
    QSet<QString> keys;
    for (const store::Prediction& p : rows.value())
        keys.insert(QString::number(p.segmentId));
    return keys;
}

Status StoreProjectData::commitPredictions(const QString& modelVersionId, const std::vector<ItemPrediction>& predictions)
{
    QVector<store::Prediction> rows;
    for (const ItemPrediction& p : predictions) {
        store::Prediction row;
        row.segmentId = p.itemKey.toLongLong();
        row.modelVersionId = modelVersionId.toLongLong();
        for (const model::ScoredClass& c : p.topClasses)
            row.topK.push_back({c.classId, c.score});
        row.bodyPartScores = QVector<float>(p.bodyPartScores.begin(), p.bodyPartScores.end());
        rows.push_back(row);
    }
    Result<int> stored = m_store->storePredictions(rows); // one transaction
    if (!stored)
        return Error{stored.error()};
    return Status::success();
}

Result<std::vector<ItemPrediction>> StoreProjectData::predictions(const QString& modelVersionId)
{
    Result<QVector<store::Prediction>> rows = m_store->predictionsOfVersion(modelVersionId.toLongLong());
    if (!rows)
        return Error{rows.error()};
    std::vector<ItemPrediction> out;
    for (const store::Prediction& one : rows.value()) {
        ItemPrediction ip;
        ip.itemKey = QString::number(one.segmentId);
        ip.modelVersion = modelVersionId;
        for (const store::ClassScore& c : one.topK)
            ip.topClasses.push_back({c.classId, c.score});
        ip.bodyPartScores.assign(one.bodyPartScores.begin(), one.bodyPartScores.end());
        if (!ip.topClasses.empty())
            ip.bodyPart = m_store->taxonomy().bodyPartOfClass(ip.topClasses.front().classId);
        out.push_back(ip);
    }
    return out;
}

Status StoreProjectData::recordFailures(const QString& modelVersionId, const std::vector<ItemFailure>& failures)
{
    if (!m_sideFiles)
        return Error{cacheDir() + "/worker: cannot be created"};
    return m_sideFiles->recordFailures(modelVersionId, failures);
}

Result<std::vector<ItemFailure>> StoreProjectData::failures(const QString& modelVersionId)
{
    if (!m_sideFiles)
        return Error{cacheDir() + "/worker: cannot be created"};
    return m_sideFiles->failures(modelVersionId);
}

Status StoreProjectData::commitProposals(const QString& modelVersionId, const QString& videoPath,
                                         const std::vector<ProposedSegment>& segments)
{
    const std::optional<store::Id> videoId = m_store->videoIdByPath(videoPath);
    if (!videoId)
        return Error{videoPath + ": not a video of " + m_store->path()};
    Result<std::vector<ModelVersionRecord>> versions = modelVersions();
    if (!versions)
        return Error{versions.error()};
    QString versionName = modelVersionId;
    for (const ModelVersionRecord& v : versions.value())
        if (v.id == modelVersionId)
            versionName = v.name;
    Result<store::Id> annotator = m_store->ensureAnnotator("model:" + versionName);
    if (!annotator) // on a server, another shard may have added it between our look-up and insert: it is there now
        annotator = m_store->ensureAnnotator("model:" + versionName);
    if (!annotator)
        return Error{annotator.error()};
    // Segments, prelabels, predictions and the video's "done" marker: one transaction in the store.
    QVector<store::ProjectStore::ProposedRow> rows;
    for (const ProposedSegment& s : segments)
        rows.push_back({s.startFrame, s.endFrame, s.classId, s.score,
                        QString("proposed by %1 (score %2)").arg(versionName).arg(s.score, 0, 'f', 3)});
    if (Status s = m_store->commitProposals(*videoId, modelVersionId.toLongLong(), annotator.value(), rows); !s.ok())
        return s;
    // The side files keep the proposal list for proposals(); the store alone says what is done.
    return m_sideFiles ? m_sideFiles->commitProposals(modelVersionId, videoPath, segments) : Status::success();
}

Result<bool> StoreProjectData::videoHasProposals(const QString& modelVersionId, const QString& videoPath)
{
    const std::optional<store::Id> videoId = m_store->videoIdByPath(videoPath);
    if (!videoId)
        return Error{videoPath + ": not a video of " + m_store->path()};
    return m_store->proposalsCommitted(*videoId, modelVersionId.toLongLong());
}

Result<std::vector<ProposedSegment>> StoreProjectData::proposals(const QString& modelVersionId)
{
    return m_sideFiles ? m_sideFiles->proposals(modelVersionId) : Result<std::vector<ProposedSegment>>(std::vector<ProposedSegment>{});
}

Result<QString> StoreProjectData::addModelVersion(const ModelVersionRecord& version)
{
    store::ModelVersion v;
    v.name = version.name;
    v.parentId = version.parentId.toLongLong();
    v.kind = version.kind;
    v.hyperParamsJson = jsonText(version.hyperParams);
    v.metricsJson = jsonText(version.metrics);
    v.checkpointPath = version.checkpointPath;
    v.created = version.created;
    Result<store::Id> id = m_store->addModelVersion(v);
    if (!id)
        return Error{id.error()};
    return QString::number(id.value());
}

Result<std::vector<ModelVersionRecord>> StoreProjectData::modelVersions()
{
    Result<QVector<store::ModelVersion>> all = m_store->modelVersions();
    if (!all)
        return Error{all.error()};
    std::vector<ModelVersionRecord> out;
    for (const store::ModelVersion& v : all.value()) {
        ModelVersionRecord r;
        r.id = QString::number(v.id);
        r.name = v.name;
        r.parentId = v.parentId ? QString::number(v.parentId) : QString();
        r.kind = v.kind;
        r.hyperParams = parseObject(v.hyperParamsJson);
        r.metrics = parseObject(v.metricsJson);
        r.checkpointPath = QDir(m_store->projectDir()).absoluteFilePath(v.checkpointPath);
        r.created = v.created;
        r.active = v.active;
        out.push_back(r);
    }
    return out;
}

Status StoreProjectData::setActiveModelVersion(const QString& id)
{
    return m_store->setActiveModelVersion(id.toLongLong());
}

Status StoreProjectData::updateModelMetrics(const QString& id, const QJsonObject& metrics)
{
    return m_store->updateModelMetrics(id.toLongLong(), jsonText(metrics));
}

} // namespace mas::worker
