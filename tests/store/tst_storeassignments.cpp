// Assignments on both back ends: a curator gives an annotator a participant (all their videos) or
// one video; "My work" (ClipFilter::assignedTo) lists exactly the clips so assigned.
#include "StoreTestSupport.h"

#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestStoreAssignments : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void myWorkListsClipsOfAssignedParticipantsAndVideos();
    void assigningTwiceKeepsOneAndUnassignTakesItBack();
    void anAssignmentNamesOneParticipantOrOneVideo();
    void removingAVideoRemovesItsAssignments();

private:
    // Two participants with two videos each, one segment per video; annotators bob and carol.
    struct Fixture {
        std::unique_ptr<ProjectStore> store;
        Id p1 = 0, p2 = 0, bob = 0, carol = 0;
        QVector<Id> videos; // p1: 0, 1; p2: 2, 3
    };
    Fixture makeProject(const QString& name);
    QTemporaryDir m_dir;
    test::ProjectLocations m_loc{m_dir};
};

void TestStoreAssignments::initTestCase()
{
    if (const QString why = m_loc.unavailable(); !why.isEmpty())
        QSKIP(qPrintable(why));
}

TestStoreAssignments::Fixture TestStoreAssignments::makeProject(const QString& name)
{
    Fixture f;
    f.store = test::createProject(m_loc.project(name));
    f.p1 = f.store->ensureParticipant("0010").value();
    f.p2 = f.store->ensureParticipant("0020").value();
    int n = 0;
    for (Id p : {f.p1, f.p1, f.p2, f.p2}) {
        const Id v = f.store->addVideo(test::fakeVideo(QStringLiteral("clip%1.mp4").arg(n++), p)).value();
        f.videos << v;
        if (Result<Id> s = f.store->addSegment(v, 0, 30); !s.ok())
            qFatal("%s", qPrintable(s.error()));
    }
    f.bob = f.store->ensureAnnotator("bob").value();
    f.carol = f.store->ensureAnnotator("carol").value();
    return f;
}

QStringList pathsOf(const QVector<ClipRow>& rows)
{
    QStringList out;
    for (const ClipRow& r : rows)
        out << r.videoPath;
    return out;
}

void TestStoreAssignments::myWorkListsClipsOfAssignedParticipantsAndVideos()
{
    Fixture f = makeProject("mywork.mas");
    ProjectStore& s = *f.store;
    QVERIFY(s.assign(f.bob, f.p1, 0).ok());
    QVERIFY(s.assign(f.bob, 0, f.videos[3]).ok());
    QVERIFY(s.assign(f.carol, f.p2, 0).ok());
    ClipFilter bob;
    bob.assignedTo = f.bob;
    QCOMPARE(pathsOf(s.clipRows(bob).value()), (QStringList{"clip0.mp4", "clip1.mp4", "clip3.mp4"}));
    ClipFilter carol;
    carol.assignedTo = f.carol;
    QCOMPARE(pathsOf(s.clipRows(carol).value()), (QStringList{"clip2.mp4", "clip3.mp4"}));
    // With the other filters: bob's clips of participant 0020 only.
    bob.participantId = f.p2;
    QCOMPARE(pathsOf(s.clipRows(bob).value()), (QStringList{"clip3.mp4"}));
    ClipFilter alice; // the creator has nothing assigned
    alice.assignedTo = s.currentAnnotatorId();
    QVERIFY(s.clipRows(alice).value().isEmpty());

    const QVector<Assignment> all = s.assignments().value();
    QCOMPARE(all.size(), 3);
    QCOMPARE(all[0].annotatorName, QString("bob"));
    QCOMPARE(all[0].participantCode, QString("0010"));
    QCOMPARE(all[0].assignedBy, QString("alice"));
    QCOMPARE(all[1].videoPath, QString("clip3.mp4"));
    QCOMPARE(all[1].participantId, Id(0));
    QCOMPARE(all[2].annotatorName, QString("carol"));
    QVERIFY(all[2].assigned.isValid());
    QCOMPARE(s.assignments(f.carol).value().size(), 1);
    QCOMPARE(s.editLog(1).value().first().action, QString("assignment.add"));
}

void TestStoreAssignments::assigningTwiceKeepsOneAndUnassignTakesItBack()
{
    Fixture f = makeProject("twice.mas");
    ProjectStore& s = *f.store;
    const Id first = s.assign(f.bob, f.p1, 0).value();
    QCOMPARE(s.assign(f.bob, f.p1, 0).value(), first);
    QCOMPARE(s.assignments().value().size(), 1);
    QVERIFY(s.unassign(first).ok());
    QVERIFY(s.assignments().value().isEmpty());
    ClipFilter bob;
    bob.assignedTo = f.bob;
    QVERIFY(s.clipRows(bob).value().isEmpty());
    const Status again = s.unassign(first);
    QVERIFY2(!again.ok() && again.error().contains("no assignment"), qPrintable(again.error()));
}

void TestStoreAssignments::anAssignmentNamesOneParticipantOrOneVideo()
{
    Fixture f = makeProject("one.mas");
    ProjectStore& s = *f.store;
    Result<Id> both = s.assign(f.bob, f.p1, f.videos[0]);
    QVERIFY2(!both.ok() && both.error().contains("one participant or one video"), qPrintable(both.error()));
    QVERIFY(!s.assign(f.bob, 0, 0).ok());
    Result<Id> nobody = s.assign(999, f.p1, 0);
    QVERIFY2(!nobody.ok() && nobody.error().contains("no annotator with id 999"), qPrintable(nobody.error()));
    QVERIFY2(nobody.error().contains("one.mas"), qPrintable(nobody.error()));
}

void TestStoreAssignments::removingAVideoRemovesItsAssignments()
{
    Fixture f = makeProject("gone.mas");
    ProjectStore& s = *f.store;
    QVERIFY(s.assign(f.bob, 0, f.videos[2]).ok());
    QVERIFY(s.assign(f.bob, f.p1, 0).ok());
    QVERIFY(s.removeVideo(f.videos[2]).ok());
    const QVector<Assignment> left = s.assignments().value();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left[0].participantCode, QString("0010"));
}

QTEST_GUILESS_MAIN(TestStoreAssignments)
#include "tst_storeassignments.moc"
