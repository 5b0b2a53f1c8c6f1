// The benchmark's prediction CSV and its zip: read, write, read back, bad rows.
#include "exchange/MiniZip.h"
#include "exchange/PredictionCsv.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

class TestPredictionCsv : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesTheSubmissionFormatAndReadsItBack()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        Result<QString> csv = writePredictionCsv({{"test0000.mp4", {9, 8, 0, 45, 51}}, {"test0001.mp4", {3}}}, t);
        QVERIFY2(csv.ok(), qPrintable(csv.error()));
        const QStringList lines = csv->split("\r\n", Qt::SkipEmptyParts);
        QCOMPARE(lines[0], QString("vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
                                   "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5"));
        QCOMPARE(lines[1], QString("test0000.mp4,9,8,0,45,51,1,1,0,5,6"));
        QCOMPARE(lines[2], QString("test0001.mp4,3,0,1,2,4,0,0,0,0,0")); // padded with the next classes by id
        const ParsedFile back = parsePredictionCsv(csv.value(), "prediction.csv", t, "manet-r50");
        QVERIFY(back.issues.isEmpty());
        QCOMPARE(back.rows.size(), 2);
        QCOMPARE(back.rows[0].prediction->modelVersion, QString("manet-r50"));
        QCOMPARE(back.rows[0].prediction->top.size(), 5);
        QCOMPARE(back.rows[0].prediction->top[3].classId, 45);
    }

    void reportsBadRows()
    {
        const QString text = "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
                             "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5\n"
                             "a.mp4,9,8,0,45,51,1,1,0,5,6\n"
                             "b.mp4,9,8,0,45\n"
                             "c.mp4,99,8,0,45,51,1,1,0,5,6\n"
                             "d.mp4,9,9,0,45,51,1,1,0,5,6\n"
                             "e.mp4,9,8,0,45,51,0,1,0,5,6\n";
        const ParsedFile f = parsePredictionCsv(text, "p.csv", Taxonomy::builtinMa52(), "m");
        QCOMPARE(f.rows.size(), 2); // a and e (e's wrong body id is reported, the classes kept)
        QCOMPARE(f.issues.size(), 4);
        QCOMPARE(f.issues[0].line, 3);
        QVERIFY(f.issues[3].reason.contains("body_pred_1"));
        const ParsedFile wrongHeader = parsePredictionCsv("vid,a,b\n", "p.csv", Taxonomy::builtinMa52(), "m");
        QVERIFY(wrongHeader.rows.isEmpty());
        QVERIFY(wrongHeader.issues[0].reason.contains("header"));
    }

    void zipHoldsPredictionCsvAtItsRoot()
    {
        QCOMPARE(crc32("123456789"), 0xCBF43926u); // the CRC-32 check value
        const QByteArray csv = "vid,x\r\n";
        const QByteArray zip = writeStoredZip({{"prediction.csv", csv}});
        auto entries = readStoredZip(zip);
        QVERIFY2(entries.ok(), qPrintable(entries.error()));
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->at(0).name, QString("prediction.csv"));
        QCOMPARE(entries->at(0).data, csv);
        QByteArray damaged = zip;
        damaged[35 + 14] = 'X';
        QVERIFY(!readStoredZip(damaged).ok());
        // Another zip reader agrees, when the system has one.
        const QString unzip = QStandardPaths::findExecutable("unzip");
        if (unzip.isEmpty())
            return;
        QTemporaryDir dir;
        QFile f(dir.filePath("p.zip"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(zip);
        f.close();
        QProcess p;
        p.start(unzip, {"-p", f.fileName(), "prediction.csv"});
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(p.readAllStandardOutput(), csv);
    }
};

QTEST_GUILESS_MAIN(TestPredictionCsv)
#include "tst_predictioncsv.moc"
