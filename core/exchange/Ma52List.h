#pragma once
// MA-52 / mmaction2 list files: `relative/path.mp4 ID [ID ...]` per line, CRLF or LF.
// Reading gives one whole-clip SegmentRow per line with confirmed labels and the participant parsed
// from MA-52 names (PPPP_BB_NNNN); writing gives the lines training code reads as they are.
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

namespace mas::exchange {

struct Ma52ListOptions {
    QString annotator = QStringLiteral("MA-52");   // who the labels are attributed to
    LabelStatus status = LabelStatus::Confirmed;
    QString split;               // "" guesses from the file name: train / val / test
    // Benchmark test lists name clips test0000.mp4 with label 0 (hidden): import them unlabeled.
    bool hiddenTestLabels = true;
};

ParsedFile parseMa52List(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                         const Ma52ListOptions& options = {});
Result<ParsedFile> readMa52ListFile(const QString& path, const Taxonomy& taxonomy, const Ma52ListOptions& options = {});

// "train", "val" or "test" when the file name says so, else "".
QString splitFromListFileName(const QString& fileName);

struct MmactionEntry {
    QString path;                // relative to the training config's data_prefix, forward slashes
    QVector<int> classIds;       // official ids; the single-label list writes the first only
};

// One line per entry: `path id` (single label) or `path id id ...` (multi-label). LF line ends.
QString writeMmactionList(const QVector<MmactionEntry>& entries, bool multiLabel);

// The label map training code and readers use: TSV id, code, name, body_part_id, body_part
// (as ../ma52/label_map.tsv), and mmaction's plain `label_map.txt` (one class name per line).
QString labelMapTsv(const Taxonomy& taxonomy);
QString labelMapTxt(const Taxonomy& taxonomy);

} // namespace mas::exchange
