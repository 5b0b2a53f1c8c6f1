// Model files and the project's model catalogue: `model info FILE`, `model import`, `model new`, `model export`,
// and `classify VIDEO...` outside any project. All through the worker's torch-free front (worker/ModelCatalog.h,
// worker/ClassifyVideos.h): no model/ header here.
#include "CliCommand.h"

#include "ClassifyVideos.h"
#include "ModelCatalog.h"
#include "store/ProjectStore.h"
#include "taxonomy/Taxonomy.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::cli {
namespace {

using namespace mas::worker;

bool parseOrFail(CliContext& ctx, const QVector<CliOption>& table, ParsedOptions* parsed, int* code)
{
    QString error;
    if (parseOptions(ctx.args, table, parsed, &error))
        return true;
    *code = fail(ctx, error, UsageError);
    return false;
}

// --- model info --------------------------------------------------------------------------------------

// A file that was read but cannot be used still ends like every failure: one stderr line naming it, status 1.
int refused(CliContext& ctx, const CheckpointSummary& info)
{
    if (info.refusal.isEmpty())
        return Success;
    ctx.out.flush();
    return fail(ctx, info.refusal.contains(info.path) ? info.refusal : QString("%1: %2").arg(info.path, info.refusal));
}

const QVector<CliOption> kInfoOptions{{"--json", "", "", "print the description as JSON"}};

int runModelInfo(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kInfoOptions, &o, &code))
        return code;
    if (o.positional.size() != 1)
        return fail(ctx, "usage: model info FILE [--json]", UsageError);
    Result<CheckpointSummary> info = inspectModelFile(o.positional.first());
    if (!info)
        return fail(ctx, info.error());
    const CheckpointSummary& i = info.value();
    const QString loadable = !i.refusal.isEmpty() ? "no: " + i.refusal
                             : i.usableAsModel   ? QString("yes")
                                                 : QString("as backbone init");
    if (o.has("--json")) {
        QJsonObject j{{"path", i.path},
                      {"format", i.format},
                      {"origin", i.origin},
                      {"depth", i.depth},
                      {"classes", i.numClasses},
                      {"embedding_dim", i.embeddingDim},
                      {"segments", i.segments},
                      {"input_size", i.inputSize},
                      {"entries", double(i.entryCount)},
                      {"parameters", double(i.parameterCount)},
                      {"optimizer_state", i.hasOptimizer},
                      {"loadable", loadable}};
        const QJsonDocument meta = QJsonDocument::fromJson(i.metadataJson.toUtf8());
        j.insert("metadata", meta.isObject() ? QJsonValue(meta.object()) : QJsonValue(i.metadataJson));
        ctx.out << QJsonDocument(j).toJson(QJsonDocument::Indented);
        return refused(ctx, i);
    }
    const bool backbone = i.format == "torchvision";
    ctx.out << "file:          " << i.path << '\n'
            << "format:        " << i.format << " (" << i.origin << ")\n"
            << "architecture:  " << (backbone ? "ResNet-" : "MANet ResNet-") << i.depth << (backbone ? "" : " TSM+SE") << '\n'
            << "classes:       " << i.numClasses << '\n'
            << "embedding dim: " << i.embeddingDim << '\n'
            << "segments:      " << (i.segments > 0 ? QString::number(i.segments) : QString("unknown")) << '\n'
            << "input size:    " << i.inputSize << '\n'
            << "parameters:    " << i.parameterCount << " values in " << i.entryCount << " tensors\n"
            << "optimizer:     " << (i.hasOptimizer ? "state included" : "none") << '\n'
            << "loadable:      " << loadable << '\n'
            << "metadata:      " << i.metadataJson << Qt::endl;
    return refused(ctx, i);
}

// --- model import / new / export -----------------------------------------------------------------------

Result<std::unique_ptr<store::ProjectStore>> openProject(const QString& path)
{
    return store::ProjectStore::open(path, store::OpenMode::ReadWrite);
}

const QVector<CliOption> kImportOptions{
    {"--name", "NAME", "", "name of the new version (default: the file's base name)"},
    {"--activate", "", "", "make it the active version"},
    {"--input-size", "N", "", "crop size the model is run at, for files that do not say (default: 224)"},
};

int runModelImport(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kImportOptions, &o, &code))
        return code;
    if (o.positional.size() != 2)
        return fail(ctx, "usage: model import P.mas FILE [--name NAME] [--activate] [--input-size N]", UsageError);
    int inputSize = 0;
    if (o.has("--input-size") && (inputSize = o.value("--input-size").toInt()) < 32)
        return fail(ctx, "--input-size wants a number of pixels >= 32", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> s = openProject(o.positional[0]);
    if (!s)
        return fail(ctx, s.error());
    Result<CheckpointSummary> info = inspectModelFile(o.positional[1]);
    if (!info)
        return fail(ctx, info.error());
    if (!info->refusal.isEmpty())
        return fail(ctx, info->refusal);
    Result<store::Id> id = importCheckpoint(*s.value(), o.positional[1], o.value("--name"), o.has("--activate"), inputSize);
    if (!id)
        return fail(ctx, id.error());
    Result<store::ModelVersion> v = s.value()->modelVersion(id.value());
    if (!v)
        return fail(ctx, v.error());
    ctx.out << "imported:   " << info->origin << ", MANet ResNet-" << info->depth << ", " << info->numClasses << " classes, "
            << info->parameterCount << " parameters\n"
            << "version:    " << v->name << " (id " << v->id << ", " << v->kind << (v->active ? ", active" : "") << ")\n"
            << "checkpoint: " << QDir(s.value()->projectDir()).absoluteFilePath(v->checkpointPath) << Qt::endl;
    return Success;
}

const QVector<CliOption> kNewOptions{
    {"--depth", "18|34|50", "", "ResNet depth (required)"},
    {"--backbone", "FILE", "", "torchvision ImageNet ResNet weights to start from (default: random weights)"},
    {"--name", "NAME", "", "name of the new version (default: manet-rDEPTH-random|imagenet)"},
    {"--input-size", "N", "224", "crop size in pixels"},
    {"--segments", "N", "8", "frames sampled per clip"},
    {"--activate", "", "", "make it the active version"},
};

int runModelNew(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kNewOptions, &o, &code))
        return code;
    const int depth = o.value("--depth").toInt();
    if (o.positional.size() != 1 || !o.has("--depth"))
        return fail(ctx, "usage: model new P.mas --depth 18|34|50 [--backbone FILE] [--name NAME]", UsageError);
    if (depth != 18 && depth != 34 && depth != 50)
        return fail(ctx, "--depth is 18, 34 or 50", UsageError);
    const int inputSize = o.value("--input-size").toInt(), segments = o.value("--segments").toInt();
    if (inputSize < 32 || segments < 1)
        return fail(ctx, "--input-size wants >= 32 pixels and --segments >= 1", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> s = openProject(o.positional[0]);
    if (!s)
        return fail(ctx, s.error());
    QString backbone = o.value("--backbone");
    if (!backbone.isEmpty()) {
        Result<CheckpointSummary> info = inspectModelFile(backbone);
        if (!info)
            return fail(ctx, info.error());
        if (info->format != "torchvision" || !info->usableAsBackbone)
            return fail(ctx, QString("%1 is not an ImageNet ResNet backbone in torchvision's layout (%2)").arg(backbone, info->origin));
        if (info->depth != depth)
            return fail(ctx, QString("%1 is a ResNet-%2, not a ResNet-%3").arg(backbone).arg(info->depth).arg(depth));
    }
    Result<store::Id> id = createModel(*s.value(), depth, backbone, o.value("--name"), inputSize, segments);
    if (!id)
        return fail(ctx, id.error());
    if (o.has("--activate"))
        if (const Status a = s.value()->setActiveModelVersion(id.value()); !a)
            return fail(ctx, a.error());
    Result<store::ModelVersion> v = s.value()->modelVersion(id.value());
    if (!v)
        return fail(ctx, v.error());
    ctx.out << "new model:  MANet ResNet-" << depth << " from " << (backbone.isEmpty() ? QString("random weights") : backbone)
            << " (untrained)\n"
            << "version:    " << v->name << " (id " << v->id << (v->active ? ", active" : "") << ")" << Qt::endl;
    return Success;
}

int runModelExport(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, {}, &o, &code))
        return code;
    if (o.positional.size() != 3)
        return fail(ctx, "usage: model export P.mas VERSION OUT.pth", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(o.positional[0], store::OpenMode::ReadOnly);
    if (!s)
        return fail(ctx, s.error());
    Result<store::ModelVersion> v = findModelVersion(*s.value(), o.positional[1]);
    if (!v)
        return fail(ctx, v.error());
    if (const Status e = exportModelVersion(*s.value(), v->id, o.positional[2]); !e)
        return fail(ctx, e.error());
    ctx.out << "exported " << v->name << " to " << QFileInfo(o.positional[2]).absoluteFilePath()
            << " (mmaction2 key layout: state_dict + meta)" << Qt::endl;
    return Success;
}

// --- classify ------------------------------------------------------------------------------------------

const QVector<CliOption> kClassifyOptions{
    {"--model", "FILE", "", "MANet checkpoint (required)"},
    {"--depth", "N", "", "refuse a checkpoint of another depth"},
    {"--top", "N", "5", "classes per video"},
    {"--device", "cpu|cuda|auto", "auto", "where the model runs"},
    {"--bf16", "", "", "CPU inference in bfloat16 (~2x faster where the CPU has AMX)"},
    {"--batch", "N", "4", "videos per model call (the next ones decode meanwhile)"},
    {"--threads", "N", "0", "model threads (0: all cores)"},
    {"--decoders", "N", "0", "videos decoded side by side (0: 30% of the cores, at least 2)"},
    {"--decoder-threads", "N", "0", "threads of each video decoder (0: 1)"},
    {"--timings", "", "", "say where the time went (model load, model, waiting for frames) and the thread split on stderr"},
    {"--json", "", "", "print the results as JSON"},
};

int runClassify(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kClassifyOptions, &o, &code))
        return code;
    ClassifyOptions options;
    options.checkpoint = o.value("--model");
    options.expectedDepth = o.value("--depth").toInt();
    options.top = o.value("--top").toInt();
    options.device = o.value("--device");
    options.bfloat16 = o.has("--bf16");
    options.batch = o.value("--batch").toInt();
    options.threads = o.value("--threads").toInt();
    options.decoderThreads = o.value("--decoder-threads").toInt();
    options.decoders = o.value("--decoders").toInt();
    const bool json = o.has("--json");
    if (options.checkpoint.isEmpty() || o.positional.isEmpty() || options.top < 1 || options.batch < 1
        || options.threads < 0 || options.decoderThreads < 0 || options.decoders < 0)
        return fail(ctx, "usage: classify VIDEO... --model FILE [--depth N] [--top 5] [--device cpu|cuda] [--bf16] [--json]",
                    UsageError);
    const Taxonomy& taxonomy = Taxonomy::builtinMa52();
    int failures = 0;
    QJsonArray results;
    ClassifyFigures figures;
    Result<QVector<ClassifiedVideo>> done = classifyVideos(
        o.positional, options,
        [&](const ClassifiedVideo& r) {
            if (!r.error.isEmpty()) {
                ctx.err << "mastudio-cli: " << r.error << Qt::endl;
                ++failures;
                return;
            }
            if (json) {
                QJsonArray classes;
                for (const ScoredClassId& s : r.topClasses) {
                    const ActionClass* a = taxonomy.classById(s.classId);
                    classes.append(QJsonObject{{"id", s.classId}, {"name", a ? a->name : QString()}, {"score", double(s.score)}});
                }
                QJsonArray parts;
                for (float v : r.bodyPartScores)
                    parts.append(double(v));
                results.append(QJsonObject{{"video", r.video}, {"top", classes}, {"body_part", r.bodyPart},
                                           {"body_part_scores", parts}, {"color_conversion", r.colorConversion}});
                return;
            }
            ctx.out << r.video << '\n';
            for (const ScoredClassId& s : r.topClasses) {
                const ActionClass* a = taxonomy.classById(s.classId);
                const BodyPart* b = a ? taxonomy.bodyPart(a->bodyPartId) : nullptr;
                ctx.out << QString("  %1  %2 %3 (%4)").arg(s.score, 6, 'f', 4).arg(s.classId, 2).arg(a ? a->name : "?", b ? b->name : "?")
                        << '\n';
            }
            ctx.out.flush();
        },
        &interruptRequested(), &figures);
    if (!done)
        return fail(ctx, done.error());
    if (o.has("--timings"))
        ctx.err << QString("classify: %1 videos; model load %2 s; run %3 s (%4 videos/s); in the model %5 s; waiting for "
                           "decoded clips %6 s; model on %7 thread(s) beside %8 decoder(s) of %9 thread(s)")
                       .arg(figures.videos)
                       .arg(figures.loadSeconds, 0, 'f', 2)
                       .arg(figures.runSeconds, 0, 'f', 2)
                       .arg(figures.videos / std::max(figures.runSeconds, 1e-9), 0, 'f', 2)
                       .arg(figures.modelSeconds, 0, 'f', 2)
                       .arg(figures.waitSeconds, 0, 'f', 2)
                       .arg(figures.modelThreads)
                       .arg(figures.decoders)
                       .arg(figures.decoderThreads)
                << Qt::endl;
    if (json)
        ctx.out << QJsonDocument(results).toJson(QJsonDocument::Indented);
    ctx.out.flush();
    if (interruptRequested())
        return Interrupted;
    return failures ? Failure : Success;
}

const CliRegistration classifyReg({"classify", "VIDEO... --model FILE [options]",
                                   "top classes and body parts of whole videos with a MANet checkpoint", runClassify,
                                   kClassifyOptions});
const CliRegistration infoReg({"model info", "FILE [--json]",
                               "describe a MANet checkpoint (official, app or ImageNet init) or say why it cannot load",
                               runModelInfo, kInfoOptions});
const CliRegistration importReg({"model import", "P.mas FILE [--name NAME] [--activate]",
                                 "copy a checkpoint (the authors' MANet, the app's, or an ImageNet ResNet) into the project as a version",
                                 runModelImport, kImportOptions});
const CliRegistration newReg({"model new", "P.mas --depth 18|34|50 [--backbone FILE] [--name NAME]",
                              "a new untrained MANet version from an ImageNet backbone or random weights", runModelNew,
                              kNewOptions});
const CliRegistration exportReg({"model export", "P.mas VERSION OUT.pth",
                                 "write a version as a checkpoint in the authors' key layout (loads strictly in mmaction2)",
                                 runModelExport});

} // namespace
} // namespace mas::cli
