#pragma once
// Which network a job starts from: the project's active version, a version by id or name, an official
// MANet checkpoint file (or the app's own), a torchvision ImageNet ResNet (backbone init), or a random init.
// Every model that makes predictions is registered as a model version in the project first, so
// predictions are always tagged with a version. Torch-free.
#include "ManetModel.h"
#include "ProjectData.h"
#include "video/ClipPipeline.h"

#include <functional>

namespace mas::worker {

struct ModelSource {
    enum class Kind { Active, Version, Checkpoint, ImagenetInit, RandomInit };
    Kind kind = Kind::Active;
    QString reference;           // version id or name, or a file path
    model::ManetConfig config;   // shape for ImagenetInit / RandomInit
    int inputSize = 224;         // crop size for ImagenetInit / RandomInit (checkpoints say their own)
    uint64_t seed = 0;           // RandomInit

    // "" -> active version; "imagenet:FILE"; "random" or "random:DEPTH"; an existing file -> checkpoint;
    // anything else -> a version id or name.
    static ModelSource parse(const QString& text);
    QString describe() const;
};

struct LoadedModel {
    model::ManetModel model;
    ModelVersionRecord version;       // as registered in the project
    ClipPipelineConfig pipeline;      // segments and input size the model expects
};

// Loads (and registers when new) the model on `device`. Errors name the file or version.
Result<LoadedModel> loadModel(const ModelSource& source, ProjectData& data, model::Device device);

// Saves `model` as a new version: checkpoint under `<cache>/models/<name>/model.pt` (never overwriting),
// then the version record. `draft.name` is made unique (suffix -2, -3...). Returns the added record.
Result<ModelVersionRecord> saveNewModelVersion(ProjectData& data, const model::ManetModel& model,
                                               ModelVersionRecord draft, const ClipPipelineConfig& pipeline);

// Where a version's checkpoint lives in the project's cache: <cacheDir>/models/<name, unsafe characters as '_'>.
QString modelCacheFolder(const QString& cacheDir, const QString& versionName);
// `base` (trimmed; "model" when empty), else base-2, base-3...: the first name that `takenByVersion` says no
// version has and whose cache folder does not exist yet.
QString firstFreeVersionName(const QString& base, const QString& cacheDir,
                             const std::function<bool(const QString&)>& takenByVersion);

// The pipeline a checkpoint's metadata asks for (input_size, short_side); 224/256 when it says nothing.
ClipPipelineConfig pipelineFromMetadata(const std::string& metadataJson, int segments);
// The same pipeline from a checkpoint's description (inspectCheckpointShapes), before its weights are loaded.
ClipPipelineConfig pipelineForCheckpoint(const model::CheckpointInfo& info);

// The class -> body part map for a model with `numClasses` classes: MA-52's for 52, else one body part per class
// unless the version's hyper-parameters carry "class_to_body_part".
std::vector<int> classToBodyPartFor(const ModelVersionRecord& version, int numClasses);

model::Device deviceFromName(const QString& name); // "cpu", "cuda", anything else: Auto

} // namespace mas::worker
