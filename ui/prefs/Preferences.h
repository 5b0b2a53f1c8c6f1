#pragma once
// The user's preferences, kept in QSettings under "prefs/". One value type read and written in
// one place, so the dialog, the shell and the model worker agree on keys and defaults.
// (Class hotkeys live under "hotkeys/": see labeling/ClassHotkeys.h.)
#include <QPalette>
#include <QString>

class QSettings;

namespace mas::ui {

struct Preferences {
    int frameCacheMB = 512;        // decoded-frame cache of the player
    QString device = QStringLiteral("cpu"); // "cpu", "cuda", or "cpu-bf16" (CPU, pre-labels in bfloat16): where model jobs run
    QString theme = QStringLiteral("light"); // "light" or "dark"
    int windowFrames = 60;         // sliding window of pre-labeling on long footage
    int strideFrames = 30;
    int reactionOffsetMs = 0;      // live coding: each press counts this long before the frame on screen
                                   // (kept as "labeling/reactionOffsetMs", where the labeling panel reads it)

    static Preferences load(const QSettings& settings);
    void save(QSettings& settings) const;
    bool operator==(const Preferences& other) const;
    bool operator!=(const Preferences& other) const { return !(*this == other); }
};

// The palette of a theme ("light": the platform's default; "dark": a Fusion dark palette).
QPalette paletteForTheme(const QString& theme, const QPalette& lightPalette);

} // namespace mas::ui
