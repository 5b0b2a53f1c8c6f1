#include "EvaluateJob.h"

#include "ClipBatches.h"

#include <QDateTime>

namespace mas::worker {

Result<ClipScores> scoreLabelledClips(model::ManetModel& model, const ClipPipelineConfig& pipeline,
                                      const std::vector<ClipItem>& items, int batchSize, JobContext& context,
                                      const DecoderOptions& decoder)
{
    ClipScores scores;
    const InferenceThreads share = inferenceThreadsBeside(model);
    ClipPrefetcher prefetcher(items, ClipPipeline(pipeline), size_t(std::max(batchSize, 1)) * 2, -1, decoder, &share);
    Status failure;
    const bool complete = forEachClipBatch(prefetcher, size_t(std::max(batchSize, 1)), context, [&](ClipBatch& batch) {
        if (!batch.clips.empty()) {
            model::Result<model::ForwardOutput> out = model.forward(batch.frames());
            if (!out) {
                failure = Error{QString::fromStdString(out.error())};
                return false;
            }
            for (size_t i = 0; i < batch.clips.size(); ++i) {
                scores.probabilities.push_back(model::softmax(out->logits.data() + i * size_t(out->numClasses), out->numClasses));
                scores.labels.push_back(batch.clips[i].item.label);
                scores.keys.push_back(batch.clips[i].item.key);
            }
        }
        for (const ItemFailure& f : batch.failures)
            context.itemFailed(f.itemKey, f.message);
        context.advance(int64_t(batch.clips.size() + batch.failures.size()));
        return true;
    });
    if (!failure)
        return Error{failure.error()};
    scores.cancelled = !complete;
    return scores;
}

EvaluateJob::EvaluateJob(ProjectDataFactory data, EvaluateOptions options)
    : m_data(std::move(data)), m_options(std::move(options))
{
}

Status EvaluateJob::run(JobContext& context)
{
    Result<std::unique_ptr<ProjectData>> data = m_data();
    if (!data)
        return Error{data.error()};
    if (m_options.threads > 0)
        model::ManetModel::setThreads(m_options.threads);
    context.setStage("loading the model");
    Result<LoadedModel> model = loadModel(m_options.model, *data.value(), m_options.device);
    if (!model)
        return Error{model.error()};
    std::vector<ClipItem> items;
    if (m_options.items.empty()) {
        Result<std::vector<ClipItem>> all = data.value()->clips();
        if (!all)
            return Error{all.error()};
        for (const ClipItem& c : all.value())
            if (c.label >= 0 && ((m_options.participants.isEmpty() && !m_options.restrictToParticipants)
                                 || m_options.participants.contains(c.participant)))
                items.push_back(c);
    } else {
        items = m_options.items;
    }
    if (items.empty() && !m_options.emptyIsZero)
        return Error{m_options.split.isEmpty()
                         ? QString("nothing to evaluate: no segment has a confirmed label")
                         : QString("nothing to evaluate: no confirmed segment of split plan \"%1\"'s %2 participants")
                               .arg(m_options.planName, m_options.split)};
    context.setTotal(int64_t(items.size()));
    context.setStage("evaluating " + model->version.name);
    Result<ClipScores> scores = scoreLabelledClips(model->model, model->pipeline, items, m_options.batchSize, context);
    if (!scores)
        return Error{scores.error()};
    if (scores->cancelled)
        return Status::success();
    const EvaluationFigures figures =
        evaluateProbabilities(scores->probabilities, scores->labels, model->model.config().numClasses,
                              classToBodyPartFor(model->version, model->model.config().numClasses));
    QJsonObject json = figures.toJson(true);
    json.insert("clips", int(scores->labels.size()));
    json.insert("source", "evaluate");
    json.insert("measured", QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!m_options.planName.isEmpty())
        json.insert("plan", m_options.planName);
    context.figures().insert("model_version", model->version.id);
    context.figures().insert("model_version_name", model->version.name);
    context.figures().insert("evaluation", json);
    context.figures().insert("split", m_options.split);
    context.figures().insert("plan", m_options.planName);
    context.figures().insert("plan_created", m_options.planCreated);
    if (m_options.storeMetrics && !m_options.split.isEmpty()) { // figures are stored under the split they measure
        // Re-read: the version's metrics may have changed since the job started (another evaluate).
        Result<std::optional<ModelVersionRecord>> current = data.value()->modelVersion(model->version.id);
        QJsonObject metrics = current && current.value() ? current.value()->metrics : model->version.metrics;
        metrics.insert(m_options.split, json);
        const Status s = data.value()->updateModelMetrics(model->version.id, metrics);
        if (!s)
            return s;
    }
    return Status::success();
}

} // namespace mas::worker
