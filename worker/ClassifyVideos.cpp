#include "ClassifyVideos.h"

#include "ManetModel.h"
#include "ModelSource.h"
#include "Prediction.h"
#include "taxonomy/Taxonomy.h"
#include "video/ClipPipeline.h"

namespace mas::worker {

Result<QVector<ClassifiedVideo>> classifyVideos(const QStringList& videos, const ClassifyOptions& options,
                                                const std::function<void(const ClassifiedVideo&)>& onEach,
                                                const std::atomic_bool* cancel)
{
    model::Result<model::ManetModel> m =
        model::ManetModel::fromCheckpoint(options.checkpoint.toStdString(), deviceFromName(options.device));
    if (!m)
        return Error{QString::fromStdString(m.error())};
    m->setBFloat16Inference(options.bfloat16);
    if (options.expectedDepth > 0 && options.expectedDepth != m->config().depth)
        return Error{QString("%1 holds a MANet of depth %2, not %3")
                         .arg(options.checkpoint).arg(m->config().depth).arg(options.expectedDepth)};
    const Taxonomy& taxonomy = Taxonomy::builtinMa52();
    std::vector<int> bodyParts;
    for (int k = 0; k < m->config().numClasses; ++k)
        bodyParts.push_back(k < taxonomy.classCount() ? taxonomy.bodyPartOfClass(k) : -1);
    const ClipPipeline pipeline(pipelineFromMetadata(m->metadataJson(), m->config().segments));
    QVector<ClassifiedVideo> results;
    for (const QString& video : videos) {
        if (cancel && cancel->load())
            break;
        ClassifiedVideo r;
        r.video = video;
        VideoResult<ClipTensor> clip = pipeline.testClip(video);
        if (!clip) {
            r.error = clip.error();
        } else {
            const ClipTensor& c = clip.value();
            r.colorConversion = c.colorConversion;
            model::Result<model::ForwardOutput> out = m->forward({c.data.data(), c.segments, c.channels, c.height, c.width});
            if (!out) {
                r.error = video + ": " + QString::fromStdString(out.error());
            } else {
                const model::ClipPrediction p = model::predictClip(out->logits.data(), out->numClasses, std::max(options.top, 1), bodyParts);
                for (const model::ScoredClass& s : p.topClasses)
                    r.topClasses.push_back({s.classId, s.score});
                for (float v : p.bodyPartScores)
                    r.bodyPartScores.push_back(v);
                r.bodyPart = p.bestBodyPart;
            }
        }
        if (onEach)
            onEach(r);
        results.push_back(r);
    }
    return results;
}

} // namespace mas::worker
