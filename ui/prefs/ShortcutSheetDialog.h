#pragma once
// The shortcut sheet (F1): every key the panels answer to, the class hotkeys as the user set them,
// and whatever sections the shell adds for its own keys (player, timeline, menus). A filter box
// narrows the list as you type.
#include "taxonomy/Taxonomy.h"

#include <QDialog>
#include <QPair>
#include <QVector>

class QLineEdit;
class QSettings;
class QTreeWidget;

namespace mas::ui {

class ShortcutSheetDialog : public QDialog {
    Q_OBJECT
public:
    using Entry = QPair<QString, QString>; // key text, what it does

    ShortcutSheetDialog(QSettings* settings, const Taxonomy& taxonomy, QWidget* parent = nullptr);

    // Adds (or replaces) a section, shown before the panels' own.
    void addSection(const QString& title, const QVector<Entry>& entries);
    QTreeWidget* tree() const { return m_tree; }
    int visibleEntryCount() const;

public Q_SLOTS:
    // Re-reads the class hotkeys (after the preferences changed them).
    void reload();

private:
    void rebuild();
    void applyFilter();

    QSettings* m_settings;
    const Taxonomy& m_taxonomy;
    QVector<QPair<QString, QVector<Entry>>> m_shellSections;
    QLineEdit* m_filter = nullptr;
    QTreeWidget* m_tree = nullptr;
};

} // namespace mas::ui
