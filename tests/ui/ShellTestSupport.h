#pragma once
// For the shell's GUI tests: a demo project (real video made by ffmpeg, real store) in a temporary
// folder, settings in a temporary file, and waiting for the decoder's first frame.
#include "TestSupport.h"

#include "shell/DemoProject.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

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

} // namespace mas::test
