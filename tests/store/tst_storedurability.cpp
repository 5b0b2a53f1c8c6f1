// Durability that a crash test cannot see: a committed edit must be synced to the disk before the
// store returns, so that a power cut (not only a kill -9) keeps it. This executable defines fsync
// and fdatasync itself, so every sync SQLite makes (libsqlite3 calls them through the dynamic
// linker, and an executable's own definitions come first) is counted before it is passed on to the
// C library. With synchronous=FULL in WAL mode SQLite syncs the log at every commit; with NORMAL or
// OFF a commit syncs nothing, which the control cases show the counter would catch.
#include "StoreTestSupport.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

#include <atomic>
#include <dlfcn.h>

namespace {
std::atomic<int> g_syncs{0};

template <typename Fn> Fn realFunction(const char* name)
{
    return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}
} // namespace

extern "C" {
int fsync(int fd)
{
    static auto real = realFunction<int (*)(int)>("fsync");
    ++g_syncs;
    return real(fd);
}
int fdatasync(int fd)
{
    static auto real = realFunction<int (*)(int)>("fdatasync");
    ++g_syncs;
    return real(fd);
}
}

using namespace mas;
using namespace mas::store;

namespace {

// Syncs made by one commit of a plain connection in WAL mode at the given synchronous level.
int syncsOfOneCommit(const QString& path, const QString& level)
{
    const QString name = "control_" + level;
    int syncs = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec("PRAGMA journal_mode = WAL");
            q.exec("PRAGMA synchronous = " + level);
            q.exec("CREATE TABLE IF NOT EXISTS t(x)");
            q.exec("INSERT INTO t VALUES(0)"); // the first commit may also sync the new WAL's header
            const int before = g_syncs.load();
            if (q.exec("INSERT INTO t VALUES(1)"))
                syncs = g_syncs.load() - before;
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return syncs;
}

} // namespace

class TestStoreDurability : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    // The counter sees SQLite's syncs, and a commit without them.
    void theCounterTellsSyncedFromUnsyncedCommits()
    {
        QVERIFY2(syncsOfOneCommit(m_dir.filePath("full.db"), "FULL") >= 1, "the shim does not see SQLite's syncs");
        QCOMPARE(syncsOfOneCommit(m_dir.filePath("normal.db"), "NORMAL"), 0);
        QCOMPARE(syncsOfOneCommit(m_dir.filePath("off.db"), "OFF"), 0);
    }

    // Each edit of the store is synced before the call returns.
    void everyEditIsSyncedBeforeItReturns()
    {
        auto s = test::createProject(m_dir.filePath("p.mas"));
        const Id video = s->addVideo(test::fakeVideo("v.mp4")).value();
        const Id segment = s->addSegment(video, 0, 30).value();
        auto synced = [&](const char* what, const std::function<bool()>& edit) {
            const int before = g_syncs.load();
            QVERIFY2(edit(), what);
            QVERIFY2(g_syncs.load() - before >= 1, qPrintable(QStringLiteral("%1 returned before any fsync").arg(what)));
        };
        Id label = 0;
        synced("adding a label", [&] {
            Result<Id> id = s->addLabel(segment, 9, LabelStatus::Prelabeled);
            label = id.ok() ? id.value() : 0;
            return id.ok();
        });
        synced("confirming it", [&] { return s->setLabelStatus(label, LabelStatus::Confirmed).ok(); });
        synced("changing its class", [&] { return s->setLabelClass(label, 10).ok(); });
        synced("moving the segment", [&] { return s->updateSegment(segment, 5, 30, "n").ok(); });
        synced("several edits in one transaction", [&] {
            return s->inOneTransaction([&]() -> Status {
                       Result<Id> a = s->addSegment(video, 40, 50);
                       if (!a.ok())
                           return Error{a.error()};
                       Result<Id> b = s->addLabel(a.value(), 3, LabelStatus::Confirmed);
                       return b.ok() ? Status::success() : Status(Error{b.error()});
                   })
                .ok();
        });
        // Reopened (another connection), every edit is there.
        auto again = ProjectStore::open(m_dir.filePath("p.mas"), OpenMode::ReadOnly);
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QCOMPARE(again.value()->label(label)->classId, 10);
        QCOMPARE(again.value()->counts()->segments, 2);
    }
};

QTEST_GUILESS_MAIN(TestStoreDurability)
#include "tst_storedurability.moc"
