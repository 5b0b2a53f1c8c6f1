#pragma once
// Behaviour statistics as psychologists report them (time budgets): per class and per body part,
// the number of events, their total, mean and median duration, the rate per minute and the
// proportion of observed time, and the latency to the first occurrence; for the whole project or
// grouped by participant, video, annotator or split plan set.
//
// An event is one segment carrying a label of the class that passes the filters (label status,
// annotator). A segment labelled with two classes is an event of each; two annotators giving it the
// same class make one event (grouped by annotator: one event for each). Body-part rows sum their
// classes' events.
//
// Observed time of a group: its videos' durations. Grouped by participant or video: every video of
// the group in the project (a video without events counts as observed); otherwise the videos the
// group's events come from (all the project's videos for the whole project).
// Latency: seconds from a video's start to the class's first event in it, averaged over the group's
// videos in which the class occurs.
// Pure functions over exchange rows; projectStats() reads them from a store. No torch, no widgets.
#include "exchange/ExchangeTypes.h"
#include "store/ProjectStore.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace mas::stats {

enum class GroupBy { All, Participant, Video, Annotator, Split };
QString toString(GroupBy groupBy);                         // "all", "participant", "video", "annotator", "split"
std::optional<GroupBy> groupByFromString(const QString& text);

struct StatsOptions {
    GroupBy groupBy = GroupBy::All;
    // Label statuses counted (rejected labels are not behaviour that happened).
    QVector<store::LabelStatus> statuses{store::LabelStatus::Confirmed, store::LabelStatus::Prelabeled,
                                         store::LabelStatus::Disputed};
    QStringList annotators;     // only these annotators' labels; empty: every annotator
    bool includeModels = false; // count labels by "model:<version>" annotators too (when annotators is empty)
};

// A video's observed duration and its participant.
struct ObservedVideo {
    QString path;
    QString participant;        // "" when none
    double seconds = 0;         // 0 when unknown
};

struct BehaviourMeasures {
    QString group;              // "all", a participant code, video path, annotator name or split name
    int classId = -1;           // -1: a body-part row
    int bodyPartId = -1;
    QString code;               // class code ("A1"), or the body part's letter on a body-part row
    QString name;               // class or body part name
    int count = 0;
    double totalSeconds = 0;    // events of unknown length (no frame rate, whole clip not probed) add nothing
    double meanSeconds = 0;
    double medianSeconds = 0;
    double ratePerMinute = 0;   // NaN when the observed time is unknown
    double proportion = 0;      // of observed time; NaN when unknown
    double latencySeconds = 0;  // NaN when no event has a known start time
    double observedSeconds = 0;
    bool isBodyPart() const { return classId < 0; }
};

struct StatsReport {
    GroupBy groupBy = GroupBy::All;
    QVector<BehaviourMeasures> rows; // by group, then classes by id, then body parts by id; only what occurs
    QStringList notes;               // events left out of durations and why (counts)
};

StatsReport computeStats(const QVector<exchange::SegmentRow>& rows, const QVector<ObservedVideo>& videos,
                         const Taxonomy& taxonomy, const StatsOptions& options = {});
// Every segment of the project (split plan: the newest) through computeStats.
Result<StatsReport> projectStats(const store::ProjectStore& store, const StatsOptions& options = {});
QVector<ObservedVideo> observedVideos(const store::ProjectStore& store);

// group,class_id,code,count,total_s,mean_s,median_s,rate_per_min,proportion,latency_s
// (body-part rows: class_id empty, code the body part's letter; unknown values empty).
QStringList statsCsvHeader();
QString statsCsv(const StatsReport& report);
QString statsText(const StatsReport& report);
// Median of the values (mean of the two middle ones for an even count); 0 for none.
double median(QVector<double> values);

} // namespace mas::stats
