// The app's own CSV and JSON of segments: columns, RFC 4180 quoting, dot decimals under any locale,
// header mapping, seconds, classes by id/code/name with suggestions, and round trips.
#include "exchange/Csv.h"
#include "exchange/SegmentTable.h"

#include <QLocale>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

namespace {

QVector<SegmentRow> sampleRows()
{
    SegmentRow a;
    a.videoPath = "videos/0003_01_0001.mp4";
    a.participant = "0003";
    a.startFrame = 10;
    a.endFrame = 55;
    a.fpsNum = 30000;
    a.fpsDen = 1001;
    a.note = "said \"hm\", then nodded\nsecond line";
    a.split = "train";
    a.labels = {{9, "alice", LabelStatus::Confirmed}, {8, "model:manet", LabelStatus::Prelabeled}};
    a.prediction = PredictionEntry{"manet", {{8, 0.625}, {9, 0.25}, {0, 0.0625}}};
    SegmentRow b;
    b.videoPath = "videos/b, with comma.mp4";
    b.startFrame = 0;
    b.endFrame = 30;
    b.fpsNum = 30;
    b.labels = {{45, "bob", LabelStatus::Disputed}};
    SegmentRow unlabeled;
    unlabeled.videoPath = "videos/c.mp4";
    unlabeled.startFrame = 5;
    unlabeled.endFrame = 6;
    unlabeled.fpsNum = 25;
    return {a, b, unlabeled};
}

void compareRows(const QVector<SegmentRow>& got, const QVector<SegmentRow>& want)
{
    QCOMPARE(got.size(), want.size());
    for (int i = 0; i < want.size(); ++i) {
        QCOMPARE(got[i].videoPath, want[i].videoPath);
        QCOMPARE(got[i].participant, want[i].participant);
        QCOMPARE(got[i].startFrame, want[i].startFrame);
        QCOMPARE(got[i].endFrame, want[i].endFrame);
        QCOMPARE(got[i].fpsNum, want[i].fpsNum);
        QCOMPARE(got[i].fpsDen, want[i].fpsDen);
        QCOMPARE(got[i].note, want[i].note);
        QCOMPARE(got[i].split, want[i].split);
        QCOMPARE(got[i].labels, want[i].labels);
        QCOMPARE(bool(got[i].prediction), bool(want[i].prediction));
        if (want[i].prediction) {
            QCOMPARE(got[i].prediction->modelVersion, want[i].prediction->modelVersion);
            QCOMPARE(got[i].prediction->top, want[i].prediction->top);
        }
    }
}

} // namespace

class TestSegmentTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rfc4180Parsing()
    {
        const CsvParse p = parseCsv(QString::fromUtf8("\xEF\xBB\xBF" "a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",,x\n\nlast"));
        QVERIFY(p.error.isEmpty());
        QCOMPARE(p.records.size(), 3);
        QCOMPARE(p.records[0].fields, QStringList({"a", "b,c", "d\"e"}));
        QCOMPARE(p.records[1].fields, QStringList({"multi\nline", "", "x"}));
        QCOMPARE(p.records[2].line, 5);
        QVERIFY(!parseCsv("a,\"open\n").error.isEmpty());
        QCOMPARE(csvLine({"a", "b,c", "q\""}), QString("a,\"b,c\",\"q\"\"\"\r\n"));
    }

    void csvRoundTripUnderACommaDecimalLocale()
    {
        const QLocale previous;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QString csv = writeSegmentCsv(sampleRows(), t);
        QLocale::setDefault(previous);
        const QStringList lines = csv.split("\r\n");
        QCOMPARE(lines[0], segmentCsvHeader().join(','));
        // 10 frames at 30000/1001 fps = 0.333667 s, with a dot.
        QVERIFY2(lines[1].startsWith("videos/0003_01_0001.mp4,0003,10,55,0.333667,1.835167,30000/1001,9,B1,nodding,head,alice,confirmed,"),
                 qPrintable(lines[1]));
        QVERIFY(lines[1].endsWith(",manet,0.25,8;9;0,0.625;0.25;0.0625"));
        const ParsedFile back = parseSegmentCsv(csv, "segments.csv", t);
        QVERIFY(back.issues.isEmpty());
        compareRows(back.rows, sampleRows());
    }

    void jsonRoundTrip()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QByteArray json = writeSegmentJson(sampleRows(), t);
        QVERIFY(json.contains("\"end_frame\": \"exclusive\""));
        const ParsedFile back = parseSegmentJson(json, "segments.json", t);
        QVERIFY(back.issues.isEmpty());
        compareRows(back.rows, sampleRows());
    }

    void mapsColumnsByHeaderAndConvertsSeconds()
    {
        const QString text = "File,Start_Time,End_Time,Label,Coder\n"
                             "x.mp4,1.0,2.5,nodding,ann\n"
                             "x.mp4,1.0,2.5,B3,ann2\n"
                             "x.mp4,3,4,noding,ann\n"
                             "x.mp4,3,4,7,\n"
                             "x.mp4,5,5,7,ann\n";
        SegmentCsvOptions options;
        options.defaultFpsNum = 30;
        options.defaultAnnotator = "unknown";
        const ParsedFile f = parseSegmentCsv(text, "theirs.csv", Taxonomy::builtinMa52(), options);
        QCOMPARE(f.rows.size(), 2);
        QCOMPARE(f.rows[0].startFrame, 30);
        QCOMPARE(f.rows[0].endFrame, 75);
        QCOMPARE(f.rows[0].labels.size(), 2); // same segment, two raters
        QCOMPARE(f.rows[0].labels[1].classId, 8);
        QCOMPARE(f.rows[1].labels[0].annotator, QString("unknown"));
        QCOMPARE(f.issues.size(), 2);
        QCOMPARE(f.issues[0].line, 4);
        QCOMPARE(f.issues[0].suggestion, QString("did you mean 'nodding' (B1)?"));
        QVERIFY(f.issues[1].reason.contains("empty"));
        // Seconds without any rate are refused with the reason.
        const ParsedFile noRate = parseSegmentCsv(text, "theirs.csv", Taxonomy::builtinMa52());
        QVERIFY(noRate.rows.isEmpty());
        QVERIFY(noRate.issues[0].reason.contains("frame rate"));
    }
};

QTEST_GUILESS_MAIN(TestSegmentTable)
#include "tst_segmenttable.moc"
