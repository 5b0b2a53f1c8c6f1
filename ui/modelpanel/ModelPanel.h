#pragma once
// The model dock: bring a model in (import a checkpoint after seeing what it holds, or make a new one),
// run pre-label (clips or long footage), fine-tune and evaluate through a worker::ModelJobRunner
// (progress bar, items/s, time left, pause, cancel; input never blocks: the runner works on its own
// thread), and the project's model versions with their measured figures: activate, roll back, rename,
// delete and export. The main window's Model menu shows the same actions (menuActions()).
#include "ModelCatalog.h"
#include "ModelJobRunner.h"
#include "store/ProjectStore.h"

#include <QFutureWatcher>
#include <QWidget>

#include <functional>

class QAction;
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
    // `runner` may be null (no worker): the run controls are then disabled and say so.
    // `settings` (may be null) supplies the device (prefs/, see Preferences.h).
    ModelPanel(store::ProjectStore& store, worker::ModelJobRunner* runner, QSettings* settings = nullptr,
               QWidget* parent = nullptr);
    ~ModelPanel() override;

    ModelVersionsModel* versionsModel() const { return m_versions; }
    QTableView* versionsTable() const { return m_table; }
    worker::ModelJobRunner* runner() const { return m_runner; }
    // What the Model menu lists (null entries: separators).
    QList<QAction*> menuActions() const;
    // The videos "pre-label long footage" works on: the main window's selected videos, else its current one.
    void setVideoSource(std::function<QVector<store::Id>()> source) { m_videoSource = std::move(source); }

    // --- bringing a model in ---
    // File dialog, then inspectModelFile off the GUI thread (busy indicator), then the summary dialog.
    void importCheckpointInteractively();
    // The same from a known file (no file dialog). Returns at once; the dialog opens when the file is read.
    void inspectAndOffer(const QString& path);
    bool isInspecting() const;
    void newModelInteractively();

    // --- versions ---
    bool activateSelected();
    bool rollBack();
    bool renameSelected(const QString& newName);
    // Deletes the selected version; `confirmed` false asks first when it is active or has children.
    bool deleteSelected(bool confirmed = false);
    bool exportSelected(const QString& outPath);
    void selectVersion(store::Id versionId);
    store::Id selectedVersion() const;

    // --- runs ---
    // With defaults and no dialog (pre-label clips; fine-tune and evaluate on the newest plan).
    bool startJob(worker::ModelJobKind kind);
    // Any request (device from the preferences unless set to something else than "cpu").
    bool startRequest(worker::ModelJobRequest request);
    void prelabelFootageInteractively();
    void fineTuneInteractively();
    void evaluateInteractively();
    void togglePause();

public Q_SLOTS:
    void reload();
    void showProgress(const mas::worker::JobProgress& progress);
    void showOutcome(const mas::worker::JobOutcome& outcome);

Q_SIGNALS:
    void activeModelChanged(qint64 versionId);
    // A job or a catalogue change altered the store (new predictions, a new version): views should reload.
    void storeChangedByJob();
    void statusMessage(const QString& text);

private:
    QAction* makeAction(const QString& text, const QString& name, const QString& tip);
    void setRunning(bool running);
    void updateButtons();
    bool activate(store::Id versionId);
    void offerImport(const QString& path, const Result<worker::CheckpointSummary>& summary);
    QString uniqueVersionName(const QString& base) const;
    void say(const QString& text);

    store::ProjectStore& m_store;
    worker::ModelJobRunner* m_runner;
    QSettings* m_settings;
    std::function<QVector<store::Id>()> m_videoSource;
    QFutureWatcher<Result<worker::CheckpointSummary>>* m_inspect = nullptr;
    QString m_inspectPath;
    ModelVersionsModel* m_versions = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_rate = nullptr;
    QLabel* m_activeLabel = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_cancel = nullptr;
    // Actions (buttons in the dock, entries in the Model menu).
    QAction* m_importAction = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_prelabelAction = nullptr;
    QAction* m_footageAction = nullptr;
    QAction* m_fineTuneAction = nullptr;
    QAction* m_evaluateAction = nullptr;
    QAction* m_activateAction = nullptr;
    QAction* m_rollBackAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QList<QAction*> m_menuActions;
};

} // namespace mas::ui
