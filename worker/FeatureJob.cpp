#include "FeatureJob.h"

#include "ClipBatches.h"

namespace mas::worker {

Status cacheFeatures(model::ManetModel& model, const ClipPipelineConfig& pipeline, const FeatureCache& cache,
                     const std::vector<ClipItem>& items, int batchSize, JobContext& context, bool* complete)
{
    std::vector<ClipItem> todo;
    for (const ClipItem& c : items)
        if (!cache.contains(c.key))
            todo.push_back(c);
    context.setTotal(int64_t(items.size()), int64_t(items.size() - todo.size()));
    ClipPrefetcher prefetcher(todo, ClipPipeline(pipeline), size_t(std::max(batchSize, 1)) * 2);
    Status failure;
    const bool done = forEachClipBatch(prefetcher, size_t(std::max(batchSize, 1)), context, [&](ClipBatch& batch) {
        if (!batch.clips.empty()) {
            model::Result<model::PooledFeatures> f = model.pooledFeatures(batch.frames());
            if (!f) {
                failure = Error{QString::fromStdString(f.error())};
                return false;
            }
            const int64_t per = f->segments * f->featureDim;
            for (size_t i = 0; i < batch.clips.size(); ++i) {
                const Status s = cache.store(batch.clips[i].item.key, f->segments, f->featureDim, f->values.data() + int64_t(i) * per);
                if (!s) {
                    failure = s;
                    return false;
                }
            }
        }
        for (const ItemFailure& e : batch.failures)
            context.itemFailed(e.itemKey, e.message);
        context.advance(int64_t(batch.clips.size() + batch.failures.size()));
        return true;
    });
    if (complete)
        *complete = done;
    return failure;
}

FeatureJob::FeatureJob(ProjectDataFactory data, FeatureOptions options) : m_data(std::move(data)), m_options(std::move(options)) {}

Status FeatureJob::run(JobContext& context)
{
    Result<std::unique_ptr<ProjectData>> data = m_data();
    if (!data)
        return Error{data.error()};
    if (m_options.threads > 0)
        model::ManetModel::setThreads(m_options.threads);
    Result<LoadedModel> model = loadModel(m_options.model, *data.value(), m_options.device);
    if (!model)
        return Error{model.error()};
    std::vector<ClipItem> items = m_options.items;
    if (items.empty()) {
        Result<std::vector<ClipItem>> all = data.value()->clips();
        if (!all)
            return Error{all.error()};
        items = all.value();
    }
    context.setStage("features of " + model->version.name);
    const FeatureCache cache(data.value()->cacheDir(), model->version.id);
    context.figures().insert("model_version", model->version.id);
    context.figures().insert("cache", cache.folder());
    return cacheFeatures(model->model, model->pipeline, cache, items, m_options.batchSize, context);
}

} // namespace mas::worker
