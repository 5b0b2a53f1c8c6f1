// bench_ui: figures for the shell's widgets (goals from the issue: paint < 8 ms, step < 16 ms).
//   bench_ui [--segments N] [--hours H] [--steps N]
// 1. Timeline paint time with N segments on an H-hour video at several zoom levels (offscreen
//    raster, the widget's own paintEvent through QWidget::render).
// 2. Frame-to-screen latency while stepping: from the step (key action) to the decoded frame
//    painted in the VideoView, forward and backward, on a generated 640x360 H.264 video.
#include "BenchSupport.h"
#include "TestSupport.h"

#include "player/FrameProvider.h"
#include "player/PlayerClock.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace mas::ui;

namespace {

struct Stats {
    double median = 0, p95 = 0, max = 0, mean = 0;
};

Stats summarize(std::vector<double> v)
{
    Stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, size_t(v.size() * 0.95))];
    s.max = v.back();
    double sum = 0;
    for (double x : v)
        sum += x;
    s.mean = sum / v.size();
    return s;
}

void benchTimeline(int segments, double hours)
{
    const double fps = 30;
    const int frames = int(hours * 3600 * fps);
    TimelineModel model;
    QVector<TimelineTrack> tracks;
    const char* colours[] = {"#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#E15759", "#EDC948", "#76B7B2"};
    for (int t = 0; t < 7; ++t)
        tracks.push_back({QStringLiteral("%1 part").arg(QChar('A' + t)), QColor(colours[t]), false});
    tracks.push_back({QStringLiteral("Unlabeled"), QColor(150, 150, 150), false});
    tracks.push_back({QStringLiteral("Predictions"), QColor(120, 120, 200), true});
    model.setTracks(tracks);
    model.setVideo(frames, fps);
    QRandomGenerator rng(52);
    QVector<TimelineSegment> list;
    for (int i = 0; i < segments; ++i) {
        TimelineSegment s;
        s.id = i + 1;
        s.track = i % 7;
        s.startFrame = int(rng.bounded(frames - 400));
        s.endFrame = s.startFrame + 15 + int(rng.bounded(300));
        s.code = QStringLiteral("%1%2").arg(QChar('A' + s.track)).arg(1 + i % 9);
        s.name = QStringLiteral("micro-action %1").arg(i % 52);
        s.labelCount = 1;
        list.push_back(s);
        if (i % 2 == 0) { // half of them also predicted
            TimelineSegment p = s;
            p.id = -s.id;
            p.track = 8;
            p.score = rng.generateDouble();
            list.push_back(p);
        }
    }
    QElapsedTimer load;
    load.start();
    model.setSegments(list);
    const double loadMs = load.nsecsElapsed() / 1e6;

    TimelineWidget widget;
    widget.setModel(&model);
    widget.resize(1600, widget.sizeHint().height());
    mas::Waveform wave;
    const int buckets = int(hours * 3600 * 20); // 50 ms buckets
    wave.minimum.resize(buckets);
    wave.maximum.resize(buckets);
    for (int b = 0; b < buckets; ++b) {
        wave.maximum[b] = float(rng.generateDouble());
        wave.minimum[b] = -wave.maximum[b];
    }
    wave.secondsPerBucket = 0.05;
    widget.setWaveform(wave, 0);
    QVector<mas::Thumbnail> thumbs;
    QImage thumb(96, 54, QImage::Format_RGB888);
    thumb.fill(Qt::darkCyan);
    for (int i = 0; i < 100; ++i)
        thumbs.push_back({frames / 100 * i, frames / 100 * i, thumb});
    widget.setThumbnails(thumbs);
    QImage target(widget.size(), QImage::Format_ARGB32_Premultiplied);

    std::printf("timeline: %d segments (+%d predictions) on a %.1f h video (%d frames), widget %dx%d; model load %.1f ms\n",
                segments, (segments + 1) / 2, hours, frames, widget.width(), widget.height(), loadMs);
    std::printf("  %-18s %10s %10s %10s\n", "visible span", "median ms", "p95 ms", "max ms");
    struct Zoom { const char* name; double seconds; };
    const Zoom zooms[] = {{"whole video", hours * 3600}, {"10 min", 600}, {"1 min", 60}, {"10 s", 10}, {"1 s", 1}};
    for (const Zoom& z : zooms) {
        widget.fitRange(frames / 3, frames / 3 + int(z.seconds * fps));
        if (z.seconds >= hours * 3600)
            widget.fitAll();
        std::vector<double> times;
        for (int i = 0; i < 60; ++i) {
            // Scroll a little each time, as while playing, so nothing is cached between paints.
            widget.setFirstVisibleFrame(widget.firstVisibleFrame() + (i % 2 ? 1 : -1) * 3);
            widget.setPlayhead(frames / 3 + i);
            QElapsedTimer t;
            t.start();
            widget.render(&target);
            times.push_back(t.nsecsElapsed() / 1e6);
        }
        const Stats s = summarize(times);
        std::printf("  %-18s %10.2f %10.2f %10.2f\n", z.name, s.median, s.p95, s.max);
    }
}

using mas::bench::waitUntil;

void benchStepping(int steps)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("step.mp4"));
    QString error;
    if (!mas::test::makeTestVideo(path, std::max(steps + 20, 320), 640, 360, 30, 30, false, &error)) {
        std::printf("stepping: cannot make the video: %s\n", qPrintable(error));
        return;
    }
    FrameProvider provider;
    SilentClock clock;
    PlayerController player(provider, clock);
    VideoView view;
    view.resize(960, 540);
    view.show();
    QElapsedTimer sinceStep;
    int painted = -1;
    std::vector<double> latencies;
    QObject::connect(&provider, &FrameProvider::frameReady, &view, [&](int index, const QImage& image) {
        view.showFrame(index, image);
        view.repaint(); // on screen: painted, not only queued
        painted = index;
        latencies.push_back(sinceStep.nsecsElapsed() / 1e6);
    });
    bool opened = false;
    QObject::connect(&provider, &FrameProvider::opened, &view, [&] { opened = true; });
    provider.open(path);
    if (!waitUntil([&] { return opened; }, 30000)) {
        std::printf("stepping: the video did not open\n");
        return;
    }
    player.setTargetSize(view.targetFrameSize(provider.video().frameSize));
    player.setVideo(provider.video());
    waitUntil([&] { return painted == 0; });

    auto run = [&](int delta, const char* name) {
        latencies.clear();
        int missed = 0;
        for (int i = 0; i < steps; ++i) {
            sinceStep.start();
            player.stepFrames(delta);
            const int want = player.currentFrame();
            if (!waitUntil([&] { return painted == want; }))
                ++missed;
        }
        const Stats s = summarize(latencies);
        std::printf("  %-26s median %6.2f ms  p95 %6.2f ms  max %6.2f ms  (%d steps%s)\n", name, s.median, s.p95, s.max,
                    steps, missed ? ", some timed out" : "");
    };
    std::printf("stepping: frame-to-screen latency, 640x360 H.264 (GOP 30) shown in a 960x540 view\n");
    run(1, "forward, 1 frame");
    run(-1, "backward, 1 frame");
    run(10, "forward, 10 frames");
    player.seekFrame(0);
    waitUntil([&] { return painted == 0; });
    run(10, "forward, 10 frames (cold)");
    run(-10, "backward, 10 frames");

    // Scrubbing: 300 requests at once, as a fast drag would make; only the newest matters.
    QElapsedTimer burst;
    burst.start();
    latencies.clear();
    sinceStep.start();
    for (int f = 0; f < 300; ++f)
        player.seekFrame(f % provider.video().frameCount);
    const int last = player.currentFrame();
    waitUntil([&] { return painted == last; });
    std::printf("  scrub burst: 300 seeks, last frame on screen after %.1f ms; %lld requests dropped as stale\n",
                burst.nsecsElapsed() / 1e6, static_cast<long long>(provider.requestsDropped()));
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    QCommandLineOption segments(QStringLiteral("segments"), QStringLiteral("Segments on the timeline"), QStringLiteral("N"), QStringLiteral("5000"));
    QCommandLineOption hours(QStringLiteral("hours"), QStringLiteral("Video length"), QStringLiteral("H"), QStringLiteral("2"));
    QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("Steps per stepping run"), QStringLiteral("N"), QStringLiteral("100"));
    parser.addOptions({segments, hours, steps});
    parser.addHelpOption();
    parser.process(app);
    benchTimeline(parser.value(segments).toInt(), parser.value(hours).toDouble());
    benchStepping(parser.value(steps).toInt());
    return 0;
}
