#pragma once
// Pre-labeling. Clip level: every segment without a confirmed label gets its top-k classes with scores and
// body-part scores, tagged with the model version, committed per batch; on restart the items that already
// have a prediction from that version are skipped. Long footage (slidingWindow): windows slid over each
// whole video, confident classes merged into proposed segments stored as pre-labeled segments, per video.
// Torch-free header.
#include "Job.h"
#include "ModelSource.h"
#include "SegmentProposals.h"

namespace mas::worker {

struct PrelabelOptions {
    ModelSource model;                  // default: the active version
    model::Device device = model::Device::Auto;
    int batchSize = 8;
    int topK = 5;
    bool keepProbabilities = false;     // store all class probabilities (folder back end only)
    bool includeConfirmed = false;      // also segments with a confirmed label (evaluation uses this)
    std::vector<ClipItem> items;        // when not empty: these instead of the project's segments
    QStringList itemKeys;               // when not empty: only the project's segments with these keys
    bool alsoUnsegmentedVideos = false; // after the segments, slide windows over videos without any segment
    bool slidingWindow = false;         // long footage instead of segments
    SlidingWindowOptions windows;
    QStringList videos;                 // sliding window: these instead of every project video
    int threads = 0;                    // torch intra-op threads (0: all cores)
    bool bfloat16 = false;              // CPU inference in bf16 (ManetModel::setBFloat16Inference)
    DecoderOptions decoder;
};

class PrelabelJob : public Job {
public:
    PrelabelJob(ProjectDataFactory data, PrelabelOptions options);
    QString name() const override;
    Status run(JobContext& context) override;

    // Figures in the outcome: "model_version", "model_version_name", "clips", "clips_per_second",
    // "model_clips_per_second" (model calls alone), "decode_wait_seconds", "proposals" (sliding window).
private:
    Status runClips(JobContext& context, ProjectData& data, LoadedModel& model);
    Status runWindows(JobContext& context, ProjectData& data, LoadedModel& model);

    ProjectDataFactory m_data;
    PrelabelOptions m_options;
};

} // namespace mas::worker
