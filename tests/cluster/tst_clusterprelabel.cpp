// Pre-labeling sharded over a cluster, as a user runs it: a project with clips and long footage (videos made
// by FFmpeg) and a tiny real MANet imported once, pushed to a throwaway PostgreSQL server (PgTestCluster) so
// that the shards write at once (without a server: .mas copies, one shard at a time), then
//   - the same pre-label in one process and as a 4-task job array of packaging/slurm/prelabel-array.sbatch
//     on a real single-node Slurm (munged, slurmctld, slurmd started here as root): the predictions and the
//     proposed segments must be the same; where Slurm cannot start, the test says so and runs the 4 shards
//     as local processes instead (the Slurm path must then be run by hand);
//   - a shard killed (SIGKILL) mid-run leaves no half video, and running the shards again completes the
//     project to the one-process result without a duplicate;
//   - a 4-shard evaluate merged (`evaluate --merge`) gives the one-process evaluate's figures.
// Timings of the one-process and the sharded runs are printed (a 2-core machine: see the README).
#include "EvaluationShards.h"
#include "ManetModel.h"
#include "PgTestCluster.h"
#include "ShardSpec.h"
#include "SlurmTestCluster.h"
#include "WorkerTestProject.h"
#include "store/VideoFolderImport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "ProgramRun.h"

#include <algorithm>
#include <cmath>
#include <csignal>

using namespace mas;

namespace {

using CliRun = mas::test::ProgramRun;
using mas::test::runCli;

constexpr int kShards = 4;

bool copyFolder(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    for (const QFileInfo& e : QDir(from).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
        const QString target = to + '/' + e.fileName();
        if (e.isDir() ? !copyFolder(e.filePath(), target) : !QFile::copy(e.filePath(), target))
            return false;
    }
    return true;
}

// One segment's state after a pre-label: its label status and the version's top classes with scores.
struct SegmentState {
    QString status;
    QVector<int> classes;
    QVector<float> scores;
};

// Every segment of the project by "video#start-end" (ids differ between projects; paths and frames do not).
QMap<QString, SegmentState> snapshot(const QString& project, QString* error)
{
    QMap<QString, SegmentState> out;
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
    if (!s) {
        *error = s.error();
        return out;
    }
    const std::optional<store::ModelVersion> version = s.value()->activeModelVersion();
    Result<QVector<store::ClipRow>> rows = s.value()->clipRows();
    if (!version || !rows) {
        *error = "no active version or no rows: " + rows.error();
        return out;
    }
    Result<QVector<store::Prediction>> predictions = s.value()->predictionsOfVersion(version->id);
    QHash<store::Id, store::Prediction> bySegment;
    for (const store::Prediction& p : predictions.value())
        bySegment.insert(p.segmentId, p);
    for (const store::ClipRow& r : rows.value()) {
        const QString key = QString("%1#%2-%3").arg(r.videoPath).arg(r.startFrame).arg(r.endFrame);
        if (out.contains(key)) {
            *error = "duplicate segment " + key;
            return {};
        }
        SegmentState& state = out[key];
        state.status = QString::number(int(r.status));
        for (const store::ClassScore& c : bySegment.value(r.segmentId).topK) {
            state.classes << c.classId;
            state.scores << c.score;
        }
    }
    return out;
}

// "" when equal: same segments, statuses, top classes, scores within 1e-4 (batches of another size may
// round the last float bits differently).
QString difference(const QMap<QString, SegmentState>& a, const QMap<QString, SegmentState>& b)
{
    if (a.keys() != b.keys()) {
        QStringList onlyA, onlyB;
        for (const QString& k : a.keys())
            if (!b.contains(k))
                onlyA << k;
        for (const QString& k : b.keys())
            if (!a.contains(k))
                onlyB << k;
        return QString("segments differ: only in one process: %1; only in shards: %2").arg(onlyA.join(' '), onlyB.join(' '));
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
        const SegmentState& x = it.value();
        const SegmentState& y = b.value(it.key());
        if (x.status != y.status || x.classes != y.classes)
            return QString("%1: status %2 classes %3 vs status %4 classes %5")
                .arg(it.key(), x.status, QString::number(x.classes.value(0)), y.status, QString::number(y.classes.value(0)));
        for (int i = 0; i < x.scores.size(); ++i)
            if (std::abs(x.scores[i] - y.scores[i]) > 1e-4f)
                return QString("%1: score %2 vs %3").arg(it.key()).arg(x.scores[i]).arg(y.scores[i]);
    }
    return {};
}

int countWithPredictions(const QMap<QString, SegmentState>& s)
{
    return int(std::count_if(s.begin(), s.end(), [](const SegmentState& x) { return !x.classes.isEmpty(); }));
}

} // namespace

class TestClusterPrelabel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void shardSpecRules();
    void cliRefusesWhatShardsCannotShare();
    void windowsShardSlidesOverItsVideosOnly();
    void shardsOnSlurmEqualOneProcess();
    void killedShardResumesWithoutDuplicates();
    void cancelledSlurmTaskResubmittedCompletes();
    void shardedEvaluateMergesToOneProcessFigures();

private:
    // A new project equal to the template: a server database (project push) or a copy of the file's folder.
    QString copyOfTemplate(const QString& name);
    QStringList prelabelArgs() const { return {"--model", "tiny", "--device", "cpu", "--threshold", "0", "--batch", "4"}; }
    // The shards as local processes: all at once on a server project, one after another on a .mas file
    // (one writer at a time).
    QString runLocalShards(const QString& project, const QStringList& extra);

    QTemporaryDir m_dir;
    std::unique_ptr<test::PgTestCluster> m_pg; // running, or null: the projects are .mas files
    QString m_template;           // the project folder the runs copy
    QString m_oneProcess;         // pre-labeled by one process (the reference)
    QMap<QString, SegmentState> m_reference;
};

void TestClusterPrelabel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pg = std::make_unique<test::PgTestCluster>();
    if (!m_pg->ok()) {
        qWarning("NO POSTGRESQL SERVER (%s): the projects are .mas files and the shards run one at a time",
                 qPrintable(m_pg->why()));
        m_pg.reset();
    }
    // Server projects' local caches (checkpoints fetched from the server, the worker's side files) stay in the
    // test's folder, for this process, the CLI runs and the Slurm tasks (sbatch passes the environment on).
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    // Clips: 8 videos x 3 segments (every 2nd confirmed), 4 participants. Long footage: 4 videos of 150 frames
    // without segments, which the pre-label slides windows over. Video ids 1..12: 3 per shard.
    // MAS_CLUSTER_TEST_SCALE=S makes S times as many videos (to measure the speed-up on more work).
    const int scale = std::max(1, qEnvironmentVariableIntValue("MAS_CLUSTER_TEST_SCALE"));
    test::WorkerProjectOptions o;
    o.videos = 8 * scale;
    o.participants = 4;
    o.framesPerVideo = 30;
    o.segmentsPerVideo = 3;
    o.confirmedEvery = 2;
    o.size = 48;
    m_template = m_dir.filePath("template");
    test::WorkerProject p = test::makeWorkerProject(m_template, o);
    QVERIFY2(p.store, qPrintable(p.error));
    for (int v = 0; v < 4 * scale; ++v) {
        const QString path = QString("%1/videos/long%2.mp4").arg(m_template).arg(v);
        QString error;
        QVERIFY2(test::makeTestVideo(path, 150, 48, 48, 30, 12, false, &error), qPrintable(error));
        Result<store::Video> probed = store::probeVideoForStore(path);
        QVERIFY2(probed, qPrintable(probed.error()));
        QVERIFY(p.store->addVideo(probed.value()).ok());
    }
    const QString project = p.store->path();
    p.store.reset();
    model::ManetConfig c;
    c.depth = 18;
    c.segments = 2;
    model::Result<model::ManetModel> m = model::ManetModel::create(c);
    QVERIFY(m.ok());
    const QString checkpoint = m_dir.filePath("tiny.pth");
    QVERIFY(m->saveCheckpoint(checkpoint.toStdString(), R"({"input_size": 32, "short_side": 36})").ok());
    // Once, before any shard: shards use a version already in the project.
    const CliRun imported = runCli({"model", "import", project, checkpoint, "--name", "tiny", "--activate"});
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.describe()));
    const CliRun split = runCli({"split", project, "--ratios", "0.5,0.25,0.25", "--seed", "0", "--name", "main"});
    QVERIFY2(split.exitCode == 0, qPrintable(split.describe()));

    m_oneProcess = copyOfTemplate("one_process");
    QElapsedTimer t;
    t.start();
    const CliRun one = runCli(QStringList{"prelabel", m_oneProcess} + prelabelArgs() + QStringList{"--threads", "2"});
    QVERIFY2(one.exitCode == 0, qPrintable(one.describe()));
    qInfo("one process (2 torch threads) on a %s: %.1f s (its own pre-label time: %s s)", m_pg ? "server project" : ".mas file",
          t.elapsed() / 1000.0, qPrintable(QRegularExpression("time: +([0-9.]+) s").match(one.out).captured(1)));
    QString error;
    m_reference = snapshot(m_oneProcess, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // 12 unconfirmed clips predicted, and proposals on the long videos (threshold 0: every window proposes).
    QVERIFY2(countWithPredictions(m_reference) > 12, qPrintable(QString::number(countWithPredictions(m_reference))));
}

QString TestClusterPrelabel::copyOfTemplate(const QString& name)
{
    if (m_pg) {
        const QString url = m_pg->url(name);
        const CliRun push = runCli({"project", "push", m_template + "/project.mas", url});
        if (push.exitCode != 0) {
            qWarning("project push: %s", qPrintable(push.describe()));
            return {};
        }
        return url;
    }
    const QString folder = m_dir.filePath(name);
    if (!copyFolder(m_template, folder))
        return {};
    return folder + "/project.mas";
}

QString TestClusterPrelabel::runLocalShards(const QString& project, const QStringList& extra)
{
    if (m_pg) {
        std::vector<std::unique_ptr<QProcess>> shards;
        for (int k = 0; k < kShards; ++k) {
            shards.push_back(std::make_unique<QProcess>());
            shards.back()->setProcessChannelMode(QProcess::MergedChannels);
            shards.back()->start(QStringLiteral(MASTUDIO_CLI),
                                 QStringList{"prelabel", project, "--shard", QString("%1/%2").arg(k).arg(kShards)} + extra);
        }
        QString failures;
        for (int k = 0; k < kShards; ++k) {
            QProcess& p = *shards[size_t(k)];
            const bool finished = p.waitForFinished(240000);
            if (!finished) {
                p.kill();
                p.waitForFinished();
            }
            if (!finished || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
                failures += QString("shard %1: exit %2: %3\n").arg(k).arg(p.exitCode()).arg(QString::fromUtf8(p.readAll()));
        }
        return failures;
    }
    for (int k = 0; k < kShards; ++k) {
        const CliRun r = runCli(QStringList{"prelabel", project, "--shard", QString("%1/%2").arg(k).arg(kShards)} + extra);
        if (r.exitCode != 0)
            return QString("shard %1: %2").arg(k).arg(r.describe());
    }
    return {};
}

void TestClusterPrelabel::shardSpecRules()
{
    QCOMPARE(worker::parseShardSpec("2/4").value().index, 2);
    QCOMPARE(worker::parseShardSpec(" 0 / 1 ").value().count, 1);
    QCOMPARE(worker::parseShardSpec("4/4").error(), QString("4/4: K must be in 0..N-1 (here 0..3)"));
    QCOMPARE(worker::parseShardSpec("-1/4").error(), QString("-1/4: K must be in 0..N-1 (here 0..3)"));
    QCOMPARE(worker::parseShardSpec("0/0").error(), QString("0/0: N must be at least 1"));
    QVERIFY(worker::parseShardSpec("1of4").error().contains("wants K/N"));
    // Every video in exactly one shard, by its id alone (no list order, no other video involved).
    for (store::Id id = 1; id <= 40; ++id) {
        int owners = 0;
        for (int k = 0; k < kShards; ++k)
            owners += worker::ShardSpec{k, kShards}.containsVideo(id) ? 1 : 0;
        QCOMPARE(owners, 1);
        QVERIFY((worker::ShardSpec{int(id % kShards), kShards}.containsVideo(id)));
    }
    // A merge refuses an incomplete or mixed set of shard figures, naming what is wrong.
    std::vector<worker::ShardEvaluation> parts(2);
    parts[0].shard = {0, 3};
    parts[1].shard = {2, 3};
    QCOMPARE(worker::mergeShardEvaluations(parts).error(), QString("shard 1/3 missing: run it, then merge again"));
    parts[1].shard = {0, 3};
    QVERIFY(worker::mergeShardEvaluations(parts).error().startsWith("shard 0/3 twice"));
    parts[1].shard = {1, 2};
    QVERIFY(worker::mergeShardEvaluations(parts).error().contains("shards of one run only"));
}

void TestClusterPrelabel::cliRefusesWhatShardsCannotShare()
{
    const QString project = copyOfTemplate("refusals");
    const CliRun outOfRange = runCli({"prelabel", project, "--shard", "4/4"});
    QCOMPARE(outOfRange.exitCode, 2);
    QVERIFY2(outOfRange.err.contains("--shard 4/4: K must be in 0..N-1"), qPrintable(outOfRange.err));
    // N shards importing a file (or making a random model) at once would each add a version.
    const CliRun newModel = runCli({"prelabel", project, "--shard", "0/2", "--model", "random:18", "--device", "cpu"});
    QCOMPARE(newModel.exitCode, 1);
    QVERIFY2(newModel.err.contains("one model version already in the project"), qPrintable(newModel.err));
    const CliRun both = runCli({"evaluate", project, "--shard", "0/2", "--merge"});
    QCOMPARE(both.exitCode, 2);
    QVERIFY2(both.err.contains("--merge"), qPrintable(both.err));
    // An empty shard (N larger than the videos) does nothing and says so.
    const CliRun empty = runCli({"prelabel", project, "--shard", "999/1000", "--device", "cpu"});
    QVERIFY2(empty.exitCode == 0, qPrintable(empty.describe()));
    QVERIFY2(empty.out.contains("shard:         999/1000 (0 of "), qPrintable(empty.out));
    QString error;
    QCOMPARE(countWithPredictions(snapshot(project, &error)), 0);
}

void TestClusterPrelabel::windowsShardSlidesOverItsVideosOnly()
{
    const QString project = copyOfTemplate("windows");
    QVERIFY(!project.isEmpty());
    // --videos naming only another shard's video: this shard has nothing to do (and must not take all of its own).
    const CliRun none = runCli(QStringList{"prelabel", project, "--windows", "--videos", "4", "--shard", "2/4"} + prelabelArgs());
    QVERIFY2(none.exitCode == 0 && none.out.contains("windows:       0 "), qPrintable(none.describe()));
    const CliRun mine = runCli(QStringList{"prelabel", project, "--windows", "--shard", "2/4"} + prelabelArgs());
    QVERIFY2(mine.exitCode == 0, qPrintable(mine.describe()));
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
    QVERIFY2(s, qPrintable(s.error()));
    const store::Id version = s.value()->activeModelVersion()->id;
    const QVector<store::Video> videos = s.value()->videos().value();
    for (const store::Video& v : videos)
        QVERIFY2(s.value()->proposalsCommitted(v.id, version).value() == (v.id % 4 == 2), qPrintable(v.path));
}

void TestClusterPrelabel::shardsOnSlurmEqualOneProcess()
{
    const QString project = copyOfTemplate("slurm");
    QVERIFY(!project.isEmpty());
    test::SlurmTestCluster slurm;
    // MAS_CLUSTER_TEST_NO_SLURM=1 takes the fallback on purpose (to check it where Slurm does start).
    const QString why = qEnvironmentVariableIsSet("MAS_CLUSTER_TEST_NO_SLURM") ? QString("MAS_CLUSTER_TEST_NO_SLURM is set")
                                                                              : slurm.start(kShards);
    QElapsedTimer t;
    t.start();
    if (!why.isEmpty()) {
        // Not a pass of the Slurm path: said loudly, and the same shards still run (the Slurm path must be run by hand).
        qWarning("SLURM DID NOT START, running the %d shards as local processes instead: %s", kShards, qPrintable(why));
        const QString failed = runLocalShards(project, prelabelArgs() + QStringList{"--threads", "1"});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        qInfo("%d shards as local processes (%s): %.1f s", kShards, m_pg ? "at once" : "one after another",
              t.elapsed() / 1000.0);
    } else {
        qInfo("real Slurm: slurmctld and slurmd up in %s", qPrintable(slurm.folder()));
        // A server project takes the 4 tasks at once; a .mas file one writer at a time (%1: one task at a time).
        QProcess sbatch;
        QProcessEnvironment env = slurm.environment();
        env.insert("MASTUDIO_CLI", QStringLiteral(MASTUDIO_CLI));
        sbatch.setProcessEnvironment(env);
        sbatch.start("sbatch", QStringList{"--parsable", QString("--array=0-%1").arg(kShards - 1) + (m_pg ? "" : "%1"),
                                           "--cpus-per-task=1", "--chdir", slurm.folder(), "--output",
                                           slurm.folder() + "/task-%a.out", QStringLiteral(MAS_SLURM_SCRIPT), project}
                                   + prelabelArgs());
        QVERIFY(sbatch.waitForFinished(30000));
        const QString job = QString::fromUtf8(sbatch.readAllStandardOutput()).trimmed().section(';', 0, 0);
        QVERIFY2(sbatch.exitCode() == 0 && !job.isEmpty(), qPrintable(QString::fromUtf8(sbatch.readAllStandardError())));
        QString states;
        const bool completed = slurm.waitForJob(job, kShards, 240000, &states);
        const double seconds = t.elapsed() / 1000.0;
        QString outputs = states;
        for (int k = 0; k < kShards; ++k) {
            QFile f(slurm.folder() + QString("/task-%1.out").arg(k));
            if (f.open(QIODevice::ReadOnly))
                outputs += QString("\n--- task %1:\n").arg(k) + QString::fromUtf8(f.readAll());
        }
        QVERIFY2(completed, qPrintable(outputs + slurm.logs()));
        qInfo("%d shards as a Slurm job array (%s), submit to done: %.1f s", kShards,
              m_pg ? "all at once on the server project" : "one task at a time on a .mas file", seconds);
        for (int k = 0; k < kShards; ++k)
            QVERIFY2(outputs.contains(QString("shard %1/%2").arg(k).arg(kShards)), qPrintable(outputs));
        // Each task's own job time (the CLI's "time:" line: after start-up, model load and connection).
        static const QRegularExpression jobTime(QStringLiteral("time: +([0-9.]+) s"));
        QStringList times;
        for (auto it = jobTime.globalMatch(outputs); it.hasNext();)
            times << it.next().captured(1);
        qInfo("the tasks' own pre-label times (s): %s", qPrintable(times.join(", ")));
    }
    QString error;
    const QMap<QString, SegmentState> sharded = snapshot(project, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString diff = difference(m_reference, sharded);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // A shard run again finds all its work done and changes nothing.
    const CliRun again = runCli(QStringList{"prelabel", project, "--shard", "1/4"} + prelabelArgs());
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    const QRegularExpressionMatch counts = QRegularExpression("clips: +(\\d+) \\((\\d+) already").match(again.out);
    QVERIFY2(counts.hasMatch() && counts.captured(1) == counts.captured(2) && counts.captured(1).toInt() > 0, qPrintable(again.out));
    QCOMPARE(difference(m_reference, snapshot(project, &error)), QString());
}

void TestClusterPrelabel::killedShardResumesWithoutDuplicates()
{
    const QString project = copyOfTemplate("killed");
    // Shard 1 alone, one clip per batch, killed without warning once it slides windows over its long video.
    QProcess shard;
    shard.start(QStringLiteral(MASTUDIO_CLI),
                QStringList{"prelabel", project, "--shard", "1/4", "--model", "tiny", "--device", "cpu", "--threshold", "0",
                            "--batch", "1", "--threads", "1"});
    QVERIFY(shard.waitForStarted());
    QString err;
    QElapsedTimer t;
    t.start();
    while (!err.contains("sliding windows") && t.elapsed() < 120000 && shard.state() == QProcess::Running) {
        shard.waitForReadyRead(100);
        err += QString::fromUtf8(shard.readAllStandardError());
    }
    QVERIFY2(err.contains("sliding windows"), qPrintable(err));
    QThread::msleep(150);
    const bool killedMidRun = shard.state() == QProcess::Running;
    ::kill(pid_t(shard.processId()), SIGKILL);
    shard.waitForFinished();
    qInfo("shard 1 %s", killedMidRun ? "killed while sliding windows" : "finished before the kill (nothing to check mid-video)");

    // No half video: the long video of shard 1 has its "done" marker exactly when it has proposed segments.
    {
        Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
        QVERIFY2(s, qPrintable(s.error()));
        const store::Id version = s.value()->activeModelVersion()->id;
        const QVector<store::Video> videos = s.value()->videos().value(); // kept: a range-for over a temporary's value() dangles
        for (const store::Video& v : videos) {
            if (!v.path.contains("long"))
                continue;
            const bool done = s.value()->proposalsCommitted(v.id, version).value();
            const bool hasSegments = !s.value()->segmentsOfVideo(v.id).value().isEmpty();
            QVERIFY2(done == hasSegments, qPrintable(v.path));
            if (!worker::ShardSpec{1, 4}.containsVideo(v.id))
                QVERIFY2(!done, qPrintable(v.path + " is another shard's"));
        }
    }
    // Every shard again (shard 1 resumes): the one-process result, no duplicate.
    const QString failed = runLocalShards(project, prelabelArgs() + QStringList{"--threads", "1"});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QString error;
    const QString diff = difference(m_reference, snapshot(project, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestClusterPrelabel::cancelledSlurmTaskResubmittedCompletes()
{
    test::SlurmTestCluster slurm;
    if (qEnvironmentVariableIsSet("MAS_CLUSTER_TEST_NO_SLURM"))
        QSKIP("MAS_CLUSTER_TEST_NO_SLURM is set");
    if (const QString why = slurm.start(kShards); !why.isEmpty())
        QSKIP(qPrintable("Slurm did not start (the cancel/resubmit path must be run by hand): " + why));
    const QString project = copyOfTemplate("cancelled");
    QVERIFY(!project.isEmpty());
    QProcessEnvironment env = slurm.environment();
    env.insert("MASTUDIO_CLI", QStringLiteral(MASTUDIO_CLI));
    auto submit = [&](const QString& array, const QStringList& extraEnv) {
        QProcess sbatch;
        QProcessEnvironment e = env;
        for (const QString& kv : extraEnv)
            e.insert(kv.section('=', 0, 0), kv.section('=', 1));
        sbatch.setProcessEnvironment(e);
        sbatch.start("sbatch", QStringList{"--parsable", "--array=" + array + (m_pg ? "" : "%1"), "--cpus-per-task=1",
                                           "--chdir", slurm.folder(), "--output", slurm.folder() + "/cancel-%A-%a.out",
                                           QStringLiteral(MAS_SLURM_SCRIPT), project, "--batch", "1"}
                                   + prelabelArgs().mid(0, 6));
        sbatch.waitForFinished(30000);
        return QString::fromUtf8(sbatch.readAllStandardOutput()).trimmed().section(';', 0, 0);
    };
    // The array; task 1 cancelled as soon as it runs (as a pre-emption would end it).
    const QString job = submit(QString("0-%1").arg(kShards - 1), {});
    QVERIFY(!job.isEmpty());
    QString out;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 60000 && !(slurm.client("squeue", {"-h", "-j", job + "_1", "-o", "%T"}, &out) && out.contains("RUNNING")))
        QThread::msleep(50);
    QVERIFY2(slurm.client("scancel", {job + "_1"}, &out), qPrintable(out));
    QString states;
    slurm.waitForJob(job, kShards, 240000, &states);
    QVERIFY2(states.count("JobState=COMPLETED") == kShards - 1 && states.contains("JobState=CANCELLED"), qPrintable(states));
    // Task 1 again alone, told the array's size: the project ends as one process leaves it, nothing twice.
    const QString again = submit("1", {"MASTUDIO_SHARDS=4"});
    QVERIFY(!again.isEmpty());
    QVERIFY2(slurm.waitForJob(again, 1, 240000, &states), qPrintable(states + slurm.logs()));
    QString error;
    const QString diff = difference(m_reference, snapshot(project, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestClusterPrelabel::shardedEvaluateMergesToOneProcessFigures()
{
    const CliRun one = runCli({"evaluate", m_oneProcess, "--plan", "main", "--split", "train", "--device", "cpu", "--json"});
    QVERIFY2(one.exitCode == 0, qPrintable(one.describe()));
    const QJsonObject reference = QJsonDocument::fromJson(one.out.toUtf8()).object().value("evaluation").toObject();
    QVERIFY2(reference.value("classes").toObject().value("count").toInt() > 0, qPrintable(one.out));

    const QString project = copyOfTemplate("evaluate");
    const QString partials = m_dir.filePath("partials");
    for (int k = 0; k < kShards; ++k) {
        // Through the array script as a Slurm task runs it (its environment given here, without Slurm).
        QProcess task;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_ARRAY_TASK_ID", QString::number(k));
        env.insert("SLURM_ARRAY_TASK_MIN", "0");
        env.insert("SLURM_ARRAY_TASK_COUNT", QString::number(kShards));
        env.insert("SLURM_CPUS_PER_TASK", "1");
        env.insert("MASTUDIO_CLI", QStringLiteral(MASTUDIO_CLI));
        task.setProcessEnvironment(env);
        task.start("bash", {QStringLiteral(MAS_SLURM_EVALUATE_SCRIPT), project, partials, "--plan", "main", "--split", "train",
                            "--device", "cpu"});
        QVERIFY(task.waitForFinished(240000));
        const CliRun r{task.exitCode(), QString::fromUtf8(task.readAllStandardOutput()),
                       QString::fromUtf8(task.readAllStandardError())};
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains(QString("mastudio-evaluate: shard %1/%2").arg(k).arg(kShards)), qPrintable(r.out));
        QVERIFY2(r.out.contains("nothing stored on the version yet"), qPrintable(r.out));
        if (k == 1) { // three of four: the merge refuses
            const CliRun early = runCli({"evaluate", project, "--split", "train", "--merge", "--partials", partials});
            QCOMPARE(early.exitCode, 1);
            QVERIFY2(early.err.contains("shard 2/4, 3/4 missing"), qPrintable(early.err));
        }
    }
    const CliRun merged = runCli({"evaluate", project, "--split", "train", "--merge", "--partials", partials, "--json"});
    QVERIFY2(merged.exitCode == 0, qPrintable(merged.describe()));
    const QJsonObject figures = QJsonDocument::fromJson(merged.out.toUtf8()).object().value("evaluation").toObject();
    QCOMPARE(figures.value("shards").toInt(), kShards);
    for (const char* level : {"classes", "body_parts"}) {
        const QJsonObject a = reference.value(level).toObject(), b = figures.value(level).toObject();
        for (const char* key : {"count", "top1", "top5", "macro_f1", "per_class"})
            QVERIFY2(a.value(key) == b.value(key), qPrintable(QString("%1.%2").arg(level, key)));
    }
    QCOMPARE(figures.value("confusion"), reference.value("confusion"));
    QCOMPARE(figures.value("clips"), reference.value("clips"));
    QVERIFY(std::abs(figures.value("loss").toDouble() - reference.value("loss").toDouble()) < 1e-5);
    // Stored on the version as a one-process evaluate stores its figures.
    const CliRun models = runCli({"models", project, "--json"});
    const QJsonArray versions = QJsonDocument::fromJson(models.out.toUtf8()).array();
    QCOMPARE(versions.size(), 1);
    QCOMPARE(versions[0]["metrics"]["train"]["shards"].toInt(), kShards);
    QCOMPARE(versions[0]["metrics"]["train"]["classes"]["top1"], reference["classes"]["top1"]);
}

QTEST_GUILESS_MAIN(TestClusterPrelabel)
#include "tst_clusterprelabel.moc"
