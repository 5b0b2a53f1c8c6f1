#pragma once
// The app's own CSV of segments, one row per label (a segment without labels gets one row with empty
// class columns). Columns, in this order:
//   video, participant, start_frame, end_frame, start_s, end_s, fps, class_id, code, class_name,
//   body_part, annotator, status, note, split, model_version, score, pred_class_ids, pred_scores
// end_frame is EXCLUSIVE (frames start_frame .. end_frame-1); seconds = frame / fps; empty end_frame:
// a whole clip whose length is not known yet. pred_* hold the active model's top-k, ';'-separated.
// RFC 4180, UTF-8, dot decimals regardless of locale.
//
// The reader maps columns by header name (case-insensitive, common aliases), takes frames or seconds
// (seconds need an fps column or a default rate) and a class by id, code or name. A file without
// any start/end column holds clip-level labels: each row labels its whole video.
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

namespace mas::exchange {

QStringList segmentCsvHeader();
QString writeSegmentCsv(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy);

struct SegmentCsvOptions {
    int defaultFpsNum = 0;       // for seconds columns when the file has no fps column (0: none)
    int defaultFpsDen = 1;
    // The rate of a video named in the file (e.g. the project's probed rate), asked before the
    // default rate when a row has no fps; may be empty.
    std::function<bool(const QString& video, int* fpsNum, int* fpsDen)> frameRateOfVideo;
    QString defaultAnnotator;    // when the file has no annotator column or it is empty
    LabelStatus defaultStatus = LabelStatus::Confirmed;
};

ParsedFile parseSegmentCsv(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                           const SegmentCsvOptions& options = {});
Result<ParsedFile> readSegmentCsvFile(const QString& path, const Taxonomy& taxonomy, const SegmentCsvOptions& options = {});

// JSON of the same content: {"format": "mastudio-segments", "version": 1, "end_frame": "exclusive",
// "taxonomy": version, "segments": [{video, participant, start_frame, end_frame, start_s, end_s, fps,
// split, note, labels: [{class_id, code, class_name, body_part, annotator, status}],
// prediction: {model_version, top: [{class_id, score}]}}]}
QByteArray writeSegmentJson(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy);
ParsedFile parseSegmentJson(const QByteArray& json, const QString& fileName, const Taxonomy& taxonomy);

// Merges rows of the same (video, start, end) into one segment with all their labels, keeping the
// order of first appearance.
QVector<SegmentRow> mergeSameSegments(QVector<SegmentRow> rows);

} // namespace mas::exchange
