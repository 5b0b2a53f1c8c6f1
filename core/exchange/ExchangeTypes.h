#pragma once
// Plain values the exchange code reads and writes: a segment of a video with its labels and the
// active model's prediction, problems found in input files, and the controls of long operations.
// Readers and writers are pure functions over these; ProjectExchange moves them in and out of a store.
#include "store/StoreTypes.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

namespace mas::exchange {

using store::LabelStatus;

// A whole clip whose frame count is not known yet (video missing or not probed): the segment spans
// the file, and exports that need frames leave them empty.
inline constexpr int64_t kUnknownEndFrame = -1;

struct LabelEntry {
    int classId = -1;                          // official id
    QString annotator;                         // "" when the file names none
    LabelStatus status = LabelStatus::Confirmed;
    bool operator==(const LabelEntry& o) const
    {
        return classId == o.classId && annotator == o.annotator && status == o.status;
    }
};

struct ScoredClass {
    int classId = -1;
    double score = 0;                          // 0 when the source gives ranks only
    bool operator==(const ScoredClass& o) const { return classId == o.classId && score == o.score; }
};

struct PredictionEntry {
    QString modelVersion;
    QVector<ScoredClass> top;                  // best first (top-5 in benchmark files)
};

struct SegmentRow {
    QString videoPath;                         // as written in the file / relative to the project
    QString participant;                       // participant code, "" when unknown
    int64_t startFrame = 0;
    int64_t endFrame = kUnknownEndFrame;       // EXCLUSIVE; kUnknownEndFrame: whole clip, length unknown
    int fpsNum = 0;                            // 0/1 when unknown
    int fpsDen = 1;
    QString note;
    QString split;                             // "train", "val", "test" or ""
    QVector<LabelEntry> labels;
    std::optional<PredictionEntry> prediction;
    bool videoMissing = false;                 // set by importers that look for the file
    QString sourceFile;                        // where a reader found the row (for import reports)
    int sourceLine = 0;                        // 1-based; 0 when unknown

    double fps() const { return fpsNum > 0 && fpsDen > 0 ? double(fpsNum) / fpsDen : 0.0; }
    bool lengthKnown() const { return endFrame != kUnknownEndFrame; }
};

// A row the importer skipped or changed: file, 1-based line, reason and a "did you mean" hint.
struct ImportIssue {
    QString file;
    int line = 0;
    QString reason;
    QString suggestion;                        // e.g. "did you mean 'nodding' (B1)?"; may be empty
    QString toString() const
    {
        QString s = line > 0 ? QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(reason)
                             : QStringLiteral("%1: %2").arg(file, reason);
        if (!suggestion.isEmpty())
            s += QStringLiteral(" (") + suggestion + QLatin1Char(')');
        return s;
    }
};

struct ParsedFile {
    QVector<SegmentRow> rows;
    QVector<ImportIssue> issues;
};

// Controls of long operations (imports, exports with clips): progress on the caller's thread and a
// cancel flag polled between rows. A cancelled export leaves no file; a cancelled import no rows.
struct ExchangeControl {
    std::function<void(int64_t done, int64_t total)> progress;
    const std::atomic_bool* cancel = nullptr;
    bool cancelled() const { return cancel && cancel->load(); }
    void report(int64_t done, int64_t total) const
    {
        if (progress)
            progress(done, total);
    }
};

// Frame <-> seconds with a rational rate; rounding to the nearest frame.
inline double frameToSeconds(int64_t frame, int fpsNum, int fpsDen)
{
    return fpsNum > 0 ? double(frame) * fpsDen / fpsNum : 0.0;
}
int64_t secondsToFrame(double seconds, int fpsNum, int fpsDen);
int64_t millisecondsToFrame(int64_t ms, int fpsNum, int fpsDen);
int64_t frameToMilliseconds(int64_t frame, int fpsNum, int fpsDen);
// "30", "29.97", "30000/1001" -> rational; false when not a positive rate.
bool parseFrameRate(const QString& text, int* fpsNum, int* fpsDen);

// MA-52 clip names PPPP_BB_NNNN: the participant code, or "" when the name does not match.
QString participantFromClipName(const QString& path);

} // namespace mas::exchange
