// The store's CLI verbs as a user runs them: the built mastudio-cli on generated videos, checking
// what it prints and its exit codes (0 success; non-zero with a one-line reason on stderr).
#include "StoreTestSupport.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

#include "ProgramRun.h"

using namespace mas;
using namespace mas::store;

namespace {

using CliRun = mas::test::ProgramRun;
using mas::test::runCli;

// A failure: non-zero, and exactly one line on stderr that contains every one of `words`.
bool failedWithOneLine(const CliRun& r, const QStringList& words)
{
    const QString line = r.err.trimmed();
    if (r.exitCode == 0 || line.isEmpty() || line.contains('\n'))
        return false;
    for (const QString& w : words)
        if (!line.contains(w))
            return false;
    return true;
}

QJsonObject infoJson(const QString& project)
{
    const CliRun r = runCli({"project", "info", project, "--json"});
    if (r.exitCode != 0)
        return {};
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

} // namespace

class TestProjectCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createThenInfoOfAnEmptyProject();
    void createRefusesAnExistingFileAndBadArguments();
    void createWithACustomTaxonomy();
    void importVideosReportsAndSkipsUnreadableFiles();
    void infoCountsLabelsByStatusAndBodyPart();
    void importWithACustomPatternAndItsErrors();
    void infoAndImportOnFilesThatAreNotProjects();
    void importIntoAProjectOpenElsewhereIsRefused();
    void hostileAndReadOnlyProjectsInTheCli();
    void movedVideosShowAsMissingAndAreRelinked();
    void fileOwnerIsAdminAndAssignsWork();

private:
    QTemporaryDir m_dir;
    QString m_clips;   // 0001_02_0001.mp4, 0001_02_0002.mp4, nested/0007_05_0003.mp4, nested/0008_02_0001.mp4 (broken)
    QString m_project; // created and imported into by the tests in order
};

void TestProjectCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(MASTUDIO_CLI)).isExecutable(), MASTUDIO_CLI);
    m_clips = m_dir.filePath("clips");
    QDir().mkpath(m_clips + "/nested");
    QString error;
    QVERIFY2(test::makeTestVideo(m_clips + "/0001_02_0001.mp4", 30, 160, 120, 30, 250, false, &error), qPrintable(error));
    QVERIFY2(test::makeTestVideo(m_clips + "/0001_02_0002.mp4", 40, 160, 120, 30, 250, false, &error), qPrintable(error));
    QVERIFY2(test::makeTestVideo(m_clips + "/nested/0007_05_0003.mp4", 24, 128, 96, 24, 250, true, &error), qPrintable(error));
    QFile broken(m_clips + "/nested/0008_02_0001.mp4");
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("\x00\x00\x00\x18" "ftypmp42 and then nothing useful", 36);
    broken.close();
    m_project = m_dir.filePath("study.mas");
}

void TestProjectCli::createThenInfoOfAnEmptyProject()
{
    const CliRun created = runCli({"project", "create", m_project, "--annotator", "alice"});
    QVERIFY2(created.exitCode == 0, qPrintable(created.describe()));
    QVERIFY2(created.out.contains("created") && created.out.contains("52 classes"), qPrintable(created.out));
    QVERIFY(QFileInfo::exists(m_project));
    QVERIFY(created.err.isEmpty());

    const CliRun info = runCli({"project", "info", m_project});
    QVERIFY2(info.exitCode == 0, qPrintable(info.describe()));
    QVERIFY2(info.out.contains(QRegularExpression("videos\\s+0")), qPrintable(info.out));
    QVERIFY2(info.out.contains(QRegularExpression("segments\\s+0")), qPrintable(info.out));
    QVERIFY2(info.out.contains("52 classes, 7 body parts"), qPrintable(info.out));
    const QJsonObject json = infoJson(m_project);
    QCOMPARE(json.value("videos").toInt(-1), 0);
    QCOMPARE(json.value("schema_version").toInt(), kCurrentSchemaVersion);
    QCOMPARE(json.value("segments_per_body_part").toObject().size(), 7);
}

void TestProjectCli::createRefusesAnExistingFileAndBadArguments()
{
    const QByteArray before = [&] {
        QFile f(m_project);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    const CliRun again = runCli({"project", "create", m_project});
    QVERIFY2(failedWithOneLine(again, {"study.mas", "already exists"}), qPrintable(again.describe()));
    QFile f(m_project);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);

    const CliRun noFolder = runCli({"project", "create", m_dir.filePath("no/such/folder/p.mas")});
    QVERIFY2(failedWithOneLine(noFolder, {"does not exist"}), qPrintable(noFolder.describe()));
    const CliRun usage = runCli({"project", "create"});
    QCOMPARE(usage.exitCode, 2);
    QVERIFY2(failedWithOneLine(usage, {"usage"}), qPrintable(usage.describe()));
    const CliRun badTsv = runCli({"project", "create", m_dir.filePath("x.mas"), "--taxonomy", m_dir.filePath("none.tsv")});
    QVERIFY2(failedWithOneLine(badTsv, {"none.tsv"}), qPrintable(badTsv.describe()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath("x.mas")));
}

void TestProjectCli::createWithACustomTaxonomy()
{
    const QString tsv = m_dir.filePath("lab-classes.tsv");
    QFile f(tsv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("id\tcode\tname\tbody_part_id\tbody_part\n"
            "0\tA1\tlook away\t0\thead\n1\tA2\tsmile\t0\thead\n2\tB1\tfidget\t1\thand\n3\tB2\tpoint\t1\thand\n");
    f.close();
    const QString project = m_dir.filePath("lab.mas");
    const CliRun created = runCli({"project", "create", project, "--taxonomy", tsv});
    QVERIFY2(created.exitCode == 0, qPrintable(created.describe()));
    QVERIFY2(created.out.contains("4 classes, 2 body parts"), qPrintable(created.out));
    const QJsonObject json = infoJson(project);
    QCOMPARE(json.value("taxonomy").toObject().value("classes").toInt(), 4);
    QCOMPARE(json.value("taxonomy").toObject().value("version").toString(), QString("custom:lab-classes"));
    QStringList bodyParts = json.value("segments_per_body_part").toObject().keys();
    bodyParts.sort();
    QCOMPARE(bodyParts, QStringList({"hand", "head"}));

    const QString bad = m_dir.filePath("bad.tsv");
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("number\tname\n0\tnod\n");
    b.close();
    const CliRun refused = runCli({"project", "create", m_dir.filePath("bad.mas"), "--taxonomy", bad});
    QVERIFY2(failedWithOneLine(refused, {"bad.tsv"}), qPrintable(refused.describe()));
}

void TestProjectCli::importVideosReportsAndSkipsUnreadableFiles()
{
    const CliRun r = runCli({"import", "videos", m_project, m_clips});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("imported 3 videos (3 whole-clip segments)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("1 skipped"), qPrintable(r.out));
    const QStringList errLines = r.err.trimmed().split('\n');
    QCOMPARE(errLines.size(), 1);
    QVERIFY2(errLines.first().contains("skipped") && errLines.first().contains("0008_02_0001.mp4"), qPrintable(r.err));

    const QJsonObject json = infoJson(m_project);
    QCOMPARE(json.value("videos").toInt(), 3);
    QCOMPARE(json.value("segments").toInt(), 3);
    QCOMPARE(json.value("participants").toInt(), 2); // 0001 and 0007
    QCOMPARE(json.value("segments_by_status").toObject().value("unlabeled").toInt(), 3);

    auto s = ProjectStore::open(m_project, OpenMode::ReadOnly);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    const std::optional<Id> nested = s.value()->videoIdByPath(m_clips + "/nested/0007_05_0003.mp4");
    QVERIFY(nested);
    const Video v = s.value()->video(*nested).value();
    QCOMPARE(v.path, QString("clips/nested/0007_05_0003.mp4"));
    QCOMPARE(v.frameCount, int64_t(24));
    QCOMPARE(v.fpsNum, 24);
    QVERIFY(v.hasAudio);

    // Again: nothing new, still success.
    const CliRun again = runCli({"import", "videos", m_project, m_clips});
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QVERIFY2(again.out.contains("imported 0 videos") && again.out.contains("3 already in the project"), qPrintable(again.out));
}

void TestProjectCli::infoCountsLabelsByStatusAndBodyPart()
{
    {
        auto s = ProjectStore::open(m_project);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        ProjectStore& p = *s.value();
        const Taxonomy& t = p.taxonomy();
        const QVector<ClipRow> rows = p.clipRows().value();
        QCOMPARE(rows.size(), 3);
        const int torso = t.classesOfBodyPart(1).first(); // two clips of one body part
        const int leg = t.classesOfBodyPart(5).first();
        QVERIFY(p.addLabel(rows[0].segmentId, torso, LabelStatus::Confirmed).ok());
        QVERIFY(p.addLabel(rows[1].segmentId, torso, LabelStatus::Prelabeled).ok());
        QVERIFY(p.addLabel(rows[1].segmentId, leg, LabelStatus::Rejected).ok());
        QVERIFY(p.addLabel(rows[2].segmentId, leg, LabelStatus::Disputed).ok());
    }
    const QJsonObject json = infoJson(m_project);
    QCOMPARE(json.value("labels").toInt(), 4);
    const QJsonObject byStatus = json.value("labels_by_status").toObject();
    QCOMPARE(byStatus.value("confirmed").toInt(), 1);
    QCOMPARE(byStatus.value("prelabeled").toInt(), 1);
    QCOMPARE(byStatus.value("rejected").toInt(), 1);
    QCOMPARE(byStatus.value("disputed").toInt(), 1);
    const Taxonomy& t = Taxonomy::builtinMa52();
    const QJsonObject perPart = json.value("segments_per_body_part").toObject();
    QCOMPARE(perPart.value(t.bodyPart(1)->name).toInt(), 2);
    QCOMPARE(perPart.value(t.bodyPart(5)->name).toInt(), 1);
    QCOMPARE(perPart.value(t.bodyPart(0)->name).toInt(), 0);

    const CliRun text = runCli({"project", "info", m_project});
    QVERIFY2(text.exitCode == 0, qPrintable(text.describe()));
    QVERIFY2(text.out.contains("1 prelabeled, 1 confirmed, 1 disputed, 1 rejected"), qPrintable(text.out));
    QVERIFY2(text.out.contains(QRegularExpression(t.bodyPart(1)->name + "\\s+2")), qPrintable(text.out));
}

void TestProjectCli::importWithACustomPatternAndItsErrors()
{
    const QString dir = m_dir.filePath("sessions");
    QDir().mkpath(dir);
    QVERIFY(QFile::copy(m_clips + "/0001_02_0001.mp4", dir + "/P12-interview.mp4"));
    QVERIFY(QFile::copy(m_clips + "/0001_02_0002.mp4", dir + "/P3-interview.mp4"));
    const QString project = m_dir.filePath("sessions.mas");
    QCOMPARE(runCli({"project", "create", project}).exitCode, 0);

    const CliRun badRegex = runCli({"import", "videos", project, dir, "--pattern", "P(\\d+"});
    QVERIFY2(failedWithOneLine(badRegex, {"--pattern"}), qPrintable(badRegex.describe()));
    const CliRun empty = runCli({"import", "videos", project, m_dir.filePath("no-videos-here")});
    QVERIFY2(failedWithOneLine(empty, {"no-videos-here"}), qPrintable(empty.describe()));

    const CliRun r = runCli({"import", "videos", project, dir, "--pattern", "^P(\\d+)-"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("imported 2 videos (0 whole-clip segments)"), qPrintable(r.out));
    auto s = ProjectStore::open(project, OpenMode::ReadOnly);
    QVERIFY(s.ok());
    QStringList codes;
    const QVector<Participant> participants = s.value()->participants().value();
    for (const Participant& p : participants)
        codes << p.code;
    codes.sort();
    QCOMPARE(codes, QStringList({"12", "3"}));

    // A folder of nothing but unreadable files is a failure, with the reason.
    const QString junk = m_dir.filePath("junk");
    QDir().mkpath(junk);
    QVERIFY(QFile::copy(m_clips + "/nested/0008_02_0001.mp4", junk + "/0009_01_0001.mp4"));
    const CliRun none = runCli({"import", "videos", project, junk});
    QVERIFY(none.exitCode != 0);
    QVERIFY2(none.err.contains("could be read"), qPrintable(none.describe()));
}

void TestProjectCli::infoAndImportOnFilesThatAreNotProjects()
{
    const QString notes = m_dir.filePath("notes.mas");
    QFile f(notes);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("meeting notes\n");
    f.close();
    const CliRun info = runCli({"project", "info", notes});
    QVERIFY2(failedWithOneLine(info, {"notes.mas", "text file"}), qPrintable(info.describe()));
    const CliRun import = runCli({"import", "videos", notes, m_clips});
    QVERIFY2(failedWithOneLine(import, {"notes.mas", "not a MicroAction Studio project"}), qPrintable(import.describe()));
    const CliRun missing = runCli({"project", "info", m_dir.filePath("absent.mas")});
    QVERIFY2(failedWithOneLine(missing, {"absent.mas", "no such project file"}), qPrintable(missing.describe()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath("absent.mas")));
}

void TestProjectCli::importIntoAProjectOpenElsewhereIsRefused()
{
    auto held = ProjectStore::open(m_project, OpenMode::ReadWrite);
    QVERIFY2(held.ok(), qPrintable(held.error()));
    const CliRun import = runCli({"import", "videos", m_project, m_clips});
    QVERIFY2(failedWithOneLine(import, {"study.mas", QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())}),
             qPrintable(import.describe()));
    const CliRun info = runCli({"project", "info", m_project, "--json"}); // reading is fine meanwhile
    QVERIFY2(info.exitCode == 0, qPrintable(info.describe()));
    QCOMPARE(QJsonDocument::fromJson(info.out.toUtf8()).object().value("videos").toInt(), 3);
}

void TestProjectCli::movedVideosShowAsMissingAndAreRelinked()
{
    const QString moved = m_dir.filePath("moved-clips");
    QVERIFY(QDir().rename(m_clips, moved));
    const CliRun info = runCli({"project", "info", m_project});
    QVERIFY2(info.exitCode == 0, qPrintable(info.describe()));
    QVERIFY2(info.out.contains(QRegularExpression("videos\\s+3 \\(3 missing\\)")), qPrintable(info.out));

    const CliRun wrongPlace = runCli({"project", "relink", m_project, m_dir.filePath("junk")});
    QVERIFY2(failedWithOneLine(wrongPlace, {"3 videos", "still missing"}), qPrintable(wrongPlace.describe()));
    const CliRun relinked = runCli({"project", "relink", m_project, moved});
    QVERIFY2(relinked.exitCode == 0, qPrintable(relinked.describe()));
    QVERIFY2(relinked.out.contains("relinked 3 videos; 0 still missing"), qPrintable(relinked.out));
    QCOMPARE(infoJson(m_project).value("missing_videos").toInt(-1), 0);
    QVERIFY(QDir().rename(moved, m_clips));
}

// A project with triggers: every verb that opens it exits 1 with one line naming the file and the
// problem, and nothing of its SQL runs; `project clean` makes a copy that opens. A read-only project
// opens read-only: info works and says so, an import is refused naming the file.
void TestProjectCli::hostileAndReadOnlyProjectsInTheCli()
{
    const QString hostile = m_dir.filePath("hostile.mas");
    QCOMPARE(runCli({"project", "create", hostile}).exitCode, 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "cli_hostile");
        db.setDatabaseName(hostile);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("CREATE TRIGGER wipe AFTER UPDATE ON project_meta BEGIN DELETE FROM project_meta; END"));
        QVERIFY(q.exec("UPDATE annotators SET name = name")); // nothing that fires it
        db.close();
    }
    QSqlDatabase::removeDatabase("cli_hostile");
    for (const QStringList& verb : {QStringList{"project", "info", hostile}, QStringList{"import", "videos", hostile, m_clips}}) {
        const CliRun r = runCli(verb);
        QVERIFY2(failedWithOneLine(r, {hostile.section('/', -1), "trigger 'wipe'"}) && r.exitCode == 1, qPrintable(r.describe()));
    }
    const QString cleaned = m_dir.filePath("hostile-cleaned.mas");
    const CliRun clean = runCli({"project", "clean", hostile, cleaned});
    QVERIFY2(clean.exitCode == 0 && clean.out.contains("left out trigger 'wipe'"), qPrintable(clean.describe()));
    QCOMPARE(runCli({"project", "info", cleaned}).exitCode, 0);

    const QString readOnly = m_dir.filePath("readonly.mas");
    QCOMPARE(runCli({"project", "create", readOnly}).exitCode, 0);
    QVERIFY(QFile::setPermissions(readOnly, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    const CliRun info = runCli({"project", "info", readOnly});
    QVERIFY2(info.exitCode == 0 && info.out.contains("read-only"), qPrintable(info.describe()));
    const CliRun import = runCli({"import", "videos", readOnly, m_clips});
    QVERIFY2(failedWithOneLine(import, {"readonly.mas", "read-only"}), qPrintable(import.describe()));
    QFile::setPermissions(readOnly, QFile::ReadOwner | QFile::WriteOwner);
}

// A project file has one user (admin), who assigns participants and videos to annotators.
void TestProjectCli::fileOwnerIsAdminAndAssignsWork()
{
    const QString project = m_dir.filePath("assign.mas");
    {
        auto s = test::createProject(project);
        const Id p = s->ensureParticipant("0007").value();
        QVERIFY(s->addVideo(test::fakeVideo("clips/a.mp4", p)).ok());
    }
    const CliRun role = runCli({"project", "role", project});
    QVERIFY2(role.exitCode == 0 && role.out == "admin\n", qPrintable(role.describe()));
    const CliRun grant = runCli({"project", "grant", project, "bob", "curator"});
    QVERIFY2(failedWithOneLine(grant, {"assign.mas", "roles belong to server projects"}), qPrintable(grant.describe()));

    CliRun r = runCli({"project", "assign", project, "--annotator", "bob", "--participant", "0007", "--as", "carol"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("assigned participant 0007 to bob"), qPrintable(r.describe()));
    r = runCli({"project", "assign", project, "--annotator", "bob", "--video", "clips/a.mp4"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("assigned video clips/a.mp4 to bob"), qPrintable(r.describe()));
    r = runCli({"project", "assignments", project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QStringList lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith("bob\tparticipant\t0007\tby carol\t"), qPrintable(lines[0]));
    QVERIFY2(lines[1].startsWith("bob\tvideo\tclips/a.mp4\tby -\t"), qPrintable(lines[1]));
    r = runCli({"project", "unassign", project, "--annotator", "bob", "--video", "clips/a.mp4"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = runCli({"project", "assignments", project, "--json"});
    const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].toObject().value("participant").toString(), QString("0007"));

    r = runCli({"project", "assign", project, "--annotator", "bob", "--participant", "9999"});
    QVERIFY2(failedWithOneLine(r, {"assign.mas", "no participant with code '9999'"}), qPrintable(r.describe()));
    r = runCli({"project", "assign", project, "--annotator", "bob"});
    QVERIFY2(r.exitCode == 2 && r.err.contains("usage"), qPrintable(r.describe()));
    r = runCli({"project", "unassign", project, "--annotator", "bob", "--video", "clips/a.mp4"});
    QVERIFY2(failedWithOneLine(r, {"assign.mas", "not assigned to bob"}), qPrintable(r.describe()));
}

QTEST_GUILESS_MAIN(TestProjectCli)

#include "tst_projectcli.moc"
