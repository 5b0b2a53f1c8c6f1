#pragma once
// Turning class logits into what a user sees: top-k classes with softmax scores, body-part scores,
// and the benchmark's prediction rows (top-5 classes and the body part of each of those five).
// Plain C++ (no torch): usable from worker/ and app/.
#include <cstdint>
#include <string>
#include <vector>

namespace mas::model {

struct ScoredClass {
    int classId = 0;
    float score = 0.f; // softmax probability
};

struct ClipPrediction {
    std::vector<ScoredClass> topClasses;   // best first, k entries
    std::vector<float> probabilities;      // all classes, softmax
    std::vector<float> bodyPartScores;     // sum of class probabilities per body part
    int bestBodyPart = -1;                 // body part of the top-1 class (the benchmark's body prediction)
    std::vector<int> topBodyParts;         // body part of each of the top classes (benchmark CSV body_pred_i)
};

// Numerically stable softmax of one row.
std::vector<float> softmax(const float* logits, int64_t count);

// classToBodyPart[k] = body part id of class k (ids 0..P-1); may be empty (then no body-part fields).
ClipPrediction predictClip(const float* logits, int64_t numClasses, int topK,
                           const std::vector<int>& classToBodyPart);
// Row by row over logits [batch, numClasses].
std::vector<ClipPrediction> predictBatch(const std::vector<float>& logits, int64_t batch, int64_t numClasses,
                                         int topK, const std::vector<int>& classToBodyPart);

// MA-52's official mapping (0-4 body, 5-10 head, 11-23 upper limb, 24-31 lower limb, 32-37 body-hand,
// 38-47 head-hand, 48-51 leg-hand), for code without the Qt taxonomy.
std::vector<int> ma52ClassToBodyPart();

// One row of the benchmark's prediction CSV: "vid,a1,...,a5,b1,...,b5".
std::string benchmarkCsvHeader();
std::string benchmarkCsvRow(const std::string& videoName, const ClipPrediction& prediction);

} // namespace mas::model
