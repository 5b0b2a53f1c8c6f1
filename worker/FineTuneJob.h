#pragma once
// Fine-tuning on confirmed labels. Validation is held out by participant. After each epoch: loss, top-1,
// top-5, macro-F1 for classes and body parts. Fast mode: backbone frozen, pooled features cached per base
// version, the head trained on them (HeadTrainer). Full mode: the whole network on augmented clips (CUDA with
// mixed precision when present). Every run makes a NEW model version (parent, data snapshot, hyper-parameters,
// metrics, checkpoint under <cache>/models/); a cancelled run makes none. Torch-free header.
#include "ClassificationMetrics.h"
#include "Job.h"
#include "ModelSource.h"
#include "Trainer.h"

namespace mas::worker {

enum class FineTuneMode { Head, Full };
enum class BalanceMethod { None, LossWeights, Sampling };

struct FineTuneOptions {
    ModelSource base;                    // default: the active version
    FineTuneMode mode = FineTuneMode::Head;
    model::Device device = model::Device::Auto;
    int epochs = 10;
    int batchSize = 8;
    double learningRate = 0;             // 0: 0.01 (head) / 0.00125 (full)
    model::LrSchedule schedule = model::LrSchedule::Cosine;
    BalanceMethod balance = BalanceMethod::None;
    double validationFraction = 0.2;     // of the labelled clips, whole participants
    uint64_t seed = 1;
    int frozenStages = 0;                // full mode: 0 trains everything
    bool augment = true;                 // full mode: training-time sampling, crops and flips
    float embeddingLossWeight = 50.f;
    QString labelEmbeddingsPath;         // .npy [classes, 300]; empty: derived from the taxonomy
    std::vector<ClipItem> items;         // labelled clips; empty: the project's confirmed segments
    std::vector<ClipItem> validationItems; // when not empty: this validation set instead of a split of `items`
    QStringList validationParticipants;  // when not empty: these participants' clips are the validation set
    // A split plan's participants (makeModelJob): when not empty, training uses ONLY these participants' clips
    // and validation only validationParticipants'; every other clip (the plan's test set) is never read.
    QStringList trainingParticipants;
    QString planName;                    // recorded with the figures ("" when none)
    bool planCreated = false;            // the plan was made for this run (no plan existed): the report says so
    std::vector<int> classToBodyPart;    // empty: from the base version / MA-52
    QString versionName;                 // empty: "<base>-head" / "<base>-full"
    bool activate = true;
    bool keepBestEpoch = true;           // the version gets the weights of the epoch with the best validation top-1
    bool refreshPrelabels = false;       // then pre-label unconfirmed segments with the new version
    int threads = 0;
};

struct EpochFigures {
    int epoch = 0;
    double trainLoss = 0;
    double trainAccuracy = 0;
    double seconds = 0;
    EvaluationFigures validation;
};

class FineTuneJob : public Job {
public:
    FineTuneJob(ProjectDataFactory data, FineTuneOptions options);
    QString name() const override;
    Status run(JobContext& context) override;

    // After run(): the new version ("" when cancelled or failed), the figures of each epoch and which one the
    // version keeps (the last one when keepBestEpoch is off or there is no validation set).
    const ModelVersionRecord& newVersion() const { return m_newVersion; }
    const std::vector<EpochFigures>& epochs() const { return m_epochs; }
    const EpochFigures& keptEpoch() const { return m_epochs[size_t(m_bestEpoch >= 0 ? m_bestEpoch : int(m_epochs.size()) - 1)]; }

private:
    Status trainHead(JobContext& context, ProjectData& data, LoadedModel& model, const std::vector<ClipItem>& training,
                     const std::vector<ClipItem>& validation, const model::TrainerOptions& options,
                     const model::LabelEmbeddings& embeddings, const std::vector<int>& bodyParts, bool* complete);
    Status trainFull(JobContext& context, LoadedModel& model, const std::vector<ClipItem>& training,
                     const std::vector<ClipItem>& validation, const model::TrainerOptions& options,
                     const model::LabelEmbeddings& embeddings, const std::vector<int>& bodyParts, bool* complete);

    // After each epoch: keeps a copy of the weights when validation is the best so far.
    Status rememberIfBest(LoadedModel& model);
    // The history so far with a progress report (live training charts).
    void reportEpochs(JobContext& context) const;

    ProjectDataFactory m_data;
    FineTuneOptions m_options;
    ModelVersionRecord m_newVersion;
    std::vector<EpochFigures> m_epochs;
    model::ManetModel::WeightsSnapshot m_best; // the best epoch's weights while training
    int m_bestEpoch = -1;                // index into m_epochs
};

QJsonObject toJson(const EpochFigures& e);

} // namespace mas::worker
