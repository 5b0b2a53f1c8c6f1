#pragma once
// What bench_model and bench_gpu share: LibTorch- and Qt-free (both build under MAS_MODEL_ONLY).
#include "RelativeDifference.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace mas::bench {

// How far the app's logits are from eager's (relativeDifference); NaN without eager's (b empty), for the table.
inline double maxRelativeDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    return b.empty() ? NAN : test::relativeDifference(a, b);
}

// "1,32" -> {1, 32}; items that are not positive numbers are dropped.
inline std::vector<int> parseList(const std::string& text)
{
    std::vector<int> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (const int v = std::atoi(item.c_str()); v > 0)
            out.push_back(v);
    return out;
}

inline double peakRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;
}

// The text of a file (the one-line JSON reference_manet.py --bench prints), or "".
inline std::string fileText(const std::string& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A number ("key": value) or a string ("key": "value") from that JSON; 0 or "" when absent.
inline double jsonNumber(const std::string& json, const std::string& key)
{
    const auto at = json.find("\"" + key + "\": ");
    return at == std::string::npos ? 0 : std::atof(json.c_str() + at + key.size() + 4);
}

inline std::string jsonString(const std::string& json, const std::string& key)
{
    const auto at = json.find("\"" + key + "\": \"");
    if (at == std::string::npos)
        return {};
    const auto begin = at + key.size() + 5;
    return json.substr(begin, json.find('"', begin) - begin);
}

} // namespace mas::bench
