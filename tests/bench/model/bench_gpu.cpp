// bench_gpu: MANet on a GPU next to PyTorch eager on the same GPU (tests/model/reference_manet.py --bench), in one
// run (issue 15's GPU figures):
//  1. pre-label inference, float32, 8 segments: clips/s at each --batches size (default 1 and 32), the app's plain
//     module path and its channels-last + BN-folded path, each against eager on the same weights and input, with
//     the largest relative logit difference; the host-to-device copy of the frames counts on both sides;
//  2. a fine-tune step (Trainer::step: every layer, SGD as published, CE + 50 x MSE) at --train-batch clips, in
//     float32 and in mixed precision (CUDA autocast float16 with loss scaling), against eager's step without and
//     with torch.autocast + GradScaler.
// Built alone with MAS_MODEL_ONLY against the LibTorch inside the GPU machine's PyTorch: gpu-check.sh beside this
// file does the build and the run. Without CUDA it runs the same on the CPU (small sizes make it a quick check).
//
//   bench_gpu [--device cuda|cpu] [--depth 50] [--batches 1,32] [--iters N] [--train-batch 8] [--frame-size 224]
//             [--python python3]
#include "LabelEmbeddings.h"
#include "ManetModel.h"
#include "Trainer.h"

#include "ModelBenchSupport.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace mas::model;
using namespace mas::bench;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

struct Setup {
    std::string device = "cuda", python = "python3", script, tmp;
    int depth = 50, iters = 0, trainBatch = 8, frameSize = 224;
    std::vector<int> batches{1, 32};
};

// Eager PyTorch by the reference script; its JSON in `result`. False when it failed (its stderr shows).
bool runEager(const Setup& s, const std::string& arguments, const std::string& result)
{
    const std::string cmd = s.python + " " + s.script + " --bench --cudnn-benchmark --threads " +
                            std::to_string(std::max(1, int(sysconf(_SC_NPROCESSORS_ONLN)))) + " --device " + s.device +
                            " --depth " + std::to_string(s.depth) + " --frame-size " + std::to_string(s.frameSize) + " " +
                            arguments + " > " + result;
    return std::system(cmd.c_str()) == 0;
}

void inference(const Setup& s, ManetModel& model, const std::string& checkpoint)
{
    std::printf("\ninference, float32, %d segments, %dx%d, %d timed calls after two warm-ups (frames copied from the host)\n",
                model.config().segments, s.frameSize, s.frameSize, s.iters);
    std::printf("%5s %-24s %10s %10s %8s %12s\n", "batch", "app path", "clips/s", "eager", "ratio", "max rel diff");
    std::mt19937 rng(42);
    std::normal_distribution<float> normal;
    for (int batch : s.batches) {
        std::vector<float> input(size_t(batch) * model.config().segments * 3 * s.frameSize * s.frameSize);
        for (float& v : input)
            v = normal(rng);
        const std::string in = s.tmp + "/input.bin", out = s.tmp + "/eager_logits.bin", res = s.tmp + "/eager.json";
        std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char*>(input.data()), std::streamsize(input.size() * 4));
        double eager = 0;
        std::vector<float> eagerLogits;
        if (runEager(s, "--batch " + std::to_string(batch) + " --iters " + std::to_string(s.iters) + " --checkpoint " +
                            checkpoint + " --input " + in + " --output " + out, res)) {
            eager = jsonNumber(fileText(res), "clips_per_s");
            eagerLogits.resize(size_t(batch) * model.config().numClasses);
            std::ifstream(out, std::ios::binary)
                .read(reinterpret_cast<char*>(eagerLogits.data()), std::streamsize(eagerLogits.size() * 4));
            if (const std::string name = jsonString(fileText(res), "device_name"); !name.empty() && batch == s.batches.front())
                std::printf("(eager reports the device as %s)\n", name.c_str());
        }
        const FrameBatch frames{input.data(), int64_t(batch) * model.config().segments, 3, s.frameSize, s.frameSize};
        for (const bool tuned : {false, true}) {
            model.setChannelsLast(tuned);
            model.setFoldBatchNorm(tuned);
            Result<ForwardOutput> r = model.forward(frames);
            for (int w = 0; r && w < 1; ++w)
                r = model.forward(frames);
            if (!r) {
                std::printf("%5d %-24s failed: %s\n", batch, tuned ? "channels-last+fold-bn" : "plain", r.error().c_str());
                continue;
            }
            const auto start = Clock::now();
            for (int i = 0; i < s.iters && r; ++i)
                r = model.forward(frames); // logits come back to the host: each call waits for the device
            const double speed = batch * s.iters / seconds(start);
            std::printf("%5d %-24s %10.1f %10.1f %8.2f %12.2e\n", batch, tuned ? "channels-last+fold-bn" : "plain", speed,
                        eager, eager > 0 ? speed / eager : NAN, r ? maxRelativeDifference(r->logits, eagerLogits) : NAN);
            std::fflush(stdout);
        }
        model.setChannelsLast(false);
        model.setFoldBatchNorm(false);
    }
}

void fineTune(const Setup& s, ManetModel& model)
{
    const int segments = model.config().segments, batch = s.trainBatch;
    std::printf("\nfine-tune step, %d clips of %d frames at %dx%d, every layer; %d timed steps after one warm-up\n", batch,
                segments, s.frameSize, s.frameSize, s.iters);
    std::printf("%-22s %10s %10s %10s %8s\n", "precision", "steps/s", "clips/s", "eager", "ratio");
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    std::vector<float> input(size_t(batch) * segments * 3 * s.frameSize * s.frameSize);
    for (float& v : input)
        v = normal(rng);
    std::vector<int> labels, bodyParts;
    for (int i = 0; i < batch; ++i)
        labels.push_back((7 * i + 3) % model.config().numClasses);
    for (int k = 0; k < model.config().numClasses; ++k)
        bodyParts.push_back(k % 7);
    const FrameBatch frames{input.data(), int64_t(batch) * segments, 3, s.frameSize, s.frameSize};
    for (const bool mixed : {false, true}) {
        const std::string res = s.tmp + "/train.json";
        const double eager = runEager(s, "--train --batch " + std::to_string(batch) + " --iters " + std::to_string(s.iters) +
                                              (mixed ? " --amp" : ""), res)
                                 ? jsonNumber(fileText(res), "steps_per_s")
                                 : 0;
        TrainerOptions options;
        options.mixedPrecision = mixed;
        Trainer trainer(model, options, LabelEmbeddings::deriveFromTaxonomy(bodyParts, model.config().embeddingDim));
        const char* name = mixed ? (s.device == "cuda" ? "mixed (fp16 autocast)" : "mixed (CPU: float32)") : "float32";
        Result<StepResult> r = trainer.step(frames, labels);
        if (!r) {
            std::printf("%-22s failed: %s\n", name, r.error().c_str());
            continue;
        }
        const auto start = Clock::now();
        for (int i = 0; i < s.iters && r; ++i)
            r = trainer.step(frames, labels); // the loss comes back to the host: each step waits for the device
        const double speed = s.iters / seconds(start);
        std::printf("%-22s %10.2f %10.1f %10.2f %8.2f%s\n", name, speed, speed * batch, eager, eager > 0 ? speed / eager : NAN,
                    r ? "" : (" (failed: " + r.error() + ")").c_str());
        std::fflush(stdout);
    }
}

} // namespace

int main(int argc, char** argv)
{
    Setup s;
    s.device = ManetModel::cudaAvailable() ? "cuda" : "cpu";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--device") s.device = v;
        else if (a == "--depth") s.depth = std::atoi(v.c_str());
        else if (a == "--batches") s.batches = parseList(v);
        else if (a == "--iters") s.iters = std::max(1, std::atoi(v.c_str()));
        else if (a == "--train-batch") s.trainBatch = std::max(1, std::atoi(v.c_str()));
        else if (a == "--frame-size") s.frameSize = std::max(32, std::atoi(v.c_str()));
        else if (a == "--python") s.python = v;
    }
    if (s.iters == 0)
        s.iters = s.device == "cuda" ? 20 : 2;
    s.script = std::string(MAS_SOURCE_DIR) + "/tests/model/reference_manet.py";
    s.tmp = "/tmp/bench_gpu." + std::to_string(getpid());
    std::system(("mkdir -p " + s.tmp).c_str());
    ManetModel::setDeterministic(false, 0); // cuDNN picks its fastest algorithms (eager: --cudnn-benchmark)

    ManetConfig config;
    config.depth = s.depth;
    Result<ManetModel> model = ManetModel::create(config);
    if (!model)
        return std::fprintf(stderr, "%s\n", model.error().c_str()), 1;
    const std::string checkpoint = s.tmp + "/manet.pth";
    if (Status saved = model->saveCheckpoint(checkpoint); !saved)
        return std::fprintf(stderr, "%s\n", saved.error().c_str()), 1;
    if (Status on = model->setDevice(s.device == "cuda" ? Device::Cuda : Device::Cpu); !on)
        return std::fprintf(stderr, "%s\n", on.error().c_str()), 1;
    std::printf("bench_gpu: MANet-%d on %s, next to PyTorch eager (%s) on the same device\n", s.depth, s.device.c_str(),
                s.python.c_str());
    inference(s, model.value(), checkpoint);
    fineTune(s, model.value());
    std::printf("\npeak resident memory of this process: %.0f MiB\n", peakRssMiB());
    std::system(("rm -rf " + s.tmp).c_str());
    return 0;
}
