#pragma once
// `classify VIDEO...`: top-k classes and body parts of whole videos with a MANet checkpoint file, outside any
// project. Torch-free header (the CLI includes it; model/ stays behind the worker).
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <functional>

namespace mas::worker {

struct ClassifyOptions {
    QString checkpoint;                 // a MANet checkpoint (the authors' or the app's)
    int expectedDepth = 0;              // when > 0: refuse a checkpoint of another depth
    int top = 5;
    QString device = QStringLiteral("auto"); // "cpu", "cuda", "auto"
    bool bfloat16 = false;
    int batch = 4;                      // videos per model call (the next ones decode meanwhile)
    int threads = 0;                    // model threads (0: all cores)
    int decoderThreads = 0;             // threads of each decoder (0: InferenceThreads' choice)
    int decoders = 0;                   // decoders side by side (0: InferenceThreads' choice)
};

// Where the time of a classify run went (for `classify --timings` and bench_prelabel).
struct ClassifyFigures {
    double loadSeconds = 0;  // reading the checkpoint, building the model
    double runSeconds = 0;   // from the first clip's decode to the last video's result
    double modelSeconds = 0; // inside the model calls
    double waitSeconds = 0;  // the model waiting for decoded clips
    int videos = 0;
    int modelThreads = 0;    // the thread split in effect
    int decoders = 0;
    int decoderThreads = 0;
};

struct ScoredClassId {
    int classId = -1;
    float score = 0.f;
};

struct ClassifiedVideo {
    QString video;
    QString error;                      // "" when classified; else names the file and the problem
    QVector<ScoredClassId> topClasses;  // best first
    QVector<float> bodyPartScores;
    int bodyPart = -1;                  // body part of the top-1 class
    QString colorConversion;
};

// Loads the model once, then one whole-video test clip per file: the clips are decoded on a thread of
// their own while the model runs on the batch before (the pipeline pre-labeling uses); a per-video
// failure is in its `error`. `onEach` (may be empty) hears each video as it is done, in order;
// `cancel` stops between batches.
Result<QVector<ClassifiedVideo>> classifyVideos(const QStringList& videos, const ClassifyOptions& options,
                                                const std::function<void(const ClassifiedVideo&)>& onEach = {},
                                                const std::atomic_bool* cancel = nullptr,
                                                ClassifyFigures* figures = nullptr);

} // namespace mas::worker
