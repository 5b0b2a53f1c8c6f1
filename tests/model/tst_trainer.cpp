// Training as the worker uses it: learning-rate schedules, a full step that moves only unfrozen stages, and
// head-only fine-tuning from cached features that learns a separable task in seconds.
#include "ManetModel.h"
#include "Prediction.h"
#include "Trainer.h"

#include <QtTest>

#include <random>

using namespace mas::model;

namespace {

ManetConfig small(int classes = 52)
{
    ManetConfig c;
    c.depth = 18;
    c.numClasses = classes;
    return c;
}

std::vector<float> clips(int count, int size, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> n;
    std::vector<float> v(size_t(count) * 8 * 3 * size * size);
    for (float& x : v)
        x = n(rng);
    return v;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ManetModel::setDeterministic(true, 1); }
    void schedulesFollowThePublishedSetup();
    void frozenBackboneKeepsItsFeatures();
    void fullStepsLowerTheLoss();
    void badInputsAreErrors();
    void headTrainerLearnsFromCachedFeatures();
};

void TestTrainer::schedulesFollowThePublishedSetup()
{
    Result<ManetModel> m = ManetModel::create(small());
    QVERIFY(m.ok());
    const LabelEmbeddings e = LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart());
    TrainerOptions step;
    step.baseLr = 0.01;
    Trainer t(m.value(), step, e);
    QCOMPARE(t.learningRateAt(0), 0.01);
    QVERIFY(std::abs(t.learningRateAt(30) - 0.001) < 1e-12);
    QVERIFY(std::abs(t.learningRateAt(79) - 0.0001) < 1e-12);
    TrainerOptions cosine = step;
    cosine.schedule = LrSchedule::Cosine;
    cosine.totalEpochs = 10;
    Trainer c(m.value(), cosine, e);
    QVERIFY(std::abs(c.learningRateAt(5) - 0.005) < 1e-12);
    QVERIFY(std::abs(c.learningRateAt(10)) < 1e-12);
}

void TestTrainer::frozenBackboneKeepsItsFeatures()
{
    Result<ManetModel> m = ManetModel::create(small());
    QVERIFY(m.ok());
    const auto x = clips(2, 32, 3);
    const FrameBatch frames{x.data(), 16, 3, 32, 32};
    Result<PooledFeatures> before = m->pooledFeatures(frames);
    Result<ForwardOutput> logitsBefore = m->forward(frames);
    TrainerOptions o;
    o.baseLr = 0.1;
    o.frozenStages = 5; // stem + all four layers
    Trainer t(m.value(), o, LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart()));
    Result<StepResult> r = t.step(frames, {1, 2});
    QVERIFY2(r.ok(), r.error().c_str());
    Result<PooledFeatures> after = m->pooledFeatures(frames);
    QCOMPARE(after->values, before->values); // no weight and no BN statistic moved
    QVERIFY(m->forward(frames)->logits != logitsBefore->logits); // the head did
}

void TestTrainer::fullStepsLowerTheLoss()
{
    Result<ManetModel> m = ManetModel::create(small(4));
    QVERIFY(m.ok());
    const auto x = clips(2, 32, 5);
    const FrameBatch frames{x.data(), 16, 3, 32, 32};
    TrainerOptions o;
    o.baseLr = 0.005;
    o.classWeights = {1.f, 2.f, 1.f, 1.f};
    Trainer t(m.value(), o, LabelEmbeddings::deriveFromTaxonomy({0, 0, 1, 1}));
    Result<StepResult> first = t.evaluate(frames, {1, 2});
    QVERIFY2(first.ok(), first.error().c_str());
    for (int i = 0; i < 4; ++i) {
        Result<StepResult> r = t.step(frames, {1, 2});
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY(std::isfinite(r->gradNorm));
    }
    Result<StepResult> last = t.evaluate(frames, {1, 2});
    QVERIFY2(last->loss < first->loss, qPrintable(QString("%1 -> %2").arg(first->loss).arg(last->loss)));
}

void TestTrainer::badInputsAreErrors()
{
    Result<ManetModel> m = ManetModel::create(small(4));
    QVERIFY(m.ok());
    const auto x = clips(1, 32, 1);
    Trainer t(m.value(), {}, LabelEmbeddings::deriveFromTaxonomy({0, 0, 1, 1}));
    QVERIFY(t.step({x.data(), 8, 3, 32, 32}, {4}).error().find("label 4 is outside 0..3") != std::string::npos);
    QVERIFY(t.step({x.data(), 8, 3, 32, 32}, {0, 1}).error().find("2 labels for 1 clips") != std::string::npos);
    Trainer wrong(m.value(), {}, LabelEmbeddings::deriveFromTaxonomy(ma52ClassToBodyPart()));
    QVERIFY(wrong.step({x.data(), 8, 3, 32, 32}, {0}).error().find("do not match the model") != std::string::npos);
}

void TestTrainer::headTrainerLearnsFromCachedFeatures()
{
    // Features of 5 classes, each around its own centre; the head alone must learn them.
    Result<ManetModel> m = ManetModel::create(small(5));
    QVERIFY(m.ok());
    const int64_t dim = m->featureDim(), perClass = 12, classes = 5;
    std::mt19937 rng(11);
    std::normal_distribution<float> n;
    std::vector<std::vector<float>> centres(classes, std::vector<float>(size_t(dim)));
    for (auto& c : centres)
        for (float& v : c)
            v = std::abs(n(rng));
    PooledFeatures f{classes * perClass, 8, dim, {}};
    std::vector<int> labels;
    for (int64_t k = 0; k < classes; ++k)
        for (int64_t i = 0; i < perClass; ++i) {
            labels.push_back(int(k));
            for (int t = 0; t < 8; ++t)
                for (int64_t d = 0; d < dim; ++d)
                    f.values.push_back(centres[k][d] + 0.5f * n(rng));
        }
    TrainerOptions o;
    o.baseLr = 0.01;
    o.schedule = LrSchedule::Constant;
    HeadTrainer h(m.value(), o, LabelEmbeddings::deriveFromTaxonomy({0, 0, 1, 1, 2}));
    Result<StepResult> r = h.fit(f, labels, 15, 8);
    QVERIFY2(r.ok(), r.error().c_str());
    Result<ForwardOutput> out = m->forwardHead(f);
    QVERIFY2(out.ok(), out.error().c_str());
    int correct = 0;
    for (int64_t b = 0; b < out->batch; ++b)
        correct += predictClip(out->logits.data() + b * classes, classes, 1, {}).topClasses[0].classId == labels[size_t(b)];
    QVERIFY2(correct >= 55, qPrintable(QString("%1 of 60 right, last loss %2").arg(correct).arg(r->loss)));
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
