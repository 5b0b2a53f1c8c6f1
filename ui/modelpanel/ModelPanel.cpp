#include "modelpanel/ModelPanel.h"

#include "WorkerJobRunner.h"
#include "modelpanel/ModelDialogs.h"
#include "modelpanel/ModelVersionsModel.h"
#include "prefs/Preferences.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mas::ui {

using worker::ModelJobKind;
using worker::ModelJobRequest;
using worker::ModelJobRunner;

namespace {
QString durationText(double seconds)
{
    if (seconds < 0)
        return QObject::tr("time left unknown");
    const qint64 s = qint64(seconds + 0.5);
    return s >= 3600 ? QObject::tr("%1:%2:%3 left").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QObject::tr("%1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

QToolButton* buttonFor(QAction* action, QWidget* parent)
{
    auto* button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setObjectName(action->objectName() + QStringLiteral("Button"));
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    return button;
}

QString lastDirectory(QSettings* settings)
{
    return settings ? settings->value(QStringLiteral("model/lastDirectory")).toString() : QString();
}
} // namespace

ModelPanel::ModelPanel(store::ProjectStore& store, ModelJobRunner* runner, QSettings* settings, QWidget* parent)
    : QWidget(parent), m_store(store), m_runner(runner), m_settings(settings)
{
    setObjectName(QStringLiteral("modelPanel"));
    // No mnemonics on A..G in texts shown on buttons (tool buttons show them without '&'; menus are local).
    m_importAction = makeAction(tr("&Import checkpoint..."), QStringLiteral("importCheckpoint"),
                                tr("Bring in the MA-52 authors' MANet weights, a checkpoint of this app, or an "
                                   "ImageNet ResNet backbone; see what the file holds before anything is added"));
    m_newAction = makeAction(tr("&New model..."), QStringLiteral("newModel"),
                             tr("A new MANet (ResNet-18/34/50) from an imported ImageNet backbone or random weights"));
    m_prelabelAction = makeAction(tr("&Pre-label clips"), QStringLiteral("prelabelClips"),
                                  tr("Top-5 classes for every segment that is not confirmed yet"));
    m_footageAction = makeAction(tr("Pre-label long &footage..."), QStringLiteral("prelabelFootage"),
                                 tr("Slide a window over the current video (or the videos selected) and propose segments"));
    m_fineTuneAction = makeAction(tr("Fine-&tune..."), QStringLiteral("fineTune"),
                                  tr("Train a new version on the confirmed labels of a split plan's train participants"));
    m_evaluateAction = makeAction(tr("E&valuate..."), QStringLiteral("evaluate"),
                                  tr("Measure a version on a split (test by default) and store the figures on it"));
    m_activateAction = makeAction(tr("Ac&tivate"), QStringLiteral("activateVersion"),
                                  tr("Use the selected version for pre-labels and the review queue"));
    m_rollBackAction = makeAction(tr("&Roll back"), QStringLiteral("rollBackVersion"),
                                  tr("Activate the version the active one was fine-tuned from"));
    m_renameAction = makeAction(tr("Rena&me..."), QStringLiteral("renameVersion"), tr("Rename the selected version"));
    m_exportAction = makeAction(tr("E&xport as checkpoint..."), QStringLiteral("exportVersion"),
                                tr("Write the selected version as a .pth in the authors' key layout"));
    m_deleteAction = makeAction(tr("De&lete"), QStringLiteral("deleteVersion"),
                                tr("Remove the selected version, its predictions and its cached checkpoint"));
    m_activateAction->setText(tr("Ac&tivate version"));
    m_menuActions = {m_importAction, m_newAction, nullptr, m_prelabelAction, m_footageAction, m_fineTuneAction,
                     m_evaluateAction, nullptr, m_activateAction, m_rollBackAction, m_renameAction, m_exportAction,
                     m_deleteAction};

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    m_activeLabel = new QLabel(this);
    m_activeLabel->setObjectName(QStringLiteral("activeModel"));
    m_activeLabel->setWordWrap(true);
    auto* bringIn = new QHBoxLayout;
    bringIn->addWidget(m_activeLabel, 1);
    bringIn->addWidget(buttonFor(m_importAction, this));
    bringIn->addWidget(buttonFor(m_newAction, this));
    layout->addLayout(bringIn);

    auto* run = new QGroupBox(tr("Run"), this);
    auto* runLayout = new QVBoxLayout(run);
    auto* runButtons = new QHBoxLayout;
    for (QAction* a : {m_prelabelAction, m_footageAction, m_fineTuneAction, m_evaluateAction})
        runButtons->addWidget(buttonFor(a, run));
    runButtons->addStretch();
    runLayout->addLayout(runButtons);
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(run);
    m_progress->setObjectName(QStringLiteral("jobProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_pause = new QPushButton(tr("Pause"), run);
    m_pause->setObjectName(QStringLiteral("pauseJob"));
    m_pause->setCheckable(true);
    m_cancel = new QPushButton(tr("Cancel"), run);
    m_cancel->setObjectName(QStringLiteral("cancelJob"));
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_pause);
    progressRow->addWidget(m_cancel);
    runLayout->addLayout(progressRow);
    m_rate = new QLabel(run);
    m_rate->setObjectName(QStringLiteral("jobRate"));
    m_rate->setWordWrap(true);
    runLayout->addWidget(m_rate);
    layout->addWidget(run);

    auto* versions = new QGroupBox(tr("Model versions"), this);
    auto* versionsLayout = new QVBoxLayout(versions);
    m_versions = new ModelVersionsModel(store, this);
    m_table = new QTableView(versions);
    m_table->setObjectName(QStringLiteral("versionsTable"));
    m_table->setModel(m_versions);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setMinimumHeight(150); // a few versions stay in sight when the dock is short
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (QAction* a : {m_activateAction, m_rollBackAction, m_renameAction, m_exportAction, m_deleteAction})
        m_table->addAction(a);
    versionsLayout->addWidget(m_table, 1);
    auto* buttons = new QHBoxLayout;
    for (QAction* a : {m_activateAction, m_rollBackAction, m_renameAction, m_exportAction, m_deleteAction})
        buttons->addWidget(buttonFor(a, versions));
    buttons->addStretch();
    versionsLayout->addLayout(buttons);
    layout->addWidget(versions, 1);

    connect(m_importAction, &QAction::triggered, this, &ModelPanel::importCheckpointInteractively);
    connect(m_newAction, &QAction::triggered, this, &ModelPanel::newModelInteractively);
    connect(m_prelabelAction, &QAction::triggered, this, [this] { startJob(ModelJobKind::PreLabel); });
    connect(m_footageAction, &QAction::triggered, this, &ModelPanel::prelabelFootageInteractively);
    connect(m_fineTuneAction, &QAction::triggered, this, &ModelPanel::fineTuneInteractively);
    connect(m_evaluateAction, &QAction::triggered, this, &ModelPanel::evaluateInteractively);
    connect(m_activateAction, &QAction::triggered, this, &ModelPanel::activateSelected);
    connect(m_rollBackAction, &QAction::triggered, this, &ModelPanel::rollBack);
    connect(m_renameAction, &QAction::triggered, this, [this] {
        const store::Id id = selectedVersion();
        const int row = m_versions->rowOfVersion(id);
        if (row < 0)
            return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename model version"), tr("New name:"), QLineEdit::Normal,
                                                   m_versions->version(row).name, &ok);
        if (ok)
            renameSelected(name);
    });
    connect(m_exportAction, &QAction::triggered, this, [this] {
        const int row = m_versions->rowOfVersion(selectedVersion());
        if (row < 0)
            return;
        QFileDialog dialog(this, tr("Export model version"), lastDirectory(m_settings),
                           tr("PyTorch checkpoints (*.pth)"));
        dialog.setObjectName(QStringLiteral("exportFileDialog"));
        dialog.setAcceptMode(QFileDialog::AcceptSave);
        dialog.setDefaultSuffix(QStringLiteral("pth"));
        dialog.selectFile(m_versions->version(row).name + QStringLiteral(".pth"));
        if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
            exportSelected(dialog.selectedFiles().first());
    });
    connect(m_deleteAction, &QAction::triggered, this, [this] { deleteSelected(false); });
    connect(m_pause, &QPushButton::clicked, this, &ModelPanel::togglePause);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner && m_runner->isRunning()) {
            m_runner->cancel();
            m_rate->setText(tr("Cancelling after the current batch..."));
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ModelPanel::updateButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &ModelPanel::updateButtons);
    connect(m_table, &QTableView::activated, this, [this] { activateSelected(); });
    if (m_runner) {
        connect(m_runner, &ModelJobRunner::progress, this, &ModelPanel::showProgress);
        connect(m_runner, &ModelJobRunner::finished, this, &ModelPanel::showOutcome);
        connect(m_runner, &ModelJobRunner::started, this, [this](const QString& name) {
            setRunning(true);
            m_rate->setText(tr("%1 started").arg(name));
        });
    }
    setRunning(m_runner && m_runner->isRunning());
    if (!m_runner)
        m_rate->setText(tr("The model worker is not available in this build"));
    reload();
}

ModelPanel::~ModelPanel()
{
    if (m_inspect) // the inspection keeps running on the pool; its result goes nowhere
        m_inspect->disconnect(this);
}

QAction* ModelPanel::makeAction(const QString& text, const QString& name, const QString& tip)
{
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    return action;
}

QList<QAction*> ModelPanel::menuActions() const
{
    return m_menuActions;
}

void ModelPanel::say(const QString& text)
{
    m_rate->setText(text);
    Q_EMIT statusMessage(text);
}

void ModelPanel::reload()
{
    const store::Id selected = selectedVersion();
    m_versions->reload();
    if (!m_versions->lastError().isEmpty())
        Q_EMIT statusMessage(m_versions->lastError());
    const auto active = m_store.activeModelVersion();
    if (active)
        m_activeLabel->setText(tr("Active model: <b>%1</b> (%2)").arg(active->name.toHtmlEscaped(), active->kind));
    else if (m_versions->rowCount() > 0)
        m_activeLabel->setText(tr("No active model: pick a version below and activate it."));
    else
        m_activeLabel->setText(tr("No model yet: import a checkpoint (for example the MA-52 authors' MANet "
                                  "weights) or make a new model."));
    selectVersion(selected ? selected : (active ? active->id : 0));
    updateButtons();
}

void ModelPanel::selectVersion(store::Id versionId)
{
    const int row = m_versions->rowOfVersion(versionId);
    if (row >= 0)
        m_table->selectRow(row);
}

store::Id ModelPanel::selectedVersion() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(ModelVersionsModel::VersionIdRole).toLongLong() : 0;
}

void ModelPanel::setRunning(bool running)
{
    const bool canRun = m_runner && !running && !m_store.isReadOnly();
    for (QAction* a : {m_prelabelAction, m_footageAction, m_fineTuneAction, m_evaluateAction})
        a->setEnabled(canRun);
    m_cancel->setEnabled(m_runner && running);
    m_pause->setEnabled(running && qobject_cast<worker::WorkerJobRunner*>(m_runner));
    if (!running) {
        m_pause->setChecked(false);
        m_pause->setText(tr("Pause"));
    }
    updateButtons();
}

void ModelPanel::updateButtons()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const bool running = m_runner && m_runner->isRunning();
    const bool writable = !m_store.isReadOnly();
    const bool busy = running || isInspecting();
    m_importAction->setEnabled(writable && !busy);
    m_newAction->setEnabled(writable && !busy);
    m_activateAction->setEnabled(!running && current.isValid() && !current.data(ModelVersionsModel::ActiveRole).toBool());
    const auto active = m_store.activeModelVersion();
    m_rollBackAction->setEnabled(!running && active && active->parentId != 0);
    m_renameAction->setEnabled(writable && !running && current.isValid());
    m_exportAction->setEnabled(!running && current.isValid());
    m_deleteAction->setEnabled(writable && !running && current.isValid());
}

bool ModelPanel::activate(store::Id versionId)
{
    if (Status s = m_store.setActiveModelVersion(versionId); !s.ok()) {
        Q_EMIT statusMessage(s.error());
        return false;
    }
    reload();
    selectVersion(versionId);
    const int row = m_versions->rowOfVersion(versionId);
    Q_EMIT statusMessage(tr("Active model: %1").arg(row >= 0 ? m_versions->version(row).name : tr("none")));
    Q_EMIT activeModelChanged(versionId);
    return true;
}

bool ModelPanel::activateSelected()
{
    const store::Id id = selectedVersion();
    if (!id || (m_runner && m_runner->isRunning()))
        return false;
    return activate(id);
}

bool ModelPanel::rollBack()
{
    const auto active = m_store.activeModelVersion();
    if (!active || active->parentId == 0 || (m_runner && m_runner->isRunning())) {
        Q_EMIT statusMessage(tr("The active model version has no parent to roll back to"));
        return false;
    }
    return activate(active->parentId);
}

bool ModelPanel::renameSelected(const QString& newName)
{
    const store::Id id = selectedVersion();
    if (!id)
        return false;
    if (Status s = worker::renameModelVersion(m_store, id, newName.trimmed()); !s.ok()) {
        say(s.error());
        return false;
    }
    reload();
    selectVersion(id);
    say(tr("Renamed the model version to %1").arg(newName.trimmed()));
    Q_EMIT storeChangedByJob();
    return true;
}

bool ModelPanel::deleteSelected(bool confirmed)
{
    const store::Id id = selectedVersion();
    const int row = m_versions->rowOfVersion(id);
    if (row < 0 || (m_runner && m_runner->isRunning()))
        return false;
    const store::ModelVersion version = m_versions->version(row);
    const bool children = m_versions->hasChildren(id);
    if (!confirmed && (version.active || children)) {
        QStringList why;
        if (version.active)
            why << tr("it is the active version: no version will be active afterwards");
        if (children)
            why << tr("other versions were fine-tuned from it: they are attached to its parent instead");
        const auto answer = QMessageBox::question(
            this, tr("Delete model version"),
            tr("Delete %1 with its predictions and checkpoint?\n\n%2").arg(version.name, why.join(QStringLiteral(";\n"))),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return false;
    }
    if (Status s = worker::deleteModelVersion(m_store, id); !s.ok()) {
        say(s.error());
        return false;
    }
    reload();
    say(tr("Deleted model version %1").arg(version.name));
    if (version.active)
        Q_EMIT activeModelChanged(0);
    Q_EMIT storeChangedByJob();
    return true;
}

bool ModelPanel::exportSelected(const QString& outPath)
{
    const store::Id id = selectedVersion();
    const int row = m_versions->rowOfVersion(id);
    if (row < 0)
        return false;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const Status s = worker::exportModelVersion(m_store, id, outPath);
    QApplication::restoreOverrideCursor();
    if (!s.ok()) {
        say(s.error());
        return false;
    }
    if (m_settings)
        m_settings->setValue(QStringLiteral("model/lastDirectory"), QFileInfo(outPath).absolutePath());
    say(tr("Exported %1 to %2 (the authors' key layout)").arg(m_versions->version(row).name, outPath));
    return true;
}

// --- bringing a model in ----------------------------------------------------------------------------

void ModelPanel::importCheckpointInteractively()
{
    QFileDialog dialog(this, tr("Import checkpoint"), lastDirectory(m_settings),
                       tr("PyTorch checkpoints (*.pth *.pt *.ckpt);;All files (*)"));
    dialog.setObjectName(QStringLiteral("checkpointFileDialog"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString path = dialog.selectedFiles().first();
    if (m_settings)
        m_settings->setValue(QStringLiteral("model/lastDirectory"), QFileInfo(path).absolutePath());
    inspectAndOffer(path);
}

bool ModelPanel::isInspecting() const
{
    return m_inspect && m_inspect->isRunning();
}

void ModelPanel::inspectAndOffer(const QString& path)
{
    if (isInspecting())
        return;
    if (!m_inspect) {
        m_inspect = new QFutureWatcher<Result<worker::CheckpointSummary>>(this);
        connect(m_inspect, &QFutureWatcherBase::finished, this, [this] {
            const Result<worker::CheckpointSummary> summary = m_inspect->result();
            if (!(m_runner && m_runner->isRunning())) {
                m_progress->setRange(0, 1);
                m_progress->setValue(0);
            }
            updateButtons();
            offerImport(m_inspectPath, summary);
        });
    }
    m_inspectPath = path;
    if (!(m_runner && m_runner->isRunning()))
        m_progress->setRange(0, 0); // busy while the file is read
    m_rate->setText(tr("Reading %1...").arg(QFileInfo(path).fileName()));
    m_inspect->setFuture(QtConcurrent::run([path] { return worker::inspectModelFile(path); }));
    updateButtons();
}

QString ModelPanel::uniqueVersionName(const QString& base) const
{
    QString name = base;
    for (int i = 2; m_versions->rowCount() > 0; ++i) {
        bool taken = false;
        for (int r = 0; r < m_versions->rowCount(); ++r)
            taken |= m_versions->version(r).name == name;
        if (!taken)
            break;
        name = QStringLiteral("%1-%2").arg(base).arg(i);
    }
    return name;
}

void ModelPanel::offerImport(const QString& path, const Result<worker::CheckpointSummary>& summary)
{
    if (!summary.ok()) {
        say(tr("Not imported: %1").arg(summary.error()));
        QMessageBox::warning(this, tr("Import checkpoint"), summary.error());
        return;
    }
    m_rate->setText(tr("Read %1").arg(QFileInfo(path).fileName()));
    ImportCheckpointDialog dialog(summary.value(), uniqueVersionName(QFileInfo(path).completeBaseName()), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const Result<store::Id> id = worker::importCheckpoint(m_store, path, dialog.versionName(), dialog.activateAfterImport());
    QApplication::restoreOverrideCursor();
    if (!id.ok()) {
        say(tr("Not imported: %1").arg(id.error()));
        return;
    }
    reload();
    selectVersion(id.value());
    const int row = m_versions->rowOfVersion(id.value());
    say(tr("Imported %1 as %2").arg(QFileInfo(path).fileName(), row >= 0 ? m_versions->version(row).name : QString()));
    if (m_store.activeModelVersion() && m_store.activeModelVersion()->id == id.value())
        Q_EMIT activeModelChanged(id.value());
    Q_EMIT storeChangedByJob();
}

void ModelPanel::newModelInteractively()
{
    NewModelDialog dialog(worker::importedBackbones(m_store), uniqueVersionName(QStringLiteral("manet-new")), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const Result<store::Id> id = worker::createModel(m_store, dialog.depth(), dialog.backboneFile(), dialog.versionName(),
                                                     dialog.inputSize());
    QApplication::restoreOverrideCursor();
    if (!id.ok()) {
        say(tr("No model made: %1").arg(id.error()));
        return;
    }
    reload();
    selectVersion(id.value());
    say(tr("Made %1 (untrained): fine-tune it on confirmed labels").arg(dialog.versionName()));
    Q_EMIT storeChangedByJob();
}

// --- runs ---------------------------------------------------------------------------------------------

bool ModelPanel::startJob(ModelJobKind kind)
{
    ModelJobRequest request;
    request.kind = kind;
    return startRequest(request);
}

bool ModelPanel::startRequest(ModelJobRequest request)
{
    if (!m_runner) {
        say(tr("The model worker is not available in this build"));
        return false;
    }
    if (request.modelVersionId == 0)
        if (const auto active = m_store.activeModelVersion())
            request.modelVersionId = active->id;
    if (m_settings && request.device == QLatin1String("cpu")) {
        const Preferences prefs = Preferences::load(*m_settings);
        // A fine-tune's mode decides its device: "head" runs where the preferences say, except that
        // bf16 is for pre-labels only.
        request.device = prefs.device;
        if (request.kind != ModelJobKind::PreLabel && request.device == QLatin1String("cpu-bf16"))
            request.device = QStringLiteral("cpu");
    }
    if (Status s = m_runner->start(request); !s.ok()) {
        say(s.error());
        return false;
    }
    m_progress->setRange(0, 0); // busy until the first progress report
    setRunning(true);
    return true;
}

void ModelPanel::prelabelFootageInteractively()
{
    const QVector<store::Id> videos = m_videoSource ? m_videoSource() : QVector<store::Id>();
    if (videos.isEmpty()) {
        say(tr("Open a video (or select videos in the Videos list) to pre-label long footage"));
        return;
    }
    const auto active = m_store.activeModelVersion();
    if (!active) {
        say(tr("No model version is active: import a checkpoint or make a new model first"));
        return;
    }
    QStringList names;
    for (store::Id id : videos)
        if (auto v = m_store.video(id); v.ok())
            names << QFileInfo(v->path).fileName();
    FootageDialog dialog(worker::slidingWindowDefaults(active.value()), names, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ModelJobRequest request;
    request.kind = ModelJobKind::PreLabel;
    request.videoIds = videos;
    dialog.applyTo(request);
    startRequest(request);
}

void ModelPanel::fineTuneInteractively()
{
    const auto plans = m_store.splitPlans();
    if (!plans.ok())
        return say(plans.error());
    RunPlanDialog dialog(ModelJobKind::FineTune, plans.value(), worker::computeCapabilities().cuda, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ModelJobRequest request;
    request.kind = ModelJobKind::FineTune;
    dialog.applyTo(request);
    startRequest(request);
}

void ModelPanel::evaluateInteractively()
{
    const auto plans = m_store.splitPlans();
    if (!plans.ok())
        return say(plans.error());
    RunPlanDialog dialog(ModelJobKind::Evaluate, plans.value(), false, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ModelJobRequest request;
    request.kind = ModelJobKind::Evaluate;
    request.modelVersionId = selectedVersion(); // the version selected in the table (0: the active one)
    dialog.applyTo(request);
    startRequest(request);
}

void ModelPanel::togglePause()
{
    auto* worker = qobject_cast<worker::WorkerJobRunner*>(m_runner);
    if (!worker || !worker->isRunning())
        return;
    if (worker->isPaused()) {
        worker->resume();
        m_pause->setChecked(false);
        m_pause->setText(tr("Pause"));
        m_rate->setText(tr("Resumed"));
    } else {
        worker->pause();
        m_pause->setChecked(true);
        m_pause->setText(tr("Resume"));
        m_rate->setText(tr("Pausing after the current batch..."));
    }
}

void ModelPanel::showProgress(const mas::worker::JobProgress& progress)
{
    if (progress.total > 0) {
        // QProgressBar takes int: scale very large totals.
        const double scale = progress.total > 1000000 ? double(progress.total) / 1000000 : 1.0;
        m_progress->setRange(0, int(progress.total / scale));
        m_progress->setValue(int(progress.done / scale));
    }
    QStringList parts;
    if (!progress.stage.isEmpty())
        parts << progress.stage;
    parts << tr("%1 / %2").arg(progress.done).arg(progress.total);
    parts << tr("%1 items/s").arg(progress.itemsPerSecond, 0, 'f', 1);
    parts << durationText(progress.secondsLeft);
    if (progress.failed > 0)
        parts << tr("%n failed", nullptr, int(progress.failed));
    if (progress.paused)
        parts << tr("paused");
    m_rate->setText(parts.join(QStringLiteral(" · ")));
}

void ModelPanel::showOutcome(const mas::worker::JobOutcome& outcome)
{
    setRunning(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(outcome.state == worker::JobState::Finished ? 1 : 0);
    switch (outcome.state) {
    case worker::JobState::Finished: {
        QString text = tr("%1 finished: %2 done, %3 failed in %4 s")
                           .arg(outcome.jobName).arg(outcome.done).arg(outcome.failed).arg(outcome.seconds, 0, 'f', 1);
        const QString plan = outcome.figures.value(QLatin1String("plan")).toString();
        if (!plan.isEmpty())
            text += tr("; split plan %1").arg(plan);
        if (outcome.figures.value(QLatin1String("plan_created")).toBool())
            text += tr(" (made and saved for this run)");
        m_rate->setText(text);
        break;
    }
    case worker::JobState::Cancelled:
        m_rate->setText(tr("%1 cancelled; nothing partial was kept").arg(outcome.jobName));
        break;
    case worker::JobState::Failed:
        m_rate->setText(tr("%1 failed: %2").arg(outcome.jobName, outcome.message));
        break;
    }
    Q_EMIT statusMessage(m_rate->text());
    reload();
    const qint64 newVersion = outcome.figures.value(QLatin1String("model_version_id")).toInteger();
    if (newVersion > 0) {
        selectVersion(newVersion);
        if (const auto active = m_store.activeModelVersion(); active && active->id == newVersion)
            Q_EMIT activeModelChanged(newVersion);
    }
    Q_EMIT storeChangedByJob();
}

} // namespace mas::ui
