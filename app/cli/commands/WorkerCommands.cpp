// The model worker's verbs: `prelabel`, `train`, `evaluate`, `models` (+ `models activate`, `models rollback`).
// Jobs run inline (no event loop) with progress on stderr; Ctrl-C asks the job to stop at its next batch and
// everything committed before stays in the project.
#include "CliCommand.h"

#include "EvaluationShards.h"
#include "ModelCatalog.h"
#include "ModelJobRequest.h"
#include "ShardedProjectData.h"
#include "StoreProjectData.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <chrono>
#include <thread>
#include <unistd.h>

namespace mas::cli {
namespace {

using namespace mas::worker;

QString durationText(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    const qint64 s = qint64(seconds + 0.5);
    return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

// Runs `job` on this thread; a watcher turns Ctrl-C into the job's cancel flag. Progress goes to stderr: one
// line rewritten in place on a terminal, else a line every few seconds.
JobOutcome runWithProgress(CliContext& ctx, Job& job)
{
    JobControl control;
    std::atomic_bool over{false};
    std::thread watcher([&] {
        while (!over.load()) {
            if (interruptRequested().load())
                control.cancel = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    const bool terminal = ::isatty(2);
    auto lastLine = std::chrono::steady_clock::now() - std::chrono::hours(1);
    QString lastStage;
    bool lineOpen = false;
    auto closeLine = [&] {
        if (lineOpen)
            ctx.err << '\n';
        lineOpen = false;
    };
    const JobOutcome outcome = runJobInline(
        job, control,
        [&](const JobProgress& p) {
            const auto now = std::chrono::steady_clock::now();
            const bool newStage = p.stage != lastStage;
            if (!terminal && !newStage && now - lastLine < std::chrono::seconds(5) && p.done < p.total)
                return;
            lastLine = now;
            lastStage = p.stage;
            QString line = QString("%1: %2").arg(p.jobName, p.stage);
            if (p.total > 0)
                line += QString("  %1/%2").arg(p.done).arg(p.total);
            if (p.failed > 0)
                line += QString(" (%1 failed)").arg(p.failed);
            if (p.itemsPerSecond > 0)
                line += QString("  %1/s  %2 left").arg(p.itemsPerSecond, 0, 'f', 2).arg(durationText(p.secondsLeft));
            if (terminal) {
                if (newStage)
                    closeLine();
                ctx.err << '\r' << line.leftJustified(100) ;
                lineOpen = true;
            } else {
                ctx.err << line << '\n';
            }
            ctx.err.flush();
        },
        [&](const QString& key, const QString& message) {
            closeLine();
            ctx.err << "mastudio-cli: item " << key << ": " << message << '\n';
            ctx.err.flush();
        },
        [&](const QString& message) {
            closeLine();
            ctx.err << message << '\n';
            ctx.err.flush();
        });
    over = true;
    watcher.join();
    closeLine();
    ctx.err.flush();
    return outcome;
}

// The job's ending as an exit code, with the one-line reason when it did not finish.
int exitCodeOf(CliContext& ctx, const JobOutcome& outcome, const QString& keptWhat)
{
    if (outcome.state == JobState::Failed)
        return fail(ctx, outcome.message);
    if (outcome.state == JobState::Cancelled)
        return fail(ctx, QString("interrupted after %1 s; %2").arg(outcome.seconds, 0, 'f', 1).arg(keptWhat), Interrupted);
    return Success;
}

bool parseInt(const QString& text, int* value, int minimum = 1)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < minimum)
        return false;
    *value = v;
    return true;
}

QString percent(double fraction)
{
    return QString::number(fraction * 100, 'f', 1) + '%';
}

void printEvaluation(QTextStream& out, const QJsonObject& figures)
{
    const QJsonObject classes = figures.value("classes").toObject();
    const QJsonObject parts = figures.value("body_parts").toObject();
    out << "  loss " << QString::number(figures.value("loss").toDouble(), 'f', 4) << "\n"
        << "  classes:    top-1 " << percent(classes.value("top1").toDouble()) << "  top-5 "
        << percent(classes.value("top5").toDouble()) << "  macro-F1 " << percent(classes.value("macro_f1").toDouble())
        << "  (" << classes.value("count").toInt() << " clips)\n";
    if (!parts.isEmpty())
        out << "  body parts: top-1 " << percent(parts.value("top1").toDouble()) << "  top-5 "
            << percent(parts.value("top5").toDouble()) << "  macro-F1 " << percent(parts.value("macro_f1").toDouble())
            << '\n';
}

// --- the model a verb names -------------------------------------------------------------------------

// "" -> the active version; an existing file -> its version (imported into the project's cache the first time);
// "random[:DEPTH]" / "imagenet:FILE" -> a new untrained model; anything else -> a version by id or name.
// `mayAdd` false (a shard): only versions already in the project, since N shards adding one each would make N.
Result<store::Id> resolveModel(store::ProjectStore& store, const QString& text, QTextStream& out, bool mayAdd = true)
{
    if (text.isEmpty()) {
        if (const auto active = store.activeModelVersion())
            return active->id;
        return Error{"the project has no active model version: name one with --model FILE|VERSION, or `model import`"};
    }
    const QString oneVersion = QString("--shard: every shard must use one model version already in the project; make or "
                                       "import it once first (`model new`, `model import P %1`) and name it with --model")
                                   .arg(text);
    if (!mayAdd && (text == "random" || text.startsWith("random:") || text.startsWith("imagenet:")))
        return Error{oneVersion};
    if (text == "random" || text.startsWith("random:") || text.startsWith("imagenet:")) {
        const bool imagenet = text.startsWith("imagenet:");
        int depth = text.startsWith("random:") ? text.mid(7).toInt() : 18;
        QString backbone;
        if (imagenet) {
            backbone = text.mid(9);
            Result<CheckpointSummary> info = inspectModelFile(backbone);
            if (!info)
                return Error{info.error()};
            depth = info->depth;
        }
        Result<store::Id> id = createModel(store, depth, backbone, QString("%1-r%2").arg(imagenet ? "imagenet" : "random").arg(depth));
        if (id)
            out << "new model:     " << store.modelVersion(id.value())->name << " (untrained, " << (imagenet ? "ImageNet backbone" : "random weights")
                << ")\n";
        return id;
    }
    if (QFileInfo(text).isFile()) {
        const QString path = QFileInfo(text).absoluteFilePath();
        Result<QVector<store::ModelVersion>> all = store.modelVersions();
        if (!all)
            return Error{all.error()};
        for (const store::ModelVersion& v : all.value())
            if (QJsonDocument::fromJson(v.hyperParamsJson.toUtf8()).object().value("source_file").toString() == path)
                return v.id;
        if (!mayAdd)
            return Error{oneVersion};
        return importCheckpoint(store, path);
    }
    Result<store::ModelVersion> v = findModelVersion(store, text);
    if (!v)
        return Error{v.error()};
    return v->id;
}

// The CLI's device names: "auto" picks CUDA where present.
QString frontDoorDevice(const QString& name, bool bf16)
{
    if (bf16)
        return QStringLiteral("cpu-bf16");
    if (name == "auto")
        return computeCapabilities().cuda ? QStringLiteral("cuda") : QStringLiteral("cpu");
    return name;
}

bool parseOrFail(CliContext& ctx, const QVector<CliOption>& table, ParsedOptions* parsed, int* code)
{
    QString error;
    if (parseOptions(ctx.args, table, parsed, &error))
        return true;
    *code = fail(ctx, error, UsageError);
    return false;
}

// --shard K/N into the request (usage error with the rule when malformed).
bool readShard(const ParsedOptions& o, ModelJobRequest* request, CliContext& ctx, int* code)
{
    if (!o.has("--shard"))
        return true;
    Result<ShardSpec> shard = parseShardSpec(o.value("--shard"));
    if (!shard) {
        *code = fail(ctx, "--shard " + shard.error(), UsageError);
        return false;
    }
    request->shard = shard.value();
    return true;
}

// Jobs run inline on this thread over the verb's own connection.
ProjectDataFactory borrowed(store::ProjectStore& store)
{
    return [&store]() -> Result<std::unique_ptr<ProjectData>> { return StoreProjectData::borrow(store); };
}

bool readInt(const ParsedOptions& o, const QString& name, int minimum, int* value, CliContext& ctx, int* code)
{
    if (o.value(name).isEmpty())
        return true;
    if (!parseInt(o.value(name), value, minimum)) {
        *code = fail(ctx, QString("%1 wants a number >= %2").arg(name).arg(minimum), UsageError);
        return false;
    }
    return true;
}

// --- prelabel --------------------------------------------------------------------------------------

const QVector<CliOption> kPrelabelOptions{
    {"--model", "FILE|VERSION|random[:DEPTH]|imagenet:FILE", "", "the model (default: the active version; a file is imported)"},
    {"--device", "cpu|cuda|auto", "auto", "where the model runs"},
    {"--bf16", "", "", "CPU inference in bfloat16 (CPUs with AVX512-BF16 only; ~2x faster where the CPU has AMX)"},
    {"--windows", "", "", "slide windows over every video of the project (long footage) instead of its segments"},
    {"--videos", "ID|PATH,...", "", "slide windows over these videos only"},
    {"--window", "N", "", "window length in frames (default: from the model's clip length)"},
    {"--stride", "N", "", "window stride in frames (default: half the window)"},
    {"--threshold", "P", "0.5", "windows whose top class is below this propose nothing"},
    {"--batch", "N", "8", "clips per model call"},
    {"--top", "N", "5", "classes kept per clip"},
    {"--threads", "N", "0", "torch threads (0: all cores)"},
    {"--shard", "K/N", "", "only the videos of shard K of N (video id mod N), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT"},
};

int runPrelabel(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kPrelabelOptions, &o, &code))
        return code;
    if (o.positional.size() != 1)
        return fail(ctx, "usage: prelabel P.mas [options] (see --help)", UsageError);
    ModelJobRequest request;
    request.kind = ModelJobKind::PreLabel;
    if (!readInt(o, "--window", 1, &request.windowFrames, ctx, &code) || !readInt(o, "--stride", 1, &request.strideFrames, ctx, &code)
        || !readInt(o, "--batch", 1, &request.batchSize, ctx, &code) || !readInt(o, "--top", 1, &request.topK, ctx, &code)
        || !readInt(o, "--threads", 0, &request.threads, ctx, &code) || !readShard(o, &request, ctx, &code))
        return code;
    bool ok = false;
    request.threshold = o.value("--threshold").toDouble(&ok);
    if (!ok || request.threshold < 0 || request.threshold > 1)
        return fail(ctx, "--threshold wants a probability in [0, 1]", UsageError);
    request.device = frontDoorDevice(o.value("--device"), o.has("--bf16"));
    const QString project = o.positional[0];
    Result<std::unique_ptr<store::ProjectStore>> opened = store::ProjectStore::open(project, store::OpenMode::ReadWrite);
    if (!opened)
        return fail(ctx, opened.error());
    store::ProjectStore& s = *opened.value();
    const bool hadActive = s.activeModelVersion().has_value();
    Result<store::Id> version = resolveModel(s, o.value("--model"), ctx.out, request.shard.isWhole());
    if (!version)
        return fail(ctx, version.error());
    request.modelVersionId = version.value();
    if (!request.shard.isWhole()) {
        Result<QSet<QString>> mine = shardVideoPaths(s, request.shard);
        Result<QVector<store::Video>> all = s.videos();
        if (mine && all)
            ctx.out << "shard:         " << request.shard.text() << " (" << mine->size() << " of " << all->size()
                    << " videos: video id mod " << request.shard.count << " = " << request.shard.index << ")" << Qt::endl;
    }
    const bool windows = o.has("--windows") || o.has("--videos") || o.has("--window") || o.has("--stride");
    if (windows) {
        Result<QVector<store::Video>> videos = s.videos();
        if (!videos)
            return fail(ctx, videos.error());
        const QStringList only = o.value("--videos").split(',', Qt::SkipEmptyParts);
        for (const QString& wanted : only) {
            bool number = false;
            const store::Id id = wanted.toLongLong(&number);
            std::optional<store::Id> found = number ? std::optional<store::Id>(id) : s.videoIdByPath(wanted);
            if (!found || !s.video(*found))
                return fail(ctx, QString("%1 has no video %2").arg(project, wanted));
            request.videoIds << *found;
        }
        if (only.isEmpty())
            for (const store::Video& v : videos.value())
                request.videoIds << v.id;
    }
    Result<std::shared_ptr<Job>> job = makeModelJob(request, s, borrowed(s));
    if (!job)
        return fail(ctx, job.error());
    const JobOutcome outcome = runWithProgress(ctx, *job.value());
    const QJsonObject& f = outcome.figures;
    if (outcome.state != JobState::Failed) {
        ctx.out << "model version: " << f.value("model_version_name").toString() << " (id "
                << f.value("model_version").toString() << ", " << f.value("device").toString() << ", "
                << f.value("precision").toString() << ")\n";
        if (windows) {
            ctx.out << "windows:       " << outcome.done << " (" << outcome.skipped << " already done, " << outcome.failed
                    << " failed)\nproposals:     " << f.value("proposals").toInt() << " pre-labeled segments\n";
        } else {
            ctx.out << "clips:         " << outcome.done << " (" << outcome.skipped << " already pre-labeled, "
                    << outcome.failed << " failed)\n"
                    << "throughput:    " << QString::number(f.value("clips_per_second").toDouble(), 'f', 2)
                    << " clips/s end to end, " << QString::number(f.value("model_clips_per_second").toDouble(), 'f', 2)
                    << " clips/s in the model\n";
        }
        ctx.out << "time:          " << QString::number(outcome.seconds, 'f', 1) << " s" << Qt::endl;
    }
    // A model named on the command line becomes the active one when the project has none, so the clip
    // browser and the review queue show its predictions.
    if (outcome.state == JobState::Finished && !hadActive && !s.activeModelVersion()) {
        if (s.setActiveModelVersion(version.value()).ok())
            ctx.out << "active:        " << f.value("model_version_name").toString()
                    << " (the project had no active model version)" << Qt::endl;
    }
    return exitCodeOf(ctx, outcome, "the predictions of the batches finished before are kept; run it again to go on");
}

// --- train -----------------------------------------------------------------------------------------

const QVector<CliOption> kTrainOptions{
    {"--plan", "NAME", "", "split plan by participant: train on its train set, pick the epoch on val, never read test "
                           "(default: the newest; none: a 70/15/15 hold-out is made and saved)"},
    {"--mode", "head|full", "head", "head: backbone frozen, cached features (fast); full: the whole network"},
    {"--epochs", "N", "10", "training epochs"},
    {"--model", "VERSION|FILE", "", "the version to start from (default: the active one)"},
    {"--device", "cpu|cuda|auto", "auto", "where training runs"},
    {"--lr", "X", "", "base learning rate (default: 0.01 head, 0.00125 full)"},
    {"--batch", "N", "8", "clips per step"},
    {"--balance", "none|weights|sampling", "weights", "class imbalance: none, class-weighted loss, class-balanced batches"},
    {"--val-fraction", "F", "0.15", "validation share of the hold-out plan made when the project has none"},
    {"--name", "NAME", "", "name of the new version (default: <base>-head|full)"},
    {"--embeddings", "FILE.npy", "", "label embeddings [classes, 300] (default: derived from the taxonomy)"},
    {"--seed", "N", "1", "random seed (shuffling, the hold-out plan)"},
    {"--threads", "N", "0", "torch threads (0: all cores)"},
    {"--no-activate", "", "", "keep the active version as it is"},
    {"--no-refresh", "", "", "do not pre-label the unconfirmed segments again with the new version"},
};

// The project (read-write) of a train / evaluate call, with the request's split plan set from --plan.
Result<std::unique_ptr<store::ProjectStore>> openWithPlan(const ParsedOptions& o, ModelJobRequest* request)
{
    Result<std::unique_ptr<store::ProjectStore>> opened = store::ProjectStore::open(o.positional[0], store::OpenMode::ReadWrite);
    if (!opened || !o.has("--plan"))
        return opened;
    Result<store::Id> plan = splitPlanIdByName(*opened.value(), o.value("--plan"));
    if (!plan)
        return Error{plan.error()};
    request->splitPlanId = plan.value();
    return opened;
}

int runTrain(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kTrainOptions, &o, &code))
        return code;
    ModelJobRequest request;
    request.kind = ModelJobKind::FineTune;
    request.fineTuneMode = o.value("--mode");
    if (request.fineTuneMode != "head" && request.fineTuneMode != "full")
        return fail(ctx, "--mode is head (fast: backbone frozen, cached features) or full (the whole network)", UsageError);
    if (!readInt(o, "--epochs", 1, &request.epochs, ctx, &code) || !readInt(o, "--batch", 1, &request.batchSize, ctx, &code)
        || !readInt(o, "--threads", 0, &request.threads, ctx, &code))
        return code;
    if (o.has("--lr") && (request.learningRate = o.value("--lr").toDouble()) <= 0)
        return fail(ctx, "--lr wants a positive number", UsageError);
    request.seed = o.value("--seed").toULongLong();
    request.holdoutValFraction = o.value("--val-fraction").toDouble();
    if (request.holdoutValFraction <= 0 || request.holdoutValFraction >= 1)
        return fail(ctx, "--val-fraction wants a fraction in (0, 1)", UsageError);
    const QString balance = o.value("--balance");
    if (balance != "none" && balance != "weights" && balance != "sampling")
        return fail(ctx, "--balance is none, weights (class-weighted loss) or sampling (class-balanced batches)", UsageError);
    request.balance = balance == "weights" ? QStringLiteral("loss-weights") : balance;
    request.versionName = o.value("--name");
    request.labelEmbeddingsPath = o.value("--embeddings");
    request.activate = !o.has("--no-activate");
    request.refreshPrelabels = !o.has("--no-refresh") && request.activate;
    request.device = frontDoorDevice(o.value("--device"), false);
    if (o.positional.size() != 1)
        return fail(ctx, "usage: train P.mas [options] (see --help)", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> opened = openWithPlan(o, &request);
    if (!opened)
        return fail(ctx, opened.error());
    store::ProjectStore& s = *opened.value();
    Result<store::Id> base = resolveModel(s, o.value("--model"), ctx.out);
    if (!base)
        return fail(ctx, base.error());
    request.modelVersionId = base.value();
    Result<std::shared_ptr<Job>> made = makeModelJob(request, s, borrowed(s));
    if (!made)
        return fail(ctx, made.error());
    const JobOutcome outcome = runWithProgress(ctx, *made.value());
    const QJsonObject& f = outcome.figures;
    if (outcome.state == JobState::Finished && f.contains("new_version")) {
        const QJsonObject snapshot = f.value("data_snapshot").toObject();
        const std::optional<store::ModelVersion> active = s.activeModelVersion();
        Result<store::ModelVersion> base = s.modelVersion(request.modelVersionId);
        ctx.out << "new model version: " << f.value("new_version_name").toString() << " (id " << f.value("new_version").toString()
                << ", parent " << (base ? base->name : QString("?"))
                << (active && QString::number(active->id) == f.value("new_version").toString() ? ", active" : "") << ")\n"
                << "checkpoint:        " << f.value("checkpoint").toString() << '\n'
                << "split plan:        " << outcome.figures.value("plan").toString()
                << (outcome.figures.value("plan_created").toBool() ? " (made now: the project had none)" : "") << '\n'
                << "data:              " << snapshot.value("training_clips").toInt() << " training clips, "
                << snapshot.value("validation_clips").toInt() << " validation clips (participants "
                << snapshot.value("validation_participants").toVariant().toStringList().join(", ") << "); test not read\n";
        const QJsonObject metrics = f.value("metrics").toObject();
        if (metrics.contains("val")) {
            ctx.out << "validation (epoch " << metrics.value("kept_epoch").toInt() << " of " << metrics.value("epochs").toArray().size()
                    << ", the best one kept):\n";
            printEvaluation(ctx.out, metrics.value("val").toObject());
        } else {
            ctx.out << "validation: none (the plan's val participants have no confirmed clips): the last epoch is kept\n";
        }
        if (outcome.figures.contains("clips"))
            ctx.out << "pre-labels refreshed: " << outcome.figures.value("clips").toInt() << " unconfirmed clips\n";
        ctx.out << "time: " << QString::number(outcome.seconds, 'f', 1) << " s" << Qt::endl;
    }
    return exitCodeOf(ctx, outcome, "no model version was made (cached features are kept for the next run)");
}

// --- evaluate --------------------------------------------------------------------------------------

const QVector<CliOption> kEvaluateOptions{
    {"--version", "V", "", "the version (id or name; default: the active one)"},
    {"--plan", "NAME", "", "split plan by participant (default: the newest; none: a 70/15/15 hold-out is made)"},
    {"--split", "train|val|test", "test", "which participants of the plan"},
    {"--device", "cpu|cuda|auto", "auto", "where the model runs"},
    {"--batch", "N", "8", "clips per model call"},
    {"--threads", "N", "0", "torch threads (0: all cores)"},
    {"--json", "", "", "print the figures as JSON"},
    {"--shard", "K/N", "", "only the videos of shard K of N: the shard's counts go to a file in --partials, not on the version"},
    {"--merge", "", "", "add up the shard files in --partials (all N shards) and store the figures on the version"},
    {"--partials", "DIR", ".", "folder of the shards' files (shared by the shards and the merge)"},
};

// The merged or one-process figures as evaluate prints them.
void printEvaluateFigures(CliContext& ctx, const ParsedOptions& o, const QJsonObject& all, const QString& split,
                          qint64 clips, qint64 unreadable, double seconds)
{
    if (o.has("--json")) {
        ctx.out << QJsonDocument(all).toJson(QJsonDocument::Indented);
        return;
    }
    ctx.out << "model version " << all.value("model_version_name").toString() << " on the " << split
            << " participants of split plan \"" << all.value("plan").toString() << "\""
            << (all.value("plan_created").toBool() ? " (made now: the project had none)" : "") << ": " << clips
            << " confirmed clips (" << unreadable << " unreadable)";
    if (all.contains("shards"))
        ctx.out << ", from " << all.value("shards").toInt() << " shards";
    ctx.out << ":\n";
    printEvaluation(ctx.out, all.value("evaluation").toObject());
    ctx.out << "stored as the version's \"" << split << "\" figures\n";
    if (seconds >= 0)
        ctx.out << "time: " << QString::number(seconds, 'f', 1) << " s";
    ctx.out << Qt::endl;
}

// evaluate --merge: the N shard files of the version and split, added up and stored as one evaluate stores.
int runEvaluateMerge(CliContext& ctx, const ParsedOptions& o, store::ProjectStore& s, const ModelJobRequest& request)
{
    std::optional<store::ModelVersion> version =
        request.modelVersionId > 0 ? std::optional<store::ModelVersion>(s.modelVersion(request.modelVersionId).value())
                                   : s.activeModelVersion();
    if (!version)
        return fail(ctx, "no model version is active: name the evaluated one with --version");
    const QString id = QString::number(version->id);
    Result<std::vector<ShardEvaluation>> shards = readShardEvaluations(o.value("--partials"), id, request.evaluateSplit);
    if (!shards)
        return fail(ctx, shards.error());
    Result<QJsonObject> merged = mergeShardEvaluations(shards.value());
    if (!merged)
        return fail(ctx, merged.error());
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(s);
    if (const Status stored = storeEvaluation(*data, id, request.evaluateSplit, merged.value()); !stored)
        return fail(ctx, stored.error());
    const QJsonObject all{{"model_version", id}, {"model_version_name", version->name}, {"split", request.evaluateSplit},
                          {"plan", shards->front().plan}, {"shards", int(shards->size())}, {"evaluation", merged.value()}};
    printEvaluateFigures(ctx, o, all, request.evaluateSplit, merged->value("clips").toInt(), 0, -1);
    return Success;
}

int runEvaluate(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kEvaluateOptions, &o, &code))
        return code;
    ModelJobRequest request;
    request.kind = ModelJobKind::Evaluate;
    request.evaluateSplit = o.value("--split");
    if (request.evaluateSplit != "train" && request.evaluateSplit != "val" && request.evaluateSplit != "test")
        return fail(ctx, "--split is train, val or test", UsageError);
    if (!readInt(o, "--batch", 1, &request.batchSize, ctx, &code) || !readInt(o, "--threads", 0, &request.threads, ctx, &code)
        || !readShard(o, &request, ctx, &code))
        return code;
    if (o.has("--merge") && o.has("--shard"))
        return fail(ctx, "--merge adds up the shards' files: run it once, without --shard, after every shard finished", UsageError);
    request.device = frontDoorDevice(o.value("--device"), false);
    if (o.positional.size() != 1)
        return fail(ctx, "usage: evaluate P.mas --version V [--plan NAME] [--split train|val|test] [--json]", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> opened = openWithPlan(o, &request);
    if (!opened)
        return fail(ctx, opened.error());
    store::ProjectStore& s = *opened.value();
    if (o.has("--version")) {
        Result<store::ModelVersion> v = findModelVersion(s, o.value("--version"));
        if (!v)
            return fail(ctx, v.error());
        request.modelVersionId = v->id;
    }
    if (o.has("--merge"))
        return runEvaluateMerge(ctx, o, s, request);
    Result<std::shared_ptr<Job>> job = makeModelJob(request, s, borrowed(s));
    if (!job)
        return fail(ctx, job.error());
    const JobOutcome outcome = runWithProgress(ctx, *job.value());
    if (outcome.state == JobState::Finished && !request.shard.isWhole()) {
        // A shard's counts go to its own file (written whole); the merge stores the figures once.
        const ShardEvaluation part = shardEvaluationOf(outcome, request.shard);
        const QString file = shardEvaluationPath(o.value("--partials"), part.versionId, part.split, request.shard);
        if (const Status written = writeShardEvaluation(file, part); !written)
            return fail(ctx, written.error());
        ctx.out << "shard " << request.shard.text() << ": " << outcome.done - outcome.failed << " confirmed clips ("
                << outcome.failed << " unreadable) of version " << part.versionName << " on the " << part.split
                << " participants of split plan \"" << part.plan << "\"\nshard figures: " << file
                << "\nnothing stored on the version yet: when all " << request.shard.count
                << " shards are done, `evaluate P --merge --partials DIR` adds them up\ntime: "
                << QString::number(outcome.seconds, 'f', 1) << " s" << Qt::endl;
    } else if (outcome.state == JobState::Finished) {
        printEvaluateFigures(ctx, o, outcome.figures, request.evaluateSplit, outcome.done - outcome.failed, outcome.failed,
                             outcome.seconds);
    }
    return exitCodeOf(ctx, outcome, "nothing was stored");
}

// --- models ----------------------------------------------------------------------------------------

// A stored figure ("-" when no run measured it). Old projects' "validation" reads as val; "evaluation" (split
// unknown) is shown nowhere as test.
QString figureOf(const QJsonObject& metrics, const QString& split, const QString& figure)
{
    QJsonObject o = metrics.value(split).toObject();
    if (o.isEmpty() && split == "val")
        o = metrics.value("validation").toObject();
    const QJsonObject classes = o.value("classes").toObject();
    return classes.contains(figure) ? percent(classes.value(figure).toDouble()) : QStringLiteral("-");
}

const QVector<CliOption> kModelsOptions{{"--json", "", "", "print the versions as JSON"}};

int runModels(CliContext& ctx)
{
    ParsedOptions o;
    int code = 0;
    if (!parseOrFail(ctx, kModelsOptions, &o, &code))
        return code;
    if (o.positional.size() != 1)
        return fail(ctx, "usage: models P.mas [--json]", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(o.positional[0], store::OpenMode::ReadOnly);
    if (!s)
        return fail(ctx, s.error());
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*s.value());
    Result<std::vector<ModelVersionRecord>> versions = data->modelVersions();
    if (!versions)
        return fail(ctx, versions.error());
    QHash<QString, QString> names;
    for (const ModelVersionRecord& v : versions.value())
        names.insert(v.id, v.name);
    if (o.has("--json")) {
        QJsonArray all;
        for (const ModelVersionRecord& v : versions.value()) {
            QJsonObject j{{"id", v.id.toLongLong()}, {"name", v.name}, {"parent", names.value(v.parentId)},
                          {"kind", v.kind}, {"active", v.active}, {"created", v.created.toString(Qt::ISODate)},
                          {"checkpoint", v.checkpointPath}, {"hyper_params", v.hyperParams}, {"metrics", v.metrics}};
            all.append(j);
        }
        ctx.out << QJsonDocument(all).toJson(QJsonDocument::Indented);
        return Success;
    }
    if (versions->empty()) {
        ctx.out << "no model versions yet: `model import P.mas FILE` brings a checkpoint in, `model new` makes one" << Qt::endl;
        return Success;
    }
    ctx.out << QString("  %1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                   .arg("id", 4).arg("name", -28).arg("kind", -12).arg("parent", -24).arg("val top-1", 9).arg("val F1", 7)
                   .arg("test top-1", 10).arg("test F1", 7).arg("created");
    for (const ModelVersionRecord& v : versions.value())
        ctx.out << (v.active ? "* " : "  ")
                << QString("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                       .arg(v.id, 4).arg(v.name, -28).arg(v.kind, -12).arg(names.value(v.parentId, "-"), -24)
                       .arg(figureOf(v.metrics, "val", "top1"), 9).arg(figureOf(v.metrics, "val", "macro_f1"), 7)
                       .arg(figureOf(v.metrics, "test", "top1"), 10).arg(figureOf(v.metrics, "test", "macro_f1"), 7)
                       .arg(v.created.toString("yyyy-MM-dd hh:mm"));
    ctx.out << "(* active; figures as measured: val by the fine-tune's kept epoch or evaluate, test by evaluate)" << Qt::endl;
    return Success;
}

int runModelsActivate(CliContext& ctx)
{
    if (ctx.args.size() != 2)
        return fail(ctx, "usage: models activate P.mas VERSION", UsageError);
    Result<std::unique_ptr<ProjectData>> data = StoreProjectData::open(ctx.args[0]);
    if (!data)
        return fail(ctx, data.error());
    Result<std::optional<ModelVersionRecord>> v = data.value()->modelVersion(ctx.args[1]);
    if (!v)
        return fail(ctx, v.error());
    if (!v.value())
        return fail(ctx, QString("%1 has no model version %2").arg(ctx.args[0], ctx.args[1]));
    const Status s = data.value()->setActiveModelVersion(v.value()->id);
    if (!s)
        return fail(ctx, s.error());
    ctx.out << "active model version: " << v.value()->name << Qt::endl;
    return Success;
}

int runModelsRollback(CliContext& ctx)
{
    if (ctx.args.size() != 1)
        return fail(ctx, "usage: models rollback P.mas", UsageError);
    Result<std::unique_ptr<ProjectData>> data = StoreProjectData::open(ctx.args[0]);
    if (!data)
        return fail(ctx, data.error());
    Result<QString> parent = data.value()->rollBack();
    if (!parent)
        return fail(ctx, parent.error());
    Result<std::optional<ModelVersionRecord>> v = data.value()->modelVersion(parent.value());
    ctx.out << "active model version: " << (v && v.value() ? v.value()->name : parent.value()) << Qt::endl;
    return Success;
}

// A project opened read-write and one of its versions (by id or name): what `models delete|rename` change.
struct ProjectVersion {
    std::unique_ptr<store::ProjectStore> store;
    store::ModelVersion version;
};
Result<ProjectVersion> openProjectVersion(const QString& project, const QString& versionRef)
{
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadWrite);
    if (!s)
        return Error{s.error()};
    Result<store::ModelVersion> v = findModelVersion(*s.value(), versionRef);
    if (!v)
        return Error{v.error()};
    return ProjectVersion{std::move(s.value()), v.value()};
}

int runModelsDelete(CliContext& ctx)
{
    if (ctx.args.size() != 2 || ctx.args[0].startsWith("--"))
        return fail(ctx, "usage: models delete P.mas VERSION", UsageError);
    Result<ProjectVersion> pv = openProjectVersion(ctx.args[0], ctx.args[1]);
    if (!pv)
        return fail(ctx, pv.error());
    const store::ModelVersion& v = pv->version;
    if (const Status d = deleteModelVersion(*pv->store, v.id); !d)
        return fail(ctx, d.error());
    ctx.out << "deleted model version " << v.name << " with its predictions"
            << (v.active ? " (it was active: no version is active now)" : "") << Qt::endl;
    return Success;
}

int runModelsRename(CliContext& ctx)
{
    if (ctx.args.size() != 3 || ctx.args[0].startsWith("--"))
        return fail(ctx, "usage: models rename P.mas VERSION NAME", UsageError);
    Result<ProjectVersion> pv = openProjectVersion(ctx.args[0], ctx.args[1]);
    if (!pv)
        return fail(ctx, pv.error());
    if (const Status r = renameModelVersion(*pv->store, pv->version.id, ctx.args[2]); !r)
        return fail(ctx, r.error());
    ctx.out << "renamed model version " << pv->version.name << " to " << ctx.args[2].trimmed() << Qt::endl;
    return Success;
}

const CliRegistration prelabelReg({"prelabel", "P.mas [options]",
                                   "pre-label unconfirmed segments (or slide windows over long footage) with MANet",
                                   runPrelabel, kPrelabelOptions});
const CliRegistration trainReg({"train", "P.mas [--plan NAME] [options]",
                                "fine-tune on the confirmed labels of a split plan's train participants into a new version",
                                runTrain, kTrainOptions});
const CliRegistration evaluateReg({"evaluate", "P.mas --version V [--plan NAME] [--split train|val|test] [--shard K/N | --merge] [--json]",
                                   "top-1, top-5, macro-F1 of a version on one split's participants, stored on the version",
                                   runEvaluate, kEvaluateOptions});
const CliRegistration modelsReg({"models", "P.mas [--json]", "list the model versions with their measured figures", runModels,
                                 kModelsOptions});
const CliRegistration activateReg({"models activate", "P.mas VERSION", "make a model version the active one",
                                   runModelsActivate});
const CliRegistration rollbackReg({"models rollback", "P.mas", "activate the parent of the active model version",
                                   runModelsRollback});
const CliRegistration deleteReg({"models delete", "P.mas VERSION",
                                 "delete a version with its predictions and cached checkpoint (children keep its parent)",
                                 runModelsDelete});
const CliRegistration renameReg({"models rename", "P.mas VERSION NAME", "give a version a new unique name", runModelsRename});

} // namespace
} // namespace mas::cli
