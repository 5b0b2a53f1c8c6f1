#pragma once
// Training / validation split held out BY PARTICIPANT: a participant's clips are all on one side.
// Deterministic for a seed. Torch-free.
#include "WorkTypes.h"

#include <QStringList>

#include <vector>

namespace mas::worker {

struct DataSplit {
    std::vector<ClipItem> training;
    std::vector<ClipItem> validation;
    QStringList validationParticipants;
};

// About `validationFraction` of the labelled clips go to validation, whole participants at a time
// (at least one participant when there are two or more). Unlabelled items are dropped.
// Items without a participant are grouped by video file (a video is one participant's).
DataSplit splitByParticipant(const std::vector<ClipItem>& items, double validationFraction, uint64_t seed);

// Inverse-frequency class weights (mean 1 over present classes; absent classes 0), for imbalance.
std::vector<float> balancedClassWeights(const std::vector<ClipItem>& items, int numClasses);

} // namespace mas::worker
