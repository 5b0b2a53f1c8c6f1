#pragma once
// Moves exchange rows in and out of a project store. Imports write in the store's batched
// transactions (videos, segments, predictions, labels: one transaction each); when a later batch
// fails or is cancelled, what the earlier ones added is removed again, so nothing is half-imported.
// Exports read the project into SegmentRows and write every file atomically; a failed or cancelled
// export removes the files it had already written.
//
// Whole clips of unknown length (list files name videos, not frames): the segment is stored as
// frames [0, 1) with the note kWholeClipNote until the video's frame count is known; exports show
// such a segment as the whole clip (end frame empty, or the frame count once probed).
#include "exchange/Agreement.h"
#include "exchange/ExchangeTypes.h"
#include "exchange/SplitPlanner.h"
#include "store/ProjectStore.h"

namespace mas::exchange {

inline constexpr char kWholeClipNote[] = "[whole clip]";
inline constexpr char kOfficialSplitPlan[] = "MA-52 official";

struct ImportReport {
    int rowsRead = 0;
    int videosAdded = 0;
    int videosMissing = 0;     // added videos whose file was not found (marked, not fatal)
    int videosMatched = 0;     // rows that found their video already in the project
    int segmentsAdded = 0;
    int labelsAdded = 0;
    int predictionsStored = 0;
    QVector<ImportIssue> issues; // bad rows, with file, line and reason
    QString splitPlan;           // the plan the rows' splits went to, if any
    QString summary() const;
};

struct ProjectImportOptions {
    QString dataRoot;            // folder the files' relative video paths start from; "" = the project folder
    bool matchByFileName = true; // a row's video may be found by file name alone (prediction files)
    bool createVideos = true;    // false: rows naming no video of the project are reported and skipped
    bool probeVideos = true;     // new videos found on disk are probed (frame rate, frame count, size)
    bool prelabelFromPredictions = true; // predictions also add a prelabeled label by "model:<version>"
    QString splitPlanName = QString::fromLatin1(kOfficialSplitPlan); // for rows with a split (segment plan)
};

// Imports parsed rows; parse issues are carried into the report. Errors: the store refused a batch,
// or the import was cancelled (then nothing of it stays).
Result<ImportReport> importRows(store::ProjectStore& store, const ParsedFile& parsed,
                                const ProjectImportOptions& options = {}, const ExchangeControl& control = {});

struct ProjectRowsOptions {
    store::Id splitPlanId = 0;   // 0: the newest plan, if any
    bool withoutSplits = false;
    QString modelVersion;        // predictions of this version; "" = the active one
};

// Every segment of the project as rows (videos by path, then start frame).
Result<QVector<SegmentRow>> projectRows(const store::ProjectStore& store, const ProjectRowsOptions& options = {},
                                        const ExchangeControl& control = {});

struct ExportReport {
    QStringList files;           // written, absolute
    int segmentsWritten = 0;
    int clipsWritten = 0;
    QStringList notes;           // segments left out and why, counts
};

// Cuts frames [start, end) of a video into `output` (atomically); errors as text.
using ClipCutter = std::function<Status(const QString& source, int64_t startFrame, int64_t endFrame,
                                        const QString& output, const std::atomic_bool* cancel)>;
// Frame-exact cuts through mas::extractClip (core/video/ClipExtractor); empty when this build has no
// clip extractor.
ClipCutter defaultClipCutter();

struct MmactionExportOptions {
    ProjectRowsOptions rows;
    bool extractClips = false;   // cut every listed segment to clips/<set>/<video>_<start>_<end>.mp4
    ClipCutter cutClip;          // empty: defaultClipCutter()
    bool includePrelabeled = false; // list model pre-labels too (default: confirmed labels only)
};

// train/val/test lists (`<set>_list.txt`, and `<set>_list_multilabel.txt`) in mmaction2 format with
// official ids, label_map.tsv and label_map.txt, into `outDir`.
Result<ExportReport> exportMmaction(const store::ProjectStore& store, const QString& outDir,
                                    const MmactionExportOptions& options = {}, const ExchangeControl& control = {});
Result<ExportReport> exportSegmentCsv(const store::ProjectStore& store, const QString& path,
                                      const ProjectRowsOptions& options = {}, const ExchangeControl& control = {});
Result<ExportReport> exportSegmentJson(const store::ProjectStore& store, const QString& path,
                                       const ProjectRowsOptions& options = {}, const ExchangeControl& control = {});
// The benchmark CSV for the model version (active by default); a path ending in .zip writes it as
// prediction.csv at the root of a zip.
Result<ExportReport> exportPredictions(const store::ProjectStore& store, const QString& path,
                                       const QString& modelVersion = {}, const ExchangeControl& control = {});
// One <video name>.eaf per video with segments, into `outDir`.
Result<ExportReport> exportEaf(const store::ProjectStore& store, const QString& outDir,
                               const ExchangeControl& control = {});

struct SplitPlanOutcome {
    store::Id planId = 0;
    SplitReport report;
};

// Plans a participant split of the labelled segments and saves it as a named plan.
Result<SplitPlanOutcome> planAndSaveSplit(store::ProjectStore& store, const QString& name, const SplitRatios& ratios,
                                          uint64_t seed, const ExchangeControl& control = {});
// The report of a saved plan (0: the newest).
Result<SplitReport> splitReportOfPlan(const store::ProjectStore& store, store::Id planId = 0);

struct ProjectAgreement {
    AgreementReport clipLevel;
    AgreementReport matched;
};
// Between the given annotators (empty: all, models included as "model:<version>").
Result<ProjectAgreement> projectAgreement(const store::ProjectStore& store, double iouThreshold,
                                          const QStringList& raters = {});

} // namespace mas::exchange
