// Crash safety: a child process edits a project and prints "ACK n LABEL_ID" after each edit
// returns; the test kills it with SIGKILL at a random moment, reopens the project and checks that
// every acknowledged edit is there and that SQLite finds the file intact. Many trials, each on its
// own segment, killed at random points (during start-up and open too), within a time budget.
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

#include <csignal>

using namespace mas;
using namespace mas::store;

namespace {

struct Ack {
    long long n = 0;
    Id labelId = 0;
};

// Complete "ACK n id" lines only: a line cut by the kill was never acknowledged.
QVector<Ack> parseAcks(const QByteArray& output)
{
    QVector<Ack> acks;
    const QList<QByteArray> lines = output.split('\n');
    for (int i = 0; i + 1 < lines.size(); ++i) { // the last piece has no newline after it
        const QList<QByteArray> f = lines[i].split(' ');
        if (f.size() == 3 && f[0] == "ACK")
            acks.push_back({f[1].toLongLong(), f[2].toLongLong()});
    }
    return acks;
}

} // namespace

class TestStoreCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedEditsSurviveSigkill();

private:
    QTemporaryDir m_dir;
};

void TestStoreCrash::acknowledgedEditsSurviveSigkill()
{
    const QString path = m_dir.filePath("crash.mas");
    Id video = 0;
    {
        auto s = test::createProject(path);
        video = s->addVideo(test::fakeVideo("v.mp4")).value();
    }
    QRandomGenerator rng(20240611);
    QElapsedTimer budget;
    budget.start();
    constexpr int kMinTrials = 12;
    constexpr int kMaxTrials = 60;
    constexpr qint64 kBudgetMs = 35000;
    int trials = 0;
    long long totalAcked = 0;
    int killedBeforeFirstAck = 0;
    for (; trials < kMaxTrials && (trials < kMinTrials || budget.elapsed() < kBudgetMs); ++trials) {
        Id segment = 0;
        {
            auto s = ProjectStore::open(path);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            segment = s.value()->addSegment(video, 0, 90).value();
        }
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(QStringLiteral(STORE_CRASH_CHILD), {"write", path, QString::number(segment)});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        // Every third trial dies at a random moment of its start-up (loading, the open, the first
        // edits); the others die a random while after their first acknowledged edit.
        QByteArray output;
        const bool early = trials % 3 == 0;
        if (!early) {
            QElapsedTimer wait;
            wait.start();
            while (!output.contains('\n') && child.state() == QProcess::Running && wait.elapsed() < 20000)
                if (child.waitForReadyRead(100))
                    output += child.readAllStandardOutput();
        }
        const int delayMs = early ? rng.bounded(0, 150) : rng.bounded(0, 300);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < delayMs && child.state() == QProcess::Running)
            child.waitForReadyRead(int(std::max<qint64>(1, delayMs - t.elapsed())));
        QVERIFY2(child.state() == QProcess::Running,
                 qPrintable("the child stopped by itself: " + child.readAllStandardError()));
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        output += child.readAllStandardOutput();
        const QVector<Ack> acks = parseAcks(output);
        totalAcked += acks.size();
        killedBeforeFirstAck += acks.isEmpty() ? 1 : 0;

        // Half the trials look first with a read-only open (what `project info` does after a crash).
        const OpenMode mode = trials % 2 == 0 ? OpenMode::ReadOnly : OpenMode::ReadWrite;
        auto s = ProjectStore::open(path, mode);
        QVERIFY2(s.ok(), qPrintable(QStringLiteral("trial %1: %2").arg(trials).arg(s.error())));
        QCOMPARE(s.value()->integrityCheck().value(), QString("ok"));
        const QVector<Label> labels = s.value()->labelsOfSegment(segment).value();
        QHash<Id, int> classOf;
        for (const Label& l : labels)
            classOf.insert(l.id, l.classId);
        long long lastOddAcked = 0, lastAcked = 0;
        for (const Ack& a : acks) {
            QVERIFY2(classOf.contains(a.labelId),
                     qPrintable(QStringLiteral("trial %1: acknowledged edit %2 (label %3) is lost").arg(trials).arg(a.n).arg(a.labelId)));
            QCOMPARE(classOf.value(a.labelId), int(a.n % 52));
            lastAcked = a.n;
            if (a.n % 2 == 1)
                lastOddAcked = a.n;
        }
        // At most the one edit in flight when it died may have landed beyond the acknowledged ones.
        QVERIFY(labels.size() >= acks.size() && labels.size() <= acks.size() + 1);
        const Segment seg = s.value()->segment(segment).value();
        const long long note = seg.note.isEmpty() ? 0 : seg.note.toLongLong();
        QVERIFY2(note >= lastOddAcked && note <= lastAcked + 2,
                 qPrintable(QStringLiteral("trial %1: note %2, last acknowledged %3").arg(trials).arg(note).arg(lastAcked)));
        if (!acks.isEmpty())
            QCOMPARE(seg.status == SegmentStatus::Confirmed || seg.status == SegmentStatus::Disputed, true);
    }
    qInfo("%d trials, %lld acknowledged edits checked, %d trials killed before their first edit, %lld ms", trials,
          totalAcked, killedBeforeFirstAck, qint64(budget.elapsed()));
    QVERIFY2(totalAcked > trials, "the child acknowledged too few edits to test anything");
    QVERIFY2(killedBeforeFirstAck < trials, "every trial died before its first edit");
    auto final = ProjectStore::open(path);
    QVERIFY2(final.ok(), qPrintable(final.error()));
    QCOMPARE(final.value()->counts()->segments, trials);
}

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_storecrash.moc"
