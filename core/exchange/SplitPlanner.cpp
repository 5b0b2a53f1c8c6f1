#include "exchange/SplitPlanner.h"

#include "exchange/Csv.h"

#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <random>

namespace mas::exchange {

QString splitSetName(int set)
{
    switch (set) {
    case 0: return QStringLiteral("train");
    case 1: return QStringLiteral("val");
    case 2: return QStringLiteral("test");
    default: return QString();
    }
}

int splitSetFromName(const QString& name)
{
    for (int s = 0; s < kSplitSetCount; ++s)
        if (name.compare(splitSetName(s), Qt::CaseInsensitive) == 0)
            return s;
    return -1;
}

int primaryClass(const SegmentRow& row)
{
    for (const LabelEntry& l : row.labels)
        if (l.status == LabelStatus::Confirmed)
            return l.classId;
    for (const LabelEntry& l : row.labels)
        if (l.status != LabelStatus::Rejected)
            return l.classId;
    return -1;
}

QVector<ParticipantClassCounts> countByParticipant(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy)
{
    QMap<QString, int> index;
    QVector<ParticipantClassCounts> out;
    for (const SegmentRow& r : rows) {
        const int c = primaryClass(r);
        if (c < 0 || c >= taxonomy.classCount())
            continue;
        // Rows without a participant are their own unit (keyed by video) so they still get a set.
        const QString key = r.participant.isEmpty() ? QStringLiteral("video:") + r.videoPath : r.participant;
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.insert(key, out.size());
            out.push_back({key, QVector<int>(taxonomy.classCount(), 0)});
        }
        ++out[*it].classCounts[c];
    }
    return out;
}

QHash<QString, int> planSplitByParticipant(const QVector<ParticipantClassCounts>& participants,
                                           const SplitRatios& ratios, uint64_t seed)
{
    QHash<QString, int> out;
    if (participants.isEmpty())
        return out;
    std::array<double, kSplitSetCount> r{};
    double sum = 0;
    for (int s = 0; s < kSplitSetCount; ++s)
        sum += r[s] = std::max(0.0, ratios.ratio[s]);
    if (sum <= 0)
        r = {1, 0, 0}, sum = 1;
    for (double& x : r)
        x /= sum;
    QVector<int> activeSets;
    for (int s = 0; s < kSplitSetCount; ++s)
        if (r[s] > 0)
            activeSets << s;

    const int classes = participants[0].classCounts.size();
    const int n = participants.size();
    QVector<int> holders(classes, 0); // participants holding each class
    QVector<double> totalOf(n, 0);
    double grandTotal = 0;
    for (int p = 0; p < n; ++p)
        for (int c = 0; c < classes; ++c) {
            const int k = participants[p].classCounts.value(c);
            holders[c] += k > 0 ? 1 : 0;
            totalOf[p] += k;
            grandTotal += k;
        }
    // Sort by code first so the input order does not matter, then a seeded shuffle (own
    // Fisher-Yates: std::shuffle differs between standard libraries). `rank` breaks every later tie.
    QVector<int> order(n);
    for (int p = 0; p < n; ++p)
        order[p] = p;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return participants[a].participant < participants[b].participant; });
    std::mt19937_64 rng(seed);
    for (int i = n - 1; i > 0; --i)
        std::swap(order[i], order[int(rng() % uint64_t(i + 1))]);
    QVector<int> rank(n);
    for (int i = 0; i < n; ++i)
        rank[order[i]] = i;

    QVector<int> setOf(n, -1);
    QVector<std::array<int, kSplitSetCount>> present(classes, {0, 0, 0}); // segments of class c in set s
    std::array<double, kSplitSetCount> currentTotal{0, 0, 0};
    auto assign = [&](int p, int s) {
        setOf[p] = s;
        currentTotal[s] += totalOf[p];
        for (int c = 0; c < classes; ++c)
            present[c][s] += participants[p].classCounts.value(c);
    };

    // 1. Coverage: for every class with holders enough to reach every set (rarest first), each set
    // still without it gets an unassigned holder: the one that brings the most classes still
    // missing there (rare ones weigh more), then the smallest, so the ratios suffer least.
    QVector<int> classOrder(classes);
    for (int c = 0; c < classes; ++c)
        classOrder[c] = c;
    std::stable_sort(classOrder.begin(), classOrder.end(), [&](int a, int b) { return holders[a] < holders[b]; });
    for (int c : classOrder) {
        if (holders[c] < activeSets.size())
            continue;
        for (int s : activeSets) {
            if (present[c][s] > 0)
                continue;
            int best = -1;
            double bestGain = -1;
            for (int p = 0; p < n; ++p) {
                if (setOf[p] >= 0 || participants[p].classCounts.value(c) == 0)
                    continue;
                double gain = 0;
                for (int k = 0; k < classes; ++k)
                    if (participants[p].classCounts.value(k) > 0 && present[k][s] == 0 && holders[k] >= activeSets.size())
                        gain += 1.0 / holders[k];
                const bool better = best < 0 || gain > bestGain + 1e-12
                                    || (std::abs(gain - bestGain) <= 1e-12
                                        && (totalOf[p] < totalOf[best] || (totalOf[p] == totalOf[best] && rank[p] < rank[best])));
                if (better) {
                    best = p;
                    bestGain = gain;
                }
            }
            if (best >= 0)
                assign(best, s);
        }
    }

    // 2. Sizes: the rest, largest first, each to the set furthest below its share.
    QVector<int> rest;
    for (int p : order)
        if (setOf[p] < 0)
            rest << p;
    std::stable_sort(rest.begin(), rest.end(), [&](int a, int b) { return totalOf[a] > totalOf[b]; });
    for (int p : rest) {
        int bestSet = activeSets.first();
        double bestDeficit = -1e300;
        for (int s : activeSets) {
            const double deficit = r[s] * grandTotal - currentTotal[s];
            if (deficit > bestDeficit + 1e-9) {
                bestDeficit = deficit;
                bestSet = s;
            }
        }
        assign(p, bestSet);
    }
    for (int p = 0; p < n; ++p)
        out.insert(participants[p].participant, setOf[p]);
    return out;
}

SplitReport makeSplitReport(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy)
{
    SplitReport report;
    QMap<QString, int> setIndex;
    for (int s = 0; s < kSplitSetCount; ++s)
        setIndex.insert(splitSetName(s), s);
    QSet<QString> extra;
    for (const SegmentRow& r : rows)
        if (!r.split.isEmpty() && !setIndex.contains(r.split.toLower()))
            extra.insert(r.split.toLower());
    QStringList extraSorted(extra.begin(), extra.end());
    extraSorted.sort();
    for (const QString& e : extraSorted)
        setIndex.insert(e, kSplitSetCount + extraSorted.indexOf(e));
    int maxBodyPart = -1;
    for (const BodyPart& b : taxonomy.bodyParts())
        maxBodyPart = std::max(maxBodyPart, b.id);
    report.sets.resize(kSplitSetCount + extraSorted.size());
    for (int s = 0; s < report.sets.size(); ++s) {
        report.sets[s].name = s < kSplitSetCount ? splitSetName(s) : extraSorted[s - kSplitSetCount];
        report.sets[s].classCounts.fill(0, taxonomy.classCount());
        report.sets[s].bodyPartCounts.fill(0, maxBodyPart + 1);
    }
    QVector<QSet<QString>> participantsOf(report.sets.size());
    QHash<QString, QSet<int>> setsOfParticipant;
    QVector<int> dataClassCounts(taxonomy.classCount(), 0);
    for (const SegmentRow& r : rows) {
        if (r.split.isEmpty()) {
            ++report.unassignedSegments;
            continue;
        }
        const int s = setIndex.value(r.split.toLower());
        SplitSetReport& set = report.sets[s];
        ++set.segments;
        if (!r.participant.isEmpty()) {
            participantsOf[s].insert(r.participant);
            setsOfParticipant[r.participant].insert(s);
        }
        const int c = primaryClass(r);
        if (c >= 0 && c < taxonomy.classCount()) {
            ++set.classCounts[c];
            ++dataClassCounts[c];
            const int b = taxonomy.bodyPartOfClass(c);
            if (b >= 0 && b < set.bodyPartCounts.size())
                ++set.bodyPartCounts[b];
        }
    }
    for (int s = 0; s < report.sets.size(); ++s) {
        SplitSetReport& set = report.sets[s];
        set.participants = QStringList(participantsOf[s].begin(), participantsOf[s].end());
        set.participants.sort();
        if (set.segments == 0)
            continue;
        for (int c = 0; c < taxonomy.classCount(); ++c)
            if (dataClassCounts[c] > 0 && set.classCounts[c] == 0)
                set.missingClasses << c;
    }
    for (auto it = setsOfParticipant.begin(); it != setsOfParticipant.end(); ++it)
        if (it.value().size() > 1)
            report.sharedParticipants << it.key();
    report.sharedParticipants.sort();
    return report;
}

QString SplitReport::toText(const Taxonomy& taxonomy) const
{
    QString out;
    for (const SplitSetReport& s : sets) {
        if (s.segments == 0 && s.participants.isEmpty())
            continue;
        out += QStringLiteral("%1: %2 segments, %3 participants\n").arg(s.name).arg(s.segments).arg(s.participants.size());
        QStringList parts;
        for (const BodyPart& b : taxonomy.bodyParts())
            parts << QStringLiteral("%1 %2").arg(b.name).arg(s.bodyPartCounts.value(b.id));
        out += QStringLiteral("  body parts: ") + parts.join(QStringLiteral(", ")) + QLatin1Char('\n');
        if (!s.missingClasses.isEmpty()) {
            QStringList missing;
            for (int c : s.missingClasses)
                missing << QStringLiteral("%1 %2").arg(c).arg(taxonomy.classById(c) ? taxonomy.classById(c)->name : QString());
            out += QStringLiteral("  missing classes (%1): %2\n").arg(missing.size()).arg(missing.join(QStringLiteral(", ")));
        }
    }
    if (unassignedSegments > 0)
        out += QStringLiteral("unassigned: %1 segments\n").arg(unassignedSegments);
    out += sharedParticipants.isEmpty()
               ? QStringLiteral("leakage: none (no participant is in two sets)\n")
               : QStringLiteral("leakage: %1 participants are in more than one set\n").arg(sharedParticipants.size());
    return out;
}

QString SplitReport::toCsv(const Taxonomy& taxonomy) const
{
    QString out = csvLine({"set", "kind", "key", "name", "count"});
    for (const SplitSetReport& s : sets) {
        out += csvLine({s.name, "segments", "", "", QString::number(s.segments)});
        out += csvLine({s.name, "participants", "", "", QString::number(s.participants.size())});
        for (const BodyPart& b : taxonomy.bodyParts())
            out += csvLine({s.name, "body_part", QString::number(b.id), b.name, QString::number(s.bodyPartCounts.value(b.id))});
        for (const ActionClass& c : taxonomy.classes())
            out += csvLine({s.name, "class", QString::number(c.id), c.name, QString::number(s.classCounts.value(c.id))});
        for (int c : s.missingClasses)
            out += csvLine({s.name, "missing_class", QString::number(c), taxonomy.classById(c) ? taxonomy.classById(c)->name : QString(), "0"});
        for (const QString& p : s.participants)
            out += csvLine({s.name, "participant", p, "", ""});
    }
    for (const QString& p : sharedParticipants)
        out += csvLine({"", "shared_participant", p, "", ""});
    return out;
}

} // namespace mas::exchange
