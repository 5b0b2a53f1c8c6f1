// The whole model loop as a user runs it with the built mastudio-cli, on real FFmpeg-made videos and a
// checkpoint in the MA-52 authors' layout (written by tests/model/reference_manet.py with /usr/bin/python3 +
// torch: state_dict with backbone./cls_head. keys, `meta` and `optimizer` beside it):
// project create, import videos, model import, prelabel, labels from an MA-52 list (videos found beside it),
// an evaluate without any plan (a hold-out plan is made, saved and named), split, train --plan, the new version
// active with its pre-labels refreshed, evaluate --split test, the figures in `models`, model export loading
// strictly into the reference model, models rename / delete. And the split discipline: test participants never
// reach training or epoch selection.
#include "ProgramRun.h"
#include "TestSupport.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;

namespace {

using Run = mas::test::ProgramRun;
using mas::test::runProgram;

Run cli(const QStringList& args)
{
    return mas::test::runCli(args);
}

QJsonObject versionNamed(const QJsonArray& versions, const QString& name)
{
    for (const QJsonValue& v : versions)
        if (v["name"].toString() == name)
            return v.toObject();
    return {};
}

constexpr int kParticipants = 4;
constexpr int kVideosPerParticipant = 3;

QString videoName(int participant, int video)
{
    return QString("%1_01_%2.mp4").arg(participant, 4, 10, QChar('0')).arg(video, 4, 10, QChar('0'));
}

} // namespace

class TestModelLoopCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void theWholeLoopFromTheCommandLine();
    void listImportFindsVideosBesideTheList();
    void helpListsEveryOption();

private:
    QTemporaryDir m_dir;
    QString m_videos, m_checkpoint, m_list;
};

void TestModelLoopCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFileInfo::exists("/usr/bin/python3"))
        QSKIP("needs /usr/bin/python3 with torch to write the authors' checkpoint layout");
    // The authors' layout, depth 18 (fast), with meta (numpy scalars) and optimizer entries.
    const QString reference = QStringLiteral(MAS_REFERENCE_MANET);
    const Run py = runProgram("/usr/bin/python3", {reference, m_dir.filePath("reference"), "--depth", "18", "--size", "32", "--clips", "1"});
    if (py.exitCode != 0 && py.err.contains("No module named"))
        QSKIP(qPrintable("needs torch in /usr/bin/python3: " + py.err.trimmed()));
    QVERIFY2(py.exitCode == 0, qPrintable(py.describe()));
    m_checkpoint = m_dir.filePath("reference/checkpoint.pth");
    QVERIFY(QFileInfo::exists(m_checkpoint));

    // 4 participants x 3 clips; MA-52 names (participant from the name). Every clip but one per participant
    // of 1 and 2 gets a label from the list: classes 0, 1, 2 per participant.
    m_videos = m_dir.filePath("videos");
    QDir().mkpath(m_videos);
    QStringList lines;
    for (int p = 1; p <= kParticipants; ++p)
        for (int v = 1; v <= kVideosPerParticipant; ++v) {
            QString error;
            QVERIFY2(test::makeTestVideo(m_videos + '/' + videoName(p, v), 16, 48, 48, 30, 16, false, &error), qPrintable(error));
            if (p <= 2 && v == kVideosPerParticipant)
                continue; // left unconfirmed: pre-labels to refresh
            lines << QString("%1 %2").arg(videoName(p, v)).arg(v - 1);
        }
    m_list = m_videos + "/labels.txt";
    QFile list(m_list);
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write(lines.join('\n').toUtf8() + '\n');
}

void TestModelLoopCli::theWholeLoopFromTheCommandLine()
{
    const QString project = m_dir.filePath("loop/study.mas");
    QDir().mkpath(m_dir.filePath("loop"));
    Run r = cli({"project", "create", project, "--annotator", "tester"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = cli({"import", "videos", project, m_videos});
    QVERIFY2(r.exitCode == 0 && r.out.contains("imported 12 videos"), qPrintable(r.describe()));

    // 1. The authors' checkpoint: summarised, refused nothing, copied into the project's cache.
    r = cli({"model", "info", m_checkpoint, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject info = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(info["format"].toString(), QString("mmaction2"));
    QCOMPARE(info["depth"].toInt(), 18);
    QCOMPARE(info["classes"].toInt(), 52);
    QVERIFY(info["optimizer_state"].toBool());
    r = cli({"model", "import", project, m_checkpoint, "--name", "authors", "--activate", "--input-size", "32"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("MA-52 authors' mmaction2 MANet") && r.out.contains("active"), qPrintable(r.describe()));
    QVERIFY(QFileInfo::exists(m_dir.filePath("loop/study.mas.cache/models/authors/model.pth")));

    // 2. Pre-label every clip.
    r = cli({"prelabel", project, "--device", "cpu", "--threads", "2"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("clips:         12 (0 already"), qPrintable(r.describe()));

    // 3. Labels from an MA-52 list that sits with the videos (no --data-root).
    r = cli({"import", "ma52-list", project, m_list, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["labels_added"].toInt(), 10);

    // 4. No plan yet: evaluate makes a participant hold-out, saves it and says so.
    r = cli({"evaluate", project, "--device", "cpu", "--threads", "2"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("holdout-1") && r.out.contains("made now"), qPrintable(r.describe()));

    // 5. A plan by participant: 2 train, 1 val, 1 test.
    r = cli({"split", project, "--ratios", "0.5,0.25,0.25", "--seed", "3", "--name", "plan1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QSet<QString> train, val, test;
    {
        Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        store::Id plan = 0;
        const QVector<store::SplitPlan> plans = s.value()->splitPlans().value(); // named: a Result temporary dies first
        for (const store::SplitPlan& p : plans)
            if (p.name == "plan1")
                plan = p.id;
        QHash<store::Id, QString> codes;
        const QVector<store::Participant> participants = s.value()->participants().value();
        for (const store::Participant& p : participants)
            codes.insert(p.id, p.code);
        const QVector<store::SplitAssignment> assignments = s.value()->splitAssignments(plan).value();
        for (const store::SplitAssignment& a : assignments)
            (a.set == store::SplitSet::Train ? train : a.set == store::SplitSet::Val ? val : test) << codes.value(a.entityId);
    }
    QCOMPARE(train.size(), 2);
    QCOMPARE(val.size(), 1);
    QCOMPARE(test.size(), 1);

    // 6. Head fine-tune on the plan.
    r = cli({"train", project, "--plan", "plan1", "--mode", "head", "--epochs", "3", "--device", "cpu", "--threads", "2",
             "--name", "tuned"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("new model version: tuned") && r.out.contains(", active)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("split plan:        plan1"), qPrintable(r.out));
    QVERIFY2(r.out.contains("pre-labels refreshed: 2"), qPrintable(r.out));

    // 7. The new version is active and the unconfirmed clips carry its predictions.
    {
        Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::open(project, store::OpenMode::ReadOnly);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        const std::optional<store::ModelVersion> active = s.value()->activeModelVersion();
        QVERIFY(active && active->name == "tuned");
        Result<QVector<store::Prediction>> predictions = s.value()->predictionsOfVersion(active->id);
        QVERIFY(predictions.ok());
        QCOMPARE(predictions->size(), 2);

        // The split discipline: what the version was trained and its epoch picked on, item by item.
        QFile snapshotFile(QFileInfo(QDir(s.value()->projectDir()).absoluteFilePath(active->checkpointPath)).absolutePath()
                           + "/data_snapshot.json");
        QVERIFY(snapshotFile.open(QIODevice::ReadOnly));
        const QJsonArray items = QJsonDocument::fromJson(snapshotFile.readAll()).array();
        int trainItems = 0, valItems = 0;
        for (const QJsonValue& item : items) {
            const QString participant = item["participant"].toString();
            QVERIFY2(!test.contains(participant), qPrintable("a test participant's clip was read: " + participant));
            if (item["set"].toString() == "train") {
                QVERIFY(train.contains(participant));
                ++trainItems;
            } else {
                QCOMPARE(item["set"].toString(), QString("val"));
                QVERIFY(val.contains(participant));
                ++valItems;
            }
        }
        QVERIFY(trainItems > 0);
        QVERIFY(valItems > 0);
        const QJsonObject metrics = QJsonDocument::fromJson(active->metricsJson.toUtf8()).object();
        QCOMPARE(metrics["val"]["clips"].toInt(), valItems); // the epoch was picked on val alone
        QCOMPARE(metrics["val"]["plan"].toString(), QString("plan1"));
        QVERIFY(metrics["val"]["source"].toString().startsWith("fine-tune (epoch"));
        QCOMPARE(metrics["epochs"].toArray().size(), 3);
        QVERIFY(!metrics.contains("test")); // nothing about test until evaluate measures it
    }

    // 8. Evaluate on test: figures stored on the version, shown by `models`.
    r = cli({"evaluate", project, "--version", "tuned", "--plan", "plan1", "--split", "test", "--device", "cpu", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject evaluated = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(evaluated["split"].toString(), QString("test"));
    QCOMPARE(evaluated["plan"].toString(), QString("plan1"));
    QVERIFY(evaluated["evaluation"]["classes"]["count"].toInt() > 0);
    r = cli({"models", project, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonArray versions = QJsonDocument::fromJson(r.out.toUtf8()).array();
    const QJsonObject tuned = versionNamed(versions, "tuned");
    QVERIFY(tuned["active"].toBool());
    QCOMPARE(tuned["parent"].toString(), QString("authors"));
    const QJsonObject testFigures = tuned["metrics"]["test"].toObject();
    QVERIFY(testFigures["classes"].toObject().contains("top1"));
    QVERIFY(testFigures["classes"].toObject().contains("per_class_f1"));
    QCOMPARE(testFigures["confusion"].toArray().size(), 52);
    QCOMPARE(testFigures["source"].toString(), QString("evaluate"));
    QVERIFY(!versionNamed(versions, "authors")["metrics"].toObject().contains("val")); // no run, no number
    r = cli({"models", project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString tunedLine = r.out.split('\n').filter(" tuned ").value(0);
    QVERIFY2(tunedLine.count('%') == 4, qPrintable(r.out)); // val top-1, val F1, test top-1, test F1

    // 9. Export: the authors' key layout, loaded strictly by the reference model.
    const QString exported = m_dir.filePath("exported/tuned.pth");
    r = cli({"model", "export", project, "tuned", exported});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString script = QString("import sys, torch\n"
                                   "sys.path.insert(0, '%1')\n"
                                   "from reference_manet import MANet\n"
                                   "c = torch.load('%2', map_location='cpu')\n"
                                   "m = MANet(18)\n"
                                   "m.load_state_dict(c['state_dict'], strict=True)\n"
                                   "print('strict', len(c['state_dict']))\n")
                               .arg(QFileInfo(QStringLiteral(MAS_REFERENCE_MANET)).absolutePath(), exported);
    const Run load = runProgram("/usr/bin/python3", {"-c", script});
    QVERIFY2(load.exitCode == 0 && load.out.startsWith("strict"), qPrintable(load.describe()));

    // 10. Rename, then delete the base: the tuned version keeps a lineage (none), its predictions go.
    r = cli({"models", "rename", project, "authors", "authors-2023"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = cli({"models", "delete", project, "authors-2023"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath("loop/study.mas.cache/models/authors/model.pth")));
    r = cli({"models", project, "--json"});
    const QJsonArray after = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after[0]["name"].toString(), QString("tuned"));
    QCOMPARE(after[0]["parent"].toString(), QString());

    // 11. A new model from an ImageNet backbone in torchvision's layout: untrained, no figures.
    r = cli({"model", "new", project, "--depth", "18", "--backbone", m_dir.filePath("reference/torchvision.pth"), "--name",
             "fresh", "--input-size", "32", "--segments", "2"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("untrained"), qPrintable(r.describe()));
    r = cli({"model", "new", project, "--depth", "34", "--backbone", m_dir.filePath("reference/torchvision.pth")});
    QVERIFY2(r.exitCode == 1 && r.err.contains("ResNet-18, not a ResNet-34"), qPrintable(r.describe()));
    r = cli({"models", project, "--json"});
    const QJsonObject fresh = versionNamed(QJsonDocument::fromJson(r.out.toUtf8()).array(), "fresh");
    QCOMPARE(fresh["kind"].toString(), QString("untrained"));
    QVERIFY(fresh["metrics"].toObject().isEmpty());
    r = cli({"model", "import", project, m_dir.filePath("reference/tiny.pth")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe())); // not a MANet: refused with the reason, nothing added
    r = cli({"models", project, "--json"});
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 2);
}

void TestModelLoopCli::listImportFindsVideosBesideTheList()
{
    const QString project = m_dir.filePath("beside/other.mas");
    QDir().mkpath(m_dir.filePath("beside"));
    Run r = cli({"project", "create", project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = cli({"import", "ma52-list", project, m_list, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(report["videos_added"].toInt(), 10);
    QCOMPARE(report["videos_missing"].toInt(), 0);
    QVERIFY2(r.err.contains("beside the list"), qPrintable(r.err));
}

void TestModelLoopCli::helpListsEveryOption()
{
    // Every option the parser takes is on its own help line with its default (one table feeds both).
    const Run help = cli({"train", "--help"});
    QCOMPARE(help.exitCode, 0);
    for (const char* option : {"--plan", "--mode", "--epochs", "--model", "--device", "--lr", "--batch", "--balance",
                               "--val-fraction", "--name", "--embeddings", "--seed", "--threads", "--no-activate",
                               "--no-refresh"})
        QVERIFY2(help.out.split('\n').filter(QString("    %1 ").arg(option)).size() == 1, option);
    QVERIFY(help.out.contains("(default: 10)"));
    const Run unknown = cli({"train", "x.mas", "--epoch", "3"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("unknown option --epoch"), qPrintable(unknown.err));
    for (const QStringList& verb : {QStringList{"evaluate"}, QStringList{"prelabel"}, QStringList{"model", "import"},
                                    QStringList{"model", "new"}, QStringList{"models"}}) {
        const Run h = cli(verb + QStringList{"--help"});
        QVERIFY2(h.exitCode == 0 && h.out.contains("options:"), qPrintable(verb.join(' ') + ": " + h.out));
    }
}

QTEST_GUILESS_MAIN(TestModelLoopCli)
#include "tst_modelloopcli.moc"
