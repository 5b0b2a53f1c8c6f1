#include "shell/AnnotatorPrompt.h"

#include <QInputDialog>
#include <QSettings>

namespace mas::ui {

QStringList recentAnnotators(const QSettings& settings)
{
    return settings.value(QStringLiteral("annotator/recent")).toStringList();
}

void rememberAnnotator(QSettings& settings, const QString& name)
{
    QStringList names = recentAnnotators(settings);
    names.removeAll(name);
    names.prepend(name);
    settings.setValue(QStringLiteral("annotator/recent"), names.mid(0, 10));
}

QString askAnnotatorName(QWidget* parent, QSettings& settings)
{
    bool ok = false;
    const QString name = QInputDialog::getItem(parent, QObject::tr("Who is annotating?"),
                                               QObject::tr("Your name or initials (every label records it):"),
                                               recentAnnotators(settings), 0, true, &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return {};
    rememberAnnotator(settings, name);
    return name;
}

} // namespace mas::ui
