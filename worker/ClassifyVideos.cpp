#include "ClassifyVideos.h"

#include "ClipBatches.h"
#include "ClipPrefetcher.h"

#include "ManetModel.h"
#include "ModelSource.h"
#include "Prediction.h"
#include "taxonomy/Taxonomy.h"
#include "video/ClipPipeline.h"

#include <QElapsedTimer>

#include <map>

namespace mas::worker {

Result<QVector<ClassifiedVideo>> classifyVideos(const QStringList& videos, const ClassifyOptions& options,
                                                const std::function<void(const ClassifiedVideo&)>& onEach,
                                                const std::atomic_bool* cancel, ClassifyFigures* figures)
{
    ClassifyFigures local;
    ClassifyFigures& fig = figures ? *figures : local;
    QElapsedTimer clock;
    clock.start();
    // The checkpoint's shapes and metadata (data.pkl alone) set up the clip pipeline, so the first videos are
    // decoded while the weights load (~0.7 s for MANet-50 on the CPU).
    const model::Result<model::CheckpointInfo> shapes = model::inspectCheckpointShapes(options.checkpoint.toStdString());
    if (!shapes)
        return Error{QString::fromStdString(shapes.error())};
    if (options.expectedDepth > 0 && options.expectedDepth != shapes->depth)
        return Error{QString("%1 holds a MANet of depth %2, not %3")
                         .arg(options.checkpoint).arg(shapes->depth).arg(options.expectedDepth)};
    const ClipPipelineConfig pipeline = pipelineForCheckpoint(shapes.value());
    if (options.threads > 0)
        model::ManetModel::setThreads(options.threads);
    const model::Device device = deviceFromName(options.device);
    const bool onGpu = model::ManetModel::resolveDevice(device) == model::Device::Cuda;
    InferenceThreads share = inferenceThreads(0, options.threads, options.decoderThreads, onGpu);
    if (options.decoders > 0)
        share.producers = options.decoders;
    DecoderOptions decoderOptions;
    decoderOptions.threads = share.decoder;
    decoderOptions.cacheMegabytes = 32; // each frame is taken once
    std::vector<ClipItem> items;
    for (const QString& video : videos) // keyed by position: a file may be listed twice
        items.push_back({QString::number(items.size()), video, 0, -1, -1, {}});
    const size_t batchSize = size_t(std::max(options.batch, 1));
    ClipPrefetcher prefetcher(items, ClipPipeline(pipeline), batchSize * 2, -1, decoderOptions, &share);

    model::Result<model::ManetModel> m =
        model::ManetModel::fromCheckpoint(options.checkpoint.toStdString(), device);
    if (!m)
        return Error{QString::fromStdString(m.error())};
    const ClipPipelineConfig loadedPipeline = pipelineFromMetadata(m->metadataJson(), m->config().segments);
    if (loadedPipeline.segments != pipeline.segments || loadedPipeline.cropSize != pipeline.cropSize ||
        loadedPipeline.shortSide != pipeline.shortSide)
        return Error{options.checkpoint + " changed while it was being read; run again"};
    m->setBFloat16Inference(options.bfloat16);
    const Taxonomy& taxonomy = Taxonomy::builtinMa52();
    std::vector<int> bodyParts;
    for (int k = 0; k < m->config().numClasses; ++k)
        bodyParts.push_back(k < taxonomy.classCount() ? taxonomy.bodyPartOfClass(k) : -1);
    fig.loadSeconds = clock.nsecsElapsed() / 1e9; // decoding has started meanwhile
    fig.modelThreads = model::ManetModel::threads();
    fig.decoders = share.producers;
    fig.decoderThreads = share.decoder;
    clock.restart();
    QVector<ClassifiedVideo> results;
    while (!(cancel && cancel->load())) {
        QElapsedTimer step;
        step.start();
        std::vector<DecodedClip> decoded = prefetcher.nextBatch(batchSize);
        fig.waitSeconds += step.nsecsElapsed() / 1e9;
        if (decoded.empty())
            break;
        std::map<size_t, ClassifiedVideo> done; // by position in `videos`
        for (const DecodedClip& c : decoded) {
            done[c.index].video = c.item.videoPath;
            done[c.index].colorConversion = c.tensor.colorConversion;
        }
        ClipBatch batch = makeClipBatch(std::move(decoded));
        for (const ItemFailure& f : batch.failures)
            done[size_t(f.itemKey.toULongLong())].error = f.message;
        if (!batch.clips.empty()) {
            step.restart();
            model::Result<model::ForwardOutput> out = m->forward(batch.frames());
            fig.modelSeconds += step.nsecsElapsed() / 1e9;
            if (!out) {
                for (const DecodedClip& c : batch.clips)
                    done[c.index].error = c.item.videoPath + ": " + QString::fromStdString(out.error());
            } else {
                const std::vector<model::ClipPrediction> p =
                    model::predictBatch(out->logits, out->batch, out->numClasses, std::max(options.top, 1), bodyParts);
                for (size_t i = 0; i < p.size(); ++i) {
                    ClassifiedVideo& r = done[batch.clips[i].index];
                    for (const model::ScoredClass& s : p[i].topClasses)
                        r.topClasses.push_back({s.classId, s.score});
                    for (float v : p[i].bodyPartScores)
                        r.bodyPartScores.push_back(v);
                    r.bodyPart = p[i].bestBodyPart;
                }
            }
        }
        for (auto& [index, r] : done) {
            if (onEach)
                onEach(r);
            results.push_back(std::move(r));
        }
    }
    fig.runSeconds = clock.nsecsElapsed() / 1e9;
    fig.videos = int(results.size());
    return results;
}

} // namespace mas::worker
