// Behaviour statistics against values worked out by hand on StatsFixture (numbers in the comments).
#include "StatsFixture.h"
#include "TestSupport.h"

#include "exchange/Csv.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace mas;
using namespace mas::stats;
using mas::test::kA1;
using mas::test::kA3;
using mas::test::kB5;

namespace {

const BehaviourMeasures* find(const StatsReport& r, const QString& group, int classId, int bodyPartId = -1)
{
    for (const BehaviourMeasures& m : r.rows)
        if (m.group == group && m.classId == classId && (classId >= 0 || m.bodyPartId == bodyPartId))
            return &m;
    return nullptr;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

#define CHECK_MEASURES(m, cnt, total, mean, med, rate, prop, lat)                                        \
    do {                                                                                                 \
        QVERIFY(m);                                                                                      \
        QCOMPARE((m)->count, cnt);                                                                       \
        QVERIFY2(near((m)->totalSeconds, total), qPrintable(QString::number((m)->totalSeconds)));        \
        QVERIFY2(near((m)->meanSeconds, mean), qPrintable(QString::number((m)->meanSeconds)));           \
        QVERIFY2(near((m)->medianSeconds, med), qPrintable(QString::number((m)->medianSeconds)));        \
        QVERIFY2(near((m)->ratePerMinute, rate), qPrintable(QString::number((m)->ratePerMinute)));       \
        QVERIFY2(near((m)->proportion, prop), qPrintable(QString::number((m)->proportion)));             \
        QVERIFY2(near((m)->latencySeconds, lat), qPrintable(QString::number((m)->latencySeconds)));      \
    } while (0)

} // namespace

class TestBehaviourStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wholeProjectByHand()
    {
        const test::StatsFixture f = test::statsFixture();
        const StatsReport r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52());
        // Observed: 60 + 120 + 30 + 30 = 240 s = 4 min.
        // A1: events 2, 6, 8, 1 s (the rejected one and the model's label left out; v3's double label once):
        // total 17, mean 4.25, median 4, 1.0/min, 17/240; first starts v1 1 s, v2 10 s, v3 0 s -> 11/3.
        CHECK_MEASURES(find(r, "all", kA1), 4, 17.0, 4.25, 4.0, 1.0, 17.0 / 240, 11.0 / 3);
        CHECK_MEASURES(find(r, "all", kA3), 1, 2.0, 2.0, 2.0, 0.25, 2.0 / 240, 2.0);
        CHECK_MEASURES(find(r, "all", kB5), 1, 4.0, 4.0, 4.0, 0.25, 4.0 / 240, 3.0);
        // Body part A (body) = A1 + A3: 1, 2, 2, 6, 8 s -> median 2; latency v1 min(1, 2), v2 10, v3 0.
        CHECK_MEASURES(find(r, "all", -1, 0), 5, 19.0, 3.8, 2.0, 1.25, 19.0 / 240, 11.0 / 3);
        QCOMPARE(r.rows.size(), 5); // three classes, two body parts: nothing that did not occur
    }

    void byParticipantByHand()
    {
        const test::StatsFixture f = test::statsFixture();
        StatsOptions o;
        o.groupBy = GroupBy::Participant;
        const StatsReport r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        // P1 observed 180 s: A1 2, 6, 8 s -> 16 s, median 6, 3 in 3 min, latency (1 + 10) / 2.
        CHECK_MEASURES(find(r, "P1", kA1), 3, 16.0, 16.0 / 3, 6.0, 1.0, 16.0 / 180, 5.5);
        // P2 observed 60 s (v4 without events counts): A1 1 s at 0 s, B5 4 s at 3 s.
        CHECK_MEASURES(find(r, "P2", kA1), 1, 1.0, 1.0, 1.0, 1.0, 1.0 / 60, 0.0);
        CHECK_MEASURES(find(r, "P2", kB5), 1, 4.0, 4.0, 4.0, 1.0, 4.0 / 60, 3.0);
        QVERIFY(!find(r, "P2", kA3));
    }

    void byAnnotatorByHand()
    {
        const test::StatsFixture f = test::statsFixture();
        StatsOptions o;
        o.groupBy = GroupBy::Annotator;
        const StatsReport r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        // ann coded in v1 and v3 (90 s): A1 2, 6, 1 s; bob in v2 and v3 (150 s): A1 8, 1 s and B5 4 s.
        CHECK_MEASURES(find(r, "ann", kA1), 3, 9.0, 3.0, 2.0, 2.0, 9.0 / 90, 0.5);
        CHECK_MEASURES(find(r, "bob", kA1), 2, 9.0, 4.5, 4.5, 0.8, 9.0 / 150, 5.0);
        CHECK_MEASURES(find(r, "bob", kB5), 1, 4.0, 4.0, 4.0, 0.4, 4.0 / 150, 3.0);
        QVERIFY(!find(r, "model:m", kB5));
    }

    void bySplitAndVideo()
    {
        const test::StatsFixture f = test::statsFixture();
        StatsOptions o;
        o.groupBy = GroupBy::Split;
        StatsReport r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        // test = P2's coded video v3 only (30 s): A1 1 s, 2 per minute.
        CHECK_MEASURES(find(r, "test", kA1), 1, 1.0, 1.0, 1.0, 2.0, 1.0 / 30, 0.0);
        o.groupBy = GroupBy::Video;
        r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        CHECK_MEASURES(find(r, "v2.mp4", kA1), 1, 8.0, 8.0, 8.0, 0.5, 8.0 / 120, 10.0);
    }

    void filtersByStatusAndAnnotator()
    {
        const test::StatsFixture f = test::statsFixture();
        StatsOptions o;
        o.statuses = {store::LabelStatus::Rejected};
        StatsReport r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        CHECK_MEASURES(find(r, "all", kA1), 1, 1.0, 1.0, 1.0, 0.25, 1.0 / 240, 0.0);
        o = {};
        o.annotators = {"bob"};
        r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        CHECK_MEASURES(find(r, "all", kA1), 2, 9.0, 4.5, 4.5, 0.5, 9.0 / 240, 5.0);
        QVERIFY(!find(r, "all", kA3));
        o = {};
        o.includeModels = true; // the model's B5 pre-label on v1 at 2 s joins bob's
        r = computeStats(f.rows, f.videos, Taxonomy::builtinMa52(), o);
        CHECK_MEASURES(find(r, "all", kB5), 2, 6.0, 3.0, 3.0, 0.5, 6.0 / 240, 2.5);
    }

    void csvHasTheDocumentedColumns()
    {
        const test::StatsFixture f = test::statsFixture();
        const QString csv = statsCsv(computeStats(f.rows, f.videos, Taxonomy::builtinMa52()));
        const exchange::CsvParse parsed = exchange::parseCsv(csv);
        QCOMPARE(parsed.records.first().fields.join(','),
                 QStringLiteral("group,class_id,code,count,total_s,mean_s,median_s,rate_per_min,proportion,latency_s"));
        QCOMPARE(parsed.records.size(), 6);
        QCOMPARE(parsed.records[1].fields, (QStringList{"all", "0", "A1", "4", "17", "4.25", "4", "1", "0.0708", "3.6667"}));
        QCOMPARE(parsed.records[4].fields.mid(0, 4), (QStringList{"all", "", "A", "5"})); // body part row
    }

    void projectFileAndCliAgree()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath("study.mas");
        {
            auto project = test::statsFixtureProject(path, &error);
            QVERIFY2(project, qPrintable(error));
            StatsOptions o;
            o.groupBy = GroupBy::Participant;
            Result<StatsReport> r = projectStats(*project, o);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            CHECK_MEASURES(find(r.value(), "P1", kA1), 3, 16.0, 16.0 / 3, 6.0, 1.0, 16.0 / 180, 5.5);
            CHECK_MEASURES(find(r.value(), "P2", kB5), 1, 4.0, 4.0, 4.0, 1.0, 4.0 / 60, 3.0);
        }
#ifdef MASTUDIO_CLI
        QProcess cli;
        const QString csvPath = dir.filePath("stats.csv");
        cli.start(MASTUDIO_CLI, {"stats", path, "--by", "participant", "--csv", csvPath});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile file(csvPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const exchange::CsvParse parsed = exchange::parseCsv(QString::fromUtf8(file.readAll()));
        QVERIFY(parsed.records.size() > 1);
        bool found = false;
        for (const exchange::CsvRecord& rec : parsed.records)
            if (rec.fields.value(0) == "P1" && rec.fields.value(2) == "A1") {
                QCOMPARE(rec.fields, (QStringList{"P1", "0", "A1", "3", "16", "5.3333", "6", "1", "0.0889", "5.5"}));
                found = true;
            }
        QVERIFY(found);
        cli.start(MASTUDIO_CLI, {"stats", path, "--by", "weekday"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
#endif
    }
};

QTEST_GUILESS_MAIN(TestBehaviourStats)
#include "tst_behaviourstats.moc"
