// The checkpoint reader on hostile input: a seeded random mutator over valid checkpoints (the official layout
// written by torch.save with numpy scalars and shared storages, the app's own writer's, a whole MANet-18) and
// over whole zip files. Mutants go through the real loader (readCheckpointBytes, with the default limits, and
// model loading for those that read), so a view that claims gigabytes of a few bytes of storage shows up as
// memory: peak RSS must stay under 1 GiB. Every mutant is read or refused with a message naming the file.
// MAS_FUZZ_ITERATIONS sets the mutants per seed (default 1500; the sanitizer build of CI runs more).
#include "ManetModel.h"
#include "detail/Checkpoint.h"
#include "detail/Pickle.h"

#include "ModelTestSupport.h"

#include <caffe2/serialize/inline_container.h>

#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <random>

using namespace mas::model;
using namespace mas::model::detail;

namespace {


int iterations()
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("MAS_FUZZ_ITERATIONS", &ok);
    return ok && n > 0 ? n : 1500;
}

// A checkpoint's records (names without the archive folder), read with LibTorch's reader from a trusted seed.
using Records = std::vector<std::pair<std::string, std::string>>;

Records recordsOf(const std::string& zipPath)
{
    caffe2::serialize::PyTorchStreamReader reader(zipPath);
    Records out;
    for (const std::string& name : reader.getAllRecords()) {
        if (name == "version" || name.rfind(".data/", 0) == 0)
            continue; // the writer adds its own
        at::DataPtr data;
        size_t size = 0;
        std::tie(data, size) = reader.getRecord(name);
        out.emplace_back(name, std::string(static_cast<const char*>(data.get()), size));
    }
    std::stable_partition(out.begin(), out.end(), [](const auto& r) { return r.first == "data.pkl"; });
    return out;
}

// The records as a zip again (LibTorch's writer), data.pkl replaced.
std::string zipOf(const Records& records, const std::string& pickle)
{
    std::string bytes;
    size_t estimate = pickle.size() + 4096;
    for (const auto& [name, data] : records)
        estimate += data.size() + 192; // headers and alignment
    bytes.reserve(estimate);           // no doubling while a whole model is appended
    {
        caffe2::serialize::PyTorchStreamWriter writer([&bytes](const void* data, size_t size) {
            bytes.append(static_cast<const char*>(data), size);
            return size;
        });
        for (const auto& [name, data] : records) {
            const std::string& content = name == "data.pkl" ? pickle : data;
            writer.writeRecord(name, content.data(), content.size());
        }
        writer.writeEndOfFile();
    }
    return bytes;
}

std::string mutate(const std::string& input, std::mt19937_64& rng)
{
    std::string s = input;
    static const char interesting[] = {0, 1, '\x7f', '\x80', '\xff', '(', ')', ']', '}', 't', 'u', 's', 'R', 'b', 'Q',
                                       'q', 'h', 'j', 'X', '.', '\x8a', '\x95', '\x93', '\x94', 'c', 'J', 'G', 'e', 'a'};
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
        const size_t at = rng() % s.size();
        switch (rng() % 7) {
        case 0: s[at] = char(s[at] ^ (1 << (rng() % 8))); break;
        case 1: s[at] = interesting[rng() % sizeof(interesting)]; break;
        case 2: s[at] = char(rng()); break;
        case 3: s.erase(at, 1 + rng() % 16); break;
        case 4: s.insert(at, s.substr(rng() % s.size(), 1 + rng() % 32)); break;
        case 5: s.resize(at); break;
        case 6: { // a 4-byte length field gets an extreme value
            const uint32_t v = (rng() % 2) ? 0xFFFFFFFFu : uint32_t(rng());
            if (at + 4 <= s.size())
                std::memcpy(&s[at], &v, 4);
            break;
        }
        }
    }
    return s;
}

std::string readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

struct Seed {
    std::string name;
    Records records;
    std::string zip;
    bool large = false;  // a whole model: fewer rounds
    bool manet = false;  // model loading is tried on the mutants that read
};

} // namespace

class TestPickleFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void validSeedsRead();
    void mutatedPicklesThroughTheLoader();
    void mutatedZipFilesNeverCrash();
    void regressionCases();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    std::vector<Seed> m_seeds;
    std::map<std::string, int> m_counts;
};

void TestPickleFuzz::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qInfo("%d mutants per seed (MAS_FUZZ_ITERATIONS)", iterations());
    auto addSeed = [this](const std::string& name, const QString& path, bool large, bool manet) {
        // Whole-model seeds keep only their records (the zip is rebuilt when needed): less peak memory.
        Seed seed{name, recordsOf(path.toStdString()), large ? std::string() : readFile(path), large, manet};
        m_seeds.push_back(std::move(seed));
    };
    // Our writer's layout with a few small tensors.
    const QString own = m_dir.filePath("own.pth");
    NamedTensors entries{{"x.weight", torch::arange(12, torch::kFloat32).view({3, 4})},
                         {"x.count", torch::tensor(int64_t(5))},
                         {"y.bias", torch::ones({2}, torch::kFloat64)}};
    QVERIFY(writeCheckpointFile(own.toStdString(), entries,
                                {{"mas_format", std::string("mastudio-manet-1")}, {"depth", int64_t(18)}, {"lr", 0.5}})
                .ok());
    addSeed("own", own, false, false);
    // A whole app checkpoint (MANet-18), for model loading.
    ManetConfig config;
    config.depth = 18;
    config.numClasses = 3;
    config.embeddingDim = 4;
    Result<ManetModel> model = ManetModel::create(config);
    QVERIFY(model.ok());
    const QString app = m_dir.filePath("app18.pth");
    QVERIFY(model->saveCheckpoint(app.toStdString(), R"({"input_size": 32, "short_side": 36})").ok());
    addSeed("app MANet-18", app, true, true);
    // torch.save's own output (official layout: numpy scalars, shared storages, optimizer), when python can run.
    const QString missing = mas::test::referencePythonMissing();
    if (missing.isEmpty() && mas::test::runReference({m_dir.path(), "--depth", "18", "--size", "32", "--clips", "1"}).isEmpty()) {
        addSeed("official tiny", m_dir.filePath("tiny.pth"), false, false);
        addSeed("official MANet-18", m_dir.filePath("checkpoint.pth"), true, true);
    } else if (mas::test::referenceRequired()) {
        QFAIL(qPrintable("CI is set and " + missing));
    } else {
        qWarning("no /usr/bin/python3 with torch: fuzzing only the app's own layout");
    }
}

void TestPickleFuzz::validSeedsRead()
{
    for (const Seed& seed : m_seeds) {
        QCOMPARE(zipOf(seed.records, seed.records.front().second).empty(), false);
        Result<CheckpointFile> f = readCheckpointBytes(zipOf(seed.records, seed.records.front().second), seed.name);
        QVERIFY2(f.ok(), f.error().c_str());
    }
    for (const Seed& seed : m_seeds) {
        if (seed.name != "official tiny")
            continue;
        Result<CheckpointFile> tiny = readCheckpointBytes(seed.zip, "tiny.pth");
        QVERIFY2(tiny.ok(), tiny.error().c_str());
        QCOMPARE(tiny->entries.size(), size_t(5));
        QCOMPARE(tiny->entries[2].second.sizes().vec(), (std::vector<int64_t>{6, 4})); // a transposed view
        QCOMPARE(tiny->entries[2].second[1][0].item<float>(), 1.f);
        QCOMPARE(tiny->entries[1].second[0][0].item<float>(), 4.f);                     // storage offset 4
        QCOMPARE(tiny->entries[4].second.scalar_type(), torch::kFloat16);
        QVERIFY(tiny->hasOptimizer);
        QVERIFY2(tiny->metaJson.find("\"best\":0.25") != std::string::npos, tiny->metaJson.c_str());
        QVERIFY2(tiny->metaJson.find("\"l\":[1,2.5,null,true]") != std::string::npos, tiny->metaJson.c_str());
    }
}

void TestPickleFuzz::mutatedPicklesThroughTheLoader()
{
    std::mt19937_64 rng(20240601);
    const int n = iterations();
    int modelLoads = 0;
    const QString path = m_dir.filePath("mutant.pth");
    for (const Seed& seed : m_seeds) {
        const std::string& pickle = seed.records.front().second;
        // Large seeds get fewer rounds: each round reads a whole model's storages.
        const int rounds = seed.large ? std::max(4, n / 60) : n;
        for (int i = 0; i < rounds; ++i) {
            const std::string zip = zipOf(seed.records, mutate(pickle, rng));
            Result<CheckpointFile> f = readCheckpointBytes(zip, "mutant.pth");
            if (!f.ok()) {
                ++m_counts["pickle mutants refused"];
                QVERIFY2(f.error().rfind("mutant.pth: ", 0) == 0, f.error().c_str());
                continue;
            }
            ++m_counts["pickle mutants read"];
            if (!seed.manet || modelLoads >= std::max(2, n / 150))
                continue;
            // Model loading of what reads: shapes, metadata and keys are checked there.
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(zip.data(), qint64(zip.size()));
            out.close();
            ++modelLoads;
            Result<ManetModel> m = ManetModel::fromCheckpoint(path.toStdString(), Device::Cpu);
            ++m_counts[m.ok() ? "mutants loaded as models" : "mutants refused as models"];
            if (!m.ok())
                QVERIFY2(m.error().rfind(path.toStdString() + ": ", 0) == 0, m.error().c_str());
        }
        QVERIFY2(mas::test::peakRss() < mas::test::rssBound(), qPrintable(QString("peak RSS %1 MiB after %2").arg(mas::test::peakRss() >> 20).arg(seed.name.c_str())));
    }
    QVERIFY(m_counts["pickle mutants refused"] > 0);
}

void TestPickleFuzz::mutatedZipFilesNeverCrash()
{
    std::mt19937_64 rng(7);
    const int n = iterations();
    for (const Seed& seed : m_seeds) {
        const int rounds = seed.large ? std::max(4, n / 60) : n;
        const std::string zip = seed.zip.empty() ? zipOf(seed.records, seed.records.front().second) : seed.zip;
        for (int i = 0; i < rounds; ++i) {
            Result<CheckpointFile> f = readCheckpointBytes(mutate(zip, rng), "mutant.pth");
            ++m_counts[f.ok() ? "zip mutants read" : "zip mutants refused"];
            if (!f.ok())
                QVERIFY2(f.error().rfind("mutant.pth: ", 0) == 0, f.error().c_str());
        }
    }
    QVERIFY(mas::test::peakRss() < mas::test::rssBound());
}

void TestPickleFuzz::regressionCases()
{
    // Hand-made hostile pickles, with one small storage "0" beside them: each is refused or read, never a crash.
    const std::vector<std::string> cases{
        "",                                   // empty
        "\x80\x02",                           // no STOP
        ".",                                  // STOP on an empty stack
        "\x80\x02(((((((((t.",                // unbalanced marks
        std::string("\x80\x02]q\x00h\x00" "a.", 8), // a list appended to itself (cycle)
        "\x80\x02}s.",                        // SETITEM without key/value
        "\x80\x02X\xff\xff\xff\xff",         // string length beyond the data
        std::string("\x80\x02h\x05."),                     // BINGET of an unknown memo
        "\x80\x02\x8a\x09\x01\x02\x03\x04\x05\x06\x07\x08\x09.", // LONG1 wider than 64 bits
        std::string("\x80\x02(X\x07\x00\x00\x00" "storagectorch\nFloatStorage\nX\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuJ\xff\xff\xff\x7f" "tQ.", 57), // huge storage
        "\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(NK\x00)NtR.", // rebuild without a storage
        std::string("\x80\x02" "cnumpy.core.multiarray\nscalar\n(cnumpy\ndtype\n(X\x02\x00\x00\x00" "f8tRC\x03" "abctR.", 64), // short scalar bytes
        // A one-value storage viewed as 2^31 values with stride 0: the ~14 GB clone of the issue.
        std::string("\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
                    "X\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuK\x01tQK\x00J\xff\xff\xff\x7f\x85K\x00\x85\x89NtRu.", 112),
    };
    const std::string storage(16 * 4, '\0');
    int refused = 0;
    for (const std::string& c : cases) {
        Result<CheckpointFile> f = readCheckpointBytes(zipOf({{"data.pkl", ""}, {"data/0", storage}}, c), "case.pth");
        refused += f.ok() ? 0 : 1;
        if (!f.ok())
            QVERIFY2(f.error().rfind("case.pth: ", 0) == 0, f.error().c_str());
    }
    QCOMPARE(refused, int(cases.size())); // none of them is a checkpoint
    Result<CheckpointFile> zeroStride = readCheckpointBytes(zipOf({{"data.pkl", ""}, {"data/0", storage}}, cases.back()), "z.pth");
    QVERIFY2(zeroStride.error().find("zero or overlapping strides") != std::string::npos, zeroStride.error().c_str());
    // A deeply nested list chain is refused at the nesting limit, and what was built is torn down without recursion.
    std::string deep = "\x80\x02";
    for (int i = 0; i < 200000; ++i)
        deep += "]";
    for (int i = 0; i < 199999; ++i)
        deep += "a";
    deep += ".";
    Result<PickleRef> v = parsePickle(reinterpret_cast<const uint8_t*>(deep.data()), deep.size(), nullptr);
    QVERIFY(!v.ok());
    QVERIFY2(v.error().find("nested deeper than") != std::string::npos, v.error().c_str());
    // Below the limit it reads, and the JSON text stays bounded.
    std::string nested = "\x80\x02";
    for (int i = 0; i < 900; ++i)
        nested += "]";
    for (int i = 0; i < 899; ++i)
        nested += "a";
    nested += ".";
    Result<PickleRef> ok = parsePickle(reinterpret_cast<const uint8_t*>(nested.data()), nested.size(), nullptr);
    QVERIFY2(ok.ok(), ok.error().c_str());
    QVERIFY(pickleToJson(ok.value()).size() < 1000);
}

void TestPickleFuzz::cleanupTestCase()
{
    std::string counts;
    for (const auto& [kind, count] : m_counts)
        counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    qInfo("fuzz: %s; peak RSS %lld MiB", counts.c_str(), static_cast<long long>(mas::test::peakRss() >> 20));
    QVERIFY(mas::test::peakRss() < mas::test::rssBound());
}

QTEST_GUILESS_MAIN(TestPickleFuzz)
#include "tst_picklefuzz.moc"
