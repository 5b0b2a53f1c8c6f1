// The worker as a user sees it through the GUI and CLI: epoch figures, the review queue's orderings,
// long-footage segment proposals, the participant split and class weights; then the jobs over a real project
// file with real (generated) videos and a small real MANet: progress, cancel without half-written batches,
// resume without redoing finished clips, pause/resume on the queue's thread, per-item errors, fine-tune into a
// new model version (parent, data snapshot, metrics, checkpoint; activate, roll back; pre-labels refreshed),
// evaluation, sliding-window proposals, and the three real MA-52 clips when ../shared is present.
#include "ClassificationMetrics.h"
#include "EvaluateJob.h"
#include "FineTuneJob.h"
#include "JobQueue.h"
#include "ParticipantSplit.h"
#include "PrelabelJob.h"
#include "ReviewOrder.h"
#include "SegmentProposals.h"
#include "StoreProjectData.h"
#include "WorkerTestProject.h"

#include <QMap>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::worker;

namespace {

// A small untrained MANet (fast on a CPU): ResNet-18, 2 segments, 32x32 crops, MA-52's 52 classes.
ModelSource tinyRandomModel()
{
    ModelSource m;
    m.kind = ModelSource::Kind::RandomInit;
    m.config.depth = 18;
    m.config.segments = 2;
    m.config.numClasses = 52;
    m.inputSize = 32;
    m.seed = 1;
    return m;
}

ModelSource versionSource(const QString& id)
{
    ModelSource m;
    m.kind = ModelSource::Kind::Version;
    m.reference = id;
    return m;
}

ItemPrediction prediction(const QString& key, std::vector<std::pair<int, float>> top)
{
    ItemPrediction p;
    p.itemKey = key;
    for (auto [c, s] : top)
        p.topClasses.push_back({c, s});
    return p;
}

} // namespace

class TestWorkerLogic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void figuresForClassesAndBodyParts();
    void reviewOrderPutsDoubtFirst();
    void proposalsMergeAdjacentWindowsWithTheSameTopClass();
    void proposalsMergeNeighbouringWindowsPerClass();
    void windowsCoverTheWholeVideo();
    void splitNeverPutsAParticipantOnBothSides();
    void balancedWeightsFavourRareClasses();

    void initTestCase();
    void prelabelCancelKeepsWholeBatchesAndResumeSkipsThem();
    void unreadableClipIsRecordedAndTheJobGoesOn();
    void queuePausesAndResumesOnItsThread();
    void fineTuneMakesANewVersionAndRefreshesPrelabels();
    void evaluateStoresFiguresWithTheVersion();
    void slidingWindowProposesPrelabeledSegmentsOnce();
    void prelabelsTheRealClipsThroughTheStore();

private:
    QTemporaryDir m_dir;
};

void TestWorkerLogic::figuresForClassesAndBodyParts()
{
    // 3 classes, body parts {0, 0, 1}.
    const std::vector<std::vector<float>> p{{0.7f, 0.2f, 0.1f}, {0.6f, 0.3f, 0.1f}, {0.1f, 0.1f, 0.8f}, {0.5f, 0.1f, 0.4f}};
    const std::vector<int> labels{0, 1, 2, 2};
    const EvaluationFigures f = evaluateProbabilities(p, labels, 3, {0, 0, 1});
    QCOMPARE(f.classes.count, 4);
    QCOMPARE(f.classes.top1, 0.5);           // items 0 and 2
    QCOMPARE(f.classes.top5, 1.0);
    QCOMPARE(f.bodyParts.top1, 0.75);        // item 1's class 0 is in the right body part
    QVERIFY(std::abs(f.loss - (-(std::log(0.7) + std::log(0.3) + std::log(0.8) + std::log(0.4)) / 4)) < 1e-6);
    // Class 0: precision 1/3, recall 1 -> F1 0.5; class 1: 0; class 2: precision 1, recall 0.5 -> 2/3.
    QVERIFY(std::abs(f.classes.macroF1 - (0.5 + 0 + 2.0 / 3) / 3) < 1e-9);
    const EvaluationFigures back = EvaluationFigures::fromJson(f.toJson(true));
    QCOMPARE(back.classes.top1, f.classes.top1);
    QCOMPARE(int(back.classes.perClass.size()), 3);
}

void TestWorkerLogic::reviewOrderPutsDoubtFirst()
{
    const std::vector<ItemPrediction> p{prediction("sure", {{4, 0.95f}, {1, 0.02f}}),
                                        prediction("split", {{2, 0.45f}, {3, 0.44f}}),
                                        prediction("low", {{1, 0.30f}, {2, 0.10f}})};
    QCOMPARE(reviewOrder(p, ReviewOrdering::LeastConfidence), (std::vector<int>{2, 1, 0}));
    QCOMPARE(reviewOrder(p, ReviewOrdering::SmallestMargin), (std::vector<int>{1, 2, 0}));
    QCOMPARE(reviewOrder(p, ReviewOrdering::HighestEntropy).back(), 0);
    QCOMPARE(reviewOrder(p, ReviewOrdering::PredictedClass), (std::vector<int>{2, 1, 0}));
}

void TestWorkerLogic::proposalsMergeAdjacentWindowsWithTheSameTopClass()
{
    SlidingWindowOptions o;
    o.threshold = 0.5f;
    // Top classes: 0, 0, 1, (below), 0 (below), 0, 0. Windows of 60 frames every 30.
    std::vector<WindowProbabilities> w;
    const float table[7][2] = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.3f, 0.7f}, {0.45f, 0.4f}, {0.6f, 0.4f}, {0.7f, 0.3f}, {0.4f, 0.3f}};
    for (int i = 0; i < 7; ++i)
        w.push_back({i * 30, i * 30 + 60, {table[i][0], table[i][1]}});
    const std::vector<ProposedSegment> s = proposeSegments("v.mp4", w, o, {3, 5});
    QCOMPARE(int(s.size()), 3);
    QCOMPARE(s[0].classId, 0); // windows 0 and 1 merged, ending where class 1's window starts
    QCOMPARE(s[0].startFrame, 0);
    QCOMPARE(s[0].endFrame, 60);
    QCOMPARE(s[0].windows, 2);
    QCOMPARE(s[0].score, 0.9f);
    QCOMPARE(s[1].classId, 1);
    QCOMPARE(s[1].bodyPart, 5);
    QCOMPARE(s[1].startFrame, 60);
    QCOMPARE(s[1].endFrame, 120); // the window below the threshold proposes nothing
    QCOMPARE(s[2].classId, 0);
    QCOMPARE(s[2].startFrame, 120);
    QCOMPARE(s[2].endFrame, 210);
    QCOMPARE(s[2].windows, 2);
}

void TestWorkerLogic::proposalsMergeNeighbouringWindowsPerClass()
{
    SlidingWindowOptions o;
    o.threshold = 0.5f;
    o.merge = SlidingWindowOptions::Merge::PerClass;
    // Class 0 confident in windows 0-2 (merged), class 1 in window 2 (overlapping: co-occurring), class 0 again at 5.
    std::vector<WindowProbabilities> w;
    const float table[6][2] = {{0.9f, 0.1f}, {0.8f, 0.1f}, {0.6f, 0.7f}, {0.1f, 0.2f}, {0.2f, 0.1f}, {0.7f, 0.1f}};
    for (int i = 0; i < 6; ++i)
        w.push_back({i * 30, i * 30 + 60, {table[i][0], table[i][1]}});
    const std::vector<ProposedSegment> s = proposeSegments("v.mp4", w, o, {3, 5});
    QCOMPARE(int(s.size()), 3);
    QCOMPARE(s[0].classId, 0);
    QCOMPARE(s[0].startFrame, 0);
    QCOMPARE(s[0].endFrame, 120);
    QCOMPARE(s[0].windows, 3);
    QCOMPARE(s[0].score, 0.9f);
    QCOMPARE(s[1].classId, 1);
    QCOMPARE(s[1].bodyPart, 5);
    QCOMPARE(s[1].startFrame, 60);
    QCOMPARE(s[2].startFrame, 150);
}

void TestWorkerLogic::windowsCoverTheWholeVideo()
{
    const auto w = slidingWindows(200, 60, 30);
    QCOMPARE(w.front().first, 0);
    QCOMPARE(w.back().second, 200);
    for (size_t i = 1; i < w.size(); ++i)
        QVERIFY(w[i].first <= w[i - 1].second);
    QCOMPARE(slidingWindows(40, 60, 30), (std::vector<std::pair<int, int>>{{0, 40}}));
    QVERIFY(slidingWindows(0, 60, 30).empty());
}

void TestWorkerLogic::splitNeverPutsAParticipantOnBothSides()
{
    std::vector<ClipItem> items;
    for (int p = 0; p < 10; ++p)
        for (int i = 0; i < 5; ++i)
            items.push_back({QString("%1-%2").arg(p).arg(i), "v.mp4", 0, 10, i % 3, QString("P%1").arg(p)});
    items.push_back({"unlabelled", "v.mp4", 0, 10, -1, "P0"});
    const DataSplit s = splitByParticipant(items, 0.2, 1);
    QCOMPARE(int(s.training.size() + s.validation.size()), 50);
    QCOMPARE(int(s.validation.size()), 10);
    for (const ClipItem& v : s.validation) {
        QVERIFY(s.validationParticipants.contains(v.participant));
        for (const ClipItem& t : s.training)
            QVERIFY(t.participant != v.participant);
    }
    QCOMPARE(splitByParticipant(items, 0.2, 1).validationParticipants, s.validationParticipants); // seeded
}

void TestWorkerLogic::balancedWeightsFavourRareClasses()
{
    std::vector<ClipItem> items;
    for (int i = 0; i < 9; ++i)
        items.push_back({QString::number(i), "v", 0, 1, 0, "p"});
    items.push_back({"r", "v", 0, 1, 2, "p"});
    const std::vector<float> w = balancedClassWeights(items, 3);
    QCOMPARE(w[1], 0.f);
    QVERIFY(w[2] > 8 * w[0]);
    QVERIFY(std::abs((w[0] + w[2]) / 2 - 1.f) < 1e-5);
}

// --- jobs over a real project -------------------------------------------------------------------------

void TestWorkerLogic::initTestCase()
{
    QVERIFY(m_dir.isValid());
    mas::model::ManetModel::setThreads(2);
    mas::model::ManetModel::setDeterministic(true, 1);
}

void TestWorkerLogic::prelabelCancelKeepsWholeBatchesAndResumeSkipsThem()
{
    test::WorkerProjectOptions o;
    o.videos = 6;
    o.framesPerVideo = 24;
    o.segmentsPerVideo = 2;
    o.confirmedEvery = 0;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("cancel"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    const int total = int(p.segmentIds.size());

    PrelabelOptions po;
    po.model = tinyRandomModel();
    po.device = mas::model::Device::Cpu;
    po.batchSize = 2;
    PrelabelJob first(StoreProjectData::factory(*p.store), po);
    JobControl control;
    qint64 cancelledAt = -1, lastDone = -1;
    bool totalsRight = true, monotonic = true;
    const JobOutcome stopped = runJobInline(first, control, [&](const JobProgress& pr) {
        if (pr.total > 0 && pr.total != total)
            totalsRight = false;
        if (pr.done < lastDone)
            monotonic = false;
        lastDone = pr.done;
        if (pr.done == 0) // hold the first report back so the next one is not throttled away
            QThread::msleep(150);
        if (pr.done >= 2 && cancelledAt < 0) {
            cancelledAt = pr.done;
            control.cancel = true; // as the Cancel button does, while the next batch is being computed
        }
    });
    QCOMPARE(int(stopped.state), int(JobState::Cancelled));
    QVERIFY(totalsRight);
    QVERIFY(monotonic);
    QVERIFY(cancelledAt >= 2);
    const QString version = stopped.figures.value("model_version").toString();
    QVERIFY(!version.isEmpty());
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*p.store);
    // Exactly the batches committed before the cancel: the batch in hand was dropped whole.
    QCOMPARE(qint64(data->predictions(version)->size()), cancelledAt);
    QCOMPARE(cancelledAt % 2, qint64(0));

    // Resume (as after closing the app): the finished clips are skipped, the rest done.
    po.model = versionSource(version);
    PrelabelJob second(StoreProjectData::factory(*p.store), po);
    JobControl again;
    const JobOutcome resumed = runJobInline(second, again);
    QCOMPARE(int(resumed.state), int(JobState::Finished));
    QCOMPARE(resumed.skipped, cancelledAt);
    QCOMPARE(resumed.done, qint64(total));
    QCOMPARE(qint64(resumed.figures.value("clips").toDouble()), total - cancelledAt);
    const std::vector<ItemPrediction> all = data->predictions(version).value();
    QCOMPARE(int(all.size()), total);
    for (const ItemPrediction& one : all) {
        QCOMPARE(int(one.topClasses.size()), 5);
        QVERIFY(one.topClasses[0].score >= one.topClasses[1].score);
        QCOMPARE(int(one.bodyPartScores.size()), Taxonomy::builtinMa52().bodyPartCount());
    }
    // Nothing overwritten: one version for both runs.
    QCOMPARE(int(data->modelVersions()->size()), 1);
}

void TestWorkerLogic::unreadableClipIsRecordedAndTheJobGoesOn()
{
    test::WorkerProjectOptions o;
    o.videos = 4;
    o.confirmedEvery = 0;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("broken"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    { // the second video's file is damaged after import
        QFile f(p.videoPaths[1]);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("this is not a video");
    }
    PrelabelOptions po;
    po.model = tinyRandomModel();
    po.device = mas::model::Device::Cpu;
    po.batchSize = 3;
    PrelabelJob job(StoreProjectData::factory(*p.store), po);
    JobControl control;
    QStringList reported;
    const JobOutcome outcome = runJobInline(job, control, {}, [&](const QString& key, const QString& message) {
        reported << key + ": " + message;
    });
    QVERIFY2(outcome.state == JobState::Finished, qPrintable(outcome.message));
    QCOMPARE(outcome.failed, qint64(1));
    QCOMPARE(outcome.done, qint64(4));
    QCOMPARE(reported.size(), 1);
    QVERIFY2(reported[0].startsWith(QString::number(p.segmentIds[1]) + ": "), qPrintable(reported[0]));
    const QString version = outcome.figures.value("model_version").toString();
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*p.store);
    QCOMPARE(int(data->predictions(version)->size()), 3);
    const std::vector<ItemFailure> failures = data->failures(version).value();
    QCOMPARE(int(failures.size()), 1);
    QCOMPARE(failures[0].itemKey, QString::number(p.segmentIds[1]));
    QVERIFY2(failures[0].message.contains("clip01.mp4"), qPrintable(failures[0].message));
}

void TestWorkerLogic::queuePausesAndResumesOnItsThread()
{
    test::WorkerProjectOptions o;
    o.videos = 8;
    o.framesPerVideo = 24;
    o.segmentsPerVideo = 3;
    o.confirmedEvery = 0;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("pause"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    PrelabelOptions po;
    po.model = tinyRandomModel();
    po.device = mas::model::Device::Cpu;
    po.batchSize = 2;
    JobQueue queue;
    QVector<JobProgress> seen;
    std::optional<JobOutcome> outcome;
    QThread* deliveredOn = nullptr;
    bool pausedOnce = false;
    connect(&queue, &JobQueue::progress, this, [&](const JobProgress& pr) {
        deliveredOn = QThread::currentThread();
        seen << pr;
        if (!pausedOnce) { // as the Pause button does, while the model is being loaded
            pausedOnce = true;
            queue.pause();
        }
    });
    connect(&queue, &JobQueue::jobFinished, this, [&](const JobOutcome& out) { outcome = out; });
    queue.enqueue(std::make_shared<PrelabelJob>(StoreProjectData::factory(*p.store), po));
    QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty() && seen.last().paused, 60000);
    QCOMPARE(deliveredOn, QThread::currentThread()); // queued to the receiver's (GUI) thread
    QTest::qWait(300);
    const qint64 heldAt = seen.last().done;
    QTest::qWait(500);
    QCOMPARE(seen.last().done, heldAt); // nothing moves while paused
    QVERIFY(!outcome);
    QVERIFY(heldAt < qint64(p.segmentIds.size()));
    queue.resume();
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 120000);
    QVERIFY2(outcome->state == JobState::Finished, qPrintable(outcome->message));
    QCOMPARE(outcome->done, qint64(p.segmentIds.size()));
    QCOMPARE(outcome->skipped, qint64(0));
    QVERIFY(!queue.isBusy());
}

void TestWorkerLogic::fineTuneMakesANewVersionAndRefreshesPrelabels()
{
    test::WorkerProjectOptions o;
    o.videos = 8;
    o.participants = 4;
    o.segmentsPerVideo = 2;
    o.confirmedEvery = 2; // the first segment of each video confirmed, the second left for pre-labeling
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("finetune"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    FineTuneOptions fo;
    fo.base = tinyRandomModel();
    fo.mode = FineTuneMode::Head;
    fo.device = mas::model::Device::Cpu;
    fo.epochs = 3;
    fo.batchSize = 4;
    fo.balance = BalanceMethod::LossWeights;
    fo.validationFraction = 0.25;
    fo.refreshPrelabels = true;
    FineTuneJob job(StoreProjectData::factory(*p.store), fo);
    JobControl control;
    const JobOutcome outcome = runJobInline(job, control);
    QVERIFY2(outcome.state == JobState::Finished, qPrintable(outcome.message));
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*p.store);
    const std::vector<ModelVersionRecord> versions = data->modelVersions().value();
    QCOMPARE(int(versions.size()), 2); // the random start and the fine-tuned one
    const ModelVersionRecord base = versions[0].kind == "random-init" ? versions[0] : versions[1];
    const ModelVersionRecord tuned = versions[0].kind == "fine-tuned" ? versions[0] : versions[1];
    QCOMPARE(tuned.kind, QString("fine-tuned"));
    QCOMPARE(tuned.parentId, base.id);
    QCOMPARE(outcome.figures.value("model_version_id").toVariant().toLongLong(), tuned.id.toLongLong());
    QVERIFY(tuned.active);
    QCOMPARE(p.store->activeModelVersion()->id, tuned.id.toLongLong());
    QCOMPARE(tuned.hyperParams.value("mode").toString(), QString("head"));
    QCOMPARE(tuned.hyperParams.value("balance").toString(), QString("loss-weights"));
    QCOMPARE(tuned.hyperParams.value("epochs").toInt(), 3);
    const QJsonObject snapshot = tuned.hyperParams.value("data_snapshot").toObject();
    QCOMPARE(snapshot.value("training_clips").toInt() + snapshot.value("validation_clips").toInt(), 8);
    QVERIFY(snapshot.value("validation_clips").toInt() > 0);
    QCOMPARE(tuned.metrics.value("epochs").toArray().size(), 3);
    QVERIFY(tuned.metrics.value("val").toObject().contains("classes"));
    QVERIFY(QFile::exists(tuned.checkpointPath));
    QVERIFY(mas::model::inspectCheckpoint(tuned.checkpointPath.toStdString()).ok());
    // The data snapshot names each clip's side: no participant on both.
    QFile snapshotFile(QFileInfo(tuned.checkpointPath).absolutePath() + "/data_snapshot.json");
    QVERIFY(snapshotFile.open(QIODevice::ReadOnly));
    QSet<QString> trainParticipants, valParticipants;
    for (const QJsonValue& v : QJsonDocument::fromJson(snapshotFile.readAll()).array())
        (v["set"].toString() == "train" ? trainParticipants : valParticipants).insert(v["participant"].toString());
    QVERIFY(!valParticipants.isEmpty());
    QVERIFY(!trainParticipants.intersects(valParticipants));
    // Pre-labels of the unconfirmed segments refreshed by the new active version.
    QCOMPARE(int(data->predictions(tuned.id)->size()), 8);
    const QVector<store::ClipRow> rows = p.store->clipRows().value(); // named: a Result temporary would die first
    for (const store::ClipRow& row : rows)
        if (row.status != store::SegmentStatus::Confirmed)
            QVERIFY(row.predictedClassId >= 0);
    // Roll back: the parent is active again, and nothing was overwritten.
    QCOMPARE(data->rollBack().value(), base.id);
    QCOMPARE(p.store->activeModelVersion()->id, base.id.toLongLong());
    QVERIFY(QFile::exists(base.checkpointPath));
    QVERIFY(!data->rollBack().ok()); // the random start has no parent
}

void TestWorkerLogic::evaluateStoresFiguresWithTheVersion()
{
    test::WorkerProjectOptions o;
    o.videos = 6;
    o.confirmedEvery = 1;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("evaluate"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    EvaluateOptions eo;
    eo.model = tinyRandomModel();
    eo.device = mas::model::Device::Cpu;
    eo.split = "test";
    eo.planName = "everyone";
    eo.participants = {"P1", "P2", "P3"};
    eo.restrictToParticipants = true;
    EvaluateJob job(StoreProjectData::factory(*p.store), eo);
    JobControl control;
    const JobOutcome outcome = runJobInline(job, control);
    QVERIFY2(outcome.state == JobState::Finished, qPrintable(outcome.message));
    const QJsonObject figures = outcome.figures.value("evaluation").toObject();
    QCOMPARE(figures.value("classes").toObject().value("count").toInt(), 6);
    const QJsonObject top5 = figures.value("classes").toObject();
    QVERIFY(top5.value("top5").toDouble() >= top5.value("top1").toDouble());
    std::unique_ptr<ProjectData> data = StoreProjectData::borrow(*p.store);
    const ModelVersionRecord v = data->modelVersion(outcome.figures.value("model_version").toString())->value();
    QCOMPARE(v.metrics.value("test").toObject().value("clips").toInt(), 6);
    QCOMPARE(v.metrics.value("test").toObject().value("plan").toString(), QString("everyone"));
    QVERIFY(!v.metrics.contains("evaluation")); // the old key is read for old projects, never written
}

void TestWorkerLogic::slidingWindowProposesPrelabeledSegmentsOnce()
{
    test::WorkerProjectOptions o;
    o.videos = 2;
    o.framesPerVideo = 60;
    o.segmentsPerVideo = 0; // long footage nobody has cut yet
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("windows"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    PrelabelOptions po;
    po.model = tinyRandomModel();
    po.device = mas::model::Device::Cpu;
    po.slidingWindow = true;
    po.windows.window = 20;
    po.windows.stride = 10;
    po.windows.threshold = 0.019f; // an untrained model is near uniform (1/52): some classes pass, most do not
    PrelabelJob job(StoreProjectData::factory(*p.store), po);
    JobControl control;
    const JobOutcome outcome = runJobInline(job, control);
    QVERIFY2(outcome.state == JobState::Finished, qPrintable(outcome.message));
    QCOMPARE(outcome.done, qint64(2 * 5)); // windows 0-20, 10-30, ..., 40-60 per video
    const int proposals = outcome.figures.value("proposals").toInt();
    QVERIFY(proposals > 0);
    const store::ProjectCounts counts = p.store->counts().value();
    QCOMPARE(counts.segments, proposals);
    QCOMPARE(counts.labelsByStatus[int(store::LabelStatus::Prelabeled)], proposals);
    const QVector<store::ClipRow> rows = p.store->clipRows().value(); // named: a Result temporary would die first
    // Top-class merging: a segment covers whole windows, cut where the next class's window starts (so at
    // least one stride), and the segments of one video never overlap.
    QMap<store::Id, int64_t> lastEnd;
    for (const store::ClipRow& row : rows) {
        QVERIFY(row.endFrame - row.startFrame >= po.windows.stride);
        QVERIFY(row.endFrame <= 60);
        QVERIFY(row.startFrame >= lastEnd.value(row.videoId, 0));
        lastEnd[row.videoId] = row.endFrame;
    }
    // Again with the same version: every video is done, nothing is added twice.
    po.model = versionSource(outcome.figures.value("model_version").toString());
    PrelabelJob again(StoreProjectData::factory(*p.store), po);
    const JobOutcome second = runJobInline(again, control);
    QCOMPARE(second.skipped, qint64(10));
    QCOMPARE(p.store->counts()->segments, proposals);
}

void TestWorkerLogic::prelabelsTheRealClipsThroughTheStore()
{
    const QString shared = test::sharedDir();
    if (shared.isEmpty())
        QSKIP("../shared (MA-52 clips) is absent");
    Result<std::unique_ptr<store::ProjectStore>> created =
        store::ProjectStore::create(m_dir.filePath("real.mas"), Taxonomy::builtinMa52(), "tester");
    QVERIFY2(created, qPrintable(created.error()));
    store::ProjectStore& s = *created.value();
    Result<store::VideoFolderImportReport> imported = store::importVideoFolder(s, shared + "/ma52/clips");
    QVERIFY2(imported, qPrintable(imported.error()));
    QCOMPARE(imported->imported, 3);
    QCOMPARE(imported->segmentsAdded, 3);
    // An untrained MANet at the real input size (ResNet-18 to keep it quick): it must run and store predictions.
    PrelabelOptions po;
    po.model.kind = ModelSource::Kind::RandomInit;
    po.model.config.depth = 18;
    po.model.config.segments = 8;
    po.model.inputSize = 224;
    po.device = mas::model::Device::Cpu;
    PrelabelJob job(StoreProjectData::factory(s), po);
    JobControl control;
    const JobOutcome outcome = runJobInline(job, control);
    QVERIFY2(outcome.state == JobState::Finished, qPrintable(outcome.message));
    QCOMPARE(outcome.failed, qint64(0));
    QVERIFY(s.setActiveModelVersion(outcome.figures.value("model_version").toString().toLongLong()).ok());
    const QVector<store::ClipRow> rows = s.clipRows().value();
    QCOMPARE(rows.size(), 3);
    for (const store::ClipRow& row : rows) {
        QVERIFY(row.predictedClassId >= 0 && row.predictedClassId < 52);
        const QVector<store::Prediction> stored = s.predictionsOfSegment(row.segmentId).value();
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored[0].topK.size(), 5);
        QCOMPARE(stored[0].bodyPartScores.size(), Taxonomy::builtinMa52().bodyPartCount());
    }
    qInfo("3 real clips pre-labeled at %.2f clips/s", outcome.figures.value("clips_per_second").toDouble());
}

QTEST_GUILESS_MAIN(TestWorkerLogic)
#include "tst_workerlogic.moc"
