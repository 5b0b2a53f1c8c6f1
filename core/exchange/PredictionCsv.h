#pragma once
// The benchmark's prediction (submission) CSV:
//   vid,action_pred_1..action_pred_5,body_pred_1..body_pred_5
// one row per video: file name, the five best class ids, the body part id of each of those five.
// Read as predictions (pre-labels) of a named model version; written for the active model.
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

namespace mas::exchange {

inline constexpr int kBenchmarkTopK = 5;

ParsedFile parsePredictionCsv(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                              const QString& modelVersion);
Result<ParsedFile> readPredictionCsvFile(const QString& path, const Taxonomy& taxonomy, const QString& modelVersion);

struct PredictionCsvRow {
    QString vid;                 // file name, e.g. test0000.mp4
    QVector<int> topClassIds;    // best first; padded to five with the next classes by id when shorter
};

// Header plus one CRLF line per row. Errors: a class id outside the taxonomy.
Result<QString> writePredictionCsv(const QVector<PredictionCsvRow>& rows, const Taxonomy& taxonomy);

} // namespace mas::exchange
