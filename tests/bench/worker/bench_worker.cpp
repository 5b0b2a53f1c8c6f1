// bench_worker: what the model worker costs a user.
//  1. Pre-label throughput end to end (decode + preprocess + model + store, through the real project file)
//     next to the model-only figure of the same run (time inside forward()); goal >= 0.9x.
//  2. Fast fine-tune (head only) on cached pooled features: seconds for 1,000 and 10,000 clips.
//  3. Peak memory of the process (RSS high-water mark) after each part.
//  4. Long footage (--long-seconds S): sliding-window pre-label of one S-second 1080p H.264 video (a one-minute
//     encode repeated by stream copy, so making an hour takes seconds): windows/s and resident memory sampled
//     over the run (it must stay flat, not grow with the video's length).
//
//   bench_worker [--clips N] [--depth 18|50] [--segments N] [--input PX] [--video WxH] [--batch N]
//                [--threads N] [--device cpu|cuda] [--head-clips 1000,10000] [--head-epochs N] [--skip-prelabel]
//                [--skip-head] [--long-seconds S] [--long-size WxH]
#include "FeatureCache.h"
#include "FineTuneJob.h"
#include "FolderProjectData.h"
#include "PrelabelJob.h"
#include "StoreProjectData.h"
#include "WorkerTestProject.h"

#include "BenchSupport.h"

#include "store/VideoFolderImport.h"

#include <QCommandLineParser>
#include <QDir>
#include <QProcess>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

using namespace mas;
using namespace mas::worker;

namespace {

using bench::MemorySampler;
using bench::peakRssMiB;
using bench::residentMiB;
using bench::runFfmpeg;

// An untrained MANet of the asked depth, segments and input size, on the asked device.
PrelabelOptions prelabelOptions(const QCommandLineParser& args)
{
    PrelabelOptions po;
    po.model.kind = ModelSource::Kind::RandomInit;
    po.model.config.depth = args.value("depth").toInt();
    po.model.config.segments = args.value("segments").toInt();
    po.model.inputSize = args.value("input").toInt();
    po.device = deviceFromName(args.value("device"));
    po.batchSize = args.value("batch").toInt();
    return po;
}

int benchLongFootage(const QString& folder, const QCommandLineParser& args)
{
    const int seconds = args.value("long-seconds").toInt();
    const QString size = args.value("long-size");
    QDir().mkpath(folder);
    QElapsedTimer t;
    t.start();
    QString error;
    const QString video = bench::makeLongFootage(folder, seconds, size, &error);
    if (video.isEmpty())
        return std::fprintf(stderr, "cannot make the long footage: %s\n", qPrintable(error)), 1;
    store::Video record;
    store::Id videoId = 0;
    Result<std::unique_ptr<store::ProjectStore>> created =
        bench::projectWithVideo(folder + "/long.mas", video, &record, &videoId);
    if (!created)
        return std::fprintf(stderr, "%s\n", qPrintable(created.error())), 1;
    store::ProjectStore& project = *created.value();
    std::printf("long footage: %d s of %s H.264 (%lld frames), made in %.1f s\n", seconds, qPrintable(size),
                (long long)record.frameCount, t.elapsed() / 1000.0);

    PrelabelOptions po = prelabelOptions(args);
    po.slidingWindow = true;
    po.videos = {video};
    const double before = residentMiB();
    MemorySampler sampler;
    PrelabelJob job(StoreProjectData::factory(project), po);
    JobControl control;
    t.restart();
    const JobOutcome out = runJobInline(job, control);
    const double elapsed = t.elapsed() / 1000.0;
    const std::vector<double> samples = sampler.stop();
    if (out.state != JobState::Finished)
        return std::fprintf(stderr, "sliding-window pre-label failed: %s\n", qPrintable(out.message)), 1;
    const double windows = out.figures.value("clips").toDouble();
    std::printf("  sliding windows    %.0f (window %d, stride %d frames), %.1f s, %.2f windows/s, %.0f proposals\n",
                windows, po.windows.window, po.windows.stride, elapsed, windows / std::max(elapsed, 1e-9),
                out.figures.value("proposals").toDouble());
    std::printf("  resident memory    before %.0f MiB; during the run:", before);
    for (int decile = 1; decile <= 10; ++decile)
        if (!samples.empty())
            std::printf(" %d%% %.0f", decile * 10, samples[std::min(samples.size() - 1, samples.size() * size_t(decile) / 10)]);
    std::printf(" MiB; max %.0f MiB\n", samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end()));
    return 0;
}

int benchPrelabel(const QString& folder, const QCommandLineParser& args)
{
    test::WorkerProjectOptions o;
    o.videos = args.value("clips").toInt();
    o.participants = 4;
    o.confirmedEvery = 0;
    const QStringList size = args.value("video").split('x');
    o.size = size.value(0).toInt();
    o.framesPerVideo = 64;
    QElapsedTimer t;
    t.start();
    test::WorkerProject p = test::makeWorkerProject(folder, o);
    if (!p.store) {
        std::fprintf(stderr, "cannot make the project: %s\n", qPrintable(p.error));
        return 1;
    }
    std::printf("project: %d clips of %d frames, %dx%d, generated in %.1f s\n", int(p.segmentIds.size()), o.framesPerVideo,
                o.size, o.size, t.elapsed() / 1000.0);
    PrelabelOptions po = prelabelOptions(args);
    // Warm-up outside the timed run (allocator, kernels), on a throw-away version.
    {
        PrelabelOptions warm = po;
        warm.itemKeys = {QString::number(p.segmentIds[0])};
        PrelabelJob job(StoreProjectData::factory(*p.store), warm);
        JobControl c;
        runJobInline(job, c);
    }
    PrelabelJob job(StoreProjectData::factory(*p.store), po);
    JobControl control;
    const JobOutcome out = runJobInline(job, control);
    if (out.state != JobState::Finished) {
        std::fprintf(stderr, "pre-label failed: %s\n", qPrintable(out.message));
        return 1;
    }
    const double e2e = out.figures.value("clips_per_second").toDouble();
    const double modelOnly = out.figures.value("model_clips_per_second").toDouble();
    std::printf("pre-label  MANet ResNet-%d, %d segments, %dx%d input, batch %d, %s\n", po.model.config.depth,
                po.model.config.segments, po.model.inputSize, po.model.inputSize, po.batchSize,
                qPrintable(out.figures.value("device").toString()));
    std::printf("  clips              %d (%d failed)\n", int(out.figures.value("clips").toDouble()), int(out.failed));
    std::printf("  end to end         %.2f clips/s  (decode + preprocess + model + store, %.1f s)\n", e2e,
                out.figures.value("seconds").toDouble());
    std::printf("  model only         %.2f clips/s  (forward() alone, same run)\n", modelOnly);
    std::printf("  ratio              %.2fx  (goal >= 0.90x)\n", modelOnly > 0 ? e2e / modelOnly : 0);
    std::printf("  waiting on decode  %.2f s\n", out.figures.value("decode_wait_seconds").toDouble());
    std::printf("  peak RSS           %.0f MiB\n", peakRssMiB());
    return 0;
}

int benchHead(const QString& folder, const QCommandLineParser& args)
{
    const int depth = args.value("depth").toInt();
    const int segments = args.value("segments").toInt();
    Result<std::unique_ptr<ProjectData>> opened = FolderProjectData::open(folder);
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
        return 1;
    }
    ProjectData& data = *opened.value();
    model::ManetConfig config;
    config.depth = depth;
    config.segments = segments;
    model::Result<model::ManetModel> net = model::ManetModel::create(config);
    if (!net) {
        std::fprintf(stderr, "%s\n", net.error().c_str());
        return 1;
    }
    ModelVersionRecord draft;
    draft.name = "bench-base";
    draft.kind = "random-init";
    Result<ModelVersionRecord> base = saveNewModelVersion(data, net.value(), draft, ClipPipelineConfig::small(segments, 112));
    if (!base) {
        std::fprintf(stderr, "%s\n", qPrintable(base.error()));
        return 1;
    }
    const FeatureCache cache(data.cacheDir(), base->id);
    const int64_t dim = net->featureDim();
    std::mt19937 rng(5);
    std::normal_distribution<float> noise(0.f, 1.f);
    std::vector<ClipItem> items;
    int cached = 0;
    for (const QString& text : args.value("head-clips").split(',')) {
        const int count = text.toInt();
        std::vector<float> values(size_t(segments * dim));
        // Features with a class signal (4 participants x 52 classes, long-tailed), cached as the feature job does.
        for (; cached < count; ++cached) {
            const int label = int(std::min(51.0, std::floor(std::pow(double(rng() % 10000) / 10000.0, 2.0) * 52)));
            for (size_t i = 0; i < values.size(); ++i)
                values[i] = noise(rng) + (int(i % size_t(dim)) % 52 == label ? 2.f : 0.f);
            const QString key = QString("clip-%1").arg(cached);
            if (!cache.store(key, segments, dim, values.data())) {
                std::fprintf(stderr, "cannot write the feature cache\n");
                return 1;
            }
            items.push_back({key, "none.mp4", 0, 10, label, QString("P%1").arg(cached % 8)});
        }
        FineTuneOptions fo;
        fo.base.kind = ModelSource::Kind::Version;
        fo.base.reference = base->id;
        fo.mode = FineTuneMode::Head;
        fo.device = model::Device::Cpu;
        fo.epochs = args.value("head-epochs").toInt();
        fo.batchSize = 32;
        fo.balance = BalanceMethod::LossWeights;
        fo.items = items;
        fo.activate = false;
        fo.versionName = QString("bench-head-%1").arg(count);
        FineTuneJob job(FolderProjectData::factory(folder), fo);
        JobControl control;
        QElapsedTimer t;
        t.start();
        const JobOutcome out = runJobInline(job, control);
        const double seconds = t.elapsed() / 1000.0;
        if (out.state != JobState::Finished) {
            std::fprintf(stderr, "fine-tune failed: %s\n", qPrintable(out.message));
            return 1;
        }
        double training = 0;
        for (const EpochFigures& e : job.epochs())
            training += e.seconds;
        std::printf("fast fine-tune  %6d cached clips (ResNet-%d features %d x %lld): %.2f s in all "
                    "(%d epochs, batch 32: %.2f s training; loading features, saving the version: %.2f s), "
                    "validation top-1 %.1f%%, peak RSS %.0f MiB\n",
                    count, depth, segments, (long long)dim, seconds, fo.epochs, training, seconds - training,
                    job.epochs().back().validation.classes.top1 * 100, peakRssMiB());
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured, also when piped
    QCoreApplication app(argc, argv);
    QCommandLineParser args;
    args.addHelpOption();
    args.addOptions({{"clips", "clips to pre-label", "N", "48"},
                     {"depth", "MANet depth", "N", "50"},
                     {"segments", "segments per clip", "N", "8"},
                     {"input", "crop size", "PX", "224"},
                     {"video", "generated video size", "WxH", "320x320"},
                     {"batch", "clips per batch", "N", "8"},
                     {"threads", "torch threads (0: all cores)", "N", "0"},
                     {"device", "cpu, cuda or auto", "NAME", "cpu"},
                     {"head-clips", "cached clip counts for the fast fine-tune", "LIST", "1000,10000"},
                     {"head-epochs", "fast fine-tune epochs", "N", "10"},
                     {"skip-prelabel", "only the fast fine-tune"},
                     {"skip-head", "only the pre-label throughput"},
                     {"long-seconds", "long-footage memory run: video length (0: skip)", "S", "0"},
                     {"long-size", "long-footage frame size", "WxH", "1920x1080"}});
    args.process(app);
    if (args.value("threads").toInt() > 0)
        model::ManetModel::setThreads(args.value("threads").toInt());
    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;
    std::printf("bench_worker (%d hardware threads)\n", QThread::idealThreadCount());
    if (!args.isSet("skip-prelabel"))
        if (const int rc = benchPrelabel(dir.filePath("prelabel"), args))
            return rc;
    if (!args.isSet("skip-head"))
        if (const int rc = benchHead(dir.filePath("head"), args))
            return rc;
    if (args.value("long-seconds").toInt() > 0)
        if (const int rc = benchLongFootage(dir.filePath("long"), args))
            return rc;
    return 0;
}
