#include "detail/Crc32.h"

#include "detail/LittleEndian.h"

#include <array>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MAS_CRC32_FOLDING 1
#endif

namespace mas::model::detail {

namespace {

struct CrcTables {
    std::array<std::array<uint32_t, 256>, 8> t{};
    CrcTables()
    {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i)
            for (size_t s = 1; s < 8; ++s)
                t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
};

const CrcTables& crcTables()
{
    static const CrcTables tables;
    return tables;
}

// The register form (not inverted) of the table method.
uint32_t tablesRaw(uint32_t crc, const uint8_t* p, size_t n)
{
    const auto& t = crcTables().t;
    while (n >= 8) {
        const uint32_t a = le32(p) ^ crc, b = le32(p + 4);
        crc = t[7][a & 0xFF] ^ t[6][(a >> 8) & 0xFF] ^ t[5][(a >> 16) & 0xFF] ^ t[4][a >> 24] ^ t[3][b & 0xFF] ^
              t[2][(b >> 8) & 0xFF] ^ t[1][(b >> 16) & 0xFF] ^ t[0][b >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        crc = t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

#ifdef MAS_CRC32_FOLDING

#define MAS_FOLD_TARGET __attribute__((target("pclmul,sse4.1")))

MAS_FOLD_TARGET inline __m128i load(const uint8_t* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); }

// lane * x^k (the two halves by their constants) + the next 16 bytes.
MAS_FOLD_TARGET inline __m128i fold(__m128i lane, __m128i constants, __m128i next)
{
    const __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00), high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

// Folding by carry-less multiplication (Gopal et al., "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ", Intel 2009), with the constants of the reflected IEEE polynomial: x^(4*128+32) and x^(4*128-32)
// mod P for four lanes, x^(128+32) and x^(128-32) mod P for one, x^64 mod P, then Barrett's reduction with
// P' and mu = floor(x^64 / P). `n` is a multiple of 16, at least 64; `crc` in register form.
MAS_FOLD_TARGET uint32_t foldRaw(uint32_t crc, const uint8_t* p, size_t n)
{
    const __m128i fourLanes = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
    const __m128i oneLane = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
    const __m128i toSixtyFour = _mm_set_epi64x(0, 0x163cd6124);
    const __m128i barrett = _mm_set_epi64x(0x1f7011641, 0x1db710641);
    const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(int(crc))), x1 = load(p + 16), x2 = load(p + 32),
            x3 = load(p + 48);
    p += 64;
    n -= 64;
    for (; n >= 64; p += 64, n -= 64) {
        x0 = fold(x0, fourLanes, load(p));
        x1 = fold(x1, fourLanes, load(p + 16));
        x2 = fold(x2, fourLanes, load(p + 32));
        x3 = fold(x3, fourLanes, load(p + 48));
    }
    x0 = fold(x0, oneLane, x1);
    x0 = fold(x0, oneLane, x2);
    x0 = fold(x0, oneLane, x3);
    for (; n >= 16; p += 16, n -= 16)
        x0 = fold(x0, oneLane, load(p));
    // 128 -> 64 bits, then 64 -> 32 (each also appending 32 zero bits), then Barrett.
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), _mm_clmulepi64_si128(oneLane, x0, 0x01));
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 4), _mm_clmulepi64_si128(_mm_and_si128(x0, low32), toSixtyFour, 0x00));
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
    return uint32_t(_mm_extract_epi32(_mm_xor_si128(x0, t), 1));
}

bool cpuFolds()
{
    static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    return yes;
}

#endif

} // namespace

uint32_t crc32UpdateByTables(uint32_t crc, const void* data, size_t n)
{
    return ~tablesRaw(~crc, static_cast<const uint8_t*>(data), n);
}

uint32_t crc32Update(uint32_t crc, const void* data, size_t n)
{
    const auto* p = static_cast<const uint8_t*>(data);
    uint32_t raw = ~crc;
#ifdef MAS_CRC32_FOLDING
    if (n >= 64 && cpuFolds()) {
        const size_t folded = n & ~size_t(15);
        raw = foldRaw(raw, p, folded);
        p += folded;
        n -= folded;
    }
#endif
    return ~tablesRaw(raw, p, n);
}

} // namespace mas::model::detail
