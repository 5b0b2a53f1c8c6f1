// Time-unit agreement (declared in Agreement.h): raters' states sampled every bin, Cohen's kappa over
// the states, as BORIS's "Cohen's kappa (time-unit)" computes it; per class on presence.
#include "exchange/Agreement.h"
#include "exchange/Csv.h"

#include <QMap>
#include <QSet>

#include <cmath>
#include <limits>

namespace mas::exchange {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Interval {
    double start = 0, stop = 0; // seconds; both ends count
    int classId = -1;
};

// Rater -> video -> coded intervals.
using Coding = QMap<QString, QMap<QString, QVector<Interval>>>;

Coding codingOf(const QVector<SegmentRow>& rows, const QStringList& raters)
{
    Coding coding;
    for (const SegmentRow& r : rows) {
        const double fps = r.fps();
        if (fps <= 0 || !r.lengthKnown())
            continue;
        QSet<QPair<QString, int>> seen;
        for (const LabelEntry& l : r.labels) {
            if (l.status == LabelStatus::Rejected || l.annotator.startsWith(QLatin1String("model:")) || l.annotator.isEmpty())
                continue;
            if (!raters.isEmpty() && !raters.contains(l.annotator))
                continue;
            if (seen.contains({l.annotator, l.classId}))
                continue;
            seen.insert({l.annotator, l.classId});
            coding[l.annotator][r.videoPath] << Interval{r.startFrame / fps, r.endFrame / fps, l.classId};
        }
    }
    return coding;
}

QVector<int> stateAt(const QVector<Interval>& intervals, double t)
{
    QVector<int> state;
    for (const Interval& i : intervals)
        if (i.start <= t + 1e-9 && t <= i.stop + 1e-9 && !state.contains(i.classId))
            state << i.classId;
    std::sort(state.begin(), state.end());
    return state;
}

// Cohen's kappa of a contingency table given as paired states; 1 when chance and observed are both total.
double kappaOf(const QVector<QPair<QVector<int>, QVector<int>>>& samples, double* observed)
{
    const double n = samples.size();
    if (n == 0) {
        *observed = kNaN;
        return kNaN;
    }
    QMap<QVector<int>, double> rows, cols;
    double agreements = 0;
    for (const auto& [a, b] : samples) {
        rows[a] += 1;
        cols[b] += 1;
        if (a == b)
            agreements += 1;
    }
    double expected = 0;
    for (auto it = rows.cbegin(); it != rows.cend(); ++it)
        expected += it.value() * cols.value(it.key(), 0.0) / n;
    *observed = agreements / n;
    if (std::abs(n - expected) < 1e-12)
        return 1.0;
    return (agreements - expected) / (n - expected);
}

} // namespace

TimeUnitAgreement timeUnitAgreement(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy, double binSeconds,
                                    const QStringList& raters)
{
    TimeUnitAgreement out;
    out.binSeconds = binSeconds > 0 ? binSeconds : 1.0;
    const Coding coding = codingOf(rows, raters);
    out.raters = coding.keys();
    QSet<int> codedClasses;
    for (const auto& videos : coding)
        for (const auto& intervals : videos)
            for (const Interval& i : intervals)
                codedClasses.insert(i.classId);
    QList<int> classes = codedClasses.values();
    std::sort(classes.begin(), classes.end());
    QMap<int, QVector<double>> classKappas;
    QMap<int, int> classUnits;

    for (int a = 0; a < out.raters.size(); ++a) {
        for (int b = a + 1; b < out.raters.size(); ++b) {
            const auto& videosA = coding[out.raters[a]];
            const auto& videosB = coding[out.raters[b]];
            TimeUnitPair pair;
            pair.raterA = out.raters[a];
            pair.raterB = out.raters[b];
            QVector<QPair<QVector<int>, QVector<int>>> samples;
            for (auto v = videosA.cbegin(); v != videosA.cend(); ++v) {
                if (!videosB.contains(v.key()))
                    continue; // a video only one of them coded is not compared (BORIS needs events in both)
                const QVector<Interval>& ia = v.value();
                const QVector<Interval>& ib = videosB[v.key()];
                double first = std::numeric_limits<double>::max(), last = std::numeric_limits<double>::lowest();
                for (const QVector<Interval>* list : {&ia, &ib})
                    for (const Interval& i : *list) {
                        first = std::min(first, i.start);
                        last = std::max(last, i.stop);
                    }
                ++pair.videos;
                // Sample k at first + k * bin, as long as it does not pass the last stop.
                const int64_t count = int64_t(std::floor((last - first) / out.binSeconds + 1e-9)) + 1;
                for (int64_t k = 0; k < count; ++k) {
                    const double t = first + k * out.binSeconds;
                    samples.push_back({stateAt(ia, t), stateAt(ib, t)});
                }
            }
            pair.units = samples.size();
            pair.kappa = kappaOf(samples, &pair.observed);
            out.pairs << pair;
            for (int c : std::as_const(classes)) {
                QVector<int> presentA, presentB;
                for (const auto& [sa, sb] : std::as_const(samples)) {
                    presentA << (sa.contains(c) ? 1 : 0);
                    presentB << (sb.contains(c) ? 1 : 0);
                }
                if (!samples.isEmpty()) {
                    classKappas[c] << cohensKappa(presentA, presentB);
                    classUnits[c] += samples.size();
                }
            }
        }
    }
    auto mean = [](const QVector<double>& values) {
        double sum = 0;
        int n = 0;
        for (double v : values)
            if (!std::isnan(v)) {
                sum += v;
                ++n;
            }
        return n ? sum / n : kNaN;
    };
    QVector<double> pairKappas;
    for (const TimeUnitPair& p : std::as_const(out.pairs))
        if (p.units > 0)
            pairKappas << p.kappa;
    out.kappa = mean(pairKappas);
    for (int c : std::as_const(classes)) {
        TimeUnitClass k;
        k.classId = c;
        if (const ActionClass* cls = taxonomy.classById(c)) {
            k.code = cls->code;
            k.name = cls->name;
        }
        k.units = classUnits.value(c);
        k.kappa = mean(classKappas.value(c));
        out.perClass << k;
    }
    return out;
}

QString timeUnitCsv(const TimeUnitAgreement& agreement, bool withHeader)
{
    auto number = [](double v) { return std::isnan(v) ? QString() : decimal(v, 4); };
    const QString level = QStringLiteral("time unit (%1 s)").arg(decimal(agreement.binSeconds, 3));
    QString out;
    if (withHeader)
        out += csvLine({"level", "scope", "key", "name", "items", "observed", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
                        "interpretation"});
    int units = 0;
    for (const TimeUnitPair& p : agreement.pairs)
        units += p.units;
    out += csvLine({level, "overall", "", agreement.raters.join(QStringLiteral(", ")), QString::number(units), "",
                    number(agreement.kappa), "", "", landisKochBand(agreement.kappa)});
    for (const TimeUnitPair& p : agreement.pairs)
        out += csvLine({level, "pair", "", p.raterA + QStringLiteral(" vs ") + p.raterB, QString::number(p.units), number(p.observed),
                        number(p.kappa), "", "", landisKochBand(p.kappa)});
    for (const TimeUnitClass& c : agreement.perClass)
        out += csvLine({level, "class", QString::number(c.classId), c.code + QLatin1Char(' ') + c.name, QString::number(c.units), "",
                        number(c.kappa), "", "", landisKochBand(c.kappa)});
    return out;
}

QString timeUnitText(const TimeUnitAgreement& agreement)
{
    auto fmt = [](double v) { return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', 3); };
    auto band = [](double v) { return std::isnan(v) ? QStringLiteral("undefined") : landisKochBand(v); };
    QString out = QStringLiteral("time-unit agreement (Cohen's kappa as BORIS computes it, every %1 s), raters: %2\n")
                      .arg(agreement.binSeconds)
                      .arg(agreement.raters.join(QStringLiteral(", ")));
    out += QStringLiteral("  overall: Cohen %1 (%2)\n").arg(fmt(agreement.kappa), band(agreement.kappa));
    for (const TimeUnitPair& p : agreement.pairs)
        out += QStringLiteral("  %1 vs %2: %3 time units in %4 videos, observed %5, Cohen %6 (%7)\n")
                   .arg(p.raterA, p.raterB)
                   .arg(p.units)
                   .arg(p.videos)
                   .arg(fmt(p.observed), fmt(p.kappa), band(p.kappa));
    for (const TimeUnitClass& c : agreement.perClass)
        out += QStringLiteral("  %1 %2: Cohen %3 (%4)\n").arg(c.code, c.name, fmt(c.kappa), band(c.kappa));
    if (agreement.pairs.isEmpty())
        out += QStringLiteral("  (needs two annotators who coded the same video)\n");
    return out;
}

} // namespace mas::exchange
