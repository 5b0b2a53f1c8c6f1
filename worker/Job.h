#pragma once
// A long model job (pre-label, extract features, fine-tune, evaluate) as JobQueue runs it on its worker
// thread. The job reports through its JobContext; the queue turns that into queued signals, so the GUI
// thread never waits on a job. Pause and cancel are atomic flags the job checks between items/batches.
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>

namespace mas::worker {

struct JobProgress {
    int jobId = 0;
    QString jobName;
    QString stage;            // e.g. "epoch 3/10", "validation", "pre-labeling"
    qint64 done = 0;          // items done (skipped-as-finished ones included)
    qint64 total = 0;
    qint64 failed = 0;
    double itemsPerSecond = 0;
    double secondsLeft = -1;  // -1 when unknown
    bool paused = false;
    // A fine-tune's per-epoch history so far (same objects as metrics["epochs"]), for live training charts.
    QJsonArray epochs;
};

enum class JobState { Finished, Cancelled, Failed };

struct JobOutcome {
    int jobId = 0;
    QString jobName;
    JobState state = JobState::Finished;
    QString message;          // the error when Failed
    qint64 done = 0, failed = 0, skipped = 0;
    double seconds = 0;
    QJsonObject figures;      // what the job measured (metrics, throughput, new model version...)
};

// Shared between the thread that controls a job and the worker thread that runs it.
struct JobControl {
    std::atomic_bool cancel{false};
    std::atomic_bool pause{false};
};

// What a running job sees. Created by the queue (or by a caller running a job inline, e.g. tests).
class JobContext {
public:
    using ProgressSink = std::function<void(const JobProgress&)>;
    using FailureSink = std::function<void(const QString& itemKey, const QString& message)>;
    using MessageSink = std::function<void(const QString&)>;

    JobContext(int jobId, QString jobName, JobControl& control, ProgressSink progress = {},
               FailureSink failures = {}, MessageSink messages = {});

    bool cancelled() const { return m_control.cancel.load(); }
    // Blocks the worker thread while paused (sleeping, no busy loop); returns false when cancelled.
    bool waitWhilePaused();

    // Totals: call setTotal once the job knows its work; `skipped` items count as done (resume).
    void setTotal(qint64 total, qint64 skipped = 0);
    void setStage(const QString& stage);
    // `count` more items done; emits progress at most every 100 ms (and always when the total is reached).
    void advance(qint64 count = 1);
    void itemFailed(const QString& itemKey, const QString& message);
    void message(const QString& text);
    void forceProgress();
    // The fine-tune's epoch history so far: carried by every later progress report, sent now.
    void setEpochs(const QJsonArray& epochs)
    {
        m_epochs = epochs;
        emitProgress();
    }
    const QJsonArray& epochs() const { return m_epochs; }

    qint64 done() const { return m_done; }
    qint64 failedCount() const { return m_failed; }
    qint64 skipped() const { return m_skipped; }
    // Figures the job wants in its outcome.
    QJsonObject& figures() { return m_figures; }
    double elapsedSeconds() const;
    int jobId() const { return m_jobId; }

private:
    void emitProgress();

    int m_jobId;
    QString m_jobName;
    JobControl& m_control;
    ProgressSink m_progress;
    FailureSink m_failures;
    MessageSink m_messages;
    QString m_stage;
    qint64 m_total = 0, m_done = 0, m_failed = 0, m_skipped = 0;
    qint64 m_doneAtRateStart = 0;
    std::chrono::steady_clock::time_point m_start, m_rateStart, m_lastEmit;
    double m_rate = 0;
    QJsonObject m_figures;
    QJsonArray m_epochs;
};

class Job {
public:
    virtual ~Job() = default;
    virtual QString name() const = 0;
    // Runs on the worker thread. A cancelled job returns success after committing nothing partial;
    // an error here fails the whole job (item errors go to JobContext::itemFailed instead).
    virtual Status run(JobContext& context) = 0;
};

// Runs a job on the calling thread (CLI without an event loop, tests); same outcome as the queue's.
JobOutcome runJobInline(Job& job, JobControl& control, const JobContext::ProgressSink& progress = {},
                        const JobContext::FailureSink& failures = {}, const JobContext::MessageSink& messages = {});

} // namespace mas::worker

Q_DECLARE_METATYPE(mas::worker::JobProgress)
Q_DECLARE_METATYPE(mas::worker::JobOutcome)
