#pragma once
// The model panel's ModelJobRunner over the worker's JobQueue (one worker thread, one job at a time).
//
//   auto* runner = new mas::ui::WorkerJobRunner(store, this);   // `store`: the GUI's open project
//   auto* panel  = new mas::ui::ModelPanel(store, runner, settings, this);
//
// Construct it on the GUI thread; `store` must outlive it. Jobs open their own connection to the project
// on the worker thread; the queue's signals arrive here queued and are re-emitted on the GUI thread, so
// nothing connected to this object ever runs on the worker thread and the GUI never waits on a job.
// Destroying the runner cancels the running job (it stops at its next batch, keeping what it committed).
//
// What each request runs:
//  - PreLabel: every unconfirmed segment (or request.segmentIds) gets top-5 classes and body-part scores
//    from the version (0: the active one); videos without any segment are pre-labeled with the sliding
//    window (request.windowFrames / strideFrames) as proposed segments.
//  - FineTune: on the confirmed labels; fast mode (head only, cached features) on "cpu", the full network
//    on "cuda". Validation participants come from the split plan (request.splitPlanId, 0: the newest plan
//    by participant; its val and test participants) or else from a seeded participant split. The new version
//    becomes active and the unconfirmed segments are pre-labeled again with it; outcome.figures
//    ["model_version_id"] names it.
//  - Evaluate: the version's figures on the confirmed segments of the plan's test participants (else its
//    val participants, else all confirmed segments), stored in the version's metrics.
#include "modelpanel/ModelJobRunner.h"

#include <memory>

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {
class JobQueue;
}

namespace mas::ui {

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
    // The participant codes of a split plan's `sets` ("" when the plan is not by participant).
    Result<QStringList> planParticipants(store::Id planId, bool forEvaluation) const;

    store::ProjectStore& m_store;
    worker::JobQueue* m_queue;
    bool m_running = false;
    QString m_pendingName;
};

} // namespace mas::ui
