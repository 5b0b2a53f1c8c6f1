#pragma once
// Pooled backbone features per clip ([segments, featureDim] float32), cached as files next to the project
// (`<cache>/features/<model version>/<item hash>.f32`), computed once per model version, read by the fast
// (head-only) fine-tune. Each file is written whole or not at all. Torch-free.
#include "ManetModel.h"
#include "util/Result.h"

#include <QString>

#include <vector>

namespace mas::worker {

class FeatureCache {
public:
    FeatureCache(QString cacheDir, QString modelVersionId);

    QString folder() const { return m_folder; }
    bool contains(const QString& itemKey) const;
    Status store(const QString& itemKey, int64_t segments, int64_t featureDim, const float* values) const;
    // One clip's features: [segments, featureDim].
    Result<std::vector<float>> load(const QString& itemKey, int64_t* segments = nullptr, int64_t* featureDim = nullptr) const;
    // Many clips stacked as the head trainer wants them; an error names the first missing or damaged file.
    Result<model::PooledFeatures> loadMany(const QVector<QString>& itemKeys) const;

private:
    QString pathOf(const QString& itemKey) const;
    QString m_folder;
};

} // namespace mas::worker
