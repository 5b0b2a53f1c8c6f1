// Participant splits: no participant in two sets, every class in every set where counts allow,
// ratios near the request, the same plan for the same seed, and the report.
#include "TestSupport.h"

#include "exchange/Ma52List.h"
#include "exchange/SplitPlanner.h"

#include <QSet>
#include <QtTest>

#include <random>

using namespace mas;
using namespace mas::exchange;

namespace {

QVector<SegmentRow> syntheticRows(int participants, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    QVector<SegmentRow> rows;
    for (int p = 0; p < participants; ++p)
        for (int k = 0; k < 60; ++k) {
            // Long tail: low ids frequent, high ids rare.
            const int c = int(std::min<uint64_t>(51, (rng() % 1000) * (rng() % 1000) / 19000));
            SegmentRow r;
            r.videoPath = QStringLiteral("%1_00_%2.mp4").arg(p, 4, 10, QLatin1Char('0')).arg(k, 4, 10, QLatin1Char('0'));
            r.participant = QStringLiteral("%1").arg(p, 4, 10, QLatin1Char('0'));
            r.labels = {{c, "x", LabelStatus::Confirmed}};
            rows << r;
        }
    return rows;
}

QVector<SegmentRow> applyPlan(QVector<SegmentRow> rows, const QHash<QString, int>& plan)
{
    for (SegmentRow& r : rows)
        r.split = splitSetName(plan.value(r.participant, -1));
    return rows;
}

} // namespace

class TestSplitPlanner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitsByParticipantWithEveryClassWhereCountsAllow()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QVector<SegmentRow> rows = syntheticRows(60, 7);
        const QVector<ParticipantClassCounts> counts = countByParticipant(rows, t);
        QCOMPARE(counts.size(), 60);
        SplitRatios ratios;
        ratios.ratio = {0.7, 0.15, 0.15};
        const QHash<QString, int> plan = planSplitByParticipant(counts, ratios, 0);
        QCOMPARE(plan.size(), 60);
        const SplitReport report = makeSplitReport(applyPlan(rows, plan), t);
        QVERIFY(report.sharedParticipants.isEmpty());
        QCOMPARE(report.unassignedSegments, 0);
        // Every class with at least three participants is in every set.
        QVector<QSet<QString>> holders(52);
        for (const SegmentRow& r : rows)
            holders[r.labels[0].classId].insert(r.participant);
        for (int s = 0; s < 3; ++s)
            for (int c : report.sets[s].missingClasses)
                QVERIFY2(holders[c].size() < 3, qPrintable(QString("class %1 (%2 participants) missing from %3")
                                                               .arg(c).arg(holders[c].size()).arg(report.sets[s].name)));
        // Sizes near the ratios (participants are whole units: within 5 points).
        const double total = rows.size();
        QVERIFY2(std::abs(report.sets[0].segments / total - 0.7) < 0.05, qPrintable(report.toText(t)));
        QVERIFY(std::abs(report.sets[1].segments / total - 0.15) < 0.05);
        QVERIFY(std::abs(report.sets[2].segments / total - 0.15) < 0.05);
    }

    void sameSeedSamePlanAnotherSeedAnother()
    {
        const QVector<ParticipantClassCounts> counts = countByParticipant(syntheticRows(40, 3), Taxonomy::builtinMa52());
        QVector<ParticipantClassCounts> reversed(counts.rbegin(), counts.rend());
        const auto a = planSplitByParticipant(counts, {}, 42);
        QCOMPARE(planSplitByParticipant(counts, {}, 42), a);
        QCOMPARE(planSplitByParticipant(reversed, {}, 42), a); // input order does not matter
        QVERIFY(planSplitByParticipant(counts, {}, 43) != a);
    }

    void zeroRatioLeavesASetEmpty()
    {
        SplitRatios ratios;
        ratios.ratio = {0.8, 0.2, 0};
        const auto plan = planSplitByParticipant(countByParticipant(syntheticRows(10, 1), Taxonomy::builtinMa52()), ratios, 0);
        for (int s : plan)
            QVERIFY(s == 0 || s == 1);
    }

    void officialListsPlannedByParticipant()
    {
        const QString shared = test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared/ma52 not found (MAS_SHARED_DIR): the official lists are needed");
        const Taxonomy& t = Taxonomy::builtinMa52();
        auto train = readMa52ListFile(shared + "/ma52/official_lists/train_list_videos.txt", t);
        auto val = readMa52ListFile(shared + "/ma52/official_lists/val_list_videos.txt", t);
        QVERIFY(train.ok() && val.ok());
        const QVector<SegmentRow> rows = train->rows + val->rows;
        const auto plan = planSplitByParticipant(countByParticipant(rows, t), {}, 0);
        QCOMPARE(plan.size(), 186);
        const SplitReport report = makeSplitReport(applyPlan(rows, plan), t);
        QVERIFY(report.sharedParticipants.isEmpty());
        qInfo().noquote() << report.toText(t);
        for (int s = 0; s < 3; ++s)
            QVERIFY2(report.sets[s].missingClasses.size() <= 3, qPrintable(report.toText(t)));
    }
};

QTEST_GUILESS_MAIN(TestSplitPlanner)
#include "tst_splitplanner.moc"
