// The checkpoint reader on hostile input: a seeded random mutator over valid pickles (the official layout
// written by torch.save with numpy scalars and shared storages, and our own writer's) and over whole zip files.
// Every mutant must be read or refused with a message: no crash, no hang. Crashes found become regression cases.
#include "detail/Checkpoint.h"
#include "detail/Pickle.h"

#include "ModelTestSupport.h"

#include <caffe2/serialize/inline_container.h>

#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace mas::model;
using namespace mas::model::detail;

namespace {

// Storages of zeros; bounded so a mutated numel cannot ask for gigabytes.
Result<torch::Tensor> zeroStorage(const std::string&, torch::ScalarType dtype, int64_t numel)
{
    if (numel > (1 << 22))
        return Result<torch::Tensor>::failure("storage too large for the fuzz loader");
    return torch::zeros({numel}, torch::TensorOptions().dtype(dtype));
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

std::string readPickleOf(const std::string& zipPath)
{
    caffe2::serialize::PyTorchStreamReader reader(zipPath);
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader.getRecord("data.pkl");
    return std::string(static_cast<const char*>(data.get()), size);
}

std::string readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

} // namespace

class TestPickleFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void validPicklesParse();
    void mutatedPicklesNeverCrash();
    void mutatedZipFilesNeverCrash();
    void regressionCases();

private:
    QTemporaryDir m_dir;
    std::vector<std::string> m_seeds;     // pickles
    std::vector<std::string> m_zipSeeds;  // whole files
};

void TestPickleFuzz::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Our writer's layout with a few small tensors.
    const std::string own = m_dir.filePath("own.pth").toStdString();
    NamedTensors entries{{"x.weight", torch::arange(12, torch::kFloat32).view({3, 4})},
                         {"x.count", torch::tensor(int64_t(5))},
                         {"y.bias", torch::ones({2}, torch::kFloat64)}};
    QVERIFY(writeCheckpointFile(own, entries, {{"mas_format", std::string("mastudio-manet-1")}, {"depth", int64_t(18)},
                                               {"lr", 0.5}})
                .ok());
    m_zipSeeds.push_back(readFile(QString::fromStdString(own)));
    m_seeds.push_back(readPickleOf(own));
    // torch.save's own output (official layout: numpy scalars, shared storages, optimizer), when python can run.
    if (mas::test::referencePythonMissing().isEmpty() &&
        mas::test::runReference({m_dir.path(), "--depth", "18", "--size", "32", "--clips", "1"}).isEmpty()) {
        const std::string tiny = m_dir.filePath("tiny.pth").toStdString();
        m_zipSeeds.push_back(readFile(QString::fromStdString(tiny)));
        m_seeds.push_back(readPickleOf(tiny));
        m_seeds.push_back(readPickleOf(m_dir.filePath("checkpoint.pth").toStdString()));
    } else {
        qWarning("no /usr/bin/python3 with torch: fuzzing only the app's own layout");
    }
}

void TestPickleFuzz::validPicklesParse()
{
    for (const std::string& seed : m_seeds) {
        Result<PickleRef> v = parsePickle(reinterpret_cast<const uint8_t*>(seed.data()), seed.size(), zeroStorage);
        QVERIFY2(v.ok(), v.error().c_str());
    }
    if (m_zipSeeds.size() > 1) {
        Result<CheckpointFile> tiny = readCheckpointBytes(m_zipSeeds[1], "tiny.pth");
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

void TestPickleFuzz::mutatedPicklesNeverCrash()
{
    std::mt19937_64 rng(20240601);
    int accepted = 0, refused = 0;
    const int iterations = 4000;
    for (const std::string& seed : m_seeds) {
        // Large seeds (a whole ResNet-18) get fewer rounds: each round rebuilds its tensors.
        const int rounds = seed.size() > 100000 ? iterations / 20 : iterations;
        for (int i = 0; i < rounds; ++i) {
            const std::string m = mutate(seed, rng);
            Result<PickleRef> v = parsePickle(reinterpret_cast<const uint8_t*>(m.data()), m.size(), zeroStorage);
            if (v.ok()) {
                ++accepted;
                (void)pickleToJson(v.value());
            } else {
                ++refused;
                QVERIFY(v.error().rfind("pickle: ", 0) == 0);
            }
        }
    }
    qInfo("pickle mutants: %d read, %d refused", accepted, refused);
    QVERIFY(refused > 0);
}

void TestPickleFuzz::mutatedZipFilesNeverCrash()
{
    std::mt19937_64 rng(7);
    int accepted = 0, refused = 0;
    for (const std::string& seed : m_zipSeeds)
        for (int i = 0; i < 1500; ++i) {
            Result<CheckpointFile> f = readCheckpointBytes(mutate(seed, rng), "mutant.pth");
            f.ok() ? ++accepted : ++refused;
            if (!f.ok())
                QVERIFY(f.error().rfind("mutant.pth: ", 0) == 0);
        }
    qInfo("zip mutants: %d read, %d refused", accepted, refused);
}

void TestPickleFuzz::regressionCases()
{
    // Hand-made hostile pickles: each must be refused or read, never crash.
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
    };
    for (const std::string& c : cases) {
        Result<PickleRef> v = parsePickle(reinterpret_cast<const uint8_t*>(c.data()), c.size(), zeroStorage);
        if (v.ok())
            (void)pickleToJson(v.value());
    }
    // A deeply nested list chain is torn down without recursion.
    std::string deep = "\x80\x02";
    for (int i = 0; i < 200000; ++i)
        deep += "]";
    for (int i = 0; i < 199999; ++i)
        deep += "a";
    deep += ".";
    Result<PickleRef> v = parsePickle(reinterpret_cast<const uint8_t*>(deep.data()), deep.size(), zeroStorage);
    QVERIFY(v.ok());
    (void)pickleToJson(v.value());
}

QTEST_GUILESS_MAIN(TestPickleFuzz)
#include "tst_picklefuzz.moc"
