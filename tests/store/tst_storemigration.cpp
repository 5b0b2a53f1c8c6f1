// A project written by the previous schema (v1, the first release) opens in this build as the
// current schema with every row intact, the segment verdicts back-filled from the labels, a backup
// of the old file beside it and the upgrade in the edit log.
#include "StoreTestSupport.h"
#include "store/Schema.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace mas;
using namespace mas::store;

namespace {

// Writes a v1 file the way the first release did: its tables, its meta keys, and rows. With
// `version` 2 or 3, the same rows in that release's tables (new columns at their defaults).
QString writeVersion1Project(const QString& path, int version = 1)
{
    const QString connection = QStringLiteral("v1-writer-%1").arg(path);
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", connection);
        db.setDatabaseName(path);
        if (!db.open())
            return db.lastError().text();
        QSqlQuery q(db);
        auto run = [&](const QString& sql, const QVariantList& binds = {}) {
            if (!error.isEmpty())
                return;
            if (!q.prepare(sql)) {
                error = sql + ": " + q.lastError().text();
                return;
            }
            for (int i = 0; i < binds.size(); ++i)
                q.bindValue(i, binds[i]);
            if (!q.exec())
                error = sql + ": " + q.lastError().text();
        };
        run("PRAGMA journal_mode = DELETE"); // the first release's own journal mode does not matter
        run("BEGIN");
        for (const QString& statement : schema::createStatements(version))
            run(statement);
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QList<std::pair<QString, QString>> meta{{schema::kApplicationKey, schema::kApplicationValue},
                                                      {schema::kSchemaVersionKey, QString::number(version)},
                                                      {schema::kAppVersionKey, "0.0.9"},
                                                      {schema::kLastAppVersionKey, "0.0.9"},
                                                      {schema::kTaxonomyVersionKey, t.version()},
                                                      {schema::kTaxonomyTsvKey, t.toTsv()},
                                                      {schema::kCreatedKey, "1700000000000"}};
        for (const auto& [key, value] : meta)
            run("INSERT INTO project_meta(key, value) VALUES(?, ?)", {key, value});
        run("INSERT INTO annotators(id, name, created_ms) VALUES(1, 'alice', 1700000000000)");
        run("INSERT INTO annotators(id, name, created_ms) VALUES(2, 'bob', 1700000000001)");
        run("INSERT INTO participants(id, code) VALUES(1, '0010')");
        run("INSERT INTO videos(id, path, content_hash, participant_id, duration_s, fps_num, fps_den, frame_count, "
            "width, height, added_ms) VALUES(1, 'clips/0010_02_0101.mp4', 'abc', 1, 2.0, 30, 1, 60, 320, 240, 1700000000000)");
        // Segment 1: confirmed 17; segment 2: two confirmed labels that disagree; segment 3: prelabeled 5;
        // segment 4: no labels.
        for (int s = 1; s <= 4; ++s)
            run("INSERT INTO segments(id, video_id, start_frame, end_frame, created_by, created_ms) VALUES(?, 1, ?, ?, 1, 1)",
                {s, (s - 1) * 10, s * 10});
        run("INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(1, 17, 1, 1, 10)");
        run("INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(2, 3, 1, 1, 11)");
        run("INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(2, 4, 2, 1, 12)");
        run("INSERT INTO labels(segment_id, class_id, annotator_id, status, time_ms) VALUES(3, 5, 1, 0, 13)");
        run("INSERT INTO model_versions(id, name, kind, created_ms, active) VALUES(1, 'base', 'pretrained', 1, 1)");
        run("INSERT INTO predictions(segment_id, model_version_id, top1_class_id, top1_score, topk_json, created_ms) "
            "VALUES(4, 1, 9, 0.75, '[[9,0.75],[1,0.2]]', 1)");
        run("COMMIT");
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

} // namespace

class TestStoreMigration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void version1OpensAsCurrentWithDataIntact();
    void version1ReadOnlyIsRefusedWithAReason();
    void migratedFileOpensAgainWithoutAnotherUpgrade();
    void version3GetsAssignmentsAndKeepsABackup();

private:
    QTemporaryDir m_dir;
};

void TestStoreMigration::version1OpensAsCurrentWithDataIntact()
{
    const QString path = m_dir.filePath("old.mas");
    const QString written = writeVersion1Project(path);
    QVERIFY2(written.isEmpty(), qPrintable(written));

    auto opened = ProjectStore::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.error()));
    ProjectStore& s = *opened.value();
    QCOMPARE(s.meta().schemaVersion, kCurrentSchemaVersion);
    QCOMPARE(s.meta().appVersion, QString("0.0.9")); // who made it is kept
    QCOMPARE(s.taxonomy().classCount(), 52);
    QCOMPARE(s.integrityCheck().value(), QString("ok"));

    const ProjectCounts c = s.counts().value();
    QCOMPARE(c.videos, 1);
    QCOMPARE(c.participants, 1);
    QCOMPARE(c.segments, 4);
    QCOMPARE(c.labels, 4);
    QCOMPARE(c.predictions, 1);
    QCOMPARE(s.annotators().value().size(), 2);
    const Video v = s.video(1).value();
    QCOMPARE(v.path, QString("clips/0010_02_0101.mp4"));
    QCOMPARE(v.frameCount, int64_t(60));
    QCOMPARE(v.participantId, Id(1));

    // The verdict columns new in v2 were filled from the v1 labels.
    QCOMPARE_STATUS(s.segment(1).value().status, SegmentStatus::Confirmed);
    QCOMPARE(s.segment(1).value().classId, 17);
    QCOMPARE_STATUS(s.segment(2).value().status, SegmentStatus::Disputed);
    QCOMPARE_STATUS(s.segment(3).value().status, SegmentStatus::Prelabeled);
    QCOMPARE(s.segment(3).value().classId, 5);
    QCOMPARE_STATUS(s.segment(4).value().status, SegmentStatus::Unlabeled);
    ClipFilter confirmed;
    confirmed.status = SegmentStatus::Confirmed;
    QCOMPARE(s.clipRows(confirmed).value().size(), 1);
    QCOMPARE(s.clipRows().value().last().predictedClassId, 9);

    // The tables new in v2 work, and the upgrade itself is on record with its backup.
    const QVector<EditLogEntry> log = s.editLog().value();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().action, QString("project.migrate"));
    QVERIFY(log.first().beforeJson.contains("1"));
    QVERIFY(QFileInfo::exists(path + ".schema1.bak"));
    QVERIFY(s.createSplitPlan("p", SplitUnit::Segment).ok());
    QVERIFY(s.setLabelStatus(4, LabelStatus::Rejected).ok());
    QCOMPARE_STATUS(s.segment(3).value().status, SegmentStatus::Rejected);
}

void TestStoreMigration::version1ReadOnlyIsRefusedWithAReason()
{
    const QString path = m_dir.filePath("old-ro.mas");
    const QString written = writeVersion1Project(path);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    auto ro = ProjectStore::open(path, OpenMode::ReadOnly);
    QVERIFY(!ro.ok());
    QVERIFY2(ro.error().contains(path) && ro.error().contains("older schema 1"), qPrintable(ro.error()));
    // Refusing changed nothing: a read-write open still upgrades it.
    auto rw = ProjectStore::open(path);
    QVERIFY2(rw.ok(), qPrintable(rw.error()));
    QCOMPARE(rw.value()->meta().schemaVersion, kCurrentSchemaVersion);
}

void TestStoreMigration::migratedFileOpensAgainWithoutAnotherUpgrade()
{
    const QString path = m_dir.filePath("twice.mas");
    QVERIFY(writeVersion1Project(path).isEmpty());
    QVERIFY(ProjectStore::open(path).ok());
    auto again = ProjectStore::open(path);
    QVERIFY2(again.ok(), qPrintable(again.error()));
    int migrations = 0;
    const QVector<EditLogEntry> log = again.value()->editLog().value(); // a local: see Result::value() &&
    for (const EditLogEntry& e : log)
        migrations += e.action == "project.migrate" ? 1 : 0;
    QCOMPARE(migrations, 1);
    auto ro = ProjectStore::open(path, OpenMode::ReadOnly);
    QVERIFY2(ro.ok(), qPrintable(ro.error()));
    QCOMPARE(ro.value()->counts()->labels, 4);
}

void TestStoreMigration::version3GetsAssignmentsAndKeepsABackup()
{
    const QString path = m_dir.filePath("v3.mas");
    const QString written = writeVersion1Project(path, 3);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    auto opened = ProjectStore::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.error()));
    ProjectStore& s = *opened.value();
    QCOMPARE(s.meta().schemaVersion, 4);
    // The file as it was, for the older app: still schema 3, without the new table.
    QVERIFY(QFileInfo::exists(path + ".schema3.bak"));
    auto backup = ProjectStore::open(path + ".schema3.bak", OpenMode::ReadOnly);
    QVERIFY(!backup.ok());
    QVERIFY2(backup.error().contains("older schema 3"), qPrintable(backup.error()));
    // The new table works and the upgrade is on record.
    QCOMPARE(mas::store::toString(s.role()), mas::store::toString(ProjectRole::Admin)); // a file's one user
    Result<Id> a = s.assign(2, 1, 0);
    QVERIFY2(a.ok(), qPrintable(a.error()));
    ClipFilter mine;
    mine.assignedTo = 2;
    QCOMPARE(s.clipRows(mine).value().size(), 4);
    QCOMPARE(s.editLog().value().last().action, QString("project.migrate"));
}

QTEST_GUILESS_MAIN(TestStoreMigration)
#include "tst_storemigration.moc"
