#pragma once
// Every action of the main window with its key, tooltip and menu place, in one spot. The window
// connects them; the menus and the shortcut sheet list them. Menu titles carry no Alt mnemonics
// on A..G: those letters start the class hotkeys (Alt+<body part>, n).
#include <QList>
#include <QObject>

class QAction;
class QMainWindow;
class QMenu;

namespace mas::ui {

class MainActions : public QObject {
    Q_OBJECT
public:
    explicit MainActions(QMainWindow* window);

    // Project
    QAction* newProject;
    QAction* openProject;
    QAction* openServerProject;
    QAction* importVideos;
    QAction* relinkVideos;
    QAction* assignWork;
    QAction* projectInfo;
    QAction* createDemo;
    QAction* quit;
    QMenu* recentMenu;
    // Edit (undo/redo come from the undo stack of the open project)
    QAction* markIn;
    QAction* markOut;
    QAction* clearMark;
    QAction* deleteSegment;
    QAction* splitSegment;
    QAction* mergeSegments;
    // Playback
    QAction* playPause;
    QAction* stepBack;
    QAction* stepForward;
    QAction* stepBack10;
    QAction* stepForward10;
    QAction* previousBoundary;
    QAction* nextBoundary;
    QAction* loopSelection;
    QAction* mute;
    QAction* faster;
    QAction* slower;
    // View
    QAction* zoomIn;
    QAction* zoomOut;
    QAction* fitAll;
    QAction* fitSelection;
    QMenu* viewMenu;   // dock toggles are added here by the window
    QMenu* editMenu;   // undo/redo are inserted at the top by the window
    // Settings
    QAction* preferences;
    // Help
    QAction* shortcuts;
    QAction* about;

    // (name, key) rows for the shortcut sheet.
    QList<QPair<QString, QString>> keyTable() const;

private:
    QAction* make(const QString& text, const QString& key, const QString& tip, bool checkable = false);
    QMainWindow* m_window;
    QList<QAction*> m_all;
};

} // namespace mas::ui
