#pragma once
// Who is annotating: asked at start (the names used before offered first) and remembered in
// QSettings under "annotator/recent".
#include <QString>
#include <QStringList>

class QSettings;
class QWidget;

namespace mas::ui {

QStringList recentAnnotators(const QSettings& settings);
void rememberAnnotator(QSettings& settings, const QString& name);
// Empty when the user cancelled.
QString askAnnotatorName(QWidget* parent, QSettings& settings);

} // namespace mas::ui
