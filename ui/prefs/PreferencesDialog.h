#pragma once
// Preferences over QSettings: class hotkeys (editable, conflicts shown, reset to the taxonomy's
// scheme), frame-cache size, device (cpu/cuda), theme (light/dark), default sliding window and stride.
// OK and Apply write the settings and emit preferencesChanged(); Cancel writes nothing.
#include "prefs/Preferences.h"
#include "taxonomy/Taxonomy.h"

#include <QDialog>
#include <QKeySequence>

class QComboBox;
class QLabel;
class QSettings;
class QSpinBox;
class QTableWidget;

namespace mas::ui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    PreferencesDialog(QSettings* settings, const Taxonomy& taxonomy, QWidget* parent = nullptr);

    // What the controls show now (not yet saved).
    Preferences shownPreferences() const;
    QHash<int, QKeySequence> shownHotkeys() const;
    void setShownHotkey(int classId, const QKeySequence& sequence);
    QTableWidget* hotkeyTable() const { return m_hotkeys; }

public Q_SLOTS:
    void apply();
    void accept() override;
    void restoreDefaultHotkeys();

Q_SIGNALS:
    void preferencesChanged();

private:
    QWidget* buildGeneralTab();
    QWidget* buildHotkeysTab();
    void showPreferences(const Preferences& preferences);
    void updateConflicts();

    QSettings* m_settings;
    const Taxonomy& m_taxonomy;
    QSpinBox* m_cacheMB = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_theme = nullptr;
    QSpinBox* m_window = nullptr;
    QSpinBox* m_reaction = nullptr; // live coding's reaction offset, ms
    QSpinBox* m_stride = nullptr;
    QTableWidget* m_hotkeys = nullptr;
    QLabel* m_conflicts = nullptr;
};

} // namespace mas::ui
