#pragma once
// Train/val/test splits by participant: no participant in two sets, stratified so every class lands
// in every set where its participants allow, ratios and seed chosen by the user, the same plan for
// the same seed and data (own Fisher-Yates over mt19937_64, no std::shuffle). Plus the report a user
// checks a split with: counts per class and body part, participants, classes missing from a set,
// and participants shared between sets (leakage).
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"

#include <QHash>

#include <array>

namespace mas::exchange {

inline constexpr int kSplitSetCount = 3; // train, val, test (store::SplitSet order)
QString splitSetName(int set);           // "train", "val", "test"
int splitSetFromName(const QString& name); // -1 when not one of them

struct ParticipantClassCounts {
    QString participant;
    QVector<int> classCounts;            // segments per class id
};

struct SplitRatios {
    std::array<double, kSplitSetCount> ratio{0.7, 0.15, 0.15};
};

// participant -> set (0 train, 1 val, 2 test). Ratios are normalised; a zero ratio leaves its set empty.
QHash<QString, int> planSplitByParticipant(const QVector<ParticipantClassCounts>& participants,
                                           const SplitRatios& ratios, uint64_t seed);

// Segments per participant and class, from labelled rows (class: primaryClass(row)).
QVector<ParticipantClassCounts> countByParticipant(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy);

// The class a segment stands for in splits and lists: its first confirmed label, else its first
// prelabeled or disputed one; -1 when it has none.
int primaryClass(const SegmentRow& row);

struct SplitSetReport {
    QString name;
    int segments = 0;
    QStringList participants;            // sorted
    QVector<int> classCounts;            // per class id
    QVector<int> bodyPartCounts;         // per body part id
    QVector<int> missingClasses;         // classes present in the data but not in this set
};

struct SplitReport {
    QVector<SplitSetReport> sets;        // train, val, test (and any other split names, sorted after)
    QStringList sharedParticipants;      // participants in more than one set (leakage), sorted
    int unassignedSegments = 0;          // rows without a split
    QString toText(const Taxonomy& taxonomy) const;
    QString toCsv(const Taxonomy& taxonomy) const; // set,kind,key,name,count
};

// From rows whose `split` is set (e.g. imported official lists, or a plan applied to the project).
SplitReport makeSplitReport(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy);

} // namespace mas::exchange
