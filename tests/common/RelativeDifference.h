#pragma once
// max |a - b| / max |b|: the relative difference the parity tests bound and the model benchmarks print.
// Infinite when the two differ in size or b is empty. Qt- and LibTorch-free (the MAS_MODEL_ONLY benchmarks use it).
#include <algorithm>
#include <cmath>
#include <vector>

namespace mas::test {

inline double relativeDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size() || b.empty())
        return INFINITY;
    double diff = 0, scale = 1e-12;
    for (size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, std::abs(double(a[i]) - double(b[i])));
        scale = std::max(scale, std::abs(double(b[i])));
    }
    return diff / scale;
}

} // namespace mas::test
