#include "modelpanel/ModelPanel.h"

#include "modelpanel/ModelVersionsModel.h"
#include "prefs/Preferences.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace mas::ui {

QString toString(ModelJobKind kind)
{
    switch (kind) {
    case ModelJobKind::PreLabel: return QStringLiteral("pre-label");
    case ModelJobKind::FineTune: return QStringLiteral("fine-tune");
    case ModelJobKind::Evaluate: return QStringLiteral("evaluate");
    }
    return {};
}

namespace {
QString durationText(double seconds)
{
    if (seconds < 0)
        return QObject::tr("time left unknown");
    const qint64 s = qint64(seconds + 0.5);
    return s >= 3600 ? QObject::tr("%1:%2:%3 left").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QObject::tr("%1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}
} // namespace

ModelPanel::ModelPanel(store::ProjectStore& store, ModelJobRunner* runner, QSettings* settings, QWidget* parent)
    : QWidget(parent), m_store(store), m_runner(runner), m_settings(settings)
{
    setObjectName(QStringLiteral("modelPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* run = new QGroupBox(tr("Run"), this);
    auto* runLayout = new QVBoxLayout(run);
    auto* row = new QHBoxLayout;
    m_kind = new QComboBox(run);
    m_kind->setObjectName(QStringLiteral("jobKind"));
    m_kind->addItem(tr("Pre-label unconfirmed clips"), int(ModelJobKind::PreLabel));
    m_kind->addItem(tr("Fine-tune on confirmed labels"), int(ModelJobKind::FineTune));
    m_kind->addItem(tr("Evaluate on the test split"), int(ModelJobKind::Evaluate));
    m_start = new QPushButton(tr("&Start"), run);
    m_start->setObjectName(QStringLiteral("startJob"));
    m_cancel = new QPushButton(tr("Cancel"), run);
    m_cancel->setObjectName(QStringLiteral("cancelJob"));
    row->addWidget(m_kind, 1);
    row->addWidget(m_start);
    row->addWidget(m_cancel);
    runLayout->addLayout(row);
    m_progress = new QProgressBar(run);
    m_progress->setObjectName(QStringLiteral("jobProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    runLayout->addWidget(m_progress);
    m_rate = new QLabel(run);
    m_rate->setObjectName(QStringLiteral("jobRate"));
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
    m_table->horizontalHeader()->setStretchLastSection(true);
    versionsLayout->addWidget(m_table, 1);
    auto* buttons = new QHBoxLayout;
    m_activate = new QPushButton(tr("Acti&vate"), versions);
    m_activate->setObjectName(QStringLiteral("activateVersion"));
    m_activate->setToolTip(tr("Use the selected version for pre-labels and the review queue"));
    m_rollBack = new QPushButton(tr("&Roll back"), versions);
    m_rollBack->setObjectName(QStringLiteral("rollBackVersion"));
    m_rollBack->setToolTip(tr("Activate the version the active one was fine-tuned from"));
    buttons->addWidget(m_activate);
    buttons->addWidget(m_rollBack);
    buttons->addStretch();
    versionsLayout->addLayout(buttons);
    layout->addWidget(versions, 1);

    connect(m_start, &QPushButton::clicked, this, [this] { startJob(ModelJobKind(m_kind->currentData().toInt())); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner && m_runner->isRunning()) {
            m_runner->cancel();
            m_rate->setText(tr("Cancelling after the current batch..."));
        }
    });
    connect(m_activate, &QPushButton::clicked, this, &ModelPanel::activateSelected);
    connect(m_rollBack, &QPushButton::clicked, this, &ModelPanel::rollBack);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ModelPanel::updateButtons);
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
}

void ModelPanel::reload()
{
    m_versions->reload();
    if (!m_versions->lastError().isEmpty())
        Q_EMIT statusMessage(m_versions->lastError());
    updateButtons();
}

void ModelPanel::setRunning(bool running)
{
    m_start->setEnabled(m_runner && !running);
    m_kind->setEnabled(m_runner && !running);
    m_cancel->setEnabled(m_runner && running);
    updateButtons();
}

void ModelPanel::updateButtons()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const bool running = m_runner && m_runner->isRunning();
    m_activate->setEnabled(!running && current.isValid() && !current.data(ModelVersionsModel::ActiveRole).toBool());
    const auto active = m_store.activeModelVersion();
    m_rollBack->setEnabled(!running && active && active->parentId != 0);
}

bool ModelPanel::activate(store::Id versionId)
{
    if (Status s = m_store.setActiveModelVersion(versionId); !s.ok()) {
        Q_EMIT statusMessage(s.error());
        return false;
    }
    reload();
    const int row = m_versions->rowOfVersion(versionId);
    if (row >= 0)
        m_table->selectRow(row);
    Q_EMIT statusMessage(tr("Active model: %1").arg(row >= 0 ? m_versions->version(row).name : tr("none")));
    Q_EMIT activeModelChanged(versionId);
    return true;
}

bool ModelPanel::activateSelected()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || (m_runner && m_runner->isRunning()))
        return false;
    return activate(current.data(ModelVersionsModel::VersionIdRole).toLongLong());
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

bool ModelPanel::startJob(ModelJobKind kind)
{
    if (!m_runner) {
        Q_EMIT statusMessage(tr("The model worker is not available in this build"));
        return false;
    }
    ModelJobRequest request;
    request.kind = kind;
    if (const auto active = m_store.activeModelVersion())
        request.modelVersionId = active->id;
    if (m_settings) {
        const Preferences prefs = Preferences::load(*m_settings);
        request.device = prefs.device;
        request.windowFrames = prefs.windowFrames;
        request.strideFrames = prefs.strideFrames;
    }
    if (Status s = m_runner->start(request); !s.ok()) {
        Q_EMIT statusMessage(s.error());
        m_rate->setText(s.error());
        return false;
    }
    m_progress->setRange(0, 0); // busy until the first progress report
    setRunning(true);
    return true;
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
    case worker::JobState::Finished:
        m_rate->setText(tr("%1 finished: %2 done, %3 failed in %4 s")
                            .arg(outcome.jobName).arg(outcome.done).arg(outcome.failed).arg(outcome.seconds, 0, 'f', 1));
        break;
    case worker::JobState::Cancelled:
        m_rate->setText(tr("%1 cancelled; nothing partial was kept").arg(outcome.jobName));
        break;
    case worker::JobState::Failed:
        m_rate->setText(tr("%1 failed: %2").arg(outcome.jobName, outcome.message));
        break;
    }
    Q_EMIT statusMessage(m_rate->text());
    reload();
    Q_EMIT storeChangedByJob();
}

} // namespace mas::ui
