#include "FolderProjectData.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace mas::worker {

namespace {

QString safeName(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}

Result<QJsonDocument> readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path + ": cannot be read (" + f.errorString() + ")"};
    QJsonParseError e;
    QJsonDocument d = QJsonDocument::fromJson(f.readAll(), &e);
    if (e.error != QJsonParseError::NoError)
        return Error{path + ": not valid JSON (" + e.errorString() + ")"};
    return d;
}

QJsonObject toJson(const ClipItem& c)
{
    return {{"key", c.key}, {"video", c.videoPath}, {"start", c.startFrame}, {"end", c.endFrame},
            {"label", c.label}, {"participant", c.participant}};
}

QJsonObject toJson(const ProposedSegment& s)
{
    return {{"video", s.videoPath}, {"start", s.startFrame}, {"end", s.endFrame}, {"class", s.classId},
            {"body_part", s.bodyPart}, {"score", double(s.score)}, {"windows", s.windows}};
}

QJsonArray floats(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

std::vector<float> floats(const QJsonArray& a)
{
    std::vector<float> v;
    v.reserve(size_t(a.size()));
    for (const QJsonValue& x : a)
        v.push_back(float(x.toDouble()));
    return v;
}

} // namespace

Status writeFileAtomically(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error{path + ": cannot be written (" + f.errorString() + ")"};
    return Status::success();
}

QJsonObject toJson(const ItemPrediction& p)
{
    QJsonArray top;
    for (const model::ScoredClass& c : p.topClasses)
        top.append(QJsonObject{{"class", c.classId}, {"score", double(c.score)}});
    QJsonObject o{{"item", p.itemKey}, {"version", p.modelVersion}, {"top", top}, {"body_parts", floats(p.bodyPartScores)},
                  {"body_part", p.bodyPart}};
    if (!p.probabilities.empty())
        o.insert("probabilities", floats(p.probabilities));
    return o;
}

ItemPrediction predictionFromJson(const QJsonObject& o)
{
    ItemPrediction p;
    p.itemKey = o.value("item").toString();
    p.modelVersion = o.value("version").toString();
    for (const QJsonValue& v : o.value("top").toArray())
        p.topClasses.push_back({v.toObject().value("class").toInt(), float(v.toObject().value("score").toDouble())});
    p.bodyPartScores = floats(o.value("body_parts").toArray());
    p.probabilities = floats(o.value("probabilities").toArray());
    p.bodyPart = o.value("body_part").toInt(-1);
    return p;
}

QJsonObject toJson(const ModelVersionRecord& v)
{
    return {{"id", v.id}, {"name", v.name}, {"parent", v.parentId}, {"kind", v.kind}, {"hyper_params", v.hyperParams},
            {"metrics", v.metrics}, {"checkpoint", v.checkpointPath}, {"created", v.created.toString(Qt::ISODateWithMs)},
            {"active", v.active}};
}

ModelVersionRecord modelVersionFromJson(const QJsonObject& o)
{
    ModelVersionRecord v;
    v.id = o.value("id").toString();
    v.name = o.value("name").toString();
    v.parentId = o.value("parent").toString();
    v.kind = o.value("kind").toString();
    v.hyperParams = o.value("hyper_params").toObject();
    v.metrics = o.value("metrics").toObject();
    v.checkpointPath = o.value("checkpoint").toString();
    v.created = QDateTime::fromString(o.value("created").toString(), Qt::ISODateWithMs);
    v.active = o.value("active").toBool();
    return v;
}

Result<std::unique_ptr<ProjectData>> FolderProjectData::open(const QString& folder)
{
    if (!QDir().mkpath(folder))
        return Error{folder + ": cannot create the folder"};
    return std::unique_ptr<ProjectData>(new FolderProjectData(QDir(folder).absolutePath()));
}

ProjectDataFactory FolderProjectData::factory(const QString& folder)
{
    return [folder] { return open(folder); };
}

Status FolderProjectData::writeClips(const QString& folder, const std::vector<ClipItem>& items)
{
    QJsonArray a;
    for (const ClipItem& c : items)
        a.append(toJson(c));
    return writeFileAtomically(folder + "/clips.json", QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QString FolderProjectData::cacheDir() const
{
    QDir().mkpath(m_folder + "/cache");
    return m_folder + "/cache";
}

Result<std::vector<ClipItem>> FolderProjectData::clips()
{
    Result<QJsonDocument> d = readJson(m_folder + "/clips.json");
    if (!d)
        return Error{d.error()};
    std::vector<ClipItem> items;
    for (const QJsonValue& v : d->array()) {
        const QJsonObject o = v.toObject();
        items.push_back({o.value("key").toString(), o.value("video").toString(), o.value("start").toInt(),
                         o.value("end").toInt(-1), o.value("label").toInt(-1), o.value("participant").toString()});
    }
    return items;
}

Result<QStringList> FolderProjectData::videos()
{
    Result<std::vector<ClipItem>> items = clips();
    if (!items)
        return Error{items.error()};
    QStringList out;
    for (const ClipItem& c : items.value())
        if (!out.contains(c.videoPath))
            out << c.videoPath;
    return out;
}

Result<QSet<QString>> FolderProjectData::itemsWithPredictions(const QString& modelVersionId)
{
    Result<std::vector<ItemPrediction>> all = predictions(modelVersionId);
    if (!all)
        return Error{all.error()};
    QSet<QString> keys;
    for (const ItemPrediction& p : all.value())
        keys.insert(p.itemKey);
    return keys;
}

Status FolderProjectData::commitPredictions(const QString& modelVersionId, const std::vector<ItemPrediction>& predictions)
{
    if (predictions.empty())
        return Status::success();
    const QString dir = m_folder + "/predictions/" + safeName(modelVersionId);
    QDir().mkpath(dir);
    const int next = QDir(dir).entryList({"batch-*.json"}, QDir::Files).size();
    QJsonArray a;
    for (const ItemPrediction& p : predictions)
        a.append(toJson(p));
    return writeFileAtomically(QString("%1/batch-%2.json").arg(dir).arg(next, 6, 10, QChar('0')),
                               QJsonDocument(a).toJson(QJsonDocument::Compact));
}

Result<std::vector<ItemPrediction>> FolderProjectData::predictions(const QString& modelVersionId)
{
    const QString dir = m_folder + "/predictions/" + safeName(modelVersionId);
    std::vector<ItemPrediction> out;
    for (const QString& name : QDir(dir).entryList({"batch-*.json"}, QDir::Files, QDir::Name)) {
        Result<QJsonDocument> d = readJson(dir + '/' + name);
        if (!d)
            return Error{d.error()};
        for (const QJsonValue& v : d->array())
            out.push_back(predictionFromJson(v.toObject()));
    }
    return out;
}

Status FolderProjectData::recordFailures(const QString& modelVersionId, const std::vector<ItemFailure>& failures)
{
    if (failures.empty())
        return Status::success();
    Result<std::vector<ItemFailure>> earlier = this->failures(modelVersionId);
    QJsonArray a;
    for (const ItemFailure& f : earlier.ok() ? earlier.value() : std::vector<ItemFailure>{})
        a.append(QJsonObject{{"item", f.itemKey}, {"message", f.message}});
    for (const ItemFailure& f : failures)
        a.append(QJsonObject{{"item", f.itemKey}, {"message", f.message}});
    return writeFileAtomically(m_folder + "/failures/" + safeName(modelVersionId) + ".json", QJsonDocument(a).toJson());
}

Result<std::vector<ItemFailure>> FolderProjectData::failures(const QString& modelVersionId)
{
    const QString path = m_folder + "/failures/" + safeName(modelVersionId) + ".json";
    std::vector<ItemFailure> out;
    if (!QFile::exists(path))
        return out;
    Result<QJsonDocument> d = readJson(path);
    if (!d)
        return Error{d.error()};
    for (const QJsonValue& v : d->array())
        out.push_back({v.toObject().value("item").toString(), v.toObject().value("message").toString()});
    return out;
}

Status FolderProjectData::commitProposals(const QString& modelVersionId, const QString& videoPath,
                                          const std::vector<ProposedSegment>& segments)
{
    QJsonArray a;
    for (const ProposedSegment& s : segments)
        a.append(toJson(s));
    return writeFileAtomically(m_folder + "/proposals/" + safeName(modelVersionId) + '/' + safeName(videoPath) + ".json",
                               QJsonDocument(QJsonObject{{"video", videoPath}, {"segments", a}}).toJson());
}

Result<bool> FolderProjectData::videoHasProposals(const QString& modelVersionId, const QString& videoPath)
{
    return QFile::exists(m_folder + "/proposals/" + safeName(modelVersionId) + '/' + safeName(videoPath) + ".json");
}

Result<std::vector<ProposedSegment>> FolderProjectData::proposals(const QString& modelVersionId)
{
    const QString dir = m_folder + "/proposals/" + safeName(modelVersionId);
    std::vector<ProposedSegment> out;
    for (const QString& name : QDir(dir).entryList({"*.json"}, QDir::Files, QDir::Name)) {
        Result<QJsonDocument> d = readJson(dir + '/' + name);
        if (!d)
            return Error{d.error()};
        for (const QJsonValue& v : d->object().value("segments").toArray()) {
            const QJsonObject o = v.toObject();
            out.push_back({o.value("video").toString(), o.value("start").toInt(), o.value("end").toInt(),
                           o.value("class").toInt(), o.value("body_part").toInt(), float(o.value("score").toDouble()),
                           o.value("windows").toInt()});
        }
    }
    return out;
}

Result<std::vector<ModelVersionRecord>> FolderProjectData::modelVersions()
{
    const QString path = m_folder + "/models.json";
    std::vector<ModelVersionRecord> out;
    if (!QFile::exists(path))
        return out;
    Result<QJsonDocument> d = readJson(path);
    if (!d)
        return Error{d.error()};
    for (const QJsonValue& v : d->array())
        out.push_back(modelVersionFromJson(v.toObject()));
    return out;
}

Status FolderProjectData::saveVersions(const std::vector<ModelVersionRecord>& versions)
{
    QJsonArray a;
    for (const ModelVersionRecord& v : versions)
        a.append(toJson(v));
    return writeFileAtomically(m_folder + "/models.json", QJsonDocument(a).toJson());
}

Result<QString> FolderProjectData::addModelVersion(const ModelVersionRecord& version)
{
    Result<std::vector<ModelVersionRecord>> all = modelVersions();
    if (!all)
        return Error{all.error()};
    for (const ModelVersionRecord& v : all.value())
        if (v.name == version.name)
            return Error{QString("%1/models.json: a model version named %2 exists already").arg(m_folder, version.name)};
    ModelVersionRecord added = version;
    added.id = QString::number(all->size() + 1);
    added.active = false;
    if (!added.created.isValid())
        added.created = QDateTime::currentDateTimeUtc();
    all->push_back(added);
    const Status s = saveVersions(all.value());
    if (!s)
        return Error{s.error()};
    return added.id;
}

Status FolderProjectData::setActiveModelVersion(const QString& id)
{
    Result<std::vector<ModelVersionRecord>> all = modelVersions();
    if (!all)
        return Error{all.error()};
    bool found = id.isEmpty();
    for (ModelVersionRecord& v : all.value()) {
        v.active = v.id == id;
        found = found || v.active;
    }
    if (!found)
        return Error{QString("%1/models.json: no model version %2").arg(m_folder, id)};
    return saveVersions(all.value());
}

Status FolderProjectData::updateModelMetrics(const QString& id, const QJsonObject& metrics)
{
    Result<std::vector<ModelVersionRecord>> all = modelVersions();
    if (!all)
        return Error{all.error()};
    for (ModelVersionRecord& v : all.value())
        if (v.id == id) {
            v.metrics = metrics;
            return saveVersions(all.value());
        }
    return Error{QString("%1/models.json: no model version %2").arg(m_folder, id)};
}

} // namespace mas::worker
