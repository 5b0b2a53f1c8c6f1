#include "ModelSource.h"

#include "Prediction.h"
#include "video/VideoDecoder.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace mas::worker {

namespace {

Result<QString> uniqueName(ProjectData& data, const QString& base)
{
    Result<std::vector<ModelVersionRecord>> all = data.modelVersions();
    if (!all)
        return Error{all.error()};
    return firstFreeVersionName(base, data.cacheDir(), [&](const QString& n) {
        for (const ModelVersionRecord& v : all.value())
            if (v.name == n)
                return true;
        return false;
    });
}

Result<std::optional<ModelVersionRecord>> findBySourceFile(ProjectData& data, const QString& path)
{
    Result<std::vector<ModelVersionRecord>> all = data.modelVersions();
    if (!all)
        return Error{all.error()};
    for (const ModelVersionRecord& v : all.value())
        if (v.hyperParams.value("source_file").toString() == path)
            return std::optional<ModelVersionRecord>(v);
    return std::optional<ModelVersionRecord>();
}

} // namespace

QString modelCacheFolder(const QString& cacheDir, const QString& versionName)
{
    QString folder = versionName;
    for (QChar& c : folder)
        if (!c.isLetterOrNumber() && c != '-' && c != '_' && c != '.')
            c = '_';
    return cacheDir + "/models/" + folder;
}

QString firstFreeVersionName(const QString& base, const QString& cacheDir,
                             const std::function<bool(const QString&)>& takenByVersion)
{
    const QString stem = base.trimmed().isEmpty() ? QStringLiteral("model") : base.trimmed();
    auto taken = [&](const QString& n) { return takenByVersion(n) || QFileInfo::exists(modelCacheFolder(cacheDir, n)); };
    QString name = stem;
    for (int i = 2; taken(name); ++i)
        name = QString("%1-%2").arg(stem).arg(i);
    return name;
}

ModelSource ModelSource::parse(const QString& text)
{
    ModelSource s;
    if (text.isEmpty())
        return s;
    if (text.startsWith("imagenet:")) {
        s.kind = Kind::ImagenetInit;
        s.reference = text.mid(9);
    } else if (text == "random" || text.startsWith("random:")) {
        s.kind = Kind::RandomInit;
        if (text.startsWith("random:"))
            s.config.depth = text.mid(7).toInt();
    } else if (QFileInfo(text).isFile()) {
        s.kind = Kind::Checkpoint;
        s.reference = QFileInfo(text).absoluteFilePath();
    } else {
        s.kind = Kind::Version;
        s.reference = text;
    }
    return s;
}

QString ModelSource::describe() const
{
    switch (kind) {
    case Kind::Active:
        return "the active model version";
    case Kind::Version:
        return "model version " + reference;
    case Kind::Checkpoint:
        return "checkpoint " + reference;
    case Kind::ImagenetInit:
        return QString("MANet ResNet-%1 initialised from ImageNet weights %2").arg(config.depth).arg(reference);
    case Kind::RandomInit:
        return QString("MANet ResNet-%1 with random weights").arg(config.depth);
    }
    return {};
}

ClipPipelineConfig pipelineFromMetadata(const std::string& metadataJson, int segments)
{
    const QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(metadataJson)).object();
    ClipPipelineConfig c;
    c.segments = segments;
    if (meta.contains("input_size")) {
        c = ClipPipelineConfig::small(segments, meta.value("input_size").toInt(224));
        c.shortSide = meta.value("short_side").toInt(c.shortSide);
    }
    return c;
}

ClipPipelineConfig pipelineForCheckpoint(const model::CheckpointInfo& info)
{
    // As fromCheckpoint shapes the model: the app's own metadata only, the default segments when unsaid.
    return pipelineFromMetadata(info.format == "mastudio" ? info.metadataJson : "{}",
                                info.segments > 0 ? info.segments : model::ManetConfig{}.segments);
}

std::vector<int> classToBodyPartFor(const ModelVersionRecord& version, int numClasses)
{
    const QJsonArray given = version.hyperParams.value("class_to_body_part").toArray();
    if (given.size() == numClasses) {
        std::vector<int> map;
        for (const QJsonValue& v : given)
            map.push_back(v.toInt());
        return map;
    }
    if (numClasses == 52)
        return model::ma52ClassToBodyPart();
    std::vector<int> map(size_t(std::max(numClasses, 0)));
    for (int k = 0; k < numClasses; ++k)
        map[size_t(k)] = k;
    return map;
}

model::Device deviceFromName(const QString& name)
{
    return name == "cpu" ? model::Device::Cpu : name == "cuda" ? model::Device::Cuda : model::Device::Auto;
}

Result<ModelVersionRecord> saveNewModelVersion(ProjectData& data, const model::ManetModel& model,
                                               ModelVersionRecord draft, const ClipPipelineConfig& pipeline)
{
    Result<QString> name = uniqueName(data, draft.name.isEmpty() ? QString("model") : draft.name);
    if (!name)
        return Error{name.error()};
    draft.name = name.value();
    const QString folder = modelCacheFolder(data.cacheDir(), draft.name);
    if (!QDir().mkpath(folder))
        return Error{folder + ": cannot create the model folder"};
    draft.checkpointPath = folder + "/model.pt";
    draft.hyperParams.insert("input_size", pipeline.cropSize);
    draft.hyperParams.insert("short_side", pipeline.shortSide);
    draft.hyperParams.insert("segments", pipeline.segments);
    draft.hyperParams.insert("depth", model.config().depth);
    draft.hyperParams.insert("num_classes", model.config().numClasses);
    QJsonObject meta{{"version_name", draft.name}, {"kind", draft.kind}, {"input_size", pipeline.cropSize},
                     {"short_side", pipeline.shortSide}, {"color_conversion", colorConversionName()},
                     {"hyper_params", draft.hyperParams}, {"metrics", draft.metrics}};
    const model::Status saved = model.saveCheckpoint(draft.checkpointPath.toStdString(),
                                                     QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString());
    if (!saved)
        return Error{QString::fromStdString(saved.error())};
    if (!draft.created.isValid())
        draft.created = QDateTime::currentDateTimeUtc();
    Result<QString> id = data.addModelVersion(draft);
    if (!id)
        return Error{id.error()};
    draft.id = id.value();
    return draft;
}

Result<LoadedModel> loadModel(const ModelSource& source, ProjectData& data, model::Device device)
{
    ModelVersionRecord version;
    switch (source.kind) {
    case ModelSource::Kind::Active:
    case ModelSource::Kind::Version: {
        Result<std::optional<ModelVersionRecord>> found =
            source.kind == ModelSource::Kind::Active ? data.activeModelVersion() : data.modelVersion(source.reference);
        if (!found)
            return Error{found.error()};
        if (!found.value())
            return Error{source.kind == ModelSource::Kind::Active
                             ? QString("the project has no active model version: pick a checkpoint with --model FILE")
                             : QString("the project has no model version %1").arg(source.reference)};
        version = *found.value();
        break;
    }
    case ModelSource::Kind::Checkpoint: {
        Result<std::optional<ModelVersionRecord>> found = findBySourceFile(data, source.reference);
        if (!found)
            return Error{found.error()};
        if (found.value()) {
            version = *found.value();
            break;
        }
        const model::Result<model::CheckpointInfo> info = model::inspectCheckpoint(source.reference.toStdString());
        if (!info)
            return Error{QString::fromStdString(info.error())};
        if (info->format == "torchvision")
            return Error{source.reference + " is an ImageNet ResNet, not a MANet: use imagenet:" + source.reference};
        Result<QString> name = uniqueName(data, QFileInfo(source.reference).completeBaseName());
        if (!name)
            return Error{name.error()};
        version.name = name.value();
        version.kind = info->format == "mmaction2" ? "pretrained" : "imported";
        version.checkpointPath = source.reference;
        version.hyperParams = {{"source_file", source.reference}, {"depth", info->depth},
                               {"num_classes", info->numClasses}};
        version.created = QDateTime::currentDateTimeUtc();
        Result<QString> id = data.addModelVersion(version);
        if (!id)
            return Error{id.error()};
        version.id = id.value();
        break;
    }
    case ModelSource::Kind::ImagenetInit:
    case ModelSource::Kind::RandomInit: {
        model::Result<model::ManetModel> created = model::ManetModel::create(source.config);
        if (!created)
            return Error{QString::fromStdString(created.error())};
        if (source.kind == ModelSource::Kind::ImagenetInit) {
            const model::Status s = created->loadImagenetBackbone(source.reference.toStdString());
            if (!s)
                return Error{QString::fromStdString(s.error())};
        }
        ModelVersionRecord draft;
        const bool imagenet = source.kind == ModelSource::Kind::ImagenetInit;
        draft.name = QString("%1-r%2").arg(imagenet ? "imagenet" : "random").arg(source.config.depth);
        draft.kind = imagenet ? "imagenet-init" : "random-init";
        if (imagenet)
            draft.hyperParams.insert("imagenet_file", source.reference);
        const ClipPipelineConfig pipeline = ClipPipelineConfig::small(source.config.segments, source.inputSize);
        Result<ModelVersionRecord> saved = saveNewModelVersion(data, created.value(), draft, pipeline);
        if (!saved)
            return Error{saved.error()};
        const model::Status moved = created->setDevice(device);
        if (!moved)
            return Error{QString::fromStdString(moved.error())};
        return LoadedModel{std::move(created.value()), saved.value(), pipeline};
    }
    }
    model::Result<model::ManetModel> loaded = model::ManetModel::fromCheckpoint(version.checkpointPath.toStdString(), device);
    if (!loaded)
        return Error{QString("model version %1: %2").arg(version.name, QString::fromStdString(loaded.error()))};
    ClipPipelineConfig pipeline = pipelineFromMetadata(loaded->metadataJson(), loaded->config().segments);
    // A checkpoint that does not say its input (the authors' files): the size recorded when it was imported.
    const QJsonObject appMeta = QJsonDocument::fromJson(QByteArray::fromStdString(loaded->metadataJson())).object();
    if (!appMeta.contains("input_size") && version.hyperParams.value("input_size").toInt() > 0)
        pipeline = ClipPipelineConfig::small(loaded->config().segments, version.hyperParams.value("input_size").toInt());
    return LoadedModel{std::move(loaded.value()), version, pipeline};
}

} // namespace mas::worker
