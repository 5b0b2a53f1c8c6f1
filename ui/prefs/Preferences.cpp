#include "prefs/Preferences.h"

#include <QSettings>

#include <algorithm>

namespace mas::ui {

Preferences Preferences::load(const QSettings& settings)
{
    Preferences p;
    p.frameCacheMB = std::clamp(settings.value(QStringLiteral("prefs/frameCacheMB"), p.frameCacheMB).toInt(), 16, 65536);
    const QString device = settings.value(QStringLiteral("prefs/device"), p.device).toString();
    p.device = device == QLatin1String("cuda") || device == QLatin1String("cpu-bf16") ? device : QStringLiteral("cpu");
    const QString theme = settings.value(QStringLiteral("prefs/theme"), p.theme).toString();
    p.theme = theme == QLatin1String("dark") ? theme : QStringLiteral("light");
    p.windowFrames = std::max(1, settings.value(QStringLiteral("prefs/windowFrames"), p.windowFrames).toInt());
    p.strideFrames = std::max(1, settings.value(QStringLiteral("prefs/strideFrames"), p.strideFrames).toInt());
    p.reactionOffsetMs = std::clamp(settings.value(QStringLiteral("labeling/reactionOffsetMs"), p.reactionOffsetMs).toInt(), 0, 3000);
    return p;
}

void Preferences::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("prefs/frameCacheMB"), frameCacheMB);
    settings.setValue(QStringLiteral("prefs/device"), device);
    settings.setValue(QStringLiteral("prefs/theme"), theme);
    settings.setValue(QStringLiteral("prefs/windowFrames"), windowFrames);
    settings.setValue(QStringLiteral("prefs/strideFrames"), strideFrames);
    settings.setValue(QStringLiteral("labeling/reactionOffsetMs"), reactionOffsetMs);
}

bool Preferences::operator==(const Preferences& o) const
{
    return frameCacheMB == o.frameCacheMB && device == o.device && theme == o.theme && windowFrames == o.windowFrames
           && strideFrames == o.strideFrames && reactionOffsetMs == o.reactionOffsetMs;
}

QPalette paletteForTheme(const QString& theme, const QPalette& lightPalette)
{
    if (theme != QLatin1String("dark"))
        return lightPalette;
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), disabled(120, 120, 120);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(90, 160, 240));
    p.setColor(QPalette::Highlight, QColor(53, 118, 200));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(80, 80, 84));
    p.setColor(QPalette::PlaceholderText, disabled);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace mas::ui
