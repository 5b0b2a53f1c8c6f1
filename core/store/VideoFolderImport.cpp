#include "store/VideoFolderImport.h"

#include "video/VideoProbe.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace mas::store {
namespace {

// A folder with damaged files makes FFmpeg print its own warnings ("moov atom not found") between
// our report lines; the probe's errors are values, and the import reports each file once.
// MAS_FFMPEG_LOG=1 keeps FFmpeg's messages.
void quietFfmpegLogs()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (qEnvironmentVariableIsEmpty("MAS_FFMPEG_LOG"))
            av_log_set_level(AV_LOG_FATAL);
    });
}

} // namespace

Result<Video> probeVideoForStore(const QString& absolutePath)
{
    quietFfmpegLogs();
    Result<VideoProbeInfo> info = probeVideo(absolutePath);
    if (!info.ok())
        return Error{info.error()};
    Result<QString> hash = contentHash(absolutePath);
    if (!hash.ok())
        return Error{hash.error()};
    Video v;
    v.path = absolutePath;
    v.contentHash = hash.value();
    v.durationSeconds = info->durationSeconds;
    v.fpsNum = info->fpsNum;
    v.fpsDen = info->fpsDen > 0 ? info->fpsDen : 1;
    v.frameCount = info->frameCount;
    v.width = info->width;
    v.height = info->height;
    v.rotationDegrees = info->rotationDegrees;
    v.hasAudio = !info->audioStreams.isEmpty();
    if (v.frameCount <= 0)
        return Error{QStringLiteral("%1: no frames could be counted").arg(absolutePath)};
    return v;
}

namespace {

QStringList findVideoFiles(const QString& dir, const QStringList& extensions)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext()) {
        const QString file = it.next();
        if (extensions.contains(QFileInfo(file).suffix().toLower()))
            files << file;
    }
    std::sort(files.begin(), files.end());
    return files;
}

// One batch (participants, videos, whole-clip segments) in one transaction: all of it or none.
Status flush(ProjectStore& store, QVector<NewVideo>& pending, VideoFolderImportReport& report, const BatchControl& control)
{
    if (pending.isEmpty())
        return Status::success();
    BatchControl batch;
    batch.cancel = control.cancel;
    Result<int> added = store.importVideos(pending, batch);
    if (!added.ok())
        return Error{added.error()};
    report.imported += added.value();
    for (const NewVideo& v : pending)
        report.segmentsAdded += v.wholeClipSegment ? 1 : 0;
    pending.clear();
    return Status::success();
}

} // namespace

Result<VideoFolderImportReport> importVideoFolder(ProjectStore& store, const QString& dir,
                                                  const VideoFolderImportOptions& options, const BatchControl& control)
{
    if (!QFileInfo(dir).isDir())
        return Error{QStringLiteral("%1: no such folder").arg(dir)};
    if (store.isReadOnly())
        return Error{QStringLiteral("%1: opened read-only; cannot import videos").arg(store.path())};
    const QRegularExpression participantRe(options.participantPattern);
    if (!participantRe.isValid())
        return Error{QStringLiteral("--pattern '%1' is not a valid regular expression (%2)")
                         .arg(options.participantPattern, participantRe.errorString())};
    if (participantRe.captureCount() < 1)
        return Error{QStringLiteral("--pattern '%1' needs a capture group for the participant").arg(options.participantPattern)};
    static const QRegularExpression ma52Re(QString::fromLatin1(kMa52FileNamePattern));
    const auto probe = options.probe ? options.probe : probeVideoForStore;

    VideoFolderImportReport report;
    const QStringList files = findVideoFiles(QFileInfo(dir).absoluteFilePath(), options.extensions);
    report.found = files.size();
    QSet<QString> known;
    if (Result<QVector<Video>> existing = store.videos(); existing.ok())
        for (const Video& v : existing.value())
            known.insert(QFileInfo(store.absoluteVideoPath(v)).absoluteFilePath());
    else
        return Error{existing.error()};

    QVector<NewVideo> pending;
    for (int i = 0; i < files.size(); ++i) {
        if (control.cancel && control.cancel->load()) {
            report.cancelled = true; // the batch in hand is dropped; committed batches stay
            return report;
        }
        const QString& file = files[i];
        if (known.contains(file)) {
            ++report.alreadyInProject;
        } else {
            Result<Video> probed = probe(file);
            if (!probed.ok()) {
                QString reason = probed.error();
                if (reason.startsWith(file + QStringLiteral(": ")))
                    reason = reason.mid(file.size() + 2);
                report.skipped << QStringLiteral("%1: %2").arg(file, reason);
            } else {
                NewVideo p;
                p.video = probed.value();
                p.video.path = file;
                const QString baseName = QFileInfo(file).completeBaseName();
                const QRegularExpressionMatch m = participantRe.match(baseName);
                if (m.hasMatch())
                    p.participantCode = m.captured(1);
                p.wholeClipSegment = options.segmentPerClip == SegmentPerClip::Always
                                     || (options.segmentPerClip == SegmentPerClip::Auto && ma52Re.match(baseName).hasMatch());
                pending << p;
                known.insert(file);
            }
        }
        if (pending.size() >= std::max(1, options.batchSize))
            if (Status s = flush(store, pending, report, control); !s.ok()) {
                if (control.cancel && control.cancel->load()) {
                    report.cancelled = true;
                    return report;
                }
                return Error{s.error()};
            }
        if (control.progress)
            control.progress(i + 1, files.size());
    }
    if (Status s = flush(store, pending, report, control); !s.ok()) {
        if (control.cancel && control.cancel->load()) {
            report.cancelled = true;
            return report;
        }
        return Error{s.error()};
    }
    return report;
}

} // namespace mas::store
