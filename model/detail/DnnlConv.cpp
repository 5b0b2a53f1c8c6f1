#include "detail/DnnlConv.h"

#ifdef MAS_HAVE_ONEDNN
#include <ATen/Parallel.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <string>
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

struct DnnlConv::Primitives {
    dnnl::convolution_forward conv;
    dnnl::memory::desc src, dst, userSrc, userDst, weightsDesc, biasDesc;
    bool reordersAround = false; // Winograd: the kernel's blocked layout differs from channels-last
    dnnl::reorder toKernelLayout, toChannelsLast;
    torch::Tensor weights, bias; // in the kernel's layout
};

std::unique_ptr<DnnlConv> DnnlConv::create(const torch::Tensor& weight, const torch::Tensor& bias, const Options& options,
                                           c10::IntArrayRef inputSize)
{
    const bool winograd = options.algorithm == Algorithm::Winograd;
    const torch::ScalarType scalar = weight.scalar_type();
    if ((scalar != torch::kFloat32 && scalar != torch::kBFloat16) || !weight.device().is_cpu() || weight.dim() != 4 ||
        weight.size(2) != weight.size(3) || inputSize.size() != 4 || weight.size(1) != inputSize[1] || options.stride < 1)
        return nullptr;
    // Winograd: float32 3x3 stride 1 only, and no residual (its blocked output would need a blocked residual).
    if (winograd && (scalar != torch::kFloat32 || weight.size(2) != 3 || options.stride != 1 || options.addResidual))
        return nullptr;
    const int64_t k = weight.size(2);
    const int64_t outH = (inputSize[2] + 2 * options.padding - k) / options.stride + 1;
    const int64_t outW = (inputSize[3] + 2 * options.padding - k) / options.stride + 1;
    if (outH < 1 || outW < 1)
        return nullptr;
    try {
        const Type type = scalar == torch::kFloat32 ? Type::f32 : Type::bf16;
        const dnnl::memory::dims src{inputSize[0], inputSize[1], inputSize[2], inputSize[3]};
        const dnnl::memory::dims dst{inputSize[0], weight.size(0), outH, outW};
        const dnnl::memory::dims weights{weight.size(0), weight.size(1), k, k}, biases{weight.size(0)};
        const dnnl::memory::dims strides{options.stride, options.stride}, padding{options.padding, options.padding};
        dnnl::post_ops ops;
        if (options.addResidual)
            ops.append_sum(1.f);
        if (options.relu || options.addResidual)
            ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        dnnl::primitive_attr attributes;
        attributes.set_post_ops(ops);
        // Direct: channels-last in and out, as the tensors are; the weights in whatever layout the kernel likes.
        const Tag activations = winograd ? Tag::any : Tag::nhwc;
        const dnnl::convolution_forward::desc desc(
            dnnl::prop_kind::forward_inference,
            winograd ? dnnl::algorithm::convolution_winograd : dnnl::algorithm::convolution_direct, {src, type, activations},
            {weights, type, Tag::any}, {biases, Type::f32, Tag::x}, {dst, type, activations}, strides, padding, padding);
        const dnnl::convolution_forward::primitive_desc pd(desc, attributes, cpuEngine()); // throws: no such kernel
        // oneDNN's reference loops run any shape, at a small fraction of the speed: leave those to PackedConv, whose
        // blocked layouts have a JIT kernel on every x86 CPU.
        if (std::string(pd.impl_info_str()).rfind("ref", 0) == 0)
            return nullptr;

        auto p = std::make_unique<Primitives>();
        p->conv = dnnl::convolution_forward(pd);
        p->src = pd.src_desc();
        p->dst = pd.dst_desc();
        p->userSrc = {src, type, Tag::nhwc};
        p->userDst = {dst, type, Tag::nhwc};
        p->reordersAround = p->src != p->userSrc || p->dst != p->userDst;
        if (p->reordersAround) {
            p->toKernelLayout = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), p->userSrc, cpuEngine(), p->src));
            p->toChannelsLast = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), p->dst, cpuEngine(), p->userDst));
        }
        // The weights into the kernel's layout, once.
        const torch::Tensor plainWeight = weight.contiguous();
        p->weightsDesc = pd.weights_desc();
        p->biasDesc = {biases, Type::f32, Tag::x};
        p->weights = bytesFor(p->weightsDesc);
        p->bias = bias.defined() ? bias.to(torch::kFloat32).contiguous() : torch::zeros({weight.size(0)}, torch::kFloat32);
        dnnl::stream stream(cpuEngine());
        dnnl::memory from = over({weights, type, Tag::oihw}, plainWeight), to = over(p->weightsDesc, p->weights);
        dnnl::reorder(from, to).execute(stream, from, to);
        stream.wait();

        std::unique_ptr<DnnlConv> conv(new DnnlConv);
        conv->m_primitives = std::move(p);
        conv->m_inputSize = inputSize.vec();
        conv->m_outputSize = {inputSize[0], weight.size(0), outH, outW};
        conv->m_options = options;
        return conv;
    } catch (const std::exception&) {
        return nullptr; // no such kernel for this CPU or shape
    }
}

torch::Tensor DnnlConv::run(const torch::Tensor& x) const
{
    TORCH_CHECK(!m_options.addResidual, "this convolution adds a residual: call run(x, residual)");
    return run(x, torch::empty(m_outputSize, x.options().memory_format(torch::MemoryFormat::ChannelsLast)));
}

torch::Tensor DnnlConv::run(const torch::Tensor& x, torch::Tensor out) const
{
    const Primitives& p = *m_primitives;
    // oneDNN runs on the calling thread's OpenMP team: give it the count LibTorch was told to use.
    at::internal::lazy_init_num_threads();
    dnnl::stream stream(cpuEngine());
    dnnl::memory userSrc = over(p.userSrc, x), userDst = over(p.userDst, out), weights = over(p.weightsDesc, p.weights),
                 bias = over(p.biasDesc, p.bias);
    if (!p.reordersAround) {
        p.conv.execute(stream, {{DNNL_ARG_SRC, userSrc}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, userDst}});
        stream.wait();
        return out;
    }
    const torch::Tensor blockedIn = bytesFor(p.src), blockedOut = bytesFor(p.dst);
    dnnl::memory src = over(p.src, blockedIn), dst = over(p.dst, blockedOut);
    p.toKernelLayout.execute(stream, userSrc, src);
    p.conv.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
    p.toChannelsLast.execute(stream, dst, userDst);
    stream.wait();
    return out;
}

#else

struct DnnlConv::Primitives {};

std::unique_ptr<DnnlConv> DnnlConv::create(const torch::Tensor&, const torch::Tensor&, const Options&, c10::IntArrayRef)
{
    return nullptr;
}

torch::Tensor DnnlConv::run(const torch::Tensor& x) const { return x; }
torch::Tensor DnnlConv::run(const torch::Tensor&, torch::Tensor residual) const { return residual; }

#endif

DnnlConv::~DnnlConv() = default;

} // namespace mas::model::detail
