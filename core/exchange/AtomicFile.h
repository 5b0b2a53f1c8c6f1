#pragma once
// Writes that leave either the whole new file or the old state: QSaveFile (temporary file in the
// target's folder, renamed on commit). A failed or cancelled write leaves no partial file.
#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <atomic>

namespace mas::exchange {

// Creates missing parent folders. Errors name the file.
Status writeFileAtomically(const QString& path, const QByteArray& content, const std::atomic_bool* cancel = nullptr);

// The same temp-then-rename, without syncing each file to disk: for exports of many small files
// (one ELAN file per video), which call syncFolderToDisk once at the end. A crash may lose such a
// file's content but never leaves a partial file under its name.
Status writeFileAtomicallyUnsynced(const QString& path, const QByteArray& content);
// Flushes the file system holding `dir` to disk (syncfs).
Status syncFolderToDisk(const QString& dir);

// Reads a whole text file as UTF-8 (BOM skipped). Errors name the file.
Result<QString> readTextFile(const QString& path, qint64 maxBytes = qint64(1) << 30);

} // namespace mas::exchange
