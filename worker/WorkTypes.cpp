#include "WorkTypes.h"

namespace mas::worker {

QString ClipItem::fileKey(const QString& path, int startFrame, int endFrame)
{
    return QStringLiteral("%1#%2-%3").arg(path).arg(startFrame).arg(endFrame);
}

ItemPrediction makeItemPrediction(const QString& itemKey, const QString& modelVersion,
                                  const model::ClipPrediction& prediction, bool keepProbabilities)
{
    ItemPrediction p;
    p.itemKey = itemKey;
    p.modelVersion = modelVersion;
    p.topClasses = prediction.topClasses;
    p.bodyPartScores = prediction.bodyPartScores;
    if (keepProbabilities)
        p.probabilities = prediction.probabilities;
    p.bodyPart = prediction.bestBodyPart;
    return p;
}

} // namespace mas::worker
