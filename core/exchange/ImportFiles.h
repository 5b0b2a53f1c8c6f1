#pragma once
// Imports exchange files into a project: reads every file of one format, resolves what only the
// project knows (a video's frame rate for ELAN milliseconds and CSV seconds), then hands all rows to
// importRows at once, so the files of one call are imported together or not at all.
// Used by `mastudio-cli import ...` and the GUI's import dialog.
#include "exchange/Ma52List.h"
#include "exchange/ProjectExchange.h"

#include <optional>

namespace mas::exchange {

enum class ImportFormat {
    Ma52List,     // mmaction2 / MA-52 list files: confirmed labels, participants from the names
    Predictions,  // the benchmark's prediction CSV: pre-labels of a named external model version
    Eaf,          // ELAN .eaf
    Csv,          // generic CSV, columns mapped by header (the app's own CSV export included)
    Json,         // the app's own JSON export
};

// "ma52-list", "predictions", "eaf", "csv", "json" (the CLI's words) and back.
std::optional<ImportFormat> importFormatFromName(const QString& name);
QString importFormatName(ImportFormat format);
// File dialog filter, e.g. "MA-52 list files (*.txt)".
QString importFormatFilter(ImportFormat format);

struct ImportFilesOptions {
    ProjectImportOptions project;
    QString modelVersion;        // Predictions: the external model version the pre-labels belong to (required)
    QString annotator;           // labels of files that name no annotator (Eaf, Csv); "": the project's current one;
                                 // Ma52List: default "MA-52"
    QString split;               // Ma52List: "train"/"val"/"test"; "": from the file name
    int defaultFpsNum = 0;       // Csv seconds / Eaf without a project video: the rate to assume (0: none / 30)
    int defaultFpsDen = 1;
};

// Reads the files (parse problems become report issues, unreadable files errors) and imports them.
Result<ImportReport> importFiles(store::ProjectStore& store, ImportFormat format, const QStringList& paths,
                                 const ImportFilesOptions& options = {}, const ExchangeControl& control = {});

// Only reads the files, with the same project-aware options (for previews and tests).
Result<ParsedFile> readImportFiles(const store::ProjectStore& store, ImportFormat format, const QStringList& paths,
                                   const ImportFilesOptions& options = {});

} // namespace mas::exchange
