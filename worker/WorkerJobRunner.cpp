#include "modelpanel/WorkerJobRunner.h"

#include "EvaluateJob.h"
#include "FineTuneJob.h"
#include "JobQueue.h"
#include "PrelabelJob.h"
#include "StoreProjectData.h"
#include "store/ProjectStore.h"

#include <QHash>

namespace mas::ui {

namespace {

worker::ModelSource sourceOf(store::Id versionId)
{
    worker::ModelSource source;
    if (versionId > 0) {
        source.kind = worker::ModelSource::Kind::Version;
        source.reference = QString::number(versionId);
    }
    return source;
}

} // namespace

WorkerJobRunner::WorkerJobRunner(store::ProjectStore& store, QObject* parent)
    : ModelJobRunner(parent), m_store(store), m_queue(new worker::JobQueue(this))
{
    // The queue emits on its worker thread; `this` lives on the GUI thread: auto connections queue.
    connect(m_queue, &worker::JobQueue::jobStarted, this, [this](int, const QString& name) { Q_EMIT started(name); });
    connect(m_queue, &worker::JobQueue::progress, this, [this](const worker::JobProgress& p) {
        if (m_running)
            Q_EMIT progress(p);
    });
    connect(m_queue, &worker::JobQueue::jobFinished, this, [this](const worker::JobOutcome& outcome) {
        m_running = false;
        Q_EMIT finished(outcome);
    });
}

WorkerJobRunner::~WorkerJobRunner()
{
    // Nothing may reach this half-destroyed object from the worker thread: cut the signals, then join.
    disconnect(m_queue, nullptr, this, nullptr);
    m_queue->cancelAll();
    m_queue->resume();
    delete m_queue;
}

bool WorkerJobRunner::isRunning() const
{
    return m_running;
}

void WorkerJobRunner::cancel()
{
    const bool neverStarted = m_queue->cancelAll() > 0;
    m_queue->resume(); // a paused job must wake up to see the cancel
    if (neverStarted && m_running) {
        // Dropped before the worker thread took it: it still ends with finished(), as promised.
        m_running = false;
        worker::JobOutcome outcome;
        outcome.jobName = m_pendingName;
        outcome.state = worker::JobState::Cancelled;
        Q_EMIT finished(outcome);
    }
}

void WorkerJobRunner::pause()
{
    m_queue->pause();
}

void WorkerJobRunner::resume()
{
    m_queue->resume();
}

bool WorkerJobRunner::isPaused() const
{
    return m_queue->isPaused();
}

Result<QStringList> WorkerJobRunner::planParticipants(store::Id planId, bool forEvaluation) const
{
    Result<QVector<store::SplitPlan>> plans = m_store.splitPlans();
    if (!plans)
        return Error{plans.error()};
    const store::SplitPlan* plan = nullptr;
    for (const store::SplitPlan& p : plans.value())
        if (planId > 0 ? p.id == planId : (p.unit == store::SplitUnit::Participant && (!plan || p.id > plan->id)))
            plan = &p;
    if (planId > 0 && !plan)
        return Error{QString("the project has no split plan %1").arg(planId)};
    if (!plan)
        return QStringList();
    if (plan->unit != store::SplitUnit::Participant)
        return Error{QString("split plan %1 splits segments, not participants: validation must be held out by participant")
                         .arg(plan->name)};
    Result<QVector<store::SplitAssignment>> assignments = m_store.splitAssignments(plan->id);
    Result<QVector<store::Participant>> participants = m_store.participants();
    if (!assignments)
        return Error{assignments.error()};
    if (!participants)
        return Error{participants.error()};
    QHash<store::Id, QString> codes;
    for (const store::Participant& p : participants.value())
        codes.insert(p.id, p.code);
    QStringList val, test;
    for (const store::SplitAssignment& a : assignments.value()) {
        if (a.set == store::SplitSet::Val)
            val << codes.value(a.entityId);
        else if (a.set == store::SplitSet::Test)
            test << codes.value(a.entityId);
    }
    if (forEvaluation)
        return test.isEmpty() ? val : test;
    return val + test; // never train on held-out participants
}

Status WorkerJobRunner::start(const ModelJobRequest& request)
{
    if (m_running || m_queue->isBusy())
        return Error{tr("a model job is already running: wait for it or cancel it")};
    if (m_store.isReadOnly())
        return Error{tr("the project is open read-only: %1").arg(m_store.notice())};
    if (request.modelVersionId == 0 && !m_store.activeModelVersion())
        return Error{tr("no model version is active: import a checkpoint or pick a version first")};
    if (request.device == QLatin1String("cuda") && !model::ManetModel::cudaAvailable())
        return Error{tr("no CUDA device is available: choose the CPU in the preferences")};
    const worker::ProjectDataFactory data = worker::StoreProjectData::factory(m_store);
    const bool bfloat16 = request.device == QLatin1String("cpu-bf16");
    const model::Device device = worker::deviceFromName(bfloat16 ? QStringLiteral("cpu") : request.device);
    std::shared_ptr<worker::Job> job;
    switch (request.kind) {
    case ModelJobKind::PreLabel: {
        worker::PrelabelOptions o;
        o.model = sourceOf(request.modelVersionId);
        o.device = device;
        for (store::Id id : request.segmentIds)
            o.itemKeys << QString::number(id);
        o.alsoUnsegmentedVideos = request.segmentIds.isEmpty();
        o.bfloat16 = bfloat16;
        o.windows.window = std::max(request.windowFrames, 1);
        o.windows.stride = std::max(request.strideFrames, 1);
        job = std::make_shared<worker::PrelabelJob>(data, o);
        break;
    }
    case ModelJobKind::FineTune: {
        Result<QStringList> held = planParticipants(request.splitPlanId, false);
        if (!held)
            return Error{held.error()};
        worker::FineTuneOptions o;
        o.base = sourceOf(request.modelVersionId);
        o.device = device;
        o.mode = request.device == QLatin1String("cuda") ? worker::FineTuneMode::Full : worker::FineTuneMode::Head;
        o.epochs = std::max(request.epochs, 1);
        o.validationParticipants = held.value();
        o.balance = worker::BalanceMethod::LossWeights;
        o.refreshPrelabels = true;
        job = std::make_shared<worker::FineTuneJob>(data, o);
        break;
    }
    case ModelJobKind::Evaluate: {
        Result<QStringList> held = planParticipants(request.splitPlanId, true);
        if (!held)
            return Error{held.error()};
        worker::EvaluateOptions o;
        o.model = sourceOf(request.modelVersionId);
        o.device = device;
        o.participants = held.value();
        job = std::make_shared<worker::EvaluateJob>(data, o);
        break;
    }
    }
    m_running = true;
    m_pendingName = job->name();
    m_queue->enqueue(job);
    return Status::success();
}

} // namespace mas::ui
