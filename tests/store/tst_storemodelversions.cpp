// Renaming and deleting model versions in a real project file: names stay unique, a deleted version takes its
// predictions with it, its children are re-parented to its parent, deleting the active one leaves none active,
// and every change is in the edit log and survives reopening.
#include "StoreTestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestStoreModelVersions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void renameKeepsNamesUnique();
    void deleteTakesPredictionsAndReparentsChildren();
    void deletingTheActiveVersionLeavesNoneActive();

private:
    QTemporaryDir m_dir;
    test::ProjectLocations m_loc{m_dir};
};

namespace {

Id addVersion(ProjectStore& s, const QString& name, Id parent = 0)
{
    ModelVersion v;
    v.name = name;
    v.parentId = parent;
    v.kind = parent ? "fine-tuned" : "pretrained";
    Result<Id> id = s.addModelVersion(v);
    return id ? id.value() : 0;
}

Id addSegmentWithVideo(ProjectStore& s, const QString& path)
{
    Result<Id> video = s.addVideo(test::fakeVideo(path));
    if (!video)
        return 0;
    Result<Id> segment = s.addSegment(video.value(), 0, 30);
    return segment ? segment.value() : 0;
}

} // namespace

void TestStoreModelVersions::initTestCase()
{
    if (const QString why = m_loc.unavailable(); !why.isEmpty())
        QSKIP(qPrintable(why));
}

void TestStoreModelVersions::renameKeepsNamesUnique()
{
    auto s = test::createProject(m_loc.project("rename.mas"));
    QVERIFY(s);
    const Id a = addVersion(*s, "authors");
    const Id b = addVersion(*s, "tuned", a);
    QVERIFY(a && b);
    QVERIFY(s->renameModelVersion(a, "  MA-52 authors  ").ok());
    QCOMPARE(s->modelVersion(a)->name, QString("MA-52 authors"));
    const Status taken = s->renameModelVersion(b, "MA-52 authors");
    QVERIFY(!taken.ok());
    QVERIFY2(taken.error().contains("already exists"), qPrintable(taken.error()));
    QVERIFY(!s->renameModelVersion(b, "   ").ok());
    QVERIFY(!s->renameModelVersion(9999, "x").ok());
    QCOMPARE(s->modelVersion(b)->name, QString("tuned"));
    QCOMPARE(s->editLog(1).value().first().action, QString("model.rename"));
    s.reset();
    Result<std::unique_ptr<ProjectStore>> reopened = ProjectStore::open(m_loc.project("rename.mas"));
    QVERIFY(reopened.ok());
    QCOMPARE(reopened.value()->modelVersion(a)->name, QString("MA-52 authors"));
}

void TestStoreModelVersions::deleteTakesPredictionsAndReparentsChildren()
{
    auto s = test::createProject(m_loc.project("delete.mas"));
    QVERIFY(s);
    const Id base = addVersion(*s, "base");
    const Id middle = addVersion(*s, "middle", base);
    const Id child = addVersion(*s, "child", middle);
    const Id sibling = addVersion(*s, "sibling", middle);
    const Id segment = addSegmentWithVideo(*s, "videos/a.mp4");
    QVERIFY(base && middle && child && sibling && segment);
    QVector<Prediction> predictions;
    for (Id v : {base, middle, child}) {
        Prediction p;
        p.segmentId = segment;
        p.modelVersionId = v;
        p.topK = {{3, 0.8f}};
        predictions << p;
    }
    QVERIFY(s->storePredictions(predictions).ok());

    Result<ModelVersion> removed = s->removeModelVersion(middle);
    QVERIFY2(removed.ok(), qPrintable(removed.error()));
    QCOMPARE(removed->name, QString("middle"));
    QVERIFY(!s->modelVersion(middle).ok());
    QCOMPARE(s->modelVersion(child)->parentId, base);
    QCOMPARE(s->modelVersion(sibling)->parentId, base);
    QCOMPARE(s->predictionsOfVersion(middle)->size(), 0);
    QCOMPARE(s->predictionsOfVersion(base)->size(), 1);
    QCOMPARE(s->predictionsOfSegment(segment)->size(), 2);
    QCOMPARE(s->editLog(1).value().first().action, QString("model.remove"));

    // A root with children: they become roots.
    QVERIFY(s->removeModelVersion(base).ok());
    QCOMPARE(s->modelVersion(child)->parentId, Id(0));
    QCOMPARE(s->modelVersions()->size(), 2);
    QVERIFY(!s->removeModelVersion(middle).ok()); // already gone: says so
}

void TestStoreModelVersions::deletingTheActiveVersionLeavesNoneActive()
{
    auto s = test::createProject(m_loc.project("active.mas"));
    QVERIFY(s);
    const Id base = addVersion(*s, "base");
    const Id tuned = addVersion(*s, "tuned", base);
    QVERIFY(s->setActiveModelVersion(tuned).ok());
    QVERIFY(s->removeModelVersion(tuned).ok());
    QVERIFY(!s->activeModelVersion().has_value()); // not silently the parent: the user picks
    QCOMPARE(s->modelVersions()->size(), 1);
    s.reset();
    Result<std::unique_ptr<ProjectStore>> reopened = ProjectStore::open(m_loc.project("active.mas"));
    QVERIFY(reopened.ok());
    QVERIFY(!reopened.value()->activeModelVersion().has_value());
    QCOMPARE(reopened.value()->integrityCheck().value(), QString("ok"));
}

QTEST_GUILESS_MAIN(TestStoreModelVersions)
#include "tst_storemodelversions.moc"
