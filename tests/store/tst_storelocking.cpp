// Two processes on one project: while another process holds it read-write, a read-write open is
// refused with a message naming the file and the holder's pid, a read-only open works (and sees
// the other process's commits), PreferReadWrite falls back to read-only with a notice. The lock
// goes when its process goes, even by SIGKILL.
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>

#include <csignal>

using namespace mas;
using namespace mas::store;

namespace {

// Starts store_crash_child with `args` and waits for its first stdout line.
bool startChild(QProcess& child, const QStringList& args, QByteArray* firstLine)
{
    child.start(QStringLiteral(STORE_CRASH_CHILD), args);
    if (!child.waitForStarted(10000))
        return false;
    while (!child.canReadLine()) {
        if (child.state() != QProcess::Running || !child.waitForReadyRead(10000))
            return false;
    }
    *firstLine = child.readLine().trimmed();
    return true;
}

} // namespace

class TestStoreLocking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void secondWriterIsRefusedNamingTheHolder();
    void readOnlyOpenWorksWhileAnotherProcessWrites();
    void lockGoesWithItsProcessEvenKilled();
    void lockIsSharedWithinOneProcess();

private:
    QTemporaryDir m_dir;
    QString m_path;
    Id m_segment = 0;
};

void TestStoreLocking::init()
{
    m_path = m_dir.filePath(QStringLiteral("%1.mas").arg(QTest::currentTestFunction()));
    auto s = test::createProject(m_path);
    const Id video = s->addVideo(test::fakeVideo("v.mp4")).value();
    m_segment = s->addSegment(video, 0, 90).value();
}

void TestStoreLocking::secondWriterIsRefusedNamingTheHolder()
{
    QProcess holder;
    QByteArray line;
    QVERIFY2(startChild(holder, {"hold", m_path}, &line), qPrintable(holder.readAllStandardError()));
    QCOMPARE(line, "OPEN " + QByteArray::number(holder.processId()));

    auto rw = ProjectStore::open(m_path, OpenMode::ReadWrite);
    QVERIFY(!rw.ok());
    QVERIFY2(rw.error().contains(QFileInfo(m_path).fileName()), qPrintable(rw.error()));
    QVERIFY2(rw.error().contains(QStringLiteral("pid %1").arg(holder.processId())), qPrintable(rw.error()));
    QVERIFY2(rw.error().contains("read-only"), qPrintable(rw.error())); // says what to do instead

    auto ro = ProjectStore::open(m_path, OpenMode::ReadOnly);
    QVERIFY2(ro.ok(), qPrintable(ro.error()));
    QVERIFY(ro.value()->isReadOnly());
    QCOMPARE(ro.value()->counts()->segments, 1);
    QVERIFY(!ro.value()->addSegment(1, 0, 10).ok());

    auto prefer = ProjectStore::open(m_path, OpenMode::PreferReadWrite);
    QVERIFY2(prefer.ok(), qPrintable(prefer.error()));
    QVERIFY(prefer.value()->isReadOnly());
    QVERIFY2(prefer.value()->notice().contains(QStringLiteral("pid %1").arg(holder.processId())),
             qPrintable(prefer.value()->notice()));

    // The holder closes the project normally: the next writer gets it.
    holder.closeWriteChannel();
    QVERIFY(holder.waitForFinished(10000));
    QCOMPARE(holder.exitCode(), 0);
    ro = Error{"closed"};
    prefer = Error{"closed"};
    auto after = ProjectStore::open(m_path, OpenMode::PreferReadWrite);
    QVERIFY2(after.ok(), qPrintable(after.error()));
    QVERIFY(!after.value()->isReadOnly());
    QVERIFY(after.value()->notice().isEmpty());
}

void TestStoreLocking::readOnlyOpenWorksWhileAnotherProcessWrites()
{
    QProcess writer;
    QByteArray line;
    QVERIFY2(startChild(writer, {"write", m_path, QString::number(m_segment)}, &line),
             qPrintable(writer.readAllStandardError()));
    QVERIFY(line.startsWith("ACK "));
    auto ro = ProjectStore::open(m_path, OpenMode::ReadOnly);
    QVERIFY2(ro.ok(), qPrintable(ro.error()));
    // Reads while the other process commits: no "database is locked", and new commits show up.
    int first = -1, last = -1;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 1500) {
        Result<QVector<Label>> labels = ro.value()->labelsOfSegment(m_segment);
        QVERIFY2(labels.ok(), qPrintable(labels.error()));
        if (first < 0)
            first = labels->size();
        last = labels->size();
        QVERIFY(ro.value()->counts().ok());
        QTest::qWait(20);
    }
    QVERIFY2(last > first, qPrintable(QStringLiteral("saw %1 then %2 labels").arg(first).arg(last)));
    QVERIFY(!ProjectStore::open(m_path, OpenMode::ReadWrite).ok());
    ::kill(pid_t(writer.processId()), SIGKILL);
    QVERIFY(writer.waitForFinished(10000));
    QCOMPARE(ro.value()->integrityCheck().value(), QString("ok"));
}

void TestStoreLocking::lockGoesWithItsProcessEvenKilled()
{
    QProcess holder;
    QByteArray line;
    QVERIFY2(startChild(holder, {"hold", m_path}, &line), qPrintable(holder.readAllStandardError()));
    QVERIFY(!ProjectStore::open(m_path, OpenMode::ReadWrite).ok());
    ::kill(pid_t(holder.processId()), SIGKILL);
    QVERIFY(holder.waitForFinished(10000));
    // The lock file may still name the dead pid; the kernel dropped its lock, so it does not count.
    auto rw = ProjectStore::open(m_path, OpenMode::ReadWrite);
    QVERIFY2(rw.ok(), qPrintable(rw.error()));
    QVERIFY(rw.value()->addLabel(m_segment, 5, LabelStatus::Confirmed).ok());
    // And now the child is the one refused, with our pid in its message.
    QProcess second;
    second.start(QStringLiteral(STORE_CRASH_CHILD), {"hold", m_path});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())), qPrintable(err));
    QVERIFY2(err.contains(QFileInfo(m_path).fileName()), qPrintable(err));
}

void TestStoreLocking::lockIsSharedWithinOneProcess()
{
    auto first = ProjectStore::open(m_path);
    QVERIFY2(first.ok(), qPrintable(first.error()));
    auto other = first.value()->openAnotherConnection();
    QVERIFY2(other.ok(), qPrintable(other.error()));
    QVERIFY(!other.value()->isReadOnly());
    // Closing one connection keeps the lock for the other.
    first = Error{"closed"};
    QProcess holder;
    holder.start(QStringLiteral(STORE_CRASH_CHILD), {"hold", m_path});
    QVERIFY(holder.waitForFinished(10000));
    QCOMPARE(holder.exitCode(), 1);
    QVERIFY(other.value()->addSegment(1, 0, 5).ok());
    other = Error{"closed"};
    QVERIFY(!QFileInfo::exists(m_path + ".lock")); // a clean close leaves no lock file behind
}

QTEST_GUILESS_MAIN(TestStoreLocking)
#include "tst_storelocking.moc"
