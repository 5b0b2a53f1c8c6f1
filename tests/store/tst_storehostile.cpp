// Project files from someone else, and files the user cannot write: a file carrying triggers,
// views or virtual tables is refused before any of its SQL can run (and a cleaned copy keeps its
// annotations); every connection is hardened (defensive, untrusted schema, triggers and views off)
// and really runs WAL with synchronous=FULL; a read-only file and a file on read-only media open
// read-only and say so; removable and network file systems get no memory-mapped reads.
#include "StoreTestSupport.h"

#include "store/ProjectCleanCopy.h"
#include "store/ProjectStorage.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

#include <sys/resource.h>
#include <unistd.h>

using namespace mas;
using namespace mas::store;

namespace {

// Raw SQL on a closed project file, as another program would write it.
void runSql(const QString& path, const QStringList& statements)
{
    const QString name = QStringLiteral("raw_%1").arg(qintptr(&statements));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString& s : statements)
            QVERIFY2(q.exec(s), qPrintable(s + ": " + q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

qint64 rawCount(const QString& path, const QString& table)
{
    const QString name = QStringLiteral("count_%1").arg(qintptr(&table));
    qint64 n = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT count(*) FROM ") + table) && q.next())
                n = q.value(0).toLongLong();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// A closed project with one video, two segments and three labels.
void makeProject(const QString& path)
{
    auto s = test::createProject(path);
    const Id video = s->addVideo(test::fakeVideo("a.mp4")).value();
    const Id seg1 = s->addSegment(video, 0, 30).value();
    const Id seg2 = s->addSegment(video, 30, 60).value();
    QVERIFY(s->addLabel(seg1, 3, LabelStatus::Confirmed).ok());
    QVERIFY(s->addLabel(seg1, 4, LabelStatus::Prelabeled).ok());
    QVERIFY(s->addLabel(seg2, 5, LabelStatus::Confirmed).ok());
}

bool mountTmpfs(const QString& dir, const QString& options)
{
    if (geteuid() != 0)
        return false;
    QProcess p;
    p.start(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), options,
                                      QStringLiteral("tmpfs"), dir});
    return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool runMount(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral("mount"), args);
    return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void unmount(const QString& dir)
{
    QProcess::execute(QStringLiteral("umount"), {dir});
}

} // namespace

class TestStoreHostile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void triggersViewsAndVirtualTablesAreRefusedBeforeTheyRun()
    {
        const QString path = m_dir.filePath("shared.mas");
        makeProject(path);
        // What a hostile file would carry: a trigger that wipes the labels when the app writes on
        // open (it stores its version in project_meta) or on the next edit, a view, a virtual table.
        runSql(path, {"UPDATE project_meta SET value = 'older' WHERE key = 'last_app_version'",
                      "CREATE TRIGGER wipe_on_open AFTER UPDATE ON project_meta BEGIN DELETE FROM labels; END",
                      "CREATE TRIGGER wipe_on_edit AFTER INSERT ON labels BEGIN DELETE FROM segments; END",
                      "CREATE VIEW everything AS SELECT * FROM labels",
                      "CREATE VIRTUAL TABLE notes USING fts5(body)"});
        for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly, OpenMode::PreferReadWrite}) {
            Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(path, mode);
            QVERIFY(!opened.ok());
            const QString e = opened.error();
            QVERIFY2(e.startsWith(QFileInfo(path).absoluteFilePath() + ':'), qPrintable(e));
            for (const char* what : {"trigger 'wipe_on_open'", "trigger 'wipe_on_edit'", "view 'everything'",
                                     "virtual table 'notes'", "project clean"})
                QVERIFY2(e.contains(QLatin1String(what)), qPrintable(e));
        }
        QVERIFY(carriesForeignSql(path));
        QVERIFY(suggestedCleanCopyPath(path).endsWith("shared-cleaned.mas"));
        QCOMPARE(rawCount(path, "labels"), qint64(3)); // nothing fired
        QCOMPARE(rawCount(path, "segments"), qint64(2));
    }

    void aCleanedCopyKeepsTheAnnotationsAndDropsTheSql()
    {
        const QString path = m_dir.filePath("dirty.mas");
        makeProject(path);
        runSql(path, {"CREATE TRIGGER wipe AFTER INSERT ON labels BEGIN DELETE FROM segments; END",
                      "CREATE VIEW v AS SELECT 1", "CREATE TABLE stray(x)", "INSERT INTO stray VALUES(1)"});
        const QString cleaned = m_dir.filePath("cleaned.mas");
        Result<CleanCopyReport> report = writeCleanCopy(path, cleaned);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QVERIFY(report->removed.contains("trigger 'wipe'"));
        QVERIFY(report->removed.contains("view 'v'"));
        QVERIFY(report->removed.contains("table 'stray'"));
        QVERIFY(!carriesForeignSql(cleaned));
        Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(cleaned);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        ProjectStore& s = *opened.value();
        QCOMPARE(s.counts()->segments, 2);
        QCOMPARE(s.counts()->labels, 3);
        QCOMPARE(s.integrityCheck().value(), QString("ok"));
        QCOMPARE(s.editLog(1)->front().action, QString("project.clean"));
        // Editing the copy runs no leftover SQL.
        const Id seg = s.segmentsOfVideo(s.videos()->front().id)->front().id;
        QVERIFY(s.addLabel(seg, 7, LabelStatus::Confirmed).ok());
        QCOMPARE(s.counts()->segments, 2);
        // A second copy onto an existing file is refused; the source is untouched.
        QVERIFY(!writeCleanCopy(path, cleaned).ok());
        QCOMPARE(rawCount(path, "stray"), qint64(1));
        // Not a project at all.
        QFile junk(m_dir.filePath("junk.mas"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("hello");
        junk.close();
        Result<CleanCopyReport> refused = writeCleanCopy(junk.fileName(), m_dir.filePath("junk-clean.mas"));
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().contains("junk.mas"));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("junk-clean.mas")));
    }

    void everyConnectionIsHardenedAndDurable()
    {
        const QString path = m_dir.filePath("settings.mas");
        makeProject(path);
        Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        for (const QString& settings : {opened.value()->connectionSettings(),
                                        opened.value()->openAnotherConnection().value()->connectionSettings()}) {
            for (const char* expected : {"journal_mode=wal", "synchronous=2", "trusted_schema=0", "defensive=1", "triggers=0",
                                         "views=0", "load_extension=0"})
                QVERIFY2(settings.contains(QLatin1String(expected)), qPrintable(settings));
            QVERIFY2(!settings.contains("mmap_size=0"), qPrintable(settings)); // a local disk keeps mapped reads
        }
        // Foreign keys still cascade with triggers off: removing a segment removes its labels.
        ProjectStore& s = *opened.value();
        const Id seg = s.segmentsOfVideo(s.videos()->front().id)->front().id;
        QVERIFY(s.removeSegment(seg).ok());
        QCOMPARE(s.counts()->labels, 1);
    }

    void removableAndNetworkFileSystemsAreKnown()
    {
        for (const char* t : {"nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p", "vfat", "exfat", "iso9660", "fuseblk"})
            QVERIFY2(isRemovableOrNetworkFileSystem(t), t);
        for (const char* t : {"ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs"})
            QVERIFY2(!isRemovableOrNetworkFileSystem(t), t);
    }

    void aReadOnlyFileOpensReadOnlyAndSaysSo()
    {
        const QString path = m_dir.filePath("readonly.mas");
        makeProject(path);
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const QByteArray before = fileHash(path);
        Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(path, OpenMode::ReadWrite);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        ProjectStore& s = *opened.value();
        QVERIFY(s.isReadOnly());
        QVERIFY2(s.notice().contains("readonly.mas is a read-only file"), qPrintable(s.notice()));
        QCOMPARE(s.counts()->labels, 3);
        Result<Id> edit = s.addSegment(s.videos()->front().id, 60, 70);
        QVERIFY(!edit.ok());
        QVERIFY2(edit.error().contains("read-only") && edit.error().contains("readonly.mas"), qPrintable(edit.error()));
        opened.value().reset();
        QCOMPARE(fileHash(path), before);
        QVERIFY(!QFileInfo::exists(path + ".lock"));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    }

    void readOnlyMediaOpenReadOnlyAndSayIt()
    {
        const QString mnt = m_dir.filePath("media");
        QDir().mkpath(mnt);
        if (!mountTmpfs(mnt, "size=8m"))
            QSKIP("mounting a tmpfs needs root (the read-only media case is covered where CI runs as root)");
        const QString path = mnt + "/stick.mas";
        makeProject(path);
        const bool remounted = runMount({"-o", "remount,ro", mnt});
        if (!remounted) {
            unmount(mnt);
            QFAIL("could not remount the tmpfs read-only");
        }
        {
            Result<std::unique_ptr<ProjectStore>> opened = ProjectStore::open(path, OpenMode::ReadWrite);
            QVERIFY2(opened.ok(), qPrintable(opened.error()));
            ProjectStore& s = *opened.value();
            QVERIFY(s.isReadOnly());
            QVERIFY2(s.notice().contains("stick.mas is on read-only media"), qPrintable(s.notice()));
            QCOMPARE(s.counts()->segments, 2);
            QCOMPARE(s.counts()->labels, 3);
            QVERIFY(!s.addSegment(s.videos()->front().id, 60, 70).ok());
            QVERIFY(s.openAnotherConnection().ok());
        }
        unmount(mnt);
    }

    void cleanupTestCase()
    {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        qInfo("hostile and read-only project files: 0 crashes; peak RSS %ld MiB", usage.ru_maxrss / 1024);
        QVERIFY(usage.ru_maxrss / 1024 < 1024);
    }
};

QTEST_GUILESS_MAIN(TestStoreHostile)
#include "tst_storehostile.moc"
