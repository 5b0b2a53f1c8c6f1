#include "stats/BehaviourStats.h"

#include "exchange/Csv.h"
#include "exchange/ProjectExchange.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mas::stats {
namespace {

using exchange::LabelEntry;
using exchange::SegmentRow;
using store::LabelStatus;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString noneOr(const QString& text, const char* none) { return text.isEmpty() ? QString::fromLatin1(none) : text; }

struct Event {
    QString video;
    double startSeconds = kNaN; // NaN when the video's frame rate is unknown
    double seconds = kNaN;      // NaN when the length is unknown
};

// Events per group, per class.
using EventsByClass = QMap<int, QVector<Event>>;

bool labelCounts(const LabelEntry& label, const StatsOptions& options)
{
    if (!options.statuses.contains(label.status))
        return false;
    if (!options.annotators.isEmpty())
        return options.annotators.contains(label.annotator);
    return options.includeModels || !label.annotator.startsWith(QLatin1String("model:"));
}

double videoSeconds(const QHash<QString, double>& secondsOf, const QString& path)
{
    return secondsOf.value(path, 0.0);
}

BehaviourMeasures measure(const QString& group, const QVector<Event>& events, double observed)
{
    BehaviourMeasures m;
    m.group = group;
    m.count = events.size();
    m.observedSeconds = observed;
    QVector<double> durations;
    QMap<QString, double> firstStartOfVideo;
    for (const Event& e : events) {
        if (!std::isnan(e.seconds))
            durations << e.seconds;
        if (!std::isnan(e.startSeconds)) {
            auto it = firstStartOfVideo.find(e.video);
            if (it == firstStartOfVideo.end())
                firstStartOfVideo.insert(e.video, e.startSeconds);
            else
                *it = std::min(*it, e.startSeconds);
        }
    }
    for (double d : std::as_const(durations))
        m.totalSeconds += d;
    m.meanSeconds = durations.isEmpty() ? kNaN : m.totalSeconds / durations.size();
    m.medianSeconds = durations.isEmpty() ? kNaN : median(durations);
    m.ratePerMinute = observed > 0 ? m.count / (observed / 60.0) : kNaN;
    m.proportion = observed > 0 ? m.totalSeconds / observed : kNaN;
    if (firstStartOfVideo.isEmpty()) {
        m.latencySeconds = kNaN;
    } else {
        double sum = 0;
        for (double s : std::as_const(firstStartOfVideo))
            sum += s;
        m.latencySeconds = sum / firstStartOfVideo.size();
    }
    return m;
}

QString number(double value) { return std::isnan(value) ? QString() : exchange::decimal(value, 4); }

} // namespace

QString toString(GroupBy groupBy)
{
    switch (groupBy) {
    case GroupBy::All: return QStringLiteral("all");
    case GroupBy::Participant: return QStringLiteral("participant");
    case GroupBy::Video: return QStringLiteral("video");
    case GroupBy::Annotator: return QStringLiteral("annotator");
    case GroupBy::Split: return QStringLiteral("split");
    }
    return {};
}

std::optional<GroupBy> groupByFromString(const QString& text)
{
    for (GroupBy g : {GroupBy::All, GroupBy::Participant, GroupBy::Video, GroupBy::Annotator, GroupBy::Split})
        if (text.trimmed().compare(toString(g), Qt::CaseInsensitive) == 0)
            return g;
    return std::nullopt;
}

double median(QVector<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const int n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

StatsReport computeStats(const QVector<SegmentRow>& rows, const QVector<ObservedVideo>& videos, const Taxonomy& taxonomy,
                         const StatsOptions& options)
{
    StatsReport report;
    report.groupBy = options.groupBy;
    QHash<QString, double> secondsOf;
    for (const ObservedVideo& v : videos)
        secondsOf.insert(v.path, v.seconds);

    QMap<QString, EventsByClass> eventsOfGroup;
    QMap<QString, QSet<QString>> videosOfGroup; // the videos whose time a group observed
    auto addVideoTo = [&](const QString& group, const QString& video) { videosOfGroup[group].insert(video); };
    // Every project video is observed by the whole project, and by its participant or itself.
    for (const ObservedVideo& v : videos) {
        if (options.groupBy == GroupBy::All)
            addVideoTo(QStringLiteral("all"), v.path);
        else if (options.groupBy == GroupBy::Participant)
            addVideoTo(noneOr(v.participant, "(none)"), v.path);
        else if (options.groupBy == GroupBy::Video)
            addVideoTo(v.path, v.path);
    }

    int unknownLength = 0, unknownRate = 0;
    for (const SegmentRow& row : rows) {
        // (group, class) pairs of this segment, each once.
        QSet<QPair<QString, int>> pairs;
        for (const LabelEntry& label : row.labels) {
            if (!labelCounts(label, options) || !taxonomy.classById(label.classId))
                continue;
            QString group;
            switch (options.groupBy) {
            case GroupBy::All: group = QStringLiteral("all"); break;
            case GroupBy::Participant: group = noneOr(row.participant, "(none)"); break;
            case GroupBy::Video: group = row.videoPath; break;
            case GroupBy::Annotator: group = noneOr(label.annotator, "(unknown)"); break;
            case GroupBy::Split: group = noneOr(row.split, "(none)"); break;
            }
            pairs.insert({group, label.classId});
        }
        if (pairs.isEmpty())
            continue;
        Event event;
        event.video = row.videoPath;
        const double fps = row.fps();
        if (fps > 0) {
            event.startSeconds = row.startFrame / fps;
            if (row.lengthKnown())
                event.seconds = (row.endFrame - row.startFrame) / fps;
            else
                ++unknownLength;
        } else {
            ++unknownRate;
        }
        for (const auto& [group, classId] : std::as_const(pairs)) {
            eventsOfGroup[group][classId] << event;
            addVideoTo(group, row.videoPath);
        }
    }
    if (unknownLength)
        report.notes << QStringLiteral("%1 whole-clip events of unprobed videos have no known length: counted, "
                                       "without duration").arg(unknownLength);
    if (unknownRate)
        report.notes << QStringLiteral("%1 events of videos without a known frame rate: counted, without duration "
                                       "or latency").arg(unknownRate);

    for (auto g = eventsOfGroup.cbegin(); g != eventsOfGroup.cend(); ++g) {
        double observed = 0;
        for (const QString& video : videosOfGroup.value(g.key()))
            observed += videoSeconds(secondsOf, video);
        QMap<int, QVector<Event>> eventsOfBodyPart;
        for (auto c = g->cbegin(); c != g->cend(); ++c) {
            const ActionClass* cls = taxonomy.classById(c.key());
            BehaviourMeasures m = measure(g.key(), c.value(), observed);
            m.classId = cls->id;
            m.bodyPartId = cls->bodyPartId;
            m.code = cls->code;
            m.name = cls->name;
            report.rows << m;
            eventsOfBodyPart[cls->bodyPartId] += c.value();
        }
        for (auto b = eventsOfBodyPart.cbegin(); b != eventsOfBodyPart.cend(); ++b) {
            BehaviourMeasures m = measure(g.key(), b.value(), observed);
            m.bodyPartId = b.key();
            if (const BodyPart* part = taxonomy.bodyPart(b.key())) {
                m.code = part->letter;
                m.name = part->name;
            }
            report.rows << m;
        }
    }
    return report;
}

QVector<ObservedVideo> observedVideos(const store::ProjectStore& store)
{
    QVector<ObservedVideo> out;
    Result<QVector<store::Video>> videos = store.videos();
    Result<QVector<store::Participant>> participants = store.participants();
    if (!videos.ok() || !participants.ok())
        return out;
    QHash<store::Id, QString> codeOf;
    for (const store::Participant& p : participants.value())
        codeOf.insert(p.id, p.code);
    for (const store::Video& v : videos.value()) {
        ObservedVideo o;
        o.path = v.path;
        o.participant = codeOf.value(v.participantId);
        o.seconds = v.durationSeconds > 0 ? v.durationSeconds : (v.fps() > 0 ? v.frameCount / v.fps() : 0.0);
        out << o;
    }
    return out;
}

Result<StatsReport> projectStats(const store::ProjectStore& store, const StatsOptions& options)
{
    Result<QVector<SegmentRow>> rows = exchange::projectRows(store);
    if (!rows.ok())
        return Error{rows.error()};
    return computeStats(rows.value(), observedVideos(store), store.taxonomy(), options);
}

QStringList statsCsvHeader()
{
    return {"group", "class_id", "code", "count", "total_s", "mean_s", "median_s", "rate_per_min", "proportion", "latency_s"};
}

QString statsCsv(const StatsReport& report)
{
    QString csv = exchange::csvLine(statsCsvHeader());
    for (const BehaviourMeasures& m : report.rows)
        csv += exchange::csvLine({m.group, m.isBodyPart() ? QString() : QString::number(m.classId), m.code,
                                  QString::number(m.count), number(m.totalSeconds), number(m.meanSeconds),
                                  number(m.medianSeconds), number(m.ratePerMinute), number(m.proportion),
                                  number(m.latencySeconds)});
    return csv;
}

QString statsText(const StatsReport& report)
{
    QString text = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                       .arg(toString(report.groupBy), -20)
                       .arg(QStringLiteral("class"), -8)
                       .arg(QStringLiteral("count"), 6)
                       .arg(QStringLiteral("total_s"), 9)
                       .arg(QStringLiteral("mean_s"), 8)
                       .arg(QStringLiteral("median_s"), 8)
                       .arg(QStringLiteral("per_min"), 8)
                       .arg(QStringLiteral("share"), 7)
                       .arg(QStringLiteral("latency_s"), 9);
    auto cell = [](double v, int width, int decimals) {
        return std::isnan(v) ? QStringLiteral("-").rightJustified(width) : QString::number(v, 'f', decimals).rightJustified(width);
    };
    for (const BehaviourMeasures& m : report.rows) {
        text += QStringLiteral("%1 %2 %3 ").arg(m.group.left(20), -20).arg(m.isBodyPart() ? m.code + QStringLiteral(" *") : m.code, -8).arg(m.count, 6);
        text += cell(m.totalSeconds, 9, 2) + ' ' + cell(m.meanSeconds, 8, 2) + ' ' + cell(m.medianSeconds, 8, 2) + ' '
              + cell(m.ratePerMinute, 8, 2) + ' ' + cell(m.proportion, 7, 3) + ' ' + cell(m.latencySeconds, 9, 2) + '\n';
    }
    if (report.rows.isEmpty())
        text += QStringLiteral("(no labelled events pass the filters)\n");
    text += QStringLiteral("(* body part: the sum of its classes)\n");
    for (const QString& note : report.notes)
        text += QStringLiteral("note: ") + note + '\n';
    return text;
}

} // namespace mas::stats
