// The model worker's verbs: `prelabel`, `train`, `evaluate`, `models` (+ `models activate`, `models rollback`).
// Jobs run inline (no event loop) with progress on stderr; Ctrl-C asks the job to stop at its next batch and
// everything committed before stays in the project.
#include "CliCommand.h"

#include "EvaluateJob.h"
#include "FineTuneJob.h"
#include "PrelabelJob.h"
#include "StoreProjectData.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
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

// --- prelabel --------------------------------------------------------------------------------------

int runPrelabel(CliContext& ctx)
{
    QStringList args = ctx.args;
    const QString usage = "usage: prelabel P.mas [--model FILE|VERSION|random[:DEPTH]] [--device cpu|cuda] [--bf16] "
                          "[--window N --stride N | --windows] [--batch N] [--threads N] [--threshold P]";
    PrelabelOptions o;
    const QString modelText = takeOption(args, "--model");
    o.model = ModelSource::parse(modelText);
    o.device = deviceFromName(takeOption(args, "--device", "auto"));
    o.bfloat16 = takeFlag(args, "--bf16");
    const QString window = takeOption(args, "--window"), stride = takeOption(args, "--stride");
    o.slidingWindow = takeFlag(args, "--windows") || !window.isEmpty() || !stride.isEmpty();
    if (!window.isEmpty() && !parseInt(window, &o.windows.window))
        return fail(ctx, "--window wants a number of frames >= 1", UsageError);
    if (!stride.isEmpty() && !parseInt(stride, &o.windows.stride))
        return fail(ctx, "--stride wants a number of frames >= 1", UsageError);
    const QString batch = takeOption(args, "--batch"), threads = takeOption(args, "--threads");
    if (!batch.isEmpty() && !parseInt(batch, &o.batchSize))
        return fail(ctx, "--batch wants a number >= 1", UsageError);
    if (!threads.isEmpty() && !parseInt(threads, &o.threads))
        return fail(ctx, "--threads wants a number >= 1", UsageError);
    const QString threshold = takeOption(args, "--threshold");
    if (!threshold.isEmpty())
        o.windows.threshold = threshold.toFloat();
    if (args.size() != 1 || args[0].startsWith("--"))
        return fail(ctx, usage, UsageError);
    const QString project = args[0];
    PrelabelJob job(StoreProjectData::factory(project), o);
    const JobOutcome outcome = runWithProgress(ctx, job);
    const QJsonObject& f = outcome.figures;
    if (outcome.state != JobState::Failed) {
        ctx.out << "model version: " << f.value("model_version_name").toString() << " (id "
                << f.value("model_version").toString() << ", " << f.value("device").toString() << ", "
                << f.value("precision").toString() << ")\n";
        if (o.slidingWindow) {
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
    if (outcome.state == JobState::Finished && !modelText.isEmpty()) {
        Result<std::unique_ptr<ProjectData>> data = StoreProjectData::open(project);
        if (data) {
            Result<std::optional<ModelVersionRecord>> active = data.value()->activeModelVersion();
            if (active && !active.value()) {
                const Status s = data.value()->setActiveModelVersion(f.value("model_version").toString());
                if (s)
                    ctx.out << "active:        " << f.value("model_version_name").toString()
                            << " (the project had no active model version)" << Qt::endl;
            }
        }
    }
    return exitCodeOf(ctx, outcome, "the predictions of the batches finished before are kept; run it again to go on");
}

// --- train -----------------------------------------------------------------------------------------

int runTrain(CliContext& ctx)
{
    QStringList args = ctx.args;
    const QString usage = "usage: train P.mas [--mode head|full] [--epochs N] [--model VERSION|FILE] [--device cpu|cuda] "
                          "[--lr X] [--batch N] [--balance none|weights|sampling] [--val-fraction F] [--name NAME] "
                          "[--embeddings FILE.npy] [--seed N] [--threads N] [--no-activate] [--no-refresh]";
    FineTuneOptions o;
    const QString mode = takeOption(args, "--mode", "head");
    if (mode != "head" && mode != "full")
        return fail(ctx, "--mode is head (fast: backbone frozen, cached features) or full (the whole network)", UsageError);
    o.mode = mode == "head" ? FineTuneMode::Head : FineTuneMode::Full;
    o.base = ModelSource::parse(takeOption(args, "--model"));
    o.device = deviceFromName(takeOption(args, "--device", "auto"));
    const QString epochs = takeOption(args, "--epochs"), batch = takeOption(args, "--batch"),
                  threads = takeOption(args, "--threads"), lr = takeOption(args, "--lr"),
                  seed = takeOption(args, "--seed"), fraction = takeOption(args, "--val-fraction");
    if (!epochs.isEmpty() && !parseInt(epochs, &o.epochs))
        return fail(ctx, "--epochs wants a number >= 1", UsageError);
    if (!batch.isEmpty() && !parseInt(batch, &o.batchSize))
        return fail(ctx, "--batch wants a number >= 1", UsageError);
    if (!threads.isEmpty() && !parseInt(threads, &o.threads))
        return fail(ctx, "--threads wants a number >= 1", UsageError);
    if (!lr.isEmpty() && (o.learningRate = lr.toDouble()) <= 0)
        return fail(ctx, "--lr wants a positive number", UsageError);
    if (!seed.isEmpty())
        o.seed = seed.toULongLong();
    if (!fraction.isEmpty()) {
        o.validationFraction = fraction.toDouble();
        if (o.validationFraction < 0 || o.validationFraction >= 1)
            return fail(ctx, "--val-fraction wants a fraction in [0, 1)", UsageError);
    }
    const QString balance = takeOption(args, "--balance", "weights");
    if (balance == "none")
        o.balance = BalanceMethod::None;
    else if (balance == "weights")
        o.balance = BalanceMethod::LossWeights;
    else if (balance == "sampling")
        o.balance = BalanceMethod::Sampling;
    else
        return fail(ctx, "--balance is none, weights (class-weighted loss) or sampling (class-balanced batches)", UsageError);
    o.versionName = takeOption(args, "--name");
    o.labelEmbeddingsPath = takeOption(args, "--embeddings");
    o.activate = !takeFlag(args, "--no-activate");
    o.refreshPrelabels = !takeFlag(args, "--no-refresh") && o.activate;
    if (args.size() != 1 || args[0].startsWith("--"))
        return fail(ctx, usage, UsageError);
    FineTuneJob job(StoreProjectData::factory(args[0]), o);
    const JobOutcome outcome = runWithProgress(ctx, job);
    if (outcome.state == JobState::Finished && !job.newVersion().id.isEmpty()) {
        const ModelVersionRecord& v = job.newVersion();
        const QJsonObject snapshot = v.hyperParams.value("data_snapshot").toObject();
        ctx.out << "new model version: " << v.name << " (id " << v.id << ", parent " << v.hyperParams.value("base_version").toString()
                << (v.active ? ", active" : "") << ")\n"
                << "checkpoint:        " << v.checkpointPath << '\n'
                << "data:              " << snapshot.value("training_clips").toInt() << " training clips, "
                << snapshot.value("validation_clips").toInt() << " validation clips (participants "
                << snapshot.value("validation_participants").toVariant().toStringList().join(", ") << ")\n";
        if (!job.epochs().empty()) {
            ctx.out << "validation (epoch " << job.keptEpoch().epoch << " of " << job.epochs().size() << ", the best one kept):\n";
            printEvaluation(ctx.out, job.keptEpoch().validation.toJson(false));
        }
        if (outcome.figures.contains("clips"))
            ctx.out << "pre-labels refreshed: " << outcome.figures.value("clips").toInt() << " unconfirmed clips\n";
        ctx.out << "time: " << QString::number(outcome.seconds, 'f', 1) << " s" << Qt::endl;
    }
    return exitCodeOf(ctx, outcome, "no model version was made (cached features are kept for the next run)");
}

// --- evaluate --------------------------------------------------------------------------------------

int runEvaluate(CliContext& ctx)
{
    QStringList args = ctx.args;
    EvaluateOptions o;
    const QString version = takeOption(args, "--version");
    o.model = ModelSource::parse(version);
    o.device = deviceFromName(takeOption(args, "--device", "auto"));
    const QString batch = takeOption(args, "--batch"), participants = takeOption(args, "--participants");
    if (!batch.isEmpty() && !parseInt(batch, &o.batchSize))
        return fail(ctx, "--batch wants a number >= 1", UsageError);
    if (!participants.isEmpty())
        o.participants = participants.split(',', Qt::SkipEmptyParts);
    const bool json = takeFlag(args, "--json");
    if (args.size() != 1 || args[0].startsWith("--"))
        return fail(ctx, "usage: evaluate P.mas [--version V] [--participants A,B] [--device cpu|cuda] [--batch N] [--json]",
                    UsageError);
    EvaluateJob job(StoreProjectData::factory(args[0]), o);
    const JobOutcome outcome = runWithProgress(ctx, job);
    if (outcome.state == JobState::Finished) {
        const QJsonObject figures = outcome.figures.value("evaluation").toObject();
        if (json) {
            ctx.out << QJsonDocument(outcome.figures).toJson(QJsonDocument::Indented);
        } else {
            ctx.out << "model version " << outcome.figures.value("model_version_name").toString() << " on "
                    << outcome.done - outcome.failed << " confirmed clips (" << outcome.failed << " unreadable):\n";
            printEvaluation(ctx.out, figures);
            ctx.out << "time: " << QString::number(outcome.seconds, 'f', 1) << " s" << Qt::endl;
        }
    }
    return exitCodeOf(ctx, outcome, "nothing was stored");
}

// --- models ----------------------------------------------------------------------------------------

QString figureOf(const QJsonObject& metrics, const QString& where)
{
    const QJsonObject o = metrics.value(where).toObject().value("classes").toObject();
    return o.isEmpty() ? QStringLiteral("-") : percent(o.value("top1").toDouble());
}

int runModels(CliContext& ctx)
{
    QStringList args = ctx.args;
    const bool json = takeFlag(args, "--json");
    if (args.size() != 1 || args[0].startsWith("--"))
        return fail(ctx, "usage: models P.mas [--json]", UsageError);
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(args[0], store::OpenMode::ReadOnly);
    if (!s)
        return fail(ctx, s.error());
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*s.value());
    Result<std::vector<ModelVersionRecord>> versions = data->modelVersions();
    if (!versions)
        return fail(ctx, versions.error());
    QHash<QString, QString> names;
    for (const ModelVersionRecord& v : versions.value())
        names.insert(v.id, v.name);
    if (json) {
        QJsonArray all;
        for (const ModelVersionRecord& v : versions.value()) {
            QJsonObject o{{"id", v.id.toLongLong()}, {"name", v.name}, {"parent", names.value(v.parentId)},
                          {"kind", v.kind}, {"active", v.active}, {"created", v.created.toString(Qt::ISODate)},
                          {"checkpoint", v.checkpointPath}, {"hyper_params", v.hyperParams}, {"metrics", v.metrics}};
            all.append(o);
        }
        ctx.out << QJsonDocument(all).toJson(QJsonDocument::Indented);
        return Success;
    }
    if (versions->empty()) {
        ctx.out << "no model versions yet: `prelabel P.mas --model FILE` registers a checkpoint" << Qt::endl;
        return Success;
    }
    ctx.out << QString("  %1 %2 %3 %4 %5 %6 %7\n")
                   .arg("id", 4).arg("name", -28).arg("kind", -14).arg("parent", -24).arg("val top-1", 9)
                   .arg("eval top-1", 10).arg("created");
    for (const ModelVersionRecord& v : versions.value())
        ctx.out << (v.active ? "* " : "  ")
                << QString("%1 %2 %3 %4 %5 %6 %7\n")
                       .arg(v.id, 4).arg(v.name, -28).arg(v.kind, -14).arg(names.value(v.parentId, "-"), -24)
                       .arg(figureOf(v.metrics, "validation"), 9).arg(figureOf(v.metrics, "evaluation"), 10)
                       .arg(v.created.toString("yyyy-MM-dd hh:mm"));
    ctx.out << "(* active)" << Qt::endl;
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

const CliRegistration prelabelReg({"prelabel",
                                   "P.mas [--model FILE|VERSION] [--device cpu|cuda] [--bf16] [--window N --stride N] [--batch N]",
                                   "pre-label unconfirmed segments (or slide windows over long footage) with MANet",
                                   runPrelabel});
const CliRegistration trainReg({"train", "P.mas [--mode head|full] [--epochs N] [--model VERSION] [--balance ...]",
                                "fine-tune on the confirmed labels into a new model version", runTrain});
const CliRegistration evaluateReg({"evaluate", "P.mas --version V [--participants A,B] [--json]",
                                   "top-1, top-5, macro-F1 of a model version on confirmed segments", runEvaluate});
const CliRegistration modelsReg({"models", "P.mas [--json]", "list the model versions with their figures", runModels});
const CliRegistration activateReg({"models activate", "P.mas VERSION", "make a model version the active one",
                                   runModelsActivate});
const CliRegistration rollbackReg({"models rollback", "P.mas", "activate the parent of the active model version",
                                   runModelsRollback});

} // namespace
} // namespace mas::cli
