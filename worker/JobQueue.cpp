#include "JobQueue.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mas::worker {

JobQueue::JobQueue(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<mas::worker::JobProgress>();
    qRegisterMetaType<mas::worker::JobOutcome>();
    m_thread = std::thread([this] { loop(); });
}

JobQueue::~JobQueue()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        m_waiting.clear();
    }
    m_control.cancel = true;
    m_control.pause = false;
    m_wake.notify_all();
    m_thread.join();
}

int JobQueue::enqueue(std::shared_ptr<Job> job)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const int id = m_nextId++;
    m_waiting.push_back({id, std::move(job)});
    m_wake.notify_all();
    return id;
}

void JobQueue::pause()
{
    m_control.pause = true;
}

void JobQueue::resume()
{
    m_control.pause = false;
    m_wake.notify_all();
}

bool JobQueue::isPaused() const
{
    return m_control.pause.load();
}

void JobQueue::cancelCurrent()
{
    m_control.cancel = true;
}

int JobQueue::cancelAll()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const int dropped = int(m_waiting.size());
    m_waiting.clear();
    m_control.cancel = true;
    return dropped;
}

bool JobQueue::isBusy() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_running || !m_waiting.empty();
}

int JobQueue::pendingCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return int(m_waiting.size());
}

namespace {

// Model jobs yield the CPU to the GUI: on a small machine the job's threads (torch's OpenMP team and the
// decoders, which this thread starts and which inherit its niceness) would otherwise take the cores the
// player needs to show a frame within one key repeat. Linux keeps niceness per thread.
void lowerThisThreadsPriority()
{
#ifdef __linux__
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
#endif
}

} // namespace

void JobQueue::loop()
{
    lowerThisThreadsPriority();
    for (;;) {
        Entry entry;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || (!m_waiting.empty() && !m_control.pause.load()); });
            if (m_stopping)
                return;
            entry = std::move(m_waiting.front());
            m_waiting.pop_front();
            m_running = true;
            m_control.cancel = false; // a cancel aimed at the previous job does not carry over
        }
        const QString name = entry.job->name();
        Q_EMIT jobStarted(entry.id, name);
        const int id = entry.id;
        JobOutcome outcome;
        // runJobInline catches what a job throws; this catches what is left (a throwing progress sink, a
        // destructor), so the worker thread lives on and the job fails with the message.
        try {
            outcome = runJobInline(
                *entry.job, m_control, [this, id](const JobProgress& p) {
                    JobProgress q = p;
                    q.jobId = id;
                    Q_EMIT progress(q);
                },
                [this, id](const QString& key, const QString& text) { Q_EMIT itemFailed(id, key, text); },
                [this, id](const QString& text) { Q_EMIT message(id, text); });
            entry.job.reset(); // free the model before telling anyone
        } catch (const std::exception& e) {
            outcome.jobName = name;
            outcome.state = JobState::Failed;
            outcome.message = name + ": " + QString::fromLocal8Bit(e.what()).replace('\n', ' ');
        } catch (...) {
            outcome.jobName = name;
            outcome.state = JobState::Failed;
            outcome.message = name + ": failed with an unknown error";
        }
        outcome.jobId = id;
        bool nowIdle;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_running = false;
            nowIdle = m_waiting.empty();
        }
        Q_EMIT jobFinished(outcome);
        if (nowIdle)
            Q_EMIT idle();
    }
}

} // namespace mas::worker
