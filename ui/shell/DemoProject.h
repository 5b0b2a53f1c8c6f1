#pragma once
// The demo project `mastudio --demo` opens: a 40 s 640x360 test pattern with a sine tone, made by
// the ffmpeg program, in a project with a few labeled segments and a model's predictions.
// Created once under `folder` (QStandardPaths::AppDataLocation + "/demo" in the app); later calls
// return the existing project.
#include "util/Result.h"

#include <QString>

namespace mas::ui {

struct DemoOptions {
    int seconds = 40;
    QString annotator = QStringLiteral("demo");
};

// The demo project's path ("<folder>/demo.mas"), creating it (and its video) when absent.
Result<QString> ensureDemoProject(const QString& folder, const DemoOptions& options = {});

} // namespace mas::ui
