// bench_exchange: the two official MA-52 lists (16,836 rows) imported into a new project, and every
// export written at that scale, timed. Without ../shared the same number of rows is synthesised
// with MA-52 names. Prints one line per step: seconds and rows per second.
//   bench_exchange [WORKDIR]        (default: a temporary folder, removed afterwards)
#include "exchange/AtomicFile.h"
#include "exchange/ImportFiles.h"
#include "exchange/Ma52List.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <functional>
#include <sys/resource.h>

using namespace mas;
using namespace mas::exchange;
using namespace mas::store;

namespace {

double timed(const char* what, int rows, const std::function<QString()>& step)
{
    QElapsedTimer t;
    t.start();
    const QString error = step();
    const double s = t.nsecsElapsed() / 1e9;
    if (!error.isEmpty()) {
        std::fprintf(stderr, "bench_exchange: %s failed: %s\n", what, qPrintable(error));
        std::exit(1);
    }
    std::printf("%-44s %8.2f s  %10.0f rows/s\n", what, s, rows / std::max(s, 1e-9));
    std::fflush(stdout);
    return s;
}

std::unique_ptr<ProjectStore> newProject(const QString& path, const QString& annotator)
{
    Result<std::unique_ptr<ProjectStore>> s = ProjectStore::create(path, Taxonomy::builtinMa52(), annotator);
    if (!s.ok()) {
        std::fprintf(stderr, "bench_exchange: %s\n", qPrintable(s.error()));
        std::exit(1);
    }
    return std::move(s.value());
}

// The official lists, or 16,836 synthetic lines in their naming (186 participants).
QStringList listFiles(const QString& work)
{
    const QString shared = QStringLiteral(MAS_SOURCE_SHARED);
    const QString lists = shared + QStringLiteral("/ma52/official_lists/");
    if (!shared.isEmpty() && QFileInfo::exists(lists + "train_list_videos.txt")) {
        std::printf("input: the official lists of %s\n", qPrintable(lists));
        return {lists + "train_list_videos.txt", lists + "val_list_videos.txt"};
    }
    std::printf("input: 16836 synthetic list lines (../shared not found)\n");
    QString train, val;
    for (int i = 0; i < 16836; ++i) {
        const int c = (i * 7) % 52;
        const int body = Taxonomy::builtinMa52().bodyPartOfClass(c);
        const QString line = QStringLiteral("%1_%2_%3.mp4 %4\r\n").arg(i % 186 + 1, 4, 10, QChar('0')).arg(body, 2, 10, QChar('0'))
                                 .arg(i, 4, 10, QChar('0')).arg(c);
        (i % 3 == 0 ? val : train) += line;
    }
    writeFileAtomically(work + "/train_list_videos.txt", train.toUtf8());
    writeFileAtomically(work + "/val_list_videos.txt", val.toUtf8());
    return {work + "/train_list_videos.txt", work + "/val_list_videos.txt"};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString work = argc > 1 ? QDir(argv[1]).absolutePath() : tmp.path();
    QDir().mkpath(work);
    const QStringList lists = listFiles(work);
    const Taxonomy& taxonomy = Taxonomy::builtinMa52();

    // 1. The official lists into a new project, as `import ma52-list` does.
    ParsedFile parsed;
    timed("parse both lists", 16836, [&] {
        for (const QString& f : lists) {
            Result<ParsedFile> p = readMa52ListFile(f, taxonomy);
            if (!p.ok())
                return p.error();
            parsed.rows += p->rows;
        }
        return QString();
    });
    const int rows = parsed.rows.size();
    auto official = newProject(work + "/official.mas", "bench");
    timed("import ma52-list (both lists, new project)", rows, [&] {
        Result<ImportReport> r = importFiles(*official, ImportFormat::Ma52List, lists);
        return r.ok() ? QString() : r.error();
    });
    timed("import ma52-list again (all matched)", rows, [&] {
        Result<ImportReport> r = importFiles(*official, ImportFormat::Ma52List, lists);
        return r.ok() ? QString() : r.error();
    });
    timed("leakage report of the official split", rows, [&] {
        Result<SplitReport> r = splitReportOfPlan(*official);
        if (!r.ok())
            return r.error();
        std::printf("  (%d participants shared between train and val)\n", int(r->sharedParticipants.size()));
        return QString();
    });

    // 2. A project at the same scale with segment times, predictions of a model and a second
    // annotator, so that every export has its full content.
    auto full = newProject(work + "/full.mas", "bench");
    ParsedFile timedRows = parsed;
    for (int i = 0; i < timedRows.rows.size(); ++i) {
        SegmentRow& r = timedRows.rows[i];
        r.startFrame = 0;
        r.endFrame = 60 + i % 90;
        r.fpsNum = 30;
        r.fpsDen = 1;
        const int c = r.labels.value(0).classId;
        PredictionEntry p{"bench-model", {}};
        for (int k = 0; k < 5; ++k)
            p.top.push_back({(c + k * 5) % 52, 0.9 / (k + 1)});
        r.prediction = p;
    }
    timed("import rows with times + top-5 predictions", rows, [&] {
        ProjectImportOptions o;
        o.probeVideos = false;
        Result<ImportReport> r = importRows(*full, timedRows, o);
        return r.ok() ? QString() : r.error();
    });
    QString second = "video,start_frame,end_frame,class_id,annotator\n";
    for (int i = 0; i < timedRows.rows.size(); ++i) {
        const SegmentRow& r = timedRows.rows[i];
        second += QStringLiteral("%1,%2,%3,%4,coder2\n").arg(r.videoPath).arg(r.startFrame).arg(r.endFrame)
                      .arg(i % 10 == 0 ? (r.labels.value(0).classId + 1) % 52 : r.labels.value(0).classId);
    }
    writeFileAtomically(work + "/coder2.csv", second.toUtf8());
    timed("import csv (a second annotator)", rows, [&] {
        Result<ImportReport> r = importFiles(*full, ImportFormat::Csv, {work + "/coder2.csv"});
        return r.ok() ? QString() : r.error();
    });
    timed("split plan by participant (plan + save)", rows, [&] {
        Result<SplitPlanOutcome> r = planAndSaveSplit(*full, "bench", {}, 0);
        return r.ok() ? QString() : r.error();
    });
    timed("read the project as rows (projectRows)", rows, [&] {
        Result<QVector<SegmentRow>> r = projectRows(*full);
        return r.ok() ? QString() : r.error();
    });
    const QString out = work + "/out";
    double exports = 0;
    exports += timed("export mmaction (lists, multi-label, label map)", rows, [&] {
        Result<ExportReport> r = exportMmaction(*full, out + "/mmaction");
        return r.ok() ? QString() : r.error();
    });
    exports += timed("export csv", rows, [&] {
        Result<ExportReport> r = exportSegmentCsv(*full, out + "/segments.csv");
        return r.ok() ? QString() : r.error();
    });
    exports += timed("export json", rows, [&] {
        Result<ExportReport> r = exportSegmentJson(*full, out + "/segments.json");
        return r.ok() ? QString() : r.error();
    });
    exports += timed("export eaf (one file per video)", rows, [&] {
        Result<ExportReport> r = exportEaf(*full, out + "/eaf");
        return r.ok() ? QString() : r.error();
    });
    exports += timed("export predictions (benchmark CSV)", rows, [&] {
        Result<ExportReport> r = exportPredictions(*full, out + "/prediction.csv");
        return r.ok() ? QString() : r.error();
    });
    exports += timed("export predictions (zip)", rows, [&] {
        Result<ExportReport> r = exportPredictions(*full, out + "/submission.zip");
        return r.ok() ? QString() : r.error();
    });
    std::printf("%-44s %8.2f s\n", "all exports", exports);
    timed("agreement (clip level + IoU 0.5 matched)", rows, [&] {
        Result<ProjectAgreement> r = projectAgreement(*full, 0.5, {"MA-52", "coder2"});
        if (!r.ok())
            return r.error();
        std::printf("  (clip-level Cohen's kappa %.3f over %d items)\n", r->clipLevel.overall.cohen, r->clipLevel.overall.items);
        return QString();
    });
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS %.0f MiB\n", usage.ru_maxrss / 1024.0);
    return 0;
}
