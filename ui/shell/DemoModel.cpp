#include "shell/DemoModel.h"

#include "ModelCatalog.h"
#include "ModelJobRunner.h"
#include "modelpanel/ModelPanel.h"
#include "store/ProjectStore.h"

namespace mas::ui {

namespace {
const char kUntrainedName[] = "demo-resnet18";
const char kTunedName[] = "demo-resnet18-tuned";
} // namespace

DemoModel::DemoModel(store::ProjectStore& store, ModelPanel& panel) : QObject(&panel), m_store(store), m_panel(panel)
{
    if (!panel.runner())
        return;
    connect(panel.runner(), &worker::ModelJobRunner::finished, this, [this](const worker::JobOutcome& outcome) {
        if (m_stage == Stage::Idle)
            return;
        if (outcome.state != worker::JobState::Finished) {
            m_stage = Stage::Idle;
            Q_EMIT finished(false, outcome.message.isEmpty() ? tr("the demo model's %1 did not finish").arg(outcome.jobName)
                                                             : outcome.message);
            return;
        }
        if (m_stage == Stage::FineTune) {
            // Real figures for the versions table: the new version on the demo's test participant.
            m_stage = Stage::Evaluate;
            worker::ModelJobRequest request;
            request.kind = worker::ModelJobKind::Evaluate;
            request.evaluateSplit = QStringLiteral("test");
            if (!m_panel.startRequest(request)) {
                m_stage = Stage::Idle;
                Q_EMIT finished(false, tr("the demo model could not be evaluated"));
            }
            return;
        }
        m_stage = Stage::Idle;
        Q_EMIT finished(true, {});
    });
}

bool DemoModel::needed(store::ProjectStore& store)
{
    const auto versions = store.modelVersions();
    if (!versions.ok() || store.isReadOnly())
        return false;
    for (const store::ModelVersion& v : versions.value())
        if (v.kind == QLatin1String("fine-tuned"))
            return false;
    return true;
}

Status DemoModel::start()
{
    if (!m_panel.runner())
        return Error{tr("the model worker is not available in this build")};
    if (!needed(m_store))
        return {};
    store::Id untrained = 0;
    if (const auto versions = m_store.modelVersions(); versions.ok())
        for (const store::ModelVersion& v : versions.value())
            if (v.name == QLatin1String(kUntrainedName))
                untrained = v.id;
    if (!untrained) {
        // Small enough to train in the background on two cores: ResNet-18 at 112 px, 8 segments.
        const Result<store::Id> made = worker::createModel(m_store, 18, QString(), QLatin1String(kUntrainedName), 112, 8);
        if (!made.ok())
            return Error{made.error()};
        untrained = made.value();
    }
    if (Status s = m_store.setActiveModelVersion(untrained); !s.ok())
        return s;
    m_panel.reload();
    worker::ModelJobRequest request;
    request.kind = worker::ModelJobKind::FineTune;
    request.modelVersionId = untrained;
    request.fineTuneMode = QStringLiteral("head");
    request.epochs = 8;
    request.versionName = QLatin1String(kTunedName);
    m_stage = Stage::FineTune;
    if (!m_panel.startRequest(request)) {
        m_stage = Stage::Idle;
        return Error{tr("the demo model's fine-tune could not start (see the Model dock)")};
    }
    return {};
}

} // namespace mas::ui
