// `model info FILE`: what a checkpoint holds (or exactly why it cannot be loaded); `classify VIDEO...`: top-k
// classes and body parts per video with MANet. Both through model/'s torch-free API.
#include "CliCommand.h"

#include "ManetModel.h"
#include "Prediction.h"
#include "taxonomy/Taxonomy.h"
#include "video/ClipPipeline.h"

#include <QJsonArray>

#include <QJsonDocument>
#include <QJsonObject>

namespace mas::cli {
namespace {

int runModelInfo(CliContext& ctx)
{
    QStringList args = ctx.args;
    const bool json = takeFlag(args, "--json");
    if (args.size() != 1)
        return fail(ctx, "usage: model info FILE [--json]", UsageError);
    const std::string path = args.first().toStdString();
    const model::Result<model::CheckpointInfo> info = model::inspectCheckpoint(path);
    if (!info)
        return fail(ctx, QString::fromStdString(info.error()));
    const model::CheckpointInfo& i = info.value();
    const QString format = i.format == "mmaction2"     ? "official mmaction2 checkpoint"
                           : i.format == "mastudio"    ? "MicroAction Studio checkpoint"
                           : i.format == "torchvision" ? "torchvision ImageNet ResNet state_dict (backbone init only)"
                                                       : "bare state_dict";
    // A MANet checkpoint must also fit a MANet of its depth: check by loading it.
    QString loadable = "yes";
    if (i.format != "torchvision") {
        model::Result<model::ManetModel> m = model::ManetModel::fromCheckpoint(path, model::Device::Cpu);
        if (!m)
            loadable = "no: " + QString::fromStdString(m.error());
    } else {
        loadable = "as backbone init";
    }
    const QString metadata = QString::fromStdString(i.metadataJson);
    if (json) {
        QJsonObject o{{"path", QString::fromStdString(i.path)},
                      {"format", QString::fromStdString(i.format)},
                      {"depth", i.depth},
                      {"classes", i.numClasses},
                      {"embedding_dim", i.embeddingDim},
                      {"segments", i.segments},
                      {"entries", double(i.entryCount)},
                      {"parameters", double(i.valueCount)},
                      {"optimizer_state", i.hasOptimizer},
                      {"loadable", loadable}};
        const QJsonDocument meta = QJsonDocument::fromJson(metadata.toUtf8());
        o.insert("metadata", meta.isObject() ? QJsonValue(meta.object()) : QJsonValue(metadata));
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return loadable.startsWith("no") ? Failure : Success;
    }
    ctx.out << "file:          " << QString::fromStdString(i.path) << '\n'
            << "format:        " << format << '\n'
            << "architecture:  " << (i.format == "torchvision" ? "ResNet-" : "MANet ResNet-") << i.depth
            << (i.format == "torchvision" ? "" : " TSM+SE") << '\n'
            << "classes:       " << i.numClasses << '\n'
            << "embedding dim: " << i.embeddingDim << '\n'
            << "segments:      " << (i.segments > 0 ? QString::number(i.segments) : QString("unknown")) << '\n'
            << "parameters:    " << i.valueCount << " values in " << i.entryCount << " tensors\n"
            << "optimizer:     " << (i.hasOptimizer ? "state included" : "none") << '\n'
            << "loadable:      " << loadable << '\n'
            << "metadata:      " << metadata << Qt::endl;
    return loadable.startsWith("no") ? Failure : Success;
}

int runClassify(CliContext& ctx)
{
    QStringList args = ctx.args;
    const QString modelPath = takeOption(args, "--model");
    const QString depthText = takeOption(args, "--depth");
    const int top = takeOption(args, "--top", "5").toInt();
    const QString deviceName = takeOption(args, "--device", "auto");
    const bool json = takeFlag(args, "--json");
    const bool bf16 = takeFlag(args, "--bf16");
    if (modelPath.isEmpty() || args.isEmpty() || top < 1)
        return fail(ctx, "usage: classify VIDEO... --model FILE [--depth N] [--top 5] [--device cpu|cuda] [--bf16] [--json]",
                    UsageError);
    const model::Device device = deviceName == "cpu"    ? model::Device::Cpu
                                 : deviceName == "cuda" ? model::Device::Cuda
                                                        : model::Device::Auto;
    model::Result<model::ManetModel> m = model::ManetModel::fromCheckpoint(modelPath.toStdString(), device);
    if (!m)
        return fail(ctx, QString::fromStdString(m.error()));
    m->setBFloat16Inference(bf16);
    if (!depthText.isEmpty() && depthText.toInt() != m->config().depth)
        return fail(ctx, QString("%1 holds a MANet of depth %2, not %3").arg(modelPath).arg(m->config().depth).arg(depthText));
    const Taxonomy& taxonomy = Taxonomy::builtinMa52();
    std::vector<int> bodyParts;
    for (int k = 0; k < m->config().numClasses; ++k)
        bodyParts.push_back(k < taxonomy.classCount() ? taxonomy.bodyPartOfClass(k) : -1);
    ClipPipelineConfig pipelineConfig;
    pipelineConfig.segments = m->config().segments;
    const ClipPipeline pipeline(pipelineConfig);
    QJsonArray results;
    int failures = 0;
    for (const QString& video : args) {
        if (interruptRequested())
            return Interrupted;
        VideoResult<ClipTensor> clip = pipeline.testClip(video);
        if (!clip) {
            ctx.err << "mastudio-cli: " << clip.error() << Qt::endl;
            ++failures;
            continue;
        }
        const ClipTensor& c = clip.value();
        model::Result<model::ForwardOutput> out = m->forward({c.data.data(), c.segments, c.channels, c.height, c.width});
        if (!out) {
            ctx.err << "mastudio-cli: " << video << ": " << QString::fromStdString(out.error()) << Qt::endl;
            ++failures;
            continue;
        }
        const model::ClipPrediction p = model::predictClip(out->logits.data(), out->numClasses, top, bodyParts);
        if (json) {
            QJsonArray classes;
            for (const model::ScoredClass& s : p.topClasses) {
                const ActionClass* a = taxonomy.classById(s.classId);
                classes.append(QJsonObject{{"id", s.classId}, {"name", a ? a->name : QString()}, {"score", double(s.score)}});
            }
            QJsonArray parts;
            for (float v : p.bodyPartScores)
                parts.append(double(v));
            results.append(QJsonObject{{"video", video}, {"top", classes}, {"body_part", p.bestBodyPart},
                                       {"body_part_scores", parts}, {"color_conversion", c.colorConversion}});
        } else {
            ctx.out << video << '\n';
            for (const model::ScoredClass& s : p.topClasses) {
                const ActionClass* a = taxonomy.classById(s.classId);
                const BodyPart* b = a ? taxonomy.bodyPart(a->bodyPartId) : nullptr;
                ctx.out << QString("  %1  %2 %3 (%4)").arg(s.score, 6, 'f', 4).arg(s.classId, 2).arg(a ? a->name : "?",
                                                                                                      b ? b->name : "?")
                        << '\n';
            }
        }
    }
    if (json)
        ctx.out << QJsonDocument(results).toJson(QJsonDocument::Indented);
    ctx.out.flush();
    return failures ? Failure : Success;
}

const CliRegistration classifyReg({"classify", "VIDEO... --model FILE [--depth N] [--top 5] [--device cpu|cuda] [--bf16] [--json]",
                                   "top classes and body parts of whole videos with a MANet checkpoint", runClassify});

const CliRegistration infoReg({"model info", "FILE [--json]",
                               "describe a MANet checkpoint (official, app or ImageNet init) or say why it cannot load",
                               runModelInfo});

} // namespace
} // namespace mas::cli
