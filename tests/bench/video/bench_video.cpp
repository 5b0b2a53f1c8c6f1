// bench_video [VIDEO...] : decode speed vs the ffmpeg program, frame-exact seek latency, stepping,
// clip-pipeline throughput and peak memory. Without arguments: the first real MA-52 clip (when
// ../shared is there) and a generated 1080p long-GOP H.264 video (MAS_BENCH_SECONDS, default 60 s).
// Sequential figures: decode only and decode + RGB, each as the ratio to the ffmpeg program
// (best of 3, interleaved) over the first MAS_BENCH_SEQ_FRAMES frames (default 1500). Steps: as
// the player opens its decoder (read-ahead 8) and with no read-ahead, back to back and at 30 Hz.
// Run it under `flock /tmp/mas-bench.lock` on a shared machine; a 600 s video takes about 3.5 min
// (pass a pre-generated file to keep its generation out of the lock).
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
// to RGB24 at full size (the same work as our sequential loop); the first `frames` frames.
double ffmpegSeconds(const QString& file, int threads, int frames, bool rgb = false)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    QStringList args{"-hide_banner", "-loglevel", "error", "-nostdin", "-threads", QString::number(threads), "-i", file,
                     "-map", "0:v:0"};
    if (rgb)
        args << "-vf" << "format=rgb24";
    args << "-frames:v" << QString::number(frames) << "-f" << "null" << "-";
    p.start("ffmpeg", args);
    p.waitForFinished(-1);
    return t.nsecsElapsed() / 1e9;
}

// How the player (ui/player/FrameProvider) opens its decoder.
constexpr int kPlayerReadAhead = 8;

struct Steps {
    std::vector<double> forward, back;
};

// Seeks to the middle, then 30 steps forward and 30 back, each request `intervalMs` after the
// previous one started (0: back to back). The player's options: 2 frame threads, 192 MB cache.
Steps steps(const QString& file, const FrameIndex& index, int threads, int readAhead, QSize size, int intervalMs)
{
    DecoderOptions options;
    options.threads = threads;
    options.cacheMegabytes = 192;
    options.readAheadFrames = readAhead;
    Steps out;
    auto dec = VideoDecoder::open(file, options, index);
    if (!dec)
        return out;
    const int n = index.frameCount();
    const int mid = n / 2;
    const int end = std::min(n, mid + 31);
    QElapsedTimer clock;
    clock.start();
    qint64 nextAt = 0;
    auto request = [&](int i, std::vector<double>* into) {
        const qint64 now = clock.nsecsElapsed();
        if (nextAt > now)
            QThread::usleep(quint64((nextAt - now) / 1000));
        const qint64 start = clock.nsecsElapsed();
        nextAt = start + qint64(intervalMs) * 1000000;
        auto f = dec.value()->frameAt(i, size);
        if (into)
            into->push_back((clock.nsecsElapsed() - start) / 1e6);
        if (!f || f->index != i)
            std::printf("step to %d failed: %s\n", i, qPrintable(f.error()));
    };
    request(mid, nullptr);
    for (int i = mid + 1; i < end; ++i)
        request(i, &out.forward);
    for (int i = end - 2; i >= mid; --i)
        request(i, &out.back);
    return out;
}

// The first forward step after a seek, a key press 33 ms after the seek returned (the player's
// options), at 30 random positions.
std::vector<double> stepsAfterSeek(const QString& file, const FrameIndex& index, int threads, int readAhead, QSize size)
{
    DecoderOptions options;
    options.threads = threads;
    options.cacheMegabytes = 192;
    options.readAheadFrames = readAhead;
    std::vector<double> out;
    auto dec = VideoDecoder::open(file, options, index);
    if (!dec)
        return out;
    std::mt19937 rng(777);
    const int n = index.frameCount();
    for (int k = 0; k < 30 && n > 1; ++k) {
        const int target = int(rng() % uint32_t(n - 1));
        dec.value()->frameAt(target, size);
        QThread::msleep(33);
        QElapsedTimer t;
        t.start();
        auto f = dec.value()->frameAt(target + 1, size);
        out.push_back(t.nsecsElapsed() / 1e6);
        if (!f)
            std::printf("step to %d failed: %s\n", target + 1, qPrintable(f.error()));
    }
    return out;
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

    // Sequential decode, interleaved with the ffmpeg program (best of `rounds` for each, so a burst
    // of load on the shared machine does not decide the ratio):
    //  - decode only: our decoder with no RGB conversion (preload(): packet reading, decoding, frame
    //    index mapping, picture store), against ffmpeg -f null;
    //  - decode + RGB at full size (nextFrame()), read-ahead off and on (as the player opens it),
    //    against ffmpeg -f null and against ffmpeg converting to rgb24 too.
    // Over the first MAS_BENCH_SEQ_FRAMES frames (default 1500, 50 s at 30 fps), so that a 10-minute
    // video keeps the whole benchmark within a few minutes.
    const int seqFrames = std::min(n, qEnvironmentVariableIntValue("MAS_BENCH_SEQ_FRAMES") > 0
                                          ? qEnvironmentVariableIntValue("MAS_BENCH_SEQ_FRAMES")
                                          : 1500);
    const int rounds = 3;
    double ff = 1e9, ffRgb = 1e9, oursDecode = 1e9, oursRgb = 1e9, oursRgbAhead = 1e9;
    int got = 0;
    auto sequential = [&](bool convert, int readAhead) {
        DecoderOptions o = options;
        o.cacheMegabytes = 0;
        o.readAheadFrames = readAhead;
        auto dec = VideoDecoder::open(file, o, index.value());
        if (!dec)
            return 1e9;
        QElapsedTimer timer;
        timer.start();
        got = 0;
        if (convert) {
            while (got < seqFrames && dec.value()->nextFrame().ok())
                ++got;
        } else {
            while (got < seqFrames && dec.value()->preload(got).ok())
                ++got;
        }
        const double sec = timer.nsecsElapsed() / 1e9;
        if (got != seqFrames)
            std::printf("sequential stopped at frame %d of %d\n", got, seqFrames);
        return sec;
    };
    for (int r = 0; r < rounds; ++r) {
        ff = std::min(ff, ffmpegSeconds(file, threads, seqFrames));
        oursDecode = std::min(oursDecode, sequential(false, 0));
        ffRgb = std::min(ffRgb, ffmpegSeconds(file, threads, seqFrames, true));
        oursRgb = std::min(oursRgb, sequential(true, 0));
        oursRgbAhead = std::min(oursRgbAhead, sequential(true, kPlayerReadAhead));
    }
    const int m = seqFrames;
    std::printf("sequential, %d frames (best of %d): ffmpeg -f null %.1f fps, ffmpeg -vf format=rgb24 -f null %.1f fps\n",
                m, rounds, m / ff, m / ffRgb);
    std::printf("  decode only:  ours %.1f fps -> ratio %.2f to ffmpeg -f null\n", m / oursDecode, ff / oursDecode);
    std::printf("  decode + RGB: ours %.1f fps (read-ahead off), %.1f fps (read-ahead %d) -> ratio %.2f / %.2f to "
                "ffmpeg -f null, %.2f / %.2f to ffmpeg rgb24\n",
                m / oursRgb, m / oursRgbAhead, kPlayerReadAhead, ff / oursRgb, ff / oursRgbAhead, ffRgb / oursRgb,
                ffRgb / oursRgbAhead);

    // Random frame-exact seeks vs the keyframe bound: seeking to the keyframe and decoding it
    // (measured), plus decoding every frame from there to the target at the ffmpeg program's
    // per-frame speed (what any frame-exact decoder must do without skipping frames).
    std::mt19937 rng(1234);
    const double ffPerFrameMs = ff * 1000.0 / seqFrames;
    std::vector<double> seek, bound, keyOnly;
    auto dec = VideoDecoder::open(file, options, index.value());
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

    // The first 100 of those seeks with the decoder opened as the player opens it: the request comes
    // right after the previous one, while the read-ahead is busy (it waits for the frame in flight).
    {
        DecoderOptions o = options;
        o.cacheMegabytes = 0;
        o.readAheadFrames = kPlayerReadAhead;
        auto ahead = VideoDecoder::open(file, o, index.value());
        std::mt19937 same(1234);
        std::vector<double> seekAhead;
        for (int k = 0; k < 100; ++k) {
            const int target = int(same() % uint32_t(n));
            const int key = index->keyframeAtOrBefore(target);
            ahead.value()->frameAt(key > 1 ? 0 : n - 1);
            t.restart();
            auto f = ahead.value()->frameAt(target);
            seekAhead.push_back(t.nsecsElapsed() / 1e6);
            if (!f)
                std::printf("seek %d failed: %s\n", target, qPrintable(f.error()));
        }
        const std::vector<double> firstBounds(bound.begin(), bound.begin() + 100);
        std::printf("random seek with read-ahead %d (100): p50 %.2f ms, p95 %.2f ms -> p95 ratio %.2f to the same targets' "
                    "keyframe bound\n",
                    kPlayerReadAhead, percentile(seekAhead, .5), percentile(seekAhead, .95),
                    percentile(seekAhead, .95) / std::max(1e-9, percentile(firstBounds, .95)));
    }

    // Single steps around the middle, decoder opened as the player opens it (read-ahead on) and with
    // the read-ahead off; steps back to back and at a 30 Hz key repeat (a user holding the arrow key).
    for (const QSize size : {QSize(), QSize(960, 0)}) {
        for (const int readAhead : {kPlayerReadAhead, 0}) {
            for (const int intervalMs : {0, 33}) {
                const Steps st = steps(file, index.value(), threads, readAhead, size, intervalMs);
                std::printf("step %s, read-ahead %d, %s: forward p50 %.2f ms p95 %.2f ms; back p50 %.2f ms p95 %.2f ms\n",
                            size.isValid() ? "960 wide" : "full size", readAhead,
                            intervalMs ? "30 Hz key repeat" : "back to back", percentile(st.forward, .5),
                            percentile(st.forward, .95), percentile(st.back, .5), percentile(st.back, .95));
            }
        }
    }

    for (const int readAhead : {kPlayerReadAhead, 0}) {
        const std::vector<double> first = stepsAfterSeek(file, index.value(), threads, readAhead, QSize(960, 0));
        std::printf("first step 33 ms after a seek, 960 wide, read-ahead %d (30 seeks): p50 %.2f ms p95 %.2f ms\n",
                    readAhead, percentile(first, .5), percentile(first, .95));
    }

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
