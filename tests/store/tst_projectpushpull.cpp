// Projects moved between back ends as a user does it: the built mastudio-cli pushes a project file
// to a real (throwaway) PostgreSQL server and pulls it back into a new file; the CSV and JSON
// exports of the file, the server project and the pulled file are byte-identical.
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>

#include "ProgramRun.h"

using namespace mas;
using namespace mas::store;

namespace {

using CliRun = mas::test::ProgramRun;
using mas::test::runCli;

QByteArray checkpointBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 300000; ++i)
        bytes.append(char((uint(i) * 7919u) >> 3));
    return bytes;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestProjectPushPull : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTripKeepsExportsByteIdentical();
    void createOnServerAndRefuseToOverwrite();
    void teamRolesAndAssignmentsFromTheCli();

private:
    void makeProject(const QString& path);

    QTemporaryDir m_dir;
    test::PgTestCluster* m_pg = nullptr;
};

void TestProjectPushPull::initTestCase()
{
    m_pg = &test::ProjectLocations::cluster();
    if (!m_pg->ok())
        QSKIP(qPrintable(m_pg->why()));
    qputenv("MAS_VIDEO_ROOT", m_dir.path().toUtf8());
    // Server projects' local caches (this process and the CLI's) stay in the test's folder.
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
}

// Two annotators' labels, notes that need escaping, two model versions (one active) with
// predictions, and a split plan.
void TestProjectPushPull::makeProject(const QString& path)
{
    auto s = test::createProject(path, "alice");
    const Id bob = s->ensureAnnotator("bob").value();
    const Id p1 = s->ensureParticipant("0001").value();
    const Id p2 = s->ensureParticipant("0002").value();
    ModelVersion base;
    base.name = "manet-base";
    base.kind = "pretrained";
    base.hyperParamsJson = R"({"depth":18})";
    // A checkpoint file (its bytes are what matters here: they must reach every client).
    base.checkpointPath = s->cacheDir() + "/models/base/model.pt";
    QDir().mkpath(QFileInfo(base.checkpointPath).absolutePath());
    QFile checkpoint(base.checkpointPath);
    QVERIFY(checkpoint.open(QIODevice::WriteOnly));
    checkpoint.write(checkpointBytes());
    checkpoint.close();
    const Id model = s->addModelVersion(base).value();
    ModelVersion ft = base;
    ft.name = "manet-ft";
    ft.parentId = model;
    ft.kind = "fine-tuned";
    ft.active = true;
    const Id tuned = s->addModelVersion(ft).value();
    QVERIFY(s->updateModelMetrics(tuned, R"({"top1":0.625})").ok());
    QVector<Prediction> predictions;
    int n = 0;
    for (const auto& [code, participant] : {std::pair{QString("0001"), p1}, std::pair{QString("0002"), p2}}) {
        for (int v = 0; v < 2; ++v) {
            const Id video = s->addVideo(test::fakeVideo(QStringLiteral("clips/%1_0%2_0101.mp4").arg(code).arg(v), participant)).value();
            for (int k = 0; k < 5; ++k, ++n) {
                const QString note = n % 2 ? QStringLiteral("it's a \"nod\" \\ é 中 %1").arg(n) : QString();
                const Id seg = s->addSegment(video, k * 20, k * 20 + 15, note).value();
                QVERIFY(s->addLabel(seg, n % 52, LabelStatus::Confirmed).ok());
                if (n % 3 == 0)
                    QVERIFY(s->addLabel(seg, (n + 7) % 52, n % 2 ? LabelStatus::Disputed : LabelStatus::Confirmed, bob).ok());
                Prediction p;
                p.segmentId = seg;
                p.modelVersionId = n % 4 ? tuned : model;
                p.topK = {{n % 52, 0.7f - 0.01f * float(k)}, {(n + 1) % 52, 0.1234567f}, {(n + 2) % 52, 1.0f / 3.0f}};
                p.bodyPartScores = {0.1f, 0.2f, 0.3f, 0.1f, 0.1f, 0.1f, 0.1f};
                predictions << p;
            }
        }
    }
    QVERIFY(s->storePredictions(predictions).ok());
    const Id plan = s->createSplitPlan("main", SplitUnit::Participant, "seed 0").value();
    QVERIFY(s->setSplitAssignments(plan, {{p1, SplitSet::Train}, {p2, SplitSet::Test}}).ok());
    QVERIFY(s->assign(bob, p2, 0).ok());
}

void TestProjectPushPull::roundTripKeepsExportsByteIdentical()
{
    const QString file = m_dir.filePath("study.mas");
    makeProject(file);
    if (QTest::currentTestFailed())
        return;
    const QString url = m_pg->url("study");

    QElapsedTimer t;
    t.start();
    const CliRun push = runCli({"project", "push", file, url});
    QVERIFY2(push.exitCode == 0, qPrintable(push.describe()));
    qInfo("push: %lld ms (%s)", t.elapsed(), qPrintable(push.out.trimmed()));
    QVERIFY2(push.out.contains("20 segments") && push.out.contains("2 model versions"), qPrintable(push.out));

    const QString pulled = m_dir.filePath("pulled.mas");
    t.restart();
    const CliRun pull = runCli({"project", "pull", url, pulled});
    QVERIFY2(pull.exitCode == 0, qPrintable(pull.describe()));
    qInfo("pull: %lld ms", t.elapsed());

    // The same rows through the API, the edit log included.
    auto a = ProjectStore::open(file, OpenMode::ReadOnly);
    auto b = ProjectStore::open(pulled, OpenMode::ReadOnly);
    t.restart();
    auto server = ProjectStore::open(url, OpenMode::ReadOnly);
    qInfo("open over the socket: %lld ms", t.elapsed());
    QVERIFY2(a.ok() && b.ok() && server.ok(), qPrintable(a.error() + b.error() + server.error()));
    QVERIFY2(!server.value()->path().contains("password"), qPrintable(server.value()->path()));
    QCOMPARE(b.value()->editLog(1000).value().size(), a.value()->editLog(1000).value().size());
    QCOMPARE(server.value()->editLog(1000).value().size(), a.value()->editLog(1000).value().size());
    QCOMPARE(b.value()->meta().created, a.value()->meta().created);
    QCOMPARE(b.value()->annotators().value().size(), 2);

    // The checkpoint went with its version: stored on the server, fetched by another client into
    // its own cache, and copied into the pulled file's cache.
    const ModelVersion pulledBase = b.value()->modelVersions().value().first();
    QVERIFY2(pulledBase.checkpointPath.startsWith("pulled.mas.cache/"), qPrintable(pulledBase.checkpointPath));
    QCOMPARE(readAll(b.value()->projectDir() + "/" + pulledBase.checkpointPath), checkpointBytes());
    qputenv("XDG_CACHE_HOME", m_dir.filePath("another-client").toUtf8());
    {
        auto other = ProjectStore::open(url, OpenMode::ReadOnly);
        QVERIFY2(other.ok(), qPrintable(other.error()));
        QCOMPARE(other.value()->modelVersions().value().size(), 2);
        const ModelVersion fetched = other.value()->modelVersions().value().first();
        QVERIFY2(fetched.checkpointPath.startsWith(m_dir.filePath("another-client")), qPrintable(fetched.checkpointPath));
        QCOMPARE(readAll(fetched.checkpointPath), checkpointBytes());
    }
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());

    for (const QString& kind : {QStringLiteral("csv"), QStringLiteral("json")}) {
        for (const QStringList& options : {QStringList{}, QStringList{"--plan", "main", "--model", "manet-base"}}) {
            QByteArray reference;
            for (const QString& project : {file, url, pulled}) {
                const QString out = m_dir.filePath(QStringLiteral("export-%1-%2.%3")
                                                       .arg(project == url ? "server" : QFileInfo(project).baseName())
                                                       .arg(options.size())
                                                       .arg(kind));
                const CliRun e = runCli(QStringList{"export", kind, project, out} + options);
                QVERIFY2(e.exitCode == 0, qPrintable(project + ": " + e.describe()));
                const QByteArray bytes = readAll(out);
                QVERIFY2(bytes.size() > 100, qPrintable(out));
                if (reference.isEmpty())
                    reference = bytes;
                else
                    QVERIFY2(bytes == reference, qPrintable(QStringLiteral("%1 differs from the file's export").arg(out)));
            }
        }
    }
}

void TestProjectPushPull::createOnServerAndRefuseToOverwrite()
{
    const QString url = m_pg->url("made-by-cli");
    const CliRun create = runCli({"project", "create", url, "--annotator", "carol"});
    QVERIFY2(create.exitCode == 0, qPrintable(create.describe()));
    const CliRun info = runCli({"project", "info", url});
    QVERIFY2(info.exitCode == 0 && info.out.contains("made-by-cli"), qPrintable(info.describe()));
    const CliRun again = runCli({"project", "create", url});
    QVERIFY2(again.exitCode != 0 && again.err.contains("already exists") && again.err.contains("made-by-cli"),
             qPrintable(again.describe()));
    // A push into it is refused the same way, naming the server project.
    const QString file = m_dir.filePath("small.mas");
    test::createProject(file);
    const CliRun push = runCli({"project", "push", file, url});
    QVERIFY2(push.exitCode != 0 && push.err.contains("already exists"), qPrintable(push.describe()));
    // A wrong server says so and names the URL (without any password given in it).
    const CliRun wrong = runCli({"project", "info", QStringLiteral("postgresql://mas:secret@/nosuchdb?host=%1&port=%2")
                                                        .arg(m_pg->socketDir()).arg(m_pg->port())});
    QVERIFY2(wrong.exitCode != 0 && wrong.err.contains("nosuchdb") && !wrong.err.contains("secret"), qPrintable(wrong.describe()));
}

// A creator without CREATEROLE is shown the SQL for the team roles; members connect as
// themselves; an admin grants, a curator assigns, an annotator is refused both.
void TestProjectPushPull::teamRolesAndAssignmentsFromTheCli()
{
    const QString url = m_pg->url("team-cli");
    const CliRun create = runCli({"project", "create", url});
    QVERIFY2(create.exitCode == 0 && create.out.contains("CREATE ROLE mas_curator"), qPrintable(create.describe()));
    QString error;
    QVERIFY2(m_pg->psql("team-cli", create.out.mid(create.out.indexOf("-- as a superuser")), nullptr, &error), qPrintable(error));
    QVERIFY2(m_pg->psql("postgres", "CREATE ROLE cli_ann LOGIN IN ROLE mas_annotator; CREATE ROLE cli_cur LOGIN", nullptr, &error),
             qPrintable(error));
    {
        auto s = ProjectStore::open(url).value();
        QVERIFY(s->addVideo(test::fakeVideo("v.mp4", s->ensureParticipant("0007").value())).ok());
    }
    const QString asAnnotator = m_pg->url("team-cli", "cli_ann"), asCurator = m_pg->url("team-cli", "cli_cur");

    CliRun r = runCli({"project", "role", url});
    QVERIFY2(r.exitCode == 0 && r.out == "admin\n", qPrintable(r.describe()));
    r = runCli({"project", "role", asAnnotator});
    QVERIFY2(r.exitCode == 0 && r.out == "annotator\n", qPrintable(r.describe()));
    r = runCli({"project", "grant", asAnnotator, "cli_cur", "curator"});
    QVERIFY2(r.exitCode == 1 && r.err.contains("granting roles needs the admin role; you are an annotator"), qPrintable(r.describe()));
    r = runCli({"project", "grant", url, "cli_cur", "curator"}); // the creator, made an admin by the SQL
    QVERIFY2(r.exitCode == 0 && r.out.contains("cli_cur is now curator"), qPrintable(r.describe()));
    r = runCli({"project", "role", asCurator});
    QVERIFY2(r.exitCode == 0 && r.out == "curator\n", qPrintable(r.describe()));

    r = runCli({"project", "assign", asAnnotator, "--annotator", "cli_ann", "--participant", "0007"});
    QVERIFY2(r.exitCode == 1 && r.err.contains("assigning work needs the curator role; you are an annotator on postgresql://"),
             qPrintable(r.describe()));
    r = runCli({"project", "assign", asCurator, "--annotator", "cli_ann", "--participant", "0007"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("assigned participant 0007 to cli_ann"), qPrintable(r.describe()));
    r = runCli({"project", "assignments", asAnnotator});
    QVERIFY2(r.exitCode == 0 && r.out.startsWith("cli_ann\tparticipant\t0007\tby cli_cur\t"), qPrintable(r.describe()));
}

QTEST_GUILESS_MAIN(TestProjectPushPull)
#include "tst_projectpushpull.moc"
