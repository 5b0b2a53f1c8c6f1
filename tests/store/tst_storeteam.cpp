// Two annotators' processes edit the same segment of a server project at once, each edit on the
// version it read: every refused edit names the other annotator, and no edit is lost (the final note
// holds each process's every token exactly once, and the row version counts every edit). Removals
// take the version read too. A server restart: an edit while it is down is refused saying so, the
// next one after it is back reconnects by itself and lands, and teammates' edits are heard again.
#include "StoreTestSupport.h"

#include <QProcess>
#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestStoreTeam : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoProcessesEditTheSameSegmentAndNothingIsLost();
    void removalsBasedOnAnOldVersionAreRefusedNamingWhoChangedIt();
    void editsReconnectAfterAServerRestart();
};

void TestStoreTeam::removalsBasedOnAnOldVersionAreRefusedNamingWhoChangedIt()
{
    test::PgTestCluster& pg = test::ProjectLocations::cluster();
    if (!pg.ok())
        QSKIP(qPrintable(pg.why()));
    const QString url = pg.url("removals");
    auto ann = test::createProject(url, "ann");
    const Id v = ann->addVideo(test::fakeVideo("v.mp4")).value();
    const Id segment = ann->addSegment(v, 0, 10).value();
    const Id label = ann->addLabel(segment, 3, LabelStatus::Confirmed).value();
    const int64_t seenSegment = ann->segment(segment)->rowVersion;
    const int64_t seenLabel = ann->label(label)->rowVersion;
    auto ben = ProjectStore::open(url);
    QVERIFY2(ben.ok(), qPrintable(ben.error()));
    QVERIFY(ben.value()->setCurrentAnnotator("ben"));
    QVERIFY(ben.value()->setLabelClass(label, 4));
    QVERIFY(ben.value()->updateSegment(segment, 0, 12, "ben's"));

    const Status labelGone = ann->removeLabel(label, seenLabel);
    QVERIFY(!labelGone.ok());
    QVERIFY2(labelGone.error().contains("was changed by ben"), qPrintable(labelGone.error()));
    const Status segmentGone = ann->removeSegment(segment, seenSegment);
    QVERIFY(!segmentGone.ok());
    QVERIFY2(segmentGone.error().contains("was changed by ben"), qPrintable(segmentGone.error()));
    QCOMPARE(ann->label(label)->classId, 4); // nothing removed
    QCOMPARE(ann->segment(segment)->endFrame, int64_t(12));
    // On the version read now, they go.
    QVERIFY(ann->removeLabel(label, ann->label(label)->rowVersion));
    QVERIFY(ann->removeSegment(segment, ann->segment(segment)->rowVersion));
}

void TestStoreTeam::editsReconnectAfterAServerRestart()
{
    test::PgTestCluster& pg = test::ProjectLocations::cluster();
    if (!pg.ok())
        QSKIP(qPrintable(pg.why()));
    const QString url = pg.url("restart");
    auto ann = test::createProject(url, "ann");
    const Id v = ann->addVideo(test::fakeVideo("v.mp4")).value();
    const Id segment = ann->addSegment(v, 0, 10, "saved before").value();
    auto opened = ProjectStore::open(url);
    QVERIFY2(opened.ok(), qPrintable(opened.error()));
    std::unique_ptr<ProjectStore> ben = std::move(opened.value());
    QStringList heard;
    QVERIFY(ben->setChangeListener([&heard](const QString& entity, Id id) { heard << QStringLiteral("%1:%2").arg(entity).arg(id); }));

    QString error;
    QVERIFY2(pg.stopServer(&error), qPrintable(error));
    const Status whileDown = ann->updateSegment(segment, 0, 20, "while down");
    QVERIFY(!whileDown.ok());
    QVERIFY2(whileDown.error().startsWith("Cannot reach " + url.section('?', 0, 0)), qPrintable(whileDown.error()));
    QVERIFY2(whileDown.error().contains("your edit was not saved"), qPrintable(whileDown.error()));
    QVERIFY(!ben->keepServerConnection().ok()); // the periodic check says so too, and nothing crashes
    qInfo("while the server is down: %s", qPrintable(whileDown.error()));

    QVERIFY2(pg.startServer(&error), qPrintable(error));
    // The next edit reconnects by itself and lands; what was saved before is all there.
    const Status afterRestart = ann->updateSegment(segment, 0, 30, "after restart");
    QVERIFY2(afterRestart.ok(), qPrintable(afterRestart.error()));
    auto check = ProjectStore::open(url, OpenMode::ReadOnly);
    QVERIFY2(check.ok(), qPrintable(check.error()));
    QCOMPARE(check.value()->segment(segment)->note, QString("after restart"));
    QCOMPARE(check.value()->segment(segment)->endFrame, int64_t(30));
    QCOMPARE(check.value()->videos()->size(), 1);

    // The listening client reconnects on its check and hears the next edit.
    const Result<int> reconnects = ben->keepServerConnection();
    QVERIFY2(reconnects.ok(), qPrintable(reconnects.error()));
    QCOMPARE(reconnects.value(), 1);
    QVERIFY(ann->updateSegment(segment, 0, 31, "heard"));
    QTRY_VERIFY_WITH_TIMEOUT(heard.contains(QStringLiteral("segment:%1").arg(segment)), 5000);
}

void TestStoreTeam::twoProcessesEditTheSameSegmentAndNothingIsLost()
{
    test::PgTestCluster& pg = test::ProjectLocations::cluster();
    if (!pg.ok())
        QSKIP(qPrintable(pg.why()));
    const QString url = pg.url("team");
    Id segment = 0;
    {
        auto s = test::createProject(url, "curator");
        const Id v = s->addVideo(test::fakeVideo("v.mp4")).value();
        segment = s->addSegment(v, 0, 10, "start").value();
    }
    constexpr int kEdits = 150;
    const QStringList names{"ann", "ben"};
    QList<QProcess*> clients;
    for (const QString& name : names) {
        auto* p = new QProcess(this);
        p->start(QStringLiteral(STORE_TEAM_CHILD), {url, name, QString::number(segment), QString::number(kEdits)});
        clients << p;
    }
    for (QProcess* p : clients) {
        while (!p->canReadLine() && p->state() != QProcess::NotRunning)
            p->waitForReadyRead(10000);
        QCOMPARE(p->readLine().trimmed(), QByteArray("READY"));
    }
    for (QProcess* p : clients)
        p->write("go\n");
    for (QProcess* p : clients)
        p->waitForBytesWritten(10000); // both go now (QProcess writes only when asked to wait)
    int conflicts = 0;
    for (int i = 0; i < clients.size(); ++i) {
        QProcess* p = clients[i];
        QVERIFY(p->waitForFinished(120000));
        const QString out = QString::fromUtf8(p->readAllStandardOutput());
        QVERIFY2(p->exitCode() == 0, qPrintable(QString::fromUtf8(p->readAllStandardError())));
        const int n = out.section("CONFLICTS ", 1).section('\n', 0, 0).toInt();
        conflicts += n;
        if (n > 0) {
            const QString first = out.section("FIRST ", 1).trimmed();
            QVERIFY2(first.contains(names[1 - i]) && first.contains("team"), qPrintable(first));
        }
    }
    qInfo("%d edits by two processes, %d refused as conflicts and redone", 2 * kEdits, conflicts);

    auto s = ProjectStore::open(url, OpenMode::ReadOnly);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    const Segment final = s.value()->segment(segment).value();
    QCOMPARE(final.rowVersion, int64_t(1 + 2 * kEdits));
    const QStringList tokens = final.note.split('|');
    QCOMPARE(tokens.size(), 1 + 2 * kEdits);
    for (const QString& name : names)
        for (int i = 0; i < kEdits; ++i)
            QVERIFY2(tokens.count(QStringLiteral("%1.%2").arg(name).arg(i)) == 1, qPrintable(QStringLiteral("%1.%2").arg(name).arg(i)));
}

QTEST_GUILESS_MAIN(TestStoreTeam)
#include "tst_storeteam.moc"
