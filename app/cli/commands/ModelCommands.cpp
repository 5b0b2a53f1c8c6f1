// `model info FILE`: what a checkpoint holds (or exactly why it cannot be loaded), through model/'s
// torch-free API.
#include "CliCommand.h"

#include "ManetModel.h"

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

const CliRegistration infoReg({"model info", "FILE [--json]",
                               "describe a MANet checkpoint (official, app or ImageNet init) or say why it cannot load",
                               runModelInfo});

} // namespace
} // namespace mas::cli
