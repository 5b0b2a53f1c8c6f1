#pragma once
// How the cores are shared between the model and the clip decoders when both run at once (pre-label,
// classify, evaluate, feature caching): the decoders run on threads of their own, ahead of the model, and
// each side uses a thread pool of its own. Torch-free.
#include "ManetModel.h"

namespace mas::worker {

struct InferenceThreads {
    int model = 1;     // intra-op threads of the model
    int decoder = 1;   // FFmpeg frame threads of each clip decoder
    int producers = 1; // clip decoders working side by side (ClipPrefetcher), each on its own videos or stretch
};

// `cores`: the machine's (0: ask the system); `modelThreads`/`decoderThreads` > 0: the user's choice, kept.
// On the CPU, decoding a real 1080p clip's reference frames costs about 0.14 CPU-s and MANet-50's forward
// pass about 0.4 CPU-s (bench_prelabel, 2 cores): decoding wants ~25-30% of the machine. The model gets every
// core; decoding gets 30% of them (at least 2 decoders), as decoders of one thread each: H.264 frame threads
// gave nothing on these clips (bench_prelabel, classify --decoder-threads 2), while decoders on different
// videos (or stretches of one) scale with the cores. On 2 cores the 2 decoders oversubscribe on purpose: they
// run while the model waits between batches (passive OpenMP waits let its idle threads give way), which
// halved that wait. `modelOnGpu`: the model needs a core or two to feed the GPU and decoding gets the rest,
// since a GPU runs MANet-50 far faster than one decoder delivers clips.
InferenceThreads inferenceThreads(int cores = 0, int modelThreads = 0, int decoderThreads = 0, bool modelOnGpu = false);
// The split beside a loaded model, on the device it uses.
InferenceThreads inferenceThreadsBeside(const model::ManetModel& model);

} // namespace mas::worker
