#include "LabelEmbeddings.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mas::model {

namespace {

uint64_t splitmix64(uint64_t& state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A unit vector from a fixed stream: uniform values in [-1, 1), normalised.
std::vector<double> unitVector(uint64_t seed, int64_t dim)
{
    std::vector<double> v(static_cast<size_t>(dim));
    double norm = 0;
    for (double& x : v) {
        x = static_cast<double>(splitmix64(seed) >> 11) / 9007199254740992.0 * 2.0 - 1.0;
        norm += x * x;
    }
    norm = std::sqrt(norm);
    for (double& x : v)
        x /= norm > 0 ? norm : 1;
    return v;
}

} // namespace

namespace {

// The text after `'key':` (spaces skipped) in a .npy header dict, or npos.
size_t headerValue(const std::string& header, const std::string& key)
{
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos)
        return at;
    at += key.size() + 2;
    while (at < header.size() && header[at] == ' ')
        ++at;
    if (at >= header.size() || header[at] != ':')
        return std::string::npos;
    ++at;
    while (at < header.size() && header[at] == ' ')
        ++at;
    return at;
}

// A decimal number of at most 9 digits at `at` (advanced past it); -1 otherwise.
int64_t smallNumber(const std::string& text, size_t& at)
{
    int64_t n = 0;
    size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        if (++digits > 9)
            return -1;
        n = n * 10 + (text[at++] - '0');
    }
    return digits > 0 ? n : -1;
}

Result<LabelEmbeddings> readNpy(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Result<LabelEmbeddings>::failure(path + ": cannot open the file");
    char magic[8] = {};
    in.read(magic, 8);
    if (in.gcount() != 8 || std::memcmp(magic, "\x93NUMPY", 6) != 0)
        return Result<LabelEmbeddings>::failure(path + ": not a .npy file");
    uint32_t headerLength = 0;
    if (magic[6] == 1) {
        uint16_t n = 0;
        in.read(reinterpret_cast<char*>(&n), 2);
        headerLength = n;
    } else {
        in.read(reinterpret_cast<char*>(&headerLength), 4);
    }
    if (!in || headerLength > 65536)
        return Result<LabelEmbeddings>::failure(path + ": bad .npy header");
    std::string header(headerLength, '\0');
    in.read(header.data(), headerLength);
    if (!in)
        return Result<LabelEmbeddings>::failure(path + ": the .npy header is cut short");
    size_t at = headerValue(header, "descr");
    if (at == std::string::npos || at + 4 >= header.size() || header[at] != '\'')
        return Result<LabelEmbeddings>::failure(path + ": .npy without a dtype");
    const char order = header[at + 1], kind = header[at + 2], widthChar = header[at + 3];
    if (order == '>' || kind != 'f' || (widthChar != '4' && widthChar != '8') || header[at + 4] != '\'')
        return Result<LabelEmbeddings>::failure(path + ": .npy must hold little-endian float32 or float64 values");
    const int width = widthChar - '0';
    at = headerValue(header, "fortran_order");
    if (at != std::string::npos && header.compare(at, 4, "True") == 0)
        return Result<LabelEmbeddings>::failure(path + ": .npy in Fortran order is not supported");
    at = headerValue(header, "shape");
    int64_t classes = -1, dim = -1;
    if (at != std::string::npos && at < header.size() && header[at] == '(') {
        ++at;
        classes = smallNumber(header, at);
        if (at < header.size() && header[at] == ',') {
            ++at;
            while (at < header.size() && header[at] == ' ')
                ++at;
            dim = smallNumber(header, at);
            if (at >= header.size() || header[at] != ')')
                dim = -1;
        }
    }
    if (classes < 0 || dim < 0)
        return Result<LabelEmbeddings>::failure(path + ": .npy must be 2-D [classes, dim]");
    LabelEmbeddings e;
    e.classes = classes;
    e.dim = dim;
    e.source = path;
    if (e.classes <= 0 || e.dim <= 0 || e.classes * e.dim > (int64_t(1) << 28))
        return Result<LabelEmbeddings>::failure(path + ": implausible shape [" + std::to_string(classes) + ", " +
                                                std::to_string(dim) + "]");
    const size_t count = static_cast<size_t>(e.classes * e.dim);
    // The data must be there before memory is taken for it.
    const std::streampos dataStart = in.tellg();
    in.seekg(0, std::ios::end);
    const std::streampos end = in.tellg();
    if (dataStart < 0 || end < dataStart || static_cast<uint64_t>(end - dataStart) < count * static_cast<uint64_t>(width))
        return Result<LabelEmbeddings>::failure(path + ": the file is shorter than its shape says");
    in.seekg(dataStart);
    e.values.resize(count);
    if (width == 4) {
        in.read(reinterpret_cast<char*>(e.values.data()), static_cast<std::streamsize>(count * 4));
    } else {
        std::vector<double> d(count);
        in.read(reinterpret_cast<char*>(d.data()), static_cast<std::streamsize>(count * 8));
        for (size_t i = 0; i < count; ++i)
            e.values[i] = static_cast<float>(d[i]);
    }
    if (!in)
        return Result<LabelEmbeddings>::failure(path + ": the file is shorter than its shape says");
    return e;
}

} // namespace

Result<LabelEmbeddings> LabelEmbeddings::loadNpy(const std::string& path)
{
    try {
        return readNpy(path);
    } catch (const std::bad_alloc&) {
        return Result<LabelEmbeddings>::failure(path + ": out of memory reading the .npy file");
    } catch (const std::exception& e) {
        return Result<LabelEmbeddings>::failure(path + ": " + e.what());
    }
}

namespace {
Status writeNpy(const LabelEmbeddings& e, const std::string& path)
{
    const int64_t classes = e.classes, dim = e.dim;
    const std::vector<float>& values = e.values;
    std::ostringstream h;
    h << "{'descr': '<f4', 'fortran_order': False, 'shape': (" << classes << ", " << dim << "), }";
    std::string header = h.str();
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return Status::failure(path + ": cannot write the file");
    const uint16_t n = static_cast<uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    out.write(reinterpret_cast<const char*>(&n), 2);
    out << header;
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * 4));
    return out ? Status::success() : Status::failure(path + ": writing failed");
}

} // namespace

Status LabelEmbeddings::saveNpy(const std::string& path) const
{
    try {
        return writeNpy(*this, path);
    } catch (const std::exception& e) {
        return Status::failure(path + ": " + e.what());
    }
}

LabelEmbeddings LabelEmbeddings::deriveFromTaxonomy(const std::vector<int>& classToBodyPart, int64_t dim)
{
    LabelEmbeddings e;
    e.classes = static_cast<int64_t>(classToBodyPart.size());
    e.dim = dim;
    e.source = "derived:taxonomy-v1";
    for (int part : classToBodyPart)
        if (dim <= 0 || dim > 65536 || part < -1) { // nothing sensible to derive (no Result here): an empty matrix
            e.classes = e.dim = 0;
            return e;
        }
    e.values.reserve(static_cast<size_t>(e.classes * dim));
    for (int64_t k = 0; k < e.classes; ++k) {
        const auto part = unitVector(0x424F4459ull * 1000003ull + static_cast<uint64_t>(classToBodyPart[k] + 1), dim);
        const auto own = unitVector(0x434C4153ull * 1000003ull + static_cast<uint64_t>(k), dim);
        std::vector<double> v(static_cast<size_t>(dim));
        double norm = 0;
        for (int64_t i = 0; i < dim; ++i) {
            v[i] = 0.6 * part[i] + 0.8 * own[i];
            norm += v[i] * v[i];
        }
        norm = std::sqrt(norm);
        for (double x : v)
            e.values.push_back(static_cast<float>(0.5 * x / norm));
    }
    return e;
}

} // namespace mas::model
