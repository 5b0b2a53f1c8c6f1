#include "exchange/Agreement.h"

#include "exchange/Csv.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <cmath>
#include <limits>

namespace mas::exchange {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Category values -> dense indices.
QHash<int, int> categoryIndex(const RatingTable& t)
{
    QHash<int, int> index;
    for (const QVector<int>& item : t.items)
        for (int v : item)
            if (v != kNoRating && !index.contains(v))
                index.insert(v, index.size());
    return index;
}

double observedAgreement(const RatingTable& t)
{
    double agree = 0, pairs = 0;
    for (const QVector<int>& item : t.items)
        for (int i = 0; i < item.size(); ++i)
            for (int j = i + 1; j < item.size(); ++j)
                if (item[i] != kNoRating && item[j] != kNoRating) {
                    pairs += 1;
                    agree += item[i] == item[j] ? 1 : 0;
                }
    return pairs > 0 ? agree / pairs : kNaN;
}

int pairableItems(const RatingTable& t)
{
    int n = 0;
    for (const QVector<int>& item : t.items) {
        int rated = 0;
        for (int v : item)
            rated += v != kNoRating ? 1 : 0;
        n += rated >= 2 ? 1 : 0;
    }
    return n;
}

double meanPairwiseCohen(const RatingTable& t)
{
    double sum = 0;
    int n = 0;
    for (int a = 0; a < t.raters.size(); ++a)
        for (int b = a + 1; b < t.raters.size(); ++b) {
            QVector<int> ra, rb;
            for (const QVector<int>& item : t.items) {
                ra << item.value(a, kNoRating);
                rb << item.value(b, kNoRating);
            }
            const double k = cohensKappa(ra, rb);
            if (!std::isnan(k)) {
                sum += k;
                ++n;
            }
        }
    return n > 0 ? sum / n : kNaN;
}

AgreementStats statsOf(const RatingTable& t, const QString& scope, int key, const QString& name)
{
    AgreementStats s;
    s.scope = scope;
    s.key = key;
    s.name = name;
    s.items = pairableItems(t);
    s.observed = observedAgreement(t);
    s.cohen = meanPairwiseCohen(t);
    s.fleiss = fleissKappa(t);
    s.alpha = krippendorffAlphaNominal(t);
    return s;
}

RatingTable mapped(const RatingTable& t, const std::function<int(int)>& f)
{
    RatingTable out = t;
    for (QVector<int>& item : out.items)
        for (int& v : item)
            if (v != kNoRating)
                v = f(v);
    return out;
}

QStringList ratersOf(const QVector<SegmentRow>& rows, const QStringList& wanted)
{
    if (!wanted.isEmpty())
        return wanted;
    QStringList found;
    for (const SegmentRow& r : rows)
        for (const LabelEntry& l : r.labels)
            if (!found.contains(l.annotator))
                found << l.annotator;
    found.sort();
    return found;
}

// The rater's latest non-rejected label on the row.
int ratingOf(const SegmentRow& row, const QString& rater)
{
    int v = kNoRating;
    for (const LabelEntry& l : row.labels)
        if (l.annotator == rater && l.status != LabelStatus::Rejected)
            v = l.classId;
    return v;
}

QString number(double v) { return std::isnan(v) ? QString() : decimal(v, 4); }

} // namespace

double cohensKappa(const QVector<int>& a, const QVector<int>& b)
{
    QHash<int, double> pa, pb;
    double n = 0, agree = 0;
    for (int i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] == kNoRating || b[i] == kNoRating)
            continue;
        n += 1;
        agree += a[i] == b[i] ? 1 : 0;
        pa[a[i]] += 1;
        pb[b[i]] += 1;
    }
    if (n == 0)
        return kNaN;
    const double po = agree / n;
    double pe = 0;
    for (auto it = pa.begin(); it != pa.end(); ++it)
        pe += (it.value() / n) * (pb.value(it.key()) / n);
    if (std::abs(1 - pe) < 1e-15)
        return kNaN;
    return (po - pe) / (1 - pe);
}

double fleissKappa(const QVector<QVector<int>>& counts)
{
    if (counts.isEmpty())
        return kNaN;
    // The most common number of raters per item; items with another count are left out.
    QHash<int, int> raterCounts;
    for (const QVector<int>& row : counts) {
        int n = 0;
        for (int c : row)
            n += c;
        ++raterCounts[n];
    }
    int n = 0, best = 0;
    for (auto it = raterCounts.begin(); it != raterCounts.end(); ++it)
        if (it.key() >= 2 && (it.value() > best || (it.value() == best && it.key() > n))) {
            n = it.key();
            best = it.value();
        }
    if (n < 2)
        return kNaN;
    const int k = counts[0].size();
    QVector<double> categoryTotal(k, 0);
    double pBar = 0;
    int items = 0;
    for (const QVector<int>& row : counts) {
        int sum = 0;
        for (int c : row)
            sum += c;
        if (sum != n)
            continue;
        double squares = 0;
        for (int j = 0; j < k; ++j) {
            squares += double(row.value(j)) * row.value(j);
            categoryTotal[j] += row.value(j);
        }
        pBar += (squares - n) / (double(n) * (n - 1));
        ++items;
    }
    if (items == 0)
        return kNaN;
    pBar /= items;
    double pe = 0;
    for (double t : categoryTotal) {
        const double p = t / (double(items) * n);
        pe += p * p;
    }
    if (std::abs(1 - pe) < 1e-15)
        return kNaN;
    return (pBar - pe) / (1 - pe);
}

double fleissKappa(const RatingTable& table)
{
    const QHash<int, int> index = categoryIndex(table);
    QVector<QVector<int>> counts;
    for (const QVector<int>& item : table.items) {
        if (item.contains(kNoRating) || item.size() != table.raters.size())
            continue;
        QVector<int> row(index.size(), 0);
        for (int v : item)
            ++row[index.value(v)];
        counts << row;
    }
    return fleissKappa(counts);
}

double krippendorffAlphaNominal(const RatingTable& table)
{
    const QHash<int, int> index = categoryIndex(table);
    const int k = index.size();
    if (k == 0)
        return kNaN;
    QVector<double> coincidence(k * k, 0.0);
    for (const QVector<int>& item : table.items) {
        QVector<int> values;
        for (int v : item)
            if (v != kNoRating)
                values << index.value(v);
        const int m = values.size();
        if (m < 2)
            continue;
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j)
                if (i != j)
                    coincidence[values[i] * k + values[j]] += 1.0 / (m - 1);
    }
    QVector<double> nc(k, 0.0);
    double n = 0, disagreeObserved = 0;
    for (int c = 0; c < k; ++c)
        for (int d = 0; d < k; ++d) {
            nc[c] += coincidence[c * k + d];
            if (c != d)
                disagreeObserved += coincidence[c * k + d];
        }
    for (double v : nc)
        n += v;
    if (n <= 1)
        return kNaN;
    double disagreeExpected = 0;
    for (int c = 0; c < k; ++c)
        for (int d = 0; d < k; ++d)
            if (c != d)
                disagreeExpected += nc[c] * nc[d];
    if (disagreeExpected <= 0)
        return kNaN;
    return 1.0 - (n - 1) * disagreeObserved / disagreeExpected;
}

RatingTable clipLevelTable(const QVector<SegmentRow>& rows, const QStringList& wanted)
{
    RatingTable t;
    t.raters = ratersOf(rows, wanted);
    for (const SegmentRow& r : rows) {
        QVector<int> item;
        int rated = 0;
        for (const QString& rater : std::as_const(t.raters)) {
            item << ratingOf(r, rater);
            rated += item.back() != kNoRating ? 1 : 0;
        }
        if (rated == 0)
            continue;
        t.items << item;
        t.itemKeys << QStringLiteral("%1@%2-%3").arg(r.videoPath).arg(r.startFrame).arg(r.endFrame);
    }
    return t;
}

double temporalIou(int64_t s1, int64_t e1, int64_t s2, int64_t e2)
{
    const double inter = double(std::max<int64_t>(0, std::min(e1, e2) - std::max(s1, s2)));
    const double uni = double(std::max(e1, e2) - std::min(s1, s2));
    return uni > 0 ? inter / uni : 0.0;
}

RatingTable matchedSegmentTable(const QVector<SegmentRow>& rows, double iouThreshold, const QStringList& wanted)
{
    RatingTable t;
    t.raters = ratersOf(rows, wanted);
    struct Rated {
        int64_t start, end;
        int rater;
        int classId;
    };
    QMap<QString, QVector<Rated>> byVideo;
    for (const SegmentRow& r : rows) {
        if (!r.lengthKnown())
            continue;
        for (int k = 0; k < t.raters.size(); ++k)
            if (const int c = ratingOf(r, t.raters[k]); c != kNoRating)
                byVideo[r.videoPath].push_back({r.startFrame, r.endFrame, k, c});
    }
    for (auto it = byVideo.begin(); it != byVideo.end(); ++it) {
        const QVector<Rated>& segs = it.value();
        // Candidate pairs between different raters, best IoU first; a union-find of matched groups
        // where a group holds at most one segment per rater.
        struct Pair {
            double iou;
            int a, b;
        };
        QVector<Pair> pairs;
        for (int i = 0; i < segs.size(); ++i)
            for (int j = i + 1; j < segs.size(); ++j)
                if (segs[i].rater != segs[j].rater) {
                    const double iou = temporalIou(segs[i].start, segs[i].end, segs[j].start, segs[j].end);
                    if (iou >= iouThreshold && iou > 0)
                        pairs.push_back({iou, i, j});
                }
        std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.iou > y.iou; });
        QVector<int> group(segs.size());
        QVector<QVector<int>> members(segs.size());
        for (int i = 0; i < segs.size(); ++i) {
            group[i] = i;
            members[i] = {i};
        }
        for (const Pair& p : pairs) {
            const int ga = group[p.a], gb = group[p.b];
            if (ga == gb)
                continue;
            bool clash = false;
            for (int x : members[ga])
                for (int y : members[gb])
                    clash = clash || segs[x].rater == segs[y].rater;
            if (clash)
                continue;
            for (int y : members[gb]) {
                group[y] = ga;
                members[ga] << y;
            }
            members[gb].clear();
        }
        for (int g = 0; g < segs.size(); ++g) {
            if (members[g].isEmpty())
                continue;
            QVector<int> item(t.raters.size(), kNoSegment);
            int64_t start = INT64_MAX, end = 0;
            for (int m : members[g]) {
                item[segs[m].rater] = segs[m].classId;
                start = std::min(start, segs[m].start);
                end = std::max(end, segs[m].end);
            }
            t.items << item;
            t.itemKeys << QStringLiteral("%1@%2-%3").arg(it.key()).arg(start).arg(end);
        }
    }
    return t;
}

AgreementReport computeAgreement(const RatingTable& table, const Taxonomy& taxonomy, const QString& level)
{
    AgreementReport report;
    report.level = level;
    report.raters = table.raters;
    report.overall = statsOf(table, QStringLiteral("overall"), -1, QString());
    report.bodyLevel = statsOf(mapped(table, [&](int v) { return v == kNoSegment ? v : taxonomy.bodyPartOfClass(v); }),
                               QStringLiteral("body level"), -1, QString());
    for (const BodyPart& b : taxonomy.bodyParts()) {
        const int id = b.id;
        report.perBodyPart << statsOf(mapped(table, [&](int v) { return v != kNoSegment && taxonomy.bodyPartOfClass(v) == id ? 1 : 0; }),
                                      QStringLiteral("body part"), id, b.name);
    }
    for (const ActionClass& c : taxonomy.classes()) {
        const int id = c.id;
        report.perClass << statsOf(mapped(table, [&](int v) { return v == id ? 1 : 0; }), QStringLiteral("class"), id, c.name);
    }
    const int categories = taxonomy.classCount() + 1; // + "no segment"
    auto cell = [&](int v) { return v == kNoSegment ? categories - 1 : v; };
    for (int a = 0; a < table.raters.size(); ++a)
        for (int b = a + 1; b < table.raters.size(); ++b) {
            PairConfusion pc;
            pc.raterA = table.raters[a];
            pc.raterB = table.raters[b];
            pc.matrix = QVector<QVector<int>>(categories, QVector<int>(categories, 0));
            QVector<int> ra, rb;
            for (const QVector<int>& item : table.items) {
                const int va = item.value(a, kNoRating), vb = item.value(b, kNoRating);
                ra << va;
                rb << vb;
                if (va == kNoRating || vb == kNoRating)
                    continue;
                if (va == kNoSegment && vb == kNoSegment)
                    continue;
                const int ca = cell(va), cb = cell(vb);
                if (ca < 0 || ca >= categories || cb < 0 || cb >= categories)
                    continue;
                ++pc.matrix[ca][cb];
                ++pc.items;
            }
            pc.cohen = cohensKappa(ra, rb);
            report.pairs << pc;
        }
    return report;
}

QString landisKochBand(double kappa)
{
    if (std::isnan(kappa))
        return {};
    if (kappa < 0)
        return QStringLiteral("poor");
    if (kappa <= 0.20)
        return QStringLiteral("slight");
    if (kappa <= 0.40)
        return QStringLiteral("fair");
    if (kappa <= 0.60)
        return QStringLiteral("moderate");
    if (kappa <= 0.80)
        return QStringLiteral("substantial");
    return QStringLiteral("almost perfect");
}

QString agreementCsv(const AgreementReport& report)
{
    QString out = csvLine({"level", "scope", "key", "name", "items", "observed", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
                           "interpretation"});
    auto line = [&](const AgreementStats& s) {
        out += csvLine({report.level, s.scope, s.key >= 0 ? QString::number(s.key) : QString(), s.name, QString::number(s.items),
                        number(s.observed), number(s.cohen), number(s.fleiss), number(s.alpha), landisKochBand(s.cohen)});
    };
    line(report.overall);
    line(report.bodyLevel);
    for (const AgreementStats& s : report.perBodyPart)
        line(s);
    for (const AgreementStats& s : report.perClass)
        line(s);
    for (const PairConfusion& p : report.pairs)
        out += csvLine({report.level, "pair", "", p.raterA + QStringLiteral(" vs ") + p.raterB, QString::number(p.items), "",
                        number(p.cohen), "", "", landisKochBand(p.cohen)});
    return out;
}

QString confusionCsv(const AgreementReport& report, const Taxonomy& taxonomy)
{
    QString out = csvLine({"rater_a", "rater_b", "class_a", "name_a", "class_b", "name_b", "count"});
    const int none = taxonomy.classCount();
    auto id = [&](int c) { return c == none ? QStringLiteral("none") : QString::number(c); };
    auto name = [&](int c) {
        const ActionClass* a = taxonomy.classById(c);
        return c == none ? QStringLiteral("no segment") : (a ? a->name : QString());
    };
    for (const PairConfusion& p : report.pairs)
        for (int a = 0; a < p.matrix.size(); ++a)
            for (int b = 0; b < p.matrix[a].size(); ++b)
                if (p.matrix[a][b] > 0)
                    out += csvLine({p.raterA, p.raterB, id(a), name(a), id(b), name(b), QString::number(p.matrix[a][b])});
    return out;
}

QString agreementText(const AgreementReport& report)
{
    auto fmt = [](double v) { return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', 3); };
    auto band = [](double v) { return std::isnan(v) ? QStringLiteral("undefined") : landisKochBand(v); };
    QString out = QStringLiteral("agreement on %1, raters: %2\n").arg(report.level, report.raters.join(QStringLiteral(", ")));
    for (const AgreementStats* s : {&report.overall, &report.bodyLevel})
        out += QStringLiteral("  %1: %2 items, observed %3, Cohen %4 (%7), Fleiss %5, Krippendorff alpha %6\n")
                   .arg(s->scope).arg(s->items).arg(fmt(s->observed), fmt(s->cohen), fmt(s->fleiss), fmt(s->alpha), band(s->cohen));
    for (const AgreementStats& s : report.perBodyPart)
        out += QStringLiteral("  %1: alpha %2, Cohen %3\n").arg(s.name, fmt(s.alpha), fmt(s.cohen));
    for (const PairConfusion& p : report.pairs)
        out += QStringLiteral("  %1 vs %2: %3 items, Cohen %4 (%5)\n").arg(p.raterA, p.raterB).arg(p.items).arg(fmt(p.cohen), band(p.cohen));
    return out;
}

} // namespace mas::exchange
