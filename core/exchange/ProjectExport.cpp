// Reading a project into exchange rows, and the exports that write them.
#include "exchange/ProjectExchange.h"

#include "exchange/AtomicFile.h"
#include "exchange/Eaf.h"
#include "exchange/Ma52List.h"
#include "exchange/MiniZip.h"
#include "exchange/PredictionCsv.h"
#include "exchange/SegmentTable.h"
#include "video/VideoProbe.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace mas::exchange {

using namespace mas::store;

namespace {

// Files written by one export: removed again when a later step fails or is cancelled.
class WrittenFiles {
public:
    ~WrittenFiles()
    {
        if (!m_kept)
            for (const QString& f : std::as_const(m_files))
                QFile::remove(f);
    }
    Status write(const QString& path, const QByteArray& content, const ExchangeControl& control)
    {
        Status s = writeFileAtomically(path, content, control.cancel);
        if (s.ok())
            m_files << QFileInfo(path).absoluteFilePath();
        return s;
    }
    // Many small files: each renamed into place whole, synced together by the caller.
    Status writeUnsynced(const QString& path, const QByteArray& content, const ExchangeControl& control)
    {
        if (control.cancelled())
            return Error{path + QStringLiteral(": cancelled; nothing was written")};
        Status s = writeFileAtomicallyUnsynced(path, content);
        if (s.ok())
            m_files << QFileInfo(path).absoluteFilePath();
        return s;
    }
    void add(const QString& path) { m_files << QFileInfo(path).absoluteFilePath(); }
    QStringList keep()
    {
        m_kept = true;
        return m_files;
    }

private:
    QStringList m_files;
    bool m_kept = false;
};

Error cancelled(const QString& what) { return Error{what + QStringLiteral(": export cancelled; no file was left")}; }

} // namespace

Result<QVector<SegmentRow>> projectRows(const ProjectStore& store, const ProjectRowsOptions& options, const ExchangeControl& control)
{
    Result<QVector<Video>> videos = store.videos();
    if (!videos.ok())
        return Error{videos.error()};
    Result<QVector<Participant>> participants = store.participants();
    if (!participants.ok())
        return Error{participants.error()};
    QHash<Id, QString> codeOf;
    for (const Participant& p : participants.value())
        codeOf.insert(p.id, p.code);
    Result<QVector<Annotator>> annotators = store.annotators();
    if (!annotators.ok())
        return Error{annotators.error()};
    QHash<Id, QString> nameOf;
    for (const Annotator& a : annotators.value())
        nameOf.insert(a.id, a.name);

    Id modelId = 0;
    QString modelName;
    if (options.modelVersion.isEmpty()) {
        if (const std::optional<ModelVersion> active = store.activeModelVersion()) {
            modelId = active->id;
            modelName = active->name;
        }
    } else {
        Result<QVector<ModelVersion>> versions = store.modelVersions();
        if (!versions.ok())
            return Error{versions.error()};
        for (const ModelVersion& m : versions.value())
            if (m.name == options.modelVersion) {
                modelId = m.id;
                modelName = m.name;
            }
        if (modelId == 0)
            return Error{store.path() + QStringLiteral(": no model version named %1").arg(options.modelVersion)};
    }

    QHash<Id, SplitSet> splitOf;
    SplitUnit unit = SplitUnit::Participant;
    if (!options.withoutSplits) {
        Result<QVector<SplitPlan>> plans = store.splitPlans();
        if (!plans.ok())
            return Error{plans.error()};
        const SplitPlan* plan = nullptr;
        for (const SplitPlan& p : plans.value())
            if (options.splitPlanId ? p.id == options.splitPlanId : (!plan || p.id > plan->id))
                plan = &p;
        if (options.splitPlanId && !plan)
            return Error{store.path() + QStringLiteral(": no split plan with id %1").arg(options.splitPlanId)};
        if (plan) {
            unit = plan->unit;
            Result<QVector<SplitAssignment>> assignments = store.splitAssignments(plan->id);
            if (!assignments.ok())
                return Error{assignments.error()};
            for (const SplitAssignment& a : assignments.value())
                splitOf.insert(a.entityId, a.set);
        }
    }

    // The chosen version's predictions in one query (one per segment took a second at MA-52 scale).
    QHash<Id, Prediction> predictionOf;
    if (modelId) {
        Result<QVector<Prediction>> predictions = store.predictionsOfVersion(modelId);
        if (!predictions.ok())
            return Error{predictions.error()};
        for (const Prediction& p : predictions.value())
            predictionOf.insert(p.segmentId, p);
    }

    QVector<SegmentRow> rows;
    for (int v = 0; v < videos->size(); ++v) {
        if (control.cancelled())
            return cancelled(store.path());
        const Video& video = videos->at(v);
        Result<QVector<Segment>> segments = store.segmentsOfVideo(video.id);
        if (!segments.ok())
            return Error{segments.error()};
        for (const Segment& s : segments.value()) {
            SegmentRow row;
            row.videoPath = video.path;
            row.participant = codeOf.value(video.participantId);
            row.fpsNum = video.fpsNum;
            row.fpsDen = video.fpsDen;
            row.videoMissing = video.missing;
            row.startFrame = s.startFrame;
            row.endFrame = s.endFrame;
            row.note = s.note;
            if (s.note == QLatin1String(kWholeClipNote)) {
                row.note.clear();
                row.startFrame = 0;
                row.endFrame = video.frameCount > 0 ? video.frameCount : kUnknownEndFrame;
            }
            const Id splitKey = unit == SplitUnit::Participant ? video.participantId : s.id;
            if (splitKey && splitOf.contains(splitKey))
                row.split = toString(splitOf.value(splitKey));
            Result<QVector<Label>> labels = store.labelsOfSegment(s.id);
            if (!labels.ok())
                return Error{labels.error()};
            for (const Label& l : labels.value())
                row.labels.push_back({l.classId, nameOf.value(l.annotatorId), l.status});
            if (const auto found = predictionOf.constFind(s.id); found != predictionOf.constEnd()) {
                PredictionEntry e;
                e.modelVersion = modelName;
                for (const ClassScore& c : found->topK)
                    e.top.push_back({c.classId, double(c.score)});
                row.prediction = e;
            }
            rows.push_back(std::move(row));
        }
        if (v % 256 == 0)
            control.report(v, videos->size());
    }
    return rows;
}

Result<ExportReport> exportMmaction(const ProjectStore& store, const QString& outDir, const MmactionExportOptions& options,
                                    const ExchangeControl& control)
{
    Result<QVector<SegmentRow>> rows = projectRows(store, options.rows);
    if (!rows.ok())
        return Error{rows.error()};
    const Taxonomy& taxonomy = store.taxonomy();
    ClipCutter cut = options.cutClip ? options.cutClip : defaultClipCutter();
    if (options.extractClips && !cut)
        return Error{QStringLiteral("%1: clip extraction is not available in this build (core/video/ClipExtractor has no "
                                    "implementation yet); export the lists without clips").arg(outDir)};
    ExportReport report;
    WrittenFiles written;
    QVector<MmactionEntry> single[kSplitSetCount], multi[kSplitSetCount];
    int unlabeled = 0, disputed = 0, unassigned = 0, partial = 0, missing = 0;
    for (int i = 0; i < rows->size(); ++i) {
        if (control.cancelled())
            return cancelled(outDir);
        const SegmentRow& row = rows->at(i);
        QVector<int> classes;
        for (const LabelEntry& l : row.labels)
            if ((l.status == LabelStatus::Confirmed || (options.includePrelabeled && l.status == LabelStatus::Prelabeled))
                && !classes.contains(l.classId))
                classes << l.classId;
        if (classes.isEmpty()) {
            ++unlabeled;
            continue;
        }
        const int set = splitSetFromName(row.split);
        if (set < 0) {
            ++unassigned;
            continue;
        }
        QString listPath = row.videoPath;
        if (options.extractClips) {
            if (row.videoMissing) {
                ++missing;
                continue;
            }
            const QString source = QDir(store.projectDir()).absoluteFilePath(row.videoPath);
            int64_t end = row.endFrame;
            if (!row.lengthKnown()) {
                Result<VideoProbeInfo> probe = probeVideo(source);
                if (!probe.ok())
                    return Error{probe.error()};
                end = probe->frameCount;
            }
            listPath = QStringLiteral("clips/%1/%2_%3_%4.mp4")
                           .arg(splitSetName(set), QFileInfo(row.videoPath).completeBaseName())
                           .arg(row.startFrame)
                           .arg(end);
            const QString target = QDir(outDir).absoluteFilePath(listPath);
            QDir().mkpath(QFileInfo(target).absolutePath());
            if (Status s = cut(source, row.startFrame, end, target, control.cancel); !s.ok())
                return control.cancelled() ? Result<ExportReport>(cancelled(outDir)) : Result<ExportReport>(Error{s.error()});
            written.add(target);
            ++report.clipsWritten;
        } else if (row.lengthKnown() && row.startFrame != 0) {
            ++partial;
        }
        if (classes.size() == 1)
            single[set] << MmactionEntry{listPath, classes};
        else
            ++disputed;
        multi[set] << MmactionEntry{listPath, classes};
        ++report.segmentsWritten;
        control.report(i + 1, rows->size());
    }
    for (int s = 0; s < kSplitSetCount; ++s) {
        const QString base = QDir(outDir).absoluteFilePath(splitSetName(s));
        if (Status st = written.write(base + QStringLiteral("_list.txt"), writeMmactionList(single[s], false).toUtf8(), control); !st.ok())
            return Error{st.error()};
        if (Status st = written.write(base + QStringLiteral("_list_multilabel.txt"), writeMmactionList(multi[s], true).toUtf8(), control);
            !st.ok())
            return Error{st.error()};
    }
    if (Status st = written.write(QDir(outDir).absoluteFilePath(QStringLiteral("label_map.tsv")), labelMapTsv(taxonomy).toUtf8(), control); !st.ok())
        return Error{st.error()};
    if (Status st = written.write(QDir(outDir).absoluteFilePath(QStringLiteral("label_map.txt")), labelMapTxt(taxonomy).toUtf8(), control); !st.ok())
        return Error{st.error()};
    if (unlabeled)
        report.notes << QStringLiteral("%1 segments without a confirmed label left out").arg(unlabeled);
    if (unassigned)
        report.notes << QStringLiteral("%1 labelled segments are in no split (plan one with `split`)").arg(unassigned);
    if (disputed)
        report.notes << QStringLiteral("%1 segments with several confirmed classes are in the multi-label lists only").arg(disputed);
    if (missing)
        report.notes << QStringLiteral("%1 segments of missing videos have no clip and were left out").arg(missing);
    if (partial)
        report.notes << QStringLiteral("%1 segments are parts of longer videos: the lists name the whole video; export with clips").arg(partial);
    report.files = written.keep();
    return report;
}

namespace {

Result<ExportReport> exportOneFile(const ProjectStore& store, const QString& path, const ProjectRowsOptions& options,
                                   const ExchangeControl& control,
                                   const std::function<QByteArray(const QVector<SegmentRow>&, const Taxonomy&)>& render)
{
    Result<QVector<SegmentRow>> rows = projectRows(store, options, control);
    if (!rows.ok())
        return Error{rows.error()};
    if (control.cancelled())
        return cancelled(path);
    if (Status s = writeFileAtomically(path, render(rows.value(), store.taxonomy()), control.cancel); !s.ok())
        return Error{s.error()};
    ExportReport report;
    report.files << QFileInfo(path).absoluteFilePath();
    report.segmentsWritten = rows->size();
    return report;
}

} // namespace

Result<ExportReport> exportSegmentCsv(const ProjectStore& store, const QString& path, const ProjectRowsOptions& options,
                                      const ExchangeControl& control)
{
    return exportOneFile(store, path, options, control,
                         [](const QVector<SegmentRow>& rows, const Taxonomy& t) { return writeSegmentCsv(rows, t).toUtf8(); });
}

Result<ExportReport> exportSegmentJson(const ProjectStore& store, const QString& path, const ProjectRowsOptions& options,
                                       const ExchangeControl& control)
{
    return exportOneFile(store, path, options, control,
                         [](const QVector<SegmentRow>& rows, const Taxonomy& t) { return writeSegmentJson(rows, t); });
}

Result<ExportReport> exportPredictions(const ProjectStore& store, const QString& path, const QString& modelVersion,
                                       const ExchangeControl& control)
{
    ProjectRowsOptions options;
    options.modelVersion = modelVersion;
    options.withoutSplits = true;
    Result<QVector<SegmentRow>> rows = projectRows(store, options, control);
    if (!rows.ok())
        return Error{rows.error()};
    QVector<PredictionCsvRow> out;
    QSet<QString> seen;
    int withoutPrediction = 0, repeated = 0;
    for (const SegmentRow& r : rows.value()) {
        if (!r.prediction || r.prediction->top.isEmpty()) {
            ++withoutPrediction;
            continue;
        }
        const QString vid = QFileInfo(r.videoPath).fileName();
        if (seen.contains(vid)) {
            ++repeated;
            continue;
        }
        seen.insert(vid);
        PredictionCsvRow p;
        p.vid = vid;
        for (const ScoredClass& c : r.prediction->top)
            p.topClassIds << c.classId;
        out << p;
    }
    if (out.isEmpty())
        return Error{QStringLiteral("%1: no predictions of %2 in the project; nothing written")
                         .arg(path, modelVersion.isEmpty() ? QStringLiteral("the active model") : modelVersion)};
    Result<QString> csv = writePredictionCsv(out, store.taxonomy());
    if (!csv.ok())
        return Error{csv.error()};
    const bool zipped = path.endsWith(QLatin1String(".zip"), Qt::CaseInsensitive);
    const QByteArray content = zipped ? writeStoredZip({{QStringLiteral("prediction.csv"), csv->toUtf8()}}) : csv->toUtf8();
    if (Status s = writeFileAtomically(path, content, control.cancel); !s.ok())
        return Error{s.error()};
    ExportReport report;
    report.files << QFileInfo(path).absoluteFilePath();
    report.segmentsWritten = out.size();
    if (withoutPrediction)
        report.notes << QStringLiteral("%1 segments have no prediction of this model").arg(withoutPrediction);
    if (repeated)
        report.notes << QStringLiteral("%1 further segments of already listed videos left out (one row per video)").arg(repeated);
    return report;
}

Result<ExportReport> exportEaf(const ProjectStore& store, const QString& outDir, const ExchangeControl& control)
{
    ProjectRowsOptions options;
    options.withoutSplits = true;
    Result<QVector<SegmentRow>> rows = projectRows(store, options, control);
    if (!rows.ok())
        return Error{rows.error()};
    QMap<QString, QVector<SegmentRow>> byVideo;
    int unknownLength = 0;
    for (const SegmentRow& r : rows.value()) {
        if (!r.lengthKnown()) {
            ++unknownLength;
            continue;
        }
        byVideo[r.videoPath] << r;
    }
    ExportReport report;
    WrittenFiles written;
    QSet<QString> names;
    int done = 0;
    for (auto it = byVideo.begin(); it != byVideo.end(); ++it) {
        if (control.cancelled())
            return cancelled(outDir);
        EafWriteOptions o;
        o.mediaAbsolutePath = QDir(store.projectDir()).absoluteFilePath(it.key());
        o.author = QStringLiteral("MicroAction Studio");
        QString name = QFileInfo(it.key()).completeBaseName();
        for (int k = 2; names.contains(name); ++k)
            name = QFileInfo(it.key()).completeBaseName() + QStringLiteral("_%1").arg(k);
        names.insert(name);
        const QString target = QDir(outDir).absoluteFilePath(name + QStringLiteral(".eaf"));
        o.relativeMediaUrl = QStringLiteral("file:") + QDir(outDir).relativeFilePath(o.mediaAbsolutePath);
        if (!o.relativeMediaUrl.startsWith(QLatin1String("file:.")))
            o.relativeMediaUrl = QStringLiteral("file:./") + o.relativeMediaUrl.mid(5);
        if (Status s = written.writeUnsynced(target, writeEaf(it.value(), store.taxonomy(), o), control); !s.ok())
            return control.cancelled() ? Result<ExportReport>(cancelled(outDir)) : Result<ExportReport>(Error{s.error()});
        report.segmentsWritten += it.value().size();
        control.report(++done, byVideo.size());
    }
    if (!byVideo.isEmpty())
        if (Status s = syncFolderToDisk(outDir); !s.ok())
            return Error{s.error()};
    if (unknownLength)
        report.notes << QStringLiteral("%1 whole clips of unknown length have no times (probe the videos first)").arg(unknownLength);
    report.files = written.keep();
    return report;
}

Result<SplitPlanOutcome> planAndSaveSplit(ProjectStore& store, const QString& name, const SplitRatios& ratios, uint64_t seed,
                                          const ExchangeControl& control)
{
    ProjectRowsOptions options;
    options.withoutSplits = true;
    Result<QVector<SegmentRow>> rows = projectRows(store, options, control);
    if (!rows.ok())
        return Error{rows.error()};
    const Taxonomy& taxonomy = store.taxonomy();
    QVector<ParticipantClassCounts> counts;
    for (const ParticipantClassCounts& c : countByParticipant(rows.value(), taxonomy))
        if (!c.participant.startsWith(QLatin1String("video:"))) // a participant plan needs participants
            counts << c;
    if (counts.isEmpty())
        return Error{store.path() + QStringLiteral(": no labelled segment has a participant; nothing to split")};
    const QHash<QString, int> plan = planSplitByParticipant(counts, ratios, seed);
    Result<QVector<Participant>> participants = store.participants();
    if (!participants.ok())
        return Error{participants.error()};
    QVector<SplitAssignment> assignments;
    for (const Participant& p : participants.value())
        if (plan.contains(p.code))
            assignments.push_back({p.id, SplitSet(plan.value(p.code))});
    Result<Id> planId = store.createSplitPlan(name, SplitUnit::Participant,
                                              QStringLiteral("ratios %1/%2/%3, seed %4")
                                                  .arg(ratios.ratio[0]).arg(ratios.ratio[1]).arg(ratios.ratio[2]).arg(seed));
    if (!planId.ok())
        return Error{planId.error()};
    BatchControl batch;
    batch.cancel = control.cancel;
    if (Status s = store.setSplitAssignments(planId.value(), assignments, batch); !s.ok()) {
        store.removeSplitPlan(planId.value());
        return Error{s.error()};
    }
    QVector<SegmentRow> assigned = rows.value();
    for (SegmentRow& r : assigned)
        r.split = plan.contains(r.participant) ? splitSetName(plan.value(r.participant)) : QString();
    return SplitPlanOutcome{planId.value(), makeSplitReport(assigned, taxonomy)};
}

Result<SplitReport> splitReportOfPlan(const ProjectStore& store, Id planId)
{
    ProjectRowsOptions options;
    options.splitPlanId = planId;
    Result<QVector<SegmentRow>> rows = projectRows(store, options);
    if (!rows.ok())
        return Error{rows.error()};
    QVector<SegmentRow> labelled;
    for (const SegmentRow& r : rows.value())
        if (primaryClass(r) >= 0)
            labelled << r;
    return makeSplitReport(labelled, store.taxonomy());
}

Result<ProjectAgreement> projectAgreement(const ProjectStore& store, double iouThreshold, const QStringList& raters)
{
    ProjectRowsOptions options;
    options.withoutSplits = true;
    Result<QVector<SegmentRow>> rows = projectRows(store, options);
    if (!rows.ok())
        return Error{rows.error()};
    ProjectAgreement out;
    out.clipLevel = computeAgreement(clipLevelTable(rows.value(), raters), store.taxonomy(), QStringLiteral("clip"));
    out.matched = computeAgreement(matchedSegmentTable(rows.value(), iouThreshold, raters), store.taxonomy(),
                                   QStringLiteral("segments IoU>=%1").arg(iouThreshold));
    if (out.clipLevel.raters.size() < 2)
        return Error{store.path() + QStringLiteral(": agreement needs labels of at least two annotators (found %1)")
                                        .arg(out.clipLevel.raters.join(QStringLiteral(", ")))};
    return out;
}

} // namespace mas::exchange
