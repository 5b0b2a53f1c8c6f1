// ELAN .eaf: element order of EAF 3.0, tiers per body part and annotator, controlled vocabulary,
// round trip through frames and milliseconds, zero-length and unknown values reported.
#include "exchange/Eaf.h"

#include <QXmlStreamReader>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

namespace {

QVector<SegmentRow> oneVideo(int fpsNum, int fpsDen)
{
    QVector<SegmentRow> rows;
    auto add = [&](int64_t s, int64_t e, QVector<LabelEntry> labels) {
        SegmentRow r;
        r.videoPath = "0003_01_0001.mp4";
        r.participant = "0003";
        r.startFrame = s;
        r.endFrame = e;
        r.fpsNum = fpsNum;
        r.fpsDen = fpsDen;
        r.labels = labels;
        rows << r;
    };
    add(0, 45, {{9, "alice", LabelStatus::Confirmed}, {9, "bob", LabelStatus::Confirmed}});
    add(46, 47, {{0, "alice", LabelStatus::Confirmed}});
    add(100, 1799, {{45, "bob", LabelStatus::Confirmed}, {51, "alice", LabelStatus::Confirmed}});
    return rows;
}

// A test file of tests/exchange/data (kept out of this file: moc of Qt 6.4 stops at raw strings).
QByteArray readTestData(const QString& name)
{
    QFile f(qEnvironmentVariable("MAS_SOURCE_DIR") + "/tests/exchange/data/" + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

} // namespace

class TestEaf : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void elementsInSchemaOrder()
    {
        EafWriteOptions o;
        o.mediaAbsolutePath = "/data/videos/0003_01_0001.mp4";
        o.author = "tester";
        const QByteArray xml = writeEaf(oneVideo(30, 1), Taxonomy::builtinMa52(), o);
        QXmlStreamReader r(xml);
        QStringList topLevel;
        int tiers = 0, entries = 0;
        QString mediaUrl;
        if (r.readNextStartElement()) { // the root only: reading past the document's end is an error
            QCOMPARE(r.name(), QLatin1String("ANNOTATION_DOCUMENT"));
            QCOMPARE(r.attributes().value("FORMAT"), QLatin1String("3.0"));
            QVERIFY(!r.attributes().value("DATE").isEmpty());
            while (r.readNextStartElement()) {
                topLevel << r.name().toString();
                if (r.name() == QLatin1String("TIER"))
                    ++tiers;
                if (r.name() == QLatin1String("HEADER")) {
                    QCOMPARE(r.attributes().value("TIME_UNITS"), QLatin1String("milliseconds"));
                    while (r.readNextStartElement()) {
                        if (r.name() == QLatin1String("MEDIA_DESCRIPTOR"))
                            mediaUrl = r.attributes().value("MEDIA_URL").toString();
                        r.skipCurrentElement();
                    }
                    continue;
                }
                if (r.name() == QLatin1String("CONTROLLED_VOCABULARY")) {
                    while (r.readNextStartElement()) {
                        entries += r.name() == QLatin1String("CV_ENTRY_ML") ? 1 : 0;
                        r.skipCurrentElement();
                    }
                    continue;
                }
                r.skipCurrentElement();
            }
        }
        QVERIFY2(!r.hasError(), qPrintable(r.errorString()));
        QCOMPARE(mediaUrl, QString("file:///data/videos/0003_01_0001.mp4"));
        QCOMPARE(tiers, 14); // 7 body parts x 2 annotators
        QCOMPARE(entries, 52);
        // HEADER, TIME_ORDER, TIER*, LINGUISTIC_TYPE*, LOCALE*, LANGUAGE*, CONSTRAINT*, CONTROLLED_VOCABULARY*
        const QStringList order{"HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT",
                                "CONTROLLED_VOCABULARY"};
        int at = 0;
        for (const QString& e : topLevel) {
            const int i = order.indexOf(e);
            QVERIFY2(i >= at, qPrintable(e + " out of order"));
            at = i;
        }
    }

    void roundTripGivesBackSegmentsAndLabels_data()
    {
        QTest::addColumn<int>("num");
        QTest::addColumn<int>("den");
        QTest::newRow("30") << 30 << 1;
        QTest::newRow("29.97") << 30000 << 1001;
        QTest::newRow("25") << 25 << 1;
        QTest::newRow("59.94") << 60000 << 1001;
    }
    void roundTripGivesBackSegmentsAndLabels()
    {
        QFETCH(int, num);
        QFETCH(int, den);
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QVector<SegmentRow> rows = oneVideo(num, den);
        EafWriteOptions o;
        o.mediaAbsolutePath = "/v/0003_01_0001.mp4";
        const QByteArray xml = writeEaf(rows, t, o);
        EafReadOptions ro;
        ro.fpsNum = num;
        ro.fpsDen = den;
        const ParsedFile back = parseEaf(xml, "x.eaf", t, ro);
        QVERIFY(back.issues.isEmpty());
        QCOMPARE(back.rows.size(), rows.size());
        for (const SegmentRow& want : rows) {
            bool found = false;
            for (const SegmentRow& got : back.rows)
                if (got.startFrame == want.startFrame && got.endFrame == want.endFrame) {
                    found = true;
                    QCOMPARE(got.videoPath, want.videoPath);
                    QCOMPARE(got.participant, want.participant);
                    QCOMPARE(got.labels.size(), want.labels.size());
                    for (const LabelEntry& l : want.labels)
                        QVERIFY(got.labels.contains(l));
                }
            QVERIFY2(found, qPrintable(QString("segment %1..%2 lost").arg(want.startFrame).arg(want.endFrame)));
        }
        // Without a rate given, the file's own property is used.
        QCOMPARE(parseEaf(xml, "x.eaf", t).rows.size(), rows.size());
    }

    void readsHandMadeFilesAndReportsProblems()
    {
        const QByteArray xml = readTestData("handmade_v28.eaf");
        EafReadOptions o;
        o.fpsNum = 30;
        o.defaultAnnotator = "coder1";
        const ParsedFile f = parseEaf(xml, "hand.eaf", Taxonomy::builtinMa52(), o);
        QCOMPARE(f.rows.size(), 1);
        QCOMPARE(f.rows[0].videoPath, QString("clip.mp4"));
        QCOMPARE(f.rows[0].endFrame, 30);
        QCOMPARE(f.rows[0].labels[0].annotator, QString("coder1"));
        QCOMPARE(f.issues.size(), 4);
        QVERIFY2(f.issues[0].reason.contains("zero length"), qPrintable(f.issues[0].toString()));
        QVERIFY(f.issues[1].suggestion.contains("shaking body"));
        QVERIFY(f.issues[2].reason.contains("unaligned"));
        QVERIFY(f.issues[3].reason.contains("zero length")); // "nod" resolved through the CV, then too short

        const ParsedFile broken = parseEaf(xml.left(900), "cut.eaf", Taxonomy::builtinMa52(), o);
        QVERIFY(broken.rows.isEmpty());
        QVERIFY(broken.issues.last().reason.contains("not well-formed"));
    }
};

QTEST_GUILESS_MAIN(TestEaf)
#include "tst_eaf.moc"
