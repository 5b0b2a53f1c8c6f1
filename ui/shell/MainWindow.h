#pragma once
// The main window: a thin shell. It owns the long-lived widgets (video view, transport, timeline)
// and the player, makes a ProjectWorkspace per open project, and wires actions, docks and panels
// together. Behaviour lives in the pieces it wires, not here.
#include "store/ProjectStore.h"
#include "shell/DemoProject.h"
#include "util/Result.h"

#include <QMainWindow>

#include <memory>

class QDockWidget;
class QListWidget;
class QMenu;
class QSettings;
class QUndoView;

namespace mas::worker {
class ModelJobRunner;
}

namespace mas::ui {

class ExchangeMenu;
class FrameProvider;
class MainActions;
class PanelDocks;
class PlayerClock;
class PlayerController;
class ProjectWorkspace;
class ShellStatusBar;
class TimelineMedia;
class TimelineWidget;
class TransportBar;
class VideoView;
struct OpenedVideo;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `settings`: window state, recent projects, panels' settings (tests pass a temporary file).
    MainWindow(QSettings& settings, QString annotator, QWidget* parent = nullptr);
    ~MainWindow() override;

    Status openProject(const QString& path);
    Status newProject(const QString& path);
    void closeProject();
    // Shows a video of the open project (decoded on the frame provider's thread).
    void showVideo(store::Id videoId);

    ProjectWorkspace* workspace() const { return m_workspace.get(); }
    PlayerController& player() const { return *m_player; }
    FrameProvider& frames() const { return *m_frames; }
    TimelineWidget& timeline() const { return *m_timeline; }
    VideoView& videoView() const { return *m_videoView; }
    MainActions& actions() const { return *m_actions; }
    ShellStatusBar& shellStatusBar() const { return *m_status; }
    // The open project's panels (null when no project is open).
    PanelDocks* panels() const { return m_panels.get(); }
    store::Id currentVideo() const { return m_videoId; }
    // The model worker the model panel runs jobs through, not owned; when none is set each project
    // gets its own WorkerJobRunner. Takes effect for the next project opened.
    void setModelJobRunner(worker::ModelJobRunner* runner) { m_modelRunner = runner; }
    QString annotator() const { return m_annotator; }
    // Opens the demo project in `folder` (made on first use) and, when it has no trained model yet, makes a
    // small one and fine-tunes it in the background through the Model dock (DemoModel).
    Status openDemo(const QString& folder, const DemoOptions& options = {});
    QMenu* modelMenu() const { return m_modelMenu; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildLayout();
    void connectPlayer();
    void connectActions();
    void onVideoOpened(const OpenedVideo& video);
    void onFrameChanged(int frame);
    void updateTitle();
    void updateSaveState();
    void updateLoop();
    void rebuildRecentMenu();
    void fillVideoList();
    // After teammates added or removed videos: the list again, still on the video shown when it is left.
    void refreshVideoList();
    void stepSpeed(int direction);
    void showPreferences();
    void showAssignWork();
    void showShortcutSheet();
    void openDemoProject();
    void fillModelMenu();
    Status adoptStore(Result<std::unique_ptr<store::ProjectStore>> store);

    QSettings& m_settings;
    QString m_annotator;
    std::unique_ptr<PlayerClock> m_clock;
    FrameProvider* m_frames;
    PlayerController* m_player;
    MainActions* m_actions;
    VideoView* m_videoView;
    TransportBar* m_transport;
    TimelineWidget* m_timeline;
    TimelineMedia* m_media;
    ExchangeMenu* m_dataMenu;
    QMenu* m_modelMenu;
    ShellStatusBar* m_status;
    QUndoView* m_undoView;
    QDockWidget* m_historyDock;
    QListWidget* m_videoList;
    QDockWidget* m_videosDock;
    std::unique_ptr<ProjectWorkspace> m_workspace;
    std::unique_ptr<PanelDocks> m_panels;
    store::Id m_videoId = 0;
    QString m_videoMessage;
    worker::ModelJobRunner* m_modelRunner = nullptr;
    std::unique_ptr<worker::ModelJobRunner> m_projectRunner; // the open project's own worker (when none was set)
};

} // namespace mas::ui
