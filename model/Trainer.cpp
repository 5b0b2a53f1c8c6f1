#include "Trainer.h"

#include "detail/ModelImpl.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <cmath>
#include <map>
#include <random>

namespace mas::model {

namespace {

// CUDA autocast on or off for this thread (the call naming the device came with 2.4, and the older one, meaning
// CUDA, warns there on every call). Off also drops the cast cache, as leaving torch.autocast does.
void setCudaAutocast(bool on)
{
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, on);
#else
    at::autocast::set_enabled(on);
#endif
    if (!on)
        at::autocast::clear_cache();
}

namespace F = torch::nn::functional;

double scheduledLr(const TrainerOptions& o, double epoch)
{
    switch (o.schedule) {
    case LrSchedule::Constant:
        return o.baseLr;
    case LrSchedule::Step: {
        double lr = o.baseLr;
        for (double e : o.stepEpochs)
            if (epoch >= e)
                lr *= o.stepGamma;
        return lr;
    }
    case LrSchedule::Cosine:
        return o.baseLr * 0.5 * (1.0 + std::cos(M_PI * std::clamp(epoch / std::max(o.totalEpochs, 1e-9), 0.0, 1.0)));
    }
    return o.baseLr;
}

// One optimiser group: parameters sharing an lr factor and weight decay.
struct Group {
    std::vector<torch::Tensor> params;
    double lrFactor;
    double weightDecay;
};

// What both trainers share: the optimiser with its TSM-style groups, the loss, the schedule.
struct Core {
    TrainerOptions options;
    torch::Tensor labelEmbeddings; // [K, D] on the device
    torch::Tensor classWeights;    // [K] or undefined
    std::unique_ptr<torch::optim::SGD> optimizer;
    std::vector<double> lrFactors;
    double epoch = 0;
    double lossScale = 65536.0;    // dynamic loss scaling for CUDA autocast
    int goodSteps = 0;

    Status setUp(const std::vector<Group>& groups, const LabelEmbeddings& embeddings, const torch::Device& device,
                 int64_t numClasses, int64_t embeddingDim)
    {
        if (embeddings.classes != numClasses || embeddings.dim != embeddingDim)
            return Status::failure("label embeddings [" + std::to_string(embeddings.classes) + "," + std::to_string(embeddings.dim) +
                                   "] from " + embeddings.source + " do not match the model's [" + std::to_string(numClasses) +
                                   "," + std::to_string(embeddingDim) + "]");
        if (embeddings.values.size() != static_cast<size_t>(numClasses) * static_cast<size_t>(embeddingDim))
            return Status::failure("label embeddings from " + embeddings.source + " hold " + std::to_string(embeddings.values.size()) +
                                   " values, not classes x dim");
        if (!options.classWeights.empty() && static_cast<int64_t>(options.classWeights.size()) != numClasses)
            return Status::failure("class weights: " + std::to_string(options.classWeights.size()) + " given, " +
                                   std::to_string(numClasses) + " classes");
        labelEmbeddings = torch::from_blob(const_cast<float*>(embeddings.values.data()), {numClasses, embeddingDim}, torch::kFloat32)
                              .to(device, false, true);
        if (!options.classWeights.empty())
            classWeights = torch::from_blob(options.classWeights.data(), {numClasses}, torch::kFloat32).to(device, false, true);
        std::vector<torch::optim::OptimizerParamGroup> paramGroups;
        for (const Group& g : groups) {
            if (g.params.empty())
                continue;
            auto opts = std::make_unique<torch::optim::SGDOptions>(options.baseLr * g.lrFactor);
            opts->momentum(options.momentum).weight_decay(g.weightDecay);
            paramGroups.emplace_back(g.params, std::move(opts));
            lrFactors.push_back(g.lrFactor);
        }
        if (paramGroups.empty())
            return Status::failure("nothing to train: every parameter is frozen");
        optimizer = std::make_unique<torch::optim::SGD>(paramGroups, torch::optim::SGDOptions(options.baseLr).momentum(options.momentum));
        applyLr();
        return Status::success();
    }

    void applyLr()
    {
        const double lr = scheduledLr(options, epoch);
        auto& groups = optimizer->param_groups();
        for (size_t i = 0; i < groups.size(); ++i)
            static_cast<torch::optim::SGDOptions&>(groups[i].options()).lr(lr * lrFactors[i]);
    }

    // loss, class loss, embedding loss
    std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> loss(const torch::Tensor& logits, const torch::Tensor& embeddings,
                                                                 const torch::Tensor& labels) const
    {
        auto ceOptions = F::CrossEntropyFuncOptions();
        if (classWeights.defined())
            ceOptions.weight(classWeights);
        auto cls = F::cross_entropy(logits.to(torch::kFloat32), labels, ceOptions);
        auto emb = F::mse_loss(embeddings.to(torch::kFloat32), labelEmbeddings.index_select(0, labels));
        return {cls + options.embeddingLossWeight * emb, cls, emb};
    }

    // backward (scaled under autocast), clip, step. Returns the raw gradient norm (NaN when the step was skipped).
    double backwardAndStep(torch::Tensor loss, bool scaled, const std::function<void()>& keepGradients)
    {
        optimizer->zero_grad();
        (scaled ? loss * lossScale : loss).backward();
        std::vector<torch::Tensor> params;
        for (auto& g : optimizer->param_groups())
            for (auto& p : g.params())
                if (p.grad().defined())
                    params.push_back(p);
        if (scaled) {
            torch::NoGradGuard noGrad;
            for (auto& p : params)
                p.mutable_grad().div_(lossScale);
        }
        if (keepGradients)
            keepGradients();
        double norm = 0;
        {
            torch::NoGradGuard noGrad;
            for (auto& p : params)
                norm += p.grad().to(torch::kFloat64).pow(2).sum().item<double>();
            norm = std::sqrt(norm);
        }
        if (!std::isfinite(norm)) {
            if (scaled) {
                lossScale /= 2; // overflow under fp16: skip this step, as a grad scaler does
                goodSteps = 0;
            }
            return std::nan("");
        }
        if (options.clipGradNorm > 0)
            torch::nn::utils::clip_grad_norm_(params, options.clipGradNorm);
        optimizer->step();
        if (scaled && ++goodSteps >= 2000) {
            lossScale *= 2;
            goodSteps = 0;
        }
        return norm;
    }
};

torch::Tensor labelTensor(const std::vector<int>& labels, int64_t numClasses, const torch::Device& device, std::string& error)
{
    for (int l : labels)
        if (l < 0 || l >= numClasses) {
            error = "label " + std::to_string(l) + " is outside 0.." + std::to_string(numClasses - 1);
            return {};
        }
    std::vector<int64_t> values(labels.begin(), labels.end());
    return torch::tensor(values, torch::kInt64).to(device);
}

double accuracy(const torch::Tensor& logits, const torch::Tensor& labels)
{
    return logits.argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
}

template <typename F>
Result<StepResult> guardedStep(F&& body)
{
    try {
        return body();
    } catch (const c10::Error& e) {
        return Result<StepResult>::failure(std::string("training step: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Result<StepResult>::failure(std::string("training step: ") + e.what());
    }
}

} // namespace

// ---- Trainer ----

struct Trainer::Impl {
    ManetModel& model;
    Core core;
    LabelEmbeddings embeddings;
    Status setUpStatus;
    std::vector<torch::nn::Module*> frozenModules;
    std::map<std::string, torch::Tensor> lastGradients;
    Impl(ManetModel& m) : model(m) {}

    detail::ManetNet& net() { return model.impl().net; }

    void setTrainMode(int64_t clips)
    {
        net()->train();
        for (auto* m : frozenModules)
            m->eval();
        if (clips < core.options.bnEvalBelowBatch)
            for (auto& m : net()->modules(false))
                if (auto* bn = m->as<torch::nn::BatchNorm2d>())
                    bn->eval();
    }
};

Trainer::Trainer(ManetModel& model, TrainerOptions options, LabelEmbeddings labelEmbeddings) : m_impl(std::make_unique<Impl>(model))
{
    try {
        setUp(std::move(options), std::move(labelEmbeddings));
    } catch (const c10::Error& e) {
        m_impl->setUpStatus = Status::failure(std::string("setting up training: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        m_impl->setUpStatus = Status::failure(std::string("setting up training: ") + e.what());
    }
}

void Trainer::setUp(TrainerOptions options, LabelEmbeddings labelEmbeddings)
{
    auto& model = m_impl->model;
    m_impl->core.options = std::move(options);
    m_impl->embeddings = std::move(labelEmbeddings);
    auto& net = m_impl->net();
    const int frozen = m_impl->core.options.frozenStages;
    // Stage 0 is the stem (conv1), stages 1-4 the residual layers.
    std::vector<torch::nn::Module*> stages{net->backbone->conv1.get()};
    for (auto& layer : net->backbone->layers)
        stages.push_back(layer.get());
    for (int s = 0; s < frozen && s < static_cast<int>(stages.size()); ++s) {
        m_impl->frozenModules.push_back(stages[s]);
        for (auto& p : stages[s]->parameters())
            p.set_requires_grad(false);
    }
    Group weights{{}, 1.0, m_impl->core.options.weightDecay}, norms{{}, 1.0, 0.0};
    Group headWeights{{}, m_impl->core.options.finalLayerLrFactor, m_impl->core.options.weightDecay};
    Group headBiases{{}, m_impl->core.options.finalBiasLrFactor, 0.0};
    for (const auto& item : net->named_parameters()) {
        const std::string& name = item.key();
        const torch::Tensor& p = item.value();
        if (!p.requires_grad())
            continue;
        if (name.rfind("cls_head.", 0) == 0)
            (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0 ? headBiases : headWeights).params.push_back(p);
        else if (name.find(".bn.") != std::string::npos)
            norms.params.push_back(p);
        else if (name.find(".action_p2_") == std::string::npos) // unused by the forward pass: no gradient, no decay
            weights.params.push_back(p);
    }
    const auto& cfg = model.config();
    m_impl->setUpStatus = m_impl->core.setUp({weights, norms, headWeights, headBiases}, m_impl->embeddings,
                                             model.impl().device, cfg.numClasses, cfg.embeddingDim);
}

Trainer::~Trainer() = default;

void Trainer::setEpoch(double epoch)
{
    m_impl->core.epoch = epoch;
    if (m_impl->core.optimizer)
        m_impl->core.applyLr(); // plain arithmetic on the option structs: nothing that throws
}

double Trainer::learningRateAt(double epoch) const { return scheduledLr(m_impl->core.options, epoch); }

Result<StepResult> Trainer::step(const FrameBatch& frames, const std::vector<int>& labels)
{
    if (!m_impl->setUpStatus)
        return m_impl->setUpStatus;
    auto& impl = m_impl->model.impl();
    return guardedStep([&]() -> Result<StepResult> {
        Result<torch::Tensor> x = impl.input(frames);
        if (!x)
            return x.status();
        const int64_t clips = frames.frames / impl.config.segments;
        if (static_cast<int64_t>(labels.size()) != clips)
            return Result<StepResult>::failure(std::to_string(labels.size()) + " labels for " + std::to_string(clips) + " clips");
        std::string error;
        const auto target = labelTensor(labels, impl.config.numClasses, impl.device, error);
        if (!error.empty())
            return Result<StepResult>::failure(error);
        c10::InferenceMode off(false); // the worker may call from inside an inference scope
        torch::AutoGradMode grad(true);
        impl.net->setFolded(false);
        impl.invalidateFolding();
        m_impl->setTrainMode(clips);
        const bool amp = impl.device.is_cuda() && m_impl->core.options.mixedPrecision;
        if (amp)
            setCudaAutocast(true);
        torch::Tensor logits, embeddings;
        try {
            std::tie(logits, embeddings) = impl.net->forward(x.value().clone());
        } catch (...) {
            if (amp)
                setCudaAutocast(false);
            throw;
        }
        if (amp)
            setCudaAutocast(false);
        auto [loss, cls, emb] = m_impl->core.loss(logits, embeddings, target);
        StepResult r;
        r.loss = loss.item<double>();
        r.classLoss = cls.item<double>();
        r.embeddingLoss = emb.item<double>();
        r.accuracy = accuracy(logits.detach(), target);
        r.learningRate = scheduledLr(m_impl->core.options, m_impl->core.epoch);
        std::function<void()> keep;
        if (m_impl->core.options.keepGradients)
            keep = [&] {
                m_impl->lastGradients.clear();
                for (const auto& item : impl.net->named_parameters())
                    if (item.value().grad().defined())
                        m_impl->lastGradients[item.key()] = item.value().grad().detach().to(torch::kCPU).clone();
            };
        r.gradNorm = m_impl->core.backwardAndStep(loss, amp, keep);
        return r;
    });
}

Result<StepResult> Trainer::evaluate(const FrameBatch& frames, const std::vector<int>& labels)
{
    if (!m_impl->setUpStatus)
        return m_impl->setUpStatus;
    auto& impl = m_impl->model.impl();
    return guardedStep([&]() -> Result<StepResult> {
        Result<torch::Tensor> x = impl.input(frames);
        if (!x)
            return x.status();
        if (static_cast<int64_t>(labels.size()) * impl.config.segments != frames.frames)
            return Result<StepResult>::failure("one label per clip expected");
        std::string error;
        const auto target = labelTensor(labels, impl.config.numClasses, impl.device, error);
        if (!error.empty())
            return Result<StepResult>::failure(error);
        torch::NoGradGuard noGrad;
        impl.prepareInference();
        auto [logits, embeddings] = impl.net->forward(x.value());
        auto [loss, cls, emb] = m_impl->core.loss(logits, embeddings, target);
        StepResult r;
        r.loss = loss.item<double>();
        r.classLoss = cls.item<double>();
        r.embeddingLoss = emb.item<double>();
        r.accuracy = accuracy(logits, target);
        r.learningRate = scheduledLr(m_impl->core.options, m_impl->core.epoch);
        return r;
    });
}

std::vector<float> Trainer::lastGradient(const std::string& name) const
{
    auto it = m_impl->lastGradients.find(name);
    if (it == m_impl->lastGradients.end())
        return {};
    try {
        auto t = it->second.to(torch::kFloat32).contiguous();
        return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
    } catch (const std::exception&) {
        return {};
    }
}

// ---- HeadTrainer ----

struct HeadTrainer::Impl {
    ManetModel& model;
    Core core;
    LabelEmbeddings embeddings;
    Status setUpStatus;
    std::mt19937_64 rng;
    Impl(ManetModel& m) : model(m) {}
};

HeadTrainer::HeadTrainer(ManetModel& model, TrainerOptions options, LabelEmbeddings labelEmbeddings)
    : m_impl(std::make_unique<Impl>(model))
{
    try {
        setUp(std::move(options), std::move(labelEmbeddings));
    } catch (const c10::Error& e) {
        m_impl->setUpStatus = Status::failure(std::string("setting up head training: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        m_impl->setUpStatus = Status::failure(std::string("setting up head training: ") + e.what());
    }
}

void HeadTrainer::setUp(TrainerOptions options, LabelEmbeddings labelEmbeddings)
{
    auto& model = m_impl->model;
    m_impl->core.options = std::move(options);
    m_impl->embeddings = std::move(labelEmbeddings);
    m_impl->rng.seed(m_impl->core.options.seed);
    auto& head = model.impl().net->clsHead;
    Group weights{{}, m_impl->core.options.finalLayerLrFactor, m_impl->core.options.weightDecay};
    Group biases{{}, m_impl->core.options.finalBiasLrFactor, 0.0};
    for (auto* fc : {head->fcCls.get(), head->fcEmb.get(), head->fcEmbT.get()}) {
        fc->weight.set_requires_grad(true);
        fc->bias.set_requires_grad(true);
        weights.params.push_back(fc->weight);
        biases.params.push_back(fc->bias);
    }
    const auto& cfg = model.config();
    m_impl->setUpStatus = m_impl->core.setUp({weights, biases}, m_impl->embeddings, model.impl().device, cfg.numClasses,
                                             cfg.embeddingDim);
}

HeadTrainer::~HeadTrainer() = default;

void HeadTrainer::setEpoch(double epoch)
{
    m_impl->core.epoch = epoch;
    if (m_impl->core.optimizer)
        m_impl->core.applyLr();
}

Result<StepResult> HeadTrainer::step(const PooledFeatures& features, const std::vector<int>& labels)
{
    if (!m_impl->setUpStatus)
        return m_impl->setUpStatus;
    auto& impl = m_impl->model.impl();
    if (features.featureDim != m_impl->model.featureDim() || features.segments != impl.config.segments ||
        static_cast<int64_t>(features.values.size()) != features.batch * features.segments * features.featureDim ||
        static_cast<int64_t>(labels.size()) != features.batch || features.batch <= 0)
        return Result<StepResult>::failure("features [" + std::to_string(features.batch) + "," + std::to_string(features.segments) +
                                           "," + std::to_string(features.featureDim) + "] with " + std::to_string(labels.size()) +
                                           " labels do not fit this model (" + std::to_string(impl.config.segments) + " segments x " +
                                           std::to_string(m_impl->model.featureDim()) + ")");
    return guardedStep([&]() -> Result<StepResult> {
        std::string error;
        const auto target = labelTensor(labels, impl.config.numClasses, impl.device, error);
        if (!error.empty())
            return Result<StepResult>::failure(error);
        c10::InferenceMode off(false);
        torch::AutoGradMode grad(true);
        auto x = torch::from_blob(const_cast<float*>(features.values.data()),
                                  {features.batch * features.segments, features.featureDim}, torch::kFloat32)
                     .to(impl.device, false, true);
        auto& head = impl.net->clsHead;
        head->train();
        auto [logits, embeddings] = head->forward(x, impl.config.segments);
        auto [loss, cls, emb] = m_impl->core.loss(logits, embeddings, target);
        StepResult r;
        r.loss = loss.item<double>();
        r.classLoss = cls.item<double>();
        r.embeddingLoss = emb.item<double>();
        r.accuracy = accuracy(logits.detach(), target);
        r.learningRate = scheduledLr(m_impl->core.options, m_impl->core.epoch);
        r.gradNorm = m_impl->core.backwardAndStep(loss, false, {});
        head->eval();
        impl.invalidateFolding();
        return r;
    });
}

Result<StepResult> HeadTrainer::fit(const PooledFeatures& features, const std::vector<int>& labels, int epochs, int batchSize,
                                     int firstEpoch)
{
    return guardedStep([&] { return fitEpochs(features, labels, epochs, batchSize, firstEpoch); });
}

Result<StepResult> HeadTrainer::fitEpochs(const PooledFeatures& features, const std::vector<int>& labels, int epochs,
                                          int batchSize, int firstEpoch)
{
    if (batchSize < 1 || epochs < 1 || static_cast<int64_t>(labels.size()) != features.batch)
        return Result<StepResult>::failure("fit needs epochs >= 1, batch size >= 1 and one label per clip");
    const int64_t perClip = features.segments * features.featureDim;
    if (features.segments <= 0 || features.featureDim <= 0 ||
        features.values.size() != static_cast<size_t>(features.batch) * static_cast<size_t>(perClip))
        return Result<StepResult>::failure("features do not hold batch x segments x featureDim values");
    std::vector<int64_t> order(static_cast<size_t>(features.batch));
    std::iota(order.begin(), order.end(), 0);
    StepResult last;
    for (int e = 0; e < epochs; ++e) {
        setEpoch(firstEpoch + e);
        std::shuffle(order.begin(), order.end(), m_impl->rng);
        StepResult sum;
        int steps = 0;
        for (size_t start = 0; start < order.size(); start += static_cast<size_t>(batchSize)) {
            const size_t end = std::min(order.size(), start + static_cast<size_t>(batchSize));
            PooledFeatures batch{static_cast<int64_t>(end - start), features.segments, features.featureDim, {}};
            std::vector<int> batchLabels;
            batch.values.reserve(static_cast<size_t>(batch.batch * perClip));
            for (size_t i = start; i < end; ++i) {
                const float* src = features.values.data() + order[i] * perClip;
                batch.values.insert(batch.values.end(), src, src + perClip);
                batchLabels.push_back(labels[static_cast<size_t>(order[i])]);
            }
            Result<StepResult> r = step(batch, batchLabels);
            if (!r)
                return r;
            sum.loss += r->loss;
            sum.classLoss += r->classLoss;
            sum.embeddingLoss += r->embeddingLoss;
            sum.accuracy += r->accuracy;
            sum.gradNorm = r->gradNorm;
            sum.learningRate = r->learningRate;
            ++steps;
        }
        last = sum;
        last.loss /= steps;
        last.classLoss /= steps;
        last.embeddingLoss /= steps;
        last.accuracy /= steps;
    }
    return last;
}

} // namespace mas::model
