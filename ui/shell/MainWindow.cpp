#include "shell/MainWindow.h"

#include "charts/ChartsPanel.h"
#include "commands/EditFailureMessage.h"
#include "exchange/ExchangeMenu.h"
#include "labeling/LabelingPanel.h"
#include "labeling/LiveCodingBar.h"
#include "review/ReviewQueueWidget.h"
#include "player/AudioPlayback.h"
#include "player/FrameProvider.h"
#include "player/PlayerController.h"
#include "player/TransportBar.h"
#include "player/VideoView.h"
#include "player/PlayerClock.h"
#include "shell/MainActions.h"
#include "shell/PanelDocks.h"
#include "shell/ProjectDialogs.h"
#include "shell/ProjectName.h"
#include "shell/ServerProjectDialog.h"
#include "shell/ProjectWorkspace.h"
#include "shell/DemoModel.h"
#include "shell/DemoProject.h"
#include "modelpanel/ModelPanel.h"
#include "shell/ShellStatusBar.h"
#include "shell/TimelineMedia.h"
#include "team/AssignWorkDialog.h"
#include "store/ProjectCleanCopy.h"
#include "WorkerJobRunner.h"
#include "prefs/Preferences.h"
#include "prefs/PreferencesDialog.h"
#include "prefs/ShortcutSheetDialog.h"
#include "timeline/TimelinePainter.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTimer>
#include <QUndoView>
#include <QVBoxLayout>

namespace mas::ui {

MainWindow::MainWindow(QSettings& settings, QString annotator, QWidget* parent)
    : QMainWindow(parent), m_settings(settings), m_annotator(std::move(annotator)),
      m_clock(std::make_unique<AudioPlayback>()), m_frames(new FrameProvider(this)),
      m_player(new PlayerController(*m_frames, *m_clock, this)), m_actions(new MainActions(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    buildLayout();
    connectPlayer();
    connectActions();
    m_status->setAnnotator(m_annotator);
    rebuildRecentMenu();
    updateTitle();
    updateSaveState();
    restoreGeometry(m_settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(m_settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow()
{
    closeProject();
}

void MainWindow::buildLayout()
{
    m_videoView = new VideoView;
    TransportActions t{m_actions->playPause, m_actions->previousBoundary, m_actions->stepBack10, m_actions->stepBack,
                       m_actions->stepForward, m_actions->stepForward10, m_actions->nextBoundary,
                       m_actions->loopSelection, m_actions->mute};
    m_transport = new TransportBar(t);
    m_timeline = new TimelineWidget;
    m_media = new TimelineMedia(*m_timeline, this);
    auto* top = new QWidget;
    auto* column = new QVBoxLayout(top);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_videoView, 1);
    column->addWidget(m_transport);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    setCentralWidget(split);

    m_status = new ShellStatusBar;
    setStatusBar(m_status);

    m_undoView = new QUndoView;
    m_undoView->setEmptyLabel(tr("<project opened>"));
    m_historyDock = new QDockWidget(tr("History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setWidget(m_undoView);
    addDockWidget(Qt::LeftDockWidgetArea, m_historyDock);
    m_videoList = new QListWidget;
    m_videoList->setSelectionMode(QAbstractItemView::ExtendedSelection); // several videos for long-footage pre-labels
    m_videoList->setObjectName(QStringLiteral("videoList"));
    m_videoList->setMinimumWidth(170);
    m_undoView->setMinimumWidth(170);
    m_videosDock = new QDockWidget(tr("Videos"), this);
    m_videosDock->setObjectName(QStringLiteral("videosDock"));
    m_videosDock->setWidget(m_videoList);
    addDockWidget(Qt::LeftDockWidgetArea, m_videosDock);
    // Imports, exports, split planner, agreement (ui/exchange). Its title has no Alt mnemonic:
    // Alt+D starts the D class hotkeys.
    m_dataMenu = new ExchangeMenu(this);
    m_dataMenu->setTitle(tr("Data"));
    menuBar()->insertMenu(m_actions->viewMenu->menuAction(), m_dataMenu);
    m_dataMenu->setStore(nullptr);
    connect(m_dataMenu, &ExchangeMenu::projectChanged, this, [this] {
        fillVideoList();
        if (m_panels) {
            m_panels->review()->reload();
            m_panels->charts()->reload();
        }
        if (m_workspace && m_videoId) // imported segments and predictions show on the timeline
            m_workspace->timelineAdapter().setVideo(m_videoId, m_player->frameCount(), m_player->fps());
    });
    // Bringing a model in and running it (the Model dock's actions). No Alt mnemonic in the title either.
    m_modelMenu = new QMenu(tr("Model"), this);
    m_modelMenu->setObjectName(QStringLiteral("modelMenu"));
    menuBar()->insertMenu(m_actions->viewMenu->menuAction(), m_modelMenu);
    fillModelMenu();
    m_actions->viewMenu->addAction(m_videosDock->toggleViewAction());
    m_actions->viewMenu->addAction(m_historyDock->toggleViewAction());
    connect(m_videoList, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { showVideo(item->data(Qt::UserRole).toLongLong()); });
    resize(1280, 820);
}

void MainWindow::connectPlayer()
{
    connect(m_frames, &FrameProvider::frameReady, m_videoView, &VideoView::showFrame);
    connect(m_frames, &FrameProvider::frameFailed, this,
            [this](int index, const QString& message) { m_videoView->setMessage(tr("Frame %1: %2").arg(index).arg(message)); });
    connect(m_frames, &FrameProvider::openFailed, this, [this](const QString& message) {
        m_videoMessage = message;
        m_videoView->setMessage(tr("%1\n\nThe segments stay editable. Use Project > Relink missing videos.").arg(message));
    });
    connect(m_frames, &FrameProvider::opened, this, &MainWindow::onVideoOpened);
    connect(m_player, &PlayerController::currentFrameChanged, this, &MainWindow::onFrameChanged);
    connect(m_player, &PlayerController::playingChanged, this, [this](bool playing) {
        m_actions->playPause->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    });
    connect(m_player, &PlayerController::speedChanged, m_transport, &TransportBar::setSpeed);
    connect(m_transport, &TransportBar::speedRequested, m_player, &PlayerController::setSpeed);
    connect(m_timeline, &TimelineWidget::playheadScrubbed, m_player, &PlayerController::seekFrame);
    connect(m_videoView, &VideoView::resized, this, [this] {
        m_player->setTargetSize(m_videoView->targetFrameSize(m_frames->video().frameSize));
    });
}

void MainWindow::connectActions()
{
    MainActions& a = *m_actions;
    connect(a.playPause, &QAction::triggered, m_player, &PlayerController::togglePlay);
    connect(a.stepBack, &QAction::triggered, m_player, [this] { m_player->stepFrames(-1); });
    connect(a.stepForward, &QAction::triggered, m_player, [this] { m_player->stepFrames(1); });
    connect(a.stepBack10, &QAction::triggered, m_player, [this] { m_player->stepFrames(-10); });
    connect(a.stepForward10, &QAction::triggered, m_player, [this] { m_player->stepFrames(10); });
    auto jump = [this](bool forward) {
        if (!m_workspace)
            return;
        const TimelineModel& model = m_workspace->timelineModel();
        const int f = forward ? model.nextBoundary(m_player->currentFrame()) : model.previousBoundary(m_player->currentFrame());
        if (f >= 0) {
            m_player->pause();
            m_player->seekFrame(f);
        }
    };
    connect(a.previousBoundary, &QAction::triggered, this, [jump] { jump(false); });
    connect(a.nextBoundary, &QAction::triggered, this, [jump] { jump(true); });
    connect(a.loopSelection, &QAction::toggled, this, &MainWindow::updateLoop);
    connect(a.mute, &QAction::toggled, m_player, &PlayerController::setMuted);
    connect(a.faster, &QAction::triggered, this, [this] { stepSpeed(1); });
    connect(a.slower, &QAction::triggered, this, [this] { stepSpeed(-1); });
    connect(a.zoomIn, &QAction::triggered, m_timeline, &TimelineWidget::zoomIn);
    connect(a.zoomOut, &QAction::triggered, m_timeline, &TimelineWidget::zoomOut);
    connect(a.fitAll, &QAction::triggered, m_timeline, &TimelineWidget::fitAll);
    connect(a.fitSelection, &QAction::triggered, this, [this] {
        if (m_workspace)
            if (auto s = m_workspace->timelineModel().segment(m_timeline->selectedSegments().value(0)))
                m_timeline->fitRange(s->startFrame, s->endFrame);
    });
    connect(a.quit, &QAction::triggered, this, &QWidget::close);
    connect(a.openProject, &QAction::triggered, this, [this] {
        const QString path = askProjectToOpen(this, m_settings);
        if (!path.isEmpty())
            if (Status s = openProject(path); !s)
                QMessageBox::warning(this, tr("Open project"), s.error());
    });
    connect(a.openServerProject, &QAction::triggered, this, [this] {
        const QString url = askServerProjectUrl(this, m_settings);
        if (!url.isEmpty())
            if (Status s = openProject(url); !s)
                QMessageBox::warning(this, tr("Open server project"), s.error());
    });
    connect(a.newProject, &QAction::triggered, this, [this] {
        const QString path = askNewProjectPath(this, m_settings);
        if (!path.isEmpty())
            if (Status s = newProject(path); !s)
                QMessageBox::warning(this, tr("New project"), s.error());
    });
    connect(a.importVideos, &QAction::triggered, this, [this] {
        if (m_workspace)
            importVideosInteractively(this, m_workspace->store(), this, [this](const QString& report) {
                m_status->showMessageFor(report);
                fillVideoList();
                if (m_panels)
                    m_panels->review()->reload();
                if (!m_videoId && m_videoList->count() > 0) // a new project shows its first video at once
                    showVideo(m_videoList->item(0)->data(Qt::UserRole).toLongLong());
            });
    });
    connect(a.relinkVideos, &QAction::triggered, this, [this] {
        if (m_workspace) {
            m_status->showMessageFor(relinkVideosInteractively(this, m_workspace->store()));
            fillVideoList();
        }
    });
    connect(a.assignWork, &QAction::triggered, this, &MainWindow::showAssignWork);
    connect(a.projectInfo, &QAction::triggered, this, [this] {
        if (m_workspace)
            QMessageBox::information(this, tr("Project info"), projectInfoText(m_workspace->store()));
    });
    connect(a.preferences, &QAction::triggered, this, &MainWindow::showPreferences);
    connect(a.shortcuts, &QAction::triggered, this, &MainWindow::showShortcutSheet);
    connect(a.createDemo, &QAction::triggered, this, &MainWindow::openDemoProject);
    connect(a.about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About"), tr("MicroAction Studio: annotate and review micro-actions in video."));
    });
}

Status MainWindow::openProject(const QString& path)
{
    Result<std::unique_ptr<store::ProjectStore>> opened = store::ProjectStore::open(path, store::OpenMode::PreferReadWrite);
    // A project carrying SQL of its own (triggers, views) is refused; offer a cleaned copy of its data.
    if (!opened && store::carriesForeignSql(path)) {
        const QString copy = store::suggestedCleanCopyPath(path);
        if (QMessageBox::question(this, tr("Open project"),
                                  opened.error() + QStringLiteral("\n\n") + tr("Make a cleaned copy (%1) and open it?").arg(copy))
            == QMessageBox::Yes) {
            Result<store::CleanCopyReport> cleaned = store::writeCleanCopy(path, copy);
            if (!cleaned)
                return Error{cleaned.error()};
            return adoptStore(store::ProjectStore::open(copy, store::OpenMode::PreferReadWrite));
        }
    }
    return adoptStore(std::move(opened));
}

Status MainWindow::newProject(const QString& path)
{
    return adoptStore(store::ProjectStore::create(path, Taxonomy::builtinMa52(), m_annotator));
}

Status MainWindow::adoptStore(Result<std::unique_ptr<store::ProjectStore>> opened)
{
    if (!opened)
        return Error{opened.error()};
    closeProject();
    std::unique_ptr<store::ProjectStore> store = std::move(opened.value());
    if (!m_annotator.isEmpty() && !store->isReadOnly())
        if (auto who = store->setCurrentAnnotator(m_annotator); !who)
            return Error{who.error()};
    m_workspace = std::make_unique<ProjectWorkspace>(std::move(store), *m_timeline);
    ProjectWorkspace& ws = *m_workspace;
    SegmentEditController& editor = ws.segmentEditor();
    editor.setPlayheadSource([this] { return m_player->currentFrame(); });
    connect(m_actions->markIn, &QAction::triggered, &editor, &SegmentEditController::markIn);
    connect(m_actions->markOut, &QAction::triggered, &editor, &SegmentEditController::markOut);
    connect(m_actions->clearMark, &QAction::triggered, &editor, &SegmentEditController::clearMark);
    connect(m_actions->deleteSegment, &QAction::triggered, &editor, &SegmentEditController::deleteSelection);
    connect(m_actions->splitSegment, &QAction::triggered, &editor, &SegmentEditController::splitAtPlayhead);
    connect(m_actions->mergeSegments, &QAction::triggered, &editor, &SegmentEditController::mergeSelection);
    connect(&editor, &SegmentEditController::message, m_status, &ShellStatusBar::showMessageFor);
    connect(&editor, &SegmentEditController::currentSegmentChanged, this, &MainWindow::updateLoop);
    connect(&ws, &ProjectWorkspace::saveStateChanged, this, &MainWindow::updateSaveState);
    connect(&ws.remoteEdits(), &RemoteEditFeed::videosChanged, this, &MainWindow::refreshVideoList);
    // The periodic check of a server project: no edit was made, so the store's "your edit was not
    // saved" becomes what edits will meet until the server answers.
    connect(&ws.remoteEdits(), &RemoteEditFeed::connectionProblem, this, [this](QString problem) {
        if (!m_workspace)
            return;
        if (problem.isEmpty())
            return m_status->showMessageFor(tr("Connected to %1 again").arg(projectDisplayName(m_workspace->store().path())));
        if (isServerUnreachable(problem))
            return m_status->showMessageFor(problem); // said shortly, "... until it answers again", by the status bar
        m_status->showMessageFor(tr("%1 — edits are not saved until it answers again").arg(problem));
    });
    connect(&ws.timelineModel(), &TimelineModel::changed, this, [this] { onFrameChanged(m_player->currentFrame()); });

    QAction* undo = ws.undoStack().createUndoAction(&ws, tr("Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = ws.undoStack().createRedoAction(&ws, tr("Redo"));
    redo->setShortcuts({QKeySequence(QStringLiteral("Ctrl+Shift+Z")), QKeySequence(QStringLiteral("Ctrl+Y"))});
    const QList<QAction*> existing = m_actions->editMenu->actions();
    m_actions->editMenu->insertActions(existing.value(0), {undo, redo});
    m_actions->editMenu->insertSeparator(existing.value(0));
    addActions({undo, redo});
    m_undoView->setStack(&ws.undoStack());

    worker::ModelJobRunner* runner = m_modelRunner;
    if (!runner && !ws.store().isReadOnly()) {
        m_projectRunner = std::make_unique<worker::WorkerJobRunner>(ws.store());
        runner = m_projectRunner.get();
    }
    m_panels = std::make_unique<PanelDocks>(*this, *m_actions->viewMenu, ws, m_settings, runner);
    m_panels->labeling()->liveCoding()->attach(*m_player, *m_timeline, ws.timelineAdapter(), m_videoView, m_actions->clearMark);
    // Long footage: the videos selected in the Videos list, else the one shown.
    m_panels->model()->setVideoSource([this] {
        QVector<store::Id> ids;
        for (QListWidgetItem* item : m_videoList->selectedItems())
            ids << item->data(Qt::UserRole).toLongLong();
        if (ids.isEmpty() && m_videoId)
            ids << m_videoId;
        return ids;
    });
    connect(m_panels->model(), &ModelPanel::storeChangedByJob, this, [this] {
        // New proposals and predictions show on the timeline.
        if (m_workspace && m_videoId)
            m_workspace->timelineAdapter().setVideo(m_videoId, m_player->frameCount(), m_player->fps());
    });
    fillModelMenu();
    connect(&editor, &SegmentEditController::currentSegmentChanged, m_panels.get(), &PanelDocks::setCurrentSegment);
    connect(m_panels.get(), &PanelDocks::statusMessage, m_status, &ShellStatusBar::showMessageFor);
    connect(m_panels.get(), &PanelDocks::clipActivated, this, [this](qint64 videoId, qint64 segmentId) {
        if (videoId != m_videoId)
            showVideo(videoId);
        if (auto s = m_workspace->store().segment(segmentId)) {
            m_player->seekFrame(int(s->startFrame));
            m_timeline->setSelectedSegments({segmentId});
        }
    });
    if (!restoreState(m_settings.value(QStringLiteral("window/state")).toByteArray())) {
        // First run: room for the video list and for the panels' tables.
        resizeDocks({m_videosDock}, {180}, Qt::Horizontal);
        resizeDocks({m_panels->docks().first()}, {560}, Qt::Horizontal);
    }

    m_dataMenu->setStore(&ws.store());
    rememberRecentProject(m_settings, ws.store().path());
    rebuildRecentMenu();
    fillVideoList();
    if (m_videoList->count() > 0)
        showVideo(m_videoList->item(0)->data(Qt::UserRole).toLongLong());
    if (!ws.store().notice().isEmpty())
        m_status->showMessageFor(ws.store().notice());
    updateTitle();
    updateSaveState();
    return {};
}

void MainWindow::closeProject()
{
    if (!m_workspace)
        return;
    m_settings.setValue(QStringLiteral("window/state"), saveState());
    m_player->clearVideo();
    m_frames->close();
    static_cast<AudioPlayback&>(*m_clock).unload();
    m_media->clear();
    m_undoView->setStack(nullptr);
    m_dataMenu->setStore(nullptr);
    m_panels.reset();
    fillModelMenu();
    m_projectRunner.reset(); // cancels a running job before its store closes
    m_workspace.reset(); // removes its undo/redo actions with it
    m_videoId = 0;
    m_videoList->clear();
    m_videoView->clear();
    updateTitle();
}

void MainWindow::showVideo(store::Id videoId)
{
    if (!m_workspace)
        return;
    auto video = m_workspace->store().video(videoId);
    if (!video)
        return m_status->showMessageFor(video.error());
    m_videoId = videoId;
    m_videoMessage.clear();
    m_player->clearVideo();
    m_media->clear();
    m_videoView->clear();
    m_videoView->setMessage(tr("Opening %1...").arg(video->path));
    m_workspace->timelineAdapter().setVideo(videoId, int(video->frameCount), video->fps());
    const QString path = m_workspace->store().absoluteVideoPath(video.value());
    m_frames->open(path, m_workspace->store().cacheDir());
    // The sound drives the playhead where there is a device; otherwise the clock runs silently.
    static_cast<AudioPlayback&>(*m_clock).load(path);
    m_status->setVideoText(tr("%1  %2x%3  %4 fps").arg(QFileInfo(video->path).fileName()).arg(video->width)
                               .arg(video->height).arg(video->fps(), 0, 'f', 2));
    updateTitle();
}

void MainWindow::onVideoOpened(const OpenedVideo& video)
{
    if (!m_workspace)
        return;
    m_videoView->setMessage(QString());
    m_workspace->timelineAdapter().setVideo(m_videoId, video.frameCount, video.fps);
    m_player->setTargetSize(m_videoView->targetFrameSize(video.frameSize));
    m_player->setVideo(video);
    m_media->load(video.path, video.frameCount, video.durationSeconds);
}

void MainWindow::onFrameChanged(int frame)
{
    const double seconds = m_player->secondsOf(frame);
    const int count = m_player->frameCount();
    m_timeline->setPlayhead(frame);
    m_transport->setPosition(frame, count, seconds, m_frames->video().durationSeconds);
    m_videoView->setPositionText(tr("Frame %1 / %2   %3").arg(frame).arg(count).arg(timelineTimeCode(frame, m_player->fps())));
    if (m_workspace)
        m_videoView->setLabelLines(m_workspace->timelineAdapter().labelsAt(frame));
}

void MainWindow::updateLoop()
{
    const auto segment = m_workspace ? m_workspace->timelineModel().segment(m_timeline->selectedSegments().value(0))
                                     : std::nullopt;
    if (m_actions->loopSelection->isChecked() && segment)
        m_player->setLoopRange(segment->startFrame, segment->endFrame);
    else
        m_player->clearLoopRange();
}

void MainWindow::stepSpeed(int direction)
{
    const QVector<double> speeds = TransportBar::speeds();
    int i = 0;
    while (i + 1 < speeds.size() && speeds[i] < m_player->speed() - 1e-6)
        ++i;
    m_player->setSpeed(speeds[std::clamp(i + direction, 0, int(speeds.size()) - 1)]);
}

void MainWindow::showPreferences()
{
    const Taxonomy& taxonomy = m_workspace ? m_workspace->store().taxonomy() : Taxonomy::builtinMa52();
    PreferencesDialog dialog(&m_settings, taxonomy, this);
    connect(&dialog, &PreferencesDialog::preferencesChanged, this, [this] {
        const Preferences prefs = Preferences::load(m_settings);
        qApp->setPalette(paletteForTheme(prefs.theme, style()->standardPalette()));
        if (m_panels)
            m_panels->labeling()->reloadHotkeys();
    });
    dialog.exec();
}

void MainWindow::showAssignWork()
{
    if (!m_workspace) {
        m_status->showMessageFor(tr("Open a project to assign work"));
        return;
    }
    AssignWorkDialog dialog(m_workspace->store(), this);
    // This window's My work follows at once; on a server, teammates' windows hear it like any other edit.
    connect(&dialog, &AssignWorkDialog::assignmentsChanged, this, [this] {
        if (m_panels)
            m_panels->review()->refreshKeepingPlace();
    });
    dialog.exec();
}

void MainWindow::showShortcutSheet()
{
    const Taxonomy& taxonomy = m_workspace ? m_workspace->store().taxonomy() : Taxonomy::builtinMa52();
    ShortcutSheetDialog sheet(&m_settings, taxonomy, this); // modal: it reads the open project's taxonomy
    QVector<ShortcutSheetDialog::Entry> keys;
    for (const auto& [name, key] : m_actions->keyTable())
        keys << ShortcutSheetDialog::Entry{key, name};
    sheet.addSection(tr("Window"), keys);
    sheet.exec();
}

void MainWindow::openDemoProject()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
    m_status->showMessageFor(tr("Making the demo project (generated videos) in %1...").arg(folder));
    if (Status opened = openDemo(folder); !opened)
        QMessageBox::warning(this, tr("Demo project"), opened.error());
}

Status MainWindow::openDemo(const QString& folder, const DemoOptions& options)
{
    auto path = ensureDemoProject(folder, options);
    if (!path)
        return Error{path.error()};
    if (Status opened = openProject(path.value()); !opened)
        return opened;
    if (!m_panels || !m_panels->model()->runner() || !DemoModel::needed(m_workspace->store()))
        return {};
    // After the window has shown the project: the demo opens at once, its model trains in the background.
    auto* demo = new DemoModel(m_workspace->store(), *m_panels->model());
    connect(demo, &DemoModel::finished, this, [this](bool ok, const QString& message) {
        m_status->showMessageFor(ok ? tr("The demo model is trained, has pre-labeled the open segments and is evaluated")
                                    : tr("The demo model was not trained: %1").arg(message));
    });
    QTimer::singleShot(0, demo, [this, demo] {
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("modelDock")))
            dock->raise();
        if (Status s = demo->start(); !s)
            m_status->showMessageFor(tr("The demo model was not trained: %1").arg(s.error()));
        else
            m_status->showMessageFor(tr("Training a small demo model in the background (see the Model dock)"));
    });
    return {};
}

void MainWindow::fillModelMenu()
{
    m_modelMenu->clear();
    if (!m_panels) {
        m_modelMenu->addAction(tr("Open a project to bring a model in"))->setEnabled(false);
        return;
    }
    for (QAction* action : m_panels->model()->menuActions()) {
        if (action)
            m_modelMenu->addAction(action);
        else
            m_modelMenu->addSeparator();
    }
}

void MainWindow::updateTitle()
{
    QString title = QStringLiteral("MicroAction Studio");
    if (m_workspace) {
        const store::ProjectStore& store = m_workspace->store();
        title = projectDisplayName(store.path()) + QStringLiteral("[*] - ") + title;
        if (store.isReadOnly())
            title += tr(" [read-only]");
    }
    setWindowTitle(title);
}

void MainWindow::updateSaveState()
{
    if (!m_workspace) {
        setWindowModified(false);
        m_status->setSaveState(0, {}, {}, false);
        return;
    }
    // Every edit is committed when made: the window is "modified" only when one failed.
    const QString failure = m_workspace->lastFailure();
    setWindowModified(!failure.isEmpty());
    m_status->setSaveState(m_workspace->editCount(), m_workspace->lastEditTime(), failure, m_workspace->store().isReadOnly());
    if (!failure.isEmpty())
        m_status->showMessageFor(failure);
}

void MainWindow::rebuildRecentMenu()
{
    m_actions->recentMenu->clear();
    for (const QString& path : recentProjects(m_settings))
        m_actions->recentMenu->addAction(path, this, [this, path] {
            if (Status s = openProject(path); !s)
                QMessageBox::warning(this, tr("Open project"), s.error());
        });
    m_actions->recentMenu->setEnabled(!m_actions->recentMenu->isEmpty());
}

void MainWindow::fillVideoList()
{
    m_videoList->clear();
    if (!m_workspace)
        return;
    auto videos = m_workspace->store().videos();
    if (!videos)
        return m_status->showMessageFor(videos.error());
    for (const store::Video& v : videos.value()) {
        auto* item = new QListWidgetItem(v.missing ? tr("%1 (missing)").arg(v.path) : v.path, m_videoList);
        item->setData(Qt::UserRole, qint64(v.id));
        item->setToolTip(tr("%1 frames, %2 s").arg(v.frameCount).arg(v.durationSeconds, 0, 'f', 1));
    }
}

void MainWindow::refreshVideoList()
{
    const store::Id shown = m_videoId;
    fillVideoList();
    for (int i = 0; i < m_videoList->count(); ++i)
        if (m_videoList->item(i)->data(Qt::UserRole).toLongLong() == shown) {
            m_videoList->setCurrentRow(i);
            return;
        }
    if (!shown)
        return;
    // The video shown was removed by a teammate: show the first one left, or none.
    if (m_videoList->count() > 0) {
        showVideo(m_videoList->item(0)->data(Qt::UserRole).toLongLong());
        return;
    }
    m_videoId = 0;
    m_player->clearVideo();
    m_media->clear();
    m_videoView->clear();
    m_workspace->timelineAdapter().setVideo(0, 0, 0);
    m_status->setVideoText(QString());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

} // namespace mas::ui
