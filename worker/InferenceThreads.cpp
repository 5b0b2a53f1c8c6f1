#include "InferenceThreads.h"

#include <QThread>

#include <algorithm>

namespace mas::worker {

InferenceThreads inferenceThreads(int cores, int modelThreads, int decoderThreads, bool modelOnGpu)
{
    if (cores <= 0)
        cores = std::max(1, QThread::idealThreadCount());
    InferenceThreads t;
    const int decodingShare =
        cores == 1 ? 1 : (modelOnGpu ? std::max(2, cores - 2) : std::max(2, cores * 3 / 10));
    t.model = modelThreads > 0 ? modelThreads : (modelOnGpu ? std::min(cores, 2) : cores);
    t.decoder = decoderThreads > 0 ? decoderThreads : 1;
    t.producers = std::max(1, decodingShare / t.decoder);
    return t;
}

InferenceThreads inferenceThreadsBeside(const model::ManetModel& model)
{
    return inferenceThreads(0, 0, 0, model.device() == model::Device::Cuda);
}

} // namespace mas::worker
