// The model panel's runner over the worker queue, as the GUI uses it: start returns at once, progress and the
// outcome arrive on the GUI thread, a second start while busy is refused in words, cancel ends the job with
// Cancelled, a fine-tune reports its new version and makes it active, evaluation uses the split plan's test
// participants.
#include "ManetModel.h"
#include "WorkerTestProject.h"
#include "FeatureCache.h"
#include "ModelCatalog.h"
#include "WorkerJobRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;

class TestWorkerJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void prelabelFineTuneEvaluateFromTheGuiThread();
    void cancelEndsTheJobAsCancelled();

private:
    QTemporaryDir m_dir;
};

void TestWorkerJobRunner::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qRegisterMetaType<mas::worker::JobProgress>();
    qRegisterMetaType<mas::worker::JobOutcome>();
}

namespace {

// A small untrained model registered and active, as after "import a checkpoint".
store::Id addTinyActiveVersion(store::ProjectStore& s, const QString& folder)
{
    model::ManetConfig c;
    c.depth = 18;
    c.segments = 2;
    model::Result<model::ManetModel> m = model::ManetModel::create(c);
    if (!m)
        return 0;
    const QString path = folder + "/tiny.pth";
    if (!m->saveCheckpoint(path.toStdString(), R"({"input_size": 32, "short_side": 36})"))
        return 0;
    store::ModelVersion v;
    v.name = "tiny";
    v.kind = "imported";
    v.checkpointPath = path;
    v.hyperParamsJson = "{}";
    v.metricsJson = "{}";
    v.created = QDateTime::currentDateTimeUtc();
    Result<store::Id> id = s.addModelVersion(v);
    if (!id || !s.setActiveModelVersion(id.value()))
        return 0;
    return id.value();
}

} // namespace

void TestWorkerJobRunner::prelabelFineTuneEvaluateFromTheGuiThread()
{
    test::WorkerProjectOptions o;
    o.videos = 8;
    o.participants = 4;
    o.segmentsPerVideo = 2;
    o.confirmedEvery = 2;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("runner"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    store::ProjectStore& s = *p.store;
    worker::WorkerJobRunner runner(s);
    QVERIFY(!runner.start({}).ok()); // no active version yet: says so
    const store::Id tiny = addTinyActiveVersion(s, m_dir.filePath("runner"));
    QVERIFY(tiny > 0);

    QSignalSpy started(&runner, &worker::ModelJobRunner::started);
    QSignalSpy finished(&runner, &worker::ModelJobRunner::finished);
    QVector<QThread*> progressThreads;
    connect(&runner, &worker::ModelJobRunner::progress, this, [&](const worker::JobProgress&) { progressThreads << QThread::currentThread(); });

    worker::ModelJobRequest prelabel;
    prelabel.kind = worker::ModelJobKind::PreLabel;
    QVERIFY(runner.start(prelabel).ok());
    QVERIFY(runner.isRunning());
    const Status busy = runner.start(prelabel);
    QVERIFY(!busy.ok());
    QVERIFY2(busy.error().contains("already running"), qPrintable(busy.error()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
    QVERIFY(!runner.isRunning());
    const auto outcome = finished.takeFirst().at(0).value<worker::JobOutcome>();
    QVERIFY2(outcome.state == worker::JobState::Finished, qPrintable(outcome.message));
    QCOMPARE(outcome.done, qint64(8)); // the unconfirmed segments
    QVERIFY(!progressThreads.isEmpty());
    for (QThread* t : progressThreads)
        QCOMPARE(t, QThread::currentThread());
    QCOMPARE(started.size(), 1);
    const QVector<store::ClipRow> rows = s.clipRows().value(); // named: a Result temporary would die first
    for (const store::ClipRow& row : rows)
        if (row.status != store::SegmentStatus::Confirmed)
            QVERIFY(row.predictedClassId >= 0);

    // A split plan by participant: P3 for validation, P4 for test.
    Result<store::Id> plan = s.createSplitPlan("by participant", store::SplitUnit::Participant);
    QVERIFY(plan.ok());
    QVector<store::SplitAssignment> assignments;
    const QVector<store::Participant> participants = s.participants().value();
    for (const store::Participant& participant : participants)
        assignments.push_back({participant.id, participant.code == "P4"   ? store::SplitSet::Test
                                               : participant.code == "P3" ? store::SplitSet::Val
                                                                          : store::SplitSet::Train});
    QVERIFY(s.setSplitAssignments(plan.value(), assignments).ok());

    worker::ModelJobRequest tune;
    tune.kind = worker::ModelJobKind::FineTune;
    tune.epochs = 2;
    QVector<int> liveEpochs; // the history carried by progress reports, as Charts > Training draws it
    connect(&runner, &worker::ModelJobRunner::progress, this,
            [&](const worker::JobProgress& p) { liveEpochs << int(p.epochs.size()); });
    QVERIFY(runner.start(tune).ok());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 180000);
    const auto tuned = finished.takeFirst().at(0).value<worker::JobOutcome>();
    QVERIFY2(tuned.state == worker::JobState::Finished, qPrintable(tuned.message));
    const store::Id newVersion = tuned.figures.value("model_version_id").toVariant().toLongLong();
    QVERIFY(newVersion > 0 && newVersion != tiny);
    QCOMPARE(s.activeModelVersion()->id, newVersion);
    QCOMPARE(s.activeModelVersion()->parentId, tiny);
    QVERIFY(liveEpochs.contains(1) && liveEpochs.contains(2));
    // Split discipline: trained on P1 and P2, epoch picked on P3, the test participant P4 never read.
    const QJsonObject hyper = QJsonDocument::fromJson(s.activeModelVersion()->hyperParamsJson.toUtf8()).object();
    const QJsonObject snapshot = hyper.value("data_snapshot").toObject();
    QCOMPARE(snapshot.value("validation_participants").toArray(), QJsonArray({"P3"}));
    QCOMPARE(snapshot.value("training_clips").toInt(), 4);
    QCOMPARE(snapshot.value("validation_clips").toInt(), 2);
    QVERIFY(!s.activeModelVersion()->hyperParamsJson.contains("\"P4\""));
    const QJsonObject metrics = QJsonDocument::fromJson(s.activeModelVersion()->metricsJson.toUtf8()).object();
    QCOMPARE(metrics.value("val").toObject().value("classes").toObject().value("count").toInt(), 2);
    QVERIFY(!metrics.contains("test"));
    // Head mode reads clips only to cache their features: P1-P3's confirmed clips have them, P4's none.
    const worker::FeatureCache features(s.cacheDir(), QString::number(tiny));
    for (int v = 0; v < 8; ++v) {
        const QString confirmed = QString::number(p.segmentIds[2 * v]); // each video's first segment
        QCOMPARE(features.contains(confirmed), v % 4 != 3);             // video v is participant P(v % 4 + 1)
    }

    worker::ModelJobRequest evaluate;
    evaluate.kind = worker::ModelJobKind::Evaluate;
    QVERIFY(runner.start(evaluate).ok());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
    const auto evaluated = finished.takeFirst().at(0).value<worker::JobOutcome>();
    QVERIFY2(evaluated.state == worker::JobState::Finished, qPrintable(evaluated.message));
    QCOMPARE(evaluated.figures.value("evaluation").toObject().value("classes").toObject().value("count").toInt(), 2);
    QCOMPARE(evaluated.figures.value("split").toString(), QString("test"));
    const QJsonObject stored = QJsonDocument::fromJson(s.activeModelVersion()->metricsJson.toUtf8()).object();
    QCOMPARE(stored.value("test").toObject().value("classes").toObject().value("count").toInt(), 2); // P4's clips
    QCOMPARE(stored.value("test").toObject().value("plan").toString(), QString("by participant"));
    QVERIFY(stored.contains("val")); // the fine-tune's figures stay

    // Refused with reasons: an unknown split, CUDA where there is none.
    worker::ModelJobRequest wrong;
    wrong.kind = worker::ModelJobKind::Evaluate;
    wrong.evaluateSplit = "holdout";
    QVERIFY(!runner.start(wrong).ok());
    if (!worker::computeCapabilities().cuda) {
        worker::ModelJobRequest cuda;
        cuda.device = "cuda";
        const Status refused = runner.start(cuda);
        QVERIFY2(!refused.ok() && refused.error().contains("CUDA"), qPrintable(refused.error()));
    }
}

void TestWorkerJobRunner::cancelEndsTheJobAsCancelled()
{
    test::WorkerProjectOptions o;
    o.videos = 8;
    o.segmentsPerVideo = 3;
    o.confirmedEvery = 0;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("cancel"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    QVERIFY(addTinyActiveVersion(*p.store, m_dir.filePath("cancel")) > 0);
    worker::WorkerJobRunner runner(*p.store);
    QSignalSpy finished(&runner, &worker::ModelJobRunner::finished);
    QVERIFY(runner.start({}).ok());
    runner.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    const auto outcome = finished.takeFirst().at(0).value<worker::JobOutcome>();
    QCOMPARE(int(outcome.state), int(worker::JobState::Cancelled));
    QVERIFY(p.store->counts()->predictions < 24);
}

QTEST_MAIN(TestWorkerJobRunner)
#include "tst_workerjobrunner.moc"
