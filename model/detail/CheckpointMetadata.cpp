#include "detail/CheckpointMetadata.h"

#include "CheckpointLimits.h"

#include <algorithm>

namespace mas::model::detail {

namespace {

using Kind = PickleValue::Kind;

// The block number after "layer3." in a key, or -1.
int layer3Block(const std::string& key)
{
    const size_t at = key.find("layer3.");
    if (at == std::string::npos)
        return -1;
    int n = 0;
    size_t i = at + 7, digits = 0;
    for (; i < key.size() && key[i] >= '0' && key[i] <= '9' && digits < 4; ++i, ++digits)
        n = n * 10 + (key[i] - '0');
    return digits > 0 && digits < 4 && i < key.size() && key[i] == '.' ? n : -1;
}

int depthFromEntries(const NamedTensors& entries, const std::string& prefix)
{
    bool bottleneck = false;
    int layer3Blocks = 0;
    for (const auto& [key, t] : entries) {
        if (key.find(".conv3.") != std::string::npos || key.rfind(prefix + "layer1.0.conv3", 0) == 0)
            bottleneck = true;
        layer3Blocks = std::max(layer3Blocks, layer3Block(key) + 1);
    }
    if (bottleneck)
        return layer3Blocks == 23 ? 101 : 50;
    return layer3Blocks >= 6 ? 34 : (layer3Blocks > 0 ? 18 : 0);
}

const torch::Tensor* find(const NamedTensors& entries, const std::string& key)
{
    for (const auto& [k, t] : entries)
        if (k == key)
            return &t;
    return nullptr;
}

std::string range(int lo, int hi) { return std::to_string(lo) + "-" + std::to_string(hi); }

// The output width of a [out, in] linear weight, within [lo, hi].
Status linearRows(const NamedTensors& entries, const std::string& key, const char* what, int lo, int hi, int& out)
{
    const torch::Tensor* t = find(entries, key);
    if (!t)
        return Status::success();
    if (t->dim() != 2)
        return Status::failure(key + " has shape " + shapeText(t->sizes()) + ", a 2-D [" + what + ", features] matrix expected");
    const int64_t rows = t->size(0);
    if (rows < lo || rows > hi)
        return Status::failure(key + " gives " + std::to_string(rows) + " " + what + ", outside " + range(lo, hi));
    out = static_cast<int>(rows);
    return Status::success();
}

// An integer entry of the app's meta dict within [lo, hi]; absent leaves `out` as it is.
Status metaInt(const PickleRef& meta, const std::string& key, int lo, int hi, int& out)
{
    const PickleRef v = meta ? meta->get(key) : nullptr;
    if (!v)
        return Status::success();
    if (v->kind != Kind::Int)
        return Status::failure("metadata " + key + " is not an integer");
    if (v->integer < lo || v->integer > hi)
        return Status::failure("metadata " + key + " is " + std::to_string(v->integer) + ", outside " + range(lo, hi));
    out = static_cast<int>(v->integer);
    return Status::success();
}

// The raw text of a top-level member's value in a JSON object (no recursion: nested values are skipped by
// counting brackets). Returns false with `error` set when the text is not an object.
bool topLevelValues(const std::string& json, const std::vector<std::string>& keys, std::vector<std::string>& values,
                    std::string& error)
{
    values.assign(keys.size(), std::string());
    size_t i = 0;
    const size_t n = json.size();
    auto skipSpace = [&] {
        while (i < n && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t'))
            ++i;
    };
    auto skipString = [&]() -> bool { // at '"'
        for (++i; i < n; ++i) {
            if (json[i] == '\\')
                ++i;
            else if (json[i] == '"') {
                ++i;
                return true;
            }
        }
        return false;
    };
    skipSpace();
    if (i >= n || json[i] != '{') {
        error = "metadata_json is not a JSON object";
        return false;
    }
    ++i;
    skipSpace();
    if (i < n && json[i] == '}')
        return true;
    while (i < n) {
        skipSpace();
        const size_t keyStart = i;
        if (i >= n || json[i] != '"' || !skipString())
            break;
        const std::string key = json.substr(keyStart + 1, i - keyStart - 2);
        skipSpace();
        if (i >= n || json[i] != ':')
            break;
        ++i;
        skipSpace();
        const size_t valueStart = i;
        int depth = 0;
        while (i < n) {
            const char c = json[i];
            if (c == '"') {
                if (!skipString())
                    break;
                if (depth == 0)
                    break;
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if (c == '}' || c == ']') {
                if (depth == 0)
                    break;
                if (--depth == 0) {
                    ++i;
                    break;
                }
            } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t'))
                break;
            ++i;
        }
        if (depth != 0 || i == valueStart)
            break;
        for (size_t k = 0; k < keys.size(); ++k)
            if (key == keys[k])
                values[k] = json.substr(valueStart, std::min<size_t>(i - valueStart, 64));
        skipSpace();
        if (i < n && json[i] == ',') {
            ++i;
            continue;
        }
        if (i < n && json[i] == '}')
            return true;
        break;
    }
    error = "metadata_json is not valid JSON (at character " + std::to_string(i) + ")";
    return false;
}

// A JSON integer literal within [lo, hi].
Status boundedJsonInt(const std::string& raw, const std::string& key, int lo, int hi, int& out)
{
    bool digits = !raw.empty();
    for (size_t i = 0; i < raw.size(); ++i)
        digits = digits && ((raw[i] >= '0' && raw[i] <= '9') || (i == 0 && raw[i] == '-' && raw.size() > 1));
    if (!digits)
        return Status::failure("metadata " + key + " is " + raw + ", not an integer");
    if (raw.size() > 9)
        return Status::failure("metadata " + key + " is " + raw + ", outside " + range(lo, hi));
    long value = 0;
    for (char c : raw)
        if (c != '-')
            value = value * 10 + (c - '0');
    if (raw[0] == '-')
        value = -value;
    if (value < lo || value > hi)
        return Status::failure("metadata " + key + " is " + raw + ", outside " + range(lo, hi));
    out = static_cast<int>(value);
    return Status::success();
}

// The clip pipeline the app's metadata asks for: crop (input_size) and resize target (short_side).
Status checkPipelineMetadata(const std::string& json)
{
    std::vector<std::string> values;
    std::string error;
    if (!topLevelValues(json, {"input_size", "short_side"}, values, error))
        return Status::failure(error);
    int inputSize = MetadataBounds::minInputSize;
    if (!values[0].empty())
        if (Status s = boundedJsonInt(values[0], "input_size", MetadataBounds::minInputSize, MetadataBounds::maxInputSize,
                                      inputSize);
            !s)
            return s;
    int shortSide = 0;
    if (!values[1].empty())
        if (Status s = boundedJsonInt(values[1], "short_side", inputSize, MetadataBounds::maxShortSide, shortSide); !s)
            return s;
    return Status::success();
}

Status describeInto(const CheckpointFile& file, CheckpointInfo& info)
{
    info.format = file.format;
    info.entryCount = static_cast<int64_t>(file.entries.size());
    for (const auto& [k, t] : file.entries)
        info.valueCount += t.numel();
    info.hasOptimizer = file.hasOptimizer;
    info.metadataJson = file.metaJson;
    const bool torchvision = file.format == "torchvision";
    info.depth = depthFromEntries(file.entries, torchvision ? "" : "backbone.");
    if (info.depth == 0)
        return Status::failure("no ResNet backbone keys found (" + std::to_string(info.entryCount) + " tensors, format " +
                               info.format + ")");
    if (Status s = linearRows(file.entries, torchvision ? "fc.weight" : "cls_head.fc_cls.weight", "classes",
                              MetadataBounds::minClasses, MetadataBounds::maxClasses, info.numClasses);
        !s)
        return s;
    if (Status s = linearRows(file.entries, "cls_head.fc_emb.weight", "embedding dimensions", MetadataBounds::minEmbeddingDim,
                              MetadataBounds::maxEmbeddingDim, info.embeddingDim);
        !s)
        return s;
    if (!torchvision && file.format != "state_dict" && info.numClasses == 0)
        return Status::failure("no classifier (cls_head.fc_cls.weight) in the state_dict");
    if (file.format == "mastudio") {
        int depth = info.depth, classes = info.numClasses, embedding = info.embeddingDim;
        info.segments = 8;
        for (Status s : {metaInt(file.meta, "depth", 18, 101, depth),
                         metaInt(file.meta, "num_classes", MetadataBounds::minClasses, MetadataBounds::maxClasses, classes),
                         metaInt(file.meta, "embedding_dim", MetadataBounds::minEmbeddingDim, MetadataBounds::maxEmbeddingDim,
                                 embedding),
                         metaInt(file.meta, "segments", MetadataBounds::minSegments, MetadataBounds::maxSegments, info.segments)})
            if (!s)
                return s;
        if (depth != info.depth || classes != info.numClasses || embedding != info.embeddingDim)
            return Status::failure("metadata (depth " + std::to_string(depth) + ", " + std::to_string(classes) + " classes, " +
                                   std::to_string(embedding) + " embedding dimensions) contradicts the weights (depth " +
                                   std::to_string(info.depth) + ", " + std::to_string(info.numClasses) + ", " +
                                   std::to_string(info.embeddingDim) + ")");
        if (PickleRef m = file.meta->get("metadata_json")) {
            if (m->kind != Kind::String)
                return Status::failure("metadata_json is not a string");
            info.metadataJson = m->text;
        }
        if (Status s = checkPipelineMetadata(info.metadataJson); !s)
            return s;
    } else if (file.format == "mmaction2") {
        info.segments = 8; // the published config (num_segments=8); not recorded in official checkpoints
    }
    return Status::success();
}

} // namespace

Result<CheckpointInfo> describeCheckpoint(const CheckpointFile& file, const std::string& path)
{
    CheckpointInfo info;
    info.path = path;
    if (Status s = describeInto(file, info); !s)
        return Result<CheckpointInfo>::failure(path + ": " + s.error());
    return info;
}

std::string officialBackboneName(const std::string& key)
{
    if (key == "conv1.weight")
        return "conv1.conv.weight";
    if (key.rfind("bn1.", 0) == 0)
        return "conv1.bn." + key.substr(4);
    if (key.rfind("fc.", 0) == 0)
        return {};
    // layerA.B.<rest>
    size_t i = 0;
    auto number = [&]() {
        const size_t start = i;
        while (i < key.size() && key[i] >= '0' && key[i] <= '9')
            ++i;
        return i > start;
    };
    if (key.rfind("layer", 0) != 0)
        return key;
    i = 5;
    if (!number() || i >= key.size() || key[i] != '.')
        return key;
    ++i;
    if (!number() || i >= key.size() || key[i] != '.')
        return key;
    const std::string block = key.substr(0, i);
    const std::string rest = key.substr(i + 1);
    auto digitAt = [&](size_t at) { return at < rest.size() && rest[at] >= '0' && rest[at] <= '9'; };
    if (rest.size() == 12 && rest.rfind("conv", 0) == 0 && digitAt(4) && rest.compare(5, 7, ".weight") == 0)
        return block + ".conv" + rest[4] + (rest[4] == '1' ? ".conv.net.weight" : ".conv.weight");
    if (rest.size() > 4 && rest.rfind("bn", 0) == 0 && digitAt(2) && rest[3] == '.')
        return block + ".conv" + rest[2] + ".bn." + rest.substr(4);
    if (rest.size() > 13 && rest.rfind("downsample.", 0) == 0 && (rest[11] == '0' || rest[11] == '1') && rest[12] == '.')
        return block + ".downsample." + (rest[11] == '0' ? "conv." : "bn.") + rest.substr(13);
    return key;
}

} // namespace mas::model::detail
