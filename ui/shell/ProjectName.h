#pragma once
// How a project is named to people and in settings: a file by its file name, a server project
// (postgresql:// URL) by its database and host. Built from ServerUrl's parts, so a password written
// in a URL is never shown or remembered.
#include <QString>

namespace mas::ui {

// "study.mas", or "ma52 on db.lab:5432" / "ma52 (local socket)" for a server project.
QString projectDisplayName(const QString& path);
// A default name for files made from the project (exports): "study", or "ma52".
QString projectBaseName(const QString& path);
// What the recent-projects list keeps: the absolute file path, or the URL without a password.
QString projectRecentKey(const QString& path);

} // namespace mas::ui
