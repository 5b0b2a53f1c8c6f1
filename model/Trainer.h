#pragma once
// Training MANet: a full training step on clips (Trainer) and fast fine-tuning of the head alone on cached
// pooled features (HeadTrainer: seconds on a CPU). Loss = CE(logits, label) [class-weighted when weights are
// given] + embeddingLossWeight x MSE(embedding, labelEmbedding[label]), the MSE a mean over [B, D].
// Optimiser as published: SGD momentum 0.9, weight decay 1e-4 (none on BN and biases), gradient clipping at
// L2 norm 20, TSM-style groups: the final layers (cls_head.*) at 5x the learning rate, their biases 10x.
#include "LabelEmbeddings.h"
#include "ManetModel.h"
#include "ModelStatus.h"

#include <memory>
#include <vector>

namespace mas::model {

enum class LrSchedule { Constant, Step, Cosine };

struct TrainerOptions {
    double baseLr = 0.00125;            // the published config for one GPU (8 GPUs x 10 clips: 0.01)
    double momentum = 0.9;
    double weightDecay = 1e-4;
    double clipGradNorm = 20.0;         // <= 0: no clipping
    double finalLayerLrFactor = 5.0;    // cls_head weights
    double finalBiasLrFactor = 10.0;    // cls_head biases
    LrSchedule schedule = LrSchedule::Step;
    std::vector<double> stepEpochs{30, 60}; // Step: lr x stepGamma at each
    double stepGamma = 0.1;
    double totalEpochs = 80;            // Cosine: lr = base * 0.5 * (1 + cos(pi * epoch / total))
    // 0: nothing frozen; 1: stem; 2: stem + layer1; ... 5: the whole backbone (head only).
    int frozenStages = 0;
    // Batches with fewer clips than this keep BN in eval mode (running statistics used and not updated).
    int bnEvalBelowBatch = 4;
    std::vector<float> classWeights;    // empty: unweighted CE; else one per class (imbalance)
    float embeddingLossWeight = 50.f;
    bool mixedPrecision = true;         // autocast on CUDA only; ignored on CPU
    uint64_t seed = 0;                  // dropout, shuffling
    bool keepGradients = false;         // keep each step's raw (pre-clipping) gradients for lastGradient()
};

struct StepResult {
    double loss = 0, classLoss = 0, embeddingLoss = 0;
    double gradNorm = 0;                // before clipping
    double learningRate = 0;            // base group's
    double accuracy = 0;                // top-1 on this batch
};

// Gradients of named parameters after the last step (before the optimiser update), for parity tests.
struct NamedGradient {
    std::string name;
    std::vector<float> values;
};

class Trainer {
public:
    Trainer(ManetModel& model, TrainerOptions options, LabelEmbeddings labelEmbeddings);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Epoch progress (fractional) for the schedule; call before step().
    void setEpoch(double epoch);
    double learningRateAt(double epoch) const;
    // One SGD step on clips (frames = labels.size() * segments).
    Result<StepResult> step(const FrameBatch& frames, const std::vector<int>& labels);
    // Loss only (eval mode, no update).
    Result<StepResult> evaluate(const FrameBatch& frames, const std::vector<int>& labels);
    // Last step's raw gradient of a parameter by official name (needs keepGradients; empty otherwise).
    std::vector<float> lastGradient(const std::string& name) const;

private:
    void setUp(TrainerOptions options, LabelEmbeddings labelEmbeddings); // may throw: the constructor catches
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

class HeadTrainer {
public:
    HeadTrainer(ManetModel& model, TrainerOptions options, LabelEmbeddings labelEmbeddings);
    ~HeadTrainer();
    HeadTrainer(const HeadTrainer&) = delete;
    HeadTrainer& operator=(const HeadTrainer&) = delete;

    void setEpoch(double epoch);
    // One step on cached features [B, T, F] (from ManetModel::pooledFeatures) with dropout as in training.
    Result<StepResult> step(const PooledFeatures& features, const std::vector<int>& labels);
    // Epochs of shuffled mini-batches over all the features; returns the last epoch's mean loss. firstEpoch
    // places them on the learning-rate schedule (a caller fitting one epoch at a time passes its epoch number).
    Result<StepResult> fit(const PooledFeatures& features, const std::vector<int>& labels, int epochs,
                           int batchSize, int firstEpoch = 0);

private:
    void setUp(TrainerOptions options, LabelEmbeddings labelEmbeddings); // may throw: the constructor catches
    Result<StepResult> fitEpochs(const PooledFeatures& features, const std::vector<int>& labels, int epochs, int batchSize,
                                 int firstEpoch);
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mas::model
