#include "Job.h"

#include <thread>

namespace mas::worker {

using Clock = std::chrono::steady_clock;

JobContext::JobContext(int jobId, QString jobName, JobControl& control, ProgressSink progress, FailureSink failures,
                       MessageSink messages)
    : m_jobId(jobId), m_jobName(std::move(jobName)), m_control(control), m_progress(std::move(progress)),
      m_failures(std::move(failures)), m_messages(std::move(messages)), m_start(Clock::now()), m_rateStart(m_start),
      m_lastEmit(m_start - std::chrono::seconds(1))
{
}

bool JobContext::waitWhilePaused()
{
    if (m_control.pause.load() && !m_control.cancel.load()) {
        emitProgress();
        while (m_control.pause.load() && !m_control.cancel.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        // The pause must not count against the rate.
        m_rateStart = Clock::now();
        m_doneAtRateStart = m_done;
        emitProgress();
    }
    return !m_control.cancel.load();
}

void JobContext::setTotal(qint64 total, qint64 skipped)
{
    m_total = total;
    m_skipped = skipped;
    m_done = skipped;
    m_doneAtRateStart = skipped;
    m_rateStart = Clock::now();
    emitProgress();
}

void JobContext::setStage(const QString& stage)
{
    m_stage = stage;
    emitProgress();
}

void JobContext::advance(qint64 count)
{
    m_done += count;
    const Clock::time_point now = Clock::now();
    if (now - m_lastEmit >= std::chrono::milliseconds(100) || m_done >= m_total)
        emitProgress();
}

void JobContext::itemFailed(const QString& itemKey, const QString& message)
{
    ++m_failed;
    if (m_failures)
        m_failures(itemKey, message);
}

void JobContext::message(const QString& text)
{
    if (m_messages)
        m_messages(text);
}

void JobContext::forceProgress()
{
    emitProgress();
}

double JobContext::elapsedSeconds() const
{
    return std::chrono::duration<double>(Clock::now() - m_start).count();
}

void JobContext::emitProgress()
{
    const Clock::time_point now = Clock::now();
    m_lastEmit = now;
    const double span = std::chrono::duration<double>(now - m_rateStart).count();
    if (span > 0.2 && m_done > m_doneAtRateStart)
        m_rate = double(m_done - m_doneAtRateStart) / span;
    if (!m_progress)
        return;
    JobProgress p;
    p.jobId = m_jobId;
    p.jobName = m_jobName;
    p.stage = m_stage;
    p.done = m_done;
    p.total = m_total;
    p.failed = m_failed;
    p.itemsPerSecond = m_rate;
    p.secondsLeft = m_rate > 0 && m_total >= m_done ? double(m_total - m_done) / m_rate : -1;
    p.paused = m_control.pause.load();
    p.epochs = m_epochs;
    m_progress(p);
}

JobOutcome runJobInline(Job& job, JobControl& control, const JobContext::ProgressSink& progress,
                        const JobContext::FailureSink& failures, const JobContext::MessageSink& messages)
{
    JobContext context(0, job.name(), control, progress, failures, messages);
    // Second line of defence: model/ and core/ report errors as values, but nothing thrown by a job (an
    // allocation failure, a library bug) may end the process; it fails this job with its message.
    Status status;
    try {
        status = job.run(context);
    } catch (const std::exception& e) {
        status = Error{job.name() + ": " + QString::fromLocal8Bit(e.what()).replace('\n', ' ')};
    } catch (...) {
        status = Error{job.name() + ": failed with an unknown error"};
    }
    JobOutcome o;
    o.jobName = job.name();
    o.state = !status.ok() ? JobState::Failed : control.cancel.load() ? JobState::Cancelled : JobState::Finished;
    o.message = status.error();
    o.done = context.done();
    o.failed = context.failedCount();
    o.skipped = context.skipped();
    o.seconds = context.elapsedSeconds();
    o.figures = context.figures();
    return o;
}

} // namespace mas::worker
