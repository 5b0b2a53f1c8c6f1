#pragma once
// What the worker's jobs read from and write to a project, behind one interface so the same jobs run
// over the SQLite project store (StoreProjectData) or over plain files (FolderProjectData: tests,
// benchmarks, batch scripts). Torch-free.
//
// Threads: an instance is used on one thread only. Jobs receive a ProjectDataFactory and open their own
// instance on the worker thread (a QSqlDatabase connection may only be used on its creating thread).
// Writes are all-or-nothing per call: a batch is committed whole or not at all.
#include "WorkTypes.h"
#include "util/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mas::worker {

struct ModelVersionRecord {
    QString id;               // the store's id as text ("" before it is added)
    QString name;             // unique
    QString parentId;         // "" for none
    QString kind;             // "pretrained", "imported", "imagenet-init", "random-init", "fine-tuned"
    QJsonObject hyperParams;  // training options, model shape, input size, data snapshot, source file
    QJsonObject metrics;      // final figures and per-epoch history
    QString checkpointPath;   // absolute
    QDateTime created;
    bool active = false;
};

class ProjectData {
public:
    virtual ~ProjectData() = default;

    // Where features and model checkpoints live (`P.mas.cache/`).
    virtual QString cacheDir() const = 0;
    // Every segment as a ClipItem (absolute video path); `label` is set only for confirmed segments.
    virtual Result<std::vector<ClipItem>> clips() = 0;
    // Every video of the project (absolute paths), for sliding-window pre-labeling.
    virtual Result<QStringList> videos() = 0;

    // Resume: the items that already have a prediction from this model version.
    virtual Result<QSet<QString>> itemsWithPredictions(const QString& modelVersionId) = 0;
    virtual Status commitPredictions(const QString& modelVersionId, const std::vector<ItemPrediction>& predictions) = 0;
    virtual Result<std::vector<ItemPrediction>> predictions(const QString& modelVersionId) = 0;
    // Errors recorded on items (an unreadable clip); kept apart from predictions so a resume retries them.
    virtual Status recordFailures(const QString& modelVersionId, const std::vector<ItemFailure>& failures) = 0;
    virtual Result<std::vector<ItemFailure>> failures(const QString& modelVersionId) = 0;

    // Long footage: proposed segments of one video stored as pre-labeled segments, all at once.
    virtual Status commitProposals(const QString& modelVersionId, const QString& videoPath,
                                   const std::vector<ProposedSegment>& segments) = 0;
    virtual Result<bool> videoHasProposals(const QString& modelVersionId, const QString& videoPath) = 0;
    virtual Result<std::vector<ProposedSegment>> proposals(const QString& modelVersionId) = 0;

    // Model versions: never overwritten; at most one active.
    virtual Result<QString> addModelVersion(const ModelVersionRecord& version) = 0;
    virtual Result<std::vector<ModelVersionRecord>> modelVersions() = 0;
    virtual Status setActiveModelVersion(const QString& id) = 0; // "" = none
    virtual Status updateModelMetrics(const QString& id, const QJsonObject& metrics) = 0;

    // Helpers over the above.
    Result<std::optional<ModelVersionRecord>> modelVersion(const QString& idOrName);
    Result<std::optional<ModelVersionRecord>> activeModelVersion();
    // Rolls back: activates the parent of the active version (error when it has none).
    Result<QString> rollBack();
};

using ProjectDataFactory = std::function<Result<std::unique_ptr<ProjectData>>()>;

} // namespace mas::worker
