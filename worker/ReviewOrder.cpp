#include "ReviewOrder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mas::worker {

namespace {

float topScore(const ItemPrediction& p, size_t rank)
{
    return rank < p.topClasses.size() ? p.topClasses[rank].score : 0.f;
}

double entropyOf(const ItemPrediction& p, int numClasses)
{
    double h = 0;
    auto add = [&h](double q) {
        if (q > 0)
            h -= q * std::log(q);
    };
    if (!p.probabilities.empty()) {
        for (float q : p.probabilities)
            add(q);
        return h;
    }
    double mass = 0;
    for (const model::ScoredClass& c : p.topClasses) {
        add(c.score);
        mass += c.score;
    }
    const int rest = numClasses - int(p.topClasses.size());
    if (rest > 0 && mass < 1.0) {
        const double each = (1.0 - mass) / rest;
        h += rest * (each > 0 ? -each * std::log(each) : 0);
    }
    return h;
}

} // namespace

double reviewDoubt(const ItemPrediction& prediction, ReviewOrdering ordering, int numClasses)
{
    switch (ordering) {
    case ReviewOrdering::LeastConfidence:
        return 1.0 - topScore(prediction, 0);
    case ReviewOrdering::SmallestMargin:
        return 1.0 - (topScore(prediction, 0) - topScore(prediction, 1));
    case ReviewOrdering::HighestEntropy:
        return entropyOf(prediction, numClasses);
    case ReviewOrdering::PredictedClass:
        return topScore(prediction, 0);
    case ReviewOrdering::Disagreement:
        return -1; // needs the human label: humanDisagreement
    }
    return 0;
}

double humanDisagreement(const ItemPrediction& prediction, int humanClassId)
{
    if (humanClassId < 0 || prediction.topClasses.empty())
        return -1;
    const model::ScoredClass& best = prediction.topClasses.front();
    if (best.classId == humanClassId)
        return 0.5 * (1.0 - best.score);
    double humanScore = 0;
    if (size_t(humanClassId) < prediction.probabilities.size())
        humanScore = prediction.probabilities[size_t(humanClassId)];
    else
        for (const model::ScoredClass& c : prediction.topClasses)
            if (c.classId == humanClassId)
                humanScore = c.score;
    return 1.0 + std::clamp(double(best.score) - humanScore, 1e-6, 1.0);
}

std::vector<int> disagreementOrder(const std::vector<ItemPrediction>& predictions, const std::vector<int>& humanClassIds)
{
    std::vector<int> order(predictions.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> key(predictions.size());
    for (size_t i = 0; i < predictions.size(); ++i)
        key[i] = humanDisagreement(predictions[i], i < humanClassIds.size() ? humanClassIds[i] : -1);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[size_t(a)] > key[size_t(b)]; });
    return order;
}

std::vector<int> reviewOrder(const std::vector<ItemPrediction>& predictions, ReviewOrdering ordering, int numClasses)
{
    std::vector<int> order(predictions.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> doubt(predictions.size());
    for (size_t i = 0; i < predictions.size(); ++i)
        doubt[i] = reviewDoubt(predictions[i], ordering, numClasses);
    if (ordering == ReviewOrdering::PredictedClass) {
        auto cls = [&](int i) { return predictions[size_t(i)].topClasses.empty() ? -1 : predictions[size_t(i)].topClasses[0].classId; };
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return cls(a) != cls(b) ? cls(a) < cls(b) : doubt[size_t(a)] > doubt[size_t(b)];
        });
    } else {
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return doubt[size_t(a)] > doubt[size_t(b)]; });
    }
    return order;
}

} // namespace mas::worker
