// Round trips through a real project file: every entity written, the file closed and reopened,
// and what the GUI asks of it (clip rows with filters, counts, edit log) checked.
#include "StoreTestSupport.h"

#include <QDir>
#include <QFile>
#include <QThread>
#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestProjectStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createAndReopenKeepsEveryEntity();
    void segmentStatusFollowsItsLabels();
    void clipRowsFilterByStatusClassBodyPartParticipantAndScore();
    void countsForProjectInfo();
    void everyEditIsLoggedWithBeforeAndAfter();
    void cancelledBulkInsertLeavesNoRows();
    void invalidEditsAreRefusedWithReasons();
    void readOnlyStoreRefusesEdits();
    void anotherConnectionWorksOnAnotherThread();
    void customTaxonomyIsStoredWithTheProject();
    void createRefusesToOverwrite();
    void conflictingEditsAreRefusedNamingWhoChangedTheRow();

private:
    QTemporaryDir m_dir;
    test::ProjectLocations m_loc{m_dir};
};

void TestProjectStore::initTestCase()
{
    if (const QString why = m_loc.unavailable(); !why.isEmpty())
        QSKIP(qPrintable(why));
    qInfo("back end: %s", qPrintable(test::ProjectLocations::backendName()));
}

void TestProjectStore::createAndReopenKeepsEveryEntity()
{
    const QString path = m_loc.project("roundtrip.mas");
    Id video = 0, segment = 0, label = 0, model = 0, child = 0, plan = 0, participant = 0;
    {
        auto s = test::createProject(path, "alice");
        QCOMPARE(s->taxonomy().classCount(), 52);
        participant = s->ensureParticipant("0010").value();
        QCOMPARE(s->ensureParticipant("0010").value(), participant); // idempotent
        Video v = test::fakeVideo(m_dir.filePath("clips/0010_02_0101.mp4"), participant); // absolute in, relative stored
        v.fpsNum = 30000;
        v.fpsDen = 1001;
        v.rotationDegrees = 90;
        v.hasAudio = true;
        video = s->addVideo(v).value();
        segment = s->addSegment(video, 10, 40, "raises hand").value();
        label = s->addLabel(segment, 17, LabelStatus::Prelabeled).value();
        QVERIFY(s->setLabelStatus(label, LabelStatus::Confirmed).ok());
        ModelVersion m;
        m.name = "manet-r50-base";
        m.kind = "pretrained";
        m.hyperParamsJson = R"({"depth":50})";
        m.checkpointPath = s->cacheDir() + "/models/base.pt";
        model = s->addModelVersion(m).value();
        ModelVersion ft = m;
        ft.name = "manet-r50-ft1";
        ft.parentId = model;
        ft.kind = "fine-tuned";
        ft.active = true;
        child = s->addModelVersion(ft).value();
        QVERIFY(s->updateModelMetrics(child, R"({"top1":0.61})").ok());
        Prediction p;
        p.segmentId = segment;
        p.modelVersionId = child;
        p.topK = {{17, 0.8f}, {3, 0.1f}, {5, 0.05f}, {9, 0.03f}, {1, 0.02f}};
        p.bodyPartScores = {0.1f, 0.1f, 0.6f, 0.1f, 0.05f, 0.03f, 0.02f};
        QCOMPARE(s->storePredictions({p}).value(), 1);
        plan = s->createSplitPlan("by-participant", SplitUnit::Participant, "seed 1").value();
        QVERIFY(s->setSplitAssignments(plan, {{participant, SplitSet::Val}}).ok());
    }
    auto reopened = ProjectStore::open(path);
    QVERIFY2(reopened.ok(), qPrintable(reopened.error()));
    ProjectStore& s = *reopened.value();
    QCOMPARE(s.meta().schemaVersion, kCurrentSchemaVersion);
    QCOMPARE(s.meta().taxonomyVersion, Taxonomy::builtinMa52().version());
    QVERIFY(s.meta().created.isValid());
    QCOMPARE(s.annotators().value().size(), 1);
    QCOMPARE(s.annotators().value().first().name, QString("alice"));
    QCOMPARE(s.participants().value().first().code, QString("0010"));

    const Video v = s.video(video).value();
    QCOMPARE(v.path, QString("clips/0010_02_0101.mp4"));
    QCOMPARE(s.absoluteVideoPath(v), m_dir.filePath("clips/0010_02_0101.mp4"));
    QCOMPARE(v.fpsNum, 30000);
    QCOMPARE(v.fpsDen, 1001);
    QCOMPARE(v.rotationDegrees, 90);
    QVERIFY(v.hasAudio);
    QVERIFY(v.missing); // no such file on disk
    QCOMPARE(v.participantId, participant);
    QCOMPARE(s.videoIdByPath("clips/0010_02_0101.mp4"), std::optional<Id>(video));

    const Segment seg = s.segment(segment).value();
    QCOMPARE(seg.startFrame, int64_t(10));
    QCOMPARE(seg.endFrame, int64_t(40));
    QCOMPARE(seg.frameLength(), int64_t(30));
    QCOMPARE(seg.note, QString("raises hand"));
    QCOMPARE_STATUS(seg.status, SegmentStatus::Confirmed);
    QCOMPARE(seg.classId, 17);
    QCOMPARE(s.segmentsOfVideo(video).value().size(), 1);

    const QVector<Label> labels = s.labelsOfSegment(segment).value();
    QCOMPARE(labels.size(), 1);
    QCOMPARE(labels.first().id, label);
    QCOMPARE_STATUS(labels.first().status, LabelStatus::Confirmed);

    const QVector<ModelVersion> models = s.modelVersions().value();
    QCOMPARE(models.size(), 2);
    // A file's is relative to its folder; a server project hands out this client's cached copy.
    if (test::ProjectLocations::serverBackend())
        QCOMPARE(models[0].checkpointPath, s.cacheDir() + "/models/base.pt");
    else
        QCOMPARE(models[0].checkpointPath, QString("roundtrip.mas.cache/models/base.pt"));
    QCOMPARE(models[1].parentId, model);
    QVERIFY(models[1].active);
    QVERIFY(!models[0].active);
    QCOMPARE(s.activeModelVersion()->id, child);
    QVERIFY(models[1].metricsJson.contains("0.61"));

    const QVector<Prediction> preds = s.predictionsOfSegment(segment).value();
    QCOMPARE(preds.size(), 1);
    QCOMPARE(preds[0].topK.size(), 5);
    QCOMPARE(preds[0].topK[0].classId, 17);
    QCOMPARE(preds[0].topK[1].score, 0.1f);
    QCOMPARE(preds[0].bodyPartScores.size(), 7);
    // What a resumed pre-label asks: everything one model version predicted, in one query.
    const QVector<Prediction> ofChild = s.predictionsOfVersion(child).value();
    QCOMPARE(ofChild.size(), 1);
    QCOMPARE(ofChild[0].segmentId, segment);
    QCOMPARE(ofChild[0].topK[0].classId, 17);
    QVERIFY(s.predictionsOfVersion(model).value().isEmpty());

    QCOMPARE(s.splitPlans().value().first().name, QString("by-participant"));
    QCOMPARE_SPLIT(s.splitAssignments(plan).value().first().set, SplitSet::Val);
    QCOMPARE(s.integrityCheck().value(), QString("ok"));

    // Removing a video removes its segments, labels and predictions (foreign keys are on).
    QVERIFY(s.removeVideo(video).ok());
    QCOMPARE(s.counts()->segments, 0);
    QCOMPARE(s.counts()->labels, 0);
    QCOMPARE(s.counts()->predictions, 0);
}

void TestProjectStore::segmentStatusFollowsItsLabels()
{
    auto s = test::createProject(m_loc.project("verdict.mas"));
    const Id bob = s->ensureAnnotator("bob").value();
    const Id video = s->addVideo(test::fakeVideo("a.mp4")).value();
    const Id seg = s->addSegment(video, 0, 90).value();
    auto status = [&] { return s->segment(seg).value().status; };
    auto cls = [&] { return s->segment(seg).value().classId; };
    QCOMPARE_STATUS(status(), SegmentStatus::Unlabeled);
    const Id pre = s->addLabel(seg, 4, LabelStatus::Prelabeled).value();
    QCOMPARE_STATUS(status(), SegmentStatus::Prelabeled);
    QCOMPARE(cls(), 4);
    QVERIFY(s->setLabelStatus(pre, LabelStatus::Rejected).ok());
    QCOMPARE_STATUS(status(), SegmentStatus::Rejected);
    const Id mine = s->addLabel(seg, 7, LabelStatus::Confirmed).value();
    QCOMPARE_STATUS(status(), SegmentStatus::Confirmed);
    QCOMPARE(cls(), 7);
    const Id theirs = s->addLabel(seg, 8, LabelStatus::Confirmed, bob).value(); // two annotators disagree
    QCOMPARE_STATUS(status(), SegmentStatus::Disputed);
    QVERIFY(s->setLabelClass(theirs, 7).ok());
    QCOMPARE_STATUS(status(), SegmentStatus::Confirmed);
    QVERIFY(s->setLabelStatus(mine, LabelStatus::Disputed).ok());
    QCOMPARE_STATUS(status(), SegmentStatus::Disputed);
    QVERIFY(s->removeLabel(mine).ok());
    QCOMPARE_STATUS(status(), SegmentStatus::Confirmed);
    QCOMPARE(s->labelsOfSegment(seg).value().size(), 2);
    QVERIFY(!ProjectStore::verdictRule().isEmpty());
}

void TestProjectStore::clipRowsFilterByStatusClassBodyPartParticipantAndScore()
{
    auto s = test::createProject(m_loc.project("filters.mas"));
    const Id p1 = s->ensureParticipant("0001").value();
    const Id p2 = s->ensureParticipant("0002").value();
    const Id v1 = s->addVideo(test::fakeVideo("v1.mp4", p1)).value();
    const Id v2 = s->addVideo(test::fakeVideo("v2.mp4", p2)).value();
    const Taxonomy& t = s->taxonomy();
    const int headClass = t.classesOfBodyPart(t.bodyParts().first().id).first();
    const int otherClass = t.classesOfBodyPart(t.bodyParts().last().id).first();
    QVector<Id> segs;
    QVERIFY(s->addSegments({{v1, 0, 30, {}}, {v1, 30, 60, {}}, {v2, 0, 90, {}}}, {}, &segs).ok());
    QVERIFY(s->addLabels({{segs[0], headClass, 0, LabelStatus::Confirmed},
                          {segs[1], otherClass, 0, LabelStatus::Prelabeled}})
                .ok());
    ModelVersion m;
    m.name = "m";
    m.active = true;
    const Id model = s->addModelVersion(m).value();
    QVERIFY(s->storePredictions({{0, segs[0], model, {{headClass, 0.9f}}, {}, {}},
                                 {0, segs[1], model, {{headClass, 0.4f}}, {}, {}}})
                .ok());
    // Storing again replaces, never duplicates.
    QVERIFY(s->storePredictions({{0, segs[1], model, {{otherClass, 0.3f}}, {}, {}}}).ok());

    QCOMPARE(s->clipRows().value().size(), 3);
    const ClipRow first = s->clipRows().value().first();
    QCOMPARE(first.videoPath, QString("v1.mp4"));
    QCOMPARE(first.participantCode, QString("0001"));
    QCOMPARE(first.predictedClassId, headClass);
    QCOMPARE(first.predictedScore, 0.9f);

    ClipFilter f;
    f.status = SegmentStatus::Confirmed;
    QCOMPARE(s->clipRows(f).value().size(), 1);
    f = {};
    f.status = SegmentStatus::Unlabeled;
    QCOMPARE(s->clipRows(f).value().first().segmentId, segs[2]);
    f = {};
    f.classId = otherClass;
    QCOMPARE(s->clipRows(f).value().first().segmentId, segs[1]);
    f = {};
    f.bodyPartId = t.bodyParts().first().id;
    QCOMPARE(s->clipRows(f).value().size(), 1);
    f = {};
    f.participantId = p2;
    QCOMPARE(s->clipRows(f).value().size(), 1);
    f = {};
    f.videoId = v1;
    QCOMPARE(s->clipRows(f).value().size(), 2);
    f = {};
    f.minScore = 0.35f;
    QCOMPARE(s->clipRows(f).value().size(), 1);
    f = {};
    f.maxScore = 0.35f;
    QCOMPARE(s->clipRows(f).value().first().predictedClassId, otherClass);
    f = {};
    f.predictedClassId = headClass;
    QCOMPARE(s->clipRows(f).value().size(), 1);
    f = {};
    f.limit = 1;
    f.offset = 2;
    QCOMPARE(s->clipRows(f).value().first().segmentId, segs[2]);
    // No active model: no predicted column.
    QVERIFY(s->setActiveModelVersion(0).ok());
    QCOMPARE(s->clipRows().value().first().predictedClassId, -1);
}

void TestProjectStore::countsForProjectInfo()
{
    auto s = test::createProject(m_loc.project("counts.mas"));
    const Id v = s->addVideo(test::fakeVideo("v.mp4")).value();
    QVector<Id> segs;
    QVERIFY(s->addSegments({{v, 0, 10, {}}, {v, 10, 20, {}}, {v, 20, 30, {}}}, {}, &segs).ok());
    QVERIFY(s->addLabel(segs[0], 0, LabelStatus::Confirmed).ok());
    QVERIFY(s->addLabel(segs[1], 51, LabelStatus::Prelabeled).ok());
    const ProjectCounts c = s->counts().value();
    QCOMPARE(c.videos, 1);
    QCOMPARE(c.missingVideos, 1);
    QCOMPARE(c.segments, 3);
    QCOMPARE(c.labels, 2);
    QCOMPARE(c.labelsByStatus[int(LabelStatus::Confirmed)], 1);
    QCOMPARE(c.labelsByStatus[int(LabelStatus::Prelabeled)], 1);
    QCOMPARE(c.segmentsByStatus[0], 1); // unlabeled
    QCOMPARE(c.segmentsPerClass[0], 1);
    QCOMPARE(c.segmentsPerClass[51], 1);
    const int b0 = s->taxonomy().bodyPartOfClass(0), b51 = s->taxonomy().bodyPartOfClass(51);
    QCOMPARE(c.segmentsPerBodyPart[b0], b0 == b51 ? 2 : 1);
}

void TestProjectStore::everyEditIsLoggedWithBeforeAndAfter()
{
    auto s = test::createProject(m_loc.project("log.mas"), "carol");
    const Id v = s->addVideo(test::fakeVideo("v.mp4")).value();
    const Id seg = s->addSegment(v, 0, 30).value();
    const Id l = s->addLabel(seg, 3, LabelStatus::Prelabeled).value();
    QVERIFY(s->setLabelStatus(l, LabelStatus::Confirmed).ok());
    QVERIFY(s->updateSegment(seg, 5, 30, "trimmed").ok());
    const QVector<EditLogEntry> log = s->editLog(3).value();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].action, QString("segment.update"));
    QVERIFY(log[0].beforeJson.contains("\"start_frame\":0"));
    QVERIFY(log[0].afterJson.contains("\"start_frame\":5"));
    QCOMPARE(log[1].action, QString("label.status"));
    QCOMPARE(log[1].entityId, l);
    QVERIFY(log[1].beforeJson.contains("prelabeled"));
    QVERIFY(log[1].afterJson.contains("confirmed"));
    QCOMPARE(log[1].who, QString("carol"));
    QCOMPARE(log[2].action, QString("label.add"));
    QCOMPARE(s->editLog(100, log[2].id).value().first().action, QString("segment.add"));
}

void TestProjectStore::cancelledBulkInsertLeavesNoRows()
{
    auto s = test::createProject(m_loc.project("cancel.mas"));
    QVector<Video> videos;
    for (int i = 0; i < 2000; ++i)
        videos << test::fakeVideo(QString("clips/%1.mp4").arg(i));
    std::atomic_bool cancel{false};
    BatchControl control;
    control.cancel = &cancel;
    int64_t lastDone = 0;
    control.progress = [&](int64_t done, int64_t total) {
        QCOMPARE(total, int64_t(2000));
        lastDone = done;
        if (done >= 1000)
            cancel = true;
    };
    Result<int> r = s->addVideos(videos, control);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains("cancelled"), qPrintable(r.error()));
    QVERIFY(lastDone >= 1000);
    QCOMPARE(s->counts()->videos, 0);
    cancel = false;
    control.progress = {};
    QCOMPARE(s->addVideos(videos, control).value(), 2000);
    // Bulk predictions roll back as a whole too.
    ModelVersion m;
    m.name = "m";
    const Id model = s->addModelVersion(m).value();
    const Id seg = s->addSegment(s->videos().value().first().id, 0, 10).value();
    Result<int> bad = s->storePredictions({{0, seg, model, {{1, 0.5f}}, {}, {}}, {0, 999999, model, {{1, 0.5f}}, {}, {}}});
    QVERIFY(!bad.ok()); // the second row names no segment
    QCOMPARE(s->counts()->predictions, 0);
}

void TestProjectStore::invalidEditsAreRefusedWithReasons()
{
    auto s = test::createProject(m_loc.project("invalid.mas"));
    const Id v = s->addVideo(test::fakeVideo("v.mp4")).value();
    Result<Id> backwards = s->addSegment(v, 30, 10);
    QVERIFY(!backwards.ok());
    QVERIFY2(backwards.error().contains("invalid.mas") && backwards.error().contains("exclusive"), qPrintable(backwards.error()));
    const Id seg = s->addSegment(v, 0, 10).value();
    Result<Id> badClass = s->addLabel(seg, 52, LabelStatus::Confirmed);
    QVERIFY(!badClass.ok());
    QVERIFY2(badClass.error().contains("class id 52"), qPrintable(badClass.error()));
    QVERIFY(!s->addLabel(424242, 1, LabelStatus::Confirmed).ok());
    Result<Id> dup = s->addVideo(test::fakeVideo("v.mp4"));
    QVERIFY(!dup.ok());
    QVERIFY2(dup.error().contains("already in the project"), qPrintable(dup.error()));
    QCOMPARE(s->counts()->segments, 1);
}

void TestProjectStore::readOnlyStoreRefusesEdits()
{
    const QString path = m_loc.project("ro.mas");
    test::createProject(path);
    auto ro = ProjectStore::open(path, OpenMode::ReadOnly);
    QVERIFY2(ro.ok(), qPrintable(ro.error()));
    QVERIFY(ro.value()->isReadOnly());
    Result<Id> r = ro.value()->addVideo(test::fakeVideo("v.mp4"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains("read-only"), qPrintable(r.error()));
    QCOMPARE(ro.value()->counts()->videos, 0);
}

void TestProjectStore::anotherConnectionWorksOnAnotherThread()
{
    const QString path = m_loc.project("threads.mas");
    auto s = test::createProject(path);
    const Id v = s->addVideo(test::fakeVideo("v.mp4")).value();
    QString threadError;
    int seenByThread = -1;
    QThread* worker = QThread::create([&] {
        auto other = s->openAnotherConnection(); // opened on, and used on, this thread only
        if (!other.ok()) {
            threadError = other.error();
            return;
        }
        for (int i = 0; i < 50 && threadError.isEmpty(); ++i)
            if (Result<Id> seg = other.value()->addSegment(v, i, i + 1); !seg.ok())
                threadError = seg.error();
        seenByThread = other.value()->counts()->segments;
    });
    worker->start();
    for (int i = 0; i < 50; ++i)
        QVERIFY(s->addSegment(v, 100 + i, 101 + i).ok());
    QVERIFY(worker->wait(30000));
    delete worker;
    QVERIFY2(threadError.isEmpty(), qPrintable(threadError));
    QVERIFY(seenByThread >= 50);
    QCOMPARE(s->counts()->segments, 100);
}

void TestProjectStore::customTaxonomyIsStoredWithTheProject()
{
    const QString tsvPath = m_dir.filePath("lab.tsv");
    QFile f(tsvPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("id\tcode\tname\tbody_part_id\tbody_part\n0\tA1\tnod\t0\thead\n1\tA2\tshake\t0\thead\n2\tB1\twave\t1\thand\n");
    f.close();
    Result<Taxonomy> t = Taxonomy::fromTsvFile(tsvPath);
    QVERIFY2(t.ok(), qPrintable(t.error()));
    const QString path = m_loc.project("custom.mas");
    QVERIFY(ProjectStore::create(path, t.value(), "lab").ok());
    QFile::remove(tsvPath); // the project must not need the file any more
    auto s = ProjectStore::open(path);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    QCOMPARE(s.value()->taxonomy().classCount(), 3);
    QCOMPARE(s.value()->taxonomy().classById(2)->name, QString("wave"));
    QCOMPARE(s.value()->meta().taxonomyVersion, t->version());
}

void TestProjectStore::createRefusesToOverwrite()
{
    const QString path = m_loc.project("once.mas");
    test::createProject(path);
    Result<std::unique_ptr<ProjectStore>> again = ProjectStore::create(path, Taxonomy::builtinMa52());
    QVERIFY(!again.ok());
    QVERIFY2(again.error().contains("already exists"), qPrintable(again.error()));
    QVERIFY(ProjectStore::open(path).ok()); // and the first one is intact
}

// Two connections (two annotators) edit the same segment and label: the second edit, made on what
// it read before the first, is refused naming the first annotator, and the first edit stays.
void TestProjectStore::conflictingEditsAreRefusedNamingWhoChangedTheRow()
{
    auto alice = test::createProject(m_loc.project("conflict.mas"), "alice");
    const Id v = alice->addVideo(test::fakeVideo("v.mp4")).value();
    const Id segId = alice->addSegment(v, 0, 10, "first").value();
    const Id labelId = alice->addLabel(segId, 3, LabelStatus::Prelabeled).value();
    const Segment seenSegment = alice->segment(segId).value();
    const Label seenLabel = alice->label(labelId).value();
    QCOMPARE(seenSegment.rowVersion, int64_t(1));

    auto other = alice->openAnotherConnection();
    QVERIFY2(other.ok(), qPrintable(other.error()));
    ProjectStore& bob = *other.value();
    QVERIFY(bob.setCurrentAnnotator("bob").ok());
    QVERIFY(bob.updateSegment(segId, 0, 20, "bob's", seenSegment.rowVersion).ok());
    QVERIFY(bob.setLabelClass(labelId, 7, seenLabel.rowVersion).ok());

    Status late = alice->updateSegment(segId, 0, 30, "alice's", seenSegment.rowVersion);
    QVERIFY(!late.ok());
    QVERIFY2(late.error().contains("bob") && late.error().contains("segment") && late.error().contains("conflict.mas"),
             qPrintable(late.error()));
    QCOMPARE(alice->segment(segId)->note, QString("bob's"));
    QCOMPARE(alice->segment(segId)->rowVersion, int64_t(2));
    Status lateLabel = alice->setLabelStatus(labelId, LabelStatus::Confirmed, seenLabel.rowVersion);
    QVERIFY2(!lateLabel.ok() && lateLabel.error().contains("bob"), qPrintable(lateLabel.error()));
    QCOMPARE(alice->label(labelId)->classId, 7);
    QCOMPARE_STATUS(alice->label(labelId)->status, LabelStatus::Prelabeled);
    // On what it reads now, the edit goes through.
    QVERIFY(alice->setLabelStatus(labelId, LabelStatus::Confirmed, alice->label(labelId)->rowVersion).ok());
    QCOMPARE_STATUS(alice->segment(segId)->status, SegmentStatus::Confirmed);
}

QTEST_GUILESS_MAIN(TestProjectStore)
#include "tst_projectstore.moc"
