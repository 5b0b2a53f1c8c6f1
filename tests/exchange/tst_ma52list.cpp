// MA-52 / mmaction2 list files: reading (CRLF, multi-label, bad rows), the official lists, and
// writing lists that read back the same.
#include "TestSupport.h"

#include "exchange/Ma52List.h"
#include "exchange/SplitPlanner.h"

#include <QSet>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

class TestMa52List : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsCrlfAndMultiLabelLines()
    {
        const QString text = "0003_01_0001.mp4 9\r\nsub/0004_02_0002.mp4 5 12\r\n\r\n";
        const ParsedFile f = parseMa52List(text, "train_list_videos.txt", Taxonomy::builtinMa52());
        QVERIFY(f.issues.isEmpty());
        QCOMPARE(f.rows.size(), 2);
        QCOMPARE(f.rows[0].videoPath, QString("0003_01_0001.mp4"));
        QCOMPARE(f.rows[0].participant, QString("0003"));
        QCOMPARE(f.rows[0].split, QString("train"));
        QVERIFY(!f.rows[0].lengthKnown());
        QCOMPARE(f.rows[0].labels.size(), 1);
        QCOMPARE(f.rows[0].labels[0].classId, 9);
        QCOMPARE(statusName(f.rows[0].labels[0].status), statusName(LabelStatus::Confirmed));
        QCOMPARE(f.rows[1].participant, QString("0004"));
        QCOMPARE(f.rows[1].labels.size(), 2);
        QCOMPARE(f.rows[1].labels[1].classId, 12);
    }

    void reportsBadRowsWithLineAndKeepsTheRest()
    {
        const QString text = "a.mp4 9\nb.mp4\nc.mp4 x\nd.mp4 52\na.mp4 3\n/abs/e.mp4 1\nf.mp4 51\n";
        const ParsedFile f = parseMa52List(text, "mine.txt", Taxonomy::builtinMa52());
        QCOMPARE(f.rows.size(), 2);
        QCOMPARE(f.issues.size(), 5);
        QCOMPARE(f.issues[0].line, 2);
        QVERIFY(f.issues[0].toString().startsWith("mine.txt:2: "));
        QVERIFY2(f.issues[2].reason.contains("outside 0..51"), qPrintable(f.issues[2].reason));
        QVERIFY(f.issues[3].reason.contains("twice"));
    }

    void testListLabelsAreHidden()
    {
        const ParsedFile f = parseMa52List("test0000.mp4 0\ntest0001.mp4 0\n", "test_list_videos.txt", Taxonomy::builtinMa52());
        QCOMPARE(f.rows.size(), 2);
        QVERIFY(f.rows[0].labels.isEmpty());
        QCOMPARE(f.rows[0].split, QString("test"));
    }

    void writtenListsReadBackTheSame()
    {
        const QVector<MmactionEntry> entries{{"clips/0003_01_0001.mp4", {9, 4}}, {"0010_02_0101.mp4", {8}}};
        const QString single = writeMmactionList(entries, false);
        QCOMPARE(single, QString("clips/0003_01_0001.mp4 9\n0010_02_0101.mp4 8\n"));
        const ParsedFile multi = parseMa52List(writeMmactionList(entries, true), "val.txt", Taxonomy::builtinMa52());
        QCOMPARE(multi.rows.size(), 2);
        QCOMPARE(multi.rows[0].labels.size(), 2);
        QCOMPARE(multi.rows[0].labels[1].classId, 4);
        QCOMPARE(multi.rows[1].participant, QString("0010"));
    }

    void labelMapMatchesTheBenchmarkFile()
    {
        const QString shared = test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared/ma52 not found (MAS_SHARED_DIR): the official label map is needed");
        QFile f(shared + "/ma52/label_map.tsv");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString official = QString::fromUtf8(f.readAll()).remove('\r');
        QCOMPARE(labelMapTsv(Taxonomy::builtinMa52()), official);
        QCOMPARE(labelMapTxt(Taxonomy::builtinMa52()).count('\n'), 52);
    }

    void officialListsImportAndShareAllParticipants()
    {
        const QString shared = test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared/ma52 not found (MAS_SHARED_DIR): the official lists are needed");
        const Taxonomy& t = Taxonomy::builtinMa52();
        auto train = readMa52ListFile(shared + "/ma52/official_lists/train_list_videos.txt", t);
        auto val = readMa52ListFile(shared + "/ma52/official_lists/val_list_videos.txt", t);
        QVERIFY2(train.ok(), qPrintable(train.error()));
        QVERIFY2(val.ok(), qPrintable(val.error()));
        QVERIFY(train->issues.isEmpty());
        QVERIFY(val->issues.isEmpty());
        QCOMPARE(train->rows.size(), 11250);
        QCOMPARE(val->rows.size(), 5586);
        QVector<SegmentRow> all = train->rows + val->rows;
        // The BB field of the official names is the label's body part.
        for (const SegmentRow& r : all)
            QCOMPARE(r.videoPath.mid(5, 2).toInt(), t.bodyPartOfClass(r.labels[0].classId));
        const SplitReport report = makeSplitReport(all, t);
        QCOMPARE(report.sets[0].segments, 11250);
        QCOMPARE(report.sets[1].segments, 5586);
        QSet<QString> participants;
        for (const SegmentRow& r : all)
            participants.insert(r.participant);
        QCOMPARE(participants.size(), 186);
        QCOMPARE(report.sharedParticipants.size(), 186);
        QVERIFY(report.toText(t).contains("186 participants are in more than one set"));
        // Long tail: nodding (9) 1,924 clips, covering face (45) 8.
        QCOMPARE(report.sets[0].classCounts[9] + report.sets[1].classCounts[9], 1924);
        QCOMPARE(report.sets[0].classCounts[45] + report.sets[1].classCounts[45], 8);
    }
};

QTEST_GUILESS_MAIN(TestMa52List)
#include "tst_ma52list.moc"
