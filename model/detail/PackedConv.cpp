#include "detail/PackedConv.h"

#include <ATen/core/dispatch/Dispatcher.h>

namespace mas::model::detail {

namespace {

c10::optional<c10::OperatorHandle> findOperator(const char* name)
{
    return c10::Dispatcher::singleton().findSchema({name, ""});
}

const c10::optional<c10::OperatorHandle>& prepackOperator()
{
    static const auto op = findOperator("mkldnn_prepacked::conv2d_prepack");
    return op;
}

const c10::optional<c10::OperatorHandle>& runOperator()
{
    static const auto op = findOperator("mkldnn_prepacked::conv2d_run");
    return op;
}

} // namespace

bool PackedConv::available()
{
    return prepackOperator().has_value() && runOperator().has_value() && at::globalContext().userEnabledMkldnn();
}

std::optional<PackedConv> PackedConv::pack(const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride,
                                           int64_t padding, bool relu, c10::IntArrayRef inputSize)
{
    if (!available() || !weight.device().is_cpu() ||
        (weight.scalar_type() != torch::kFloat32 && weight.scalar_type() != torch::kBFloat16))
        return std::nullopt;
    try {
        torch::jit::Stack stack{weight,
                                bias,
                                std::vector<int64_t>{stride, stride},
                                std::vector<int64_t>{padding, padding},
                                std::vector<int64_t>{1, 1},
                                int64_t{1},
                                inputSize.vec(),
                                std::string(relu ? "relu" : "none")};
        prepackOperator()->callBoxed(stack);
        PackedConv packed;
        packed.m_context = std::move(stack.at(0));
        packed.m_inputSize = inputSize.vec();
        return packed;
    } catch (const std::exception&) { // c10::Error, or one from oneDNN beneath it
        return std::nullopt; // an unsupported shape: the caller keeps torch::conv2d
    }
}

torch::Tensor PackedConv::run(const torch::Tensor& x) const
{
    torch::jit::Stack stack{x, m_context};
    runOperator()->callBoxed(stack);
    return stack.at(0).toTensor();
}

} // namespace mas::model::detail
