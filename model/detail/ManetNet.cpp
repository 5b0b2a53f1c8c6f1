#include "detail/ManetNet.h"

#include "detail/InferenceKernels.h"

namespace mas::model::detail {

namespace nn = torch::nn;

torch::Tensor temporalShift(const torch::Tensor& x, int64_t segments, int64_t shiftDiv)
{
    const int64_t nt = x.size(0), c = x.size(1);
    const int64_t n = nt / segments, fold = c / shiftDiv;
    const auto x5 = x.view({n, segments, c, x.size(2), x.size(3)});
    auto out = torch::zeros_like(x5);
    using torch::indexing::Slice;
    // [0, fold): frame t takes t+1 (last gets zeros); [fold, 2 fold): t takes t-1 (first gets zeros).
    out.index({Slice(), Slice(0, segments - 1), Slice(0, fold)}).copy_(x5.index({Slice(), Slice(1, segments), Slice(0, fold)}));
    out.index({Slice(), Slice(1, segments), Slice(fold, 2 * fold)})
        .copy_(x5.index({Slice(), Slice(0, segments - 1), Slice(fold, 2 * fold)}));
    out.index({Slice(), Slice(), Slice(2 * fold)}).copy_(x5.index({Slice(), Slice(), Slice(2 * fold)}));
    return out.view_as(x);
}

PlainConvImpl::PlainConvImpl(int dims_, int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_)
    : dims(dims_), stride(stride_), padding(padding_)
{
    std::vector<int64_t> shape{out, in};
    shape.insert(shape.end(), size_t(dims), kernel);
    weight = register_parameter("weight", torch::zeros(shape));
}

torch::Tensor PlainConvImpl::forward(const torch::Tensor& x)
{
    return dims == 1 ? torch::conv1d(x, weight, {}, stride, padding) : torch::conv2d(x, weight, {}, stride, padding);
}

ShiftWrapperImpl::ShiftWrapperImpl(PlainConv net_, int64_t c, int64_t segments_) : segments(segments_)
{
    net = register_module("net", net_);
    fcce = register_module("fcce", nn::Sequential(nn::Linear(nn::LinearOptions(c, c / 4).bias(false)), nn::ReLU(),
                                                  nn::Linear(nn::LinearOptions(c / 4, c).bias(false)), nn::Sigmoid()));
    // Present in every official checkpoint, never used by the forward pass.
    actionP2Squeeze = register_module("action_p2_squeeze", PlainConv(2, c, c / 4, 1));
    actionP2Conv1 = register_module("action_p2_conv1", PlainConv(1, c / 4, c / 4, 3, 1, 1));
    actionP2Expand = register_module("action_p2_expand", PlainConv(2, c / 4, c, 1));
}

torch::Tensor ShiftWrapperImpl::forward(torch::Tensor x)
{
    const auto y = fcce->forward(x.mean({2, 3}));
    x = x * y.view({y.size(0), y.size(1), 1, 1});
    return net->forward(temporalShift(x, segments));
}

ConvModuleImpl::ConvModuleImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_, bool relu_,
                               bool shift, int64_t segments)
    : relu(relu_), stride(stride_), padding(padding_)
{
    const PlainConv plain(2, in, out, kernel, stride, padding);
    if (shift)
        shifted = register_module("conv", ShiftWrapper(plain, in, segments));
    else
        conv = register_module("conv", plain);
    bn = register_module("bn", nn::BatchNorm2d(out));
}

void ConvModuleImpl::setFolded(bool on, torch::ScalarType type)
{
    folded = on;
    foldedWeight = foldedBias = torch::Tensor();
    packed.reset();
    dnnl.reset();
    dnnlUnavailable = false;
    if (!on)
        return;
    torch::NoGradGuard noGrad;
    const auto& weight = shifted ? shifted->net->weight : conv->weight;
    const auto scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
    foldedWeight = (weight * scale.view({-1, 1, 1, 1})).contiguous(weight.suggest_memory_format());
    foldedBias = bn->bias - bn->running_mean * scale;
    foldedWeight = foldedWeight.to(type);
    foldedBias = foldedBias.to(type);
}

torch::Tensor ConvModuleImpl::forward(torch::Tensor x)
{
    if (folded && !is_training()) {
        if (shifted) {
            const auto y = shifted->fcce->forward(x.mean({2, 3}));
            x = temporalShift(x * y.view({y.size(0), y.size(1), 1, 1}), shifted->segments);
        }
        x = torch::conv2d(x, foldedWeight, foldedBias, stride, padding);
    } else {
        x = bn->forward(shifted ? shifted->forward(x) : conv->forward(x));
    }
    return relu ? torch::relu_(x) : x;
}

const DnnlConv* ConvModuleImpl::dnnlKernel(const torch::Tensor& x, bool addResidual)
{
    if (dnnlUnavailable || x.scalar_type() != foldedWeight.scalar_type() || !x.is_contiguous(torch::MemoryFormat::ChannelsLast))
        return nullptr;
    if (dnnl && dnnl->inputSize() == x.sizes() && dnnl->options().addResidual == addResidual)
        return dnnl.get();
    DnnlConv::Options options;
    options.stride = stride;
    options.padding = padding;
    options.relu = relu;
    options.addResidual = addResidual;
    // Winograd where it applies (DnnlConv::create checks the kernel size, stride and type), else direct.
    dnnl.reset();
    if (useWinograd && padding == 1) {
        options.algorithm = DnnlConv::Algorithm::Winograd;
        dnnl = DnnlConv::create(foldedWeight, foldedBias, options, x.sizes());
    }
    if (!dnnl) {
        options.algorithm = DnnlConv::Algorithm::Direct;
        dnnl = DnnlConv::create(foldedWeight, foldedBias, options, x.sizes());
    }
    dnnlUnavailable = !dnnl;
    return dnnl.get();
}

torch::Tensor ConvModuleImpl::forwardFused(torch::Tensor x, const torch::Tensor& inputMeans)
{
    if (shifted) {
        const auto y = shifted->fcce->forward(inputMeans.defined() ? inputMeans : x.mean({2, 3}, false, torch::kFloat32));
        x = scaleAndShift(x, y, shifted->segments, 8);
    }
    if (const DnnlConv* kernel = dnnlKernel(x, false))
        return kernel->run(x);
    if (!packingUnavailable && (!packed || packed->inputSize() != x.sizes())) {
        packed = PackedConv::pack(foldedWeight, foldedBias, stride, padding, relu, x.sizes());
        packingUnavailable = !packed;
    }
    if (packed)
        return packed->run(x);
    x = torch::conv2d(x, foldedWeight, foldedBias, stride, padding);
    return relu ? torch::relu_(x) : x;
}

std::optional<torch::Tensor> ConvModuleImpl::forwardFusedAddingInto(const torch::Tensor& x, torch::Tensor residual)
{
    const DnnlConv* kernel = shifted ? nullptr : dnnlKernel(x, true);
    if (!kernel || residual.scalar_type() != x.scalar_type() || !residual.is_contiguous(torch::MemoryFormat::ChannelsLast) ||
        residual.sizes() != c10::IntArrayRef(kernel->outputSize()))
        return std::nullopt;
    return kernel->run(x, std::move(residual));
}

BlockImpl::BlockImpl(bool bottleneck, int64_t in, int64_t planes, int64_t stride, bool downsample, int64_t segments)
{
    if (bottleneck) {
        conv1 = register_module("conv1", ConvModule(in, planes, 1, 1, 0, true, true, segments));
        conv2 = register_module("conv2", ConvModule(planes, planes, 3, stride, 1, true, false, segments));
        conv3 = register_module("conv3", ConvModule(planes, planes * 4, 1, 1, 0, false, false, segments));
    } else {
        conv1 = register_module("conv1", ConvModule(in, planes, 3, stride, 1, true, true, segments));
        conv2 = register_module("conv2", ConvModule(planes, planes, 3, 1, 1, false, false, segments));
    }
    const int64_t out = bottleneck ? planes * 4 : planes;
    if (downsample)
        dsConv = register_module("downsample", ConvModule(in, out, 1, stride, 0, false, false, segments));
}

torch::Tensor BlockImpl::forward(torch::Tensor x)
{
    auto out = conv2->forward(conv1->forward(x));
    if (conv3)
        out = conv3->forward(out);
    out += dsConv ? dsConv->forward(x) : x;
    return torch::relu_(out);
}

std::pair<torch::Tensor, torch::Tensor> BlockImpl::forwardFused(torch::Tensor x, const torch::Tensor& inputMeans)
{
    auto out = conv2->forwardFused(conv1->forwardFused(x, inputMeans), {});
    torch::Tensor identity = dsConv ? dsConv->forwardFused(x, {}) : std::move(x);
    if (conv3) {
        // Bottleneck: the last 1x1 convolution adds the shortcut and applies the ReLU itself, over the shortcut's memory.
        if (std::optional<torch::Tensor> summed = conv3->forwardFusedAddingInto(out, identity)) {
            auto means = channelMeans(*summed);
            return {std::move(*summed), means};
        }
        out = conv3->forwardFused(out, {});
    }
    auto means = addReluWithChannelMeans(out, identity);
    return {out, means};
}

BackboneImpl::BackboneImpl(int depth, int64_t segments)
{
    const bool bottleneck = depth >= 50;
    const std::vector<int> blocks = depth == 18 ? std::vector<int>{2, 2, 2, 2} : std::vector<int>{3, 4, 6, 3};
    const int64_t expansion = bottleneck ? 4 : 1;
    conv1 = register_module("conv1", ConvModule(3, 64, 7, 2, 3, true, false, segments));
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
        const int64_t planes = 64 << stage;
        layers[stage] = nn::Sequential();
        for (int b = 0; b < blocks[stage]; ++b) {
            const int64_t stride = (b == 0 && stage > 0) ? 2 : 1;
            const bool downsample = b == 0 && (stride != 1 || in != planes * expansion);
            layers[stage]->push_back(Block(bottleneck, in, planes, stride, downsample, segments));
            in = planes * expansion;
        }
        register_module("layer" + std::to_string(stage + 1), layers[stage]);
    }
    featureDim = in;
}

torch::Tensor BackboneImpl::forward(torch::Tensor x)
{
    x = torch::max_pool2d(conv1->forward(x), 3, 2, 1);
    for (auto& layer : layers)
        x = layer->forward(x);
    return x;
}

torch::Tensor BackboneImpl::pooledFused(torch::Tensor x)
{
    x = torch::max_pool2d(conv1->forwardFused(x, {}), 3, 2, 1);
    torch::Tensor means;
    for (auto& layer : layers)
        for (size_t i = 0; i < layer->size(); ++i)
            std::tie(x, means) = layer->ptr(i)->as<BlockImpl>()->forwardFused(std::move(x), means);
    return means;
}

HeadImpl::HeadImpl(int64_t featureDim, int64_t numClasses, int64_t embeddingDim, double p)
{
    dropout = register_module("dropout", nn::Dropout(p));
    fcCls = register_module("fc_cls", nn::Linear(featureDim, numClasses));
    fcEmb = register_module("fc_emb", nn::Linear(featureDim, embeddingDim));
    fcEmbT = register_module("fc_emb_t", nn::Linear(embeddingDim, embeddingDim));
}

std::pair<torch::Tensor, torch::Tensor> HeadImpl::forward(torch::Tensor features, int64_t segments)
{
    const auto x = dropout->forward(features);
    const int64_t n = x.size(0) / segments;
    auto logits = fcCls->forward(x).view({n, segments, -1}).mean(1);
    auto embeddings = fcEmbT->forward(torch::tanh(fcEmb->forward(x))).view({n, segments, -1}).mean(1);
    return {logits, embeddings};
}

ManetNetImpl::ManetNetImpl(const ManetConfig& config_, bool randomInit) : config(config_)
{
    backbone = register_module("backbone", Backbone(config.depth, config.segments));
    clsHead = register_module("cls_head", Head(backbone->featureDim, config.numClasses, config.embeddingDim, config.dropout));
    if (randomInit)
        initWeights();
}

void ManetNetImpl::initWeights()
{
    torch::NoGradGuard noGrad;
    for (auto& m : modules(/*include_self=*/false)) {
        if (auto* c = m->as<PlainConv>())
            nn::init::kaiming_normal_(c->weight, 0, torch::kFanOut, torch::kReLU);
        else if (auto* b = m->as<nn::BatchNorm2d>()) {
            nn::init::ones_(b->weight);
            nn::init::zeros_(b->bias);
        }
    }
    for (auto* fc : {clsHead->fcCls.get(), clsHead->fcEmb.get(), clsHead->fcEmbT.get()}) {
        nn::init::normal_(fc->weight, 0, 0.001);
        nn::init::zeros_(fc->bias);
    }
}

torch::Tensor ManetNetImpl::features(torch::Tensor x)
{
    if (fused && !is_training() && !torch::GradMode::is_enabled() && backbone->conv1->folded && fusableActivation(x))
        return backbone->pooledFused(
            x.to(bfloat16 ? torch::kBFloat16 : torch::kFloat32).contiguous(torch::MemoryFormat::ChannelsLast));
    return backbone->forward(x).mean({2, 3});
}

std::pair<torch::Tensor, torch::Tensor> ManetNetImpl::forward(torch::Tensor x)
{
    return clsHead->forward(features(x), config.segments);
}

void ManetNetImpl::setFolded(bool on, torch::ScalarType type)
{
    for (auto& m : modules(false))
        if (auto* cm = m->as<ConvModuleImpl>())
            cm->setFolded(on, type);
}

} // namespace mas::model::detail
