#include "WorkerJobRunner.h"

#include "JobQueue.h"
#include "store/ProjectStore.h"

namespace mas::worker {

WorkerJobRunner::WorkerJobRunner(store::ProjectStore& store, QObject* parent)
    : ModelJobRunner(parent), m_store(store), m_queue(new JobQueue(this))
{
    // The queue emits on its worker thread; `this` lives on the GUI thread: auto connections queue.
    connect(m_queue, &JobQueue::jobStarted, this, [this](int, const QString& name) { Q_EMIT started(name); });
    connect(m_queue, &JobQueue::progress, this, [this](const JobProgress& p) {
        if (m_running)
            Q_EMIT progress(p);
    });
    connect(m_queue, &JobQueue::jobFinished, this, [this](const JobOutcome& outcome) {
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
        JobOutcome outcome;
        outcome.jobName = m_pendingName;
        outcome.state = JobState::Cancelled;
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

Status WorkerJobRunner::start(const ModelJobRequest& request)
{
    if (m_running || m_queue->isBusy())
        return Error{tr("a model job is already running: wait for it or cancel it")};
    Result<std::shared_ptr<Job>> job = makeModelJob(request, m_store);
    if (!job)
        return Error{job.error()};
    m_running = true;
    m_pendingName = job.value()->name();
    m_queue->enqueue(job.value());
    return Status::success();
}

} // namespace mas::worker
