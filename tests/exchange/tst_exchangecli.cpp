// The exchange verbs as a user runs them: the built mastudio-cli importing lists, CSV with a second
// annotator and predictions, planning a split, exporting every format, and measuring agreement;
// exit codes and messages checked.
#include "ProgramRun.h"
#include "TestSupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = mas::test::ProgramRun;

// Runs in `dir`, as a user would with relative paths.
Run cli(const QStringList& args, const QString& dir)
{
    return mas::test::runCli(args, 120000, dir);
}

void writeText(const QString& path, const QString& text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
        qFatal("cannot write %s", qPrintable(path));
}

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

#define RUN_OK(r) QVERIFY2((r).exitCode == 0, qPrintable(QString("exit %1\n%2\n%3").arg((r).exitCode).arg((r).out, (r).err)))

class TestExchangeCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void importSplitExportAgreement()
    {
        const QString d = m_tmp.path();
        RUN_OK(cli({"project", "create", "p.mas", "--annotator", "alice"}, d));
        // 24 clips of 8 participants, two of them with bad lines.
        QString list;
        for (int p = 0; p < 8; ++p)
            for (int k = 0; k < 3; ++k)
                list += QStringLiteral("%1_00_%2.mp4 %3\r\n").arg(p + 1, 4, 10, QChar('0')).arg(k + 1, 4, 10, QChar('0')).arg((p + k) % 4);
        list += "0009_00_0001.mp4 52\r\nonly-a-name.mp4\r\n";
        writeText(d + "/train_list.txt", list);
        Run r = cli({"import", "ma52-list", "p.mas", "train_list.txt"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("26 rows read") == false && r.out.contains("24 rows read"), qPrintable(r.out));
        QVERIFY2(r.out.contains("24 videos added (24 missing on disk)"), qPrintable(r.out));
        QVERIFY2(r.err.contains("train_list.txt:25: class id 52 is outside 0..51"), qPrintable(r.err));
        QVERIFY2(r.err.contains("train_list.txt:26:"), qPrintable(r.err));

        // A second annotator by CSV, with a misspelt class.
        QString csv = "video,annotator,label\n";
        for (int p = 0; p < 8; ++p)
            for (int k = 0; k < 3; ++k)
                csv += QStringLiteral("%1_00_%2.mp4,bob,%3\n").arg(p + 1, 4, 10, QChar('0')).arg(k + 1, 4, 10, QChar('0')).arg(p == 0 && k == 0 ? 3 : (p + k) % 4);
        csv += "0001_00_0001.mp4,bob,shaking bodyy\n";
        writeText(d + "/bob.csv", csv);
        r = cli({"import", "csv", "p.mas", "bob.csv", "--json"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("\"labels_added\": 24"), qPrintable(r.out));
        QVERIFY2(r.err.contains("bob.csv:26:") && r.err.contains("did you mean 'shaking body'"), qPrintable(r.err));

        r = cli({"agreement", "p.mas", "--iou", "0.5", "--raters", "MA-52,bob", "--csv", "agreement.csv"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("MA-52") && r.out.contains("bob"), qPrintable(r.out));
        const QString agreement = readText(d + "/agreement.csv");
        QVERIFY(agreement.startsWith("level,scope,key,name,items,observed,cohen_kappa"));
        QVERIFY2(agreement.contains("clip,overall,,,24,"), qPrintable(agreement)); // 24 clips rated by both

        // Split by participant, saved by name.
        QCOMPARE(cli({"split", "p.mas", "--ratios", "0.7,0.15"}, d).exitCode, 2);
        r = cli({"split", "p.mas", "--ratios", "0.5,0.25,0.25", "--seed", "3", "--name", "half", "--csv", "split.csv"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("saved split plan \"half\"") && r.out.contains("leakage: none"), qPrintable(r.out));
        QVERIFY(readText(d + "/split.csv").startsWith("set,kind,key,name,count"));

        // Exports.
        r = cli({"export", "mmaction", "p.mas", "lists", "--plan", "half"}, d);
        RUN_OK(r);
        const int listed = readText(d + "/lists/train_list.txt").count('\n') + readText(d + "/lists/val_list.txt").count('\n')
                           + readText(d + "/lists/test_list.txt").count('\n');
        const int multi = readText(d + "/lists/train_list_multilabel.txt").count('\n')
                          + readText(d + "/lists/val_list_multilabel.txt").count('\n')
                          + readText(d + "/lists/test_list_multilabel.txt").count('\n');
        QCOMPARE(multi, 24);
        QCOMPARE(listed, 24 - 1); // 0001_00_0001: MA-52 and bob disagree, so it is in the multi-label lists only
        QVERIFY(QFile::exists(d + "/lists/label_map.tsv"));
        RUN_OK(cli({"export", "csv", "p.mas", "all.csv"}, d));
        QCOMPARE(readText(d + "/all.csv").count('\n'), 1 + 48);
        RUN_OK(cli({"export", "json", "p.mas", "all.json"}, d));
        QVERIFY(readText(d + "/all.json").contains("\"mastudio-segments\""));

        // Predictions of an external model, then exported back for the benchmark.
        QString pred = "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
                       "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5\r\n"
                       "0001_00_0001.mp4,0,1,2,3,4,0,0,0,0,0\r\n";
        writeText(d + "/pred.csv", pred);
        QCOMPARE(cli({"import", "predictions", "p.mas", "pred.csv"}, d).exitCode, 2); // --model is required
        RUN_OK(cli({"import", "predictions", "p.mas", "pred.csv", "--model", "their-net"}, d));
        RUN_OK(cli({"export", "predictions", "p.mas", "out/prediction.csv"}, d));
        QCOMPARE(readText(d + "/out/prediction.csv"), pred);
    }

    void eafExportAndImport()
    {
        const QString d = m_tmp.path() + "/eaf";
        QDir().mkpath(d);
        RUN_OK(cli({"project", "create", "p.mas"}, d));
        writeText(d + "/seg.csv", "video,participant,start_frame,end_frame,fps,class_id,annotator\n"
                                  "talk.mp4,P1,0,30,25,9,alice\ntalk.mp4,P1,40,100,25,8,alice\n");
        RUN_OK(cli({"import", "csv", "p.mas", "seg.csv"}, d));
        Run r = cli({"export", "eaf", "p.mas", "elan"}, d);
        RUN_OK(r);
        QVERIFY(QFile::exists(d + "/elan/talk.eaf"));
        RUN_OK(cli({"project", "create", "q.mas"}, d));
        r = cli({"import", "eaf", "q.mas", "elan/talk.eaf"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("2 segments, 2 labels"), qPrintable(r.out));
        RUN_OK(cli({"export", "csv", "q.mas", "back.csv"}, d));
        const QString back = readText(d + "/back.csv");
        QVERIFY2(back.contains("talk.mp4,P1,0,30,") && back.contains("talk.mp4,P1,40,100,"), qPrintable(back));
    }

    void officialListsShowTheirLeakage()
    {
        const QString shared = mas::test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared/ma52 not found (MAS_SHARED_DIR): the official lists are needed");
        const QString d = m_tmp.path() + "/official";
        QDir().mkpath(d);
        RUN_OK(cli({"project", "create", "p.mas"}, d));
        const QString lists = shared + "/ma52/official_lists/";
        Run r = cli({"import", "ma52-list", "p.mas", lists + "train_list_videos.txt", lists + "val_list_videos.txt"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("16836 rows read"), qPrintable(r.out));
        r = cli({"split", "p.mas", "--report", "MA-52 official"}, d);
        RUN_OK(r);
        QVERIFY2(r.out.contains("leakage: 186 participants are in more than one set"), qPrintable(r.out));
        QVERIFY(r.out.contains("train: 11250 segments, 186 participants"));
        QVERIFY(r.out.contains("val: 5586 segments, 186 participants"));
    }
};

QTEST_GUILESS_MAIN(TestExchangeCli)
#include "tst_exchangecli.moc"
