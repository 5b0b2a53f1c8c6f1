#pragma once
// The review queue's orderings over pre-labels of unconfirmed segments: the most doubtful first
// (least confidence, smallest top-2 margin, highest entropy), or grouped by predicted class.
// Torch-free: the GUI's review queue calls this on predictions read from the store.
#include "WorkTypes.h"

#include <vector>

namespace mas::worker {

enum class ReviewOrdering {
    LeastConfidence, // lowest top-1 probability first
    SmallestMargin,  // smallest gap between the two best classes first
    HighestEntropy,  // most spread-out distribution first
    PredictedClass,  // by predicted class id, most confident first within a class
};

// The doubt of one prediction under an ordering (higher = reviewed earlier); PredictedClass: top-1 score.
// Entropy uses all probabilities when kept, else the top-k with the rest of the mass spread over the
// remaining `numClasses - k` classes.
double reviewDoubt(const ItemPrediction& prediction, ReviewOrdering ordering, int numClasses = 52);

// Indices into `predictions` in review order (stable for ties).
std::vector<int> reviewOrder(const std::vector<ItemPrediction>& predictions, ReviewOrdering ordering,
                             int numClasses = 52);

} // namespace mas::worker
