// mastudio: the GUI. Only wiring lives here; the window is built in ui/.
//   mastudio [PROJECT.mas | postgresql://...] [--demo] [--annotator NAME] [--screenshot FILE.png]
// --screenshot: once the project's first video shows a frame, saves the window to FILE and quits
// (works offscreen: QT_QPA_PLATFORM=offscreen mastudio --demo --annotator demo --screenshot shot.png).
#include "shell/AnnotatorPrompt.h"
#include "shell/MainWindow.h"
#include "shell/ProjectWorkspace.h"
#include "shell/ServerPasswordPrompt.h"
#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace {

// Waits (without blocking the event loop) for the first video frame, moves to a frame inside a
// labeled segment so the panels have something to show, saves the window and quits. Exit code 0
// when the picture was saved, 1 when no frame came within the timeout or saving failed.
void screenshotWhenReady(mas::ui::MainWindow& window, const QString& file)
{
    constexpr int kTargetFrame = 290; // inside the demo's segment 260..329 (E1, confirmed)
    auto* poll = new QTimer(&window);
    auto* elapsed = new QElapsedTimer;
    elapsed->start();
    QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, elapsed, file] {
        mas::ui::PlayerController& player = window.player();
        const bool ready = player.hasVideo() && window.videoView().shownFrame() >= 0;
        if (ready && player.currentFrame() != kTargetFrame && player.frameCount() > kTargetFrame) {
            player.seekFrame(kTargetFrame);
            if (window.workspace())
                if (auto segments = window.workspace()->store().segmentsOfVideo(window.currentVideo()))
                    for (const mas::store::Segment& s : segments.value())
                        if (s.startFrame <= kTargetFrame && kTargetFrame < s.endFrame)
                            window.timeline().setSelectedSegments({s.id});
            return;
        }
        const bool shown = ready && window.videoView().shownFrame() == player.currentFrame();
        if (!shown && elapsed->elapsed() < 60000)
            return;
        // Give the timeline's thumbnails and waveform (made in the background) a moment to land.
        static qint64 shownAt = -1;
        if (shown && shownAt < 0)
            shownAt = elapsed->elapsed();
        if (shown && elapsed->elapsed() - shownAt < 2500)
            return;
        poll->stop();
        const bool saved = shown && window.grab().save(file);
        std::fprintf(stderr, "%s\n", qPrintable(saved ? QStringLiteral("screenshot saved to %1").arg(file)
                                                       : QStringLiteral("no screenshot: no frame shown in 60 s")));
        delete elapsed;
        QCoreApplication::exit(saved ? 0 : 1);
    });
    poll->start(100);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MicroAction Studio"));
    QApplication::setOrganizationName(QStringLiteral("MicroActionStudio"));
    QApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/mas/icons/mastudio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Annotate and review micro-actions in video."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo project (made on first use)."));
    QCommandLineOption annotatorOption(QStringLiteral("annotator"), QStringLiteral("Annotate as NAME (no prompt)."),
                                       QStringLiteral("NAME"));
    QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window to FILE once a frame shows, then quit."),
                                        QStringLiteral("FILE"));
    parser.addOptions({demo, annotatorOption, screenshotOption});
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file (.mas) or server URL (postgresql://...) to open."),
                                 QStringLiteral("[PROJECT.mas|URL]"));
    parser.process(app);

    QSettings settings;
    QString annotator = parser.value(annotatorOption).trimmed();
    if (annotator.isEmpty())
        annotator = mas::ui::askAnnotatorName(nullptr, settings);
    else
        mas::ui::rememberAnnotator(settings, annotator);
    if (annotator.isEmpty())
        annotator = mas::ui::recentAnnotators(settings).value(0);

    mas::ui::MainWindow window(settings, annotator);
    window.show();
    // A server project (postgresql://...) whose password libpq does not know asks for it in a dialog.
    mas::ui::installServerPasswordPrompt(&window);

    QString project = parser.positionalArguments().value(0);
    const QString screenshot = parser.value(screenshotOption);
    if (parser.isSet(demo)) {
        // Made on first use; on first launch a small real model trains in the background (Model dock).
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
        if (mas::Status s = window.openDemo(folder); !s) {
            if (!screenshot.isEmpty()) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error()));
                return 1;
            }
            QMessageBox::warning(&window, QObject::tr("Demo project"), s.error());
        }
        project.clear();
    }
    if (!project.isEmpty())
        if (mas::Status s = window.openProject(project); !s) {
            if (!screenshot.isEmpty()) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error()));
                return 1;
            }
            QMessageBox::warning(&window, QObject::tr("Open project"), s.error());
        }
    if (!screenshot.isEmpty())
        screenshotWhenReady(window, screenshot);
    const int code = app.exec();
    mas::ui::removeServerPasswordPrompt(); // it refers to the window
    return code;
}
