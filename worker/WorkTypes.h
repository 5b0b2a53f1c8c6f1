#pragma once
// What the worker's jobs take and give: clips to look at, their predictions, their failures.
// Torch-free (model/Prediction.h is plain C++), so the GUI and the CLI can hold these values.
#include "Prediction.h"

#include <QMetaType>
#include <QString>
#include <QVector>

#include <vector>

namespace mas::worker {

// One segment of a video the model looks at.
struct ClipItem {
    QString key;          // stable identity: the store's segment id, or "path#start-end" for files
    QString videoPath;
    int startFrame = 0;
    int endFrame = -1;    // exclusive; -1: to the end of the video
    int label = -1;       // confirmed class id; -1 when unlabelled
    QString participant;  // who is filmed (validation is held out by participant)

    static QString fileKey(const QString& path, int startFrame, int endFrame);
};

struct ItemPrediction {
    QString itemKey;
    QString modelVersion;
    std::vector<model::ScoredClass> topClasses; // best first
    std::vector<float> bodyPartScores;          // summed class probabilities per body part
    std::vector<float> probabilities;           // all classes (may be empty when only the top-k was kept)
    int bodyPart = -1;                          // body part of the top-1 class
};

struct ItemFailure {
    QString itemKey;
    QString message; // names the file and the problem
};

// A segment proposed on long footage by the sliding window (label status "prelabeled").
struct ProposedSegment {
    QString videoPath;
    int startFrame = 0;
    int endFrame = 0;     // exclusive
    int classId = -1;
    int bodyPart = -1;
    float score = 0.f;    // highest window probability of the class inside the segment
    int windows = 0;      // windows merged into it
};

ItemPrediction makeItemPrediction(const QString& itemKey, const QString& modelVersion,
                                  const model::ClipPrediction& prediction, bool keepProbabilities);

} // namespace mas::worker
