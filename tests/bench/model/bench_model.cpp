// bench_model: MANet clips/s on this machine (float32, 8 segments, 224x224) at batch 1 and 8, for the default
// fused CPU path (and the same with direct 3x3 convolutions instead of Winograd) and for the single speed-ups on
// the plain path (channels-last, BN folded into convs, both),
// next to the same network and weights in PyTorch eager run by /usr/bin/python3 (torch.set_num_threads(2),
// no_grad) on the same input, twice: as a user runs it, and with the allocator setting the app uses
// (MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=1 GiB, which speeds eager up too: the fairer peer).
// Prints both ratios, the max relative difference of the logits, and peak memory.
// usage: bench_model [--iters N] [--depths 50,18] [--batches 1,8] [--python /usr/bin/python3] [--threads N]
//                    [--variants fused,plain,...]
#include "ManetModel.h"

#include "ModelBenchSupport.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mas::model;
using namespace mas::bench;

namespace {

struct Timed {
    double clipsPerSecond = 0;
    std::vector<float> logits;
};

Timed timeForward(ManetModel& model, const std::vector<float>& input, int batch, int iters)
{
    const FrameBatch frames{input.data(), int64_t(batch) * 8, 3, 224, 224};
    Timed t;
    Result<ForwardOutput> warm = model.forward(frames);
    if (!warm) {
        std::fprintf(stderr, "forward failed: %s\n", warm.error().c_str());
        std::exit(1);
    }
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i)
        t.logits = model.forward(frames)->logits;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t.clipsPerSecond = batch * iters / seconds;
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    int iters = 3, threads = 0;
    std::vector<int> depths{50, 18}, batches{1, 8};
    std::string python = "/usr/bin/python3";
    std::string variantFilter;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--iters") iters = std::max(1, std::atoi(v.c_str()));
        else if (a == "--depths") depths = parseList(v);
        else if (a == "--batches") batches = parseList(v);
        else if (a == "--python") python = v;
        else if (a == "--variants") variantFilter = v;
        else if (a == "--threads") threads = std::atoi(v.c_str());
    }
    ManetModel::setThreads(threads);
    ManetModel::setDeterministic(false, 0);
    const std::string script = std::string(MAS_SOURCE_DIR) + "/tests/model/reference_manet.py";
    const bool havePython = std::system((python + " -c 'import torch' 2>/dev/null").c_str()) == 0;
    const std::string tmp = "/tmp/bench_model." + std::to_string(getpid());
    std::system(("mkdir -p " + tmp).c_str());

    std::printf("MANet inference, float32, 8 segments, 224x224, %d timed iterations after one warm-up\n", iters);
    std::printf("CUDA available: %s; bf16: %s\n", ManetModel::cudaAvailable() ? "yes" : "no",
                ManetModel::cpuHasNativeBFloat16() ? "CPU has AVX512-BF16 (own row, not eligible as fastest within 1e-4)"
                                      : "this CPU lacks AVX512-BF16 (bf16 row emulated, slow)");
    std::printf("(eager-tm: eager with the app's allocator setting; ratio-tm: clips/s over it)\n");
    std::printf("%-8s %5s %-22s %10s %10s %8s %10s %8s %12s\n", "model", "batch", "variant", "clips/s", "eager", "ratio", "eager-tm",
                "ratio-tm", "max rel diff");

    std::mt19937 rng(42);
    std::normal_distribution<float> normal;
    for (int depth : depths) {
        ManetConfig config;
        config.depth = depth;
        Result<ManetModel> model = ManetModel::create(config);
        if (!model) {
            std::fprintf(stderr, "%s\n", model.error().c_str());
            return 1;
        }
        const std::string checkpoint = tmp + "/manet" + std::to_string(depth) + ".pth";
        if (Status s = model->saveCheckpoint(checkpoint); !s) {
            std::fprintf(stderr, "%s\n", s.error().c_str());
            return 1;
        }
        for (int batch : batches) {
            std::vector<float> input(size_t(batch) * 8 * 3 * 224 * 224);
            for (float& v : input)
                v = normal(rng);
            // PyTorch eager on the same weights and input.
            double eager = 0, eagerTuned = 0;
            std::vector<float> eagerLogits;
            if (havePython) {
                const std::string in = tmp + "/input.bin", out = tmp + "/eager_logits.bin", res = tmp + "/eager.json";
                std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char*>(input.data()), std::streamsize(input.size() * 4));
                const std::string cmd = python + " " + script + " --bench --depth " + std::to_string(depth) + " --batch " +
                                        std::to_string(batch) + " --iters " + std::to_string(iters) + " --threads 2 --checkpoint " +
                                        checkpoint + " --input " + in + " --output " + out + " > " + res;
                const std::string tunedCmd = "MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 " + cmd + ".tuned";
                if (std::system(tunedCmd.c_str()) == 0)
                    eagerTuned = jsonNumber(fileText(res + ".tuned"), "clips_per_s");
                if (std::system(cmd.c_str()) == 0) {
                    eager = jsonNumber(fileText(res), "clips_per_s");
                    std::ifstream l(out, std::ios::binary);
                    eagerLogits.resize(size_t(batch) * 52);
                    l.read(reinterpret_cast<char*>(eagerLogits.data()), std::streamsize(eagerLogits.size() * 4));
                }
            }
            struct Variant {
                std::string name;
                bool fused, channelsLast, fold, bf16 = false, winograd = true;
            };
            std::vector<Variant> variants;
            for (const Variant& v : std::vector<Variant>{{"fused (default)", true, false, false},
                                                         {"fused-direct3x3", true, false, false, false, false},
                                                         {"plain", false, false, false},
                                                         {"channels-last", false, true, false},
                                                         {"fold-bn", false, false, true},
                                                         {"channels-last+fold-bn", false, true, true},
                                                         {"bf16 (fused)", true, false, false, true}})
                if (variantFilter.empty() || variantFilter.find(v.name.substr(0, v.name.find(' '))) != std::string::npos)
                    variants.push_back(v);
            std::string best;
            double bestSpeed = 0;
            for (const Variant& v : variants) {
                model->setFusedInference(v.fused);
                model->setBFloat16Inference(v.bf16);
                model->setChannelsLast(v.channelsLast);
                model->setFoldBatchNorm(v.fold);
                model->setWinogradConvolutions(v.winograd);
                const Timed t = timeForward(model.value(), input, batch, iters);
                const double diff = eagerLogits.empty() ? NAN : maxRelativeDifference(t.logits, eagerLogits);
                std::printf("MANet-%-2d %5d %-22s %10.2f %10.2f %8.2f %10.2f %8.2f %12.2e\n", depth, batch, v.name.c_str(),
                            t.clipsPerSecond, eager, eager > 0 ? t.clipsPerSecond / eager : NAN, eagerTuned,
                            eagerTuned > 0 ? t.clipsPerSecond / eagerTuned : NAN, diff);
                if (v.bf16 && !eagerLogits.empty()) {
                    int agree = 0;
                    for (int c = 0; c < batch; ++c) {
                        auto top = [&](const std::vector<float>& l) {
                            return std::max_element(l.begin() + c * 52, l.begin() + (c + 1) * 52) - l.begin();
                        };
                        agree += top(t.logits) == top(eagerLogits);
                    }
                    std::printf("  bf16 top-1 agreement with float32 eager: %d of %d clips\n", agree, batch);
                }
                std::fflush(stdout);
                if (t.clipsPerSecond > bestSpeed && (std::isnan(diff) || diff < 1e-4)) {
                    bestSpeed = t.clipsPerSecond;
                    best = v.name;
                }
            }
            std::printf("  -> fastest within 1e-4 of eager: %s (%.2f clips/s, %.2fx eager, %.2fx eager with tuned malloc)\n",
                        best.c_str(), bestSpeed, eager > 0 ? bestSpeed / eager : NAN,
                        eagerTuned > 0 ? bestSpeed / eagerTuned : NAN);
            model->setFusedInference(true);
            model->setBFloat16Inference(false);
            model->setChannelsLast(false);
            model->setFoldBatchNorm(false);
            model->setWinogradConvolutions(true);
        }
    }
    std::printf("peak resident memory of this process: %.0f MiB\n", peakRssMiB());
    std::system(("rm -rf " + tmp).c_str());
    return 0;
}
