#pragma once
// "Extract features": pooled backbone features of clips, cached per model version (FeatureCache) so the
// fast fine-tune trains the head in seconds. Items already cached are skipped (resume). Torch-free header.
#include "FeatureCache.h"
#include "Job.h"
#include "ModelSource.h"

namespace mas::worker {

struct FeatureOptions {
    ModelSource model;
    model::Device device = model::Device::Auto;
    int batchSize = 8;
    std::vector<ClipItem> items;   // empty: every segment of the project
    int threads = 0;
};

class FeatureJob : public Job {
public:
    FeatureJob(ProjectDataFactory data, FeatureOptions options);
    QString name() const override { return QStringLiteral("extract features"); }
    Status run(JobContext& context) override;

private:
    ProjectDataFactory m_data;
    FeatureOptions m_options;
};

// Caches the features of the items not cached yet; reports progress on `context` (its total includes the
// cached ones as skipped). Returns false in *complete when cancelled.
Status cacheFeatures(model::ManetModel& model, const ClipPipelineConfig& pipeline, const FeatureCache& cache,
                     const std::vector<ClipItem>& items, int batchSize, JobContext& context, bool* complete = nullptr);

} // namespace mas::worker
