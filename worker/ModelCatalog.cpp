#include "ModelCatalog.h"

#include "FeatureCache.h"
#include "ManetModel.h"
#include "ModelSource.h"
#include "StoreProjectData.h"
#include "store/ProjectStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <fcntl.h>
#include <unistd.h>

namespace mas::worker {

namespace {

// Copies `from` to `to` through a temporary file in the target's folder: fsync, then rename. A failed copy
// leaves nothing under `to`.
Status copyFileAtomically(const QString& from, const QString& to)
{
    if (!QDir().mkpath(QFileInfo(to).absolutePath()))
        return Error{QFileInfo(to).absolutePath() + ": cannot create the folder"};
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return Error{from + ": cannot read: " + in.errorString()};
    const QString tmp = to + ".part";
    QFile out(tmp);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error{tmp + ": cannot write: " + out.errorString()};
    QByteArray buffer;
    while (!(buffer = in.read(4 << 20)).isEmpty())
        if (out.write(buffer) != buffer.size()) {
            const QString why = out.errorString();
            out.close();
            QFile::remove(tmp);
            return Error{tmp + ": write failed: " + why};
        }
    if (in.error() != QFileDevice::NoError) {
        out.close();
        QFile::remove(tmp);
        return Error{from + ": read failed: " + in.errorString()};
    }
    out.flush();
    if (::fsync(out.handle()) != 0) {
        out.close();
        QFile::remove(tmp);
        return Error{tmp + ": cannot sync to disk"};
    }
    out.close();
    QFile::remove(to);
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(to).constData()) != 0) {
        QFile::remove(tmp);
        return Error{to + ": cannot rename the copied file into place"};
    }
    // The rename is durable only once the folder's entry is on disk too.
    const int folder = ::open(QFile::encodeName(QFileInfo(to).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    const bool folderSynced = folder >= 0 && ::fsync(folder) == 0;
    if (folder >= 0)
        ::close(folder);
    if (!folderSynced)
        return Error{QFileInfo(to).absolutePath() + ": cannot sync the folder to disk"};
    return Status::success();
}

Result<QString> uniqueVersionName(store::ProjectStore& store, const QString& base)
{
    Result<QVector<store::ModelVersion>> all = store.modelVersions();
    if (!all)
        return Error{all.error()};
    return firstFreeVersionName(base, store.cacheDir(), [&](const QString& n) {
        for (const store::ModelVersion& v : all.value())
            if (v.name == n)
                return true;
        return false;
    });
}

QString originOf(const QString& format)
{
    if (format == "mmaction2")
        return "MA-52 authors' mmaction2 MANet";
    if (format == "mastudio")
        return "MicroAction Studio checkpoint";
    if (format == "torchvision")
        return "torchvision ImageNet ResNet (backbone only)";
    return "bare state_dict";
}

} // namespace

Result<CheckpointSummary> inspectModelFile(const QString& path)
{
    if (!QFileInfo(path).isFile())
        return Error{path + ": no such file"};
    const model::Result<model::CheckpointInfo> info = model::inspectCheckpoint(path.toStdString());
    if (!info)
        return Error{QString::fromStdString(info.error())};
    const model::CheckpointInfo& i = info.value();
    CheckpointSummary s;
    s.path = QFileInfo(path).absoluteFilePath();
    s.format = QString::fromStdString(i.format);
    s.origin = originOf(s.format);
    s.depth = i.depth;
    s.numClasses = i.numClasses;
    s.segments = i.segments;
    s.embeddingDim = i.embeddingDim;
    s.parameterCount = i.valueCount;
    s.entryCount = i.entryCount;
    s.hasOptimizer = i.hasOptimizer;
    s.metadataJson = QString::fromStdString(i.metadataJson);
    const QJsonObject meta = QJsonDocument::fromJson(s.metadataJson.toUtf8()).object();
    s.inputSize = meta.value("input_size").toInt(224);
    if (s.format == "torchvision") {
        s.usableAsBackbone = s.depth == 18 || s.depth == 34 || s.depth == 50;
        if (!s.usableAsBackbone)
            s.refusal = QString("%1: an ImageNet ResNet of depth %2; MANet is built on ResNet-18, 34 or 50").arg(path).arg(s.depth);
        return s;
    }
    // A MANet checkpoint must also fit a MANet of its depth: check by loading it (every key with its shape).
    model::Result<model::ManetModel> m = model::ManetModel::fromCheckpoint(path.toStdString(), model::Device::Cpu);
    if (!m) {
        s.refusal = QString::fromStdString(m.error());
        return s;
    }
    s.usableAsModel = true;
    s.depth = m->config().depth;
    s.numClasses = m->config().numClasses;
    s.segments = m->config().segments;
    s.embeddingDim = m->config().embeddingDim;
    s.parameterCount = m->parameterCount();
    return s;
}

Result<store::Id> importCheckpoint(store::ProjectStore& store, const QString& path, const QString& name, bool activate,
                                   int inputSize)
{
    if (store.isReadOnly())
        return Error{QString("the project is open read-only: %1").arg(store.notice())};
    Result<CheckpointSummary> summary = inspectModelFile(path);
    if (!summary)
        return Error{summary.error()};
    if (!summary->refusal.isEmpty())
        return Error{summary->refusal};
    const QString source = summary->path;
    if (summary->format == "torchvision") {
        const QString copy = store.cacheDir() + "/backbones/" + QFileInfo(source).fileName();
        if (!QFileInfo::exists(copy))
            if (const Status s = copyFileAtomically(source, copy); !s)
                return Error{s.error()};
        Result<store::Id> created = createModel(store, summary->depth, copy,
                                                name.isEmpty() ? QString("imagenet-r%1").arg(summary->depth) : name,
                                                inputSize > 0 ? inputSize : 224);
        if (created && activate)
            if (const Status s = store.setActiveModelVersion(created.value()); !s)
                return Error{s.error()};
        return created;
    }
    Result<QString> unique = uniqueVersionName(store, name.isEmpty() ? QFileInfo(source).completeBaseName() : name);
    if (!unique)
        return Error{unique.error()};
    const QString target = modelCacheFolder(store.cacheDir(), unique.value()) + "/model.pth";
    if (const Status s = copyFileAtomically(source, target); !s)
        return Error{s.error()};
    store::ModelVersion v;
    v.name = unique.value();
    v.kind = summary->format == "mmaction2" ? "pretrained" : "imported";
    v.checkpointPath = target;
    const QJsonObject hyper{{"source_file", source},
                            {"format", summary->format},
                            {"origin", summary->origin},
                            {"depth", summary->depth},
                            {"num_classes", summary->numClasses},
                            {"segments", summary->segments},
                            {"input_size", inputSize > 0 ? inputSize : summary->inputSize},
                            {"parameters", double(summary->parameterCount)},
                            {"imported", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    v.hyperParamsJson = QString::fromUtf8(QJsonDocument(hyper).toJson(QJsonDocument::Compact));
    v.metricsJson = "{}"; // figures only from runs in this project
    v.active = activate;
    Result<store::Id> id = store.addModelVersion(v);
    if (!id) {
        QDir(QFileInfo(target).absolutePath()).removeRecursively();
        return id;
    }
    return id;
}

QStringList importedBackbones(store::ProjectStore& store)
{
    QStringList out;
    const QDir dir(store.cacheDir() + "/backbones");
    for (const QFileInfo& f : dir.entryInfoList(QDir::Files, QDir::Name))
        if (!f.fileName().endsWith(".part"))
            out << f.absoluteFilePath();
    return out;
}

Result<store::Id> createModel(store::ProjectStore& store, int depth, const QString& backboneFile, const QString& name,
                              int inputSize, int segments)
{
    if (store.isReadOnly())
        return Error{QString("the project is open read-only: %1").arg(store.notice())};
    if (depth != 18 && depth != 34 && depth != 50)
        return Error{QString("depth %1: MANet is built on ResNet-18, 34 or 50").arg(depth)};
    if (inputSize < 32 || segments < 1)
        return Error{QString("input size %1 / segments %2: the input must be at least 32 pixels and one segment")
                         .arg(inputSize).arg(segments)};
    model::ManetConfig config;
    config.depth = depth;
    config.segments = segments;
    config.numClasses = std::max(int(store.taxonomy().classes().size()), 1);
    model::Result<model::ManetModel> created = model::ManetModel::create(config);
    if (!created)
        return Error{QString::fromStdString(created.error())};
    if (!backboneFile.isEmpty()) {
        const model::Status s = created->loadImagenetBackbone(backboneFile.toStdString());
        if (!s)
            return Error{QString::fromStdString(s.error())};
    }
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(store);
    ModelVersionRecord draft;
    draft.name = name.isEmpty() ? QString("manet-r%1%2").arg(depth).arg(backboneFile.isEmpty() ? "-random" : "-imagenet") : name;
    draft.kind = "untrained";
    draft.hyperParams = {{"backbone", backboneFile.isEmpty() ? QString("random") : backboneFile},
                         {"origin", backboneFile.isEmpty() ? QString("random weights")
                                                           : QString("ImageNet backbone %1").arg(QFileInfo(backboneFile).fileName())}};
    Result<ModelVersionRecord> saved =
        saveNewModelVersion(*data, created.value(), draft, ClipPipelineConfig::small(segments, inputSize));
    if (!saved)
        return Error{saved.error()};
    return saved->id.toLongLong();
}

Result<store::ModelVersion> findModelVersion(store::ProjectStore& store, const QString& idOrName)
{
    Result<QVector<store::ModelVersion>> all = store.modelVersions();
    if (!all)
        return Error{all.error()};
    for (const store::ModelVersion& v : all.value())
        if (v.name == idOrName)
            return v;
    bool number = false;
    const store::Id id = idOrName.toLongLong(&number);
    if (number)
        for (const store::ModelVersion& v : all.value())
            if (v.id == id)
                return v;
    QStringList names;
    for (const store::ModelVersion& v : all.value())
        names << v.name;
    return Error{QString("%1: no model version \"%2\" (versions: %3)")
                     .arg(store.path(), idOrName, names.isEmpty() ? QString("none") : names.join(", "))};
}

Status exportModelVersion(store::ProjectStore& store, store::Id versionId, const QString& outPath)
{
    Result<store::ModelVersion> version = store.modelVersion(versionId);
    if (!version)
        return Error{version.error()};
    if (version->checkpointPath.isEmpty())
        return Error{QString("model version %1 has no checkpoint to export").arg(version->name)};
    const QString checkpoint = QDir(store.projectDir()).absoluteFilePath(version->checkpointPath);
    model::Result<model::ManetModel> m = model::ManetModel::fromCheckpoint(checkpoint.toStdString(), model::Device::Cpu);
    if (!m)
        return Error{QString("model version %1: %2").arg(version->name, QString::fromStdString(m.error()))};
    QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(m->metadataJson())).object();
    meta.insert("version_name", version->name);
    meta.insert("exported", QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    const QString absolute = QFileInfo(outPath).absoluteFilePath();
    if (!QDir().mkpath(QFileInfo(absolute).absolutePath()))
        return Error{QFileInfo(absolute).absolutePath() + ": cannot create the folder"};
    const QString tmp = absolute + ".part";
    const model::Status saved = m->saveCheckpoint(tmp.toStdString(), QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString());
    if (!saved) {
        QFile::remove(tmp);
        return Error{QString::fromStdString(saved.error())};
    }
    {
        QFile f(tmp);
        if (f.open(QIODevice::ReadWrite))
            ::fsync(f.handle());
    }
    QFile::remove(absolute);
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(absolute).constData()) != 0) {
        QFile::remove(tmp);
        return Error{absolute + ": cannot rename the exported file into place"};
    }
    return Status::success();
}

Status renameModelVersion(store::ProjectStore& store, store::Id versionId, const QString& newName)
{
    return store.renameModelVersion(versionId, newName);
}

Status deleteModelVersion(store::ProjectStore& store, store::Id versionId)
{
    Result<store::ModelVersion> removed = store.removeModelVersion(versionId);
    if (!removed)
        return Error{removed.error()};
    // The cached checkpoint folder (only inside the project's cache: never a user's own file) and its features.
    const QString cache = QDir(store.cacheDir()).canonicalPath();
    if (!removed->checkpointPath.isEmpty()) {
        const QString folder = QFileInfo(QDir(store.projectDir()).absoluteFilePath(removed->checkpointPath)).absolutePath();
        const QString canonical = QDir(folder).canonicalPath();
        if (!canonical.isEmpty() && canonical.startsWith(cache + "/models/"))
            QDir(canonical).removeRecursively();
    }
    QDir(FeatureCache(store.cacheDir(), QString::number(versionId)).folder()).removeRecursively();
    return Status::success();
}

namespace {

// A flag of the CPU's "flags" line in /proc/cpuinfo (Linux lists there what the CPU has and the kernel supports).
// Read to the end of the stream: a /proc file reports size 0, so QFile::atEnd() is true before the first line.
bool cpuinfoHasFlag(const QByteArray& flag)
{
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (!cpuinfo.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    for (const QByteArray& line : cpuinfo.readAll().split('\n'))
        if (line.startsWith("flags"))
            return line.mid(line.indexOf(':') + 1).simplified().split(' ').contains(flag);
    return false;
}

} // namespace

ComputeCapabilities computeCapabilities()
{
    ComputeCapabilities c;
    c.cuda = model::ManetModel::cudaAvailable();
    c.cpuBFloat16 = model::ManetModel::cpuHasNativeBFloat16();
    c.cpuAmxBFloat16 = c.cpuBFloat16 && cpuinfoHasFlag("amx_bf16");
    return c;
}

} // namespace mas::worker
