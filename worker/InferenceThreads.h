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
// Decoding a clip's reference frames costs about a third of MANet-50's forward pass on the CPU, so the
// decoder gets one thread per eight cores (at least one) and the model all cores: on 2 cores the two
// overlap, the model's threads taking the cycles the single decoder thread leaves.
InferenceThreads inferenceThreads(int cores = 0, int modelThreads = 0, int decoderThreads = 0);

} // namespace mas::worker
