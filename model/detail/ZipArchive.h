#pragma once
// Internal: a reader of torch.save's zip container that treats the file as hostile. Only stored (uncompressed)
// records are accepted; every size and offset is checked against the file before anything is allocated, and
// each record's CRC-32 is verified, so a truncated or bit-flipped file is an error, not garbage weights.
// (caffe2's PyTorchStreamReader inflates deflated records and allocates whatever size a header claims.)
#include "ModelStatus.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace mas::model::detail {

// Random access to the bytes of a file or a buffer.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    // Exactly n bytes at offset into out; false on a short read or error.
    virtual bool read(uint64_t offset, void* out, size_t n) const = 0;
};

// A regular file (FIFOs, devices and folders are refused: they could block or never end).
Result<std::shared_ptr<ByteSource>> openFileSource(const std::string& path);
std::shared_ptr<ByteSource> memorySource(std::string bytes);

struct ZipRecord {
    std::string name;         // full name, archive prefix included
    uint64_t size = 0;        // uncompressed = stored size
    uint64_t localHeader = 0; // offset of the local file header
    uint32_t crc = 0;
    uint16_t method = 0;
    uint16_t flags = 0;
};

class ZipArchive {
public:
    // Parses the central directory (zip64 included). maxRecords bounds the entry count.
    static Result<ZipArchive> open(std::shared_ptr<ByteSource> source, uint64_t maxRecords);

    // torch.save puts every record under one folder ("archive/data.pkl"): the first entry's folder.
    const std::string& prefix() const { return m_prefix; }
    // By name under the prefix ("data.pkl", "data/0"); nullptr when absent.
    const ZipRecord* find(const std::string& name) const;
    // Reads a stored record: exactly record.size bytes, of which the first `keep` go to out (the rest are only
    // checksummed). Errors: compressed or encrypted records, a bad local header, data past the end, a CRC mismatch.
    Status read(const ZipRecord& record, void* out, uint64_t keep) const;
    // The location of a record's data, checked (method, header, bounds), without reading it.
    Result<uint64_t> dataOffset(const ZipRecord& record) const;

private:
    std::shared_ptr<ByteSource> m_source;
    std::map<std::string, ZipRecord> m_records;
    std::string m_prefix;
};

} // namespace mas::model::detail
