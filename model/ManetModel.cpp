#include "ManetModel.h"

#include "detail/CheckpointMetadata.h"
#include "detail/LargeAllocations.h"
#include "detail/ModelImpl.h"

#include "CheckpointLimits.h"

#include <torch/version.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

namespace mas::model {

using detail::NamedTensors;
using detail::shapeText;

namespace {

// Set once a caller chose a thread count, so that the first model's setup does not overwrite it.
std::atomic<bool> threadsChosen{false};

// Once per process, at the first model: intra-op threads from the hardware (unless a caller chose them: a
// `--threads 1` given before the model loads), large activations kept in the heap.
void ensureProcessSetup()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (!threadsChosen.load())
            ManetModel::setThreads(0);
        detail::keepLargeAllocationsInHeap();
    });
}

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

// Every public entry point runs its body through this: nothing thrown inside model/ (c10::Error, bad_alloc,
// anything else) leaves it; it becomes an error value that starts with `what` (the file, where there is one).
template <typename T, typename F>
Result<T> guarded(const std::string& what, F&& body)
{
    try {
        return body();
    } catch (const c10::Error& e) {
        return Result<T>::failure(what + ": " + oneLine(e.what_without_backtrace()));
    } catch (const std::bad_alloc&) {
        return Result<T>::failure(what + ": out of memory");
    } catch (const std::exception& e) {
        return Result<T>::failure(what + ": " + oneLine(e.what()));
    } catch (...) {
        return Result<T>::failure(what + ": unknown error");
    }
}

template <typename F>
Status guardedStatus(const std::string& what, F&& body)
{
    return guarded<bool>(what, [&]() -> Result<bool> {
               Status s = body();
               if (!s)
                   return s;
               return true;
           }).status();
}

// "path: problem", unless the message already starts with the path.
Status namingFile(const std::string& path, const Status& s)
{
    if (s.ok() || s.error().rfind(path, 0) == 0)
        return s;
    return Status::failure(path + ": " + s.error());
}

const torch::Tensor* find(const NamedTensors& entries, const std::string& key)
{
    for (const auto& [k, t] : entries)
        if (k == key)
            return &t;
    return nullptr;
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

Result<ManetModel> ManetModel::create(const ManetConfig& config) { return createShaped(config, true); }

Result<ManetModel> ManetModel::createShaped(const ManetConfig& config, bool randomInit)
{
    ensureProcessSetup();
    if (config.depth != 18 && config.depth != 34 && config.depth != 50)
        return Result<ManetModel>::failure("MANet depth " + std::to_string(config.depth) + " is not supported (18, 34 or 50)");
    if (config.numClasses < MetadataBounds::minClasses || config.numClasses > MetadataBounds::maxClasses ||
        config.embeddingDim < MetadataBounds::minEmbeddingDim || config.embeddingDim > MetadataBounds::maxEmbeddingDim ||
        config.segments < MetadataBounds::minSegments || config.segments > MetadataBounds::maxSegments)
        return Result<ManetModel>::failure("MANet needs " + std::to_string(MetadataBounds::minClasses) + "-" +
                                           std::to_string(MetadataBounds::maxClasses) + " classes, " +
                                           std::to_string(MetadataBounds::minEmbeddingDim) + "-" +
                                           std::to_string(MetadataBounds::maxEmbeddingDim) + " embedding dimensions and " +
                                           std::to_string(MetadataBounds::minSegments) + "-" +
                                           std::to_string(MetadataBounds::maxSegments) + " segments");
    return guarded<ManetModel>("creating MANet", [&] {
        auto impl = std::make_unique<Impl>();
        impl->config = config;
        impl->net = detail::ManetNet(config, randomInit);
        return ManetModel(std::move(impl));
    });
}

Result<ManetModel> ManetModel::fromCheckpoint(const std::string& path, Device device)
{
    return guarded<ManetModel>(path, [&]() -> Result<ManetModel> {
        Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
        if (!file)
            return file.status();
        Result<CheckpointInfo> info = detail::describeCheckpoint(file.value(), path);
        if (!info)
            return info.status();
        if (info->format == "torchvision")
            return Result<ManetModel>::failure(path + ": an ImageNet ResNet, not a MANet checkpoint (use it as backbone init)");
        ManetConfig config;
        config.depth = info->depth;
        config.numClasses = info->numClasses;
        config.embeddingDim = info->embeddingDim > 0 ? info->embeddingDim : config.embeddingDim;
        if (info->segments > 0)
            config.segments = info->segments;
        Result<ManetModel> model = createShaped(config, false);
        if (!model)
            return namingFile(path, model.status());
        if (Status s = model->setDevice(device); !s)
            return namingFile(path, s);
        if (Status s = model->m_impl->loadFile(file.value(), info.value(), path); !s)
            return s;
        return model;
    });
}

const ManetConfig& ManetModel::config() const { return m_impl->config; }
int64_t ManetModel::featureDim() const { return m_impl->net->backbone->featureDim; }

int64_t ManetModel::parameterCount() const
{
    try {
        int64_t n = 0;
        for (const auto& [k, t] : m_impl->stateDict())
            n += t.numel();
        return n;
    } catch (const std::exception&) {
        return -1;
    }
}

int64_t ManetModel::stateEntryCount() const
{
    try {
        return static_cast<int64_t>(m_impl->stateDict().size());
    } catch (const std::exception&) {
        return -1;
    }
}

std::vector<std::string> ManetModel::stateKeys() const
{
    std::vector<std::string> keys;
    try {
        for (const auto& [k, t] : m_impl->stateDict())
            keys.push_back(k);
    } catch (const std::exception&) {
        keys.clear();
    }
    return keys;
}

Status ManetModel::Impl::loadFile(const detail::CheckpointFile& file, const CheckpointInfo& info, const std::string& path)
{
    if (file.format == "torchvision")
        return Status::failure(path + ": an ImageNet ResNet state_dict, not a MANet checkpoint (load it as backbone init)");
    if (Status loaded = loadEntries(file.entries, path, false); !loaded)
        return loaded;
    metadataJson = file.format == "mastudio" ? info.metadataJson : "{}";
    return Status::success();
}

Status ManetModel::loadCheckpoint(const std::string& path)
{
    return guardedStatus(path, [&]() -> Status {
        Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
        if (!file)
            return file.status();
        Result<CheckpointInfo> info = detail::describeCheckpoint(file.value(), path);
        if (!info)
            return info.status();
        return m_impl->loadFile(file.value(), info.value(), path);
    });
}

Status ManetModel::loadImagenetBackbone(const std::string& path)
{
    return guardedStatus(path, [&]() -> Status {
        Result<detail::CheckpointFile> file = detail::readCheckpointFile(path);
        if (!file)
            return file.status();
        // torchvision names -> official names.
        NamedTensors mapped;
        for (const auto& [key, t] : file->entries) {
            const std::string name = detail::officialBackboneName(key);
            if (!name.empty())
                mapped.emplace_back("backbone." + name, t);
        }
        // The SE and unused action_p2 layers are not in an ImageNet ResNet: they keep their init.
        const NamedTensors own = m_impl->stateDict();
        for (const auto& [key, t] : own)
            if (key.find(".action_p2_") != std::string::npos && !find(mapped, key))
                mapped.emplace_back(key, t.detach().clone());
        return m_impl->loadEntries(mapped, path, true);
    });
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
    return guardedStatus(path, [&] { return detail::writeCheckpointFile(path, m_impl->stateDict(), meta); });
}

std::string ManetModel::metadataJson() const { return m_impl->metadataJson; }

bool ManetModel::cudaAvailable()
{
    try {
        return torch::cuda::is_available();
    } catch (const std::exception&) {
        return false;
    }
}

Device ManetModel::resolveDevice(Device device)
{
    return device == Device::Cuda || (device == Device::Auto && cudaAvailable()) ? Device::Cuda : Device::Cpu;
}

Status ManetModel::setDevice(Device device)
{
    const bool cuda = resolveDevice(device) == Device::Cuda;
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
    const size_t perClip = static_cast<size_t>(std::max<int64_t>(1, featureDim() * m_impl->config.segments));
    if (features.featureDim != featureDim() || features.segments != m_impl->config.segments || features.batch <= 0 ||
        features.values.size() % perClip != 0 || static_cast<int64_t>(features.values.size() / perClip) != features.batch)
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
    m_impl->invalidateFolding();
    try {
        torch::NoGradGuard noGrad;
        const auto format = on ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
        for (auto& p : m_impl->net->parameters())
            if (p.dim() == 4)
                p.set_data(p.contiguous(format));
        m_impl->channelsLast = on;
    } catch (const std::exception&) {
        // Out of memory while converting: inputs keep the layout the weights have (either works, at another speed).
        m_impl->channelsLast = false;
    }
}

void ManetModel::setFoldBatchNorm(bool on)
{
    m_impl->foldBatchNorm = on;
    m_impl->invalidateFolding();
}

ManetModel::WeightsSnapshot ManetModel::snapshotWeights() const
{
    try {
        torch::NoGradGuard noGrad;
        auto copy = std::make_shared<NamedTensors>();
        for (const auto& [name, tensor] : m_impl->stateDict())
            copy->emplace_back(name, tensor.detach().clone());
        return {std::shared_ptr<const void>(copy, copy.get())};
    } catch (const std::exception&) {
        return {}; // empty: restoreWeights says there is nothing to restore
    }
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
    try {
        torch::manual_seed(seed);
        at::globalContext().setDeterministicAlgorithms(on, /*warn_only=*/true);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
        // 2.1+ would also fill every torch::empty with NaN in deterministic mode: our kernels write every element.
        at::globalContext().setDeterministicFillUninitializedMemory(false);
#endif
        at::globalContext().setDeterministicCuDNN(on);
        at::globalContext().setBenchmarkCuDNN(!on);
    } catch (const std::exception&) {
    }
}

void ManetModel::setThreads(int threads)
{
    threadsChosen.store(true);
    try {
        const unsigned hw = std::thread::hardware_concurrency();
        torch::set_num_threads(threads > 0 ? threads : static_cast<int>(hw > 0 ? hw : 1));
    } catch (const std::exception&) {
    }
}

void ManetModel::setWinogradConvolutions(bool on)
{
    for (const auto& module : m_impl->net->modules(/*include_self=*/false))
        if (auto* conv = dynamic_cast<detail::ConvModuleImpl*>(module.get())) {
            conv->useWinograd = on;
            conv->dnnl.reset();
            conv->dnnlUnavailable = false;
        }
}

int ManetModel::threads()
{
    return torch::get_num_threads();
}

namespace {

Result<CheckpointInfo> describeCheckpointFile(const std::string& path, detail::CheckpointRead read)
{
    return guarded<CheckpointInfo>(path, [&]() -> Result<CheckpointInfo> {
        Result<detail::CheckpointFile> file = detail::readCheckpointFile(path, read);
        if (!file)
            return file.status();
        return detail::describeCheckpoint(file.value(), path);
    });
}

} // namespace

Result<CheckpointInfo> inspectCheckpoint(const std::string& path)
{
    return describeCheckpointFile(path, detail::CheckpointRead::Values);
}

Result<CheckpointInfo> inspectCheckpointShapes(const std::string& path)
{
    return describeCheckpointFile(path, detail::CheckpointRead::ShapesOnly);
}

} // namespace mas::model
