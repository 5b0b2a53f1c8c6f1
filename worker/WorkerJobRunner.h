#pragma once
// The model panel's ModelJobRunner over the worker's JobQueue (one worker thread, one job at a time).
//
//   auto* runner = new mas::worker::WorkerJobRunner(store, this);   // `store`: the GUI's open project
//   auto* panel  = new mas::ui::ModelPanel(store, runner, settings, this);
//
// Construct it on the GUI thread; `store` must outlive it. Jobs open their own connection to the project
// on the worker thread; the queue's signals arrive here queued and are re-emitted on the GUI thread, so
// nothing connected to this object ever runs on the worker thread and the GUI never waits on a job.
// Destroying the runner cancels the running job (it stops at its next batch, keeping what it committed).
//
// What each request runs: see makeModelJob (ModelJobRequest.h), the front door the CLI uses too.
#include "ModelJobRunner.h"

#include <memory>

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {

class JobQueue;

class WorkerJobRunner : public ModelJobRunner {
    Q_OBJECT
public:
    WorkerJobRunner(store::ProjectStore& store, QObject* parent = nullptr);
    ~WorkerJobRunner() override;

    bool isRunning() const override;
    Status start(const ModelJobRequest& request) override;
    void cancel() override;

    // Pause / resume the running job (it waits at its next batch; progress says paused).
    void pause();
    void resume();
    bool isPaused() const;

private:
    store::ProjectStore& m_store;
    JobQueue* m_queue;
    bool m_running = false;
    QString m_pendingName;
};

} // namespace mas::worker
