// What a user sees from class logits: top-k with softmax scores, body-part scores, the benchmark's CSV rows;
// and the label-embedding matrix (the benchmark's .npy, or the deterministic default).
#include "LabelEmbeddings.h"
#include "Prediction.h"

#include "ModelTestSupport.h"
#include "TestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

#include <numeric>

using namespace mas::model;

class TestPrediction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void topClassesAreRankedSoftmaxScores();
    void bodyPartScoresSumTheirClasses();
    void benchmarkRowNamesTopFiveAndTheirBodyParts();
    void ma52MappingFollowsTheOfficialRanges();
    void derivedEmbeddingsAreDeterministicAndGroupedByBodyPart();
    void npyRoundTripsAndTheBenchmarkMatrixLoads();
};

void TestPrediction::topClassesAreRankedSoftmaxScores()
{
    std::vector<float> logits(52, 0.f);
    logits[9] = 5.f;
    logits[3] = 4.f;
    logits[40] = 3.f;
    const ClipPrediction p = predictClip(logits.data(), 52, 5, ma52ClassToBodyPart());
    QCOMPARE(p.topClasses.size(), size_t(5));
    QCOMPARE(p.topClasses[0].classId, 9);
    QCOMPARE(p.topClasses[1].classId, 3);
    QCOMPARE(p.topClasses[2].classId, 40);
    QCOMPARE(p.topClasses[3].classId, 0); // ties: lower id first
    const double sum = std::accumulate(p.probabilities.begin(), p.probabilities.end(), 0.0);
    QVERIFY(std::abs(sum - 1.0) < 1e-5);
    QVERIFY(std::abs(p.topClasses[0].score - std::exp(5.f) / (std::exp(5.f) + std::exp(4.f) + std::exp(3.f) + 49.f)) < 1e-6);
    // Huge logits stay finite.
    std::vector<float> huge(52, -1e30f);
    huge[7] = 1e30f;
    QCOMPARE(predictClip(huge.data(), 52, 1, {}).topClasses[0].score, 1.f);
}

void TestPrediction::bodyPartScoresSumTheirClasses()
{
    std::vector<float> logits(52, 0.f);
    const ClipPrediction p = predictClip(logits.data(), 52, 5, ma52ClassToBodyPart());
    QCOMPARE(p.bodyPartScores.size(), size_t(7));
    QVERIFY(std::abs(p.bodyPartScores[2] - 13.f / 52.f) < 1e-6); // upper limb: ids 11-23
    QVERIFY(std::abs(p.bodyPartScores[5] - 10.f / 52.f) < 1e-6); // head-hand: 38-47
    // Batches: row by row.
    std::vector<float> two(2 * 52, 0.f);
    two[52 + 50] = 9.f;
    const auto rows = predictBatch(two, 2, 52, 1, ma52ClassToBodyPart());
    QCOMPARE(rows.size(), size_t(2));
    QCOMPARE(rows[1].topClasses[0].classId, 50);
    QCOMPARE(rows[1].bestBodyPart, 6);
}

void TestPrediction::benchmarkRowNamesTopFiveAndTheirBodyParts()
{
    std::vector<float> logits(52, 0.f);
    const int ranked[] = {45, 2, 30, 12, 7};
    for (int i = 0; i < 5; ++i)
        logits[ranked[i]] = 10.f - i;
    const ClipPrediction p = predictClip(logits.data(), 52, 5, ma52ClassToBodyPart());
    QCOMPARE(benchmarkCsvRow("test0000.mp4", p), std::string("test0000.mp4,45,2,30,12,7,5,0,3,2,1"));
    QCOMPARE(benchmarkCsvHeader().substr(0, 18), std::string("vid,action_pred_1,"));
}

void TestPrediction::ma52MappingFollowsTheOfficialRanges()
{
    const auto map = ma52ClassToBodyPart();
    QCOMPARE(map.size(), size_t(52));
    QCOMPARE(map[4], 0);
    QCOMPARE(map[5], 1);
    QCOMPARE(map[23], 2);
    QCOMPARE(map[24], 3);
    QCOMPARE(map[37], 4);
    QCOMPARE(map[38], 5);
    QCOMPARE(map[51], 6);
}

void TestPrediction::derivedEmbeddingsAreDeterministicAndGroupedByBodyPart()
{
    const LabelEmbeddings a = LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart());
    const LabelEmbeddings b = LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart());
    QCOMPARE(a.classes, int64_t(52));
    QCOMPARE(a.dim, int64_t(300));
    QCOMPARE(a.values, b.values);
    QCOMPARE(a.source, std::string("derived:taxonomy-v1"));
    auto cosine = [&](int i, int j) {
        double dot = 0, ni = 0, nj = 0;
        for (int64_t d = 0; d < a.dim; ++d) {
            dot += a.row(i)[d] * a.row(j)[d];
            ni += a.row(i)[d] * a.row(i)[d];
            nj += a.row(j)[d] * a.row(j)[d];
        }
        return dot / std::sqrt(ni * nj);
    };
    QVERIFY(cosine(11, 12) > 0.25); // same body part
    QVERIFY(std::abs(cosine(11, 40)) < 0.25);
    QVERIFY(std::abs(std::sqrt(cosine(3, 3)) - 1.0) < 1e-6);
}

void TestPrediction::npyRoundTripsAndTheBenchmarkMatrixLoads()
{
    QTemporaryDir dir;
    const LabelEmbeddings a = LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart(), 16);
    const std::string path = dir.filePath("e.npy").toStdString();
    QVERIFY(a.saveNpy(path).ok());
    Result<LabelEmbeddings> b = LabelEmbeddings::loadNpy(path);
    QVERIFY2(b.ok(), b.error().c_str());
    QCOMPARE(b->values, a.values);
    QVERIFY(LabelEmbeddings::loadNpy(dir.filePath("none.npy").toStdString()).error().find("cannot open") != std::string::npos);

    const QString shared = mas::test::sharedDir();
    if (shared.isEmpty())
        QSKIP("needs ../shared/ma52 for the benchmark's label embeddings");
    Result<LabelEmbeddings> official = LabelEmbeddings::loadNpy((shared + "/ma52/label_embeddings_300d.npy").toStdString());
    QVERIFY2(official.ok(), official.error().c_str());
    QCOMPARE(official->classes, int64_t(52));
    QCOMPARE(official->dim, int64_t(300));
}

QTEST_GUILESS_MAIN(TestPrediction)
#include "tst_prediction.moc"
