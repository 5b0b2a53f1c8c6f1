#pragma once
// The model job queue: one worker thread runs one job at a time, in the order enqueued. Everything it says
// arrives by queued signals (emitted on the worker thread, delivered in the receiver's thread), so the GUI
// thread never blocks on a job and never polls. pause()/resume()/cancel() only flip atomic flags.
//
//   auto* queue = new JobQueue(this);
//   connect(queue, &JobQueue::progress, panel, &Panel::showProgress);     // queued
//   connect(queue, &JobQueue::jobFinished, panel, &Panel::jobDone);
//   queue->enqueue(std::make_shared<PrelabelJob>(...));
#include "Job.h"

#include <QObject>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace mas::worker {

class JobQueue : public QObject {
    Q_OBJECT
public:
    explicit JobQueue(QObject* parent = nullptr);
    // Cancels the running job and the waiting ones, then joins the worker thread (a job stops at its next
    // batch boundary).
    ~JobQueue() override;

    // Returns the job's id (> 0).
    int enqueue(std::shared_ptr<Job> job);
    // Pause / resume the running job (and keep later jobs waiting) and cancel.
    void pause();
    void resume();
    bool isPaused() const;
    void cancelCurrent();
    // Cancels the running job and drops the waiting ones (which then never start nor finish); returns how many
    // were dropped.
    int cancelAll();
    bool isBusy() const;
    int pendingCount() const;

Q_SIGNALS:
    void jobStarted(int jobId, const QString& name);
    void progress(const mas::worker::JobProgress& progress);
    void itemFailed(int jobId, const QString& itemKey, const QString& message);
    void message(int jobId, const QString& text);
    void jobFinished(const mas::worker::JobOutcome& outcome);
    // The queue ran dry.
    void idle();

private:
    struct Entry {
        int id;
        std::shared_ptr<Job> job;
    };
    void loop();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Entry> m_waiting;
    bool m_stopping = false;
    bool m_running = false;
    int m_nextId = 1;
    JobControl m_control;
    std::thread m_thread;
};

} // namespace mas::worker
