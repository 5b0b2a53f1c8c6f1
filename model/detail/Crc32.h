#pragma once
// CRC-32 (IEEE 802.3, reflected: zip's and zlib's), for checking checkpoint archives. Where the CPU multiplies
// carry-less (PCLMULQDQ: x86-64 since 2010), 64-byte blocks are folded four lanes at a time (~10x the table
// method); elsewhere, and for short runs and tails, slicing by 8 (~2 GB/s).
#include <cstddef>
#include <cstdint>

namespace mas::model::detail {

// The CRC of data[0, n) continued from `crc` (0 to start), as zlib's crc32(crc, data, n).
uint32_t crc32Update(uint32_t crc, const void* data, size_t n);

// The table method alone (the reference the folding is checked against).
uint32_t crc32UpdateByTables(uint32_t crc, const void* data, size_t n);

} // namespace mas::model::detail
