#pragma once
// The model jobs' one front door: a typed request (pre-label, fine-tune, evaluate) checked against the
// project and turned into a Job. The Model dock (through WorkerJobRunner) and the CLI verbs (prelabel,
// train, evaluate) both build their jobs here, so GUI and CLI share one path and one split discipline.
// Qt Core + core/store types only: no model/ headers.
#include "Job.h"
#include "ProjectData.h"
#include "ShardSpec.h"
#include "store/StoreTypes.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {

enum class ModelJobKind { PreLabel, FineTune, Evaluate };

QString toString(ModelJobKind kind); // "pre-label", "fine-tune", "evaluate"

struct ModelJobRequest {
    ModelJobKind kind = ModelJobKind::PreLabel;
    store::Id modelVersionId = 0;          // 0: the active version
    QString device = QStringLiteral("cpu"); // "cpu", "cpu-bf16", "cuda" (refused with a reason when not available)
    // pre-label
    QVector<store::Id> segmentIds;         // clip level: only these segments (empty and no videoIds: every unconfirmed one)
    QVector<store::Id> videoIds;           // long footage: slide windows over these videos (proposals = prelabeled segments)
    int windowFrames = 0;                  // 0: from the model's clip length (slidingWindowDefaults)
    int strideFrames = 0;                  // 0: from the model's clip length
    double threshold = 0.5;                // windows below propose nothing
    // fine-tune / evaluate
    store::Id splitPlanId = 0;             // 0: the newest participant plan; none at all: a participant-disjoint
                                           //    hold-out plan is made, SAVED as a plan, and named in the outcome
    QString evaluateSplit = QStringLiteral("test"); // evaluate: "train" | "val" | "test"
    QString fineTuneMode = QStringLiteral("head");  // "head" (fast, cached features) | "full"; never switched silently
    int epochs = 10;
    QString versionName;                   // fine-tune: name of the new version ("" automatic)

    // Extras for the CLI (defaults are what the GUI uses).
    int batchSize = 8;
    double learningRate = 0;               // 0: the mode's default
    uint64_t seed = 1;
    QString balance = QStringLiteral("loss-weights"); // "none" | "loss-weights" | "sampling"
    QString labelEmbeddingsPath;           // .npy; "" derived from the taxonomy
    bool activate = true;                  // fine-tune: the new version becomes active
    bool refreshPrelabels = true;          // fine-tune: then pre-label unconfirmed segments with it
    int threads = 0;                       // torch intra-op threads (0: all cores)
    int topK = 5;                          // pre-label
    double holdoutValFraction = 0.15;      // the hold-out plan made when there is none: val and test shares
    double holdoutTestFraction = 0.15;

    // Pre-label and evaluate: only the videos of shard K of N (ShardSpec.h: video id mod N), so N processes
    // (a Slurm job array) split a project. A sharded evaluate stores nothing on the version: its outcome
    // holds the shard's figures, merged by mergeShardEvaluations (EvaluationShards.h); it needs an existing
    // split plan (N shards must not each make one). Fine-tune is refused sharded.
    ShardSpec shard;
};

struct WindowDefaults {
    int window = 60;
    int stride = 30;
    double threshold = 0.5;
};

// From the version's clip length (hyper_params "clip_frames", else segments and input): what the
// pre-label dialog shows before the user edits it.
WindowDefaults slidingWindowDefaults(const store::ModelVersion& version);

// The participants of a split plan by set (codes), and its name.
struct PlanParticipants {
    store::Id planId = 0;
    QString name;
    bool created = false;                  // made for this job (no plan existed)
    QStringList train, val, test;
    QStringList of(const QString& split) const;
};

// The plan a fine-tune / evaluate uses: `planId`, else the newest participant plan, else (when
// `createWhenNone`) a seeded participant-disjoint 70/15/15 hold-out over the labelled participants,
// saved as a plan named "holdout-<seed>". Errors: a plan by segment, an unknown plan, no participants.
Result<PlanParticipants> resolveSplitPlan(store::ProjectStore& store, store::Id planId, bool createWhenNone,
                                          uint64_t seed = 1, double valFraction = 0.15, double testFraction = 0.15);
// A plan by name (or id as text).
Result<store::Id> splitPlanIdByName(store::ProjectStore& store, const QString& nameOrId);

// Checks the request against the project and builds the job (worker/Job.h). Errors in words: no active
// version, busy, CUDA not present, a plan that splits segments, a read-only project...
// Split discipline: fine-tune trains on the plan's TRAIN participants, picks its epoch on VAL, never reads TEST;
// evaluate reads only the chosen split's participants and stores figures under metrics[split].
Result<std::shared_ptr<Job>> makeModelJob(const ModelJobRequest& request, store::ProjectStore& store);
// The same with the jobs' data source given (the CLI runs jobs inline over its own connection).
Result<std::shared_ptr<Job>> makeModelJob(const ModelJobRequest& request, store::ProjectStore& store,
                                          const ProjectDataFactory& data);

} // namespace mas::worker
