#pragma once
// ProjectData over the SQLite project store (core/store/ProjectStore.h). Segments are the items (key = segment
// id), confirmed segments carry their class, predictions and model versions are the store's rows; item errors
// and the per-video "proposals done" markers live in `<cache>/worker/` (the store has no table for them).
#include "ProjectData.h"

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {

class StoreProjectData : public ProjectData {
public:
    // Opens `path` on the calling thread (the CLI, or a process of its own).
    static Result<std::unique_ptr<ProjectData>> open(const QString& path);
    // A second connection to an open project, made on the calling (worker) thread: the GUI passes its store.
    static Result<std::unique_ptr<ProjectData>> anotherConnection(const store::ProjectStore& store);
    static ProjectDataFactory factory(const QString& path);
    static ProjectDataFactory factory(const store::ProjectStore& store); // `store` must outlive the jobs
    // Wraps a store the caller owns and uses on this thread (jobs run inline, e.g. the CLI).
    static std::unique_ptr<ProjectData> borrow(store::ProjectStore& store);

    ~StoreProjectData() override;
    store::ProjectStore& store() { return *m_store; }

    QString cacheDir() const override;
    Result<std::vector<ClipItem>> clips() override;
    Result<QStringList> videos() override;
    Result<QSet<QString>> itemsWithPredictions(const QString& modelVersionId) override;
    Status commitPredictions(const QString& modelVersionId, const std::vector<ItemPrediction>& predictions) override;
    Result<std::vector<ItemPrediction>> predictions(const QString& modelVersionId) override;
    Status recordFailures(const QString& modelVersionId, const std::vector<ItemFailure>& failures) override;
    Result<std::vector<ItemFailure>> failures(const QString& modelVersionId) override;
    Status commitProposals(const QString& modelVersionId, const QString& videoPath,
                           const std::vector<ProposedSegment>& segments) override;
    Result<bool> videoHasProposals(const QString& modelVersionId, const QString& videoPath) override;
    Result<std::vector<ProposedSegment>> proposals(const QString& modelVersionId) override;
    Result<QString> addModelVersion(const ModelVersionRecord& version) override;
    Result<std::vector<ModelVersionRecord>> modelVersions() override;
    Status setActiveModelVersion(const QString& id) override;
    Status updateModelMetrics(const QString& id, const QJsonObject& metrics) override;

private:
    StoreProjectData(std::unique_ptr<store::ProjectStore> owned, store::ProjectStore* store);
    std::unique_ptr<store::ProjectStore> m_owned;
    store::ProjectStore* m_store;
    std::unique_ptr<ProjectData> m_sideFiles; // failures and proposal markers
};

} // namespace mas::worker
