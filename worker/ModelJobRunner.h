#pragma once
// What the model panel asks of the model worker: start one job (pre-label, fine-tune, evaluate),
// cancel it, and hear its progress and outcome. Abstract so the GUI can be driven by any runner;
// WorkerJobRunner implements it over the JobQueue (whose JobProgress and JobOutcome the signals carry),
// emitting on the GUI thread (queued connections).
#include "Job.h"
#include "ModelJobRequest.h"
#include "util/Result.h"

#include <QObject>

namespace mas::worker {

class ModelJobRunner : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~ModelJobRunner() override = default;

    virtual bool isRunning() const = 0;
    // Starts a job; an error (busy, no model version, no split plan...) says why in words.
    virtual Status start(const ModelJobRequest& request) = 0;
    // Asks the running job to stop at its next batch; it still ends with finished().
    virtual void cancel() = 0;

Q_SIGNALS:
    void started(const QString& jobName);
    void progress(const mas::worker::JobProgress& progress);
    // Finished, cancelled or failed. A fine-tune reports its new version in outcome.figures["model_version_id"].
    void finished(const mas::worker::JobOutcome& outcome);
};

} // namespace mas::worker
