// Data exchange verbs: `import ma52-list|predictions|eaf|csv|json`, `split`, `export ...`, `agreement`.
// All of them drive core/exchange; the GUI's dialogs call the same functions.
#include "CliCommand.h"

#include "exchange/AtomicFile.h"
#include "exchange/ImportFiles.h"
#include "exchange/Ma52List.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::cli {
namespace {

using namespace mas::exchange;
using namespace mas::store;

Result<std::unique_ptr<ProjectStore>> openProject(const QString& path, OpenMode mode)
{
    return ProjectStore::open(path, mode);
}

ExchangeControl cliControl()
{
    ExchangeControl c;
    c.cancel = &interruptRequested();
    return c;
}

// A plan by name, or the newest when `name` is empty; 0 with an error message when not found.
Result<Id> planByName(const ProjectStore& store, const QString& name)
{
    Result<QVector<SplitPlan>> plans = store.splitPlans();
    if (!plans.ok())
        return Error{plans.error()};
    Id newest = 0;
    QStringList names;
    for (const SplitPlan& p : plans.value()) {
        names << p.name;
        if (!name.isEmpty() && p.name == name)
            return p.id;
        newest = std::max(newest, p.id);
    }
    if (name.isEmpty())
        return newest;
    return Error{QStringLiteral("%1: no split plan named \"%2\" (plans: %3)")
                     .arg(store.path(), name, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")))};
}

// --- import ------------------------------------------------------------------------------------

// `import ma52-list` without --data-root: a list's relative video paths are looked for beside the list file
// when more of them are there than under the project folder (lists usually sit with their clips).
QString listFolderWhenVideosAreBeside(const ProjectStore& store, const QStringList& files)
{
    if (files.isEmpty())
        return {};
    const QString listDir = QFileInfo(files.first()).absolutePath();
    if (QDir(listDir) == QDir(store.projectDir()))
        return {};
    Result<ParsedFile> parsed = readMa52ListFile(files.first(), store.taxonomy());
    if (!parsed.ok())
        return {};
    int beside = 0, underProject = 0;
    for (const SegmentRow& row : parsed->rows) {
        beside += QFileInfo::exists(QDir(listDir).absoluteFilePath(row.videoPath)) ? 1 : 0;
        underProject += QFileInfo::exists(QDir(store.projectDir()).absoluteFilePath(row.videoPath)) ? 1 : 0;
    }
    return beside > underProject ? listDir : QString();
}

int runImport(CliContext& ctx, ImportFormat format)
{
    ImportFilesOptions options;
    options.project.dataRoot = takeOption(ctx.args, "--data-root");
    options.modelVersion = takeOption(ctx.args, "--model");
    options.annotator = takeOption(ctx.args, "--annotator");
    options.split = takeOption(ctx.args, "--split");
    const QString planName = takeOption(ctx.args, "--plan");
    if (!planName.isEmpty())
        options.project.splitPlanName = planName;
    if (const QString fps = takeOption(ctx.args, "--fps"); !fps.isEmpty())
        if (!parseFrameRate(fps, &options.defaultFpsNum, &options.defaultFpsDen))
            return fail(ctx, QStringLiteral("--fps %1 is not a frame rate (e.g. 30, 29.97, 30000/1001)").arg(fps), UsageError);
    options.project.probeVideos = !takeFlag(ctx.args, "--no-probe");
    const bool strict = takeFlag(ctx.args, "--strict");
    const bool json = takeFlag(ctx.args, "--json");
    for (const QString& a : std::as_const(ctx.args))
        if (a.startsWith("--"))
            return fail(ctx, QStringLiteral("unknown option %1").arg(a), UsageError);
    if (ctx.args.size() < 2)
        return fail(ctx, QStringLiteral("usage: import %1 P.mas FILE... (see --help)").arg(importFormatName(format)), UsageError);
    if (format == ImportFormat::Predictions && options.modelVersion.isEmpty())
        return fail(ctx, "import predictions needs --model NAME: the model version the predictions come from", UsageError);
    Result<std::unique_ptr<ProjectStore>> store = openProject(ctx.args[0], OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    const QStringList files = ctx.args.mid(1);
    if (format == ImportFormat::Ma52List && options.project.dataRoot.isEmpty()) {
        options.project.dataRoot = listFolderWhenVideosAreBeside(*store.value(), files);
        if (!options.project.dataRoot.isEmpty())
            ctx.err << "mastudio-cli: videos are looked for beside the list, in " << options.project.dataRoot
                    << " (--data-root DIR says otherwise)" << Qt::endl;
    }
    if (strict) {
        Result<ParsedFile> parsed = readImportFiles(*store.value(), format, files, options);
        if (!parsed.ok())
            return fail(ctx, parsed.error());
        for (const ImportIssue& issue : parsed->issues)
            ctx.err << "mastudio-cli: " << issue.toString() << '\n';
        if (!parsed->issues.isEmpty())
            return fail(ctx, QStringLiteral("--strict: %1 rows have problems; nothing imported").arg(parsed->issues.size()));
    }
    Result<ImportReport> report = importFiles(*store.value(), format, files, options, cliControl());
    if (!report.ok())
        return fail(ctx, report.error(), interruptRequested() ? Interrupted : Failure);
    for (const ImportIssue& issue : report->issues)
        ctx.err << "mastudio-cli: " << issue.toString() << '\n';
    ctx.err.flush();
    if (json) {
        QJsonArray issues;
        for (const ImportIssue& i : report->issues)
            issues.append(QJsonObject{{"file", i.file}, {"line", i.line}, {"reason", i.reason}, {"suggestion", i.suggestion}});
        const QJsonObject o{{"rows_read", report->rowsRead},         {"videos_added", report->videosAdded},
                            {"videos_missing", report->videosMissing}, {"videos_matched", report->videosMatched},
                            {"segments_added", report->segmentsAdded}, {"labels_added", report->labelsAdded},
                            {"predictions_stored", report->predictionsStored}, {"split_plan", report->splitPlan},
                            {"issues", issues}};
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        ctx.out << "imported into " << store.value()->path() << ": " << report->summary() << Qt::endl;
    }
    if (report->rowsRead == 0)
        return fail(ctx, QStringLiteral("no rows could be read from %1").arg(files.join(QStringLiteral(", "))));
    return Success;
}

const QVector<CliOption> kCommonImportOptions{
    {"--data-root", "DIR", "", "folder the files' relative video paths start from (default: the project folder; lists: beside the list when the videos are there)"},
    {"--annotator", "NAME", "", "who the labels are attributed to (default: the file's own, else the current annotator)"},
    {"--no-probe", "", "", "do not open new videos to read their length and rate"},
    {"--strict", "", "", "import nothing when any row has a problem"},
    {"--json", "", "", "print the report as JSON"},
};

QVector<CliOption> importOptions(const QVector<CliOption>& own)
{
    return own + kCommonImportOptions;
}

const char kImportOptions[] = "[--data-root DIR] [--annotator NAME] [--no-probe] [--strict] [--json]";

const CliRegistration importListReg(
    {"import ma52-list", QStringLiteral("P.mas FILE... [--split train|val|test] [--plan NAME] %1").arg(kImportOptions),
     "import MA-52/mmaction2 list files as confirmed labels (participants from names; missing videos marked)",
     [](CliContext& ctx) { return runImport(ctx, ImportFormat::Ma52List); }, importOptions({{"--split", "train|val|test", "", "the split of every row (default: from the file name)"}, {"--plan", "NAME", "MA-52 official", "segment split plan the rows' splits go to"}})});
const CliRegistration importPredReg(
    {"import predictions", QStringLiteral("P.mas FILE.csv|FILE.zip... --model NAME %1").arg(kImportOptions),
     "import a benchmark prediction CSV as pre-labels of the named external model version",
     [](CliContext& ctx) { return runImport(ctx, ImportFormat::Predictions); }, importOptions({{"--model", "NAME", "", "the model version the predictions come from (required)"}})});
const CliRegistration importEafReg(
    {"import eaf", QStringLiteral("P.mas FILE.eaf... [--fps RATE] %1").arg(kImportOptions),
     "import ELAN annotations (milliseconds to frames at the video's rate)",
     [](CliContext& ctx) { return runImport(ctx, ImportFormat::Eaf); }, importOptions({{"--fps", "RATE", "", "frame rate for videos that do not say (e.g. 30, 29.97, 30000/1001)"}})});
const CliRegistration importCsvReg(
    {"import csv", QStringLiteral("P.mas FILE.csv... [--fps RATE] %1").arg(kImportOptions),
     "import a CSV of segments, columns mapped by header (frames or seconds; class by id, code or name)",
     [](CliContext& ctx) { return runImport(ctx, ImportFormat::Csv); }, importOptions({{"--fps", "RATE", "", "frame rate for rows in seconds of videos that do not say"}})});
const CliRegistration importJsonReg(
    {"import json", QStringLiteral("P.mas FILE.json... %1").arg(kImportOptions),
     "import the app's own JSON of segments", [](CliContext& ctx) { return runImport(ctx, ImportFormat::Json); }, kCommonImportOptions});

// --- split -------------------------------------------------------------------------------------

int runSplit(CliContext& ctx)
{
    const QString ratiosText = takeOption(ctx.args, "--ratios", "0.7,0.15,0.15");
    const QString seedText = takeOption(ctx.args, "--seed", "0");
    QString name = takeOption(ctx.args, "--name");
    const QString reportPlan = takeOption(ctx.args, "--report");
    const QString csvPath = takeOption(ctx.args, "--csv");
    if (ctx.args.size() != 1 || ctx.args[0].startsWith("--"))
        return fail(ctx, "usage: split P.mas [--ratios 0.7,0.15,0.15] [--seed 0] [--name NAME] [--csv REPORT.csv] | split P.mas --report PLAN",
                    UsageError);
    SplitRatios ratios;
    const QStringList parts = ratiosText.split(',');
    bool ok = parts.size() == kSplitSetCount;
    for (int s = 0; ok && s < kSplitSetCount; ++s) {
        ratios.ratio[s] = parts[s].trimmed().toDouble(&ok);
        ok = ok && ratios.ratio[s] >= 0;
    }
    if (!ok || ratios.ratio[0] + ratios.ratio[1] + ratios.ratio[2] <= 0)
        return fail(ctx, QStringLiteral("--ratios %1: three non-negative numbers (train,val,test) are needed").arg(ratiosText), UsageError);
    bool seedOk = false;
    const uint64_t seed = seedText.toULongLong(&seedOk);
    if (!seedOk)
        return fail(ctx, QStringLiteral("--seed %1 is not a whole number").arg(seedText), UsageError);

    const bool onlyReport = !reportPlan.isEmpty();
    Result<std::unique_ptr<ProjectStore>> store = openProject(ctx.args[0], onlyReport ? OpenMode::ReadOnly : OpenMode::ReadWrite);
    if (!store.ok())
        return fail(ctx, store.error());
    const Taxonomy& taxonomy = store.value()->taxonomy();
    SplitReport report;
    if (onlyReport) {
        Result<Id> id = planByName(*store.value(), reportPlan);
        if (!id.ok())
            return fail(ctx, id.error());
        Result<SplitReport> r = splitReportOfPlan(*store.value(), id.value());
        if (!r.ok())
            return fail(ctx, r.error());
        report = r.value();
        ctx.out << "split plan \"" << reportPlan << "\"\n";
    } else {
        if (name.isEmpty())
            name = QStringLiteral("participants %1/%2/%3 seed %4").arg(ratios.ratio[0]).arg(ratios.ratio[1]).arg(ratios.ratio[2]).arg(seed);
        Result<SplitPlanOutcome> outcome = planAndSaveSplit(*store.value(), name, ratios, seed, cliControl());
        if (!outcome.ok())
            return fail(ctx, outcome.error());
        report = outcome->report;
        ctx.out << "saved split plan \"" << name << "\" (by participant, seed " << seed << ")\n";
    }
    ctx.out << report.toText(taxonomy);
    if (!report.sharedParticipants.isEmpty())
        ctx.out << "shared participants: " << report.sharedParticipants.join(' ') << '\n';
    ctx.out.flush();
    if (!csvPath.isEmpty())
        if (Status s = writeFileAtomically(csvPath, report.toCsv(taxonomy).toUtf8()); !s.ok())
            return fail(ctx, s.error());
    return Success;
}

const QVector<CliOption> kSplitOptions{
    {"--ratios", "TRAIN,VAL,TEST", "0.7,0.15,0.15", "shares of the labelled segments, by participant"},
    {"--seed", "N", "0", "random seed"},
    {"--name", "NAME", "", "plan name (default: from ratios and seed)"},
    {"--csv", "REPORT.csv", "", "also write the report as CSV"},
    {"--report", "PLAN", "", "only print the report of an existing plan"},
};
const CliRegistration splitReg({"split", "P.mas [--ratios 0.7,0.15,0.15] [--seed 0] [--name NAME] [--csv REPORT.csv] | P.mas --report PLAN",
                                "plan train/val/test by participant (stratified, seeded), save it by name, print its report",
                                runSplit, kSplitOptions});

// --- export ------------------------------------------------------------------------------------

int printExport(CliContext& ctx, const Result<ExportReport>& report, const QString& what)
{
    if (!report.ok())
        return fail(ctx, report.error(), interruptRequested() ? Interrupted : Failure);
    for (const QString& note : report->notes)
        ctx.err << "mastudio-cli: note: " << note << '\n';
    ctx.err.flush();
    ctx.out << "exported " << what << ": " << report->segmentsWritten << " segments";
    if (report->clipsWritten > 0)
        ctx.out << ", " << report->clipsWritten << " clips";
    ctx.out << ", " << report->files.size() << " files\n";
    for (const QString& f : report->files)
        if (!f.contains(QLatin1String("/clips/")))
            ctx.out << "  " << f << '\n';
    ctx.out.flush();
    return Success;
}

int runExport(CliContext& ctx, const QString& kind)
{
    const QString planName = takeOption(ctx.args, "--plan");
    const QString model = takeOption(ctx.args, "--model");
    const bool clips = takeFlag(ctx.args, "--clips");
    const bool prelabels = takeFlag(ctx.args, "--include-prelabels");
    for (const QString& a : std::as_const(ctx.args))
        if (a.startsWith("--"))
            return fail(ctx, QStringLiteral("unknown option %1").arg(a), UsageError);
    if (ctx.args.size() != 2)
        return fail(ctx, QStringLiteral("usage: export %1 P.mas OUT (see --help)").arg(kind), UsageError);
    if (clips && kind != QLatin1String("mmaction"))
        return fail(ctx, "--clips is an option of export mmaction", UsageError);
    Result<std::unique_ptr<ProjectStore>> opened = openProject(ctx.args[0], OpenMode::PreferReadWrite);
    if (!opened.ok())
        return fail(ctx, opened.error());
    const ProjectStore& store = *opened.value();
    const QString out = ctx.args[1];
    ProjectRowsOptions rows;
    rows.modelVersion = model;
    if (!planName.isEmpty()) {
        Result<Id> id = planByName(store, planName);
        if (!id.ok())
            return fail(ctx, id.error());
        rows.splitPlanId = id.value();
    }
    const ExchangeControl control = cliControl();
    if (kind == QLatin1String("mmaction")) {
        MmactionExportOptions o;
        o.rows = rows;
        o.extractClips = clips;
        o.includePrelabeled = prelabels;
        ExchangeControl c = control;
        if (clips)
            c.progress = [&ctx](int64_t done, int64_t total) {
                if (done % 100 == 0 || done == total)
                    ctx.err << "\r  cutting clips " << done << "/" << total << Qt::flush;
            };
        return printExport(ctx, exportMmaction(store, out, o, c), "mmaction lists to " + out);
    }
    if (kind == QLatin1String("csv"))
        return printExport(ctx, exportSegmentCsv(store, out, rows, control), "CSV " + out);
    if (kind == QLatin1String("json"))
        return printExport(ctx, exportSegmentJson(store, out, rows, control), "JSON " + out);
    if (kind == QLatin1String("eaf"))
        return printExport(ctx, exportEaf(store, out, control), "ELAN files to " + out);
    if (kind == QLatin1String("predictions"))
        return printExport(ctx, exportPredictions(store, out, model, control), "benchmark predictions " + out);
    return fail(ctx, QStringLiteral("unknown export kind %1").arg(kind), UsageError);
}

const CliOption kPlanOption{"--plan", "NAME", "", "split plan whose sets the rows carry (default: none)"};
const CliOption kModelOption{"--model", "NAME", "", "model version whose predictions are written (default: the active one)"};
const CliRegistration exportMmReg(
    {"export mmaction", "P.mas OUTDIR [--plan NAME] [--clips] [--include-prelabels]",
     "train/val/test lists (single- and multi-label, official ids) + label map from a split plan; --clips cuts every segment",
     [](CliContext& ctx) { return runExport(ctx, "mmaction"); }, QVector<CliOption>{kPlanOption, {"--clips", "", "", "also cut every segment into a clip file"}, {"--include-prelabels", "", "", "also segments with only a pre-label"}}});
const CliRegistration exportCsvReg({"export csv", "P.mas OUT.csv [--plan NAME] [--model NAME]",
                                    "every segment and label as CSV (frames and seconds, status, scores, split)",
                                    [](CliContext& ctx) { return runExport(ctx, "csv"); }, QVector<CliOption>{kPlanOption, kModelOption}});
const CliRegistration exportJsonReg({"export json", "P.mas OUT.json [--plan NAME] [--model NAME]",
                                     "every segment and label as JSON", [](CliContext& ctx) { return runExport(ctx, "json"); }, QVector<CliOption>{kPlanOption, kModelOption}});
const CliRegistration exportEafReg({"export eaf", "P.mas OUTDIR", "one ELAN .eaf per video (tier per body part, class vocabulary)",
                                    [](CliContext& ctx) { return runExport(ctx, "eaf"); }});
const CliRegistration exportPredReg({"export predictions", "P.mas OUT.csv|OUT.zip [--model NAME]",
                                     "the benchmark's prediction CSV of the active (or named) model; .zip for submission",
                                     [](CliContext& ctx) { return runExport(ctx, "predictions"); }, QVector<CliOption>{kModelOption}});

// --- agreement ---------------------------------------------------------------------------------

int runAgreement(CliContext& ctx)
{
    const QString iouText = takeOption(ctx.args, "--iou", "0.5");
    const QString raterText = takeOption(ctx.args, "--raters");
    const QString csvPath = takeOption(ctx.args, "--csv");
    const QString confusionPath = takeOption(ctx.args, "--confusion");
    const QString timeUnitText_ = takeOption(ctx.args, "--time-unit", "1");
    if (ctx.args.size() != 1 || ctx.args[0].startsWith("--"))
        return fail(ctx, "usage: agreement P.mas [--iou 0.5] [--raters A,B,...] [--csv OUT.csv] [--confusion OUT.csv]", UsageError);
    bool ok = false;
    const double iou = iouText.toDouble(&ok);
    if (!ok || iou <= 0 || iou > 1)
        return fail(ctx, QStringLiteral("--iou %1: a threshold in (0, 1] is needed").arg(iouText), UsageError);
    const QStringList raters = raterText.isEmpty() ? QStringList() : raterText.split(',', Qt::SkipEmptyParts);
    const double timeUnit = timeUnitText_.toDouble(&ok);
    if (!ok || timeUnit <= 0)
        return fail(ctx, QStringLiteral("--time-unit %1: a positive number of seconds is needed").arg(timeUnitText_), UsageError);
    Result<std::unique_ptr<ProjectStore>> store = openProject(ctx.args[0], OpenMode::ReadOnly);
    if (!store.ok())
        return fail(ctx, store.error());
    Result<ProjectAgreement> a = projectAgreement(*store.value(), iou, raters);
    if (!a.ok())
        return fail(ctx, a.error());
    // BORIS's time-unit kappa beside the IoU matching.
    Result<QVector<SegmentRow>> rows = projectRows(*store.value());
    if (!rows.ok())
        return fail(ctx, rows.error());
    const TimeUnitAgreement timeUnitAgreement_ = timeUnitAgreement(rows.value(), store.value()->taxonomy(), timeUnit, raters);
    ctx.out << agreementText(a->clipLevel) << '\n' << agreementText(a->matched) << '\n' << timeUnitText(timeUnitAgreement_);
    ctx.out.flush();
    if (!csvPath.isEmpty()) {
        QString csv = agreementCsv(a->clipLevel);
        const QString matched = agreementCsv(a->matched);
        csv += matched.mid(matched.indexOf('\n') + 1); // one header
        csv += timeUnitCsv(timeUnitAgreement_, false);
        if (Status s = writeFileAtomically(csvPath, csv.toUtf8()); !s.ok())
            return fail(ctx, s.error());
    }
    if (!confusionPath.isEmpty()) {
        QString csv = confusionCsv(a->clipLevel, store.value()->taxonomy());
        if (Status s = writeFileAtomically(confusionPath, csv.toUtf8()); !s.ok())
            return fail(ctx, s.error());
    }
    return Success;
}

const QVector<CliOption> kAgreementOptions{
    {"--iou", "X", "0.5", "temporal IoU at which two annotators' segments match"},
    {"--raters", "A,B,...", "", "these annotators only (default: all, models included as model:<version>)"},
    {"--csv", "OUT.csv", "", "also write the figures as CSV"},
    {"--confusion", "OUT.csv", "", "also write the clip-level confusion matrix"},
    {"--time-unit", "S", "1", "seconds between the samples of the time-unit kappa (as BORIS computes it)"},
};
const CliRegistration agreementReg({"agreement", "P.mas [--iou 0.5] [--raters A,B,...] [--csv OUT.csv] [--confusion OUT.csv]",
                                    "inter-annotator agreement (Cohen, Fleiss, Krippendorff) on clips and IoU-matched segments",
                                    runAgreement, kAgreementOptions});

} // namespace
} // namespace mas::cli
