// Checkpoints are hostile input (a shared project's model version, a download). Each crafted file below must
// end in a clear error that names the file, in this process and in `mastudio-cli model info FILE` (exit status
// 1, one line on stderr); nothing crashes, and peak memory stays under 1 GiB although several files claim
// gigabytes: zero and overlapping strides, out-of-range offsets, huge shapes, zip bombs, deep nesting, a huge
// data.pkl, bad metadata, truncated and bit-flipped real checkpoints. The counts per kind are printed.
#include "CheckpointLimits.h"
#include "LabelEmbeddings.h"
#include "ManetModel.h"
#include "detail/Checkpoint.h"
#include "detail/Crc32.h"
#include "detail/Pickle.h"

#include "ModelTestSupport.h"

#include <caffe2/serialize/inline_container.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <optional>
#include <tuple>
#include <random>


using namespace mas::model;
using namespace mas::model::detail;

namespace {


// CLI runs per kind of damage (each costs ~1 s of library loading); MAS_HOSTILE_CLI_ALL=1 runs every file.
int cliSamplesPerKind() { return qEnvironmentVariableIsSet("MAS_HOSTILE_CLI_ALL") ? 1 << 30 : 2; }

// Runs `mastudio-cli model info` on each file, four at a time, from a small /usr/bin/python3 process: its
// RUSAGE_CHILDREN peak is the CLI's own (a child forked from this big test process would report our pages).
// Prints one JSON object per file, then {"maxrss_kib": N}.
const char* kCliRunner = R"(
import json, resource, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
cli, files = sys.argv[1], sys.argv[2:]
def run(f):
    r = subprocess.run([cli, 'model', 'info', f], capture_output=True)
    return r.returncode, r.stderr.decode('utf-8', 'replace')
with ThreadPoolExecutor(4) as pool:
    results = list(pool.map(run, files))
for f, (code, err) in zip(files, results):
    print(json.dumps({'file': f, 'exit': code, 'stderr': err}))
print(json.dumps({'maxrss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
)";

// A zip in torch.save's layout, written by LibTorch's own writer (so sizes and CRCs are right unless patched).
class ZipBuilder {
public:
    ZipBuilder()
        : m_writer(std::make_unique<caffe2::serialize::PyTorchStreamWriter>([this](const void* data, size_t size) {
              m_bytes.append(static_cast<const char*>(data), size);
              return size;
          }))
    {
    }
    ZipBuilder& add(const std::string& name, const std::string& data, bool deflate = false)
    {
        m_writer->writeRecord(name, data.data(), data.size(), deflate);
        return *this;
    }
    std::string finish()
    {
        m_writer->writeEndOfFile();
        m_writer.reset();
        return m_bytes;
    }

private:
    std::string m_bytes;
    std::unique_ptr<caffe2::serialize::PyTorchStreamWriter> m_writer;
};

std::string floats(int64_t count) { return std::string(size_t(count) * 4, '\0'); }

// _rebuild_tensor_v2 of a float storage `key` of `numel` values, with any offset, sizes and strides.
void rawTensor(PickleWriter& p, const std::string& key, int64_t numel, int64_t offset, const std::vector<int64_t>& sizes,
               const std::vector<int64_t>& strides)
{
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.mark();
    p.mark();
    p.string("storage");
    p.global("torch", "FloatStorage");
    p.string(key);
    p.string("cpu");
    p.integer(numel);
    p.tuple();
    p.persistentId();
    p.integer(offset);
    p.mark();
    for (int64_t s : sizes)
        p.integer(s);
    p.tuple();
    p.mark();
    for (int64_t s : strides)
        p.integer(s);
    p.tuple();
    p.boolean(false);
    p.orderedDict();
    p.tuple();
    p.reduce();
}

// {"state_dict": OrderedDict(w=<that tensor>)} with storage "0" holding `recordValues` floats.
std::string viewCheckpoint(int64_t numel, int64_t offset, const std::vector<int64_t>& sizes,
                           const std::vector<int64_t>& strides, int64_t recordValues)
{
    PickleWriter q;
    q.emptyDict();
    q.mark();
    q.string("state_dict");
    q.orderedDict();
    q.mark();
    q.string("backbone.layer3.0.w");
    rawTensor(q, "0", numel, offset, sizes, strides);
    q.setItems();
    q.setItems();
    return ZipBuilder().add("data.pkl", q.finish()).add("data/0", floats(recordValues)).finish();
}

// Overwrites a little-endian 32-bit field of the central directory entry of `name`.
bool patchDirectory(std::string& zip, const std::string& name, size_t field, uint32_t value)
{
    const std::string signature("PK\x01\x02", 4);
    for (size_t at = zip.find(signature); at != std::string::npos; at = zip.find(signature, at + 4)) {
        if (at + 46 > zip.size())
            return false;
        const size_t nameLength = uint8_t(zip[at + 28]) | (uint8_t(zip[at + 29]) << 8);
        if (zip.compare(at + 46, nameLength, name) == 0) {
            std::memcpy(&zip[at + field], &value, 4);
            return true;
        }
    }
    return false;
}

// A pickle wrapped as a checkpoint's data.pkl.
std::string pickleCheckpoint(const std::string& pickle) { return ZipBuilder().add("data.pkl", pickle).finish(); }

// A small checkpoint in the app's layout: enough keys to be read as MANet-18, with the given metadata.
std::string appLayoutCheckpoint(const QString& path, const torch::Tensor& classifier, int64_t embeddingRows,
                                const std::vector<std::pair<std::string, MetaValue>>& meta)
{
    NamedTensors entries{{"backbone.conv1.conv.weight", torch::zeros({2, 3, 1, 1})},
                         {"backbone.layer3.1.conv1.conv.net.weight", torch::zeros({2, 2, 1, 1})},
                         {"cls_head.fc_cls.weight", classifier},
                         {"cls_head.fc_emb.weight", torch::zeros({embeddingRows, 4})}};
    const Status s = writeCheckpointFile(path.toStdString(), entries, meta);
    return s.ok() ? std::string() : s.error();
}

std::vector<std::pair<std::string, MetaValue>> appMeta(int64_t classes, int64_t embedding, MetaValue segments,
                                                       const std::string& metadataJson)
{
    return {{"mas_format", std::string("mastudio-manet-1")}, {"depth", int64_t(18)}, {"num_classes", classes},
            {"embedding_dim", embedding}, {"segments", std::move(segments)}, {"metadata_json", metadataJson}};
}

} // namespace

class TestHostileCheckpoints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void zeroStrides();
    void overlappingStrides();
    void outOfRangeOffsets();
    void hugeShapesAndStorages();
    void zipBombs();
    void deepNestingAndPickleFloods();
    void hugeDataPkl();
    void badMetadata();
    void limitsAreConfigurable();
    void truncatedRealCheckpoint();
    void bitFlippedRealCheckpoint();
    void checksumAgreesAtEveryLengthAndAlignment();
    void notFilesAtAll();
    void hostileLabelEmbeddings();
    void cliRefusesEachOnOneLine();
    void cleanupTestCase();

private:
    // `bytes` written to a file of the suite: it must be refused everywhere with an error naming it.
    void expectRefused(const char* kind, const QString& name, const std::string& bytes, const char* problem = nullptr);
    void expectRefusedFile(const char* kind, const QString& path, const char* problem = nullptr);
    // Queues the file for `mastudio-cli model info` (a sample per kind): exit 1 and one stderr line naming the
    // file (or, for a file that really loads, exit 0). Returns whether it was queued.
    bool queueCli(const std::string& kind, const QString& path, bool mayLoad);
    struct CliCase {
        std::string kind;
        QString path;
        bool mayLoad;
    };

    QTemporaryDir m_dir;
    std::optional<ManetModel> m_model;  // loadCheckpoint / loadImagenetBackbone into an existing model
    QString m_real;              // the app's own MANet-18 checkpoint
    std::string m_realBytes;
    std::map<std::string, int> m_tried;
    std::vector<CliCase> m_cli;
    std::map<std::string, int> m_cliTried;
    int64_t m_cliPeakRss = -1;
    int m_loadedAfterDamage = 0; // bit flips in bytes no check covers (timestamps, padding): loaded fine
};

void TestHostileCheckpoints::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(MASTUDIO_CLI)), MASTUDIO_CLI);
    ManetConfig config;
    config.depth = 18;
    config.numClasses = 5;
    config.embeddingDim = 8;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY2(model.ok(), model.error().c_str());
    m_real = m_dir.filePath("real.pth");
    const Status saved = model->saveCheckpoint(m_real.toStdString(), R"({"input_size": 32, "short_side": 36})");
    QVERIFY2(saved.ok(), saved.error().c_str());
    QFile f(m_real);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_realBytes = f.readAll().toStdString();
    // The undamaged file loads, in process and in the CLI: the refusals below are about the damage.
    Result<ManetModel> back = ManetModel::fromCheckpoint(m_real.toStdString(), Device::Cpu);
    QVERIFY2(back.ok(), back.error().c_str());
    m_model.emplace(std::move(back.value()));
    QProcess p;
    p.start(QStringLiteral(MASTUDIO_CLI), {"model", "info", m_real});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
}

bool TestHostileCheckpoints::queueCli(const std::string& kind, const QString& path, bool mayLoad)
{
    if (m_cliTried[kind] >= cliSamplesPerKind())
        return false;
    ++m_cliTried[kind];
    m_cli.push_back({kind, path, mayLoad});
    return true;
}

void TestHostileCheckpoints::expectRefusedFile(const char* kind, const QString& path, const char* problem)
{
    const std::string file = path.toStdString();
    Result<CheckpointInfo> info = inspectCheckpoint(file);
    QVERIFY2(!info.ok(), qPrintable(path + " was read"));
    QVERIFY2(info.error().rfind(file + ": ", 0) == 0, info.error().c_str());
    if (problem)
        QVERIFY2(info.error().find(problem) != std::string::npos, qPrintable(QString::fromStdString(info.error()) +
                                                                              " (expected: " + problem + ")"));
    Result<ManetModel> model = ManetModel::fromCheckpoint(file, Device::Cpu);
    QVERIFY(!model.ok());
    QVERIFY2(model.error().rfind(file + ": ", 0) == 0, model.error().c_str());
    for (const Status& s : {m_model->loadCheckpoint(file), m_model->loadImagenetBackbone(file)}) {
        QVERIFY(!s.ok());
        QVERIFY2(s.error().rfind(file + ": ", 0) == 0, s.error().c_str());
    }
    queueCli(kind, path, false);
    ++m_tried[kind];
    QVERIFY2(mas::test::peakRss() < mas::test::rssBound(), qPrintable(QString("peak RSS %1 MiB").arg(mas::test::peakRss() >> 20)));
}

void TestHostileCheckpoints::expectRefused(const char* kind, const QString& name, const std::string& bytes, const char* problem)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes.data(), qint64(bytes.size())), qint64(bytes.size()));
    f.close();
    expectRefusedFile(kind, path, problem);
}

void TestHostileCheckpoints::zeroStrides()
{
    // The ~200-byte file of the issue: one float posing as 14 GB.
    const std::string tiny = viewCheckpoint(1, 0, {3500000000}, {0}, 1);
    QVERIFY(tiny.size() < 1024);
    expectRefused("zero strides", "zero-1d.pth", tiny, "zero or overlapping strides");
    expectRefused("zero strides", "zero-2d.pth", viewCheckpoint(4096, 0, {4096, 4096}, {0, 1}, 4096), "strides");
    expectRefused("zero strides", "zero-inner.pth", viewCheckpoint(3, 0, {3, 1000000000}, {1, 0}, 3), "strides");
    expectRefused("zero strides", "zero-all.pth", viewCheckpoint(1, 0, {65536, 65536, 4}, {0, 0, 0}, 1), "strides");
}

void TestHostileCheckpoints::overlappingStrides()
{
    expectRefused("overlapping strides", "overlap-1.pth", viewCheckpoint(100, 0, {10, 10}, {1, 1}, 100), "overlapping");
    expectRefused("overlapping strides", "overlap-2.pth", viewCheckpoint(10000, 0, {100, 100}, {50, 1}, 10000), "overlapping");
    expectRefused("overlapping strides", "overlap-3.pth", viewCheckpoint(6, 0, {2, 3}, {1, 1}, 6), "overlapping");
    expectRefused("overlapping strides", "overlap-4.pth", viewCheckpoint(80, 0, {4, 4, 4}, {16, 4, 3}, 80), "overlapping");
    // A transposed view (torch.save writes those) is not an overlap: it reads.
    Result<CheckpointFile> transposed = readCheckpointBytes(viewCheckpoint(24, 0, {6, 4}, {1, 6}, 24), "transposed.pth");
    QVERIFY2(transposed.ok(), transposed.error().c_str());
}

void TestHostileCheckpoints::outOfRangeOffsets()
{
    expectRefused("out-of-range offsets", "offset-at-end.pth", viewCheckpoint(10, 10, {1}, {1}, 10), "offset");
    expectRefused("out-of-range offsets", "offset-huge.pth", viewCheckpoint(10, int64_t(1) << 62, {1}, {1}, 10), "offset");
    expectRefused("out-of-range offsets", "offset-past.pth", viewCheckpoint(10, 5, {6}, {1}, 10), "exceeds its storage");
    expectRefused("out-of-range offsets", "offset-negative.pth", viewCheckpoint(10, -1, {1}, {1}, 10), "malformed");
    expectRefused("out-of-range offsets", "stride-past.pth", viewCheckpoint(10, 0, {2, 2}, {9, 1}, 10), "exceeds its storage");
}

void TestHostileCheckpoints::hugeShapesAndStorages()
{
    expectRefused("huge shapes", "shape-2^40.pth", viewCheckpoint(10, 0, {int64_t(1) << 40}, {1}, 10), "exceeds its storage");
    expectRefused("huge shapes", "shape-overflow.pth",
                  viewCheckpoint(10, 0, {int64_t(1) << 21, int64_t(1) << 21, int64_t(1) << 21}, {1, int64_t(1) << 21, int64_t(1) << 42}, 10),
                  "exceeds its storage");
    // Storages that claim more values than the file holds, or more bytes than the limit, before any allocation.
    expectRefused("huge shapes", "storage-claims-more.pth", viewCheckpoint(int64_t(1) << 28, 0, {1}, {1}, 10), "fewer than");
    expectRefused("huge shapes", "storage-2^40.pth", viewCheckpoint(int64_t(1) << 40, 0, {1}, {1}, 10), "limit");
    expectRefused("huge shapes", "storage-2^61.pth", viewCheckpoint(int64_t(1) << 61, 0, {1}, {1}, 10), "limit");
    expectRefused("huge shapes", "dims-17.pth", viewCheckpoint(10, 0, std::vector<int64_t>(17, 1), std::vector<int64_t>(17, 1), 10),
                  "malformed");
}

void TestHostileCheckpoints::zipBombs()
{
    PickleWriter p;
    p.emptyDict();
    p.mark();
    p.string("state_dict");
    p.orderedDict();
    p.mark();
    p.string("backbone.layer3.0.w");
    rawTensor(p, "0", 16 << 20, 0, {16 << 20}, {1});
    p.setItems();
    p.setItems();
    const std::string pickle = p.finish();
    // A deflated storage of 64 MiB of zeros (~64 KiB in the file): refused without inflating it.
    std::string storageBomb = ZipBuilder().add("data.pkl", pickle).add("data/0", std::string(size_t(64) << 20, '\0'), true).finish();
    QVERIFY(storageBomb.size() < (size_t(1) << 20));
    expectRefused("zip bombs", "bomb-storage.pth", storageBomb, "compressed");
    // A deflated data.pkl.
    expectRefused("zip bombs", "bomb-pickle.pth", ZipBuilder().add("data.pkl", pickle + std::string(1 << 20, ' '), true).finish(),
                  "compressed");
    // The directory claims 3 GiB of inflated data for the small deflated record.
    std::string claims = storageBomb;
    QVERIFY(patchDirectory(claims, "archive/data/0", 24, 0xC0000000u));
    expectRefused("zip bombs", "bomb-claims-3gib.pth", claims, "compressed");
    // A stored record whose sizes claim 3 GiB in a file of a few hundred bytes.
    std::string stored = viewCheckpoint(4, 0, {4}, {1}, 4);
    QVERIFY(patchDirectory(stored, "archive/data/0", 20, 0xC0000000u));
    QVERIFY(patchDirectory(stored, "archive/data/0", 24, 0xC0000000u));
    expectRefused("zip bombs", "bomb-stored-3gib.pth", stored, "past the end");
    std::string pickleClaims = viewCheckpoint(4, 0, {4}, {1}, 4);
    QVERIFY(patchDirectory(pickleClaims, "archive/data.pkl", 20, 0xC0000000u));
    QVERIFY(patchDirectory(pickleClaims, "archive/data.pkl", 24, 0xC0000000u));
    expectRefused("zip bombs", "bomb-pickle-3gib.pth", pickleClaims, "limit");
}

void TestHostileCheckpoints::deepNestingAndPickleFloods()
{
    const int n = 200000;
    expectRefused("deep nesting", "nested-lists.pth",
                  pickleCheckpoint("\x80\x02" + std::string(n, ']') + std::string(n - 1, 'a') + "."), "nested deeper");
    expectRefused("deep nesting", "nested-marks.pth", pickleCheckpoint("\x80\x02" + std::string(n, '(') + "."), "marks nested");
    expectRefused("deep nesting", "nested-tuples.pth",
                  pickleCheckpoint("\x80\x02N" + std::string(n, '\x85') + "."), "nested deeper");
    std::string dicts = "\x80\x02";
    for (int i = 0; i < 5000; ++i)
        dicts += std::string("}X\x01\x00\x00\x00k", 7);
    dicts += "N";
    for (int i = 0; i < 5000; ++i)
        dicts += "s";
    expectRefused("deep nesting", "nested-dicts.pth", pickleCheckpoint(dicts + "."), "nested deeper");
    // Floods: values on the stack, memo entries, and a string copied over and over.
    expectRefused("deep nesting", "flood-stack.pth", pickleCheckpoint("\x80\x02" + std::string(3 << 20, 'N') + "."), "stack");
    expectRefused("deep nesting", "flood-memo.pth", pickleCheckpoint("\x80\x02N" + std::string(3 << 20, '\x94') + "."), "memo");
    std::string copies = "\x80\x02X" + std::string("\x00\x00\x10\x00", 4) + std::string(1 << 20, 'x') + "\x94";
    for (int i = 0; i < 20000; ++i)
        copies += std::string("h\x00h\x00\x93", 5) + "0";
    expectRefused("deep nesting", "flood-copies.pth", pickleCheckpoint(copies + "."), "too long");
    std::string encodes = "\x80\x02X" + std::string("\x00\x00\x10\x00", 4) + std::string(1 << 20, 'x') + "\x94";
    for (int i = 0; i < 20000; ++i)
        encodes += std::string("c_codecs\nencode\nh\x00X\x06\x00\x00\x00latin1\x86R0", 32);
    expectRefused("deep nesting", "flood-encode.pth", pickleCheckpoint(encodes + "."), "copied");
}

void TestHostileCheckpoints::hugeDataPkl()
{
    // 65 MiB of pickle (one long string): more than the 64 MiB limit.
    std::string big = "\x80\x02X";
    const uint32_t length = (65u << 20);
    big.append(reinterpret_cast<const char*>(&length), 4);
    big.append(length, 'x');
    big += ".";
    // Written straight to the file (not built in memory first): the test's own peak memory stays low.
    const QString path = m_dir.filePath("huge-pickle.pth");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        caffe2::serialize::PyTorchStreamWriter writer([&f](const void* data, size_t size) {
            return f.write(static_cast<const char*>(data), qint64(size)) == qint64(size) ? size : 0;
        });
        writer.writeRecord("data.pkl", big.data(), big.size());
        writer.writeEndOfFile();
    }
    big = std::string();
    expectRefusedFile("huge data.pkl", path, "limit");
}

void TestHostileCheckpoints::badMetadata()
{
    struct Case {
        const char* name;
        torch::Tensor classifier;
        int64_t embedding;
        std::vector<std::pair<std::string, MetaValue>> meta;
        const char* problem;
    };
    const torch::Tensor five = torch::zeros({5, 4});
    const std::vector<Case> cases{
        {"input-size-0", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 0})"), "input_size is 0"},
        {"input-size-1e9", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 1000000000})"), "input_size"},
        {"input-size-huge-digits", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 99999999999999999999999})"), "input_size"},
        {"input-size-negative", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": -224})"), "input_size"},
        {"input-size-text", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": "big"})"), "not an integer"},
        {"input-size-float", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 1e9})"), "not an integer"},
        {"short-side-below-crop", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 224, "short_side": 100})"), "short_side"},
        {"short-side-1e6", five, 8, appMeta(5, 8, int64_t(8), R"({"input_size": 224, "short_side": 1000000})"), "short_side"},
        {"metadata-not-json", five, 8, appMeta(5, 8, int64_t(8), "{\"input_size\": "), "metadata_json"},
        {"metadata-not-object", five, 8, appMeta(5, 8, int64_t(8), "[1, 2]"), "metadata_json"},
        {"segments-0", five, 8, appMeta(5, 8, int64_t(0), "{}"), "segments is 0"},
        {"segments-65", five, 8, appMeta(5, 8, int64_t(65), "{}"), "segments is 65"},
        {"segments-text", five, 8, appMeta(5, 8, std::string("eight"), "{}"), "segments is not an integer"},
        {"segments-2^40", five, 8, appMeta(5, 8, int64_t(1) << 40, "{}"), "segments"},
        {"classes-0", torch::zeros({0, 4}), 8, appMeta(0, 8, int64_t(8), "{}"), "classes"},
        {"classes-20000", torch::zeros({20000, 1}), 8, appMeta(20000, 8, int64_t(8), "{}"), "classes"},
        {"classes-text", five, 8, appMeta(5, 8, int64_t(8), "{}"), nullptr}, // replaced below
        {"classifier-rank-0", torch::zeros({}), 8, appMeta(5, 8, int64_t(8), "{}"), "2-D"},
        {"classifier-rank-3", torch::zeros({5, 4, 1}), 8, appMeta(5, 8, int64_t(8), "{}"), "2-D"},
        {"embedding-0", five, 0, appMeta(5, 0, int64_t(8), "{}"), "embedding"},
        {"embedding-5000", five, 5000, appMeta(5, 5000, int64_t(8), "{}"), "embedding"},
        {"meta-contradicts", five, 8, appMeta(7, 8, int64_t(8), "{}"), "contradicts"},
    };
    for (const Case& c : cases) {
        const QString path = m_dir.filePath(QString("meta-%1.pth").arg(c.name));
        std::vector<std::pair<std::string, MetaValue>> meta = c.meta;
        const char* problem = c.problem;
        if (std::string(c.name) == "classes-text") {
            meta[2].second = std::string("fifty-two");
            problem = "num_classes is not an integer";
        }
        const std::string error = appLayoutCheckpoint(path, c.classifier, c.embedding, meta);
        QVERIFY2(error.empty(), error.c_str());
        expectRefusedFile("bad metadata", path, problem);
        if (QTest::currentTestFailed())
            return;
    }
    // The same layout with sane metadata reads: the refusals are about the values.
    const QString good = m_dir.filePath("meta-good.pth");
    QVERIFY(appLayoutCheckpoint(good, five, 8, appMeta(5, 8, int64_t(16), R"({"input_size": 112, "short_side": 128, "h": [{"input_size": 0}]})"))
                .empty());
    Result<CheckpointInfo> info = inspectCheckpoint(good.toStdString());
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->segments, 16);
    QCOMPARE(info->numClasses, 5);
}

void TestHostileCheckpoints::limitsAreConfigurable()
{
    const CheckpointLimits defaults = checkpointLimits();
    QCOMPARE(defaults.maxTensorBytes, uint64_t(4) << 30);
    QCOMPARE(defaults.maxTotalBytes, uint64_t(4) << 30);
    PickleWriter p;
    p.emptyDict();
    p.mark();
    p.string("state_dict");
    p.orderedDict();
    p.mark();
    for (int i = 0; i < 2; ++i) {
        p.string("backbone.layer3.0.w" + std::to_string(i));
        rawTensor(p, std::to_string(i), 512 << 10, 0, {512 << 10}, {1});
    }
    p.setItems();
    p.setItems();
    const std::string twoMiB = floats(512 << 10);
    const std::string file = ZipBuilder().add("data.pkl", p.finish()).add("data/0", twoMiB).add("data/1", twoMiB).finish();
    QVERIFY(readCheckpointBytes(file, "limits.pth").ok());
    CheckpointLimits lowered = defaults;
    lowered.maxTensorBytes = 1 << 20;
    setCheckpointLimits(lowered);
    Result<CheckpointFile> perTensor = readCheckpointBytes(file, "limits.pth");
    lowered = defaults;
    lowered.maxTotalBytes = 3 << 20;
    setCheckpointLimits(lowered);
    Result<CheckpointFile> total = readCheckpointBytes(file, "limits.pth");
    lowered = defaults;
    lowered.maxPickleBytes = 64;
    setCheckpointLimits(lowered);
    Result<CheckpointFile> pickle = readCheckpointBytes(file, "limits.pth");
    setCheckpointLimits(defaults);
    QVERIFY2(perTensor.error().find("limits.pth: ") == 0 && perTensor.error().find("per tensor") != std::string::npos,
             perTensor.error().c_str());
    QVERIFY2(total.error().find("in all") != std::string::npos, total.error().c_str());
    QVERIFY2(pickle.error().find("data.pkl holds") != std::string::npos, pickle.error().c_str());
    m_tried["limits lowered"] += 3;
}

void TestHostileCheckpoints::truncatedRealCheckpoint()
{
    const size_t size = m_realBytes.size();
    std::vector<size_t> cuts{0, 1, 2, 21, 22, 100, 1000, 30000, size / 4, size / 2, size - 65600, size - 1000, size - 100,
                             size - 23, size - 22, size - 1};
    int cliChecks = 0;
    for (size_t cut : cuts) {
        const QString name = QString("truncated-%1.pth").arg(cut);
        const QString path = m_dir.filePath(name);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(m_realBytes.data(), qint64(cut));
        f.close();
        const std::string file = path.toStdString();
        Result<CheckpointInfo> info = inspectCheckpoint(file);
        QVERIFY2(!info.ok(), qPrintable(name));
        QVERIFY2(info.error().rfind(file + ": ", 0) == 0, info.error().c_str());
        QVERIFY(!ManetModel::fromCheckpoint(file, Device::Cpu).ok());
        ++m_tried["truncated real checkpoint"];
        if (cliChecks++ % 5 != 0 || !queueCli("truncated real checkpoint", path, false))
            QFile::remove(path);
    }
    QVERIFY(mas::test::peakRss() < mas::test::rssBound());
}

void TestHostileCheckpoints::bitFlippedRealCheckpoint()
{
    std::mt19937_64 rng(12);
    const size_t size = m_realBytes.size();
    for (int i = 0; i < 36; ++i) {
        const QString path = m_dir.filePath(QString("flipped-%1.pth").arg(i));
        const std::string file = path.toStdString();
        // A third in the headers and data.pkl, a third in the central directory, a third anywhere.
        size_t at = i % 3 == 0 ? rng() % std::min<size_t>(size, 40000)
                    : i % 3 == 1 ? size - 1 - rng() % std::min<size_t>(size, 20000)
                                 : rng() % size;
        const char flip = char(1 << (rng() % 8));
        m_realBytes[at] ^= flip; // in place (and back below): no copy of the whole file per flip
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(m_realBytes.data(), qint64(m_realBytes.size()));
        f.close();
        m_realBytes[at] ^= flip;
        Result<ManetModel> model = ManetModel::fromCheckpoint(file, Device::Cpu); // reads, checks, loads
        if (model.ok())
            ++m_loadedAfterDamage; // a byte no reader looks at (a timestamp, alignment padding)
        else
            QVERIFY2(model.error().rfind(file + ": ", 0) == 0, model.error().c_str());
        ++m_tried["bit-flipped real checkpoint"];
        if (i % 12 != 0 || !queueCli("bit-flipped real checkpoint", path, model.ok()))
            QFile::remove(path);
    }
    QVERIFY(mas::test::peakRss() < mas::test::rssBound());
}

void TestHostileCheckpoints::checksumAgreesAtEveryLengthAndAlignment()
{
    // The archive's CRC-32 folds 64-byte blocks by carry-less multiplication where the CPU can: it must give
    // the table method's value (and zip's check value) at every length and alignment, and see any one flipped bit.
    const char* check = "123456789";
    QCOMPARE(crc32Update(0, check, 9), 0xCBF43926u);
    QCOMPARE(crc32UpdateByTables(0, check, 9), 0xCBF43926u);
    std::mt19937_64 rng(3);
    std::vector<uint8_t> bytes(4096 + 64);
    for (uint8_t& b : bytes)
        b = uint8_t(rng());
    for (size_t offset = 0; offset < 16; ++offset)
        for (size_t n = 0; n <= 1100; n += (n < 200 ? 1 : 7)) {
            const uint32_t expected = crc32UpdateByTables(0, bytes.data() + offset, n);
            if (crc32Update(0, bytes.data() + offset, n) != expected)
                QFAIL(qPrintable(QString("%1 bytes at offset %2").arg(n).arg(offset)));
            // Continued in two parts, as the reader does chunk by chunk.
            const size_t cut = n / 3;
            if (crc32Update(crc32Update(0, bytes.data() + offset, cut), bytes.data() + offset + cut, n - cut) != expected)
                QFAIL(qPrintable(QString("%1 bytes at offset %2 in two parts").arg(n).arg(offset)));
        }
    const uint32_t whole = crc32Update(0, bytes.data(), bytes.size());
    for (int i = 0; i < 64; ++i) {
        const size_t at = rng() % bytes.size();
        const uint8_t flip = uint8_t(1 << (rng() % 8));
        bytes[at] ^= flip;
        QVERIFY(crc32Update(0, bytes.data(), bytes.size()) != whole);
        bytes[at] ^= flip;
    }
}

void TestHostileCheckpoints::notFilesAtAll()
{
    expectRefusedFile("not a checkpoint", m_dir.path(), "not a regular file");
    expectRefusedFile("not a checkpoint", "/dev/zero", "not a regular file");
    expectRefusedFile("not a checkpoint", m_dir.filePath("absent.pth"), "cannot open");
    expectRefused("not a checkpoint", "empty.pth", "", "not a zip-format");
    expectRefused("not a checkpoint", "text.pth", "PK but not a zip", "not a readable");
}

void TestHostileCheckpoints::hostileLabelEmbeddings()
{
    auto npy = [](const std::string& header, size_t dataBytes) {
        std::string h = header;
        while ((10 + h.size() + 1) % 64 != 0)
            h += ' ';
        h += '\n';
        const uint16_t n = uint16_t(h.size());
        return std::string("\x93NUMPY\x01\x00", 8) + std::string(reinterpret_cast<const char*>(&n), 2) + h +
               std::string(dataBytes, '\0');
    };
    const std::vector<std::tuple<const char*, std::string, const char*>> cases{
        {"shape-huge", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 100000000), }", 64), "implausible"},
        {"shape-digits", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 3), }", 64), "2-D"},
        {"shape-short-data", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (52, 300), }", 64), "shorter"},
        {"shape-1d", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (52,), }", 64), "2-D"},
        {"dtype-object", npy("{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }", 64), "float32"},
        {"big-endian", npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", 64), "little-endian"},
        {"header-cut", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 0).substr(0, 40), "header"},
        {"not-npy", std::string("PK\x03\x04 not numpy"), "not a .npy"},
    };
    for (const auto& [name, bytes, problem] : cases) {
        const QString path = m_dir.filePath(QString("%1.npy").arg(name));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes.data(), qint64(bytes.size()));
        f.close();
        Result<LabelEmbeddings> e = LabelEmbeddings::loadNpy(path.toStdString());
        QVERIFY2(!e.ok(), name);
        QVERIFY2(e.error().rfind(path.toStdString() + ": ", 0) == 0 && e.error().find(problem) != std::string::npos,
                 e.error().c_str());
        ++m_tried["label embeddings (.npy)"];
    }
    // A good one still reads.
    LabelEmbeddings good = LabelEmbeddings::deriveFromTaxonomy({0, 1, 1}, 8);
    const std::string goodPath = m_dir.filePath("good.npy").toStdString();
    QVERIFY(good.saveNpy(goodPath).ok());
    Result<LabelEmbeddings> back = LabelEmbeddings::loadNpy(goodPath);
    QVERIFY2(back.ok(), back.error().c_str());
    QCOMPARE(back->values, good.values);
}

void TestHostileCheckpoints::cliRefusesEachOnOneLine()
{
    QStringList files;
    for (const CliCase& c : m_cli)
        files << c.path;
    std::vector<std::pair<int, QString>> results; // exit code (negative: killed by that signal), stderr
    QProcess runner;
    runner.start("/usr/bin/python3", QStringList{"-c", kCliRunner, QStringLiteral(MASTUDIO_CLI)} + files);
    if (runner.waitForStarted(10000)) {
        QVERIFY(runner.waitForFinished(600000));
        QCOMPARE(runner.exitCode(), 0);
        const QList<QByteArray> lines = QString::fromUtf8(runner.readAllStandardOutput()).toUtf8().split('\n');
        for (const QByteArray& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.contains("maxrss_kib"))
                m_cliPeakRss = o.value("maxrss_kib").toInteger() * 1024;
            else if (o.contains("file"))
                results.emplace_back(o.value("exit").toInt(), o.value("stderr").toString());
        }
    } else {
        // No /usr/bin/python3: one at a time from here (the CLI's peak memory is then not measured).
        for (const QString& file : files) {
            QProcess p;
            p.start(QStringLiteral(MASTUDIO_CLI), {"model", "info", file});
            QVERIFY(p.waitForFinished(120000));
            results.emplace_back(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                                 QString::fromUtf8(p.readAllStandardError()));
        }
    }
    QCOMPARE(results.size(), m_cli.size());
    for (size_t i = 0; i < results.size(); ++i) {
        const CliCase& c = m_cli[i];
        const auto& [code, err] = results[i];
        QVERIFY2(code >= 0, qPrintable(c.path + ": mastudio-cli was killed by signal " + QString::number(-code)));
        if (c.mayLoad && code == 0)
            continue;
        QVERIFY2(code == 1, qPrintable(c.path + ": exit " + QString::number(code) + ", stderr " + err));
        const QStringList lines = err.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 1, qPrintable(c.path + ": stderr has " + QString::number(lines.size()) + " lines: " + err));
        QVERIFY2(lines.first().contains(c.path), qPrintable(lines.first()));
    }
    if (m_cliPeakRss >= 0)
        QVERIFY2(m_cliPeakRss < mas::test::rssBound(), qPrintable(QString("mastudio-cli peak RSS %1 MiB").arg(m_cliPeakRss >> 20)));
}

void TestHostileCheckpoints::cleanupTestCase()
{
    std::string counts;
    int total = 0;
    for (const auto& [kind, count] : m_tried) {
        counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(count);
        total += count;
    }
    std::string cli;
    for (const auto& [kind, count] : m_cliTried)
        cli += (cli.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    qInfo("hostile checkpoints tried: %d (%s); bit flips in bytes no reader checks (still loaded): %d", total,
          counts.c_str(), m_loadedAfterDamage);
    qInfo("mastudio-cli model info runs: %d (%s)", int(m_cli.size()), cli.c_str());
    qInfo("peak RSS: this process %lld MiB, largest mastudio-cli run %s", static_cast<long long>(mas::test::peakRss() >> 20),
          m_cliPeakRss >= 0 ? qPrintable(QString("%1 MiB").arg(m_cliPeakRss >> 20)) : "not measured (no /usr/bin/python3)");
    QVERIFY(mas::test::peakRss() < mas::test::rssBound());
}

QTEST_GUILESS_MAIN(TestHostileCheckpoints)
#include "tst_hostilecheckpoints.moc"
