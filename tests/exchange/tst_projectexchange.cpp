// Imports into and exports out of a real project file: the official MA-52 lists (participants,
// missing videos, the official split's leakage), predictions of an external model, ELAN, generic
// CSV with bad rows, round trips of every format, atomic and cancellable writes, cancel leaving no
// half import, saved split plans, agreement, and clip extraction.
#include "TestSupport.h"

#include "exchange/AtomicFile.h"
#include "exchange/ImportFiles.h"
#include "exchange/MiniZip.h"
#include "exchange/SegmentTable.h"
#include "video/VideoProbe.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace mas;
using namespace mas::exchange;
using namespace mas::store;

namespace {

std::unique_ptr<ProjectStore> newProject(const QString& path)
{
    Result<std::unique_ptr<ProjectStore>> s = ProjectStore::create(path, Taxonomy::builtinMa52(), "tester");
    if (!s.ok())
        qFatal("cannot create %s: %s", qPrintable(path), qPrintable(s.error()));
    return std::move(s.value());
}

void writeText(const QString& path, const QString& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
        qFatal("cannot write %s", qPrintable(path));
}

QString readText(const QString& path)
{
    Result<QString> t = readTextFile(path);
    return t.ok() ? t.value() : QString();
}

// Non-empty lines without their line ends, sorted.
QStringList sortedLines(const QString& text)
{
    QStringList lines;
    for (const QString& l : text.split('\n'))
        if (!l.trimmed().isEmpty())
            lines << l.trimmed();
    lines.sort();
    return lines;
}

// What a round trip must preserve, one line per label (or per unlabelled segment), sorted.
QStringList fingerprint(const QVector<SegmentRow>& rows, bool withStatus = true, bool withPrediction = true)
{
    QStringList out;
    for (const SegmentRow& r : rows) {
        QString base = QStringLiteral("%1|%2|%3-%4|%5").arg(r.videoPath, r.participant).arg(r.startFrame).arg(r.endFrame).arg(r.note);
        if (withPrediction && r.prediction) {
            QStringList top;
            for (const ScoredClass& c : r.prediction->top)
                top << QStringLiteral("%1:%2").arg(c.classId).arg(c.score, 0, 'f', 4);
            base += "|pred " + r.prediction->modelVersion + " " + top.join(',');
        }
        if (r.labels.isEmpty())
            out << base;
        for (const LabelEntry& l : r.labels)
            out << base + QStringLiteral("|%1 %2 %3").arg(l.classId).arg(l.annotator, withStatus ? statusName(l.status) : QString());
    }
    out.sort();
    return out;
}

QVector<SegmentRow> rowsOf(const ProjectStore& store, bool withoutSplits = true)
{
    ProjectRowsOptions o;
    o.withoutSplits = withoutSplits;
    Result<QVector<SegmentRow>> rows = projectRows(store, o);
    if (!rows.ok())
        qFatal("%s", qPrintable(rows.error()));
    return rows.value();
}

ProjectCounts countsOf(const ProjectStore& store)
{
    Result<ProjectCounts> c = store.counts();
    return c.ok() ? c.value() : ProjectCounts{};
}

// A project with two videos (files absent), segments labelled by two annotators with every status,
// notes that need quoting, and predictions of an active model.
void fillVariedProject(ProjectStore& store)
{
    ParsedFile p;
    auto add = [&](const QString& video, const QString& participant, int64_t s, int64_t e, const QString& note,
                   QVector<LabelEntry> labels, std::optional<PredictionEntry> prediction = std::nullopt) {
        SegmentRow r;
        r.videoPath = video;
        r.participant = participant;
        r.startFrame = s;
        r.endFrame = e;
        r.fpsNum = 30000;
        r.fpsDen = 1001;
        r.note = note;
        r.labels = labels;
        r.prediction = prediction;
        p.rows << r;
    };
    PredictionEntry pred{"manet-v1", {{9, 0.75}, {8, 0.125}, {10, 0.0625}, {0, 0.03125}, {51, 0.015625}}};
    add("interviews/s01.mp4", "P01", 0, 45, "first, \"quoted\" note\nsecond line",
        {{9, "alice", LabelStatus::Confirmed}, {9, "bob", LabelStatus::Confirmed}}, pred);
    add("interviews/s01.mp4", "P01", 50, 120, "", {{8, "alice", LabelStatus::Disputed}, {10, "bob", LabelStatus::Confirmed}});
    add("interviews/s01.mp4", "P01", 200, 230, "", {{45, "model:manet-v1", LabelStatus::Prelabeled}});
    add("interviews/s02.mp4", "P02", 10, 99, "ünïcode", {{0, "alice", LabelStatus::Rejected}, {1, "alice", LabelStatus::Confirmed}});
    add("interviews/s02.mp4", "P02", 100, 101, "", {});
    Result<ImportReport> r = importRows(store, p);
    if (!r.ok())
        qFatal("%s", qPrintable(r.error()));
}

} // namespace

class TestProjectExchange : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString dir(const QString& name)
    {
        const QString d = m_tmp.path() + '/' + name;
        QDir().mkpath(d);
        return d;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // The benchmark's own lists: 16,836 confirmed labels, 186 participants, every video missing but
    // imported, the official split kept as a plan whose leakage report shows all 186 participants,
    // and an mmaction export that writes the same lists back.
    void officialListsImportAndExportBack()
    {
        const QString shared = test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared/ma52 not found (MAS_SHARED_DIR): the official lists are needed");
        const QString lists = shared + "/ma52/official_lists/";
        auto store = newProject(dir("official") + "/p.mas");
        QElapsedTimer timer;
        timer.start();
        Result<ImportReport> report = importFiles(*store, ImportFormat::Ma52List,
                                                  {lists + "train_list_videos.txt", lists + "val_list_videos.txt"});
        QVERIFY2(report.ok(), qPrintable(report.error()));
        qInfo("imported 16836 rows in %.1f s: %s", timer.elapsed() / 1000.0, qPrintable(report->summary()));
        QCOMPARE(report->rowsRead, 16836);
        QVERIFY2(report->issues.isEmpty(), qPrintable(report->issues.value(0).toString()));
        QCOMPARE(report->videosAdded, 16836);
        QCOMPARE(report->videosMissing, 16836);
        QCOMPARE(report->labelsAdded, 16836);
        QCOMPARE(report->splitPlan, QString(kOfficialSplitPlan));
        const ProjectCounts c = countsOf(*store);
        QCOMPARE(c.participants, 186);
        QCOMPARE(c.missingVideos, 16836);
        QCOMPARE(c.labelsByStatus[int(LabelStatus::Confirmed)], 16836);
        QCOMPARE(c.segmentsByStatus[int(SegmentStatus::Confirmed) + 1], 16836);
        Result<QVector<Annotator>> annotators = store->annotators();
        QVERIFY(std::any_of(annotators->begin(), annotators->end(), [](const Annotator& a) { return a.name == "MA-52"; }));

        Result<SplitReport> split = splitReportOfPlan(*store);
        QVERIFY2(split.ok(), qPrintable(split.error()));
        QCOMPARE(split->sets[0].segments, 11250);
        QCOMPARE(split->sets[1].segments, 5586);
        QCOMPARE(split->sharedParticipants.size(), 186);
        QVERIFY(split->toText(store->taxonomy()).contains("leakage: 186 participants"));

        // Importing the same list again adds nothing.
        Result<ImportReport> again = importFiles(*store, ImportFormat::Ma52List, {lists + "val_list_videos.txt"});
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QCOMPARE(again->videosAdded, 0);
        QCOMPARE(again->labelsAdded, 0);
        QCOMPARE(again->videosMatched, 5586);

        const QString out = dir("official-export");
        timer.restart();
        Result<ExportReport> exported = exportMmaction(*store, out);
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        qInfo("exported the mmaction lists in %.1f s", timer.elapsed() / 1000.0);
        QCOMPARE(exported->segmentsWritten, 16836);
        QCOMPARE(sortedLines(readText(out + "/train_list.txt")), sortedLines(readText(lists + "train_list_videos.txt")));
        QCOMPARE(sortedLines(readText(out + "/val_list.txt")), sortedLines(readText(lists + "val_list_videos.txt")));
        QCOMPARE(sortedLines(readText(out + "/val_list_multilabel.txt")), sortedLines(readText(lists + "val_list_videos.txt")));
        QVERIFY(readText(out + "/test_list.txt").isEmpty());
        QCOMPARE(sortedLines(readText(out + "/label_map.tsv")), sortedLines(readText(shared + "/ma52/label_map.tsv")));
        QCOMPARE(readText(out + "/label_map.txt").count('\n'), 52);
    }

    // A list naming present and absent videos plus bad lines: the present one is probed (its whole
    // clip gets its real length), the absent one is marked missing, bad lines are reported.
    void listWithPresentAndMissingVideosAndBadLines()
    {
        const QString d = dir("present");
        QString error;
        QDir().mkpath(d + "/videos");
        if (!test::makeTestVideo(d + "/videos/0007_01_0001.mp4", 45, 160, 120, 30, 250, false, &error))
            QSKIP(qPrintable("ffmpeg could not make a test video: " + error));
        writeText(d + "/lists/train_list.txt", "videos/0007_01_0001.mp4 9\r\n"
                                                "videos/0008_02_0003.mp4 20 21\r\n"
                                                "videos/0009_00_0001.mp4 77\r\n"
                                                "just-a-path.mp4\r\n");
        auto store = newProject(d + "/p.mas");
        ImportFilesOptions o;
        o.project.dataRoot = d;
        Result<ImportReport> r = importFiles(*store, ImportFormat::Ma52List, {d + "/lists/train_list.txt"}, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->videosAdded, 2);
        QCOMPARE(r->videosMissing, 1);
        QCOMPARE(r->issues.size(), 2);
        QCOMPARE(r->issues[0].line, 3);
        QVERIFY2(r->issues[0].reason.contains("outside 0..51"), qPrintable(r->issues[0].toString()));
        QVERIFY(r->issues[0].file.endsWith("train_list.txt"));
        QCOMPARE(r->issues[1].line, 4);
        QVERIFY(r->summary().contains("2 videos added (1 missing on disk)"));

        Result<QVector<Video>> videos = store->videos();
        QCOMPARE(videos->size(), 2);
        const Video present = videos->at(0).path.contains("0007") ? videos->at(0) : videos->at(1);
        const Video absent = videos->at(0).path.contains("0007") ? videos->at(1) : videos->at(0);
        QCOMPARE(present.path, QString("videos/0007_01_0001.mp4"));
        QVERIFY(!present.missing);
        QCOMPARE(present.frameCount, 45);
        QVERIFY(absent.missing);
        const QVector<SegmentRow> rows = rowsOf(*store);
        QCOMPARE(rows.size(), 2);
        for (const SegmentRow& row : rows) {
            if (row.videoPath == present.path) {
                QCOMPARE(row.endFrame, 45); // probed: the whole clip's real length
                QCOMPARE(row.participant, QString("0007"));
            } else {
                QCOMPARE(row.endFrame, kUnknownEndFrame); // missing: length unknown until found
                QCOMPARE(row.labels.size(), 2);          // multi-label line
            }
        }
    }

    // Predictions of an external model: pre-labels and scores on the project's videos, the model
    // version made and activated; the benchmark CSV written back is the same file (and as a zip).
    void predictionsImportAndExportBack()
    {
        const QString d = dir("predictions");
        writeText(d + "/test_list.txt", "a/test0000.mp4 0\na/test0001.mp4 0\na/test0002.mp4 0\n");
        const QString csv = "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
                            "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5\r\n"
                            "test0000.mp4,9,8,10,0,51,1,1,1,0,6\r\n"
                            "test0001.mp4,0,1,2,3,4,0,0,0,0,0\r\n"
                            "test0002.mp4,45,44,9,8,20,5,5,1,1,2\r\n";
        writeText(d + "/prediction.csv", csv + "unknown.mp4,0,1,2,3,4,0,0,0,0,0\r\n");
        auto store = newProject(d + "/p.mas");
        QVERIFY(importFiles(*store, ImportFormat::Ma52List, {d + "/test_list.txt"}).ok());
        QCOMPARE(countsOf(*store).labels, 0); // hidden test labels are not imported

        ImportFilesOptions o;
        QVERIFY(!importFiles(*store, ImportFormat::Predictions, {d + "/prediction.csv"}, o).ok()); // needs a model name
        o.modelVersion = "challenge-entry";
        Result<ImportReport> r = importFiles(*store, ImportFormat::Predictions, {d + "/prediction.csv"}, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->predictionsStored, 3);
        QCOMPARE(r->labelsAdded, 3);
        QCOMPARE(r->videosAdded, 0);
        QCOMPARE(r->issues.size(), 1);
        QCOMPARE(r->issues[0].line, 5);
        QVERIFY(r->issues[0].reason.contains("not a video of the project"));
        const std::optional<ModelVersion> active = store->activeModelVersion();
        QVERIFY(active);
        QCOMPARE(active->name, QString("challenge-entry"));
        QCOMPARE(countsOf(*store).labelsByStatus[int(LabelStatus::Prelabeled)], 3);
        Result<QVector<Annotator>> annotators = store->annotators();
        QVERIFY(std::any_of(annotators->begin(), annotators->end(),
                            [](const Annotator& a) { return a.name == "model:challenge-entry"; }));

        Result<ExportReport> e = exportPredictions(*store, d + "/out/prediction.csv");
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(readText(d + "/out/prediction.csv"), csv);
        QVERIFY(exportPredictions(*store, d + "/out/submission.zip").ok());
        QFile zip(d + "/out/submission.zip");
        QVERIFY(zip.open(QIODevice::ReadOnly));
        Result<QVector<ZipEntry>> entries = readStoredZip(zip.readAll());
        QVERIFY2(entries.ok(), qPrintable(entries.error()));
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->at(0).name, QString("prediction.csv"));
        QCOMPARE(QString::fromUtf8(entries->at(0).data), csv);
        // ... and the zip imports as well.
        auto other = newProject(d + "/q.mas");
        QVERIFY(importFiles(*other, ImportFormat::Ma52List, {d + "/test_list.txt"}).ok());
        Result<ImportReport> fromZip = importFiles(*other, ImportFormat::Predictions, {d + "/out/submission.zip"}, o);
        QVERIFY2(fromZip.ok(), qPrintable(fromZip.error()));
        QCOMPARE(fromZip->predictionsStored, 3);
    }

    // CSV and JSON of all segments read back into a new project as the same segments, labels
    // (annotator and status), notes, participants and predictions.
    void csvAndJsonRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("csv") << "csv";
        QTest::newRow("json") << "json";
    }
    void csvAndJsonRoundTrip()
    {
        QFETCH(QString, format);
        const QString d = dir("roundtrip-" + format);
        auto store = newProject(d + "/p.mas");
        fillVariedProject(*store);
        const QString file = d + "/segments." + format;
        Result<ExportReport> e = format == "csv" ? exportSegmentCsv(*store, file) : exportSegmentJson(*store, file);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->segmentsWritten, 5);
        if (format == "csv")
            QVERIFY(readText(file).startsWith(segmentCsvHeader().join(',')));

        auto back = newProject(d + "/q.mas");
        Result<ImportReport> r = importFiles(*back, *importFormatFromName(format), {file});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY2(r->issues.isEmpty(), qPrintable(r->issues.value(0).toString()));
        QCOMPARE(fingerprint(rowsOf(*back)), fingerprint(rowsOf(*store)));
        Result<QVector<Video>> videos = back->videos();
        QCOMPARE(videos->first().fpsNum, 30000);
        QCOMPARE(videos->first().fpsDen, 1001);
        // Importing the same file again changes nothing.
        Result<ImportReport> again = importFiles(*back, *importFormatFromName(format), {file});
        QVERIFY(again.ok());
        QCOMPARE(again->segmentsAdded + again->labelsAdded + again->videosAdded, 0);
    }

    // ELAN: one file per video, one tier per body part and annotator, read back at the video's rate.
    void eafRoundTrip()
    {
        const QString d = dir("eaf");
        auto store = newProject(d + "/p.mas");
        fillVariedProject(*store);
        Result<ExportReport> e = exportEaf(*store, d + "/eaf");
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->files.size(), 2);
        QVERIFY(QFile::exists(d + "/eaf/s01.eaf"));
        QVERIFY(readText(d + "/eaf/s01.eaf").contains("RELATIVE_MEDIA_URL=\"file:../interviews/s01.mp4\""));

        auto back = newProject(d + "/q.mas");
        ImportFilesOptions o;
        o.project.dataRoot = d + "/interviews";
        Result<ImportReport> r = importFiles(*back, ImportFormat::Eaf, e->files, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY2(r->issues.isEmpty(), qPrintable(r->issues.value(0).toString()));
        // EAF has no review status and no predictions: everything else comes back. Segments
        // without labels have nothing to carry them.
        QVector<SegmentRow> want;
        for (SegmentRow row : rowsOf(*store)) {
            row.videoPath = "interviews/" + QFileInfo(row.videoPath).fileName();
            QVector<LabelEntry> kept;
            for (const LabelEntry& l : row.labels)
                kept << l;
            row.labels = kept;
            row.note.clear();
            if (!row.labels.isEmpty())
                want << row;
        }
        QVector<SegmentRow> got = rowsOf(*back);
        for (SegmentRow& row : got)
            row.note.clear();
        QCOMPARE(fingerprint(got, false, false), fingerprint(want, false, false));
    }

    // Generic CSV: columns by header (aliases, any order), times in seconds at the project video's
    // rate, classes by id, code or name; bad rows reported with file, line, reason and a suggestion.
    void genericCsvHeaderMappingAndBadRows()
    {
        const QString d = dir("generic");
        auto store = newProject(d + "/p.mas");
        Video v;
        v.path = d + "/clip.mp4";
        v.fpsNum = 25;
        v.fpsDen = 1;
        v.frameCount = 1000;
        QVERIFY(store->addVideo(v).ok());
        writeText(d + "/coded.csv", "Coder,File,Start_s,End_s,Label\n"
                                    "ann,clip.mp4,1.0,2.0,9\n"
                                    "ann,clip.mp4,2.0,3.5,B3\n"
                                    "ann,clip.mp4,4,5,turning head\n"
                                    "ann,clip.mp4,6,7,nodd\n"
                                    "ann,clip.mp4,9,8,9\n"
                                    "ann,clip.mp4,10\n"
                                    "ann,clip.mp4,11,12,\"shaking, body\"\n");
        Result<ImportReport> r = importFiles(*store, ImportFormat::Csv, {d + "/coded.csv"});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->segmentsAdded, 3);
        QCOMPARE(r->videosMatched, 3);
        QCOMPARE(r->issues.size(), 4);
        QCOMPARE(r->issues[0].line, 5);
        QVERIFY(r->issues[0].file.endsWith("coded.csv"));
        QVERIFY2(r->issues[0].suggestion.contains("nodding"), qPrintable(r->issues[0].toString()));
        QCOMPARE(r->issues[1].line, 6);
        QVERIFY(r->issues[1].reason.contains("empty or negative"));
        QCOMPARE(r->issues[2].line, 7);
        QCOMPARE(r->issues[3].line, 8);
        QVERIFY2(r->issues[3].suggestion.contains("shaking body"), qPrintable(r->issues[3].toString()));
        const QStringList got = fingerprint(rowsOf(*store));
        QCOMPARE(got, QStringList({"clip.mp4||100-125||8 ann confirmed", "clip.mp4||25-50||9 ann confirmed",
                                   "clip.mp4||50-88||8 ann confirmed"}));
    }

    // A cancel at any point of an import leaves the project as it was.
    void cancelledImportLeavesNothing_data()
    {
        QTest::addColumn<double>("at");
        for (double at : {0.05, 0.3, 0.5, 0.7, 0.9, 0.99})
            QTest::newRow(qPrintable(QString::number(at))) << at;
    }
    void cancelledImportLeavesNothing()
    {
        QFETCH(double, at);
        const QString d = dir(QStringLiteral("cancel-%1").arg(at));
        auto store = newProject(d + "/p.mas");
        fillVariedProject(*store);
        const ProjectCounts before = countsOf(*store);
        const QStringList rowsBefore = fingerprint(rowsOf(*store));
        ParsedFile p;
        for (int i = 0; i < 3000; ++i) {
            SegmentRow r;
            r.videoPath = QStringLiteral("bulk/%1_00_%2.mp4").arg(i % 40, 4, 10, QChar('0')).arg(i, 4, 10, QChar('0'));
            r.participant = QStringLiteral("%1").arg(i % 40, 4, 10, QChar('0'));
            r.endFrame = 30;
            r.split = "train";
            r.labels = {{i % 52, "carol", LabelStatus::Confirmed}};
            r.prediction = PredictionEntry{"manet-v1", {{i % 52, 0.5}}};
            p.rows << r;
        }
        // Labels on an existing segment too, so the undo has to remove labels of old segments.
        SegmentRow onOld;
        onOld.videoPath = "interviews/s01.mp4";
        onOld.startFrame = 0;
        onOld.endFrame = 45;
        onOld.labels = {{20, "carol", LabelStatus::Confirmed}};
        p.rows << onOld;
        std::atomic_bool cancel{false};
        ExchangeControl control;
        control.cancel = &cancel;
        int64_t last = 0;
        control.progress = [&](int64_t done, int64_t total) {
            QVERIFY(done >= last);
            last = done;
            if (done >= at * total)
                cancel = true;
        };
        QElapsedTimer timer;
        timer.start();
        Result<ImportReport> r = importRows(*store, p, {}, control);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains("cancelled"), qPrintable(r.error()));
        qInfo("cancelled at %.0f%% and taken back in %.2f s", at * 100, timer.elapsed() / 1000.0);
        const ProjectCounts after = countsOf(*store);
        QCOMPARE(after.videos, before.videos);
        QCOMPARE(after.segments, before.segments);
        QCOMPARE(after.labels, before.labels);
        QCOMPARE(after.predictions, before.predictions);
        QCOMPARE(after.splitPlans, before.splitPlans);
        QCOMPARE(fingerprint(rowsOf(*store)), rowsBefore);
    }

    // Exports write whole files or nothing: a cancel leaves the earlier file and no temporary files.
    void exportsAreAtomicAndCancellable()
    {
        const QString d = dir("atomic");
        auto store = newProject(d + "/p.mas");
        fillVariedProject(*store);
        writeText(d + "/out/segments.csv", "old content\n");
        std::atomic_bool cancel{true};
        ExchangeControl control;
        control.cancel = &cancel;
        QVERIFY(!exportSegmentCsv(*store, d + "/out/segments.csv", {}, control).ok());
        QVERIFY(!exportSegmentJson(*store, d + "/out/segments.json", {}, control).ok());
        QVERIFY(!exportEaf(*store, d + "/out/eaf", control).ok());
        QVERIFY(!exportPredictions(*store, d + "/out/prediction.csv", {}, control).ok());
        Result<SplitPlanOutcome> plan = planAndSaveSplit(*store, "plan", {}, 1);
        QVERIFY2(plan.ok(), qPrintable(plan.error()));
        QVERIFY(!exportMmaction(*store, d + "/out/lists", {}, control).ok());
        QCOMPARE(readText(d + "/out/segments.csv"), QString("old content\n"));
        QDir out(d + "/out");
        QCOMPARE(out.entryList(QDir::Files | QDir::NoDotAndDotDot), QStringList{"segments.csv"});
        QVERIFY(QDir(d + "/out/lists").entryList(QDir::Files).isEmpty());
        QVERIFY(QDir(d + "/out/eaf").entryList(QDir::Files).isEmpty());
        // A cancel in the middle of the mmaction files removes the ones already written.
        cancel = false;
        int writes = 0;
        control.progress = [&](int64_t, int64_t) {
            if (++writes == 3)
                cancel = true;
        };
        QVERIFY(!exportMmaction(*store, d + "/out/lists", {}, control).ok());
        QVERIFY(QDir(d + "/out/lists").entryList(QDir::Files).isEmpty());
    }

    // A participant split saved by name, reported, reproducible, and used by the mmaction export.
    void splitPlanSavedAndExported()
    {
        const QString d = dir("split");
        auto store = newProject(d + "/p.mas");
        ParsedFile p;
        for (int part = 0; part < 30; ++part)
            for (int k = 0; k < 20; ++k) {
                SegmentRow r;
                r.videoPath = QStringLiteral("v/%1_00_%2.mp4").arg(part, 4, 10, QChar('0')).arg(k, 4, 10, QChar('0'));
                r.participant = QStringLiteral("%1").arg(part, 4, 10, QChar('0'));
                r.endFrame = 30;
                r.labels = {{(part + k) % 12, "alice", LabelStatus::Confirmed}};
                p.rows << r;
            }
        QVERIFY(importRows(*store, p).ok());
        SplitRatios ratios;
        ratios.ratio = {0.6, 0.2, 0.2};
        Result<SplitPlanOutcome> a = planAndSaveSplit(*store, "by participant, seed 5", ratios, 5);
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QVERIFY(a->report.sharedParticipants.isEmpty());
        QCOMPARE(a->report.unassignedSegments, 0);
        for (int s = 0; s < 3; ++s)
            QVERIFY2(a->report.sets[s].missingClasses.isEmpty(), qPrintable(a->report.toText(store->taxonomy())));
        QCOMPARE(a->report.sets[0].participants.size() + a->report.sets[1].participants.size()
                     + a->report.sets[2].participants.size(), 30);
        Result<QVector<SplitPlan>> plans = store->splitPlans();
        QCOMPARE(plans->size(), 1);
        QCOMPARE(plans->first().name, QString("by participant, seed 5"));
        QCOMPARE(plans->first().unit, SplitUnit::Participant);
        QVERIFY(!planAndSaveSplit(*store, "by participant, seed 5", ratios, 5).ok()); // names are unique

        Result<SplitPlanOutcome> b = planAndSaveSplit(*store, "again", ratios, 5);
        QVERIFY(b.ok());
        for (int s = 0; s < 3; ++s)
            QCOMPARE(b->report.sets[s].participants, a->report.sets[s].participants);
        Result<SplitReport> saved = splitReportOfPlan(*store, a->planId);
        QVERIFY(saved.ok());
        QCOMPARE(saved->sets[1].participants, a->report.sets[1].participants);
        QCOMPARE(saved->sets[1].segments, a->report.sets[1].segments);

        MmactionExportOptions o;
        o.rows.splitPlanId = a->planId;
        Result<ExportReport> e = exportMmaction(*store, d + "/lists", o);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QSet<QString> seen[3];
        const char* names[3] = {"train", "val", "test"};
        for (int s = 0; s < 3; ++s) {
            const QStringList lines = sortedLines(readText(d + "/lists/" + names[s] + "_list.txt"));
            QCOMPARE(lines.size(), a->report.sets[s].segments);
            for (const QString& l : lines)
                seen[s].insert(participantFromClipName(l.section(' ', 0, 0)));
            QCOMPARE(QStringList(seen[s].begin(), seen[s].end()).size(), a->report.sets[s].participants.size());
        }
        QVERIFY(!seen[0].intersects(seen[1]) && !seen[0].intersects(seen[2]) && !seen[1].intersects(seen[2]));
        // The lists read back as the same labels.
        auto back = newProject(d + "/q.mas");
        ImportFilesOptions io;
        io.project.dataRoot = d;
        QStringList files;
        for (const char* n : names)
            files << d + "/lists/" + n + "_list.txt";
        QVERIFY(importFiles(*back, ImportFormat::Ma52List, files, io).ok());
        QCOMPARE(countsOf(*back).labels, 600);
    }

    // Agreement between the project's annotators, clip level and IoU-matched, as CSV.
    void agreementOfTheProject()
    {
        const QString d = dir("agreement");
        auto store = newProject(d + "/p.mas");
        QVERIFY(!projectAgreement(*store, 0.5).ok()); // no annotators yet
        fillVariedProject(*store);
        Result<ProjectAgreement> a = projectAgreement(*store, 0.5, {"alice", "bob"});
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QCOMPARE(a->clipLevel.raters, QStringList({"alice", "bob"}));
        QCOMPARE(a->clipLevel.overall.items, 2);       // segments both labelled
        QCOMPARE(a->clipLevel.overall.observed, 0.5);  // agree on 0-45 (9), not on 50-120 (8 vs 10)
        QVERIFY(agreementCsv(a->clipLevel).startsWith("level,scope,key,name,items"));
        QVERIFY(a->matched.level.contains("0.5"));
        QVERIFY(!confusionCsv(a->matched, store->taxonomy()).isEmpty());
    }

    // --clips: every listed segment cut to its own file, frame-exact; the lists point at the clips.
    void mmactionExportWithClips()
    {
        if (!defaultClipCutter())
            QSKIP("this build has no clip extractor (core/video/ClipExtractor)");
        const QString d = dir("clips");
        QString error;
        QDir().mkpath(d + "/videos");
        if (!test::makeTestVideo(d + "/videos/0001_01_0001.mp4", 90, 160, 120, 30, 30, false, &error))
            QSKIP(qPrintable("ffmpeg could not make a test video: " + error));
        auto store = newProject(d + "/p.mas");
        writeText(d + "/segments.csv", "video,participant,start_frame,end_frame,class_id,annotator\n"
                                       "videos/0001_01_0001.mp4,0001,0,30,9,alice\n"
                                       "videos/0001_01_0001.mp4,0001,35,80,8,alice\n");
        Result<ImportReport> r = importFiles(*store, ImportFormat::Csv, {d + "/segments.csv"});
        QVERIFY2(r.ok() && r->issues.isEmpty(), qPrintable(r.error() + r->issues.value(0).toString()));
        SplitRatios all;
        all.ratio = {1, 0, 0};
        QVERIFY(planAndSaveSplit(*store, "all train", all, 0).ok());
        MmactionExportOptions o;
        o.extractClips = true;
        Result<ExportReport> e = exportMmaction(*store, d + "/out", o);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->clipsWritten, 2);
        const QStringList lines = sortedLines(readText(d + "/out/train_list.txt"));
        QCOMPARE(lines, QStringList({"clips/train/0001_01_0001_0_30.mp4 9", "clips/train/0001_01_0001_35_80.mp4 8"}));
        Result<VideoProbeInfo> first = probeVideo(d + "/out/clips/train/0001_01_0001_0_30.mp4");
        QVERIFY2(first.ok(), qPrintable(first.error()));
        QCOMPARE(first->frameCount, 30);
        Result<VideoProbeInfo> second = probeVideo(d + "/out/clips/train/0001_01_0001_35_80.mp4");
        QVERIFY2(second.ok(), qPrintable(second.error()));
        QCOMPARE(second->frameCount, 45);
    }
};

QTEST_GUILESS_MAIN(TestProjectExchange)
#include "tst_projectexchange.moc"
