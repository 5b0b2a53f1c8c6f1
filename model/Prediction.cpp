#include "Prediction.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mas::model {

std::vector<float> softmax(const float* logits, int64_t count)
{
    std::vector<float> out(static_cast<size_t>(std::max<int64_t>(count, 0)));
    if (count <= 0)
        return out;
    const float top = *std::max_element(logits, logits + count);
    double sum = 0;
    for (int64_t i = 0; i < count; ++i) {
        out[i] = std::exp(logits[i] - top);
        sum += out[i];
    }
    for (float& v : out)
        v = static_cast<float>(v / sum);
    return out;
}

ClipPrediction predictClip(const float* logits, int64_t numClasses, int topK, const std::vector<int>& classToBodyPart)
{
    ClipPrediction p;
    p.probabilities = softmax(logits, numClasses);
    std::vector<int> order(static_cast<size_t>(numClasses));
    std::iota(order.begin(), order.end(), 0);
    const int k = static_cast<int>(std::clamp<int64_t>(topK, 0, numClasses));
    // Ties keep the lower id first, so results are stable.
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) {
        return p.probabilities[a] != p.probabilities[b] ? p.probabilities[a] > p.probabilities[b] : a < b;
    });
    for (int i = 0; i < k; ++i)
        p.topClasses.push_back({order[i], p.probabilities[order[i]]});

    if (static_cast<int64_t>(classToBodyPart.size()) >= numClasses && numClasses > 0) {
        const int parts = *std::max_element(classToBodyPart.begin(), classToBodyPart.begin() + numClasses) + 1;
        p.bodyPartScores.assign(static_cast<size_t>(std::max(parts, 0)), 0.f);
        for (int64_t c = 0; c < numClasses; ++c)
            if (classToBodyPart[c] >= 0)
                p.bodyPartScores[classToBodyPart[c]] += p.probabilities[c];
        for (const ScoredClass& s : p.topClasses)
            p.topBodyParts.push_back(classToBodyPart[s.classId]);
        if (!p.topClasses.empty())
            p.bestBodyPart = classToBodyPart[p.topClasses.front().classId];
    }
    return p;
}

std::vector<ClipPrediction> predictBatch(const std::vector<float>& logits, int64_t batch, int64_t numClasses, int topK,
                                         const std::vector<int>& classToBodyPart)
{
    std::vector<ClipPrediction> out;
    if (batch <= 0 || numClasses <= 0 || static_cast<int64_t>(logits.size()) < batch * numClasses)
        return out;
    for (int64_t b = 0; b < batch; ++b)
        out.push_back(predictClip(logits.data() + b * numClasses, numClasses, topK, classToBodyPart));
    return out;
}

std::vector<int> ma52ClassToBodyPart()
{
    // First class id of each body part, in body-part order.
    const int firstIds[] = {0, 5, 11, 24, 32, 38, 48, 52};
    std::vector<int> map(52);
    for (int part = 0; part < 7; ++part)
        for (int k = firstIds[part]; k < firstIds[part + 1]; ++k)
            map[k] = part;
    return map;
}

std::string benchmarkCsvHeader()
{
    return "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
           "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5";
}

std::string benchmarkCsvRow(const std::string& videoName, const ClipPrediction& prediction)
{
    std::string row = videoName;
    for (size_t i = 0; i < 5; ++i)
        row += ',' + (i < prediction.topClasses.size() ? std::to_string(prediction.topClasses[i].classId) : "");
    for (size_t i = 0; i < 5; ++i)
        row += ',' + (i < prediction.topBodyParts.size() ? std::to_string(prediction.topBodyParts[i]) : "");
    return row;
}

} // namespace mas::model
