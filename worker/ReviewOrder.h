#pragma once
// The review queue's orderings over pre-labels of unconfirmed segments: the most doubtful first
// (least confidence, smallest top-2 margin, highest entropy), grouped by predicted class, or where the
// model disagrees with the human label (confirmed segments: the labels most worth a second look).
// Torch-free: the GUI's review queue calls this on predictions read from the store.
#include "WorkTypes.h"

#include <vector>

namespace mas::worker {

enum class ReviewOrdering {
    LeastConfidence, // lowest top-1 probability first
    SmallestMargin,  // smallest gap between the two best classes first
    HighestEntropy,  // most spread-out distribution first
    PredictedClass,  // by predicted class id, most confident first within a class
    Disagreement,    // human label and model disagree first (most confident model first), then shaky agreements
};

// The doubt of one prediction under an ordering (higher = reviewed earlier); PredictedClass: top-1 score.
// Entropy uses all probabilities when kept, else the top-k with the rest of the mass spread over the
// remaining `numClasses - k` classes.
double reviewDoubt(const ItemPrediction& prediction, ReviewOrdering ordering, int numClasses = 52);

// How much a prediction disagrees with the human label `humanClassId` (higher = reviewed earlier):
// in (1, 2] when the model's top-1 is another class (1 + its score minus the human class's score, 0 when
// the human class is not in the kept top-k), in [0, 0.5] when they agree (the less sure the model, the
// higher), and -1 without a human label or a prediction (nothing to compare: last).
double humanDisagreement(const ItemPrediction& prediction, int humanClassId);

// Indices into `predictions` in review order (stable for ties).
std::vector<int> reviewOrder(const std::vector<ItemPrediction>& predictions, ReviewOrdering ordering,
                             int numClasses = 52);
// Disagreement order: `humanClassIds[i]` is the human label of `predictions[i]` (-1: none).
std::vector<int> disagreementOrder(const std::vector<ItemPrediction>& predictions, const std::vector<int>& humanClassIds);

} // namespace mas::worker
