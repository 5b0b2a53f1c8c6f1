#pragma once
// Imports a folder of videos into a project: probes each file (FFmpeg, through mas::probeVideo),
// parses the participant from the file name and, for whole clips, adds one segment per video.
// The core of `mastudio-cli import videos`; the GUI's import dialog calls the same function.
#include "store/ProjectStore.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <functional>

namespace mas::store {

// MA-52 clip names: PPPP_BB_NNNN (participant, body part, clip number).
inline constexpr char kMa52FileNamePattern[] = R"(^(\d{4})_\d{2}_\d{4})";

enum class SegmentPerClip { Auto /* only for names matching the MA-52 pattern */, Always, Never };

struct VideoFolderImportOptions {
    // Matched against the file's base name; the first capture group is the participant code.
    QString participantPattern = QString::fromLatin1(kMa52FileNamePattern);
    SegmentPerClip segmentPerClip = SegmentPerClip::Auto;
    QStringList extensions{"mp4", "mov", "m4v", "mkv", "avi", "webm", "mpg", "mpeg", "wmv", "flv"};
    // Fills everything of a Video but its path and participant; empty uses mas::probeVideo +
    // mas::contentHash. Tests and a future server back end may swap it.
    std::function<Result<Video>(const QString& absolutePath)> probe;
    int batchSize = 500; // rows per transaction
};

struct VideoFolderImportReport {
    int found = 0;           // candidate files seen
    int imported = 0;        // videos added
    int segmentsAdded = 0;
    int alreadyInProject = 0;
    QStringList skipped;     // "path: reason", one per unreadable file
    bool cancelled = false;  // stopped by the cancel flag; batches committed before it are kept
};

// The default probe (FFmpeg): Video with duration, rational fps, frame count, display size,
// rotation, audio and content hash.
Result<Video> probeVideoForStore(const QString& absolutePath);

// Walks `dir` recursively. Errors (returned) are about the folder or the project; unreadable
// videos are reported in `skipped` and do not stop the import. Progress counts files probed.
Result<VideoFolderImportReport> importVideoFolder(ProjectStore& store, const QString& dir,
                                                  const VideoFolderImportOptions& options = {},
                                                  const BatchControl& control = {});

} // namespace mas::store
