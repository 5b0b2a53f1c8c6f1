#pragma once
// The demo project `mastudio --demo` opens: three short test-pattern videos with a sine tone (made by
// the ffmpeg program), one per participant (P01..P03), with confirmed segments on several body parts and
// a participant split plan ("demo-plan": P01 train, P02 val, P03 test). It holds no model and no
// predictions: nothing is shown as a model's output unless a model produced it. Where the demo is opened,
// DemoModel (shell/DemoModel.h) makes a small real model and fine-tunes it in the background.
// Created once under `folder` (QStandardPaths::AppDataLocation + "/demo" in the app); later calls
// return the existing project.
#include "util/Result.h"

#include <QString>

namespace mas::ui {

struct DemoOptions {
    int seconds = 40;          // the first video; the other two are at most 16 s
    QString annotator = QStringLiteral("demo");
};

// The demo project's path ("<folder>/demo.mas"), creating it (and its videos) when absent.
Result<QString> ensureDemoProject(const QString& folder, const DemoOptions& options = {});

// True for a project made by ensureDemoProject (its file is "demo.mas" beside "demo_0001.mp4").
bool isDemoProject(const QString& projectPath);

} // namespace mas::ui
