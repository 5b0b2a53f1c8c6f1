#pragma once
// For the shell's GUI tests: a demo project (real video made by ffmpeg, real store) in a temporary
// folder, settings in a temporary file, and waiting for the decoder's first frame.
#include "TestSupport.h"

#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "shell/DemoProject.h"
#include "shell/MainWindow.h"
#include "shell/ProjectWorkspace.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

namespace mas::test {

struct ShellFixture {
    QTemporaryDir dir;
    QString projectPath;
    QString error;
    std::unique_ptr<QSettings> settings;

    // 12 s at 30 fps (360 frames): the demo's first four segments fit.
    bool build(int seconds = 12)
    {
        settings = std::make_unique<QSettings>(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        ui::DemoOptions options;
        options.seconds = seconds;
        options.annotator = QStringLiteral("tester");
        auto path = ui::ensureDemoProject(dir.filePath(QStringLiteral("demo")), options);
        if (!path) {
            error = path.error();
            return false;
        }
        projectPath = path.value();
        return true;
    }
};

// The open main window and the steps the shell tests drive it with: keys to the focused widget, waiting for a
// frame to be shown, screenshots, and finding segments in the store. Test classes derive from it after QObject.
struct ShellWindowDriver {
    std::unique_ptr<ui::MainWindow> window;

    store::ProjectStore& projectStore() { return window->workspace()->store(); }
    QVector<store::Segment> segments()
    {
        auto s = projectStore().segmentsOfVideo(window->currentVideo());
        return s ? s.value() : QVector<store::Segment>{};
    }
    std::optional<store::Segment> segmentAt(int64_t start, int64_t end)
    {
        for (const store::Segment& s : segments())
            if (s.startFrame == start && s.endFrame == end)
                return s;
        return std::nullopt;
    }
    void key(int k, Qt::KeyboardModifiers m = Qt::NoModifier)
    {
        QTest::keyClick(window->focusWidget() ? window->focusWidget() : window.get(), Qt::Key(k), m);
    }
    void waitFrame(int frame)
    {
        QTRY_COMPARE_WITH_TIMEOUT(window->player().currentFrame(), frame, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window->videoView().shownFrame(), frame, 10000);
    }
    void screenshot(const QString& name)
    {
        QCoreApplication::processEvents();
        QVERIFY(window->grab().save(artifactPath(name)));
    }
};

} // namespace mas::test
