#pragma once
// `evaluate`: a model version's figures (loss, top-1, top-5, macro-F1 for classes and body parts) on the
// project's confirmed segments (or given items), stored with the version's metrics. Torch-free header.
#include "ClassificationMetrics.h"
#include "Job.h"
#include "ModelSource.h"

namespace mas::worker {

struct EvaluateOptions {
    ModelSource model;                 // default: the active version
    model::Device device = model::Device::Auto;
    int batchSize = 8;
    std::vector<ClipItem> items;       // labelled items; empty: the project's confirmed segments
    QStringList participants;          // when not empty: only these participants' confirmed segments
    bool restrictToParticipants = false; // with an empty `participants`: nothing is evaluated (an empty split)
    QString split;                     // "train" | "val" | "test"; "" for all confirmed segments
    QString planName;                  // the split plan the participants come from
    bool planCreated = false;          // the plan was made for this run (no plan existed)
    bool storeMetrics = true;          // into the version's metrics under metrics[split] (not stored without a split)
    bool emptyIsZero = false;          // no clip to evaluate: zero counts instead of an error (a shard, ShardSpec.h)
    int threads = 0;
};

class EvaluateJob : public Job {
public:
    EvaluateJob(ProjectDataFactory data, EvaluateOptions options);
    QString name() const override { return QStringLiteral("evaluate"); }
    Status run(JobContext& context) override;

private:
    ProjectDataFactory m_data;
    EvaluateOptions m_options;
};

// Class probabilities of labelled clips, in a loop that reports progress and item failures.
// `labelsOut` gets the labels of the clips that decoded (same order as the probabilities).
struct ClipScores {
    std::vector<std::vector<float>> probabilities;
    std::vector<int> labels;
    std::vector<QString> keys;
    bool cancelled = false;
};
Result<ClipScores> scoreLabelledClips(model::ManetModel& model, const ClipPipelineConfig& pipeline,
                                      const std::vector<ClipItem>& items, int batchSize, JobContext& context,
                                      const DecoderOptions& decoder = {});

} // namespace mas::worker
