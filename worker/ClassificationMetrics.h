#pragma once
// Figures after each epoch and for `evaluate`: loss, top-1, top-5, macro-F1 (and per class), for classes and
// for body parts (the body prediction is the body part of the top-1 class, as the MA-52 benchmark scores it;
// body top-5 asks whether the true body part is among the body parts of the five best classes).
// Plain C++ over probabilities: no torch, no model.
#include <QJsonObject>

#include <vector>

namespace mas::worker {

struct PerClassFigures {
    int support = 0;      // true examples
    int predicted = 0;    // times predicted (top-1)
    double precision = 0, recall = 0, f1 = 0;
};

struct LevelFigures {
    int count = 0;
    double top1 = 0, top5 = 0;   // fractions 0..1
    double macroF1 = 0;          // over classes with support or predictions (classes never seen nor predicted are left out)
    double microF1 = 0;          // equals top-1 for single-label data
    std::vector<PerClassFigures> perClass;
};

struct EvaluationFigures {
    double loss = 0;             // mean cross-entropy, -log p(true class)
    LevelFigures classes;
    LevelFigures bodyParts;      // empty when no class -> body-part map was given
    std::vector<std::vector<int>> confusion; // [human class][model top-1 class] counts (numClasses square)
    QJsonObject toJson(bool perClass = false) const;
    static EvaluationFigures fromJson(const QJsonObject& json);
};

// probabilities: one vector per example (softmax over numClasses); labels: true class per example.
// classToBodyPart may be empty. Examples with a label outside 0..numClasses-1 are skipped.
EvaluationFigures evaluateProbabilities(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<int>& labels, int numClasses,
                                        const std::vector<int>& classToBodyPart);

// Top-1 / macro-F1 of hard predictions alone (e.g. after a relabelling), for tests and reports.
LevelFigures evaluateHard(const std::vector<int>& predicted, const std::vector<int>& labels, int numClasses);

} // namespace mas::worker
