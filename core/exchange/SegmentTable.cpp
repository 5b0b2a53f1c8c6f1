#include "exchange/SegmentTable.h"

#include "exchange/AtomicFile.h"
#include "exchange/ClassLookup.h"
#include "exchange/Csv.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace mas::exchange {
namespace {

QString fpsText(const SegmentRow& r)
{
    if (r.fpsNum <= 0)
        return QString();
    return r.fpsDen == 1 ? QString::number(r.fpsNum) : QStringLiteral("%1/%2").arg(r.fpsNum).arg(r.fpsDen);
}

QString joined(const QVector<ScoredClass>& top, bool scores)
{
    QStringList parts;
    for (const ScoredClass& s : top)
        parts << (scores ? decimal(s.score) : QString::number(s.classId));
    return parts.join(QLatin1Char(';'));
}

// Header aliases -> canonical column.
const QHash<QString, QString>& aliases()
{
    static const QHash<QString, QString> map = [] {
        QHash<QString, QString> m;
        auto add = [&](const QString& canonical, const QStringList& names) {
            for (const QString& n : names)
                m.insert(n, canonical);
        };
        add(QStringLiteral("video"), {"video", "video_path", "path", "file", "filename", "vid", "video_id"});
        add(QStringLiteral("participant"), {"participant", "participant_id", "subject", "speaker"});
        add(QStringLiteral("start_frame"), {"start_frame", "start", "begin_frame", "first_frame"});
        add(QStringLiteral("end_frame"), {"end_frame", "end", "end_frame_exclusive", "stop_frame"});
        add(QStringLiteral("start_s"), {"start_s", "start_sec", "start_seconds", "start_time", "t_start", "begin_s"});
        add(QStringLiteral("end_s"), {"end_s", "end_sec", "end_seconds", "end_time", "t_end", "stop_s"});
        add(QStringLiteral("fps"), {"fps", "frame_rate", "framerate"});
        add(QStringLiteral("class_id"), {"class_id", "label_id", "id_label", "class", "label", "action", "action_id"});
        add(QStringLiteral("code"), {"code", "class_code", "label_code"});
        add(QStringLiteral("class_name"), {"class_name", "name", "label_name", "action_name"});
        add(QStringLiteral("body_part"), {"body_part", "body"});
        add(QStringLiteral("annotator"), {"annotator", "coder", "rater"});
        add(QStringLiteral("status"), {"status", "label_status"});
        add(QStringLiteral("note"), {"note", "comment"});
        add(QStringLiteral("split"), {"split", "subset", "set"});
        add(QStringLiteral("model_version"), {"model_version", "model"});
        add(QStringLiteral("score"), {"score"});
        add(QStringLiteral("pred_class_ids"), {"pred_class_ids"});
        add(QStringLiteral("pred_scores"), {"pred_scores"});
        return m;
    }();
    return map;
}

} // namespace

QStringList segmentCsvHeader()
{
    return {"video", "participant", "start_frame", "end_frame", "start_s", "end_s", "fps", "class_id", "code",
            "class_name", "body_part", "annotator", "status", "note", "split", "model_version", "score",
            "pred_class_ids", "pred_scores"};
}

QString writeSegmentCsv(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy)
{
    QString out = csvLine(segmentCsvHeader());
    for (const SegmentRow& r : rows) {
        const QString start = QString::number(r.startFrame);
        const QString end = r.lengthKnown() ? QString::number(r.endFrame) : QString();
        const QString startS = r.fpsNum > 0 ? decimal(frameToSeconds(r.startFrame, r.fpsNum, r.fpsDen)) : QString();
        const QString endS = r.fpsNum > 0 && r.lengthKnown() ? decimal(frameToSeconds(r.endFrame, r.fpsNum, r.fpsDen)) : QString();
        const QString model = r.prediction ? r.prediction->modelVersion : QString();
        const QString predIds = r.prediction ? joined(r.prediction->top, false) : QString();
        const QString predScores = r.prediction ? joined(r.prediction->top, true) : QString();
        auto line = [&](const LabelEntry* l) {
            QString classId, code, name, body, annotator, status, score;
            if (l) {
                classId = QString::number(l->classId);
                if (const ActionClass* c = taxonomy.classById(l->classId)) {
                    code = c->code;
                    name = c->name;
                    if (const BodyPart* b = taxonomy.bodyPart(c->bodyPartId))
                        body = b->name;
                }
                annotator = l->annotator;
                status = store::toString(l->status);
                if (r.prediction)
                    for (const ScoredClass& s : r.prediction->top)
                        if (s.classId == l->classId)
                            score = decimal(s.score);
            }
            out += csvLine({r.videoPath, r.participant, start, end, startS, endS, fpsText(r), classId, code, name, body,
                            annotator, status, r.note, r.split, model, score, predIds, predScores});
        };
        if (r.labels.isEmpty())
            line(nullptr);
        for (const LabelEntry& l : r.labels)
            line(&l);
    }
    return out;
}

QVector<SegmentRow> mergeSameSegments(QVector<SegmentRow> rows)
{
    QVector<SegmentRow> out;
    QHash<QString, int> index;
    for (SegmentRow& r : rows) {
        const QString key = QStringLiteral("%1\x1f%2\x1f%3").arg(r.videoPath).arg(r.startFrame).arg(r.endFrame);
        auto it = index.find(key);
        if (it == index.end()) {
            index.insert(key, out.size());
            out.push_back(std::move(r));
            continue;
        }
        SegmentRow& into = out[*it];
        for (const LabelEntry& l : r.labels)
            if (!into.labels.contains(l))
                into.labels.push_back(l);
        if (!into.prediction && r.prediction)
            into.prediction = r.prediction;
        if (into.note.isEmpty())
            into.note = r.note;
        if (into.participant.isEmpty())
            into.participant = r.participant;
        if (into.split.isEmpty())
            into.split = r.split;
    }
    return out;
}

ParsedFile parseSegmentCsv(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                           const SegmentCsvOptions& options)
{
    ParsedFile out;
    const CsvParse csv = parseCsv(text);
    if (!csv.error.isEmpty())
        out.issues.push_back({fileName, csv.errorLine, csv.error.section(QLatin1String(": "), 1) +
                                                           QStringLiteral("; the rest of the file is not read"), {}});
    if (csv.records.isEmpty()) {
        out.issues.push_back({fileName, 0, QStringLiteral("no header row"), {}});
        return out;
    }
    QHash<QString, int> column;
    const QStringList& header = csv.records[0].fields;
    for (int i = 0; i < header.size(); ++i) {
        const QString name = header[i].trimmed().toLower().replace(QLatin1Char(' '), QLatin1Char('_'));
        const QString canonical = aliases().value(name);
        if (!canonical.isEmpty() && !column.contains(canonical))
            column.insert(canonical, i);
    }
    if (!column.contains(QStringLiteral("video"))) {
        out.issues.push_back({fileName, csv.records[0].line, QStringLiteral("no video column (video, path or file)"), {}});
        return out;
    }
    const bool hasFrames = column.contains(QStringLiteral("start_frame")) && column.contains(QStringLiteral("end_frame"));
    const bool hasSeconds = column.contains(QStringLiteral("start_s")) && column.contains(QStringLiteral("end_s"));
    // No time column at all: clip-level labels (each row labels its whole video).
    const bool clipLevel = !hasFrames && !hasSeconds && !column.contains(QStringLiteral("start_frame"))
                           && !column.contains(QStringLiteral("end_frame")) && !column.contains(QStringLiteral("start_s"))
                           && !column.contains(QStringLiteral("end_s"));
    if (!hasFrames && !hasSeconds && !clipLevel) {
        out.issues.push_back({fileName, csv.records[0].line,
                              QStringLiteral("start or end column missing (start_frame,end_frame or start_s,end_s; none "
                                             "for whole clips)"), {}});
        return out;
    }
    QVector<SegmentRow> rows;
    for (int r = 1; r < csv.records.size(); ++r) {
        const CsvRecord& rec = csv.records[r];
        auto field = [&](const char* name) {
            const int i = column.value(QLatin1String(name), -1);
            return i >= 0 && i < rec.fields.size() ? rec.fields[i].trimmed() : QString();
        };
        auto issue = [&](const QString& reason, const QString& suggestion = {}) {
            out.issues.push_back({fileName, rec.line, reason, suggestion});
        };
        if (rec.fields.size() != header.size()) {
            issue(QStringLiteral("expected %1 fields, found %2").arg(header.size()).arg(rec.fields.size()));
            continue;
        }
        SegmentRow row;
        row.videoPath = field("video");
        row.sourceFile = fileName;
        row.sourceLine = rec.line;
        if (row.videoPath.isEmpty()) {
            issue(QStringLiteral("empty video"));
            continue;
        }
        row.participant = field("participant");
        row.note = field("note");
        row.split = field("split").toLower();
        if (const QString fps = field("fps"); !fps.isEmpty()) {
            if (!parseFrameRate(fps, &row.fpsNum, &row.fpsDen)) {
                issue(QStringLiteral("fps '%1' is not a frame rate").arg(fps));
                continue;
            }
        } else if (options.frameRateOfVideo && options.frameRateOfVideo(row.videoPath, &row.fpsNum, &row.fpsDen)
                   && row.fpsNum > 0) {
            // the video's own rate
        } else if (options.defaultFpsNum > 0) {
            row.fpsNum = options.defaultFpsNum;
            row.fpsDen = options.defaultFpsDen;
        }
        // Frames when given, else seconds converted with the rate (nearest frame).
        const QString startFrame = field("start_frame"), endFrame = field("end_frame");
        const QString startS = field("start_s"), endS = field("end_s");
        bool okStart = false, okEnd = true;
        if (!startFrame.isEmpty()) {
            row.startFrame = startFrame.toLongLong(&okStart);
            row.endFrame = endFrame.isEmpty() ? kUnknownEndFrame : endFrame.toLongLong(&okEnd);
            if (!okStart || !okEnd) {
                issue(QStringLiteral("start/end frame '%1'/'%2' are not whole numbers").arg(startFrame, endFrame));
                continue;
            }
        } else if (!startS.isEmpty()) {
            if (row.fpsNum <= 0) {
                issue(QStringLiteral("times in seconds need a frame rate (an fps column or a default rate)"));
                continue;
            }
            const double s = startS.toDouble(&okStart);
            const double e = endS.isEmpty() ? 0.0 : endS.toDouble(&okEnd);
            if (!okStart || !okEnd || !std::isfinite(s) || !std::isfinite(e) || std::abs(s) > 1e9 || std::abs(e) > 1e9) {
                issue(QStringLiteral("start/end seconds '%1'/'%2' are not numbers").arg(startS, endS));
                continue;
            }
            row.startFrame = secondsToFrame(s, row.fpsNum, row.fpsDen);
            row.endFrame = endS.isEmpty() ? kUnknownEndFrame : secondsToFrame(e, row.fpsNum, row.fpsDen);
        } else if (clipLevel) {
            row.startFrame = 0;
            row.endFrame = kUnknownEndFrame;
        } else {
            issue(QStringLiteral("no start"));
            continue;
        }
        if (row.startFrame < 0 || (row.lengthKnown() && row.endFrame <= row.startFrame)) {
            issue(QStringLiteral("segment %1..%2 is empty or negative (end is exclusive)").arg(row.startFrame).arg(row.endFrame));
            continue;
        }
        // The class: id column (may hold a code or a name too), else code, else name.
        QString classText;
        ClassTextKind kind = ClassTextKind::Any;
        if (!field("class_id").isEmpty()) {
            classText = field("class_id");
        } else if (!field("code").isEmpty()) {
            classText = field("code");
            kind = ClassTextKind::Code;
        } else if (!field("class_name").isEmpty()) {
            classText = field("class_name");
            kind = ClassTextKind::Name;
        }
        if (!classText.isEmpty()) {
            const ClassLookup found = lookupClass(classText, taxonomy, kind);
            if (found.classId < 0) {
                issue(found.reason, found.suggestion);
                continue;
            }
            LabelEntry label;
            label.classId = found.classId;
            label.annotator = field("annotator").isEmpty() ? options.defaultAnnotator : field("annotator");
            label.status = options.defaultStatus;
            if (const QString status = field("status"); !status.isEmpty()) {
                const std::optional<LabelStatus> s = store::labelStatusFromString(status.toLower());
                if (!s) {
                    issue(QStringLiteral("status '%1' is not prelabeled, confirmed, disputed or rejected").arg(status));
                    continue;
                }
                label.status = *s;
            }
            row.labels.push_back(label);
        }
        // The active model's top-k, when the file carries it.
        if (const QString ids = field("pred_class_ids"); !ids.isEmpty()) {
            PredictionEntry p;
            p.modelVersion = field("model_version");
            const QStringList idList = ids.split(QLatin1Char(';'));
            const QStringList scoreList = field("pred_scores").split(QLatin1Char(';'));
            bool ok = true;
            for (int k = 0; k < idList.size() && ok; ++k) {
                const int id = idList[k].trimmed().toInt(&ok);
                ok = ok && taxonomy.classById(id);
                double score = 0;
                if (ok && k < scoreList.size() && !scoreList[k].trimmed().isEmpty())
                    score = scoreList[k].trimmed().toDouble(&ok);
                if (ok)
                    p.top.push_back({id, score});
            }
            if (!ok) {
                issue(QStringLiteral("pred_class_ids '%1' or pred_scores are not class ids and numbers; prediction skipped").arg(ids));
            } else {
                row.prediction = p;
            }
        }
        rows.push_back(std::move(row));
    }
    out.rows = mergeSameSegments(std::move(rows));
    return out;
}

Result<ParsedFile> readSegmentCsvFile(const QString& path, const Taxonomy& taxonomy, const SegmentCsvOptions& options)
{
    Result<QString> text = readTextFile(path);
    if (!text.ok())
        return Error{text.error()};
    return parseSegmentCsv(text.value(), path, taxonomy, options);
}

QByteArray writeSegmentJson(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy)
{
    QJsonArray segments;
    for (const SegmentRow& r : rows) {
        QJsonObject s{{"video", r.videoPath}, {"participant", r.participant}, {"start_frame", qint64(r.startFrame)}};
        s.insert("end_frame", r.lengthKnown() ? QJsonValue(qint64(r.endFrame)) : QJsonValue());
        if (r.fpsNum > 0) {
            s.insert("fps", r.fpsDen == 1 ? QJsonValue(r.fpsNum) : QJsonValue(QStringLiteral("%1/%2").arg(r.fpsNum).arg(r.fpsDen)));
            s.insert("start_s", frameToSeconds(r.startFrame, r.fpsNum, r.fpsDen));
            if (r.lengthKnown())
                s.insert("end_s", frameToSeconds(r.endFrame, r.fpsNum, r.fpsDen));
        }
        s.insert("split", r.split);
        s.insert("note", r.note);
        QJsonArray labels;
        for (const LabelEntry& l : r.labels) {
            QJsonObject o{{"class_id", l.classId}, {"annotator", l.annotator}, {"status", store::toString(l.status)}};
            if (const ActionClass* c = taxonomy.classById(l.classId)) {
                o.insert("code", c->code);
                o.insert("class_name", c->name);
                if (const BodyPart* b = taxonomy.bodyPart(c->bodyPartId))
                    o.insert("body_part", b->name);
            }
            labels.append(o);
        }
        s.insert("labels", labels);
        if (r.prediction) {
            QJsonArray top;
            for (const ScoredClass& c : r.prediction->top)
                top.append(QJsonObject{{"class_id", c.classId}, {"score", c.score}});
            s.insert("prediction", QJsonObject{{"model_version", r.prediction->modelVersion}, {"top", top}});
        }
        segments.append(s);
    }
    const QJsonObject root{{"format", "mastudio-segments"},
                           {"version", 1},
                           {"end_frame", "exclusive"},
                           {"taxonomy", taxonomy.version()},
                           {"segments", segments}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

ParsedFile parseSegmentJson(const QByteArray& json, const QString& fileName, const Taxonomy& taxonomy)
{
    ParsedFile out;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        out.issues.push_back({fileName, 0, QStringLiteral("not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset), {}});
        return out;
    }
    const QJsonObject root = doc.object();
    if (root.value("format").toString() != QLatin1String("mastudio-segments")) {
        out.issues.push_back({fileName, 0, QStringLiteral("not a MicroAction Studio segments file (format field)"), {}});
        return out;
    }
    const QJsonArray segments = root.value("segments").toArray();
    for (int i = 0; i < segments.size(); ++i) {
        const QJsonObject s = segments[i].toObject();
        auto issue = [&](const QString& reason, const QString& suggestion = {}) {
            out.issues.push_back({fileName, 0, QStringLiteral("segment %1: %2").arg(i).arg(reason), suggestion});
        };
        SegmentRow row;
        row.videoPath = s.value("video").toString();
        row.sourceFile = fileName;
        if (row.videoPath.isEmpty()) {
            issue(QStringLiteral("no video"));
            continue;
        }
        row.participant = s.value("participant").toString();
        row.startFrame = s.value("start_frame").toInteger(-1);
        row.endFrame = s.value("end_frame").isNull() ? kUnknownEndFrame : s.value("end_frame").toInteger(-2);
        if (row.startFrame < 0 || (row.lengthKnown() && row.endFrame <= row.startFrame)) {
            issue(QStringLiteral("frames %1..%2 are not a segment (end is exclusive)").arg(row.startFrame).arg(row.endFrame));
            continue;
        }
        const QJsonValue fps = s.value("fps");
        if (!fps.isUndefined() && !fps.isNull()
            && !parseFrameRate(fps.isString() ? fps.toString() : QString::number(fps.toDouble(), 'g', 12), &row.fpsNum, &row.fpsDen)) {
            issue(QStringLiteral("fps is not a frame rate"));
            continue;
        }
        row.split = s.value("split").toString();
        row.note = s.value("note").toString();
        bool bad = false;
        for (const QJsonValue& lv : s.value("labels").toArray()) {
            const QJsonObject l = lv.toObject();
            const QJsonValue id = l.value("class_id");
            const ClassLookup found = id.isDouble() ? lookupClass(QString::number(id.toInt(-1)), taxonomy, ClassTextKind::Id)
                                                    : lookupClass(l.value("class_name").toString(), taxonomy);
            const std::optional<LabelStatus> status = store::labelStatusFromString(l.value("status").toString(QStringLiteral("confirmed")));
            if (found.classId < 0 || !status) {
                issue(found.classId < 0 ? found.reason : QStringLiteral("unknown status"), found.suggestion);
                bad = true;
                break;
            }
            row.labels.push_back({found.classId, l.value("annotator").toString(), *status});
        }
        if (bad)
            continue;
        if (s.contains("prediction")) {
            const QJsonObject p = s.value("prediction").toObject();
            PredictionEntry entry;
            entry.modelVersion = p.value("model_version").toString();
            for (const QJsonValue& tv : p.value("top").toArray()) {
                const int id = tv.toObject().value("class_id").toInt(-1);
                if (!taxonomy.classById(id)) {
                    issue(QStringLiteral("prediction class %1 is not in the taxonomy; prediction skipped").arg(id));
                    entry.top.clear();
                    break;
                }
                entry.top.push_back({id, tv.toObject().value("score").toDouble()});
            }
            if (!entry.top.isEmpty())
                row.prediction = entry;
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

} // namespace mas::exchange
