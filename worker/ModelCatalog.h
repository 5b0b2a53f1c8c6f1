#pragma once
// The project's model catalogue, torch-free (used by the GUI's Model menu and the CLI verbs): what a
// checkpoint file holds, bringing one into the project (copied atomically into its cache), making a new
// model, exporting, renaming and deleting versions, and what compute the machine offers.
#include "store/StoreTypes.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {

struct CheckpointSummary {
    QString path;
    QString format;          // "mmaction2" | "mastudio" | "torchvision" | "state_dict"
    QString origin;          // in words: "MA-52 authors' mmaction2 MANet", "MicroAction Studio checkpoint",
                             // "torchvision ImageNet ResNet (backbone only)"
    int depth = 0;
    int numClasses = 0;
    int inputSize = 0;       // crop size the model expects (224 when the file does not say)
    int segments = 0;        // 0 when unknown
    int embeddingDim = 0;
    qint64 parameterCount = 0;
    qint64 entryCount = 0;
    bool hasOptimizer = false;
    bool usableAsModel = false;
    bool usableAsBackbone = false;
    QString refusal;         // why it cannot be imported ("" when it can)
    QString metadataJson;    // the file's "meta" as JSON
};

// Thread-safe: no store access. An error only when the file cannot be read at all; a file that is read
// but cannot be used says why in `refusal`.
Result<CheckpointSummary> inspectModelFile(const QString& path);

// Copies the file atomically into <project>.cache/models/<name>/ (tmp + fsync + rename) and registers a
// version (kind "pretrained" for the authors' file, "imported" for the app's). A torchvision backbone is
// copied to <cache>/backbones/ instead and an untrained MANet version is made from it.
// `inputSize` > 0: the crop size to run a file at that does not say its own (the authors' files: 224).
Result<store::Id> importCheckpoint(store::ProjectStore& store, const QString& path, const QString& name = {},
                                   bool activate = false, int inputSize = 0);
QStringList importedBackbones(store::ProjectStore& store); // files under <cache>/backbones/ (absolute)

// A new MANet (depth 18/34/50) from an imported ImageNet backbone file or random weights ("" backbone),
// kind "untrained"; inputSize default 224, segments 8.
Result<store::Id> createModel(store::ProjectStore& store, int depth, const QString& backboneFile, const QString& name,
                              int inputSize = 224, int segments = 8);
// The version's weights in the authors' key layout (state_dict + meta), written atomically.
Status exportModelVersion(store::ProjectStore& store, store::Id version, const QString& outPath);
Status renameModelVersion(store::ProjectStore& store, store::Id version, const QString& newName);
// Its predictions and cached checkpoint too; children are re-parented to its parent.
Status deleteModelVersion(store::ProjectStore& store, store::Id version);
// A version by id (as text) or name.
Result<store::ModelVersion> findModelVersion(store::ProjectStore& store, const QString& idOrName);

struct ComputeCapabilities {
    bool cuda = false;
    bool cpuBFloat16 = false;
    // AMX tiles (Xeon Sapphire Rapids and later): oneDNN runs bf16 convolutions on them, which makes bf16
    // pre-labels ~1.7x faster than float32 end to end; with AVX512-BF16 alone bf16 can be slower.
    bool cpuAmxBFloat16 = false;
};
// What Preferences may offer ("cuda" only when present, "cpu-bf16" only on CPUs with native bf16).
ComputeCapabilities computeCapabilities();

} // namespace mas::worker
