#pragma once
// The model dock: run pre-label / fine-tune / evaluate through a ModelJobRunner (progress bar,
// items/s, time left, cancel; input never blocks: the runner works on its own thread), and the
// project's model versions with their metrics, to activate one or roll back to the active one's parent.
#include "modelpanel/ModelJobRunner.h"
#include "store/ProjectStore.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QTableView;

namespace mas::ui {

class ModelVersionsModel;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    // `runner` may be null (no worker yet): the run controls are then disabled and say so.
    // `settings` (may be null) supplies device, window and stride (prefs/, see Preferences.h).
    ModelPanel(store::ProjectStore& store, ModelJobRunner* runner, QSettings* settings = nullptr,
               QWidget* parent = nullptr);

    ModelVersionsModel* versionsModel() const { return m_versions; }
    QTableView* versionsTable() const { return m_table; }
    // The versions-table actions (also on buttons). False with statusMessage on failure.
    bool activateSelected();
    bool rollBack();
    bool startJob(ModelJobKind kind);

public Q_SLOTS:
    void reload();
    void showProgress(const mas::worker::JobProgress& progress);
    void showOutcome(const mas::worker::JobOutcome& outcome);

Q_SIGNALS:
    void activeModelChanged(qint64 versionId);
    // A job changed the store (new predictions, a new version): views should reload.
    void storeChangedByJob();
    void statusMessage(const QString& text);

private:
    void setRunning(bool running);
    void updateButtons();
    bool activate(store::Id versionId);

    store::ProjectStore& m_store;
    ModelJobRunner* m_runner;
    QSettings* m_settings;
    ModelVersionsModel* m_versions = nullptr;
    QComboBox* m_kind = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_rate = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_activate = nullptr;
    QPushButton* m_rollBack = nullptr;
};

} // namespace mas::ui
