#include "shell/PanelDocks.h"

#include "charts/ChartsPanel.h"
#include "labeling/LabelingPanel.h"
#include "modelpanel/ModelPanel.h"
#include "review/ReviewQueueWidget.h"
#include "shell/ProjectWorkspace.h"

#include "ModelJobRunner.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>

namespace mas::ui {

PanelDocks::PanelDocks(QMainWindow& window, QMenu& viewMenu, ProjectWorkspace& workspace, QSettings& settings,
                       worker::ModelJobRunner* runner)
    : QObject(&window), m_window(window), m_viewMenu(viewMenu)
{
    EditContext& context = workspace.context();
    m_labeling = new LabelingPanel(context, &workspace.undoStack(), workspace.store().taxonomy(), &settings);
    addDock(m_labeling, tr("Labels"), QStringLiteral("labelingDock"), Qt::RightDockWidgetArea);
    m_review = new ReviewQueueWidget(context, &workspace.undoStack());
    addDock(m_review, tr("Review queue"), QStringLiteral("reviewDock"), Qt::RightDockWidgetArea);
    m_charts = new ChartsPanel(workspace.store());
    QDockWidget* chartsDock = addDock(m_charts, tr("Charts"), QStringLiteral("chartsDock"), Qt::RightDockWidgetArea);
    m_window.tabifyDockWidget(m_docks[1], chartsDock);
    m_model = new ModelPanel(workspace.store(), runner, &settings);
    QDockWidget* modelDock = addDock(m_model, tr("Model"), QStringLiteral("modelDock"), Qt::RightDockWidgetArea);
    m_window.tabifyDockWidget(chartsDock, modelDock);
    m_docks[1]->raise();

    connect(m_model, &ModelPanel::statusMessage, this, &PanelDocks::statusMessage);
    // A job or another active version changes predictions: the queue and charts read them again.
    auto reloadViews = [this] {
        m_review->reload();
        m_charts->reload();
    };
    connect(m_model, &ModelPanel::activeModelChanged, this, reloadViews);
    // Teammates' edits of a server project: the queue (staying on its clip) and the charts re-query.
    connect(&workspace.remoteEdits(), &RemoteEditFeed::changed, this, [this] {
        m_review->refreshKeepingPlace();
        m_charts->reload();
    });
    connect(m_model, &ModelPanel::storeChangedByJob, this, reloadViews);
    if (runner) {
        // Charts > Training follows a running fine-tune epoch by epoch, then returns to the stored curves.
        connect(runner, &worker::ModelJobRunner::progress, m_charts, [this](const worker::JobProgress& p) {
            if (!p.epochs.isEmpty())
                m_charts->showLiveTraining(p.epochs, p.jobName);
        });
        connect(runner, &worker::ModelJobRunner::finished, m_charts, &ChartsPanel::endLiveTraining);
    }
    // The queue's current row is the segment the class hotkeys label.
    connect(m_review, &ReviewQueueWidget::segmentActivated, m_labeling, &LabelingPanel::setCurrentSegment);

    connect(m_labeling, &LabelingPanel::statusMessage, this, &PanelDocks::statusMessage);
    connect(m_review, &ReviewQueueWidget::statusMessage, this, &PanelDocks::statusMessage);
    connect(m_charts, &ChartsPanel::statusMessage, this, &PanelDocks::statusMessage);
    connect(m_review, &ReviewQueueWidget::clipActivated, this, &PanelDocks::clipActivated);
    connect(m_charts, &ChartsPanel::reviewFilterRequested, m_review, [this, chartsDock](const store::ClipFilter& filter) {
        m_review->setFilter(filter);
        m_docks[1]->raise();
        Q_UNUSED(chartsDock);
    });
}

PanelDocks::~PanelDocks()
{
    for (QDockWidget* dock : m_docks) {
        m_viewMenu.removeAction(dock->toggleViewAction());
        m_window.removeDockWidget(dock);
        delete dock;
    }
}

QDockWidget* PanelDocks::addDock(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, &m_window);
    dock->setObjectName(objectName);
    dock->setWidget(panel);
    m_window.addDockWidget(area, dock);
    m_viewMenu.addAction(dock->toggleViewAction());
    m_docks << dock;
    return dock;
}

void PanelDocks::setCurrentSegment(store::Id segmentId)
{
    m_labeling->setCurrentSegment(segmentId);
}

} // namespace mas::ui
