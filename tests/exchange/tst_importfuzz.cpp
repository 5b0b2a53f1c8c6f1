// Fuzzing the importers with a seeded random mutator over valid files: list files, prediction CSV
// (plain and zipped), the app's CSV and JSON, ELAN files (ours and a hand-made EAF 2.8; mutants
// include DOCTYPE and ENTITY tokens, and an entity bomb is refused outright), and the
// CSV, frame-rate and class readers under them. Every mutant must come back as rows that make sense
// (classes in the taxonomy, non-empty segments) plus issues that name the file and say why; no
// crash, no hang (ctest's timeout), and a sample of mutants imported into a real project keeps it
// consistent. Run under -DMAS_SANITIZE=ON for ASan/UBSan. MAS_FUZZ_ITERATIONS scales the run;
// MAS_FUZZ_SEED picks another sequence (the failing seed and mutant are printed).
#include "TestSupport.h"

#include "exchange/ClassLookup.h"
#include "exchange/Csv.h"
#include "exchange/Eaf.h"
#include "exchange/ImportFiles.h"
#include "exchange/Ma52List.h"
#include "exchange/MiniZip.h"
#include "exchange/PredictionCsv.h"
#include "exchange/SegmentTable.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace mas;
using namespace mas::exchange;

namespace {

int iterations()
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("MAS_FUZZ_ITERATIONS", &ok);
    return ok && n > 0 ? n : 1500;
}

uint64_t baseSeed()
{
    bool ok = false;
    const qulonglong s = qEnvironmentVariable("MAS_FUZZ_SEED").toULongLong(&ok);
    return ok ? s : 20261202;
}

// Byte-level mutations that hit parsers where they are weak: separators, quotes, line ends,
// markup, huge and negative numbers, invalid UTF-8, truncation, duplication.
class Mutator {
public:
    explicit Mutator(uint64_t seed) : m_rng(seed) {}

    QByteArray mutate(QByteArray data)
    {
        const int steps = 1 + int(next(4));
        for (int s = 0; s < steps; ++s)
            data = mutateOnce(std::move(data));
        return data;
    }

private:
    uint64_t next(uint64_t bound) { return bound ? m_rng() % bound : 0; }

    QByteArray mutateOnce(QByteArray d)
    {
        static const QList<QByteArray> tokens{",", "\"", "\"\"", "\n", "\r\n", "\r", "\t", " ", ";", "<", ">", "/>",
                                              "&", "&amp;", "<![CDATA[", "]]>", "-1", "0", "51", "52", "999999999999999999999",
                                              "-9223372036854775808", "nan", "inf", "1e308", "0/0", "30000/0", "\xff\xfe",
                                              "\xc3", "\xef\xbb\xbf", QByteArray(1, '\0'), "{", "}", "[", "]", ":", "null",
                                              "TIME_VALUE=\"", "TIME_SLOT_REF1=\"ts1\"", "ts999", "nodding", "B1", "test0000.mp4",
                                              "../../etc/passwd", "/abs/path.mp4", "0003_01_0001.mp4",
                                              // DTDs and entities: expansion bombs, external files and URLs
                                              "<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY a \"aaaaaaaaaaaaaaaa\">]>",
                                              "<!DOCTYPE x [<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
                                              "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">",
                                              "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
                                              "<!DOCTYPE y SYSTEM \"http://127.0.0.1:9/y.dtd\">", "&a;", "&b;", "&c;", "&x;",
                                              "&#0;", "&#x110000;", "<!DOCTYPE", "<!ENTITY", "]>"};
        const int size = d.size();
        switch (next(9)) {
        case 0: // flip a byte
            if (size)
                d[int(next(size))] = char(next(256));
            break;
        case 1: // insert a token
            d.insert(int(next(size + 1)), tokens[int(next(tokens.size()))]);
            break;
        case 2: { // delete a range
            if (!size)
                break;
            const int at = int(next(size));
            d.remove(at, 1 + int(next(std::min(64, size - at))));
            break;
        }
        case 3: { // duplicate a range
            if (!size)
                break;
            const int at = int(next(size));
            const QByteArray part = d.mid(at, 1 + int(next(200)));
            d.insert(int(next(size + 1)), part);
            break;
        }
        case 4: // truncate
            d.truncate(int(next(size + 1)));
            break;
        case 5: { // replace a digit run with a token
            const int at = int(next(size + 1));
            int i = at;
            while (i < size && !std::isdigit(uchar(d[i])))
                ++i;
            int j = i;
            while (j < size && std::isdigit(uchar(d[j])))
                ++j;
            d.replace(i, j - i, tokens[int(next(tokens.size()))]);
            break;
        }
        case 6: { // swap two lines
            QList<QByteArray> lines = d.split('\n');
            if (lines.size() > 1)
                std::swap(lines[int(next(lines.size()))], lines[int(next(lines.size()))]);
            d = lines.join('\n');
            break;
        }
        case 7: // repeat the whole input (size and duplicate handling)
            if (size < 20000)
                d += d;
            break;
        default: // random bytes
            for (int k = int(next(16)); k > 0; --k)
                d.insert(int(next(d.size() + 1)), char(next(256)));
        }
        return d;
    }

    std::mt19937_64 m_rng;
};

QVector<SegmentRow> validRows()
{
    QVector<SegmentRow> rows;
    auto add = [&](const QString& video, int64_t s, int64_t e, QVector<LabelEntry> labels, bool prediction = false) {
        SegmentRow r;
        r.videoPath = video;
        r.participant = participantFromClipName(video);
        r.startFrame = s;
        r.endFrame = e;
        r.fpsNum = 30000;
        r.fpsDen = 1001;
        r.note = "a, \"note\"";
        r.split = "train";
        r.labels = labels;
        if (prediction)
            r.prediction = PredictionEntry{"m1", {{9, 0.5}, {8, 0.25}, {10, 0.125}, {0, 0.0625}, {51, 0.03}}};
        rows << r;
    };
    add("0003_01_0001.mp4", 0, 45, {{9, "alice", LabelStatus::Confirmed}, {9, "bob", LabelStatus::Disputed}}, true);
    add("0003_01_0001.mp4", 46, 47, {{0, "alice", LabelStatus::Confirmed}});
    add("0003_01_0001.mp4", 100, 1799, {{45, "bob", LabelStatus::Prelabeled}, {51, "alice", LabelStatus::Rejected}});
    return rows;
}

// What every parse result must satisfy, whatever the input.
void checkParsed(const ParsedFile& f, const Taxonomy& t, const QString& fileName, const QByteArray& input)
{
    const int lines = input.count('\n') + input.count('\r') + 2; // CSV also ends lines with a lone CR
    for (const SegmentRow& r : f.rows) {
        QVERIFY2(!r.videoPath.isEmpty(), "a row without a video");
        QVERIFY2(r.startFrame >= 0, qPrintable(QString("negative start %1").arg(r.startFrame)));
        QVERIFY2(!r.lengthKnown() || r.endFrame > r.startFrame,
                 qPrintable(QString("empty segment %1..%2").arg(r.startFrame).arg(r.endFrame)));
        for (const LabelEntry& l : r.labels)
            QVERIFY2(t.classById(l.classId), qPrintable(QString("label class %1 not in the taxonomy").arg(l.classId)));
        if (r.prediction)
            for (const ScoredClass& c : r.prediction->top)
                QVERIFY2(t.classById(c.classId), qPrintable(QString("predicted class %1 not in the taxonomy").arg(c.classId)));
    }
    for (const ImportIssue& i : f.issues) {
        QVERIFY2(!i.reason.trimmed().isEmpty(), "an issue without a reason");
        QVERIFY2(i.file.startsWith(fileName), qPrintable("an issue naming another file: " + i.toString()));
        QVERIFY2(i.line >= 0 && i.line <= lines, qPrintable(QString("line %1 of %2: %3").arg(i.line).arg(lines).arg(i.toString())));
    }
}

struct Corpus {
    QString name;
    QByteArray valid;
    std::function<ParsedFile(const QByteArray&)> parse;
};

QVector<Corpus> corpora()
{
    const Taxonomy& t = Taxonomy::builtinMa52();
    QVector<Corpus> c;
    c.push_back({"list.txt", "0003_01_0001.mp4 9\r\n0003_01_0002.mp4 9 10\r\n# comment\r\n0004_02_0001.mp4 20\r\ntest0000.mp4 0\r\n",
                 [&t](const QByteArray& d) { return parseMa52List(QString::fromUtf8(d), "list.txt", t); }});
    c.push_back({"prediction.csv",
                 "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,body_pred_1,body_pred_2,"
                 "body_pred_3,body_pred_4,body_pred_5\r\ntest0000.mp4,9,8,10,0,51,1,1,1,0,6\r\ntest0001.mp4,0,1,2,3,4,0,0,0,0,0\r\n",
                 [&t](const QByteArray& d) { return parsePredictionCsv(QString::fromUtf8(d), "prediction.csv", t, "m"); }});
    c.push_back({"segments.csv", writeSegmentCsv(validRows(), t).toUtf8(),
                 [&t](const QByteArray& d) { return parseSegmentCsv(QString::fromUtf8(d), "segments.csv", t); }});
    c.push_back({"seconds.csv", "file,start_s,end_s,label,coder\nclip.mp4,1.0,2.5,nodding,a\nclip.mp4,3,4,B3,b\n",
                 [&t](const QByteArray& d) {
                     SegmentCsvOptions o;
                     o.defaultFpsNum = 25;
                     return parseSegmentCsv(QString::fromUtf8(d), "seconds.csv", t, o);
                 }});
    c.push_back({"segments.json", writeSegmentJson(validRows(), t),
                 [&t](const QByteArray& d) { return parseSegmentJson(d, "segments.json", t); }});
    EafWriteOptions eo;
    eo.mediaAbsolutePath = "/v/0003_01_0001.mp4";
    eo.fpsNum = 30000;
    eo.fpsDen = 1001;
    c.push_back({"ours.eaf", writeEaf(validRows(), t, eo), [&t](const QByteArray& d) { return parseEaf(d, "ours.eaf", t); }});
    QFile hand(qEnvironmentVariable("MAS_SOURCE_DIR") + "/tests/exchange/data/handmade_v28.eaf");
    if (hand.open(QIODevice::ReadOnly))
        c.push_back({"hand.eaf", hand.readAll(), [&t](const QByteArray& d) {
                         EafReadOptions o;
                         o.fpsNum = 30;
                         return parseEaf(d, "hand.eaf", t, o);
                     }});
    return c;
}

} // namespace

class TestImportFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qInfo("seed %llu, %d mutants per format", qulonglong(baseSeed()), iterations()); }

    // The valid files themselves parse cleanly (else the mutants prove little).
    void seedsAreValid()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        for (const Corpus& c : corpora()) {
            const ParsedFile f = c.parse(c.valid);
            QVERIFY2(!f.rows.isEmpty(), qPrintable(c.name));
            if (c.name != "hand.eaf") // the hand-made file has deliberate problems
                QVERIFY2(f.issues.isEmpty(), qPrintable(c.name + ": " + f.issues.value(0).toString()));
            checkParsed(f, t, c.name, c.valid);
        }
    }

    void mutantsParseToSaneRowsAndClearIssues()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        const QVector<Corpus> all = corpora();
        for (int k = 0; k < all.size(); ++k) {
            const Corpus& c = all[k];
            Mutator m(baseSeed() * 31 + k);
            int withIssues = 0, withRows = 0;
            qint64 slowestMs = 0;
            for (int i = 0; i < iterations(); ++i) {
                const QByteArray input = m.mutate(c.valid);
                QElapsedTimer timer;
                timer.start();
                const ParsedFile f = c.parse(input);
                slowestMs = std::max(slowestMs, timer.elapsed());
                withIssues += f.issues.isEmpty() ? 0 : 1;
                withRows += f.rows.isEmpty() ? 0 : 1;
                checkParsed(f, t, c.name, input);
                if (QTest::currentTestFailed()) {
                    qWarning("%s, mutant %d (seed %llu): %s", qPrintable(c.name), i, qulonglong(baseSeed()),
                             input.left(2000).toPercentEncoding(" ,;:<>/=\"\n").constData());
                    return;
                }
            }
            qInfo("%-15s %d mutants: %d with issues, %d with rows, slowest parse %lld ms", qPrintable(c.name), iterations(),
                  withIssues, withRows, slowestMs);
            QVERIFY2(withIssues > iterations() / 10, qPrintable(c.name + ": the mutator hardly ever broke the file"));
        }
    }

    // An EAF carrying a DTD: an entity expansion bomb, an external file, an external DTD by URL.
    // Refused as a whole, at once, reading nothing from outside the file.
    void eafWithEntitiesIsRefused()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        QByteArray bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE ANNOTATION_DOCUMENT [\n<!ENTITY l0 \"nodding\">\n";
        for (int i = 1; i <= 12; ++i) {
            bomb += "<!ENTITY l" + QByteArray::number(i) + " \"";
            for (int k = 0; k < 10; ++k)
                bomb += "&l" + QByteArray::number(i - 1) + ";";
            bomb += "\">\n";
        }
        bomb += "]>\n<ANNOTATION_DOCUMENT><TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"ts1\" TIME_VALUE=\"0\"/>"
                "<TIME_SLOT TIME_SLOT_ID=\"ts2\" TIME_VALUE=\"1000\"/></TIME_ORDER><TIER TIER_ID=\"a\">"
                "<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" TIME_SLOT_REF1=\"ts1\" TIME_SLOT_REF2=\"ts2\">"
                "<ANNOTATION_VALUE>&l12;</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>\n";
        QByteArray external = bomb;
        external.replace("<!ENTITY l0 \"nodding\">", "<!ENTITY l0 SYSTEM \"file:///etc/passwd\">");
        QByteArray dtdByUrl = "<?xml version=\"1.0\"?>\n<!DOCTYPE ANNOTATION_DOCUMENT SYSTEM \"http://127.0.0.1:9/eaf.dtd\">\n"
                              "<ANNOTATION_DOCUMENT></ANNOTATION_DOCUMENT>\n";
        for (const QByteArray& input : {bomb, external, dtdByUrl}) {
            QElapsedTimer timer;
            timer.start();
            const ParsedFile f = parseEaf(input, "entities.eaf", t);
            QVERIFY(f.rows.isEmpty());
            QCOMPARE(f.issues.size(), 1);
            QVERIFY2(f.issues.front().reason.contains("DOCTYPE"), qPrintable(f.issues.front().toString()));
            checkParsed(f, t, "entities.eaf", input);
            qInfo("refused in %lld ms: %s", timer.elapsed(), qPrintable(f.issues.front().toString()));
        }
    }

    // The layers under the readers, on random input.
    void csvZipRateAndClassReadersOnGarbage()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        Mutator m(baseSeed() + 7);
        const QByteArray zip = writeStoredZip({{"prediction.csv", "vid,a\r\nx,1\r\n"}, {"b.txt", "hello"}});
        for (int i = 0; i < iterations(); ++i) {
            const CsvParse csv = parseCsv(QString::fromUtf8(m.mutate("a,\"b,c\",d\r\n1,\"x\"\"y\",3\n")));
            for (const CsvRecord& r : csv.records)
                QVERIFY(r.line >= 1);
            const QByteArray z = m.mutate(zip);
            const Result<QVector<ZipEntry>> entries = readStoredZip(z);
            if (entries.ok())
                for (const ZipEntry& e : entries.value())
                    QVERIFY(e.data.size() <= z.size());
            else
                QVERIFY(!entries.error().isEmpty());
            int num = 0, den = 0;
            if (parseFrameRate(QString::fromUtf8(m.mutate("30000/1001")), &num, &den))
                QVERIFY(num > 0 && den > 0);
            const ClassLookup found = lookupClass(QString::fromUtf8(m.mutate("turning head")), t);
            QVERIFY(found.classId == -1 ? !found.reason.isEmpty() : t.classById(found.classId) != nullptr);
        }
    }

    // A sample of mutants goes all the way into a real project: accepted or refused as a whole,
    // and the project stays consistent (every label on a segment, every segment on a video).
    void mutantsImportIntoARealProject()
    {
        QTemporaryDir tmp;
        auto created = store::ProjectStore::create(tmp.path() + "/fuzz.mas", Taxonomy::builtinMa52(), "fuzzer");
        QVERIFY2(created.ok(), qPrintable(created.error()));
        store::ProjectStore& project = *created.value();
        const QVector<Corpus> all = corpora();
        const int imports = std::max(12, iterations() / 50);
        int accepted = 0;
        for (int i = 0; i < imports; ++i) {
            const Corpus& c = all[i % all.size()];
            Mutator m(baseSeed() * 131 + i);
            const QByteArray input = m.mutate(c.valid);
            const ParsedFile parsed = c.parse(input);
            ProjectImportOptions o;
            o.probeVideos = false;
            const Result<ImportReport> r = importRows(project, parsed, o);
            if (r.ok())
                ++accepted;
            else
                QVERIFY(!r.error().isEmpty());
        }
        Result<store::ProjectCounts> counts = project.counts();
        QVERIFY2(counts.ok(), qPrintable(counts.error()));
        Result<QString> integrity = project.integrityCheck();
        QVERIFY(integrity.ok());
        QCOMPARE(integrity.value(), QString("ok"));
        Result<QVector<SegmentRow>> rows = projectRows(project);
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        int labels = 0;
        for (const SegmentRow& r : rows.value())
            labels += r.labels.size();
        QCOMPARE(labels, counts->labels);
        QCOMPARE(rows->size(), counts->segments);
        qInfo("%d of %d mutants imported; project: %d videos, %d segments, %d labels", accepted, imports, counts->videos,
              counts->segments, counts->labels);
    }
};

QTEST_GUILESS_MAIN(TestImportFuzz)
#include "tst_importfuzz.moc"
