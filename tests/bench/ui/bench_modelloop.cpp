// bench_modelloop: long footage pre-labeled through the GUI's own job path while the user steps the player.
//   bench_modelloop [--seconds 3600] [--size 1920x1080] [--depth 18] [--input 112] [--segments 8]
//                   [--window 0] [--stride 0] [--step-hz 30]
// An S-second 1080p H.264 video is pre-labeled in sliding windows by a WorkerJobRunner (the Model dock's runner:
// the job on the worker thread, progress queued to the GUI thread) with a MANet of random weights, while a
// FrameProvider + PlayerController + VideoView step the same video one frame at a time at the key-repeat rate.
// Figures: windows and windows/s, resident memory over the run and its peak (goal < 1.5 GiB), and the player's
// frame-to-screen step latency while the job runs (goal p95 < 16 ms), beside the same steps with no job.
#include "BenchSupport.h"
#include "TestSupport.h"

#include "ModelCatalog.h"
#include "WorkerJobRunner.h"
#include "player/FrameProvider.h"
#include "player/PlayerClock.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "store/ProjectStore.h"
#include "store/VideoFolderImport.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace mas;

namespace {

using bench::waitUntil;

// Steps the player forward one frame per tick at `hz` until `keepGoing` says stop (or `maxSteps`); returns the
// frame-to-screen latency of each step in ms. Wraps to the start near the end of the video.
class Stepper {
public:
    Stepper(const QString& path) : m_player(m_provider, m_clock)
    {
        m_view.resize(960, 540);
        m_view.show();
        QObject::connect(&m_provider, &ui::FrameProvider::frameReady, &m_view, [this](int index, const QImage& image) {
            m_view.showFrame(index, image);
            m_view.repaint();
            if (index == m_want && m_waiting) {
                m_latencies.push_back(m_sinceStep.nsecsElapsed() / 1e6);
                m_waiting = false;
            }
            m_painted = index;
        });
        QObject::connect(&m_provider, &ui::FrameProvider::opened, &m_view, [this] { m_opened = true; });
        m_provider.open(path);
    }
    bool ready()
    {
        if (!waitUntil([this] { return m_opened; }, 60000))
            return false;
        m_player.setTargetSize(m_view.targetFrameSize(m_provider.video().frameSize));
        m_player.setVideo(m_provider.video());
        return waitUntil([this] { return m_painted == 0; }, 10000);
    }
    template <typename F> std::vector<double> run(int hz, int maxSteps, F keepGoing)
    {
        m_latencies.clear();
        m_missed = 0;
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        tick.setInterval(1000 / std::max(hz, 1));
        int steps = 0;
        QObject::connect(&tick, &QTimer::timeout, [&] {
            if (m_waiting)
                ++m_missed; // the previous frame is not on screen yet: a key-repeat the user would feel
            m_sinceStep.start();
            if (m_player.currentFrame() + 1 >= m_provider.video().frameCount)
                m_player.seekFrame(0);
            else
                m_player.stepFrames(1);
            m_want = m_player.currentFrame();
            m_waiting = true;
            ++steps;
        });
        tick.start();
        waitUntil([&] { return steps >= maxSteps || !keepGoing(); }, 24 * 3600 * 1000);
        tick.stop();
        waitUntil([this] { return !m_waiting; }, 2000);
        return m_latencies;
    }
    int missed() const { return m_missed; }

private:
    ui::FrameProvider m_provider;
    ui::SilentClock m_clock;
    ui::PlayerController m_player;
    ui::VideoView m_view;
    QElapsedTimer m_sinceStep;
    std::vector<double> m_latencies;
    bool m_opened = false, m_waiting = false;
    int m_painted = -1, m_want = -1, m_missed = 0;
};

void printSteps(const char* what, const std::vector<double>& latencies, int missed)
{
    const bench::Spread s = bench::spreadOf(latencies);
    std::printf("  %-30s %5zu steps  median %6.2f ms  p95 %6.2f ms  max %7.2f ms  (%d ticks while the last was pending)\n",
                what, latencies.size(), s.median, s.p95, s.max, missed);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser args;
    args.addHelpOption();
    args.addOptions({{"seconds", "video length in seconds", "S", "3600"},
                     {"size", "frame size", "WxH", "1920x1080"},
                     {"depth", "MANet depth (18, 34, 50)", "N", "18"},
                     {"input", "crop size the model runs at", "PX", "112"},
                     {"segments", "frames per window", "N", "8"},
                     {"window", "window in frames (0: the model's default)", "N", "0"},
                     {"stride", "stride in frames (0: the model's default)", "N", "0"},
                     {"step-hz", "player steps per second (key repeat)", "HZ", "30"}});
    args.process(app);

    QTemporaryDir dir;
    QElapsedTimer t;
    t.start();
    QString error;
    const int seconds = args.value("seconds").toInt();
    const QString video = bench::makeLongFootage(dir.path(), seconds, args.value("size"), &error);
    if (video.isEmpty())
        return std::fprintf(stderr, "cannot make the footage: %s\n", qPrintable(error)), 1;
    store::Video record;
    store::Id videoIdValue = 0;
    Result<std::unique_ptr<store::ProjectStore>> created =
        bench::projectWithVideo(dir.filePath("long.mas"), video, &record, &videoIdValue);
    if (!created)
        return std::fprintf(stderr, "%s\n", qPrintable(created.error())), 1;
    store::ProjectStore& project = *created.value();
    Result<store::Id> model = worker::createModel(project, args.value("depth").toInt(), QString(), "bench-model",
                                                  args.value("input").toInt(), args.value("segments").toInt());
    if (!model)
        return std::fprintf(stderr, "%s\n", qPrintable(model.error())), 1;
    if (Status s = project.setActiveModelVersion(model.value()); !s)
        return std::fprintf(stderr, "%s\n", qPrintable(s.error())), 1;
    std::printf("footage: %d s of %s H.264 (%lld frames), made in %.1f s; MANet ResNet-%s at %s px, random weights\n",
                seconds, qPrintable(args.value("size")), (long long)record.frameCount, t.elapsed() / 1000.0,
                qPrintable(args.value("depth")), qPrintable(args.value("input")));

    Stepper stepper(video);
    if (!stepper.ready())
        return std::fprintf(stderr, "the player did not open %s\n", qPrintable(video)), 1;
    const int hz = args.value("step-hz").toInt();
    std::printf("player steps at %d Hz, 960x540 view:\n", hz);
    const std::vector<double> idle = stepper.run(hz, 300, [] { return true; });
    printSteps("no job running", idle, stepper.missed());

    worker::WorkerJobRunner runner(project);
    worker::ModelJobRequest request;
    request.kind = worker::ModelJobKind::PreLabel;
    request.videoIds = {videoIdValue};
    request.windowFrames = args.value("window").toInt();
    request.strideFrames = args.value("stride").toInt();
    bool finished = false;
    worker::JobOutcome outcome;
    QObject::connect(&runner, &worker::ModelJobRunner::finished, [&](const worker::JobOutcome& o) {
        outcome = o;
        finished = true;
    });
    const double before = bench::residentMiB();
    bench::MemorySampler sampler;
    t.restart();
    if (Status s = runner.start(request); !s)
        return std::fprintf(stderr, "pre-label did not start: %s\n", qPrintable(s.error())), 1;
    const std::vector<double> busy = stepper.run(hz, INT_MAX, [&] { return !finished; });
    const double elapsed = t.elapsed() / 1000.0;
    const std::vector<double> samples = sampler.stop();
    printSteps("pre-label job running", busy, stepper.missed());
    if (outcome.state != worker::JobState::Finished)
        return std::fprintf(stderr, "sliding-window pre-label did not finish: %s\n", qPrintable(outcome.message)), 1;
    const double windows = double(outcome.done);
    std::printf("sliding-window pre-label through WorkerJobRunner:\n");
    std::printf("  windows            %.0f in %.1f s = %.2f windows/s, %d proposals\n", windows, elapsed,
                windows / std::max(elapsed, 1e-9), outcome.figures.value("proposals").toInt());
    const bench::Spread rss = bench::spreadOf(samples);
    std::printf("  resident memory    before %.0f MiB, median %.0f MiB, max %.0f MiB during the run; peak RSS %.0f MiB"
                " (goal < 1536)\n",
                before, rss.median, rss.max, bench::peakRssMiB());
    std::printf("  step p95 while the job ran: %.2f ms (goal < 16 ms)\n", bench::spreadOf(busy).p95);
    return 0;
}
