// bench_video [VIDEO...] : decode speed vs the ffmpeg program, frame-exact seek latency, stepping,
// clip-pipeline throughput and peak memory. Without arguments: the first real MA-52 clip (when
// ../shared is there) and a generated 1080p long-GOP H.264 video (MAS_BENCH_SECONDS, default 60 s).
#include "video/ClipPipeline.h"
#include "video/VideoDecoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace mas;

namespace {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * (v.size() - 1) + 0.5))];
}

long peakRssMb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

// The ffmpeg program decoding the first video stream to null; `rgb`: also converting every frame
// to RGB24 at full size (the same work as our sequential loop).
double ffmpegSeconds(const QString& file, int threads, bool rgb = false)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    QStringList args{"-hide_banner", "-loglevel", "error", "-nostdin", "-threads", QString::number(threads), "-i", file,
                     "-map", "0:v:0"};
    if (rgb)
        args << "-vf" << "format=rgb24";
    args << "-f" << "null" << "-";
    p.start("ffmpeg", args);
    p.waitForFinished(-1);
    return t.nsecsElapsed() / 1e9;
}

void bench(const QString& file, int threads)
{
    std::printf("\n== %s (threads %d)\n", qPrintable(file), threads);
    DecoderOptions options;
    options.threads = threads;
    QElapsedTimer t;
    t.start();
    auto index = FrameIndex::build(file);
    if (!index) {
        std::printf("cannot index: %s\n", qPrintable(index.error()));
        return;
    }
    const double indexSec = t.nsecsElapsed() / 1e9;
    const int n = index->frameCount();
    std::printf("frames %d, keyframes %d, index build %.3f s\n", n, index->keyframeCount(), indexSec);

    // Sequential decode (ours includes the RGB conversion at full size).
    const double ff = ffmpegSeconds(file, threads);
    const double ffRgb = ffmpegSeconds(file, threads, true);
    auto dec = VideoDecoder::open(file, options, index.value());
    if (!dec) {
        std::printf("cannot open: %s\n", qPrintable(dec.error()));
        return;
    }
    dec.value()->setCacheLimitMegabytes(0);
    t.restart();
    int got = 0;
    while (dec.value()->nextFrame().ok())
        ++got;
    const double ours = t.nsecsElapsed() / 1e9;
    std::printf("sequential: ours %.1f fps (decode+RGB, %d frames); ffmpeg -f null %.1f fps -> ratio %.2f; "
                "ffmpeg -vf format=rgb24 -f null %.1f fps -> ratio %.2f\n",
                got / ours, got, n / ff, (got / ours) / (n / ff), n / ffRgb, (got / ours) / (n / ffRgb));

    // Random frame-exact seeks vs the keyframe bound: seeking to the keyframe and decoding it
    // (measured), plus decoding every frame from there to the target at the ffmpeg program's
    // per-frame speed (what any frame-exact decoder must do without skipping frames).
    std::mt19937 rng(1234);
    const double ffPerFrameMs = ff * 1000.0 / n;
    std::vector<double> seek, bound, keyOnly;
    dec = VideoDecoder::open(file, options, index.value());
    dec.value()->setCacheLimitMegabytes(0);
    for (int k = 0; k < 200; ++k) {
        const int target = int(rng() % uint32_t(n));
        const int key = index->keyframeAtOrBefore(target);
        // Move away so the next request seeks: frame 0 costs one decode; the last frame (for targets
        // in the first GOP) costs a GOP.
        const int away = key > 1 ? 0 : n - 1;
        dec.value()->frameAt(away);
        t.restart();
        dec.value()->frameAt(key);
        keyOnly.push_back(t.nsecsElapsed() / 1e6);
        bound.push_back(keyOnly.back() + (target - key) * ffPerFrameMs);
        dec.value()->frameAt(away);
        t.restart();
        auto f = dec.value()->frameAt(target);
        seek.push_back(t.nsecsElapsed() / 1e6);
        if (!f)
            std::printf("seek %d failed: %s\n", target, qPrintable(f.error()));
    }
    std::printf("random seek (200): p50 %.2f ms, p95 %.2f ms; keyframe bound p50 %.2f ms, p95 %.2f ms -> p95 ratio %.2f "
                "(keyframe alone p50 %.2f ms)\n",
                percentile(seek, .5), percentile(seek, .95), percentile(bound, .5), percentile(bound, .95),
                percentile(seek, .95) / std::max(1e-9, percentile(bound, .95)), percentile(keyOnly, .5));

    // Single steps around the middle, with the default cache.
    dec = VideoDecoder::open(file, options, index.value());
    const int mid = n / 2;
    dec.value()->frameAt(mid);
    std::vector<double> fwd, back;
    for (int i = mid + 1; i < std::min(n, mid + 31); ++i) {
        t.restart();
        dec.value()->frameAt(i);
        fwd.push_back(t.nsecsElapsed() / 1e6);
    }
    for (int i = std::min(n, mid + 31) - 2; i >= mid; --i) {
        t.restart();
        dec.value()->frameAt(i);
        back.push_back(t.nsecsElapsed() / 1e6);
    }
    std::printf("step forward p50 %.2f ms p95 %.2f ms; step back p50 %.2f ms p95 %.2f ms (full size)\n", percentile(fwd, .5),
                percentile(fwd, .95), percentile(back, .5), percentile(back, .95));
    // The player asks for frames at the view's size.
    const QSize view(960, 0);
    dec = VideoDecoder::open(file, options, index.value());
    dec.value()->frameAt(mid, view);
    fwd.clear();
    back.clear();
    for (int i = mid + 1; i < std::min(n, mid + 31); ++i) {
        t.restart();
        dec.value()->frameAt(i, view);
        fwd.push_back(t.nsecsElapsed() / 1e6);
    }
    for (int i = std::min(n, mid + 31) - 2; i >= mid; --i) {
        t.restart();
        dec.value()->frameAt(i, view);
        back.push_back(t.nsecsElapsed() / 1e6);
    }
    std::printf("step forward p50 %.2f ms p95 %.2f ms; step back p50 %.2f ms p95 %.2f ms (960 wide, as the player asks)\n",
                percentile(fwd, .5), percentile(fwd, .95), percentile(back, .5), percentile(back, .95));

    // Clip pipeline: 8-segment tensors over 60-frame windows (whole file when shorter), fresh decoder each.
    ClipPipeline pipeline;
    const int window = std::min(n, 60);
    const int clips = 10;
    t.restart();
    for (int c = 0; c < clips; ++c) {
        auto d = VideoDecoder::open(file, options, index.value());
        const int start = int(rng() % uint32_t(n - window + 1));
        auto clip = pipeline.testClip(*d.value(), start, start + window);
        if (!clip)
            std::printf("clip failed: %s\n", qPrintable(clip.error()));
    }
    std::printf("clip pipeline: %.2f tensors/s ([8,3,224,224] from %d-frame windows, open+decode+preprocess)\n",
                clips / (t.nsecsElapsed() / 1e9), window);
    std::printf("peak RSS so far: %ld MB\n", peakRssMb());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int threads = std::min(16, QThread::idealThreadCount());
    QStringList files = app.arguments().mid(1);
    QTemporaryDir tmp;
    if (files.isEmpty()) {
        const QString shared = qEnvironmentVariable("MAS_SHARED_DIR", QStringLiteral(MAS_SOURCE_SHARED));
        const QStringList clips = QDir(shared + "/ma52/clips").entryList({"*.mp4"}, QDir::Files, QDir::Name);
        if (!clips.isEmpty())
            files << QDir(shared + "/ma52/clips").filePath(clips.first());
        const int seconds = qEnvironmentVariableIntValue("MAS_BENCH_SECONDS") > 0 ? qEnvironmentVariableIntValue("MAS_BENCH_SECONDS") : 60;
        const QString gen = tmp.filePath("long_gop_1080p.mp4");
        std::printf("generating %d s of 1080p30 H.264, GOP 250 ...\n", seconds);
        std::fflush(stdout);
        QProcess p;
        p.start("ffmpeg", {"-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                           "testsrc2=size=1920x1080:rate=30", "-t", QString::number(seconds), "-c:v", "libx264", "-preset",
                           "ultrafast", "-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-bf", "2", "-pix_fmt",
                           "yuv420p", gen});
        p.waitForFinished(-1);
        files << gen;
    }
    for (const QString& f : files)
        bench(f, threads);
    std::printf("\npeak RSS: %ld MB\n", peakRssMb());
    return 0;
}
