// Checkpoint files as a user meets them: the app's own format round-trips and torch.load reads it, official
// and ImageNet files load, and every refusal says which file and which key (with both shapes).
#include "ManetModel.h"

#include "ModelTestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mas::model;

namespace {

std::vector<float> testClip(int size, int clips = 1)
{
    std::vector<float> v(size_t(clips) * 8 * 3 * size * size);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float((i * 2654435761u) % 2001) / 1000.f - 1.f;
    return v;
}

ManetConfig config(int depth, int classes = 52)
{
    ManetConfig c;
    c.depth = depth;
    c.numClasses = classes;
    return c;
}

} // namespace

class TestCheckpoints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void manet50HasTheOfficialEntryAndValueCounts();
    void appCheckpointRoundTrips();
    void torchLoadReadsTheAppCheckpoint();
    void mismatchedShapesNameTheKeyAndBothShapes();
    void missingAndExtraKeysAreNamed();
    void unreadableFilesSayWhy();
    void imagenetResnetInitialisesTheBackbone();
    void deviceSelectionNeverCrashesWithoutAGpu();
    void officialLayoutLoadsAndTheAppsLoadsStrictlyInTheReference();
    void savingReplacesTheFileAtomically();
};

void TestCheckpoints::manet50HasTheOfficialEntryAndValueCounts()
{
    Result<ManetModel> m = ManetModel::create(config(50));
    QVERIFY2(m.ok(), m.error().c_str());
    QCOMPARE(m->stateEntryCount(), int64_t(404));
    QCOMPARE(m->parameterCount(), int64_t(43288849)); // "about 43.3 M", unused action_p2 layers included
    QCOMPARE(m->featureDim(), int64_t(2048));
    const auto keys = m->stateKeys();
    for (const char* key : {"backbone.conv1.conv.weight", "backbone.layer1.0.conv1.conv.net.weight",
                            "backbone.layer1.0.conv1.conv.fcce.0.weight", "backbone.layer1.0.conv1.conv.fcce.2.weight",
                            "backbone.layer1.0.conv1.conv.action_p2_squeeze.weight",
                            "backbone.layer1.0.conv1.conv.action_p2_conv1.weight",
                            "backbone.layer1.0.conv1.conv.action_p2_expand.weight", "backbone.layer1.0.conv1.bn.num_batches_tracked",
                            "backbone.layer1.0.downsample.conv.weight", "backbone.layer1.0.downsample.bn.running_var",
                            "cls_head.fc_cls.weight", "cls_head.fc_emb.bias", "cls_head.fc_emb_t.weight"})
        QVERIFY2(std::find(keys.begin(), keys.end(), key) != keys.end(), key);
    Result<ManetModel> m34 = ManetModel::create(config(34));
    QVERIFY(m34.ok());
    QCOMPARE(m34->featureDim(), int64_t(512));
    QVERIFY(!ManetModel::create(config(101)).ok());
}

void TestCheckpoints::appCheckpointRoundTrips()
{
    QTemporaryDir dir;
    Result<ManetModel> a = ManetModel::create(config(18, 7));
    QVERIFY(a.ok());
    const std::string path = dir.filePath("mine.pth").toStdString();
    const std::string metadata = R"({"taxonomy":"lab-v2","colour_conversion":"swscale bt601 tv","history":[{"epoch":1,"loss":2.5}]})";
    const Status saved = a->saveCheckpoint(path, metadata);
    QVERIFY2(saved.ok(), saved.error().c_str());

    Result<CheckpointInfo> info = inspectCheckpoint(path);
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->format, std::string("mastudio"));
    QCOMPARE(info->depth, 18);
    QCOMPARE(info->numClasses, 7);
    QCOMPARE(info->embeddingDim, 300);
    QCOMPARE(info->segments, 8);
    QCOMPARE(info->entryCount, a->stateEntryCount());
    QCOMPARE(info->valueCount, a->parameterCount());
    QCOMPARE(info->metadataJson, metadata);
    // Described from data.pkl alone (classify sets up decoding with it while the weights load): the same answer.
    Result<CheckpointInfo> shapes = inspectCheckpointShapes(path);
    QVERIFY2(shapes.ok(), shapes.error().c_str());
    QCOMPARE(shapes->format, info->format);
    QCOMPARE(shapes->depth, info->depth);
    QCOMPARE(shapes->numClasses, info->numClasses);
    QCOMPARE(shapes->segments, info->segments);
    QCOMPARE(shapes->valueCount, info->valueCount);
    QCOMPARE(shapes->metadataJson, metadata);

    Result<ManetModel> b = ManetModel::fromCheckpoint(path, Device::Cpu);
    QVERIFY2(b.ok(), b.error().c_str());
    QCOMPARE(b->metadataJson(), metadata);
    const auto clip = testClip(32);
    Result<ForwardOutput> outA = a->forward({clip.data(), 8, 3, 32, 32});
    Result<ForwardOutput> outB = b->forward({clip.data(), 8, 3, 32, 32});
    QVERIFY(outA.ok() && outB.ok());
    QCOMPARE(outA->logits, outB->logits);
    QCOMPARE(outA->embeddings, outB->embeddings);
}

void TestCheckpoints::torchLoadReadsTheAppCheckpoint()
{
    MAS_REQUIRE_REFERENCE_PYTHON();
    QTemporaryDir dir;
    Result<ManetModel> a = ManetModel::create(config(18));
    QVERIFY(a.ok());
    const QString path = dir.filePath("mine.pth");
    QVERIFY(a->saveCheckpoint(path.toStdString(), "{}").ok());
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import sys, torch; d = torch.load(sys.argv[1]); sd = d['state_dict'];"
                                       "print(len(sd), d['meta']['depth'], tuple(sd['cls_head.fc_cls.weight'].shape))",
                                 path});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed(), QString("166 18 (52, 512)"));
}

void TestCheckpoints::mismatchedShapesNameTheKeyAndBothShapes()
{
    QTemporaryDir dir;
    Result<ManetModel> a = ManetModel::create(config(18, 52));
    QVERIFY(a.ok());
    const std::string path = dir.filePath("52.pth").toStdString();
    QVERIFY(a->saveCheckpoint(path).ok());
    Result<ManetModel> b = ManetModel::create(config(18, 10));
    QVERIFY(b.ok());
    const Status s = b->loadCheckpoint(path);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().find(path) != std::string::npos, s.error().c_str());
    QVERIFY2(s.error().find("key cls_head.fc_cls.weight has shape [52,512] in the file, the model expects [10,512]") !=
                 std::string::npos,
             s.error().c_str());
}

void TestCheckpoints::missingAndExtraKeysAreNamed()
{
    QTemporaryDir dir;
    Result<ManetModel> m18 = ManetModel::create(config(18));
    Result<ManetModel> m34 = ManetModel::create(config(34));
    QVERIFY(m18.ok() && m34.ok());
    const std::string path18 = dir.filePath("18.pth").toStdString(), path34 = dir.filePath("34.pth").toStdString();
    QVERIFY(m18->saveCheckpoint(path18).ok());
    QVERIFY(m34->saveCheckpoint(path34).ok());
    const Status missing = m34->loadCheckpoint(path18);
    QVERIFY2(missing.error().find("key backbone.layer1.2.conv1.conv.net.weight is missing") != std::string::npos,
             missing.error().c_str());
    const Status extra = m18->loadCheckpoint(path34);
    QVERIFY2(extra.error().find("key backbone.layer1.2.conv1.conv.net.weight [64,64,3,3] is not part of this model") !=
                 std::string::npos,
             extra.error().c_str());
}

void TestCheckpoints::unreadableFilesSayWhy()
{
    QTemporaryDir dir;
    Result<ManetModel> m = ManetModel::create(config(18));
    QVERIFY(m.ok());
    const std::string absent = dir.filePath("absent.pth").toStdString();
    QVERIFY(m->loadCheckpoint(absent).error().find(absent + ": cannot open") == 0);
    QFile text(dir.filePath("text.pth"));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("hello");
    text.close();
    QVERIFY(inspectCheckpoint(text.fileName().toStdString()).error().find("not a zip-format PyTorch checkpoint") != std::string::npos);
    QVERIFY(inspectCheckpointShapes(text.fileName().toStdString()).error().find("not a zip-format PyTorch checkpoint") !=
            std::string::npos);
    // A truncated app checkpoint: the zip directory is gone.
    const std::string full = dir.filePath("full.pth").toStdString();
    QVERIFY(m->saveCheckpoint(full).ok());
    QFile f(QString::fromStdString(full));
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.resize(f.size() / 2);
    f.close();
    const Status s = m->loadCheckpoint(full);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().find(full) == 0, s.error().c_str());
}

void TestCheckpoints::imagenetResnetInitialisesTheBackbone()
{
    MAS_REQUIRE_REFERENCE_PYTHON();
    QTemporaryDir dir;
    QVERIFY(mas::test::runReference({dir.path(), "--depth", "18", "--size", "32", "--clips", "1"}).isEmpty());
    const std::string tv = dir.filePath("torchvision.pth").toStdString();
    Result<CheckpointInfo> info = inspectCheckpoint(tv);
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->format, std::string("torchvision"));
    QCOMPARE(info->depth, 18);
    Result<ManetModel> m = ManetModel::create(config(18));
    QVERIFY(m.ok());
    QVERIFY2(!m->loadCheckpoint(tv).ok(), "an ImageNet file is not a MANet checkpoint");
    const Status s = m->loadImagenetBackbone(tv);
    QVERIFY2(s.ok(), s.error().c_str());
    // The backbone now holds the reference's values: python compares them key by key.
    const QString saved = dir.filePath("init.pth");
    QVERIFY(m->saveCheckpoint(saved.toStdString()).ok());
    QProcess p;
    p.start("/usr/bin/python3",
            {"-c", "import sys, torch; a = torch.load(sys.argv[1])['state_dict']; b = torch.load(sys.argv[2])['state_dict'];"
                   "keys = [k for k in b if k.startswith('backbone.') and 'fcce' not in k and 'action_p2' not in k];"
                   "print(len(keys), all(torch.equal(a[k], b[k]) for k in keys))",
             saved, dir.filePath("checkpoint.pth")});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed(), QString("120 True"));
}

void TestCheckpoints::deviceSelectionNeverCrashesWithoutAGpu()
{
    Result<ManetModel> m = ManetModel::create(config(18));
    QVERIFY(m.ok());
    QVERIFY(m->setDevice(Device::Auto).ok());
    if (!ManetModel::cudaAvailable()) {
        QCOMPARE(m->device(), Device::Cpu);
        const Status s = m->setDevice(Device::Cuda);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().find("CUDA") != std::string::npos, s.error().c_str());
    } else {
        QVERIFY(m->setDevice(Device::Cuda).ok());
    }
    // Bad inputs are errors, not crashes.
    std::vector<float> few(7 * 3 * 32 * 32);
    QVERIFY(m->forward({few.data(), 7, 3, 32, 32}).error().find("not a whole number of clips") != std::string::npos);
    QVERIFY(!m->forward({nullptr, 8, 3, 32, 32}).ok());
}

void TestCheckpoints::officialLayoutLoadsAndTheAppsLoadsStrictlyInTheReference()
{
    MAS_REQUIRE_REFERENCE_PYTHON();
    QTemporaryDir dir;
    QVERIFY(mas::test::runReference({dir.path(), "--depth", "18", "--size", "32", "--clips", "1"}).isEmpty());
    // torch.save's official layout: state_dict with backbone./cls_head. keys, meta with numpy scalars, optimizer.
    const QString official = dir.filePath("checkpoint.pth");
    Result<CheckpointInfo> info = inspectCheckpoint(official.toStdString());
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->format, std::string("mmaction2"));
    QVERIFY(info->hasOptimizer);
    Result<CheckpointInfo> shapes = inspectCheckpointShapes(official.toStdString());
    QVERIFY2(shapes.ok(), shapes.error().c_str());
    QCOMPARE(shapes->depth, 18);
    QCOMPARE(shapes->numClasses, info->numClasses);
    QCOMPARE(shapes->metadataJson, info->metadataJson);
    Result<ManetModel> m = ManetModel::fromCheckpoint(official.toStdString(), Device::Cpu);
    QVERIFY2(m.ok(), m.error().c_str());
    // The app's own file goes back into the authors' module layout with strict=True (no missing or unexpected
    // key, every shape and dtype accepted), holding the same values.
    const QString mine = dir.filePath("mine.pth");
    QVERIFY(m->saveCheckpoint(mine.toStdString(), R"({"input_size": 32})").ok());
    QProcess p;
    p.start("/usr/bin/python3",
            {"-c",
             "import sys, torch; sys.path.insert(0, sys.argv[1]); import reference_manet as r;"
             "model = r.MANet(18, dropout=0.0); sd = torch.load(sys.argv[2])['state_dict'];"
             "res = model.load_state_dict(sd, strict=True); ref = torch.load(sys.argv[3])['state_dict'];"
             "print(len(sd), list(sd) == list(ref), all(torch.equal(sd[k], ref[k]) and sd[k].dtype == ref[k].dtype for k in ref))",
             QFileInfo(mas::test::referenceScript()).absolutePath(), mine, official});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(QString::fromUtf8(p.readAllStandardError()).trimmed(), QString());
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed(), QString("166 True True"));
}

void TestCheckpoints::savingReplacesTheFileAtomically()
{
    QTemporaryDir dir;
    Result<ManetModel> a = ManetModel::create(config(18, 3));
    Result<ManetModel> b = ManetModel::create(config(18, 4));
    QVERIFY(a.ok() && b.ok());
    const std::string path = dir.filePath("model.pth").toStdString();
    QVERIFY(a->saveCheckpoint(path).ok());
    QVERIFY(b->saveCheckpoint(path).ok()); // replaces the first
    Result<CheckpointInfo> info = inspectCheckpoint(path);
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->numClasses, 4);
    // Only the checkpoint is left: the temporary file it was written to was renamed over it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"model.pth"});
    // Failures name the file and leave nothing behind.
    const std::string noFolder = dir.filePath("absent/model.pth").toStdString();
    const Status s = a->saveCheckpoint(noFolder);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().rfind(noFolder + ": ", 0) == 0, s.error().c_str());
    QVERIFY(QDir(dir.path()).mkdir("taken.pth"));
    const std::string folder = dir.filePath("taken.pth").toStdString();
    const Status onFolder = a->saveCheckpoint(folder);
    QVERIFY(!onFolder.ok());
    QVERIFY2(onFolder.error().rfind(folder + ": ", 0) == 0, onFolder.error().c_str());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"model.pth"});
    QVERIFY(inspectCheckpoint(path).ok());
}

QTEST_GUILESS_MAIN(TestCheckpoints)
#include "tst_checkpoints.moc"
