// bench_store [--dir DIR] [--edits N] [--keep] [--url postgresql://...]
// A project at MA-52 scale: 22,422 whole-clip segments over 205 participants, classes drawn with
// the MA-52 distribution (the official train + val lists when ../shared is there, else a long-tailed
// stand-in), each segment with one confirmed label and a top-5 prediction of the active model.
// Prints: time to create it, to open it and load the clip list, to filter by class and by status,
// the latency of one durable label edit (the method returns after COMMIT with synchronous=FULL),
// and the file size. Goals: open + clip list < 1 s, durable edit < 5 ms.
// The video files are empty placeholders, so that the open's missing-file check stats real files.
// --url: the same project on a PostgreSQL server (an empty or missing database) instead of a file.
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>
#include <time.h>
#include <unordered_map>

using namespace mas;
using namespace mas::store;

namespace {

constexpr int kClips = 22422;
constexpr int kParticipants = 205;
constexpr int kTopK = 5;

double ms(const QElapsedTimer& t) { return t.nsecsElapsed() / 1e6; }

// CPU time of this process: on a shared, loaded machine the wall time says as much about the
// neighbours as about the store, so the open and the filters print both.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

template <typename T>
T orDie(Result<T> r, const char* what)
{
    if (!r.ok()) {
        std::fprintf(stderr, "bench_store: %s: %s\n", what, qPrintable(r.error()));
        std::exit(1);
    }
    return std::move(r).value();
}

void orDie(const Status& s, const char* what)
{
    if (!s.ok()) {
        std::fprintf(stderr, "bench_store: %s: %s\n", what, qPrintable(s.error()));
        std::exit(1);
    }
}

// Clips per class in the official lists (train + val), or empty when ../shared is absent.
std::vector<double> ma52ClassWeights()
{
    std::vector<double> counts(52, 0.0);
    const QString lists = QStringLiteral(MAS_SOURCE_SHARED) + "/ma52/official_lists/";
    int seen = 0;
    for (const char* name : {"train_list_videos.txt", "val_list_videos.txt"}) {
        QFile f(lists + name);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        while (!f.atEnd()) {
            const QList<QByteArray> fields = f.readLine().simplified().split(' ');
            if (fields.size() < 2)
                continue;
            bool ok = false;
            const int c = fields[1].toInt(&ok);
            if (ok && c >= 0 && c < 52) {
                counts[size_t(c)] += 1;
                ++seen;
            }
        }
    }
    if (seen == 0)
        return {};
    return counts;
}

// Stand-in without ../shared: a Zipf-like tail (the most frequent class ~40x the rarest).
std::vector<double> longTailWeights()
{
    std::vector<double> w(52);
    for (int i = 0; i < 52; ++i)
        w[size_t(i)] = 1.0 / std::pow(double(i + 1), 0.95);
    std::shuffle(w.begin(), w.end(), std::mt19937(52));
    return w;
}

// Exactly `total` classes following `weights` (largest remainder), in random order.
std::vector<int> drawClasses(const std::vector<double>& weights, int total, std::mt19937& rng)
{
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<int> n(weights.size());
    std::vector<std::pair<double, int>> remainders;
    int assigned = 0;
    for (size_t c = 0; c < weights.size(); ++c) {
        const double exact = weights[c] / sum * total;
        n[c] = int(exact);
        assigned += n[c];
        remainders.push_back({exact - n[c], int(c)});
    }
    std::sort(remainders.rbegin(), remainders.rend());
    for (int i = 0; assigned < total; ++i, ++assigned)
        ++n[size_t(remainders[size_t(i)].second)];
    std::vector<int> classes;
    for (size_t c = 0; c < n.size(); ++c)
        classes.insert(classes.end(), size_t(n[c]), int(c));
    std::shuffle(classes.begin(), classes.end(), rng);
    return classes;
}

QString fileSizes(const QString& path)
{
    const qint64 main = QFileInfo(path).size();
    const qint64 wal = QFileInfo(path + "-wal").exists() ? QFileInfo(path + "-wal").size() : 0;
    return QStringLiteral("%1 MiB (+ %2 MiB WAL)").arg(main / 1048576.0, 0, 'f', 2).arg(wal / 1048576.0, 0, 'f', 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QString dir;
    int edits = 300;
    bool keep = false;
    QString url;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == "--dir" && i + 1 < args.size())
            dir = args[++i];
        else if (args[i] == "--edits" && i + 1 < args.size())
            edits = std::max(1, args[++i].toInt());
        else if (args[i] == "--keep")
            keep = true;
        else if (args[i] == "--url" && i + 1 < args.size())
            url = args[++i];
        else {
            std::fprintf(stderr, "usage: bench_store [--dir DIR] [--edits N] [--keep] [--url postgresql://...]\n");
            return 2;
        }
    }
    QTemporaryDir temp(dir.isEmpty() ? QDir::tempPath() + "/bench_store-XXXXXX" : dir + "/bench_store-XXXXXX");
    temp.setAutoRemove(!keep);
    if (!temp.isValid()) {
        std::fprintf(stderr, "bench_store: cannot make a folder under %s\n", qPrintable(dir.isEmpty() ? QDir::tempPath() : dir));
        return 1;
    }
    const QString path = url.isEmpty() ? temp.filePath("ma52.mas") : url;
    if (!url.isEmpty())
        qputenv("MAS_VIDEO_ROOT", temp.path().toUtf8()); // the server project's videos are the placeholders here
    const QStorageInfo storage(temp.path());
    std::printf("project   %s\nfs        %s (%s) on %s\n", qPrintable(path), qPrintable(storage.rootPath()),
                storage.fileSystemType().constData(), storage.device().constData());

    std::mt19937 rng(2024);
    std::vector<double> weights = ma52ClassWeights();
    const bool official = !weights.empty();
    if (!official)
        weights = longTailWeights();
    const std::vector<int> classes = drawClasses(weights, kClips, rng);
    const auto [rarest, commonest] = std::minmax_element(weights.begin(), weights.end());
    std::printf("classes   %s distribution, commonest/rarest weight %.0f/%.0f\n",
                official ? "MA-52 train+val" : "long-tailed stand-in (no ../shared)", *commonest, *rarest);

    // Participants with uneven clip counts (some talk with their hands a lot more than others).
    std::vector<double> participantWeights(kParticipants);
    std::gamma_distribution<double> gamma(2.0, 1.0);
    for (double& w : participantWeights)
        w = 0.2 + gamma(rng);
    std::discrete_distribution<int> pickParticipant(participantWeights.begin(), participantWeights.end());

    const Taxonomy& taxonomy = Taxonomy::builtinMa52();
    QVector<NewVideo> newVideos;
    newVideos.reserve(kClips);
    std::map<std::pair<int, int>, int> clipNumber; // (participant, body part) -> next clip number
    QDir().mkpath(temp.filePath("clips"));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < kClips; ++i) {
        const int participant = 1 + pickParticipant(rng);
        const int bodyPart = taxonomy.bodyPartOfClass(classes[size_t(i)]);
        const int number = ++clipNumber[{participant, bodyPart}];
        const QString name = QStringLiteral("%1_%2_%3.mp4")
                                 .arg(participant, 4, 10, QChar('0'))
                                 .arg(bodyPart, 2, 10, QChar('0'))
                                 .arg(number, 4, 10, QChar('0'));
        QFile placeholder(temp.filePath("clips/" + name));
        placeholder.open(QIODevice::WriteOnly);
        NewVideo v;
        v.video.path = "clips/" + name;
        v.video.contentHash = QStringLiteral("%1").arg(i, 40, 16, QChar('0'));
        v.video.fpsNum = 30;
        v.video.fpsDen = 1;
        v.video.frameCount = 30 + i % 90;
        v.video.durationSeconds = v.video.frameCount / 30.0;
        v.video.width = 1920;
        v.video.height = 1080;
        v.participantCode = QStringLiteral("%1").arg(participant, 4, 10, QChar('0'));
        v.wholeClipSegment = true;
        newVideos.push_back(v);
    }
    std::printf("placeholders %d empty video files in %.0f ms (not counted below)\n", kClips, ms(t));

    // --- create ---------------------------------------------------------------------------
    QElapsedTimer total;
    total.start();
    t.start();
    auto created = orDie(ProjectStore::create(path, taxonomy, "bench"), "create");
    const double tCreateFile = ms(t);
    t.start();
    QVector<Id> videoIds;
    orDie(created->importVideos(newVideos, {}, &videoIds), "import videos");
    const double tImport = ms(t);
    t.start();
    QVector<ClipRow> rows = orDie(created->clipRows(), "clip rows");
    QVector<NewLabel> labels;
    labels.reserve(kClips);
    std::unordered_map<Id, int> classOfVideo;
    for (int i = 0; i < kClips; ++i)
        classOfVideo[videoIds[i]] = classes[size_t(i)];
    for (const ClipRow& r : rows)
        labels.push_back({r.segmentId, classOfVideo[r.videoId], 0, LabelStatus::Confirmed});
    orDie(created->addLabels(labels), "labels");
    const double tLabels = ms(t);
    t.start();
    ModelVersion model;
    model.name = "manet-r50-ma52";
    model.kind = "pretrained";
    model.active = true;
    const Id modelId = orDie(created->addModelVersion(model), "model version");
    QVector<Prediction> predictions;
    predictions.reserve(kClips);
    std::uniform_int_distribution<int> anyClass(0, 51);
    std::uniform_real_distribution<float> confidence(0.2f, 0.95f);
    for (const ClipRow& r : rows) {
        Prediction p;
        p.segmentId = r.segmentId;
        p.modelVersionId = modelId;
        const int truth = classOfVideo[r.videoId];
        float remaining = 1.0f;
        QVector<int> used;
        for (int k = 0; k < kTopK; ++k) {
            int c = (k == 0 && rng() % 10 < 6) ? truth : anyClass(rng);
            while (used.contains(c))
                c = anyClass(rng);
            used << c;
            const float s = k == 0 ? confidence(rng) : remaining * 0.5f;
            remaining -= s;
            p.topK.push_back({c, s});
        }
        p.bodyPartScores = {0.1f, 0.1f, 0.3f, 0.2f, 0.1f, 0.1f, 0.1f};
        predictions.push_back(p);
    }
    orDie(created->storePredictions(predictions), "predictions");
    const double tPredictions = ms(t);
    const ProjectCounts counts = orDie(created->counts(), "counts");
    created.reset();
    const double tTotal = ms(total);
    std::printf("\ncreate    %.0f ms total: file %.0f ms, %d videos + participants + segments %.0f ms, "
                "%d confirmed labels %.0f ms, %d top-%d predictions %.0f ms\n",
                tTotal, tCreateFile, counts.videos, tImport, counts.labels, tLabels, counts.predictions, kTopK,
                tPredictions);
    std::printf("contents  %d videos, %d participants, %d segments, %d labels, %d predictions\n", counts.videos,
                counts.participants, counts.segments, counts.labels, counts.predictions);
    if (url.isEmpty())
        std::printf("file      %s after close\n", qPrintable(fileSizes(path)));

    // --- open + clip list (cold for SQLite: a fresh connection; warm page cache of the OS) --------
    std::vector<double> openMs, listMs, openCpu, listCpu;
    std::unique_ptr<ProjectStore> store;
    for (int round = 0; round < 5; ++round) {
        store.reset();
        t.start();
        double c = cpuMs();
        store = orDie(ProjectStore::open(path, OpenMode::ReadWrite), "open");
        openMs.push_back(ms(t));
        openCpu.push_back(cpuMs() - c);
        t.start();
        c = cpuMs();
        rows = orDie(store->clipRows(), "clip list");
        listMs.push_back(ms(t));
        listCpu.push_back(cpuMs() - c);
    }
    std::vector<double> sum(openMs.size());
    for (size_t i = 0; i < sum.size(); ++i)
        sum[i] = openMs[i] + listMs[i];
    std::printf("\nopen      %.1f ms median (first %.1f; cpu %.1f ms), read-write, incl. %d missing-file checks\n",
                percentile(openMs, 0.5), openMs.front(), percentile(openCpu, 0.5), counts.videos);
    std::printf("clip list %.1f ms median (cpu %.1f ms) for %d rows (verdict, participant, active model's top-1)\n",
                percentile(listMs, 0.5), percentile(listCpu, 0.5), int(rows.size()));
    std::printf("open+list %.1f ms median, %.1f ms worst of %d   [goal < 1000 ms]\n", percentile(sum, 0.5),
                *std::max_element(sum.begin(), sum.end()), int(sum.size()));

    // --- filters -------------------------------------------------------------------------------
    auto timeFilter = [&](const char* what, const ClipFilter& f) {
        std::vector<double> times, cpu;
        int n = 0;
        for (int i = 0; i < 5; ++i) {
            t.start();
            const double c = cpuMs();
            n = orDie(store->clipRows(f), what).size();
            times.push_back(ms(t));
            cpu.push_back(cpuMs() - c);
        }
        std::printf("filter    %-40s %6d rows  %7.2f ms median (cpu %.2f ms)\n", what, n, percentile(times, 0.5),
                    percentile(cpu, 0.5));
    };
    std::vector<int> perClass(52, 0);
    for (int c : classes)
        ++perClass[size_t(c)];
    const int headClass = int(std::max_element(perClass.begin(), perClass.end()) - perClass.begin());
    const int tailClass = int(std::min_element(perClass.begin(), perClass.end()) - perClass.begin());
    ClipFilter f;
    f.classId = headClass;
    timeFilter(qPrintable(QStringLiteral("class %1 (commonest)").arg(taxonomy.classById(headClass)->code)), f);
    f.classId = tailClass;
    timeFilter(qPrintable(QStringLiteral("class %1 (rarest)").arg(taxonomy.classById(tailClass)->code)), f);
    f = {};
    f.bodyPartId = taxonomy.bodyPartOfClass(headClass);
    timeFilter(qPrintable(QStringLiteral("body part %1").arg(taxonomy.bodyPart(*f.bodyPartId)->name)), f);
    f = {};
    f.status = SegmentStatus::Confirmed;
    timeFilter("status confirmed", f);
    f.status = SegmentStatus::Disputed;
    timeFilter("status disputed", f);
    f = {};
    f.predictedClassId = headClass;
    f.maxScore = 0.5f;
    timeFilter("predicted = commonest, score <= 0.5", f);
    f = {};
    f.status = SegmentStatus::Confirmed;
    f.classId = headClass;
    f.limit = 100;
    timeFilter("confirmed + class, first page of 100", f);

    // --- durable edits ------------------------------------------------------------------------
    // Each call commits its own transaction (edit + verdict + edit-log row) and syncs the WAL.
    std::uniform_int_distribution<int> anyRow(0, int(rows.size()) - 1);
    std::vector<double> classEdit, statusEdit, addEdit;
    for (int i = 0; i < edits; ++i) {
        const ClipRow& r = rows[anyRow(rng)];
        const QVector<Label> ls = orDie(store->labelsOfSegment(r.segmentId), "labels of segment");
        t.start();
        orDie(store->setLabelClass(ls.first().id, anyClass(rng)), "set class");
        classEdit.push_back(ms(t));
        t.start();
        orDie(store->setLabelStatus(ls.first().id, i % 2 ? LabelStatus::Confirmed : LabelStatus::Disputed), "set status");
        statusEdit.push_back(ms(t));
        t.start();
        orDie(store->addLabel(r.segmentId, anyClass(rng), LabelStatus::Prelabeled), "add label");
        addEdit.push_back(ms(t));
    }
    auto report = [](const char* what, const std::vector<double>& v) {
        std::printf("edit      %-28s median %.2f ms, p90 %.2f ms, max %.2f ms (n=%d)   [goal < 5 ms]\n", what,
                    percentile(v, 0.5), percentile(v, 0.9), *std::max_element(v.begin(), v.end()), int(v.size()));
    };
    std::printf("\n");
    report("change a label's class", classEdit);
    report("change a label's status", statusEdit);
    report("add a label", addEdit);
    if (url.isEmpty())
        std::printf("file      %s while open\n", qPrintable(fileSizes(path)));
    store.reset();
    if (url.isEmpty()) {
        std::printf("file      %s after close (%.0f bytes per segment)\n", qPrintable(fileSizes(path)),
                    double(QFileInfo(path).size()) / kClips);
    }
    if (keep)
        std::printf("kept      %s\n", qPrintable(path));
    return 0;
}
