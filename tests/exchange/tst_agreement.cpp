// Agreement statistics against textbook values, and the tables built from labelled segments.
#include "exchange/Agreement.h"

#include <QtTest>

#include <cmath>

using namespace mas;
using namespace mas::exchange;

namespace {

SegmentRow seg(const QString& video, int64_t s, int64_t e, QVector<LabelEntry> labels)
{
    SegmentRow r;
    r.videoPath = video;
    r.startFrame = s;
    r.endFrame = e;
    r.labels = labels;
    return r;
}

} // namespace

class TestAgreement : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cohenTextbook()
    {
        // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4.
        QVector<int> a, b;
        auto add = [&](int n, int x, int y) {
            for (int i = 0; i < n; ++i) {
                a << x;
                b << y;
            }
        };
        add(20, 1, 1);
        add(5, 1, 0);
        add(10, 0, 1);
        add(15, 0, 0);
        QVERIFY(std::abs(cohensKappa(a, b) - 0.4) < 1e-12);
        // Missing ratings are left out; perfect agreement on one category is undefined.
        a << kNoRating;
        b << 1;
        QVERIFY(std::abs(cohensKappa(a, b) - 0.4) < 1e-12);
        QVERIFY(std::isnan(cohensKappa({1, 1}, {1, 1})));
    }

    void fleissTextbook()
    {
        // Fleiss (1971) as tabulated on Wikipedia: 10 items, 14 raters, 5 categories -> 0.20993.
        const QVector<QVector<int>> counts{{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0},
                                           {2, 2, 8, 1, 1},  {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2},
                                           {6, 5, 2, 1, 0},  {0, 2, 2, 3, 7}};
        QVERIFY(std::abs(fleissKappa(counts) - 0.2099307044) < 1e-9);
    }

    void krippendorffTextbook()
    {
        // Krippendorff (2011), "Computing Krippendorff's alpha": 4 coders, 12 units, missing data;
        // nominal alpha 0.743.
        const int m = kNoRating;
        const QVector<QVector<int>> byCoder{{1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m},
                                            {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3},
                                            {m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m},
                                            {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m}};
        RatingTable t;
        t.raters = {"A", "B", "C", "D"};
        for (int u = 0; u < 12; ++u)
            t.items << QVector<int>{byCoder[0][u], byCoder[1][u], byCoder[2][u], byCoder[3][u]};
        QVERIFY(std::abs(krippendorffAlphaNominal(t) - 0.7434210526) < 1e-9);
        // His binary two-coder example: alpha 0.095.
        RatingTable binary;
        binary.raters = {"A", "B"};
        const QVector<int> a{0, 1, 0, 0, 0, 0, 0, 0, 1, 0}, b{1, 1, 1, 0, 0, 1, 0, 0, 0, 0};
        for (int u = 0; u < 10; ++u)
            binary.items << QVector<int>{a[u], b[u]};
        QVERIFY(std::abs(krippendorffAlphaNominal(binary) - 0.0952380952) < 1e-9);
        // The table form of Fleiss agrees with the count form.
        QVERIFY(std::abs(fleissKappa(binary) - fleissKappa(QVector<QVector<int>>{{1, 1}, {0, 2}, {1, 1}, {2, 0}, {2, 0},
                                                                                  {1, 1}, {2, 0}, {2, 0}, {1, 1}, {2, 0}}))
                < 1e-12);
    }

    void clipLevelAndMatchedTables()
    {
        const QVector<SegmentRow> rows{
            seg("v1", 0, 30, {{9, "alice", LabelStatus::Confirmed}, {9, "bob", LabelStatus::Confirmed}}),
            seg("v1", 40, 70, {{8, "alice", LabelStatus::Confirmed}, {9, "bob", LabelStatus::Confirmed}}),
            seg("v2", 0, 30, {{0, "alice", LabelStatus::Confirmed}}),
        };
        const RatingTable clip = clipLevelTable(rows);
        QCOMPARE(clip.raters, QStringList({"alice", "bob"}));
        QCOMPARE(clip.items.size(), 3);
        QCOMPARE(clip.items[2][1], kNoRating);

        // Separate segments per rater, matched by IoU.
        const QVector<SegmentRow> drawn{
            seg("v1", 0, 30, {{9, "alice", LabelStatus::Confirmed}}),
            seg("v1", 2, 31, {{9, "bob", LabelStatus::Confirmed}}),   // IoU 28/31 = 0.90 with alice's
            seg("v1", 40, 70, {{8, "alice", LabelStatus::Confirmed}}),
            seg("v1", 55, 90, {{8, "bob", LabelStatus::Confirmed}}),  // IoU 15/50 = 0.30
            seg("v2", 0, 10, {{3, "bob", LabelStatus::Confirmed}}),
        };
        const RatingTable strict = matchedSegmentTable(drawn, 0.5);
        QCOMPARE(strict.items.size(), 4); // one matched pair, three alone
        int matched = 0, alone = 0;
        for (const QVector<int>& item : strict.items) {
            matched += (item[0] >= 0 && item[1] >= 0) ? 1 : 0;
            alone += (item[0] == kNoSegment || item[1] == kNoSegment) ? 1 : 0;
        }
        QCOMPARE(matched, 1);
        QCOMPARE(alone, 3);
        QCOMPARE(matchedSegmentTable(drawn, 0.25).items.size(), 3);
        QVERIFY(std::abs(temporalIou(0, 30, 2, 31) - 28.0 / 31) < 1e-12);

        const AgreementReport report = computeAgreement(matchedSegmentTable(drawn, 0.25), Taxonomy::builtinMa52(), "segments");
        QCOMPARE(report.pairs.size(), 1);
        QCOMPARE(report.pairs[0].matrix[9][9], 1);
        QCOMPARE(report.pairs[0].matrix[8][8], 1);
        QCOMPARE(report.pairs[0].matrix[52][3], 1); // alice drew nothing where bob saw class 3
        QCOMPARE(report.perClass.size(), 52);
        QCOMPARE(report.perBodyPart.size(), 7);
        const QString csv = agreementCsv(report);
        QVERIFY(csv.startsWith("level,scope,key,name,items,observed,cohen_kappa,fleiss_kappa,krippendorff_alpha,interpretation\r\n"));
        QVERIFY(csv.contains("segments,overall,,,3,"));
        QVERIFY(confusionCsv(report, Taxonomy::builtinMa52()).contains("alice,bob,none,no segment,3,"));
    }

    void landisKochBands()
    {
        QCOMPARE(landisKochBand(-0.1), QStringLiteral("poor"));
        QCOMPARE(landisKochBand(0.0), QStringLiteral("slight"));
        QCOMPARE(landisKochBand(0.2), QStringLiteral("slight"));
        QCOMPARE(landisKochBand(0.21), QStringLiteral("fair"));
        QCOMPARE(landisKochBand(0.5), QStringLiteral("moderate"));
        QCOMPARE(landisKochBand(0.75), QStringLiteral("substantial"));
        QCOMPARE(landisKochBand(0.81), QStringLiteral("almost perfect"));
        QVERIFY(landisKochBand(std::nan("")).isEmpty());
    }

    void timeUnitKappaByHand()
    {
        // 10 fps, one-second units. alice: class 0 over 0..5 s; bob: class 0 over 0..3 s, class 1 over 4..6 s.
        // Samples 0..6 s: alice {0}x6, {}x1; bob {0}x4, {1}x3. Pairs ({0},{0})x4, ({0},{1})x2, ({},{1})x1.
        // N 7, agreements 4, chance 6*4/7 = 24/7 -> kappa (4 - 24/7) / (7 - 24/7) = 4/25 = 0.16 (slight).
        auto row = [](int64_t s, int64_t e, int cls, const char* who) {
            SegmentRow r = seg("v", s, e, {{cls, who, LabelStatus::Confirmed}});
            r.fpsNum = 10;
            return r;
        };
        QVector<SegmentRow> rows{row(0, 50, 0, "alice"), row(0, 30, 0, "bob"), row(40, 60, 1, "bob"),
                                 row(0, 80, 5, "model:m")}; // models are not raters here
        const TimeUnitAgreement t = timeUnitAgreement(rows, Taxonomy::builtinMa52(), 1.0);
        QCOMPARE(t.raters, (QStringList{"alice", "bob"}));
        QCOMPARE(t.pairs.size(), 1);
        QCOMPARE(t.pairs[0].units, 7);
        QVERIFY(std::abs(t.pairs[0].observed - 4.0 / 7) < 1e-12);
        QVERIFY(std::abs(t.kappa - 0.16) < 1e-12);
        // Class 0 present: alice 1111110, bob 1111000 -> po 5/7, pe 6/7*4/7 + 1/7*3/7 = 27/49 -> 8/22.
        // Class 1: alice never, bob 0000111 -> po 4/7 = pe -> 0.
        QCOMPARE(t.perClass.size(), 2);
        QVERIFY(std::abs(t.perClass[0].kappa - 8.0 / 22) < 1e-12);
        QVERIFY(std::abs(t.perClass[1].kappa - 0.0) < 1e-12);
        const QString csv = timeUnitCsv(t);
        QVERIFY2(csv.contains("time unit (1 s),overall,,\"alice, bob\",7,,0.16,,,slight\r\n"), qPrintable(csv));
        QVERIFY2(csv.contains("time unit (1 s),class,0,A1 shaking body,7,,0.3636,,,fair\r\n"), qPrintable(csv));
        QVERIFY(timeUnitText(t).contains("Cohen 0.160 (slight)"));
        // Half-second units: 13 samples 0, 0.5, ..., 6.
        QCOMPARE(timeUnitAgreement(rows, Taxonomy::builtinMa52(), 0.5).pairs[0].units, 13);
        // Identical coding: kappa 1 (observed and chance both total counts as 1, as in BORIS).
        QVector<SegmentRow> same{row(0, 50, 0, "alice"), row(0, 50, 0, "bob")};
        QCOMPARE(timeUnitAgreement(same, Taxonomy::builtinMa52(), 1.0).kappa, 1.0);
    }

    void perfectAgreementIsOne()
    {
        QVector<SegmentRow> rows;
        for (int i = 0; i < 20; ++i)
            rows << seg("v", i * 10, i * 10 + 5,
                        {{i % 4, "a", LabelStatus::Confirmed}, {i % 4, "b", LabelStatus::Confirmed}, {i % 4, "c", LabelStatus::Confirmed}});
        const AgreementReport r = computeAgreement(clipLevelTable(rows), Taxonomy::builtinMa52(), "clip");
        QCOMPARE(r.overall.items, 20);
        QVERIFY(std::abs(r.overall.fleiss - 1) < 1e-12);
        QVERIFY(std::abs(r.overall.alpha - 1) < 1e-12);
        QVERIFY(std::abs(r.overall.cohen - 1) < 1e-12);
        QCOMPARE(r.overall.observed, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestAgreement)
#include "tst_agreement.moc"
