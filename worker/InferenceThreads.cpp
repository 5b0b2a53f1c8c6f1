#include "InferenceThreads.h"

#include <QThread>

#include <algorithm>

namespace mas::worker {

InferenceThreads inferenceThreads(int cores, int modelThreads, int decoderThreads)
{
    if (cores <= 0)
        cores = std::max(1, QThread::idealThreadCount());
    InferenceThreads t;
    t.model = modelThreads > 0 ? modelThreads : cores;
    t.decoder = decoderThreads > 0 ? decoderThreads : (cores <= 2 ? 1 : std::max(2, cores * 3 / 10));
    return t;
}

} // namespace mas::worker
