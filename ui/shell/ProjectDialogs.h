#pragma once
// The Project menu's dialogs: choose a file to open or create, import a folder of videos (on a
// worker thread with its own store connection), relink missing videos, show project counts.
// Recent projects live in QSettings under "project/recent".
#include "store/ProjectStore.h"

#include <QObject>
#include <QString>
#include <QStringList>

class QSettings;
class QWidget;

namespace mas::ui {

QStringList recentProjects(const QSettings& settings);
void rememberRecentProject(QSettings& settings, const QString& path);

QString askProjectToOpen(QWidget* parent, const QSettings& settings);
QString askNewProjectPath(QWidget* parent, const QSettings& settings);

// Asks for a folder and a participant pattern, then imports in the background; `done` runs on the
// GUI thread with a one-paragraph report.
void importVideosInteractively(QWidget* parent, store::ProjectStore& store, QObject* context,
                               std::function<void(const QString& report)> done);
// Asks for a folder and relinks missing videos found in it; returns the report.
QString relinkVideosInteractively(QWidget* parent, store::ProjectStore& store);
QString projectInfoText(const store::ProjectStore& store);

} // namespace mas::ui
