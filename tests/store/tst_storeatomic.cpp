// All or nothing under injected failures (an SQLite error in the middle of the transaction, see
// StoreFailureInjection.h): a sliding-window pre-label's proposals of one video (segments, prelabels,
// predictions and the video's "done" marker) and an import of annotation rows leave the project
// exactly as it was when any statement of theirs fails, and complete once it can be written.
#include "StoreFailureInjection.h"
#include "StoreTestSupport.h"

#include "exchange/ProjectExchange.h"
#include "exchange/SegmentTable.h"

#include <QtTest>

using namespace mas;
using namespace mas::store;

namespace {

struct Snapshot {
    int segments = 0, labels = 0, predictions = 0;
    bool operator==(const Snapshot& o) const
    {
        return segments == o.segments && labels == o.labels && predictions == o.predictions;
    }
};

Snapshot snapshot(ProjectStore& s, Id version)
{
    Snapshot out;
    out.segments = s.counts()->segments;
    out.labels = s.counts()->labels;
    out.predictions = int(s.predictionsOfVersion(version)->size());
    return out;
}

} // namespace

class TestStoreAtomic : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void proposalsCommitWholeWithTheirDoneMarker()
    {
        auto s = test::createProject(m_dir.filePath("proposals.mas"));
        const Id video = s->addVideo(test::fakeVideo("long.mp4")).value();
        ModelVersion v;
        v.name = "m1";
        const Id version = s->addModelVersion(v).value();
        const Id annotator = s->ensureAnnotator("model:m1").value();
        const QVector<ProjectStore::ProposedRow> rows{{0, 30, 4, 0.9f, "p1"}, {30, 60, 5, 0.7f, "p2"}, {60, 90, 4, 0.6f, "p3"}};
        const Snapshot before = snapshot(*s, version);
        // Every statement the commit runs, failing in turn: nothing of it stays, no marker.
        for (const char* when : {"AFTER INSERT ON segments", "AFTER INSERT ON labels", "AFTER INSERT ON predictions",
                                 "AFTER INSERT ON project_meta", "AFTER INSERT ON edit_log"}) {
            QVERIFY(test::injectFailure(when));
            const Status failed = s->commitProposals(video, version, annotator, rows);
            test::clearFailure();
            QVERIFY2(!failed.ok(), when);
            QVERIFY2(failed.error().contains("proposals.mas"), qPrintable(failed.error()));
            QVERIFY2(snapshot(*s, version) == before, when);
            QCOMPARE(s->proposalsCommitted(video, version).value(), false);
        }
        QVERIFY(s->commitProposals(video, version, annotator, rows).ok());
        const Snapshot after = snapshot(*s, version);
        QCOMPARE(after.segments, before.segments + 3);
        QCOMPARE(after.labels, before.labels + 3);
        QCOMPARE(after.predictions, before.predictions + 3);
        QCOMPARE(s->proposalsCommitted(video, version).value(), true);
        QCOMPARE(s->integrityCheck().value(), QString("ok"));
    }

    void anImportIsAllOrNothing()
    {
        auto s = test::createProject(m_dir.filePath("import.mas"));
        QVector<exchange::SegmentRow> rows;
        for (int i = 0; i < 20; ++i) {
            exchange::SegmentRow r;
            r.videoPath = QStringLiteral("0003_01_%1.mp4").arg(i % 4, 4, 10, QChar('0'));
            r.startFrame = i * 10;
            r.endFrame = i * 10 + 8;
            r.fpsNum = 30;
            r.fpsDen = 1;
            r.labels = {{i % 52, "bob", LabelStatus::Confirmed}};
            rows << r;
        }
        exchange::ParsedFile parsed;
        parsed.rows = rows;
        exchange::ProjectImportOptions o;
        o.probeVideos = false;
        for (const char* when : {"AFTER INSERT ON videos", "AFTER INSERT ON labels", "AFTER UPDATE ON segments"}) {
            QVERIFY(test::injectFailure(when));
            Result<exchange::ImportReport> r = exchange::importRows(*s, parsed, o);
            test::clearFailure();
            QVERIFY2(!r.ok(), when);
            QCOMPARE(s->counts()->videos, 0);
            QCOMPARE(s->counts()->segments, 0);
            QCOMPARE(s->counts()->labels, 0);
        }
        Result<exchange::ImportReport> r = exchange::importRows(*s, parsed, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(s->counts()->segments, 20);
        QCOMPARE(s->counts()->labels, 20);
    }
};

QTEST_GUILESS_MAIN(TestStoreAtomic)
#include "tst_storeatomic.moc"
