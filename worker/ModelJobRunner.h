#pragma once
// What the model panel asks of the model worker: start one job (pre-label, fine-tune, evaluate),
// cancel it, and hear its progress and outcome. Abstract so the panel is built and wired before
// the worker's implementation exists; worker/ implements it over its JobQueue (whose JobProgress
// and JobOutcome the signals carry), emitting on the GUI thread (queued connections).
#include "Job.h"
#include "store/StoreTypes.h"
#include "util/Result.h"

#include <QObject>
#include <QString>
#include <QVector>

namespace mas::ui {

enum class ModelJobKind { PreLabel, FineTune, Evaluate };

QString toString(ModelJobKind kind); // "pre-label", "fine-tune", "evaluate"

struct ModelJobRequest {
    ModelJobKind kind = ModelJobKind::PreLabel;
    store::Id modelVersionId = 0;       // the version to run / fine-tune from / evaluate (0: the active one)
    QString device = QStringLiteral("cpu"); // "cpu", "cuda" or "cpu-bf16" (Preferences::device)
    int windowFrames = 60;              // pre-label on long footage: sliding window and stride
    int strideFrames = 30;
    store::Id splitPlanId = 0;          // fine-tune / evaluate: which split plan (0: the newest)
    int epochs = 10;                    // fine-tune
    QVector<store::Id> segmentIds;      // pre-label: these segments only (empty: every unconfirmed one)
};

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

} // namespace mas::ui
