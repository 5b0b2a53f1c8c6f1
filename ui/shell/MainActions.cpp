#include "shell/MainActions.h"

#include <QAction>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenuBar>
#include <QStyle>

namespace mas::ui {

QAction* MainActions::make(const QString& text, const QString& key, const QString& tip, bool checkable)
{
    auto* a = new QAction(text, m_window);
    // Several keys are separated by "; " (", " inside one QKeySequence would make a two-key chord).
    if (!key.isEmpty())
        a->setShortcuts(QKeySequence::listFromString(key));
    const QString keys = QString(key).replace(QStringLiteral("; "), tr(" or "));
    a->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, keys));
    a->setStatusTip(tip);
    a->setCheckable(checkable);
    // Window-wide: the keys work whichever panel has focus (text fields keep their own keys).
    a->setShortcutContext(Qt::WindowShortcut);
    m_window->addAction(a);
    m_all << a;
    return a;
}

MainActions::MainActions(QMainWindow* window) : QObject(window), m_window(window)
{
    QStyle* style = window->style();
    newProject = make(tr("New project..."), QStringLiteral("Ctrl+N"), tr("Create an empty project file"));
    openProject = make(tr("Open project..."), QStringLiteral("Ctrl+O"), tr("Open a project file (.mas)"));
    openServerProject = make(tr("Open server project..."), QString(), tr("Open a team project on a PostgreSQL server (postgresql://...)"));
    importVideos = make(tr("Import videos..."), QStringLiteral("Ctrl+Shift+I"), tr("Add a folder of videos (participant from the file name)"));
    relinkVideos = make(tr("Relink missing videos..."), QString(), tr("Find moved video files in a folder"));
    assignWork = make(tr("Assign work..."), QString(), tr("Who works on what: curators give annotators participants or videos"));
    projectInfo = make(tr("Project info"), QString(), tr("Counts of videos, segments, labels and models"));
    createDemo = make(tr("Open demo project"), QString(), tr("Create (once) and open the demo project"));
    quit = make(tr("Quit"), QStringLiteral("Ctrl+Q"), tr("Quit MicroAction Studio (every edit is already saved)"));

    markIn = make(tr("Mark in"), QStringLiteral("I"), tr("Start a segment at the current frame on the active track"));
    markOut = make(tr("Mark out"), QStringLiteral("O"), tr("End the segment at the current frame (inclusive) and create it"));
    clearMark = make(tr("Clear mark"), QStringLiteral("Esc"), tr("Forget the mark-in"));
    deleteSegment = make(tr("Delete segment"), QStringLiteral("Del; Backspace"), tr("Delete the selected segments"));
    splitSegment = make(tr("Split at playhead"), QStringLiteral("S"), tr("Split the selected segment at the current frame"));
    mergeSegments = make(tr("Merge segments"), QStringLiteral("M"), tr("Merge the selected segments (or the selected one with the next)"));

    playPause = make(tr("Play / pause"), QStringLiteral("Space"), tr("Play or pause"));
    playPause->setIcon(style->standardIcon(QStyle::SP_MediaPlay));
    stepBack = make(tr("Previous frame"), QStringLiteral("Left"), tr("One frame back"));
    stepBack->setIcon(style->standardIcon(QStyle::SP_MediaSeekBackward));
    stepForward = make(tr("Next frame"), QStringLiteral("Right"), tr("One frame forward"));
    stepForward->setIcon(style->standardIcon(QStyle::SP_MediaSeekForward));
    stepBack10 = make(tr("10 frames back"), QStringLiteral("Shift+Left"), tr("Ten frames back"));
    stepBack10->setIconText(QStringLiteral("-10"));
    stepForward10 = make(tr("10 frames forward"), QStringLiteral("Shift+Right"), tr("Ten frames forward"));
    stepForward10->setIconText(QStringLiteral("+10"));
    previousBoundary = make(tr("Previous boundary"), QStringLiteral("Ctrl+Left"), tr("Jump to the previous segment boundary"));
    previousBoundary->setIcon(style->standardIcon(QStyle::SP_MediaSkipBackward));
    nextBoundary = make(tr("Next boundary"), QStringLiteral("Ctrl+Right"), tr("Jump to the next segment boundary"));
    nextBoundary->setIcon(style->standardIcon(QStyle::SP_MediaSkipForward));
    loopSelection = make(tr("Loop selection"), QStringLiteral("L"), tr("Play the selected segment over and over"), true);
    loopSelection->setIconText(tr("Loop"));
    mute = make(tr("Mute"), QStringLiteral("Ctrl+M"), tr("Mute the sound"), true);
    mute->setIcon(style->standardIcon(QStyle::SP_MediaVolume));
    faster = make(tr("Faster"), QStringLiteral("]"), tr("Play faster"));
    slower = make(tr("Slower"), QStringLiteral("["), tr("Play slower"));

    zoomIn = make(tr("Zoom in"), QStringLiteral("Ctrl+=; Ctrl++"), tr("Zoom the timeline in (Ctrl+wheel too)"));
    zoomOut = make(tr("Zoom out"), QStringLiteral("Ctrl+-"), tr("Zoom the timeline out"));
    fitAll = make(tr("Fit all"), QStringLiteral("Ctrl+0"), tr("Show the whole video on the timeline"));
    fitSelection = make(tr("Fit selection"), QStringLiteral("Z"), tr("Zoom the timeline onto the selected segment"));

    preferences = make(tr("Preferences..."), QStringLiteral("Ctrl+,"), tr("Hotkeys, frame cache, device, theme, window and stride"));
    shortcuts = make(tr("Keyboard shortcuts"), QStringLiteral("F1"), tr("Show every key"));
    about = make(tr("About MicroAction Studio"), QString(), tr("Version and licences"));

    QMenuBar* bar = window->menuBar();
    QMenu* project = bar->addMenu(tr("Project"));
    project->addActions({newProject, openProject, openServerProject});
    recentMenu = project->addMenu(tr("Recent projects"));
    project->addSeparator();
    project->addActions({importVideos, relinkVideos, assignWork, projectInfo});
    project->addSeparator();
    project->addAction(createDemo);
    project->addSeparator();
    project->addAction(preferences);
    project->addSeparator();
    project->addAction(quit);

    editMenu = bar->addMenu(tr("Segment"));
    editMenu->addActions({markIn, markOut, clearMark});
    editMenu->addSeparator();
    editMenu->addActions({deleteSegment, splitSegment, mergeSegments});

    QMenu* playback = bar->addMenu(tr("Playback"));
    playback->addActions({playPause, stepBack, stepForward, stepBack10, stepForward10, previousBoundary, nextBoundary});
    playback->addSeparator();
    playback->addActions({loopSelection, faster, slower, mute});

    viewMenu = bar->addMenu(tr("View"));
    viewMenu->addActions({zoomIn, zoomOut, fitAll, fitSelection});
    viewMenu->addSeparator();

    QMenu* help = bar->addMenu(tr("Help"));
    help->addActions({shortcuts, about});
}

QList<QPair<QString, QString>> MainActions::keyTable() const
{
    QList<QPair<QString, QString>> rows;
    for (QAction* a : m_all)
        if (!a->shortcut().isEmpty())
            rows << qMakePair(a->text().remove(QStringLiteral("...")),
                              QKeySequence::listToString(a->shortcuts(), QKeySequence::NativeText));
    return rows;
}

} // namespace mas::ui
