#include "PrelabelJob.h"

#include "ClipBatches.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

namespace mas::worker {

PrelabelJob::PrelabelJob(ProjectDataFactory data, PrelabelOptions options)
    : m_data(std::move(data)), m_options(std::move(options))
{
}

QString PrelabelJob::name() const
{
    return m_options.slidingWindow ? QStringLiteral("pre-label long footage") : QStringLiteral("pre-label");
}

Status PrelabelJob::run(JobContext& context)
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
    context.figures().insert("model_version", model->version.id);
    context.figures().insert("model_version_name", model->version.name);
    context.figures().insert("device", model->model.device() == model::Device::Cuda ? "cuda" : "cpu");
    model->model.setBFloat16Inference(m_options.bfloat16);
    context.figures().insert("precision", m_options.bfloat16 && model->model.device() != model::Device::Cuda ? "bf16" : "float32");
    if (m_options.slidingWindow)
        return runWindows(context, *data.value(), model.value());
    const Status clips = runClips(context, *data.value(), model.value());
    if (!clips || !m_options.alsoUnsegmentedVideos || context.cancelled())
        return clips;
    // Long footage nobody has cut yet: proposals from the sliding window.
    Result<std::vector<ClipItem>> all = data.value()->clips();
    Result<QStringList> videos = data.value()->videos();
    if (!all)
        return Error{all.error()};
    if (!videos)
        return Error{videos.error()};
    // Paths compared cleaned: a project-relative "../videos/a.mp4" and its absolute form are one video.
    QSet<QString> segmented;
    for (const ClipItem& c : all.value())
        segmented.insert(QDir::cleanPath(QFileInfo(c.videoPath).absoluteFilePath()));
    QStringList unsegmented;
    for (const QString& v : videos.value())
        if (!segmented.contains(QDir::cleanPath(QFileInfo(v).absoluteFilePath())))
            unsegmented << v;
    if (unsegmented.isEmpty())
        return clips;
    const QJsonObject clipFigures = context.figures();
    m_options.videos = unsegmented;
    const Status windows = runWindows(context, *data.value(), model.value());
    for (auto it = clipFigures.begin(); it != clipFigures.end(); ++it)
        if (!context.figures().contains(it.key()))
            context.figures().insert(it.key(), it.value());
    return windows;
}

Status PrelabelJob::runClips(JobContext& context, ProjectData& data, LoadedModel& model)
{
    std::vector<ClipItem> items = m_options.items;
    if (items.empty()) {
        Result<std::vector<ClipItem>> all = data.clips();
        if (!all)
            return Error{all.error()};
        const QSet<QString> only(m_options.itemKeys.begin(), m_options.itemKeys.end());
        for (const ClipItem& c : all.value())
            if ((m_options.includeConfirmed || c.label < 0) && (only.isEmpty() || only.contains(c.key)))
                items.push_back(c);
    }
    const QString version = model.version.id;
    Result<QSet<QString>> finished = data.itemsWithPredictions(version);
    if (!finished)
        return Error{finished.error()};
    std::vector<ClipItem> todo;
    for (const ClipItem& c : items)
        if (!finished->contains(c.key))
            todo.push_back(c);
    context.setTotal(int64_t(items.size()), int64_t(items.size() - todo.size()));
    context.setStage("pre-labeling with " + model.version.name);
    const std::vector<int> bodyParts = classToBodyPartFor(model.version, model.model.config().numClasses);
    const size_t batchSize = size_t(std::max(m_options.batchSize, 1));
    const InferenceThreads share = inferenceThreadsBeside(model.model);
    ClipPrefetcher prefetcher(todo, ClipPipeline(model.pipeline), batchSize * 2, -1, m_options.decoder, &share);
    Status failure;
    BatchLoopStats stats;
    double forwardSeconds = 0;
    QElapsedTimer wall;
    wall.start();
    forEachClipBatch(prefetcher, batchSize, context, [&](ClipBatch& batch) {
        std::vector<ItemPrediction> predictions;
        if (!batch.clips.empty()) {
            QElapsedTimer t;
            t.start();
            model::Result<model::ForwardOutput> out = model.model.forward(batch.frames());
            forwardSeconds += t.nsecsElapsed() / 1e9;
            if (!out) {
                failure = Error{QString::fromStdString(out.error())};
                return false;
            }
            const std::vector<model::ClipPrediction> p =
                model::predictBatch(out->logits, out->batch, out->numClasses, m_options.topK, bodyParts);
            for (size_t i = 0; i < p.size(); ++i)
                predictions.push_back(makeItemPrediction(batch.clips[i].item.key, version, p[i], m_options.keepProbabilities));
        }
        if (context.cancelled())
            return false; // the batch in hand is dropped whole: nothing half-written
        const Status committed = data.commitPredictions(version, predictions);
        if (!committed) {
            failure = committed;
            return false;
        }
        if (!batch.failures.empty()) {
            const Status recorded = data.recordFailures(version, batch.failures);
            if (!recorded) {
                failure = recorded;
                return false;
            }
            for (const ItemFailure& f : batch.failures)
                context.itemFailed(f.itemKey, f.message);
        }
        context.advance(int64_t(batch.clips.size() + batch.failures.size()));
        return true;
    }, &stats);
    const double seconds = wall.nsecsElapsed() / 1e9;
    context.figures().insert("clips", double(stats.clips));
    context.figures().insert("seconds", seconds);
    context.figures().insert("clips_per_second", seconds > 0 ? stats.clips / seconds : 0);
    context.figures().insert("model_clips_per_second", forwardSeconds > 0 ? stats.clips / forwardSeconds : 0);
    context.figures().insert("decode_wait_seconds", stats.waitSeconds);
    context.forceProgress();
    return failure;
}

Status PrelabelJob::runWindows(JobContext& context, ProjectData& data, LoadedModel& model)
{
    QStringList videos = m_options.videos;
    if (videos.isEmpty()) {
        Result<QStringList> all = data.videos();
        if (!all)
            return Error{all.error()};
        videos = all.value();
    }
    const QString version = model.version.id;
    const std::vector<int> bodyParts = classToBodyPartFor(model.version, model.model.config().numClasses);
    // Plan the windows of every video first so progress has a total.
    struct Plan {
        QString video;
        std::vector<std::pair<int, int>> windows;
    };
    std::vector<Plan> plans;
    int64_t total = 0, skipped = 0;
    const InferenceThreads share = inferenceThreadsBeside(model.model);
    // Planning indexes every video; the index is kept in the project's cache (where the player keeps its
    // own), so decoding the windows below loads it instead of reading an hour of packets a second time.
    DecoderOptions decoderOptions = m_options.decoder;
    if (decoderOptions.indexCacheDir.isEmpty())
        decoderOptions.indexCacheDir = data.cacheDir();
    context.setStage("reading the videos");
    for (const QString& video : videos) {
        if (context.cancelled())
            return Status::success();
        const VideoResult<std::unique_ptr<VideoDecoder>> decoder = VideoDecoder::open(video, decoderOptions);
        if (!decoder) {
            context.itemFailed(video, decoder.error());
            const Status recorded = data.recordFailures(version, {{video, decoder.error()}});
            if (!recorded)
                return recorded;
            continue;
        }
        Plan plan{video, slidingWindows(decoder.value()->frameCount(), m_options.windows.window, m_options.windows.stride)};
        total += int64_t(plan.windows.size());
        Result<bool> done = data.videoHasProposals(version, video);
        if (!done)
            return Error{done.error()};
        if (done.value())
            skipped += int64_t(plan.windows.size());
        else
            plans.push_back(std::move(plan));
    }
    context.setTotal(total, skipped);
    context.setStage("sliding windows with " + model.version.name);
    int64_t proposals = 0, windowsDone = 0;
    QElapsedTimer timer;
    timer.start();
    for (const Plan& plan : plans) {
        std::vector<ClipItem> items;
        for (const auto& [start, end] : plan.windows)
            items.push_back({ClipItem::fileKey(plan.video, start, end), plan.video, start, end, -1, {}});
        ClipPrefetcher prefetcher(items, ClipPipeline(model.pipeline), size_t(m_options.batchSize) * 2, -1, decoderOptions,
                                  &share);
        std::vector<WindowProbabilities> windows;
        Status failure;
        const bool complete = forEachClipBatch(prefetcher, size_t(std::max(m_options.batchSize, 1)), context, [&](ClipBatch& batch) {
            if (!batch.clips.empty()) {
                model::Result<model::ForwardOutput> out = model.model.forward(batch.frames());
                if (!out) {
                    failure = Error{QString::fromStdString(out.error())};
                    return false;
                }
                windowsDone += int64_t(batch.clips.size());
                for (size_t i = 0; i < batch.clips.size(); ++i) {
                    const ClipItem& item = batch.clips[i].item;
                    windows.push_back({item.startFrame, item.endFrame,
                                       model::softmax(out->logits.data() + i * size_t(out->numClasses), out->numClasses)});
                }
            }
            for (const ItemFailure& f : batch.failures)
                context.itemFailed(f.itemKey, f.message);
            context.advance(int64_t(batch.clips.size() + batch.failures.size()));
            return true;
        });
        if (!failure)
            return failure;
        if (!complete || context.cancelled())
            return Status::success(); // this video's proposals are not stored: it is redone on resume
        const std::vector<ProposedSegment> segments = proposeSegments(plan.video, windows, m_options.windows, bodyParts);
        const Status committed = data.commitProposals(version, plan.video, segments);
        if (!committed)
            return committed;
        proposals += int64_t(segments.size());
    }
    context.figures().insert("proposals", double(proposals));
    context.figures().insert("clips", double(windowsDone)); // windows
    context.figures().insert("seconds", timer.elapsed() / 1000.0);
    context.figures().insert("clips_per_second", windowsDone / std::max(timer.elapsed() / 1000.0, 1e-9));
    return Status::success();
}

} // namespace mas::worker
