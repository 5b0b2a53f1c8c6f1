// MANet in LibTorch against the PyTorch reference (tests/model/reference_manet.py, a faithful re-implementation
// of mmaction2's ResNet-TSM + SE + MANetHead): the same official checkpoint must give the same logits and
// embeddings, the same loss and the same gradients for one training step.
#include "ManetModel.h"
#include "Trainer.h"

#include "ModelTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas::model;

namespace {

// Frames with varied, deterministic values in [-1, 1): `clips` clips of 8 frames, 3 x size x size each.
std::vector<float> patternedClips(int clips, int size)
{
    std::vector<float> v(size_t(clips) * 8 * 3 * size * size);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float((i * 2654435761u) % 1000) / 500.f - 1.f;
    return v;
}

} // namespace

class TestManetParity : public QObject {
    Q_OBJECT
private:
    void checkParity(int depth, int size, int clips);
private Q_SLOTS:
    void initTestCase();
    void depth18MatchesReference() { checkParity(18, 64, 2); }
    void depth50MatchesReference() { checkParity(50, 64, 1); }
    void temporalShiftMovesChannelsAcrossFrames();
    void fusedInferenceFollowsBatchSizesAndTraining();
    void bottleneckShortcutAddsInsideTheConvolution();
    void winogradConvolutionsAgreeWithTheDirectKernel();
    void bfloat16InferenceStaysCloseToFloat32();
};

void TestManetParity::initTestCase()
{
    ManetModel::setDeterministic(true, 0);
}

void TestManetParity::checkParity(int depth, int size, int clips)
{
    MAS_REQUIRE_REFERENCE_PYTHON();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString error = mas::test::runReference({dir.path(), "--depth", QString::number(depth), "--size",
                                                   QString::number(size), "--clips", QString::number(clips)});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QFile jsonFile(dir.filePath("reference.json"));
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject ref = QJsonDocument::fromJson(jsonFile.readAll()).object();
    const std::string checkpoint = dir.filePath("checkpoint.pth").toStdString();

    // The official layout, read by our own parser: meta with numpy scalars, optimizer state.
    Result<CheckpointInfo> info = inspectCheckpoint(checkpoint);
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->format, std::string("mmaction2"));
    QCOMPARE(info->depth, depth);
    QCOMPARE(info->numClasses, 52);
    QCOMPARE(info->embeddingDim, 300);
    QVERIFY(info->hasOptimizer);
    QCOMPARE(info->entryCount, ref.value("entries").toInteger());
    QCOMPARE(info->valueCount, ref.value("values").toInteger());
    QVERIFY2(info->metadataJson.find("\"best_score\":0.5") != std::string::npos, info->metadataJson.c_str());
    QVERIFY2(info->metadataJson.find("\"best_epoch\":40") != std::string::npos, info->metadataJson.c_str());

    ManetConfig config;
    config.depth = depth;
    config.dropout = 0.0; // the reference trains without dropout so the step is deterministic
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY2(model.ok(), model.error().c_str());
    QCOMPARE(model->stateEntryCount(), ref.value("entries").toInteger());
    QCOMPARE(model->parameterCount(), ref.value("values").toInteger());
    const Status loaded = model->loadCheckpoint(checkpoint);
    QVERIFY2(loaded.ok(), loaded.error().c_str());

    const std::vector<float> input = mas::test::readFloats(dir.filePath("input.bin"));
    const FrameBatch frames{input.data(), int64_t(clips) * 8, 3, size, size};
    QCOMPARE(int64_t(input.size()), frames.frames * 3 * size * size);
    Result<ForwardOutput> out = model->forward(frames);
    QVERIFY2(out.ok(), out.error().c_str());
    QCOMPARE(out->batch, int64_t(clips));
    const double logitDiff = mas::test::relativeDifference(out->logits, mas::test::readFloats(dir.filePath("logits.bin")));
    const double embDiff = mas::test::relativeDifference(out->embeddings, mas::test::readFloats(dir.filePath("embeddings.bin")));
    qInfo("depth %d: logits relative difference %.3g, embeddings %.3g", depth, logitDiff, embDiff);
    QVERIFY2(logitDiff < 1e-4, qPrintable(QString("logits differ by %1").arg(logitDiff)));
    QVERIFY2(embDiff < 1e-4, qPrintable(QString("embeddings differ by %1").arg(embDiff)));
    // The default forward is the fused CPU path; the plain module-by-module one must agree with the reference too.
    QVERIFY(model->fusedInference());
    model->setFusedInference(false);
    Result<ForwardOutput> plain = model->forward(frames);
    model->setFusedInference(true);
    QVERIFY2(plain.ok(), plain.error().c_str());
    const double plainDiff = mas::test::relativeDifference(plain->logits, mas::test::readFloats(dir.filePath("logits.bin")));
    QVERIFY2(plainDiff < 1e-4, qPrintable(QString("plain-path logits differ by %1").arg(plainDiff)));

    // One training step: CE + 50 x MSE to the label embeddings, BN in training mode, raw gradients.
    Result<LabelEmbeddings> embeddings = LabelEmbeddings::loadNpy(dir.filePath("label_embeddings.npy").toStdString());
    QVERIFY2(embeddings.ok(), embeddings.error().c_str());
    TrainerOptions options;
    options.bnEvalBelowBatch = 0;
    options.keepGradients = true;
    Trainer trainer(*&model.value(), options, embeddings.value());
    std::vector<int> labels;
    for (const QJsonValue& v : ref.value("labels").toArray())
        labels.push_back(v.toInt());
    Result<StepResult> step = trainer.step(frames, labels);
    QVERIFY2(step.ok(), step.error().c_str());
    const double refLoss = ref.value("loss").toDouble();
    qInfo("depth %d: loss %.7f (reference %.7f), grad norm %.5f (reference %.5f)", depth, step->loss, refLoss, step->gradNorm,
          ref.value("grad_norm").toDouble());
    QVERIFY(std::abs(step->loss - refLoss) / std::abs(refLoss) < 1e-4);
    QVERIFY(std::abs(step->classLoss - ref.value("cls_loss").toDouble()) < 1e-4 * std::max(1.0, step->classLoss));
    QVERIFY(std::abs(step->gradNorm - ref.value("grad_norm").toDouble()) / ref.value("grad_norm").toDouble() < 1e-3);
    const QJsonObject grads = ref.value("grads").toObject();
    QVERIFY(grads.size() >= 5);
    for (auto it = grads.begin(); it != grads.end(); ++it) {
        const std::vector<float> mine = trainer.lastGradient(it.key().toStdString());
        const std::vector<float> theirs = mas::test::readFloats(dir.filePath("grad_" + it.key() + ".bin"));
        const double diff = mas::test::relativeDifference(mine, theirs);
        QVERIFY2(diff < 1e-3, qPrintable(QString("gradient of %1 differs by %2").arg(it.key()).arg(diff)));
    }
}

void TestManetParity::temporalShiftMovesChannelsAcrossFrames()
{
    // A frame-indexed constant input through a model with identity-like behaviour is hard to isolate via the
    // public API; the parity checks above cover the shift. Here: a clip whose frames differ changes the
    // logits of other frames' positions only through the shift, so permuting frames changes the output.
    ManetConfig config;
    config.depth = 18;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    const std::vector<float> clip = patternedClips(1, 32);
    std::vector<float> reversed(clip.size());
    const size_t frame = 3 * 32 * 32;
    for (size_t t = 0; t < 8; ++t)
        std::copy(clip.begin() + t * frame, clip.begin() + (t + 1) * frame, reversed.begin() + (7 - t) * frame);
    Result<ForwardOutput> a = model->forward({clip.data(), 8, 3, 32, 32});
    Result<ForwardOutput> b = model->forward({reversed.data(), 8, 3, 32, 32});
    QVERIFY(a.ok() && b.ok());
    // Without the shift the segment average would make the order irrelevant.
    QVERIFY(mas::test::relativeDifference(a->logits, b->logits) > 1e-6);
}

void TestManetParity::fusedInferenceFollowsBatchSizesAndTraining()
{
    // The fused path packs weights per input shape and folds BN once: a new batch size or resolution must
    // repack, and a training step must invalidate what was folded.
    ManetConfig config;
    config.depth = 18;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    auto compare = [&](const std::vector<float>& input, int count, int size) {
        const FrameBatch frames{input.data(), int64_t(count) * 8, 3, size, size};
        model->setFusedInference(true);
        Result<ForwardOutput> fused = model->forward(frames);
        model->setFusedInference(false);
        Result<ForwardOutput> plain = model->forward(frames);
        model->setFusedInference(true);
        QVERIFY(fused.ok() && plain.ok());
        QCOMPARE(fused->batch, int64_t(count));
        const double diff = mas::test::relativeDifference(fused->logits, plain->logits);
        QVERIFY2(diff < 1e-5, qPrintable(QString("%1 clips at %2 px: fused differs by %3").arg(count).arg(size).arg(diff)));
    };
    const auto two = patternedClips(2, 48), one = patternedClips(1, 48), larger = patternedClips(1, 64);
    compare(two, 2, 48);
    compare(one, 1, 48);
    compare(larger, 1, 64);
    compare(two, 2, 48);
    if (QTest::currentTestFailed())
        return;

    // After a training step the fused path must use the new weights.
    const FrameBatch frames{two.data(), 16, 3, 48, 48};
    Result<ForwardOutput> before = model->forward(frames);
    TrainerOptions options;
    options.baseLr = 0.5;
    options.bnEvalBelowBatch = 0;
    Trainer trainer(*&model.value(), options, LabelEmbeddings::deriveFromTaxonomy(std::vector<int>(52, 0)));
    QVERIFY(trainer.step(frames, {3, 7}).ok());
    Result<ForwardOutput> after = model->forward(frames);
    QVERIFY(before.ok() && after.ok());
    QVERIFY(mas::test::relativeDifference(before->logits, after->logits) > 1e-4);
    compare(two, 2, 48);
}

void TestManetParity::bottleneckShortcutAddsInsideTheConvolution()
{
    // MANet-50's fused path adds each bottleneck's shortcut inside its last convolution, writing over the
    // shortcut's memory: the logits must match the plain path, repeat exactly, and leave the caller's frames as
    // they were, whatever the batch size.
    ManetConfig config;
    config.depth = 50;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    for (int count : {2, 1, 2}) {
        const std::vector<float> input = patternedClips(count, 48);
        std::vector<float> frames = input;
        const FrameBatch batch{frames.data(), int64_t(count) * 8, 3, 48, 48};
        Result<ForwardOutput> fused = model->forward(batch);
        Result<ForwardOutput> again = model->forward(batch);
        model->setFusedInference(false);
        Result<ForwardOutput> plain = model->forward(batch);
        model->setFusedInference(true);
        QVERIFY(fused.ok() && again.ok() && plain.ok());
        QVERIFY(frames == input);
        QCOMPARE(again->logits, fused->logits);
        const double diff = mas::test::relativeDifference(fused->logits, plain->logits);
        QVERIFY2(diff < 1e-5, qPrintable(QString("%1 clips: fused differs from plain by %2").arg(count).arg(diff)));
    }
}

void TestManetParity::winogradConvolutionsAgreeWithTheDirectKernel()
{
    // The fused float32 path runs 3x3 stride-1 convolutions by Winograd where oneDNN has the kernel: a different
    // sum order, so not bit-equal, but within the tolerance the fused path keeps against the plain one.
    ManetConfig config;
    config.depth = 18;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    const auto clips = patternedClips(2, 64);
    const FrameBatch frames{clips.data(), 16, 3, 64, 64};
    Result<ForwardOutput> winograd = model->forward(frames);
    model->setWinogradConvolutions(false);
    Result<ForwardOutput> direct = model->forward(frames);
    model->setWinogradConvolutions(true);
    Result<ForwardOutput> again = model->forward(frames);
    QVERIFY(winograd.ok() && direct.ok() && again.ok());
    const double diff = mas::test::relativeDifference(winograd->logits, direct->logits);
    QVERIFY2(diff < 1e-5, qPrintable(QString("Winograd differs from the direct kernel by %1").arg(diff)));
    QCOMPARE(again->logits, winograd->logits); // switching back rebuilds the same kernels
    if (diff == 0)
        QSKIP("this build or CPU has no Winograd kernel: both runs used the direct one");
}

void TestManetParity::bfloat16InferenceStaysCloseToFloat32()
{
    // bf16 keeps 8 bits of mantissa: logits within a few percent of float32 and the same top class for clips
    // whose top two classes are not within that margin.
    ManetConfig config;
    config.depth = 18;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    const std::vector<float> input = patternedClips(4, 64);
    const FrameBatch frames{input.data(), 32, 3, 64, 64};
    Result<ForwardOutput> exact = model->forward(frames);
    model->setBFloat16Inference(true);
    Result<ForwardOutput> bf16 = model->forward(frames);
    model->setBFloat16Inference(false);
    Result<ForwardOutput> again = model->forward(frames);
    QVERIFY(exact.ok() && bf16.ok() && again.ok());
    const double diff = mas::test::relativeDifference(bf16->logits, exact->logits);
    qInfo("bf16 logits relative difference %.3g", diff);
    QVERIFY2(diff < 5e-2, qPrintable(QString("bf16 logits differ by %1").arg(diff)));
    QVERIFY2(diff > 0, "bf16 inference gave float32's exact numbers: it did not run in bf16");
    QCOMPARE(mas::test::relativeDifference(again->logits, exact->logits), 0.0);
}

QTEST_GUILESS_MAIN(TestManetParity)
#include "tst_manetparity.moc"
