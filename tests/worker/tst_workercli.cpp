// The worker's CLI verbs as a user runs them: the built mastudio-cli on a tiny project file with generated
// videos: prelabel (a checkpoint file), models, train (fast), models rollback / activate, evaluate, usage
// errors, and Ctrl-C (SIGINT) stopping a pre-label cleanly with its finished batches kept.
#include "ManetModel.h"
#include "ModelCatalog.h"
#include "WorkerTestProject.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

#include "ProgramRun.h"

#include <csignal>

using namespace mas;

namespace {

using CliRun = mas::test::ProgramRun;
using mas::test::runCli;

int predictionCount(const QString& project)
{
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
    return s ? s.value()->counts()->predictions : -1;
}

} // namespace

class TestWorkerCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void prelabelTrainRollBackEvaluate();
    void usageErrorsSayWhy();
    void ctrlCStopsCleanlyKeepingFinishedBatches();
    void classifyKeepsOrderAcrossBatchesAndNamesABadFile();

private:
    QTemporaryDir m_dir;
    QString m_project, m_checkpoint;
};

void TestWorkerCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    test::WorkerProjectOptions o;
    o.videos = 6;
    o.participants = 3;
    o.segmentsPerVideo = 2;
    o.confirmedEvery = 2;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("tiny"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    m_project = p.store->path();
    p.store.reset(); // the CLI opens it in its own process
    // A small MANet checkpoint file, as a user would bring one.
    model::ManetConfig c;
    c.depth = 18;
    c.segments = 2;
    model::Result<model::ManetModel> m = model::ManetModel::create(c);
    QVERIFY(m.ok());
    m_checkpoint = m_dir.filePath("tiny-r18.pth");
    QVERIFY(m->saveCheckpoint(m_checkpoint.toStdString(), R"({"input_size": 32, "short_side": 36})").ok());
}

void TestWorkerCli::prelabelTrainRollBackEvaluate()
{
    const CliRun pre = runCli({"prelabel", m_project, "--model", m_checkpoint, "--device", "cpu", "--threads", "2"});
    QVERIFY2(pre.exitCode == 0, qPrintable(pre.describe()));
    QVERIFY2(pre.out.contains("clips:         6 (0 already pre-labeled, 0 failed)"), qPrintable(pre.out));
    QVERIFY2(pre.out.contains("clips/s end to end"), qPrintable(pre.out));
    QVERIFY2(pre.out.contains("active:"), qPrintable(pre.out)); // the project had none
    QVERIFY2(pre.out.contains(", cpu, float32)"), qPrintable(pre.out));
    QCOMPARE(predictionCount(m_project), 6);

    // Again: everything is done already (asked in bf16, which says so; refused where the CPU lacks it).
    const CliRun again = runCli({"prelabel", m_project, "--device", "cpu", "--bf16"});
    if (worker::computeCapabilities().cpuBFloat16) {
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
        QVERIFY2(again.out.contains("(6 already pre-labeled"), qPrintable(again.out));
        QVERIFY2(again.out.contains(", cpu, bf16)"), qPrintable(again.out));
    } else {
        QVERIFY2(again.exitCode == 1 && again.err.contains("bfloat16"), qPrintable(again.describe()));
    }

    const CliRun train = runCli({"train", m_project, "--mode", "head", "--epochs", "2", "--device", "cpu", "--name", "tuned"});
    QVERIFY2(train.exitCode == 0, qPrintable(train.describe()));
    QVERIFY2(train.out.contains("new model version: tuned"), qPrintable(train.out));
    // No plan in the project: a participant hold-out is made, saved and named.
    QVERIFY2(train.out.contains("split plan:        holdout-1 (made now"), qPrintable(train.out));
    QVERIFY2(train.out.contains("top-1"), qPrintable(train.out));
    QVERIFY2(train.out.contains("pre-labels refreshed: 6"), qPrintable(train.out));
    QVERIFY2(train.err.contains("epoch 2"), qPrintable(train.err));

    const CliRun models = runCli({"models", m_project});
    QVERIFY2(models.exitCode == 0, qPrintable(models.describe()));
    QVERIFY2(models.out.contains("* "), qPrintable(models.out));
    QVERIFY2(models.out.contains("tuned"), qPrintable(models.out));
    const CliRun json = runCli({"models", m_project, "--json"});
    const QJsonArray versions = QJsonDocument::fromJson(json.out.toUtf8()).array();
    QCOMPARE(versions.size(), 2);
    QJsonObject tuned;
    for (const QJsonValue& v : versions)
        if (v["name"].toString() == "tuned")
            tuned = v.toObject();
    QVERIFY(tuned["active"].toBool());
    QCOMPARE(tuned["parent"].toString(), QString("tiny-r18"));
    QVERIFY(tuned["hyper_params"].toObject().contains("data_snapshot"));

    const CliRun back = runCli({"models", "rollback", m_project});
    QVERIFY2(back.exitCode == 0 && back.out.contains("tiny-r18"), qPrintable(back.describe()));
    const CliRun forward = runCli({"models", "activate", m_project, "tuned"});
    QVERIFY2(forward.exitCode == 0 && forward.out.contains("tuned"), qPrintable(forward.describe()));

    const CliRun eval = runCli({"evaluate", m_project, "--version", "tuned", "--device", "cpu"});
    QVERIFY2(eval.exitCode == 0, qPrintable(eval.describe()));
    QVERIFY2(eval.out.contains("test participants of split plan \"holdout-1\""), qPrintable(eval.out));
    QVERIFY2(eval.out.contains("confirmed clips"), qPrintable(eval.out));
    QVERIFY2(eval.out.contains("macro-F1"), qPrintable(eval.out));
}

void TestWorkerCli::usageErrorsSayWhy()
{
    const CliRun mode = runCli({"train", m_project, "--mode", "sideways"});
    QCOMPARE(mode.exitCode, 2);
    QVERIFY2(mode.err.contains("--mode"), qPrintable(mode.err));
    const CliRun missing = runCli({"evaluate", m_project, "--version", "no-such-version", "--device", "cpu"});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("no-such-version"), qPrintable(missing.err));
    const CliRun noProject = runCli({"prelabel", m_dir.filePath("absent.mas")});
    QCOMPARE(noProject.exitCode, 1);
}

void TestWorkerCli::ctrlCStopsCleanlyKeepingFinishedBatches()
{
    // A bigger model (224 crops) one clip per batch, so there is time to press Ctrl-C.
    test::WorkerProjectOptions o;
    o.videos = 8;
    o.segmentsPerVideo = 3;
    o.confirmedEvery = 0;
    test::WorkerProject p = test::makeWorkerProject(m_dir.filePath("interrupt"), o);
    QVERIFY2(p.store, qPrintable(p.error));
    const QString project = p.store->path();
    p.store.reset();
    QProcess cli;
    cli.start(QStringLiteral(MASTUDIO_CLI), {"prelabel", project, "--model", "random:18", "--batch", "1", "--device", "cpu"});
    QVERIFY(cli.waitForStarted());
    QString err;
    QElapsedTimer t;
    t.start();
    while (!err.contains("/24") && t.elapsed() < 120000 && cli.state() == QProcess::Running) {
        cli.waitForReadyRead(200);
        err += QString::fromUtf8(cli.readAllStandardError());
    }
    QVERIFY2(err.contains("/24"), qPrintable(err));
    ::kill(pid_t(cli.processId()), SIGINT);
    QVERIFY(cli.waitForFinished(60000));
    err += QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), 130);
    QVERIFY2(err.contains("interrupted"), qPrintable(err));
    const int kept = predictionCount(project);
    QVERIFY2(kept >= 0 && kept < 24, qPrintable(QString::number(kept)));
    // Again with the version the interrupted run registered (it made none active): it goes on from there.
    const CliRun rest = runCli({"prelabel", project, "--model", "random-r18", "--device", "cpu", "--batch", "4"});
    QVERIFY2(rest.exitCode == 0, qPrintable(rest.describe()));
    QVERIFY2(rest.out.contains(QString("(%1 already pre-labeled").arg(kept)), qPrintable(rest.out));
    QCOMPARE(predictionCount(project), 24);
}


// `classify` decodes the next videos while the model runs on a batch of them: the results must come
// in the order given, be the same whatever the batch, and a file that is not a video must be named
// without costing the others their results.
void TestWorkerCli::classifyKeepsOrderAcrossBatchesAndNamesABadFile()
{
    QStringList videos;
    QDirIterator it(m_dir.filePath("tiny"), {"*.mp4"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        videos << it.next();
    videos.sort();
    QVERIFY(videos.size() >= 3);
    const QString bad = m_dir.filePath("not-a-video.mp4");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    const QStringList list{videos[0], bad, videos[1], videos[2], videos[0]};
    QList<QJsonArray> runs;
    for (const char* batch : {"1", "3"}) {
        QStringList options{"--model", m_checkpoint, "--device", "cpu", "--batch", batch, "--json", "--top", "3"};
        const bool oneThread = QByteArray(batch) == "3";
        if (oneThread) // a thread count chosen by the user holds, though the model loads after it is set
            options << "--threads" << "1" << "--decoders" << "1" << "--timings";
        const CliRun r = runCli(QStringList{"classify"} + list + options);
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe())); // one video failed
        if (oneThread)
            QVERIFY2(r.err.contains("model on 1 thread(s) beside 1 decoder(s) of 1 thread(s)"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("not-a-video.mp4"), qPrintable(r.describe()));
        const QJsonArray results = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(results.size(), 4);
        const QStringList expected{videos[0], videos[1], videos[2], videos[0]};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(results[i].toObject().value("video").toString(), expected[i]);
        runs << results;
    }
    for (int i = 0; i < 4; ++i) {
        const QJsonArray a = runs[0][i].toObject().value("top").toArray(), b = runs[1][i].toObject().value("top").toArray();
        QCOMPARE(a.size(), 3);
        for (int k = 0; k < 3; ++k) {
            QCOMPARE(a[k].toObject().value("id").toInt(), b[k].toObject().value("id").toInt());
            QVERIFY(std::abs(a[k].toObject().value("score").toDouble() - b[k].toObject().value("score").toDouble()) < 1e-5);
        }
    }
    QCOMPARE(runs[1][0].toObject().value("top"), runs[1][3].toObject().value("top"));
}

QTEST_GUILESS_MAIN(TestWorkerCli)
#include "tst_workercli.moc"
