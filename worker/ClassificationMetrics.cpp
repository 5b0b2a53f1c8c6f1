#include "ClassificationMetrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mas::worker {

namespace {

std::vector<int> rankedClasses(const std::vector<float>& p, int k)
{
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    k = std::min<int>(k, int(order.size()));
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) { return p[a] > p[b]; });
    order.resize(size_t(k));
    return order;
}

void finishLevel(LevelFigures& level, int correctTop1, int correctTop5)
{
    if (level.count == 0)
        return;
    level.top1 = double(correctTop1) / level.count;
    level.top5 = double(correctTop5) / level.count;
    level.microF1 = level.top1;
    double sum = 0;
    int used = 0;
    for (PerClassFigures& c : level.perClass) {
        const int truePositive = int(std::lround(c.recall)); // holds the raw count until here
        c.recall = c.support ? double(truePositive) / c.support : 0;
        c.precision = c.predicted ? double(truePositive) / c.predicted : 0;
        c.f1 = (c.precision + c.recall) > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0;
        if (c.support || c.predicted) {
            sum += c.f1;
            ++used;
        }
    }
    level.macroF1 = used ? sum / used : 0;
}

QJsonObject levelJson(const LevelFigures& l, bool perClass)
{
    QJsonObject o{{"count", l.count}, {"top1", l.top1}, {"top5", l.top5}, {"macro_f1", l.macroF1}, {"micro_f1", l.microF1}};
    if (perClass) {
        QJsonArray rows, f1;
        for (const PerClassFigures& c : l.perClass) {
            rows.append(QJsonObject{{"support", c.support}, {"predicted", c.predicted}, {"precision", c.precision},
                                    {"recall", c.recall}, {"f1", c.f1}});
            f1.append(c.f1);
        }
        o.insert("per_class", rows);
        o.insert("per_class_f1", f1);
    }
    return o;
}

LevelFigures levelFromJson(const QJsonObject& o)
{
    LevelFigures l;
    l.count = o.value("count").toInt();
    l.top1 = o.value("top1").toDouble();
    l.top5 = o.value("top5").toDouble();
    l.macroF1 = o.value("macro_f1").toDouble();
    l.microF1 = o.value("micro_f1").toDouble();
    for (const QJsonValue& v : o.value("per_class").toArray()) {
        const QJsonObject c = v.toObject();
        l.perClass.push_back({c.value("support").toInt(), c.value("predicted").toInt(), c.value("precision").toDouble(),
                              c.value("recall").toDouble(), c.value("f1").toDouble()});
    }
    return l;
}

} // namespace

EvaluationFigures evaluateProbabilities(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<int>& labels, int numClasses,
                                        const std::vector<int>& classToBodyPart)
{
    EvaluationFigures f;
    f.classes.perClass.resize(size_t(std::max(numClasses, 0)));
    f.confusion.assign(size_t(std::max(numClasses, 0)), std::vector<int>(size_t(std::max(numClasses, 0)), 0));
    int parts = 0;
    for (int b : classToBodyPart)
        parts = std::max(parts, b + 1);
    f.bodyParts.perClass.resize(size_t(parts));
    int top1 = 0, top5 = 0, bodyTop1 = 0, bodyTop5 = 0;
    double lossSum = 0;
    const size_t n = std::min(probabilities.size(), labels.size());
    for (size_t i = 0; i < n; ++i) {
        const int label = labels[i];
        const std::vector<float>& p = probabilities[i];
        if (label < 0 || label >= numClasses || int(p.size()) != numClasses)
            continue;
        const std::vector<int> best = rankedClasses(p, 5);
        ++f.classes.count;
        lossSum += -std::log(std::max(double(p[size_t(label)]), 1e-12));
        f.classes.perClass[size_t(label)].support++;
        f.classes.perClass[size_t(best[0])].predicted++;
        f.confusion[size_t(label)][size_t(best[0])]++;
        if (best[0] == label) {
            ++top1;
            f.classes.perClass[size_t(label)].recall += 1; // raw true-positive count, turned into recall later
        }
        if (std::find(best.begin(), best.end(), label) != best.end())
            ++top5;
        if (parts > 0 && size_t(label) < classToBodyPart.size()) {
            const int truePart = classToBodyPart[size_t(label)];
            const int predictedPart = classToBodyPart[size_t(best[0])];
            ++f.bodyParts.count;
            f.bodyParts.perClass[size_t(truePart)].support++;
            f.bodyParts.perClass[size_t(predictedPart)].predicted++;
            if (truePart == predictedPart) {
                ++bodyTop1;
                f.bodyParts.perClass[size_t(truePart)].recall += 1;
            }
            for (int c : best)
                if (classToBodyPart[size_t(c)] == truePart) {
                    ++bodyTop5;
                    break;
                }
        }
    }
    f.loss = f.classes.count ? lossSum / f.classes.count : 0;
    finishLevel(f.classes, top1, top5);
    finishLevel(f.bodyParts, bodyTop1, bodyTop5);
    return f;
}

LevelFigures evaluateHard(const std::vector<int>& predicted, const std::vector<int>& labels, int numClasses)
{
    LevelFigures l;
    l.perClass.resize(size_t(std::max(numClasses, 0)));
    int correct = 0;
    for (size_t i = 0; i < std::min(predicted.size(), labels.size()); ++i) {
        if (labels[i] < 0 || labels[i] >= numClasses || predicted[i] < 0 || predicted[i] >= numClasses)
            continue;
        ++l.count;
        l.perClass[size_t(labels[i])].support++;
        l.perClass[size_t(predicted[i])].predicted++;
        if (labels[i] == predicted[i]) {
            ++correct;
            l.perClass[size_t(labels[i])].recall += 1;
        }
    }
    finishLevel(l, correct, correct);
    return l;
}

QJsonObject EvaluationFigures::toJson(bool perClass) const
{
    QJsonObject o{{"loss", loss}, {"classes", levelJson(classes, perClass)}, {"body_parts", levelJson(bodyParts, perClass)}};
    if (perClass && !confusion.empty()) {
        QJsonArray rows;
        for (const std::vector<int>& row : confusion) {
            QJsonArray r;
            for (int n : row)
                r.append(n);
            rows.append(r);
        }
        o.insert("confusion", rows);
    }
    return o;
}

EvaluationFigures EvaluationFigures::fromJson(const QJsonObject& json)
{
    EvaluationFigures f;
    f.loss = json.value("loss").toDouble();
    f.classes = levelFromJson(json.value("classes").toObject());
    f.bodyParts = levelFromJson(json.value("body_parts").toObject());
    for (const QJsonValue& row : json.value("confusion").toArray()) {
        std::vector<int> r;
        for (const QJsonValue& n : row.toArray())
            r.push_back(n.toInt());
        f.confusion.push_back(std::move(r));
    }
    return f;
}

} // namespace mas::worker
