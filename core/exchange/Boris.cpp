#include "exchange/Boris.h"

#include "exchange/AtomicFile.h"
#include "exchange/ProjectExchange.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace mas::exchange {
namespace {

constexpr char kStateEvent[] = "State event";
constexpr char kPointEvent[] = "Point event";
constexpr int kPlayers = 8;

struct Behaviour {
    int classId = -1;       // -1: not a class of the taxonomy
    bool point = false;
    QString category;
};

// BORIS writes times as numbers; older files and hand edits sometimes as text.
bool timeOf(const QJsonValue& v, double* seconds)
{
    if (v.isDouble()) {
        *seconds = v.toDouble();
        return std::isfinite(*seconds);
    }
    bool ok = false;
    *seconds = v.toString().toDouble(&ok);
    return ok && std::isfinite(*seconds);
}

QString jsonText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    return {};
}

// The rational rate of a BORIS frame rate (25; 29.97 or 29.97002997... for 30000/1001).
bool rateOf(double fps, int* num, int* den)
{
    if (!(fps > 0) || !std::isfinite(fps))
        return false;
    if (std::abs(fps - std::round(fps)) < 1e-3) {
        *num = int(std::round(fps));
        *den = 1;
        return true;
    }
    if (const double ntsc = fps * 1.001; std::abs(ntsc - std::round(ntsc)) < 1e-3) {
        *num = int(std::round(ntsc)) * 1000;
        *den = 1001;
        return true;
    }
    return parseFrameRate(QString::number(fps, 'f', 6), num, den);
}

QString noteOf(const QString& modifier, const QString& comment)
{
    QStringList lines;
    if (!modifier.isEmpty() && modifier != QLatin1String("None") && modifier != QLatin1String("NA"))
        lines << QString::fromLatin1(kBorisModifierPrefix) + modifier;
    if (!comment.isEmpty())
        lines << comment;
    return lines.join(QLatin1Char('\n'));
}

void splitNote(const QString& note, QString* modifier, QString* comment)
{
    modifier->clear();
    *comment = note;
    if (note.startsWith(QLatin1String(kBorisModifierPrefix))) {
        const int eol = note.indexOf(QLatin1Char('\n'));
        *modifier = note.mid(int(qstrlen(kBorisModifierPrefix)), eol < 0 ? -1 : eol - int(qstrlen(kBorisModifierPrefix)));
        *comment = eol < 0 ? QString() : note.mid(eol + 1);
    }
}

QJsonObject numbered(const QVector<QJsonObject>& items)
{
    QJsonObject o;
    for (int i = 0; i < items.size(); ++i)
        o.insert(QString::number(i), items[i]);
    return o;
}

} // namespace

ParsedFile parseBoris(const QByteArray& json, const QString& fileName, const Taxonomy& taxonomy, const BorisReadOptions& options)
{
    ParsedFile out;
    auto issue = [&](int line, const QString& reason, const QString& suggestion = {}) {
        out.issues.push_back({fileName, line, reason, suggestion});
    };
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull() || !doc.isObject()) {
        issue(0, QStringLiteral("not a BORIS project (JSON: %1 at byte %2)").arg(error.errorString()).arg(error.offset));
        return out;
    }
    const QJsonObject project = doc.object();
    if (!project.contains(QLatin1String("behaviors_conf")) || !project.contains(QLatin1String("observations"))) {
        issue(0, QStringLiteral("not a BORIS project (no behaviors_conf or observations)"));
        return out;
    }
    const QDir baseDir = QFileInfo(fileName).absoluteDir();

    // --- ethogram -> classes -------------------------------------------------------------------------
    QHash<QString, Behaviour> behaviours;
    const QJsonObject ethogram = project.value(QLatin1String("behaviors_conf")).toObject();
    QStringList ethogramKeys = ethogram.keys();
    std::sort(ethogramKeys.begin(), ethogramKeys.end(), [](const QString& a, const QString& b) { return a.toInt() < b.toInt(); });
    for (const QString& key : std::as_const(ethogramKeys)) {
        const QJsonObject b = ethogram.value(key).toObject();
        const QString code = b.value(QLatin1String("code")).toString();
        Behaviour behaviour;
        behaviour.point = b.value(QLatin1String("type")).toString().startsWith(QLatin1String("Point"));
        behaviour.category = b.value(QLatin1String("category")).toString();
        const ActionClass* cls = taxonomy.classByCode(code);
        if (!cls)
            cls = taxonomy.classByName(code);
        if (!cls)
            cls = taxonomy.classByName(b.value(QLatin1String("description")).toString());
        if (cls) {
            behaviour.classId = cls->id;
            const BodyPart* part = taxonomy.bodyPart(cls->bodyPartId);
            if (!behaviour.category.isEmpty() && part && behaviour.category.compare(part->name, Qt::CaseInsensitive) != 0)
                issue(0, QStringLiteral("ethogram behaviour \"%1\" has category \"%2\"; its class %3 belongs to body part \"%4\" "
                                        "(imported under %4)").arg(code, behaviour.category, cls->code, part->name));
        } else {
            const ActionClass* near = taxonomy.nearestByName(code);
            issue(0, QStringLiteral("ethogram behaviour \"%1\" is not a class of the project's taxonomy; its events are skipped")
                         .arg(code),
                  near ? QStringLiteral("did you mean '%1' (%2)?").arg(near->name, near->code) : QString());
        }
        behaviours.insert(code, behaviour);
    }

    // --- observations -> videos and segments ---------------------------------------------------------
    const QJsonObject observations = project.value(QLatin1String("observations")).toObject();
    for (auto o = observations.constBegin(); o != observations.constEnd(); ++o) {
        const QString obsId = o.key();
        const QJsonObject obs = o.value().toObject();
        const QString type = obs.value(QLatin1String("type")).toString(QStringLiteral("MEDIA"));
        const QJsonArray events = obs.value(QLatin1String("events")).toArray();
        if (type != QLatin1String("MEDIA")) {
            issue(0, QStringLiteral("observation \"%1\" is a %2 observation (no video): its %3 events are skipped")
                         .arg(obsId, type.toLower()).arg(events.size()));
            continue;
        }
        const QJsonObject files = obs.value(QLatin1String("file")).toObject();
        const QJsonArray player1 = files.value(QLatin1String("1")).toArray();
        if (player1.isEmpty()) {
            issue(0, QStringLiteral("observation \"%1\" names no media file for player 1: its %2 events are skipped")
                         .arg(obsId).arg(events.size()));
            continue;
        }
        const QString media = player1.first().toString();
        if (player1.size() > 1)
            issue(0, QStringLiteral("observation \"%1\": player 1 plays %2 files in a row; events are mapped to the first, %3")
                         .arg(obsId).arg(player1.size()).arg(media));
        for (int p = 2; p <= kPlayers; ++p)
            for (const QJsonValue& f : files.value(QString::number(p)).toArray())
                issue(0, QStringLiteral("observation \"%1\": media %2 of player %3 is not imported (one video per observation)")
                             .arg(obsId, f.toString()).arg(p));
        const QString absolute = QDir::cleanPath(baseDir.absoluteFilePath(media));
        const QJsonObject mediaInfo = obs.value(QLatin1String("media_info")).toObject();
        int fpsNum = 0, fpsDen = 1;
        const QJsonObject fpsOf = mediaInfo.value(QLatin1String("fps")).toObject();
        if (!rateOf(fpsOf.value(media).toDouble(), &fpsNum, &fpsDen)
            && !(options.frameRateOfVideo && options.frameRateOfVideo(absolute, &fpsNum, &fpsDen) && fpsNum > 0)) {
            issue(0, QStringLiteral("observation \"%1\": no frame rate for %2 (media_info has none and the video is not in the "
                                    "project): its %3 events are skipped").arg(obsId, media).arg(events.size()));
            continue;
        }
        double offset = obs.value(QLatin1String("time offset")).toDouble();
        offset += mediaInfo.value(QLatin1String("offset")).toObject().value(QLatin1String("1")).toDouble();

        // Subjects: the observation's most frequent one is the video's participant.
        QMap<QString, int> subjectCount;
        for (const QJsonValue& e : events)
            if (const QString s = e.toArray().at(1).toString(); !s.isEmpty())
                ++subjectCount[s];
        QString participant;
        for (auto s = subjectCount.cbegin(); s != subjectCount.cend(); ++s)
            if (participant.isEmpty() || s.value() > subjectCount.value(participant))
                participant = s.key();
        if (subjectCount.size() > 1)
            issue(0, QStringLiteral("observation \"%1\" codes %2 subjects; the video's participant is \"%3\", the other subjects' "
                                    "segments carry \"subject: NAME\" in their notes").arg(obsId).arg(subjectCount.size()).arg(participant));

        auto makeRow = [&](int line, int64_t start, int64_t end, int classId, const QString& subject, const QString& note) {
            SegmentRow row;
            row.videoPath = absolute;
            row.participant = participant;
            row.startFrame = start;
            row.endFrame = end;
            row.fpsNum = fpsNum;
            row.fpsDen = fpsDen;
            row.note = note;
            if (!subject.isEmpty() && subject != participant)
                row.note = (row.note.isEmpty() ? QString() : row.note + QLatin1Char('\n')) + QStringLiteral("subject: ") + subject;
            row.labels.push_back({classId, options.annotator, options.status});
            row.sourceFile = fileName;
            row.sourceLine = line;
            out.rows.push_back(row);
        };

        struct Open {
            int line = 0;
            int64_t frame = 0;
            QString note;
        };
        QHash<QString, Open> open; // subject + '\x1f' + code -> the START
        for (int i = 0; i < events.size(); ++i) {
            const int line = i + 1; // event rows are numbered from 1 within their observation
            const QJsonArray e = events[i].toArray();
            auto rowIssue = [&](const QString& reason, const QString& suggestion = {}) {
                issue(line, QStringLiteral("observation \"%1\", event %2: %3").arg(obsId).arg(line).arg(reason), suggestion);
            };
            double t = 0;
            if (e.size() < 3 || !timeOf(e.at(0), &t)) {
                rowIssue(QStringLiteral("not an event [time, subject, code, modifier, comment]"));
                continue;
            }
            const QString subject = e.at(1).toString();
            const QString code = jsonText(e.at(2));
            const QString note = noteOf(jsonText(e.at(3)), jsonText(e.at(4)));
            const auto b = behaviours.constFind(code);
            if (b == behaviours.constEnd()) {
                rowIssue(QStringLiteral("behaviour \"%1\" is not in the ethogram").arg(code));
                continue;
            }
            if (b->classId < 0) {
                const ActionClass* near = taxonomy.nearestByName(code);
                rowIssue(QStringLiteral("behaviour \"%1\" at %2 s is not a class of the taxonomy").arg(code).arg(t),
                         near ? QStringLiteral("did you mean '%1' (%2)?").arg(near->name, near->code) : QString());
                continue;
            }
            const double mediaTime = t - offset;
            if (mediaTime < -1e-9) {
                rowIssue(QStringLiteral("\"%1\" at %2 s lies before the media starts (offset %3 s)").arg(code).arg(t).arg(offset));
                continue;
            }
            const int64_t frame = secondsToFrame(std::max(0.0, mediaTime), fpsNum, fpsDen);
            if (b->point) {
                makeRow(line, frame, frame + 1, b->classId, subject, note);
                continue;
            }
            const QString key = subject + QChar(0x1f) + code;
            if (auto it = open.find(key); it != open.end()) {
                const Open start = *it;
                open.erase(it);
                const int64_t end = std::max(frame, start.frame + 1);
                makeRow(start.line, start.frame, end, b->classId, subject, start.note.isEmpty() ? note : start.note);
            } else {
                open.insert(key, {line, frame, note});
            }
        }
        for (auto it = open.cbegin(); it != open.cend(); ++it) {
            const QString code = it.key().section(QChar(0x1f), 1);
            issue(it->line, QStringLiteral("observation \"%1\", event %2: state event \"%3\" STARTs and never STOPs; skipped")
                               .arg(obsId).arg(it->line).arg(code));
        }
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const SegmentRow& a, const SegmentRow& b) {
        return a.videoPath != b.videoPath ? a.videoPath < b.videoPath : a.startFrame < b.startFrame;
    });
    return out;
}

BorisExport writeBoris(const QVector<SegmentRow>& rows, const QVector<store::Video>& videos,
                       const QVector<store::Participant>& participants, const Taxonomy& taxonomy, const BorisWriteOptions& options)
{
    BorisExport out;
    QHash<QString, const store::Video*> videoOf;
    for (const store::Video& v : videos)
        videoOf.insert(v.path, &v);
    const QSet<int> pointClasses(options.pointEventClasses.cbegin(), options.pointEventClasses.cend());

    // Events per video: (time, frame, subject, class, modifier, comment, is STOP).
    struct Event {
        int64_t frame = 0;
        double time = 0;
        int classId = -1;
        QString modifier, comment;
        bool stop = false;
    };
    QMap<QString, QVector<Event>> eventsOf;
    QMap<QString, QString> subjectOf;
    QMap<int, QSet<QString>> modifiersOfClass;
    QHash<QString, QHash<int, int64_t>> lastEndOf; // video -> class -> end of its latest segment
    for (const SegmentRow& row : rows) {
        auto skip = [&](const QString& reason) {
            out.issues.push_back({row.videoPath, 0, QStringLiteral("segment [%1, %2): %3").arg(row.startFrame).arg(row.endFrame).arg(reason), {}});
        };
        QVector<int> classes;
        for (const LabelEntry& l : row.labels)
            if (l.status != LabelStatus::Rejected && !l.annotator.startsWith(QLatin1String("model:")) && !classes.contains(l.classId)
                && taxonomy.classById(l.classId))
                classes << l.classId;
        if (classes.isEmpty()) {
            skip(QStringLiteral("no class from a person (BORIS codes behaviours, not empty segments); left out"));
            continue;
        }
        if (row.fps() <= 0 || !row.lengthKnown()) {
            skip(QStringLiteral("no frame rate or length known (probe the video); left out"));
            continue;
        }
        subjectOf.insert(row.videoPath, row.participant);
        QString modifier, comment;
        splitNote(row.note, &modifier, &comment);
        for (int classId : std::as_const(classes)) {
            Event start;
            start.frame = row.startFrame;
            start.time = frameToSeconds(row.startFrame, row.fpsNum, row.fpsDen);
            start.classId = classId;
            start.modifier = modifier;
            start.comment = comment;
            if (!modifier.isEmpty())
                modifiersOfClass[classId].insert(modifier);
            if (pointClasses.contains(classId)) {
                if (row.endFrame - row.startFrame != 1)
                    skip(QStringLiteral("%1 is a point event; written at its first frame").arg(taxonomy.classById(classId)->code));
                eventsOf[row.videoPath] << start;
                continue;
            }
            int64_t& lastEnd = lastEndOf[row.videoPath][classId];
            if (lastEnd > row.startFrame) {
                skip(QStringLiteral("overlaps another %1 segment (BORIS pairs START and STOP of one behaviour by order); left out")
                         .arg(taxonomy.classById(classId)->code));
                continue;
            }
            lastEnd = row.endFrame;
            Event stop = start;
            stop.frame = row.endFrame;
            stop.time = frameToSeconds(row.endFrame, row.fpsNum, row.fpsDen);
            stop.stop = true;
            stop.modifier = modifier; // BORIS repeats the modifier on the STOP
            stop.comment.clear();
            eventsOf[row.videoPath] << start << stop;
        }
    }

    // --- ethogram, categories, subjects --------------------------------------------------------------
    QVector<QJsonObject> behaviours;
    for (const ActionClass& c : taxonomy.classes()) {
        const BodyPart* part = taxonomy.bodyPart(c.bodyPartId);
        QJsonObject b{{"type", pointClasses.contains(c.id) ? kPointEvent : kStateEvent},
                      {"key", QString()},
                      {"code", c.code},
                      {"description", c.name},
                      {"color", part ? part->colour.name() : QString()},
                      {"category", part ? part->name : QString()},
                      {"excluded", QString()},
                      {"coding map", QString()}};
        QStringList values = modifiersOfClass.value(c.id).values();
        values.sort();
        if (values.isEmpty())
            b.insert("modifiers", QString());
        else
            b.insert("modifiers", QJsonObject{{"0", QJsonObject{{"name", "modifiers"}, {"description", QString()}, {"type", 0},
                                                                 {"values", QJsonArray::fromStringList(values)}}}});
        behaviours << b;
    }
    QJsonArray categories;
    QVector<QJsonObject> categoryConfig;
    for (const BodyPart& p : taxonomy.bodyParts()) {
        categories.append(p.name);
        categoryConfig << QJsonObject{{"name", p.name}, {"color", p.colour.name()}};
    }
    QVector<QJsonObject> subjects;
    for (const store::Participant& p : participants)
        subjects << QJsonObject{{"key", QString()}, {"name", p.code}, {"description", p.note}};

    // --- observations --------------------------------------------------------------------------------
    QJsonObject observations;
    const QString now = QDateTime::currentDateTime().toString(Qt::ISODate);
    for (auto v = eventsOf.begin(); v != eventsOf.end(); ++v) {
        std::stable_sort(v->begin(), v->end(), [](const Event& a, const Event& b) {
            return a.frame != b.frame ? a.frame < b.frame : (a.stop && !b.stop); // a STOP before a START at one time
        });
        const store::Video* video = videoOf.value(v.key());
        const QString mediaPath = options.mediaDir.isEmpty() ? v.key() : QDir(options.mediaDir).relativeFilePath(v.key());
        QString id = QFileInfo(v.key()).completeBaseName();
        for (int n = 2; observations.contains(id); ++n)
            id = QFileInfo(v.key()).completeBaseName() + QStringLiteral(" (%1)").arg(n);
        QJsonArray events;
        const QString subject = subjectOf.value(v.key());
        for (const Event& e : std::as_const(*v)) {
            events.append(QJsonArray{e.time, subject, taxonomy.classById(e.classId)->code, e.modifier, e.comment, double(e.frame)});
            ++out.events;
        }
        QJsonObject files;
        for (int p = 1; p <= kPlayers; ++p)
            files.insert(QString::number(p), p == 1 ? QJsonArray{mediaPath} : QJsonArray{});
        const double fps = video && video->fps() > 0 ? video->fps() : 0.0;
        const QJsonObject mediaInfo{{"length", QJsonObject{{mediaPath, video ? video->durationSeconds : 0.0}}},
                                    {"fps", QJsonObject{{mediaPath, fps}}},
                                    {"hasVideo", QJsonObject{{mediaPath, true}}},
                                    {"hasAudio", QJsonObject{{mediaPath, video ? video->hasAudio : false}}},
                                    {"offset", QJsonObject{{"1", 0.0}}}};
        observations.insert(id, QJsonObject{{"file", files},
                                            {"type", "MEDIA"},
                                            {"date", now},
                                            {"description", QStringLiteral("exported from MicroAction Studio")},
                                            {"time offset", 0.0},
                                            {"events", events},
                                            {"observation time interval", QJsonArray{0, 0}},
                                            {"independent_variables", QJsonObject{}},
                                            {"visualize_spectrogram", false},
                                            {"visualize_waveform", false},
                                            {"media_creation_date_as_offset", false},
                                            {"media_scan_sampling_duration", 0},
                                            {"image_display_duration", 1},
                                            {"close_behaviors_between_videos", false},
                                            {"media_info", mediaInfo}});
        ++out.observations;
    }
    const QJsonObject project{{"project_name", options.projectName},
                              {"project_date", now},
                              {"project_description", QStringLiteral("exported from MicroAction Studio (taxonomy %1)").arg(taxonomy.version())},
                              {"project_format_version", "7.0"},
                              {"time_format", "hh:mm:ss"},
                              {"behaviors_conf", numbered(behaviours)},
                              {"behavioral_categories", categories},
                              {"behavioral_categories_config", numbered(categoryConfig)},
                              {"subjects_conf", numbered(subjects)},
                              {"observations", observations},
                              {"independent_variables", QJsonObject{}},
                              {"coding_map", QJsonObject{}},
                              {"behaviors_coding_map", QJsonArray{}},
                              {"converters", QJsonObject{}}};
    out.json = QJsonDocument(project).toJson(QJsonDocument::Indented);
    return out;
}

QString BorisImportReport::summary() const
{
    return QStringLiteral("%1 events read, %2 segments and %3 labels added, %4 videos added, %5 rows not mapped")
        .arg(rowsRead)
        .arg(segmentsAdded)
        .arg(labelsAdded)
        .arg(videosAdded)
        .arg(issues.size());
}

namespace {

Result<int> addMissingMedia(store::ProjectStore& store, const QByteArray& json, const QString& borisPath, const ParsedFile& parsed)
{
    const QDir baseDir = QFileInfo(borisPath).absoluteDir();
    QHash<QString, QPair<double, bool>> factsOf; // absolute media path -> (length s, has audio)
    const QJsonObject observations = QJsonDocument::fromJson(json).object().value(QLatin1String("observations")).toObject();
    for (const QJsonValue& o : observations) {
        const QJsonObject info = o.toObject().value(QLatin1String("media_info")).toObject();
        const QJsonObject lengths = info.value(QLatin1String("length")).toObject();
        const QJsonObject audio = info.value(QLatin1String("hasAudio")).toObject();
        for (auto it = lengths.constBegin(); it != lengths.constEnd(); ++it)
            factsOf.insert(QDir::cleanPath(baseDir.absoluteFilePath(it.key())), {it.value().toDouble(), audio.value(it.key()).toBool()});
    }
    QVector<store::NewVideo> add;
    QSet<QString> seen;
    for (const SegmentRow& row : parsed.rows) {
        if (seen.contains(row.videoPath) || QFileInfo::exists(row.videoPath) || store.videoIdByPath(row.videoPath))
            continue;
        seen.insert(row.videoPath);
        store::NewVideo v;
        v.video.path = row.videoPath;
        v.video.fpsNum = row.fpsNum;
        v.video.fpsDen = row.fpsDen;
        const auto facts = factsOf.value(row.videoPath, {0.0, false});
        v.video.durationSeconds = facts.first;
        v.video.hasAudio = facts.second;
        v.video.frameCount = row.fps() > 0 ? int64_t(std::llround(facts.first * row.fps())) : 0;
        v.participantCode = row.participant;
        add << v;
    }
    if (add.isEmpty())
        return 0;
    return store.importVideos(add);
}

} // namespace

Result<BorisImportReport> importBoris(store::ProjectStore& store, const QString& path, const BorisReadOptions& options,
                                      const ExchangeControl& control)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())};
    BorisReadOptions o = options;
    Result<QVector<store::Video>> videos = store.videos();
    if (!videos.ok())
        return Error{videos.error()};
    if (!o.frameRateOfVideo) {
        const QVector<store::Video> known = videos.value();
        const QString projectDir = store.projectDir();
        o.frameRateOfVideo = [known, projectDir](const QString& absolute, int* num, int* den) {
            for (const store::Video& v : known)
                if (QDir::cleanPath(QDir(projectDir).absoluteFilePath(v.path)) == absolute && v.fpsNum > 0) {
                    *num = v.fpsNum;
                    *den = v.fpsDen;
                    return true;
                }
            return false;
        };
    }
    const QByteArray json = f.readAll();
    const ParsedFile parsed = parseBoris(json, QFileInfo(path).absoluteFilePath(), store.taxonomy(), o);
    if (parsed.rows.isEmpty() && !parsed.issues.isEmpty() && parsed.issues.first().line == 0
        && parsed.issues.first().reason.startsWith(QLatin1String("not a BORIS project")))
        return Error{parsed.issues.first().toString()};
    // Subjects of the ethogram become participants even when they coded nothing here.
    const QJsonObject subjects = QJsonDocument::fromJson(json).object().value(QLatin1String("subjects_conf")).toObject();
    ProjectImportOptions importOptions;
    importOptions.dataRoot = QFileInfo(path).absolutePath();
    importOptions.matchByFileName = true;
    BorisImportReport report;
    const Status done = store.inOneTransaction([&]() -> Status {
        for (const QJsonValue& s : subjects)
            if (const QString name = s.toObject().value(QLatin1String("name")).toString(); !name.isEmpty())
                if (Result<store::Id> id = store.ensureParticipant(name); !id.ok())
                    return Error{id.error()};
        // Media not on this disk keep BORIS's facts (length, sound), so that statistics know the observed time;
        // media that are here are probed by importRows.
        Result<int> added = addMissingMedia(store, json, path, parsed);
        if (!added.ok())
            return Error{added.error()};
        const int addedBefore = added.value();
        Result<ImportReport> imported = importRows(store, parsed, importOptions, control);
        if (!imported.ok())
            return Error{imported.error()};
        report.rowsRead = imported->rowsRead;
        report.segmentsAdded = imported->segmentsAdded;
        report.labelsAdded = imported->labelsAdded;
        report.videosAdded = imported->videosAdded + addedBefore;
        report.issues = imported->issues;
        return {};
    });
    if (!done.ok())
        return Error{done.error()};
    return report;
}

Result<BorisExport> exportBoris(const store::ProjectStore& store, const QString& path, const BorisWriteOptions& options,
                                const ExchangeControl& control)
{
    ProjectRowsOptions rowsOptions;
    rowsOptions.withoutSplits = true;
    Result<QVector<SegmentRow>> rows = projectRows(store, rowsOptions, control);
    if (!rows.ok())
        return Error{rows.error()};
    Result<QVector<store::Video>> videos = store.videos();
    Result<QVector<store::Participant>> participants = store.participants();
    if (!videos.ok())
        return Error{videos.error()};
    if (!participants.ok())
        return Error{participants.error()};
    // Media by absolute path; the file lists them relative to the .boris file's folder.
    QVector<store::Video> absoluteVideos = videos.value();
    for (store::Video& v : absoluteVideos)
        v.path = store.absoluteVideoPath(v);
    QVector<SegmentRow> absoluteRows = rows.value();
    for (SegmentRow& r : absoluteRows)
        r.videoPath = QDir::cleanPath(QDir(store.projectDir()).absoluteFilePath(r.videoPath));
    BorisWriteOptions o = options;
    if (o.projectName.isEmpty())
        o.projectName = QFileInfo(store.path()).completeBaseName();
    if (o.mediaDir.isEmpty())
        o.mediaDir = QFileInfo(path).absolutePath();
    BorisExport out = writeBoris(absoluteRows, absoluteVideos, participants.value(), store.taxonomy(), o);
    if (control.cancelled())
        return Error{path + QStringLiteral(": export cancelled; no file written")};
    if (Status s = writeFileAtomically(path, out.json, control.cancel); !s.ok())
        return Error{s.error()};
    return out;
}

} // namespace mas::exchange
