// bench_prelabel: pre-labeling throughput on real footage, next to the official pipeline in PyTorch eager +
// OpenCV (reference_prelabel.py beside this file), in the same run.
//  1. Whole processes on the three real MA-52 clips of ../shared/ma52/clips, each listed 8 times (24 videos),
//     MANet-50 at 224: `mastudio-cli classify` in float32 and in bf16, and the reference; interleaved, --runs
//     times each, the median counts. The app's top-1 must equal the reference's for every video.
//  2. In this process, on the same 24 videos: decoding alone (the ClipPrefetcher), the model alone on the
//     decoded clips (batch 1 and the classify batch), and classify end to end (model load excluded):
//     end to end / model alone is the share of the model's speed the decoding leaves.
//  3. Sliding windows over a one-hour 1080p H.264 video (MANet-50, 224): the real PrelabelJob, stopped after
//     --long-windows windows (the whole hour takes hours on 2 cores); windows/s and peak RSS.
//
//   bench_prelabel [--runs N] [--repeat N] [--checkpoint FILE] [--batch N] [--long-seconds S] [--long-windows N]
//                  [--long-video FILE] [--skip-processes] [--skip-inprocess] [--skip-long]
#include "BenchSupport.h"

#include "ClassifyVideos.h"
#include "ClipBatches.h"
#include "ClipPrefetcher.h"
#include "InferenceThreads.h"
#include "ManetModel.h"
#include "ModelSource.h"
#include "PrelabelJob.h"
#include "StoreProjectData.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

#include <cstdio>

using namespace mas;
using namespace mas::worker;

namespace {

double cpuSeconds(int who)
{
    rusage u{};
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct ProcessRun {
    double seconds = 0;      // wall, start to exit
    double cpuSeconds = 0;   // user + system of the child
    QString out, err;
    bool ok = false;
};

ProcessRun runProcess(const QString& program, const QStringList& args)
{
    ProcessRun r;
    const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
    QElapsedTimer t;
    t.start();
    QProcess p;
    // Each program with the environment a user starts it from (not this benchmark's OpenMP setting).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("OMP_WAIT_POLICY");
    p.setProcessEnvironment(env);
    p.start(program, args);
    const bool finished = p.waitForFinished(-1);
    r.seconds = t.nsecsElapsed() / 1e9;
    r.cpuSeconds = cpuSeconds(RUSAGE_CHILDREN) - cpuBefore;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return r;
}

// Top-1 class per video of the app's JSON and of the reference's JSON lines.
std::vector<int> appTop1(const QString& json)
{
    std::vector<int> out;
    for (const QJsonValue& v : QJsonDocument::fromJson(json.toUtf8()).array())
        out.push_back(v.toObject().value("top").toArray().first().toObject().value("id").toInt());
    return out;
}

std::vector<int> referenceTop1(const QString& lines)
{
    std::vector<int> out;
    for (const QString& line : lines.split('\n', Qt::SkipEmptyParts))
        out.push_back(QJsonDocument::fromJson(line.toUtf8()).object().value("top").toArray().first().toArray().first().toInt());
    return out;
}

QString makeCheckpoint(const QString& folder)
{
    // The reference's own MANet-50 in the authors' checkpoint layout (random weights: speed, not accuracy).
    const ProcessRun made = runProcess("/usr/bin/python3", {QStringLiteral(MAS_SOURCE_DIR) + "/tests/model/reference_manet.py",
                                                            folder, "--depth", "50", "--size", "64", "--clips", "1"});
    if (!made.ok) {
        std::fprintf(stderr, "cannot make the MANet-50 checkpoint: %s\n", qPrintable(made.err));
        return {};
    }
    return folder + "/checkpoint.pth";
}

int benchProcesses(const QStringList& videos, const QString& checkpoint, const QCommandLineParser& args)
{
    const int runs = args.value("runs").toInt();
    const QStringList app = QStringList{"classify"} + videos +
                            QStringList{"--model", checkpoint, "--json", "--top", "5", "--batch", args.value("batch")};
    const QStringList reference = QStringList{QStringLiteral(MAS_SOURCE_DIR) + "/tests/bench/worker/reference_prelabel.py",
                                              "--checkpoint", checkpoint, "--depth", "50", "--top", "5"} + videos;
    std::vector<double> f32, bf16, ref, f32Cpu, bf16Cpu, refCpu;
    std::vector<int> appTop, bf16Top, refTop;
    for (int run = 0; run < runs; ++run) {
        const ProcessRun a = runProcess(QStringLiteral(MASTUDIO_CLI), app);
        const ProcessRun b = runProcess(QStringLiteral(MASTUDIO_CLI), app + QStringList{"--bf16"});
        const ProcessRun r = runProcess("/usr/bin/python3", reference);
        if (!a.ok || !b.ok || !r.ok) {
            std::fprintf(stderr, "a run failed:\n%s\n%s\n%s\n", qPrintable(a.err), qPrintable(b.err), qPrintable(r.err));
            return 1;
        }
        f32.push_back(a.seconds);
        f32Cpu.push_back(a.cpuSeconds);
        bf16.push_back(b.seconds);
        bf16Cpu.push_back(b.cpuSeconds);
        ref.push_back(r.seconds);
        refCpu.push_back(r.cpuSeconds);
        appTop = appTop1(a.out);
        bf16Top = appTop1(b.out);
        refTop = referenceTop1(r.out);
        std::printf("  run %d: app float32 %.2f s, app bf16 %.2f s, reference %.2f s\n", run + 1, a.seconds, b.seconds, r.seconds);
        std::fflush(stdout);
    }
    const auto agreeing = [&refTop](const std::vector<int>& top) {
        int agree = 0;
        for (size_t i = 0; i < std::min(top.size(), refTop.size()); ++i)
            agree += top[i] == refTop[i];
        return agree;
    };
    const int agree = agreeing(appTop);
    const double n = videos.size();
    std::printf("whole process, %d videos, median of %d runs:\n", int(n), runs);
    std::printf("  app float32          %6.2f s  %5.2f videos/s  (CPU %.1f s)\n", median(f32), n / median(f32), median(f32Cpu));
    std::printf("  app bf16             %6.2f s  %5.2f videos/s  (CPU %.1f s)\n", median(bf16), n / median(bf16), median(bf16Cpu));
    std::printf("  reference (PyTorch eager + OpenCV) %6.2f s  %5.2f videos/s  (CPU %.1f s)\n", median(ref), n / median(ref),
                median(refCpu));
    std::printf("  ratio float32 / reference: %.2fx faster (goal >= 2.0x); bf16: %.2fx\n", median(ref) / median(f32),
                median(ref) / median(bf16));
    std::printf("  top-1 agreement app float32 vs reference: %d of %zu videos\n", agree, refTop.size());
    // bf16 rounds every activation: reported, not required (it is the user's choice of speed over exactness).
    std::printf("  top-1 agreement app bf16 vs reference:    %d of %zu videos\n", agreeing(bf16Top), refTop.size());
    return agree == int(refTop.size()) && !refTop.empty() ? 0 : 1;
}

int benchInProcess(const QStringList& videos, const QString& checkpoint, const QCommandLineParser& args)
{
    const int batch = args.value("batch").toInt();
    QElapsedTimer loadClock;
    loadClock.start();
    model::Result<model::ManetModel> m = model::ManetModel::fromCheckpoint(checkpoint.toStdString(), model::Device::Cpu);
    if (!m)
        return std::fprintf(stderr, "%s\n", m.error().c_str()), 1;
    const double loadAlone = loadClock.nsecsElapsed() / 1e9;
    InferenceThreads threads = inferenceThreads();
    if (args.isSet("decoders"))
        threads.producers = args.value("decoders").toInt();
    model::ManetModel::setThreads(threads.model);
    const ClipPipeline pipeline(pipelineFromMetadata(m->metadataJson(), m->config().segments));
    std::vector<ClipItem> items;
    for (const QString& v : videos)
        items.push_back({QString::number(items.size()), v, 0, -1, -1, {}});

    // Decoding alone, as the prefetcher does it beside the model.
    std::vector<DecodedClip> decoded;
    QElapsedTimer t;
    double cpu = cpuSeconds(RUSAGE_SELF);
    t.start();
    {
        ClipPrefetcher prefetcher(items, pipeline, 4, -1, {}, &threads);
        while (std::optional<DecodedClip> c = prefetcher.next())
            decoded.push_back(std::move(*c));
    }
    const double decodeSeconds = t.nsecsElapsed() / 1e9;
    const double decodeCpu = cpuSeconds(RUSAGE_SELF) - cpu;
    for (const DecodedClip& c : decoded)
        if (!c.error.isEmpty())
            return std::fprintf(stderr, "%s\n", qPrintable(c.error)), 1;
    std::printf("in this process (%d model threads, %d decoder(s) of %d thread(s), %d cores):\n", threads.model,
                threads.producers, threads.decoder, QThread::idealThreadCount());
    std::printf("  model load alone     %6.2f s\n", loadAlone);
    std::printf("  decoding alone       %6.2f s  %5.2f videos/s  (CPU %.2f s a video; %d decoder thread(s))\n", decodeSeconds,
                videos.size() / decodeSeconds, decodeCpu / videos.size(), threads.decoder);
    // Of which opening a video (its frame index, probe, demuxer and decoder).
    cpu = cpuSeconds(RUSAGE_SELF);
    t.restart();
    for (const QString& v : videos) {
        DecoderOptions options;
        options.threads = threads.decoder;
        if (!VideoDecoder::open(v, options))
            return std::fprintf(stderr, "%s: cannot be opened\n", qPrintable(v)), 1;
    }
    std::printf("    of which opening   %6.2f s  (CPU %.3f s a video)\n", t.nsecsElapsed() / 1e9,
                (cpuSeconds(RUSAGE_SELF) - cpu) / videos.size());

    // The model alone on the decoded clips (after one warm-up call).
    double modelOnly = 0;
    for (int b : {1, batch}) {
        std::vector<DecodedClip> copies(decoded.begin(), decoded.begin() + b);
        ClipBatch warm = makeClipBatch(copies);
        (void)m->forward(warm.frames());
        t.restart();
        for (size_t i = 0; i < decoded.size(); i += size_t(b)) {
            std::vector<DecodedClip> part(decoded.begin() + i, decoded.begin() + std::min(decoded.size(), i + size_t(b)));
            ClipBatch cb = makeClipBatch(std::move(part));
            model::Result<model::ForwardOutput> out = m->forward(cb.frames());
            if (!out)
                return std::fprintf(stderr, "%s\n", out.error().c_str()), 1;
        }
        const double s = t.nsecsElapsed() / 1e9;
        if (b == batch)
            modelOnly = videos.size() / s;
        std::printf("  model alone, batch %d %6.2f s  %5.2f videos/s\n", b, s, videos.size() / s);
        if (b == batch && batch == 1)
            break;
    }

    // Classify end to end: decoding overlapped with the model, batches across videos.
    ClassifyOptions o;
    o.checkpoint = checkpoint;
    o.device = "cpu";
    o.batch = batch;
    o.decoders = threads.producers;
    ClassifyFigures figures;
    Result<QVector<ClassifiedVideo>> done = classifyVideos(videos, o, {}, nullptr, &figures);
    if (!done)
        return std::fprintf(stderr, "%s\n", qPrintable(done.error())), 1;
    const double e2e = figures.videos / figures.runSeconds;
    std::printf("  classify end to end  %6.2f s  %5.2f videos/s  (model %.2f s, waiting for frames %.2f s; load %.2f s apart)\n",
                figures.runSeconds, e2e, figures.modelSeconds, figures.waitSeconds, figures.loadSeconds);
    // classify decodes the first videos while the weights load, so its run alone flatters it: the goal is
    // judged with the load on both sides.
    const double wholeCall = figures.loadSeconds + figures.runSeconds;
    const double modelWhole = loadAlone + videos.size() / modelOnly;
    std::printf("  end to end / model alone (batch %d): %.2fx without the load, %.2fx with it (%.2f s vs %.2f s; goal >= 0.9x)\n",
                batch, e2e / modelOnly, modelWhole / wholeCall, wholeCall, modelWhole);
    return 0;
}

int benchLongFootage(const QString& folder, const QString& checkpoint, const QCommandLineParser& args)
{
    const int seconds = args.value("long-seconds").toInt();
    const int stopAfter = args.value("long-windows").toInt();
    QElapsedTimer t;
    t.start();
    QString error;
    QDir().mkpath(folder);
    const QString video = args.isSet("long-video") ? args.value("long-video")
                                                   : bench::makeLongFootage(folder, seconds, "1920x1080", &error);
    if (video.isEmpty())
        return std::fprintf(stderr, "cannot make the long footage: %s\n", qPrintable(error)), 1;
    store::Video record;
    store::Id videoId = 0;
    Result<std::unique_ptr<store::ProjectStore>> created = bench::projectWithVideo(folder + "/long.mas", video, &record, &videoId);
    if (!created)
        return std::fprintf(stderr, "%s\n", qPrintable(created.error())), 1;
    std::printf("sliding windows: %s, %.0f s of %dx%d H.264 (%lld frames), ready in %.1f s\n", qPrintable(video),
                record.durationSeconds, record.width, record.height, (long long)record.frameCount, t.elapsed() / 1000.0);
    PrelabelOptions po;
    po.model.kind = ModelSource::Kind::Checkpoint;
    po.model.reference = checkpoint;
    po.device = model::Device::Cpu;
    po.batchSize = args.value("batch").toInt();
    po.slidingWindow = true;
    if (args.isSet("decoder-cache"))
        po.decoder.cacheMegabytes = args.value("decoder-cache").toInt();
    po.videos = {video};
    PrelabelJob job(StoreProjectData::factory(*created.value()), po);
    JobControl control;
    bench::MemorySampler sampler;
    QElapsedTimer windowsClock;
    qint64 firstDone = -1;
    qint64 lastDone = 0;
    double planSeconds = 0;
    t.restart();
    const JobOutcome out = runJobInline(job, control, [&](const JobProgress& p) {
        if (!p.stage.startsWith("sliding windows"))
            return;
        if (firstDone < 0) {
            // Windows counted from here: reading the video's index and loading the model are apart.
            planSeconds = t.nsecsElapsed() / 1e9;
            firstDone = p.done;
            windowsClock.start();
        }
        lastDone = p.done;
        if (p.done - firstDone >= stopAfter)
            control.cancel = true;
    });
    const double windowSeconds = windowsClock.isValid() ? windowsClock.nsecsElapsed() / 1e9 : 0;
    const std::vector<double> rss = sampler.stop();
    if (out.state == JobState::Failed)
        return std::fprintf(stderr, "sliding-window pre-label failed: %s\n", qPrintable(out.message)), 1;
    const double windows = double(lastDone - std::max<qint64>(firstDone, 0));
    std::printf("  %.0f windows (window %d, stride %d frames) in %.1f s: %.2f windows/s (index + model load before: %.1f s)\n",
                windows, po.windows.window, po.windows.stride, windowSeconds, windows / std::max(windowSeconds, 1e-9),
                planSeconds);
    std::printf("  resident memory: max %.0f MiB sampled, peak RSS of the process %.0f MiB\n",
                rss.empty() ? 0.0 : *std::max_element(rss.begin(), rss.end()), bench::peakRssMiB());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // The in-process figures under the OpenMP wait policy mastudio-cli gives its model verbs (PASSIVE,
    // set before libgomp loads: hence the exec); MAS_BENCH_OMP_DEFAULT=1 keeps libgomp's own.
    if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("MAS_BENCH_OMP_DEFAULT")) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        execv("/proc/self/exe", argv);
    }
    QCoreApplication app(argc, argv);
    QCommandLineParser args;
    args.addHelpOption();
    args.addOptions({{"runs", "whole-process runs of each program", "N", "3"},
                     {"repeat", "times each real clip is listed", "N", "8"},
                     {"checkpoint", "MANet-50 checkpoint (default: made by reference_manet.py)", "FILE"},
                     {"batch", "videos per model call", "N", "4"},
                     {"long-seconds", "length of the long footage", "S", "3600"},
                     {"long-windows", "windows timed on it", "N", "240"},
                     {"long-video", "use this long video instead of making one", "FILE"},
                     {"decoder-cache", "decoded-picture cache of the sliding-window decoder", "MB"},
                     {"decoders", "videos decoded side by side (in-process stages and classify)", "N"},
                     {"skip-processes", "no whole-process runs"},
                     {"skip-inprocess", "no in-process stages"},
                     {"skip-long", "no sliding windows"}});
    args.process(app);
    QTemporaryDir dir;
    const QString clips = QStringLiteral(MAS_SHARED_DIR) + "/ma52/clips";
    QStringList videos;
    const QStringList files = QDir(clips).entryList({"*.mp4"}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        return std::fprintf(stderr, "no real clips in %s\n", qPrintable(clips)), 1;
    for (int r = 0; r < args.value("repeat").toInt(); ++r)
        for (const QString& f : files)
            videos << QDir(clips).filePath(f);
    QString checkpoint = args.value("checkpoint");
    if (checkpoint.isEmpty())
        checkpoint = makeCheckpoint(dir.filePath("r50"));
    if (checkpoint.isEmpty())
        return 1;
    std::printf("bench_prelabel: %d videos (%d real clips x %d), MANet-50 at 224, %d cores, OMP_WAIT_POLICY=%s\n",
                int(videos.size()), int(files.size()), args.value("repeat").toInt(), QThread::idealThreadCount(),
                std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "(libgomp default)");
    std::fflush(stdout);
    int rc = 0;
    if (!args.isSet("skip-processes"))
        rc |= benchProcesses(videos, checkpoint, args);
    std::fflush(stdout);
    if (!args.isSet("skip-inprocess"))
        rc |= benchInProcess(videos, checkpoint, args);
    std::fflush(stdout);
    if (!args.isSet("skip-long"))
        rc |= benchLongFootage(dir.filePath("long"), checkpoint, args);
    return rc;
}
