// The worker's torch-free logic a user sees through the GUI and CLI: epoch figures, the review queue's
// orderings, long-footage segment proposals, the participant split and class weights.
#include "ClassificationMetrics.h"
#include "ParticipantSplit.h"
#include "ReviewOrder.h"
#include "SegmentProposals.h"

#include <QtTest>

using namespace mas::worker;

namespace {

ItemPrediction prediction(const QString& key, std::vector<std::pair<int, float>> top)
{
    ItemPrediction p;
    p.itemKey = key;
    for (auto [c, s] : top)
        p.topClasses.push_back({c, s});
    return p;
}

} // namespace

class TestWorkerLogic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void figuresForClassesAndBodyParts();
    void reviewOrderPutsDoubtFirst();
    void proposalsMergeNeighbouringWindowsPerClass();
    void windowsCoverTheWholeVideo();
    void splitNeverPutsAParticipantOnBothSides();
    void balancedWeightsFavourRareClasses();
};

void TestWorkerLogic::figuresForClassesAndBodyParts()
{
    // 3 classes, body parts {0, 0, 1}.
    const std::vector<std::vector<float>> p{{0.7f, 0.2f, 0.1f}, {0.6f, 0.3f, 0.1f}, {0.1f, 0.1f, 0.8f}, {0.5f, 0.1f, 0.4f}};
    const std::vector<int> labels{0, 1, 2, 2};
    const EvaluationFigures f = evaluateProbabilities(p, labels, 3, {0, 0, 1});
    QCOMPARE(f.classes.count, 4);
    QCOMPARE(f.classes.top1, 0.5);           // items 0 and 2
    QCOMPARE(f.classes.top5, 1.0);
    QCOMPARE(f.bodyParts.top1, 0.75);        // item 1's class 0 is in the right body part
    QVERIFY(std::abs(f.loss - (-(std::log(0.7) + std::log(0.3) + std::log(0.8) + std::log(0.4)) / 4)) < 1e-6);
    // Class 0: precision 1/3, recall 1 -> F1 0.5; class 1: 0; class 2: precision 1, recall 0.5 -> 2/3.
    QVERIFY(std::abs(f.classes.macroF1 - (0.5 + 0 + 2.0 / 3) / 3) < 1e-9);
    const EvaluationFigures back = EvaluationFigures::fromJson(f.toJson(true));
    QCOMPARE(back.classes.top1, f.classes.top1);
    QCOMPARE(int(back.classes.perClass.size()), 3);
}

void TestWorkerLogic::reviewOrderPutsDoubtFirst()
{
    const std::vector<ItemPrediction> p{prediction("sure", {{4, 0.95f}, {1, 0.02f}}),
                                        prediction("split", {{2, 0.45f}, {3, 0.44f}}),
                                        prediction("low", {{1, 0.30f}, {2, 0.10f}})};
    QCOMPARE(reviewOrder(p, ReviewOrdering::LeastConfidence), (std::vector<int>{2, 1, 0}));
    QCOMPARE(reviewOrder(p, ReviewOrdering::SmallestMargin), (std::vector<int>{1, 2, 0}));
    QCOMPARE(reviewOrder(p, ReviewOrdering::HighestEntropy).back(), 0);
    QCOMPARE(reviewOrder(p, ReviewOrdering::PredictedClass), (std::vector<int>{2, 1, 0}));
}

void TestWorkerLogic::proposalsMergeNeighbouringWindowsPerClass()
{
    SlidingWindowOptions o;
    o.threshold = 0.5f;
    // Class 0 confident in windows 0-2 (merged), class 1 in window 2 (overlapping: co-occurring), class 0 again at 5.
    std::vector<WindowProbabilities> w;
    const float table[6][2] = {{0.9f, 0.1f}, {0.8f, 0.1f}, {0.6f, 0.7f}, {0.1f, 0.2f}, {0.2f, 0.1f}, {0.7f, 0.1f}};
    for (int i = 0; i < 6; ++i)
        w.push_back({i * 30, i * 30 + 60, {table[i][0], table[i][1]}});
    const std::vector<ProposedSegment> s = proposeSegments("v.mp4", w, o, {3, 5});
    QCOMPARE(int(s.size()), 3);
    QCOMPARE(s[0].classId, 0);
    QCOMPARE(s[0].startFrame, 0);
    QCOMPARE(s[0].endFrame, 120);
    QCOMPARE(s[0].windows, 3);
    QCOMPARE(s[0].score, 0.9f);
    QCOMPARE(s[1].classId, 1);
    QCOMPARE(s[1].bodyPart, 5);
    QCOMPARE(s[1].startFrame, 60);
    QCOMPARE(s[2].startFrame, 150);
}

void TestWorkerLogic::windowsCoverTheWholeVideo()
{
    const auto w = slidingWindows(200, 60, 30);
    QCOMPARE(w.front().first, 0);
    QCOMPARE(w.back().second, 200);
    for (size_t i = 1; i < w.size(); ++i)
        QVERIFY(w[i].first <= w[i - 1].second);
    QCOMPARE(slidingWindows(40, 60, 30), (std::vector<std::pair<int, int>>{{0, 40}}));
    QVERIFY(slidingWindows(0, 60, 30).empty());
}

void TestWorkerLogic::splitNeverPutsAParticipantOnBothSides()
{
    std::vector<ClipItem> items;
    for (int p = 0; p < 10; ++p)
        for (int i = 0; i < 5; ++i)
            items.push_back({QString("%1-%2").arg(p).arg(i), "v.mp4", 0, 10, i % 3, QString("P%1").arg(p)});
    items.push_back({"unlabelled", "v.mp4", 0, 10, -1, "P0"});
    const DataSplit s = splitByParticipant(items, 0.2, 1);
    QCOMPARE(int(s.training.size() + s.validation.size()), 50);
    QCOMPARE(int(s.validation.size()), 10);
    for (const ClipItem& v : s.validation) {
        QVERIFY(s.validationParticipants.contains(v.participant));
        for (const ClipItem& t : s.training)
            QVERIFY(t.participant != v.participant);
    }
    QCOMPARE(splitByParticipant(items, 0.2, 1).validationParticipants, s.validationParticipants); // seeded
}

void TestWorkerLogic::balancedWeightsFavourRareClasses()
{
    std::vector<ClipItem> items;
    for (int i = 0; i < 9; ++i)
        items.push_back({QString::number(i), "v", 0, 1, 0, "p"});
    items.push_back({"r", "v", 0, 1, 2, "p"});
    const std::vector<float> w = balancedClassWeights(items, 3);
    QCOMPARE(w[1], 0.f);
    QVERIFY(w[2] > 8 * w[0]);
    QVERIFY(std::abs((w[0] + w[2]) / 2 - 1.f) < 1e-5);
}

QTEST_GUILESS_MAIN(TestWorkerLogic)
#include "tst_workerlogic.moc"
