#pragma once
// The labeling dock: the taxonomy's classes grouped by body part (recently used first), a search
// box that filters as you type, one hotkey per class, the labels already on the selected segment
// and its free-text note. Every edit is an undo command pushed onto the injected stack.
#include "commands/EditContext.h"
#include "taxonomy/Taxonomy.h"

#include <QHash>
#include <QKeySequence>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSettings;
class QShortcut;
class QTreeWidget;
class QTreeWidgetItem;
class QUndoStack;

namespace mas::ui {

class LiveCodingBar;

class LabelingPanel : public QWidget {
    Q_OBJECT
public:
    LabelingPanel(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy,
                  QSettings* settings, QWidget* parent = nullptr);

    store::Id currentSegment() const { return m_segmentId; }
    // Adds a confirmed label of `classId` by the current annotator to the current segment
    // (nothing when that annotator already confirmed that class). False when nothing was applied.
    bool applyClass(int classId);
    // The classes the list shows now, in display order (recent group excluded).
    QVector<int> visibleClasses() const;
    QLineEdit* searchBox() const { return m_search; }
    // Live coding (class hotkeys start and stop segments at the playhead while it plays); the main
    // window attaches it to the player, timeline and video view.
    LiveCodingBar* liveCoding() const { return m_liveBar; }

public Q_SLOTS:
    void setCurrentSegment(qint64 segmentId);
    // Re-reads the hotkeys from the settings (after the preferences dialog changed them).
    void reloadHotkeys();
    void setFilterText(const QString& text);

Q_SIGNALS:
    void labelApplied(qint64 segmentId, int classId);
    void statusMessage(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildClassTree();
    void rebuildRecent();
    void applyFilter();
    void refreshSegment();
    void refreshLabels();
    void removeSelectedLabel();
    void commitNote();
    QTreeWidgetItem* makeClassItem(const ActionClass& actionClass) const;
    void itemActivated(QTreeWidgetItem* item);

    EditContext& m_context;
    QUndoStack* m_undoStack;
    const Taxonomy& m_taxonomy;
    QSettings* m_settings;
    store::Id m_segmentId = 0;
    store::Id m_videoId = 0;
    qint64 m_noteSeenVersion = 0; // the segment's version when its note was put in the editor

    QLabel* m_segmentLabel = nullptr;
    QLineEdit* m_search = nullptr;
    QTreeWidget* m_tree = nullptr;
    QTreeWidgetItem* m_recentGroup = nullptr;
    QListWidget* m_labels = nullptr;
    QPushButton* m_removeLabel = nullptr;
    QLineEdit* m_note = nullptr;
    QHash<int, QKeySequence> m_hotkeys;
    QList<QShortcut*> m_shortcuts;
    LiveCodingBar* m_liveBar = nullptr;
};

} // namespace mas::ui
