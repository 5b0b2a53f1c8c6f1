#pragma once
// How the cores are shared between the model and the clip decoder when both run at once (pre-label,
// classify, evaluate, feature caching): the decoder runs on its own thread, ahead of the model, and
// each uses a thread pool of its own. Torch-free.
namespace mas::worker {

struct InferenceThreads {
    int model = 1;   // intra-op threads of the model
    int decoder = 1; // FFmpeg frame threads of the clip decoder
};

// `cores`: the machine's (0: ask the system); `modelThreads`/`decoderThreads` > 0: the user's choice, kept.
// On the CPU, decoding a real 1080p clip's reference frames costs about 0.17 CPU-s and MANet-50's forward
// pass about 0.38 (bench_prelabel, 2 cores): decoding wants ~30% of the machine. The model gets every
// core and the decoder one thread on 2 cores (they overlap; passive OpenMP waits let the model's idle
// threads give way), else 30% of the cores as frame threads (at least 2): oversubscribed on purpose,
// since each side idles while it waits for the other.
InferenceThreads inferenceThreads(int cores = 0, int modelThreads = 0, int decoderThreads = 0);

} // namespace mas::worker
