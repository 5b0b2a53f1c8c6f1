#pragma once
// The [K, D] label-embedding matrix the embedding branch regresses to (loss: CE + 50 x MSE).
// The benchmark's matrix (mean word vectors of the class names) cannot ship with the product: a user
// gives its .npy path; without one, `deriveFromTaxonomy` builds a deterministic default.
#include "ModelStatus.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mas::model {

struct LabelEmbeddings {
    int64_t classes = 0;
    int64_t dim = 0;
    std::vector<float> values; // row-major [classes, dim]
    std::string source;        // file path, or "derived:taxonomy-v1" for the default

    const float* row(int64_t k) const { return values.data() + k * dim; }

    // A float32 (or float64, converted) 2-D .npy, C order, little-endian.
    static Result<LabelEmbeddings> loadNpy(const std::string& path);
    Status saveNpy(const std::string& path) const;

    // The default without a word-vector file: row k = normalise(0.6 * u(body part of k) + 0.8 * u(class k)) * 0.5,
    // where u(s) is a unit vector drawn from a fixed splitmix64 stream seeded by s (separate streams for body
    // parts and classes). Classes of one body part share a component (cosine ~0.36 between them), as
    // semantically close names do in word-vector space; norm 0.5 keeps targets in tanh range.
    // Deterministic across platforms and runs.
    static LabelEmbeddings deriveFromTaxonomy(const std::vector<int>& classToBodyPart, int64_t dim = 300);
};

} // namespace mas::model
