// Files that are not (whole) projects: each is refused with a message that names the file and
// says what is wrong with it, and nothing is written to it.
#include "StoreTestSupport.h"
#include "store/Schema.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

using namespace mas;
using namespace mas::store;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A real project with a few hundred rows, closed (WAL checkpointed into the main file).
void makeProject(const QString& path)
{
    auto s = test::createProject(path);
    QVector<Video> videos;
    for (int i = 0; i < 300; ++i)
        videos << test::fakeVideo(QStringLiteral("clips/%1_01_%2.mp4").arg(i % 7, 4, 10, QChar('0')).arg(i, 4, 10, QChar('0')));
    QVERIFY(s->addVideos(videos).ok());
}

// Runs SQL on a file directly, as another program (or a newer app) would.
void runSql(const QString& path, const QStringList& statements)
{
    const QString connection = "raw-" + path;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", connection);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString& s : statements)
            QVERIFY2(q.exec(s), qPrintable(s));
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
}

} // namespace

class TestStoreMalformed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refusedWithAReasonNamingTheFile_data();
    void refusedWithAReasonNamingTheFile();
    void truncatedProjectIsRefused();
    void projectFromANewerVersionIsRefused();
    void sqliteDatabaseOfAnotherProgramIsRefused();
    void damagedPagesAreReportedNotHidden();

private:
    QTemporaryDir m_dir;
};

void TestStoreMalformed::refusedWithAReasonNamingTheFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    QTest::newRow("text file") << QByteArray("These are my notes about the project.\nNot a database.\n") << "text file";
    QTest::newRow("empty") << QByteArray() << "empty file";
    QByteArray noise(8192, '\0');
    QRandomGenerator rng(7);
    for (char& c : noise)
        c = char(rng.bounded(256));
    noise[0] = '\x89'; // binary from the first byte
    QTest::newRow("random bytes") << noise << "not a SQLite database";
    QTest::newRow("half a header") << QByteArray("SQLite format 3\0\x10\x00", 19) << "truncated";
}

void TestStoreMalformed::refusedWithAReasonNamingTheFile()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(QStringLiteral("bad-%1.mas").arg(QTest::currentDataTag()).replace(' ', '-'));
    writeFile(path, bytes);
    for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
        auto s = ProjectStore::open(path, mode);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(path), qPrintable(s.error()));
        QVERIFY2(s.error().contains(reason), qPrintable(s.error()));
    }
    QCOMPARE(readFile(path), bytes); // untouched
    QVERIFY(!QFileInfo::exists(path + "-wal"));
}

void TestStoreMalformed::truncatedProjectIsRefused()
{
    const QString path = m_dir.filePath("truncated.mas");
    makeProject(path);
    const QByteArray whole = readFile(path);
    QVERIFY(whole.size() > 8192);
    // Cut at a page boundary (the header's page count gives it away) and in the middle of a page.
    for (int cut : {whole.size() / 2 - whole.size() / 2 % 4096, whole.size() / 2 + 123}) {
        writeFile(path, whole.left(cut));
        auto s = ProjectStore::open(path);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(path) && s.error().contains("truncated"), qPrintable(s.error()));
    }
    writeFile(path, whole);
    auto restored = ProjectStore::open(path);
    QVERIFY2(restored.ok(), qPrintable(restored.error()));
    QCOMPARE(restored.value()->counts()->videos, 300);
}

void TestStoreMalformed::projectFromANewerVersionIsRefused()
{
    const QString path = m_dir.filePath("future.mas");
    makeProject(path);
    runSql(path, {QStringLiteral("UPDATE project_meta SET value = '%1' WHERE key = 'schema_version'").arg(kCurrentSchemaVersion + 5),
                  "CREATE TABLE a_table_from_the_future (x INTEGER)"});
    const QByteArray before = readFile(path);
    for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly, OpenMode::PreferReadWrite}) {
        auto s = ProjectStore::open(path, mode);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(path), qPrintable(s.error()));
        QVERIFY2(s.error().contains("newer MicroAction Studio"), qPrintable(s.error()));
        QVERIFY2(s.error().contains(QString::number(kCurrentSchemaVersion + 5)), qPrintable(s.error()));
    }
    QCOMPARE(readFile(path), before); // not "migrated" backwards, not touched
}

void TestStoreMalformed::sqliteDatabaseOfAnotherProgramIsRefused()
{
    const QString path = m_dir.filePath("other.mas");
    runSql(path, {"CREATE TABLE contacts (name TEXT, phone TEXT)", "INSERT INTO contacts VALUES ('a', '1')"});
    auto s = ProjectStore::open(path);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().contains(path) && s.error().contains("not a MicroAction Studio project"), qPrintable(s.error()));

    const QString impostor = m_dir.filePath("impostor.mas");
    runSql(impostor, {"CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                      "INSERT INTO project_meta VALUES ('application', 'Some Other Tool')"});
    auto i = ProjectStore::open(impostor);
    QVERIFY(!i.ok());
    QVERIFY2(i.error().contains(impostor) && i.error().contains("Some Other Tool"), qPrintable(i.error()));

    auto missing = ProjectStore::open(m_dir.filePath("nowhere.mas"));
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().contains("nowhere.mas") && missing.error().contains("no such project file"),
             qPrintable(missing.error()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath("nowhere.mas"))); // opening never creates
}

void TestStoreMalformed::damagedPagesAreReportedNotHidden()
{
    const QString path = m_dir.filePath("scribbled.mas");
    makeProject(path);
    QByteArray bytes = readFile(path);
    // Overwrite every page after the first two with noise: the header is fine, the b-trees are not.
    QRandomGenerator rng(11);
    for (int i = 2 * 4096; i < bytes.size(); ++i)
        bytes[i] = char(rng.bounded(256));
    writeFile(path, bytes);
    auto s = ProjectStore::open(path, OpenMode::ReadOnly);
    if (s.ok()) {
        // The schema pages survived: the damage must show in the integrity check, never as "ok".
        Result<QString> check = s.value()->integrityCheck();
        QVERIFY(!check.ok() || check.value() != "ok");
    } else {
        QVERIFY2(s.error().contains(path), qPrintable(s.error()));
    }
}

QTEST_GUILESS_MAIN(TestStoreMalformed)
#include "tst_storemalformed.moc"
