#include "detail/WinogradConv.h"

#ifdef MAS_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace mas::model::detail {

#ifdef MAS_HAVE_ONEDNN

namespace {

using Tag = dnnl::memory::format_tag;
using Type = dnnl::memory::data_type;

const dnnl::engine& cpuEngine()
{
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

// oneDNN memory over a tensor's bytes (the tensor keeps them alive for the call).
dnnl::memory over(const dnnl::memory::desc& desc, const torch::Tensor& t)
{
    return dnnl::memory(desc, cpuEngine(), t.data_ptr());
}

torch::Tensor bytesFor(const dnnl::memory::desc& desc)
{
    return torch::empty({int64_t(desc.get_size() / sizeof(float)) + 1}, torch::kFloat32);
}

} // namespace

struct WinogradConv::Primitives {
    dnnl::convolution_forward conv;
    dnnl::memory::desc src, dst, userSrc, userDst, weightsDesc, biasDesc;
    dnnl::reorder toBlocked, toChannelsLast;
    torch::Tensor weights, bias; // in the kernel's layout
};

std::unique_ptr<WinogradConv> WinogradConv::create(const torch::Tensor& weight, const torch::Tensor& bias, bool relu,
                                                   c10::IntArrayRef inputSize)
{
    if (weight.scalar_type() != torch::kFloat32 || !weight.device().is_cpu() || weight.dim() != 4 || weight.size(2) != 3 ||
        weight.size(3) != 3 || inputSize.size() != 4 || weight.size(1) != inputSize[1])
        return nullptr;
    try {
        const dnnl::memory::dims src{inputSize[0], inputSize[1], inputSize[2], inputSize[3]};
        const dnnl::memory::dims dst{inputSize[0], weight.size(0), inputSize[2], inputSize[3]};
        const dnnl::memory::dims weights{weight.size(0), weight.size(1), 3, 3}, biases{weight.size(0)};
        dnnl::post_ops ops;
        if (relu)
            ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        dnnl::primitive_attr attributes;
        attributes.set_post_ops(ops);
        const dnnl::convolution_forward::desc desc(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, {src, Type::f32, Tag::any},
            {weights, Type::f32, Tag::any}, {biases, Type::f32, Tag::x}, {dst, Type::f32, Tag::any}, {1, 1}, {1, 1}, {1, 1});
        const dnnl::convolution_forward::primitive_desc pd(desc, attributes, cpuEngine()); // throws: no Winograd here

        auto p = std::make_unique<Primitives>();
        p->conv = dnnl::convolution_forward(pd);
        p->src = pd.src_desc();
        p->dst = pd.dst_desc();
        p->userSrc = {src, Type::f32, Tag::nhwc};
        p->userDst = {dst, Type::f32, Tag::nhwc};
        p->toBlocked = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), p->userSrc, cpuEngine(), p->src));
        p->toChannelsLast = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), p->dst, cpuEngine(), p->userDst));
        // The weights into the kernel's layout, once.
        const torch::Tensor plainWeight = weight.contiguous();
        p->weightsDesc = pd.weights_desc();
        p->biasDesc = {biases, Type::f32, Tag::x};
        p->weights = bytesFor(p->weightsDesc);
        p->bias = bias.to(torch::kFloat32).contiguous();
        dnnl::stream stream(cpuEngine());
        dnnl::memory from = over({weights, Type::f32, Tag::oihw}, plainWeight), to = over(p->weightsDesc, p->weights);
        dnnl::reorder(from, to).execute(stream, from, to);
        stream.wait();

        std::unique_ptr<WinogradConv> conv(new WinogradConv);
        conv->m_primitives = std::move(p);
        conv->m_inputSize = inputSize.vec();
        conv->m_outputChannels = weight.size(0);
        return conv;
    } catch (const std::exception&) {
        return nullptr; // no Winograd kernel for this CPU or shape
    }
}

torch::Tensor WinogradConv::run(const torch::Tensor& x) const
{
    const Primitives& p = *m_primitives;
    auto out = torch::empty({m_inputSize[0], m_outputChannels, m_inputSize[2], m_inputSize[3]},
                            x.options().memory_format(torch::MemoryFormat::ChannelsLast));
    const torch::Tensor blockedIn = bytesFor(p.src), blockedOut = bytesFor(p.dst);
    dnnl::stream stream(cpuEngine());
    dnnl::memory userSrc = over(p.userSrc, x), src = over(p.src, blockedIn), dst = over(p.dst, blockedOut),
                 userDst = over(p.userDst, out), weights = over(p.weightsDesc, p.weights), bias = over(p.biasDesc, p.bias);
    p.toBlocked.execute(stream, userSrc, src);
    p.conv.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
    p.toChannelsLast.execute(stream, dst, userDst);
    stream.wait();
    return out;
}

#else

struct WinogradConv::Primitives {};

std::unique_ptr<WinogradConv> WinogradConv::create(const torch::Tensor&, const torch::Tensor&, bool, c10::IntArrayRef)
{
    return nullptr;
}

torch::Tensor WinogradConv::run(const torch::Tensor& x) const { return x; }

#endif

WinogradConv::~WinogradConv() = default;

} // namespace mas::model::detail
