#pragma once
// The panels of one open project as dock widgets (labeling, review queue, charts, model), made when the
// project opens and dropped when it closes, each with a toggle in the View menu. Dock object names
// are stable so QMainWindow::saveState/restoreState keep the layout across runs.
#include "store/StoreTypes.h"

#include <QList>
#include <QObject>

class QDockWidget;
class QMainWindow;
class QMenu;
class QSettings;

namespace mas::worker {
class ModelJobRunner;
}

namespace mas::ui {

class LabelingPanel;
class ModelPanel;
class ProjectWorkspace;
class ReviewQueueWidget;
class ChartsPanel;

class PanelDocks : public QObject {
    Q_OBJECT
public:
    // `runner` may be null: the model panel then says the model worker is not available.
    PanelDocks(QMainWindow& window, QMenu& viewMenu, ProjectWorkspace& workspace, QSettings& settings,
               worker::ModelJobRunner* runner = nullptr);
    ~PanelDocks() override;

    LabelingPanel* labeling() const { return m_labeling; }
    ReviewQueueWidget* review() const { return m_review; }
    ChartsPanel* charts() const { return m_charts; }
    ModelPanel* model() const { return m_model; }
    QList<QDockWidget*> docks() const { return m_docks; }

public Q_SLOTS:
    void setCurrentSegment(mas::store::Id segmentId);

Q_SIGNALS:
    void clipActivated(qint64 videoId, qint64 segmentId);
    void statusMessage(const QString& text);

private:
    QDockWidget* addDock(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area);

    QMainWindow& m_window;
    QMenu& m_viewMenu;
    QList<QDockWidget*> m_docks;
    LabelingPanel* m_labeling = nullptr;
    ReviewQueueWidget* m_review = nullptr;
    ChartsPanel* m_charts = nullptr;
    ModelPanel* m_model = nullptr;
};

} // namespace mas::ui
