#pragma once
// Inter-annotator agreement on nominal labels: Cohen's kappa (two raters), Fleiss' kappa and
// Krippendorff's alpha (nominal, missing ratings allowed) for more; on clip-level labels (an item is
// a segment, each rater's label of it) or on segments matched across raters by temporal IoU (an
// item is a group of matched segments; a rater without a matching segment rates it "no segment").
// Overall, per body part and per class (one-vs-rest), with the confusion between each pair of raters.
// A model version is a rater like any other (its annotator "model:<name>").
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace mas::exchange {

inline constexpr int kNoRating = -1;   // the rater did not rate the item (missing data)
inline constexpr int kNoSegment = -2;  // matched units: the rater drew no segment there (a category)

struct RatingTable {
    QStringList raters;
    QVector<QVector<int>> items;       // [item][rater]: class id, kNoSegment or kNoRating
    QStringList itemKeys;              // "video@start-end" per item
};

// NaN when undefined (no item with two ratings, or chance agreement of 1).
double cohensKappa(const QVector<int>& raterA, const QVector<int>& raterB);
// counts[item][category]: how many raters put the item in the category; every item needs the same
// number of raters (>= 2); items with another count are ignored.
double fleissKappa(const QVector<QVector<int>>& counts);
// Items rated by every rater of the table only.
double fleissKappa(const RatingTable& table);
double krippendorffAlphaNominal(const RatingTable& table);

// Items = segments; rater's rating = class of their latest non-rejected label on it.
// `raters` empty: every annotator found.
RatingTable clipLevelTable(const QVector<SegmentRow>& rows, const QStringList& raters = {});
// Items = groups of segments of one video matched across raters with IoU >= threshold (greedy,
// best IoU first); a rater's label of a segment rates the group.
RatingTable matchedSegmentTable(const QVector<SegmentRow>& rows, double iouThreshold, const QStringList& raters = {});
double temporalIou(int64_t start1, int64_t end1, int64_t start2, int64_t end2);

struct AgreementStats {
    QString scope;                     // "overall", "body level", "body part", "class"
    int key = -1;                      // body part or class id
    QString name;
    int items = 0;                     // items with at least two ratings
    double observed = 0;               // share of agreeing rater pairs
    double cohen = 0;                  // two raters: Cohen; more: mean over pairs (Light's kappa)
    double fleiss = 0;
    double alpha = 0;
};

struct PairConfusion {
    QString raterA, raterB;
    int items = 0;
    double cohen = 0;
    // [category of A][category of B]; categories are class ids 0..N-1 then "no segment" at N.
    QVector<QVector<int>> matrix;
};

struct AgreementReport {
    QString level;                     // "clip" or "segments (IoU >= t)"
    QStringList raters;
    AgreementStats overall;
    AgreementStats bodyLevel;          // labels collapsed to their body part
    QVector<AgreementStats> perBodyPart;
    QVector<AgreementStats> perClass;
    QVector<PairConfusion> pairs;
};

AgreementReport computeAgreement(const RatingTable& table, const Taxonomy& taxonomy, const QString& level);

// Landis & Koch (1977) words for a kappa: "poor" (< 0), "slight" (to 0.20), "fair" (0.40), "moderate"
// (0.60), "substantial" (0.80), "almost perfect"; "" for NaN.
QString landisKochBand(double kappa);

// level,scope,key,name,items,observed,cohen_kappa,fleiss_kappa,krippendorff_alpha,interpretation
// (NaN written empty; interpretation: the Landis & Koch band of cohen_kappa).
QString agreementCsv(const AgreementReport& report);
// rater_a,rater_b,class_a,name_a,class_b,name_b,count (non-zero cells; "none" for no segment).
QString confusionCsv(const AgreementReport& report, const Taxonomy& taxonomy);
QString agreementText(const AgreementReport& report);

// --- time-unit agreement (as BORIS's "Cohen's kappa (time-unit)") --------------------------------
// For each pair of raters and each video both coded: the video is sampled every `binSeconds` from the
// first start to the last stop of either rater's segments; at each sample each rater's state is the
// set of classes whose segment covers it (start <= t <= stop, ends included); Cohen's kappa over
// those states, with the samples of every video pooled into one table. When observed and chance
// agreement are both total, kappa is 1 (as BORIS reports it). Per class: kappa on "the class is
// present" at the same samples. Rejected and model labels do not count.
struct TimeUnitPair {
    QString raterA, raterB;
    int units = 0;                     // samples
    int videos = 0;                    // videos both raters coded
    double observed = 0;               // share of samples with the same state
    double kappa = 0;
};

struct TimeUnitClass {
    int classId = -1;
    QString code, name;
    int units = 0;
    double kappa = 0;                  // two raters: Cohen; more: mean over pairs
};

struct TimeUnitAgreement {
    double binSeconds = 1.0;
    QStringList raters;
    QVector<TimeUnitPair> pairs;
    QVector<TimeUnitClass> perClass;   // classes any rater coded
    double kappa = 0;                  // two raters: the pair's; more: mean over pairs; NaN when none
};

TimeUnitAgreement timeUnitAgreement(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy, double binSeconds,
                                    const QStringList& raters = {});
// level,scope,key,name,items,observed,cohen_kappa,fleiss_kappa,krippendorff_alpha,interpretation rows with
// level "time unit (B s)", scope "overall", "pair" and "class" (items = samples), no header when `withHeader` is false.
QString timeUnitCsv(const TimeUnitAgreement& agreement, bool withHeader = true);
QString timeUnitText(const TimeUnitAgreement& agreement);

} // namespace mas::exchange
