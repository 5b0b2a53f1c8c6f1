#include "exchange/SplitPlanner.h"

#include "exchange/Csv.h"

#include <QMap>
#include <QSet>

#include <algorithm>
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

    const int classes = participants[0].classCounts.size();
    QVector<double> classTotal(classes, 0);
    QVector<int> holders(classes, 0); // participants holding each class
    double grandTotal = 0;
    QVector<int> order(participants.size());
    for (int p = 0; p < participants.size(); ++p) {
        order[p] = p;
        for (int c = 0; c < classes; ++c) {
            const int n = participants[p].classCounts.value(c);
            classTotal[c] += n;
            holders[c] += n > 0 ? 1 : 0;
            grandTotal += n;
        }
    }
    // Sort by code first so the input order does not matter, then a seeded shuffle for ties.
    std::sort(order.begin(), order.end(), [&](int a, int b) { return participants[a].participant < participants[b].participant; });
    std::mt19937_64 rng(seed);
    for (int i = order.size() - 1; i > 0; --i)
        std::swap(order[i], order[int(rng() % uint64_t(i + 1))]);
    // Participants holding rare classes (few holders) first: they decide whether a class can reach
    // every set; the rest fill the ratios.
    auto rarity = [&](int p) {
        int best = INT_MAX;
        for (int c = 0; c < classes; ++c)
            if (participants[p].classCounts.value(c) > 0)
                best = std::min(best, holders[c]);
        return best;
    };
    QVector<int> rarityOf(participants.size());
    for (int p = 0; p < participants.size(); ++p)
        rarityOf[p] = rarity(p);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rarityOf[a] < rarityOf[b]; });

    QVector<std::array<double, kSplitSetCount>> current(classes, {0, 0, 0});
    std::array<double, kSplitSetCount> currentTotal{0, 0, 0};
    std::array<int, kSplitSetCount> participantsIn{0, 0, 0};
    for (int p : order) {
        const QVector<int>& counts = participants[p].classCounts;
        double pTotal = 0;
        for (int n : counts)
            pTotal += n;
        int bestSet = -1;
        double bestScore = -1e300;
        for (int s = 0; s < kSplitSetCount; ++s) {
            if (r[s] <= 0)
                continue;
            double score = 0;
            for (int c = 0; c < classes; ++c) {
                const int n = counts.value(c);
                if (n == 0 || classTotal[c] <= 0)
                    continue;
                const double need = r[s] * classTotal[c] - current[c][s];
                score += std::min(double(n), need) / classTotal[c];
                // A class not yet in this set, with holders enough to reach every set: bring it.
                if (current[c][s] == 0 && holders[c] >= kSplitSetCount)
                    score += 1.0;
            }
            // Keep the overall size on target (weighted like one class).
            score += 2.0 * (r[s] * grandTotal - currentTotal[s] - pTotal / 2) / std::max(1.0, grandTotal) * classes / 4.0;
            // A set with no participant yet comes first when its share is due.
            if (participantsIn[s] == 0)
                score += 0.5;
            if (score > bestScore + 1e-12) {
                bestScore = score;
                bestSet = s;
            }
        }
        out.insert(participants[p].participant, bestSet);
        ++participantsIn[bestSet];
        currentTotal[bestSet] += pTotal;
        for (int c = 0; c < classes; ++c)
            current[c][bestSet] += counts.value(c);
    }
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
