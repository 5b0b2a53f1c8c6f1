// Two annotators' processes edit the same segment of a server project at once, each edit on the
// version it read: every refused edit names the other annotator, and no edit is lost (the final note
// holds each process's every token exactly once, and the row version counts every edit).
#include "StoreTestSupport.h"

#include <QProcess>
#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestStoreTeam : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoProcessesEditTheSameSegmentAndNothingIsLost();
};

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
