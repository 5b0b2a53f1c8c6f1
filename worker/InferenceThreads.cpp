#include "InferenceThreads.h"

#include <QThread>

#include <algorithm>

namespace mas::worker {

InferenceThreads inferenceThreads(int cores, int modelThreads, int decoderThreads, bool modelOnGpu)
{
    if (cores <= 0)
        cores = std::max(1, QThread::idealThreadCount());
    InferenceThreads t;
    const int decodingShare = modelOnGpu ? std::max(1, cores - 1) : (cores <= 2 ? 1 : std::max(2, cores * 3 / 10));
    t.model = modelThreads > 0 ? modelThreads : (modelOnGpu ? std::min(cores, 2) : cores);
    t.decoder = decoderThreads > 0 ? decoderThreads : std::min(decodingShare, 2);
    t.producers = std::max(1, decodingShare / std::max(1, t.decoder));
    return t;
}

InferenceThreads inferenceThreadsBeside(const model::ManetModel& model)
{
    return inferenceThreads(0, 0, 0, model.device() == model::Device::Cuda);
}

} // namespace mas::worker
