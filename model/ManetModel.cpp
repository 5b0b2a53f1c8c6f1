#include "ManetModel.h"

#include "detail/LargeAllocations.h"
#include "detail/ModelImpl.h"

#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

namespace mas::model {

using detail::NamedTensors;
using detail::shapeText;

namespace {

// Once per process, at the first model: intra-op threads from the hardware, large activations kept in the heap.
void ensureProcessSetup()
{
    static std::once_flag once;
    std::call_once(once, [] {
        ManetModel::setThreads(0);
        detail::keepLargeAllocationsInHeap();
    });
}

template <typename T, typename F>
Result<T> guarded(const std::string& what, F&& body)
{
    try {
        return body();
    } catch (const c10::Error& e) {
        return Result<T>::failure(what + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Result<T>::failure(what + ": " + e.what());
    }
}

int depthFromEntries(const NamedTensors& entries, const std::string& prefix)
{
    bool bottleneck = false;
    int layer3Blocks = 0;
    for (const auto& [key, t] : entries) {
        if (key.find(".conv3.") != std::string::npos || key.rfind(prefix + "layer1.0.conv3", 0) == 0)
            bottleneck = true;
        static const std::regex layer3(R"(layer3\.(\d+)\.)");
        std::smatch m;
        if (std::regex_search(key, m, layer3))
            layer3Blocks = std::max(layer3Blocks, std::stoi(m[1]) + 1);
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

// Minimal reader of integer fields in our own metadata JSON ("key": 123).
int jsonInt(const std::string& json, const std::string& key, int fallback)
{
    const std::regex re("\"" + key + "\"\\s*:\\s*(-?\\d+)");
    std::smatch m;
    return std::regex_search(json, m, re) ? std::stoi(m[1]) : fallback;
}

} // namespace

// ---- Impl ----

NamedTensors ManetModel::Impl::stateDict() const
{
    NamedTensors out;
    for (const auto& item : net->named_modules("", /*include_self=*/true)) {
        const std::string prefix = item.key().empty() ? "" : item.key() + ".";
        for (const auto& p : item.value()->named_parameters(false))
            out.emplace_back(prefix + p.key(), p.value());
        for (const auto& b : item.value()->named_buffers(false))
            out.emplace_back(prefix + b.key(), b.value());
    }
    return out;
}

Status ManetModel::Impl::loadEntries(const NamedTensors& entries, const std::string& source, bool backboneOnly)
{
    const NamedTensors own = stateDict();
    std::map<std::string, torch::Tensor> given(entries.begin(), entries.end());
    std::vector<std::string> problems;
    for (const auto& [key, t] : own) {
        if (backboneOnly && key.rfind("backbone.", 0) != 0)
            continue;
        auto it = given.find(key);
        if (it == given.end()) {
            if (!backboneOnly || key.find(".conv.fcce.") == std::string::npos)
                problems.push_back("key " + key + " is missing (model expects shape " + shapeText(t.sizes()) + ")");
            continue;
        }
        if (it->second.sizes() != t.sizes())
            problems.push_back("key " + key + " has shape " + shapeText(it->second.sizes()) + " in the file, the model expects " +
                               shapeText(t.sizes()));
    }
    std::map<std::string, bool> ownKeys;
    for (const auto& [key, t] : own)
        ownKeys[key] = true;
    for (const auto& [key, t] : entries)
        if (!ownKeys.count(key))
            problems.push_back("key " + key + " " + shapeText(t.sizes()) + " is not part of this model");
    if (!problems.empty()) {
        std::string message = source + ": " + std::to_string(problems.size()) + " key problem(s) for MANet-" +
                              std::to_string(config.depth) + " (" + std::to_string(config.numClasses) + " classes): ";
        for (size_t i = 0; i < problems.size() && i < 8; ++i)
            message += (i ? "; " : "") + problems[i];
        if (problems.size() > 8)
            message += "; ... and " + std::to_string(problems.size() - 8) + " more";
        return Status::failure(message);
    }
    torch::NoGradGuard noGrad;
    for (auto& [key, t] : own) {
        auto it = given.find(key);
        if (it != given.end())
            t.copy_(it->second.to(t.device(), t.scalar_type()));
    }
    invalidateFolding();
    return Status::success();
}

Result<torch::Tensor> ManetModel::Impl::input(const FrameBatch& f) const
{
    if (!f.data || f.frames <= 0)
        return Result<torch::Tensor>::failure("no frames given");
    if (f.channels != 3 || f.height < 16 || f.width < 16)
        return Result<torch::Tensor>::failure("frames must be [3, H>=16, W>=16], got [" + std::to_string(f.channels) + "," +
                                              std::to_string(f.height) + "," + std::to_string(f.width) + "]");
    if (f.frames % config.segments != 0)
        return Result<torch::Tensor>::failure(std::to_string(f.frames) + " frames is not a whole number of clips of " +
                                              std::to_string(config.segments) + " segments");
    auto x = torch::from_blob(const_cast<float*>(f.data), {f.frames, f.channels, f.height, f.width}, torch::kFloat32);
    if (device.is_cuda())
        x = x.to(device, /*non_blocking=*/false, /*copy=*/true);
    if (channelsLast)
        x = x.contiguous(torch::MemoryFormat::ChannelsLast);
    return x;
}

void ManetModel::Impl::prepareInference()
{
    net->eval();
    const bool fused = fusedInference && device.is_cpu();
    net->fused = fused;
    net->bfloat16 = fused && bfloat16Inference;
    if ((foldBatchNorm || fused) && !foldedValid) {
        net->setFolded(true, net->bfloat16 ? torch::kBFloat16 : torch::kFloat32);
        foldedValid = true;
    } else if (!foldBatchNorm && !fused) {
        net->setFolded(false);
        foldedValid = false;
    }
}

// ---- ManetModel ----

ManetModel::ManetModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ManetModel::ManetModel(ManetModel&&) noexcept = default;
ManetModel& ManetModel::operator=(ManetModel&&) noexcept = default;
ManetModel::~ManetModel() = default;
ManetModel::Impl& ManetModel::impl() { return *m_impl; }
const ManetModel::Impl& ManetModel::impl() const { return *m_impl; }

Result<ManetModel> ManetModel::create(const ManetConfig& config)
{
    ensureProcessSetup();
    if (config.depth != 18 && config.depth != 34 && config.depth != 50)
        return Result<ManetModel>::failure("MANet depth " + std::to_string(config.depth) + " is not supported (18, 34 or 50)");
    if (config.numClasses < 1 || config.embeddingDim < 1 || config.segments < 1)
        return Result<ManetModel>::failure("MANet needs at least one class, one embedding dimension and one segment");
    return guarded<ManetModel>("creating MANet", [&] {
        auto impl = std::make_unique<Impl>();
        impl->config = config;
        impl->net = detail::ManetNet(config);
        return ManetModel(std::move(impl));
    });
}

Result<ManetModel> ManetModel::fromCheckpoint(const std::string& path, Device device)
{
    Result<CheckpointInfo> info = inspectCheckpoint(path);
    if (!info)
        return info.status();
    if (info->format == "torchvision")
        return Result<ManetModel>::failure(path + ": an ImageNet ResNet, not a MANet checkpoint (use it as backbone init)");
    ManetConfig config;
    config.depth = info->depth;
    config.numClasses = info->numClasses;
    config.embeddingDim = info->embeddingDim;
    if (info->segments > 0)
        config.segments = info->segments;
    Result<ManetModel> model = create(config);
    if (!model)
        return model;
    if (Status s = model->setDevice(device); !s)
        return s;
    if (Status s = model->loadCheckpoint(path); !s)
        return s;
    return model;
}

const ManetConfig& ManetModel::config() const { return m_impl->config; }
int64_t ManetModel::featureDim() const { return m_impl->net->backbone->featureDim; }

int64_t ManetModel::parameterCount() const
{
    int64_t n = 0;
    for (const auto& [k, t] : m_impl->stateDict())
        n += t.numel();
    return n;
}

int64_t ManetModel::stateEntryCount() const { return static_cast<int64_t>(m_impl->stateDict().size()); }

std::vector<std::string> ManetModel::stateKeys() const
{
    std::vector<std::string> keys;
    for (const auto& [k, t] : m_impl->stateDict())
        keys.push_back(k);
    return keys;
}

Status ManetModel::loadCheckpoint(const std::string& path)
{
    Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
    if (!file)
        return file.status();
    if (file->format == "torchvision")
        return Status::failure(path + ": an ImageNet ResNet state_dict, not a MANet checkpoint (load it as backbone init)");
    Status s = guarded<bool>(path, [&]() -> Result<bool> {
                   Status loaded = m_impl->loadEntries(file->entries, path, false);
                   if (!loaded)
                       return loaded;
                   return true;
               }).status();
    if (!s)
        return s;
    m_impl->metadataJson = "{}";
    if (file->format == "mastudio")
        if (auto m = file->meta->get("metadata_json"); m && m->kind == detail::PickleValue::Kind::String)
            m_impl->metadataJson = m->text;
    return Status::success();
}

Status ManetModel::loadImagenetBackbone(const std::string& path)
{
    Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
    if (!file)
        return file.status();
    // torchvision names -> official names.
    static const std::regex blockConv(R"(^(layer\d+\.\d+)\.conv(\d)\.weight$)");
    static const std::regex blockBn(R"(^(layer\d+\.\d+)\.bn(\d)\.(.+)$)");
    static const std::regex downsample(R"(^(layer\d+\.\d+)\.downsample\.([01])\.(.+)$)");
    NamedTensors mapped;
    for (const auto& [key, t] : file->entries) {
        std::smatch m;
        std::string name;
        if (key == "conv1.weight")
            name = "conv1.conv.weight";
        else if (key.rfind("bn1.", 0) == 0)
            name = "conv1.bn." + key.substr(4);
        else if (std::regex_match(key, m, blockConv))
            name = m[1].str() + ".conv" + m[2].str() + (m[2] == "1" ? ".conv.net.weight" : ".conv.weight");
        else if (std::regex_match(key, m, blockBn))
            name = m[1].str() + ".conv" + m[2].str() + ".bn." + m[3].str();
        else if (std::regex_match(key, m, downsample))
            name = m[1].str() + ".downsample." + (m[2] == "0" ? "conv." : "bn.") + m[3].str();
        else if (key.rfind("fc.", 0) == 0)
            continue; // ImageNet classifier: not used
        else
            name = key;
        mapped.emplace_back("backbone." + name, t);
    }
    // The SE and unused action_p2 layers are not in an ImageNet ResNet: they keep their init.
    const NamedTensors own = m_impl->stateDict();
    for (const auto& [key, t] : own)
        if (key.find(".action_p2_") != std::string::npos && !find(mapped, key))
            mapped.emplace_back(key, t.detach().clone());
    return guarded<bool>(path, [&]() -> Result<bool> {
               Status loaded = m_impl->loadEntries(mapped, path, true);
               if (!loaded)
                   return loaded;
               return true;
           }).status();
}

Status ManetModel::saveCheckpoint(const std::string& path, const std::string& metadataJson) const
{
    std::vector<std::pair<std::string, detail::MetaValue>> meta{
        {"mas_format", std::string("mastudio-manet-1")},
        {"depth", int64_t(m_impl->config.depth)},
        {"num_classes", int64_t(m_impl->config.numClasses)},
        {"embedding_dim", int64_t(m_impl->config.embeddingDim)},
        {"segments", int64_t(m_impl->config.segments)},
        {"metadata_json", metadataJson.empty() ? std::string("{}") : metadataJson},
    };
    return detail::writeCheckpointFile(path, m_impl->stateDict(), meta);
}

std::string ManetModel::metadataJson() const { return m_impl->metadataJson; }

bool ManetModel::cudaAvailable() { return torch::cuda::is_available(); }

Status ManetModel::setDevice(Device device)
{
    const bool cuda = device == Device::Cuda || (device == Device::Auto && cudaAvailable());
    if (cuda && !cudaAvailable())
        return Status::failure("CUDA was asked for, but this LibTorch build sees no CUDA device");
    return guarded<bool>("moving MANet to " + std::string(cuda ? "CUDA" : "the CPU"), [&]() -> Result<bool> {
               m_impl->device = cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
               m_impl->net->to(m_impl->device);
               m_impl->invalidateFolding();
               return true;
           }).status();
}

Device ManetModel::device() const { return m_impl->device.is_cuda() ? Device::Cuda : Device::Cpu; }

Result<ForwardOutput> ManetModel::forward(const FrameBatch& frames)
{
    return guarded<ForwardOutput>("MANet forward", [&]() -> Result<ForwardOutput> {
        Result<torch::Tensor> x = m_impl->input(frames);
        if (!x)
            return x.status();
        c10::InferenceMode inference;
        m_impl->prepareInference();
        auto [logits, embeddings] = m_impl->net->forward(x.value());
        logits = logits.to(torch::kCPU, torch::kFloat32).contiguous();
        embeddings = embeddings.to(torch::kCPU, torch::kFloat32).contiguous();
        ForwardOutput out;
        out.batch = logits.size(0);
        out.numClasses = logits.size(1);
        out.embeddingDim = embeddings.size(1);
        out.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
        out.embeddings.assign(embeddings.data_ptr<float>(), embeddings.data_ptr<float>() + embeddings.numel());
        return out;
    });
}

Result<PooledFeatures> ManetModel::pooledFeatures(const FrameBatch& frames)
{
    return guarded<PooledFeatures>("MANet features", [&]() -> Result<PooledFeatures> {
        Result<torch::Tensor> x = m_impl->input(frames);
        if (!x)
            return x.status();
        c10::InferenceMode inference;
        m_impl->prepareInference();
        auto f = m_impl->net->features(x.value()).to(torch::kCPU, torch::kFloat32).contiguous();
        PooledFeatures out;
        out.segments = m_impl->config.segments;
        out.batch = f.size(0) / out.segments;
        out.featureDim = f.size(1);
        out.values.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        return out;
    });
}

Result<ForwardOutput> ManetModel::forwardHead(const PooledFeatures& features)
{
    if (features.featureDim != featureDim() || features.segments != m_impl->config.segments ||
        static_cast<int64_t>(features.values.size()) != features.batch * features.segments * features.featureDim ||
        features.batch <= 0)
        return Result<ForwardOutput>::failure("features do not match this model (" + std::to_string(m_impl->config.segments) +
                                              " segments x " + std::to_string(featureDim()) + " values per clip expected)");
    return guarded<ForwardOutput>("MANet head", [&]() -> Result<ForwardOutput> {
        c10::InferenceMode inference;
        m_impl->net->eval();
        auto f = torch::from_blob(const_cast<float*>(features.values.data()),
                                  {features.batch * features.segments, features.featureDim}, torch::kFloat32)
                     .to(m_impl->device);
        auto [logits, embeddings] = m_impl->net->clsHead->forward(f, m_impl->config.segments);
        logits = logits.to(torch::kCPU).contiguous();
        embeddings = embeddings.to(torch::kCPU).contiguous();
        ForwardOutput out;
        out.batch = logits.size(0);
        out.numClasses = logits.size(1);
        out.embeddingDim = embeddings.size(1);
        out.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
        out.embeddings.assign(embeddings.data_ptr<float>(), embeddings.data_ptr<float>() + embeddings.numel());
        return out;
    });
}

void ManetModel::setChannelsLast(bool on)
{
    m_impl->channelsLast = on;
    torch::NoGradGuard noGrad;
    const auto format = on ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    for (auto& p : m_impl->net->parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(format));
    m_impl->invalidateFolding();
}

void ManetModel::setFoldBatchNorm(bool on)
{
    m_impl->foldBatchNorm = on;
    m_impl->invalidateFolding();
}

ManetModel::WeightsSnapshot ManetModel::snapshotWeights() const
{
    torch::NoGradGuard noGrad;
    auto copy = std::make_shared<NamedTensors>();
    for (const auto& [name, tensor] : m_impl->stateDict())
        copy->emplace_back(name, tensor.detach().clone());
    return {std::shared_ptr<const void>(copy, copy.get())};
}

Status ManetModel::restoreWeights(const WeightsSnapshot& snapshot)
{
    if (snapshot.empty())
        return Status::failure("no weights snapshot to restore");
    const auto& saved = *static_cast<const NamedTensors*>(snapshot.data.get());
    return guarded<bool>("restoring MANet weights", [&]() -> Result<bool> {
        torch::NoGradGuard noGrad;
        const NamedTensors own = m_impl->stateDict();
        if (own.size() != saved.size())
            return Result<bool>::failure("the snapshot is of another network (" + std::to_string(saved.size()) + " entries, " +
                                         std::to_string(own.size()) + " expected)");
        for (size_t i = 0; i < own.size(); ++i) {
            if (own[i].first != saved[i].first || own[i].second.sizes() != saved[i].second.sizes())
                return Result<bool>::failure("the snapshot's " + saved[i].first + " does not fit " + own[i].first);
            own[i].second.copy_(saved[i].second);
        }
        m_impl->invalidateFolding();
        return true;
    }).status();
}

void ManetModel::setFusedInference(bool on)
{
    m_impl->fusedInference = on;
    m_impl->invalidateFolding();
}

bool ManetModel::fusedInference() const
{
    return m_impl->fusedInference;
}

void ManetModel::setBFloat16Inference(bool on)
{
    m_impl->bfloat16Inference = on;
    m_impl->invalidateFolding();
}

bool ManetModel::bfloat16Inference() const
{
    return m_impl->bfloat16Inference;
}

bool ManetModel::cpuHasNativeBFloat16()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0)
            return (line + " ").find(" avx512_bf16 ") != std::string::npos;
    return false;
}

void ManetModel::setDeterministic(bool on, uint64_t seed)
{
    torch::manual_seed(seed);
    at::globalContext().setDeterministicAlgorithms(on, /*warn_only=*/true);
    at::globalContext().setDeterministicCuDNN(on);
    at::globalContext().setBenchmarkCuDNN(!on);
}

void ManetModel::setThreads(int threads)
{
    const unsigned hw = std::thread::hardware_concurrency();
    torch::set_num_threads(threads > 0 ? threads : static_cast<int>(hw > 0 ? hw : 1));
}

Result<CheckpointInfo> inspectCheckpoint(const std::string& path)
{
    Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
    if (!file)
        return file.status();
    CheckpointInfo info;
    info.path = path;
    info.format = file->format;
    info.entryCount = static_cast<int64_t>(file->entries.size());
    for (const auto& [k, t] : file->entries)
        info.valueCount += t.numel();
    info.hasOptimizer = file->hasOptimizer;
    info.metadataJson = file->metaJson;
    const bool torchvision = file->format == "torchvision";
    info.depth = depthFromEntries(file->entries, torchvision ? "" : "backbone.");
    if (const torch::Tensor* cls = find(file->entries, torchvision ? "fc.weight" : "cls_head.fc_cls.weight"))
        info.numClasses = static_cast<int>(cls->size(0));
    if (const torch::Tensor* emb = find(file->entries, "cls_head.fc_emb.weight"))
        info.embeddingDim = static_cast<int>(emb->size(0));
    if (file->format == "mastudio") {
        info.segments = jsonInt(file->metaJson, "segments", 0);
        if (auto m = file->meta->get("metadata_json"); m && m->kind == detail::PickleValue::Kind::String)
            info.metadataJson = m->text;
    } else if (file->format == "mmaction2") {
        info.segments = 8; // the published config (num_segments=8); not recorded in official checkpoints
    }
    if (info.depth == 0)
        return Result<CheckpointInfo>::failure(path + ": no ResNet backbone keys found (" + std::to_string(info.entryCount) +
                                               " tensors, format " + info.format + ")");
    return info;
}

} // namespace mas::model
