// importRows: exchange rows into a project store, in batched transactions, all or nothing.
#include "exchange/ProjectExchange.h"

#include "video/VideoProbe.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace mas::exchange {

using namespace mas::store;

QString ImportReport::summary() const
{
    QString s = QStringLiteral("%1 rows read: %2 videos added (%3 missing on disk), %4 matched to project videos, "
                               "%5 segments, %6 labels, %7 predictions; %8 rows reported")
                    .arg(rowsRead).arg(videosAdded).arg(videosMissing).arg(videosMatched)
                    .arg(segmentsAdded).arg(labelsAdded).arg(predictionsStored).arg(issues.size());
    if (!splitPlan.isEmpty())
        s += QStringLiteral("; splits saved in plan \"%1\"").arg(splitPlan);
    return s;
}

namespace {

// Where each row goes.
struct Target {
    Id videoId = 0;
    int newVideo = -1;      // index into the new videos when the video is new
    Id segmentId = 0;       // an existing segment the row's labels attach to
    int newSegment = -1;    // index into the new segments
    bool skip = false;      // the row names no video of the project and may not add one
};

// Frame rate, frame count and geometry of a video file found on disk; a file that cannot be read
// as a video is still added (its segments keep their frames) and reported.
void probeInto(Video& video, const QString& absolute, ImportReport& report)
{
    Result<VideoProbeInfo> probe = probeVideo(absolute);
    if (!probe.ok()) {
        report.issues.push_back({absolute, 0, QStringLiteral("could not be read as a video (%1); added unprobed").arg(probe.error()), {}});
        return;
    }
    video.fpsNum = probe->fpsNum;
    video.fpsDen = probe->fpsDen;
    video.frameCount = probe->frameCount;
    video.durationSeconds = probe->durationSeconds;
    video.width = probe->width;
    video.height = probe->height;
    video.rotationDegrees = probe->rotationDegrees;
    video.hasAudio = !probe->audioStreams.isEmpty();
    if (Result<QString> hash = contentHash(absolute); hash.ok())
        video.contentHash = hash.value();
}

QString cleanRelative(const QString& projectDir, const QString& absolute)
{
    return QDir::cleanPath(QDir(projectDir).relativeFilePath(absolute));
}

} // namespace

Result<ImportReport> importRows(ProjectStore& store, const ParsedFile& parsed, const ProjectImportOptions& options,
                                const ExchangeControl& control)
{
    ImportReport report;
    report.rowsRead = parsed.rows.size();
    report.issues = parsed.issues;
    const QVector<SegmentRow>& rows = parsed.rows;
    if (store.isReadOnly())
        return Error{store.path() + QStringLiteral(": opened read-only; nothing imported")};
    const QString projectDir = store.projectDir();
    const QString root = options.dataRoot.isEmpty() ? projectDir : QDir(options.dataRoot).absolutePath();
    const int64_t total = int64_t(rows.size()) * 5 + 1;
    int64_t done = 0;
    auto cancelledError = [&] {
        return Error{store.path() + QStringLiteral(": import cancelled; nothing was imported")};
    };

    // --- resolve videos (no writes yet) ---------------------------------------------------------
    Result<QVector<Video>> existing = store.videos();
    if (!existing.ok())
        return Error{existing.error()};
    QHash<QString, Video> byPath;
    QHash<QString, QVector<Video>> byName;
    for (const Video& v : existing.value()) {
        byPath.insert(v.path, v);
        byName[QFileInfo(v.path).fileName()] << v;
    }
    QVector<Target> targets(rows.size());
    QVector<Video> newVideos;
    QVector<QString> newVideoParticipant;
    QHash<QString, int> newVideoByPath;
    for (int i = 0; i < rows.size(); ++i) {
        if (control.cancelled())
            return cancelledError();
        const SegmentRow& row = rows[i];
        const QString absolute = QDir::cleanPath(QDir(root).absoluteFilePath(row.videoPath));
        const QString relative = cleanRelative(projectDir, absolute);
        if (auto it = byPath.find(relative); it != byPath.end()) {
            targets[i].videoId = it->id;
            ++report.videosMatched;
        } else if (auto n = newVideoByPath.find(relative); n != newVideoByPath.end()) {
            targets[i].newVideo = *n;
        } else if (options.matchByFileName && byName.value(QFileInfo(row.videoPath).fileName()).size() == 1) {
            targets[i].videoId = byName.value(QFileInfo(row.videoPath).fileName()).first().id;
            ++report.videosMatched;
        } else if (!options.createVideos) {
            targets[i].skip = true;
            report.issues.push_back({row.sourceFile, row.sourceLine,
                                     QStringLiteral("%1 is not a video of the project; row skipped (import the videos or "
                                                    "their list first)").arg(row.videoPath), {}});
        } else {
            Video v;
            v.path = absolute;
            v.fpsNum = row.fpsNum;
            v.fpsDen = row.fpsDen;
            targets[i].newVideo = newVideos.size();
            newVideoByPath.insert(relative, newVideos.size());
            newVideos << v;
            newVideoParticipant << (row.participant.isEmpty() ? participantFromClipName(row.videoPath) : row.participant);
            if (!QFileInfo::exists(absolute)) {
                ++report.videosMissing;
            } else if (options.probeVideos) {
                probeInto(newVideos.last(), absolute, report);
            }
        }
        if (i % 1024 == 0)
            control.report(i, total);
    }
    done = rows.size();

    // Everything below is written in one transaction: the bulk calls' own transactions are savepoints
    // inside it, so a cancel (any bulk call stops on it) or a failure rolls the whole import back.
    const Status written = store.inOneTransaction([&]() -> Status {
        // --- annotators, participants, model versions: small and idempotent --------------------------
        QHash<QString, Id> annotatorIds;
        auto annotatorId = [&](const QString& name) -> Result<Id> {
            if (name.isEmpty())
                return Id(0); // the store's current annotator
            if (auto it = annotatorIds.find(name); it != annotatorIds.end())
                return *it;
            Result<Id> id = store.ensureAnnotator(name);
            if (id.ok())
                annotatorIds.insert(name, id.value());
            return id;
        };
        QHash<QString, Id> modelIds;
        Result<QVector<ModelVersion>> versions = store.modelVersions();
        if (!versions.ok())
            return Error{versions.error()};
        for (const ModelVersion& m : versions.value())
            modelIds.insert(m.name, m.id);
        for (const SegmentRow& row : rows) {
            for (const LabelEntry& l : row.labels)
                if (Result<Id> id = annotatorId(l.annotator); !id.ok())
                    return Error{id.error()};
            if (row.prediction && !modelIds.contains(row.prediction->modelVersion)) {
                if (row.prediction->modelVersion.isEmpty())
                    return Error{store.path() + QStringLiteral(": predictions need a model version name; nothing imported")};
                ModelVersion m;
                m.name = row.prediction->modelVersion;
                m.kind = QStringLiteral("imported");
                m.hyperParamsJson = QStringLiteral("{}");
                m.metricsJson = QStringLiteral("{}");
                Result<Id> id = store.addModelVersion(m);
                if (!id.ok())
                    return Error{id.error()};
                modelIds.insert(m.name, id.value());
                if (!store.activeModelVersion())
                    store.setActiveModelVersion(id.value());
            }
            if (row.prediction && options.prelabelFromPredictions)
                if (Result<Id> id = annotatorId(QStringLiteral("model:") + row.prediction->modelVersion); !id.ok())
                    return Error{id.error()};
        }
        // New participants are created with the videos, in the videos' transaction.
        QVector<NewVideo> videosToAdd;
        videosToAdd.reserve(newVideos.size());
        for (int v = 0; v < newVideos.size(); ++v)
            videosToAdd.push_back({newVideos[v], newVideoParticipant[v], false});

        auto batch = [&](int64_t base) {
            BatchControl b;
            b.cancel = control.cancel;
            b.progress = [&, base](int64_t d, int64_t) { control.report(base + d, total); };
            return b;
        };
        auto failed = [](const QString& message) { return Error{message}; };

        // --- videos -----------------------------------------------------------------------------------
        QVector<Id> newVideoIds;
        if (!videosToAdd.isEmpty()) {
            Result<int> added = store.importVideos(videosToAdd, batch(done), &newVideoIds);
            if (!added.ok())
                return failed(added.error());
            report.videosAdded = added.value();
        }
        done += rows.size();
        QHash<Id, Video> videoById;
        for (const Video& v : existing.value())
            videoById.insert(v.id, v);
        for (int v = 0; v < newVideoIds.size(); ++v) {
            Video stored = newVideos[v];
            stored.id = newVideoIds[v];
            videoById.insert(stored.id, stored);
        }
        for (Target& t : targets)
            if (t.newVideo >= 0)
                t.videoId = newVideoIds.value(t.newVideo);

        // --- segments: reuse a matching one of an existing video, else add --------------------------
        QHash<Id, QVector<Segment>> segmentsOf;
        QVector<NewSegment> newSegments;
        QHash<QString, int> newSegmentByKey;
        for (int i = 0; i < rows.size(); ++i) {
            const SegmentRow& row = rows[i];
            Target& t = targets[i];
            if (t.skip)
                continue;
            const Video& video = videoById[t.videoId];
            if (t.newVideo < 0 && !segmentsOf.contains(t.videoId)) {
                Result<QVector<Segment>> s = store.segmentsOfVideo(t.videoId);
                if (!s.ok())
                    return failed(s.error());
                segmentsOf.insert(t.videoId, s.value());
            }
            for (const Segment& s : segmentsOf.value(t.videoId)) {
                const bool same = row.lengthKnown()
                                      ? (s.startFrame == row.startFrame && s.endFrame == row.endFrame)
                                      : (s.note == QLatin1String(kWholeClipNote) || segmentsOf.value(t.videoId).size() == 1
                                         || (s.startFrame == 0 && s.endFrame == video.frameCount));
                if (same) {
                    t.segmentId = s.id;
                    break;
                }
            }
            if (t.segmentId)
                continue;
            NewSegment ns;
            ns.videoId = t.videoId;
            ns.startFrame = row.startFrame;
            ns.endFrame = row.endFrame;
            ns.note = row.note;
            if (!row.lengthKnown()) {
                ns.startFrame = 0;
                ns.endFrame = video.frameCount > 0 ? video.frameCount : 1;
                if (video.frameCount <= 0)
                    ns.note = QString::fromLatin1(kWholeClipNote);
            }
            const QString key = QStringLiteral("%1:%2:%3").arg(ns.videoId).arg(ns.startFrame).arg(ns.endFrame);
            if (auto it = newSegmentByKey.find(key); it != newSegmentByKey.end()) {
                t.newSegment = *it;
                continue;
            }
            t.newSegment = newSegments.size();
            newSegmentByKey.insert(key, newSegments.size());
            newSegments << ns;
        }
        QVector<Id> newSegmentIds;
        if (!newSegments.isEmpty()) {
            Result<int> added = store.addSegments(newSegments, batch(done), &newSegmentIds);
            if (!added.ok())
                return failed(added.error());
            report.segmentsAdded = added.value();
        }
        done += rows.size();
        for (Target& t : targets)
            if (t.newSegment >= 0)
                t.segmentId = newSegmentIds.value(t.newSegment);

        // Labels already on reused segments are not added twice.
        QHash<Id, QVector<Label>> labelsOn;
        for (const Target& t : targets)
            if (!t.skip && t.newSegment < 0 && !labelsOn.contains(t.segmentId)) {
                Result<QVector<Label>> l = store.labelsOfSegment(t.segmentId);
                if (!l.ok())
                    return failed(l.error());
                labelsOn.insert(t.segmentId, l.value());
            }

        // --- predictions ------------------------------------------------------------------------------
        QVector<Prediction> predictions;
        QVector<NewLabel> newLabels;
        QSet<QString> labelKeys;
        auto addLabel = [&](Id segmentId, int classId, Id annotator, LabelStatus status) {
            const QString key = QStringLiteral("%1:%2:%3:%4").arg(segmentId).arg(classId).arg(annotator).arg(int(status));
            if (labelKeys.contains(key))
                return;
            labelKeys.insert(key);
            for (const Label& l : labelsOn.value(segmentId))
                if (l.classId == classId && l.annotatorId == annotator && l.status == status)
                    return;
            newLabels.push_back({segmentId, classId, annotator, status});
        };
        for (int i = 0; i < rows.size(); ++i) {
            const SegmentRow& row = rows[i];
            if (targets[i].skip)
                continue;
            if (row.prediction && !row.prediction->top.isEmpty()) {
                Prediction p;
                p.segmentId = targets[i].segmentId;
                p.modelVersionId = modelIds.value(row.prediction->modelVersion);
                for (const ScoredClass& c : row.prediction->top)
                    p.topK.push_back({c.classId, float(c.score)});
                predictions << p;
                if (options.prelabelFromPredictions)
                    addLabel(p.segmentId, row.prediction->top.first().classId,
                             annotatorIds.value(QStringLiteral("model:") + row.prediction->modelVersion), LabelStatus::Prelabeled);
            }
            for (const LabelEntry& l : row.labels)
                addLabel(targets[i].segmentId, l.classId, annotatorIds.value(l.annotator), l.status);
        }
        if (!predictions.isEmpty()) {
            Result<int> stored = store.storePredictions(predictions, batch(done));
            if (!stored.ok())
                return failed(stored.error());
            report.predictionsStored = stored.value();
        }
        done += rows.size();

        // --- labels -----------------------------------------------------------------------------------
        if (!newLabels.isEmpty()) {
            Result<int> added = store.addLabels(newLabels, batch(done));
            if (!added.ok())
                return failed(added.error());
            report.labelsAdded = added.value();
        }
        done += rows.size();

        if (control.cancelled())
            return failed(QString());

        // --- splits named by the file (official lists): a plan by segment ----------------------------
        QHash<Id, SplitSet> splitOf;
        for (int i = 0; i < rows.size(); ++i)
            if (const std::optional<SplitSet> s = splitSetFromString(rows[i].split.toLower()); s && targets[i].segmentId)
                splitOf.insert(targets[i].segmentId, *s);
        if (!splitOf.isEmpty() && !options.splitPlanName.isEmpty()) {
            Result<QVector<SplitPlan>> plans = store.splitPlans();
            if (!plans.ok())
                return failed(plans.error());
            Id planId = 0;
            for (const SplitPlan& p : plans.value())
                if (p.name == options.splitPlanName && p.unit == SplitUnit::Segment)
                    planId = p.id;
            QVector<SplitAssignment> assignments;
            if (planId == 0) {
                Result<Id> created = store.createSplitPlan(options.splitPlanName, SplitUnit::Segment,
                                                           QStringLiteral("splits named by the imported list files"));
                if (!created.ok())
                    return failed(created.error());
                planId = created.value();
            } else {
                Result<QVector<SplitAssignment>> old = store.splitAssignments(planId);
                if (!old.ok())
                    return failed(old.error());
                for (const SplitAssignment& a : old.value())
                    if (!splitOf.contains(a.entityId))
                        assignments << a;
            }
            for (auto it = splitOf.begin(); it != splitOf.end(); ++it)
                assignments.push_back({it.key(), it.value()});
            if (Status s = store.setSplitAssignments(planId, assignments); !s.ok())
                return failed(s.error());
            report.splitPlan = options.splitPlanName;
        }
        if (control.cancelled())
            return failed(QString());
        return Status::success();
    });
    if (!written.ok()) {
        if (control.cancelled())
            return cancelledError();
        return Error{written.error() + QStringLiteral(" (nothing was imported)")};
    }
    control.report(total, total);
    return report;
}

} // namespace mas::exchange
