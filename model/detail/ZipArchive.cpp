#include "detail/ZipArchive.h"

#include "detail/Crc32.h"
#include "detail/LittleEndian.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mas::model::detail {

namespace {

class FileSource final : public ByteSource {
public:
    FileSource(int fd, uint64_t size) : m_fd(fd), m_size(size) {}
    ~FileSource() override { ::close(m_fd); }
    uint64_t size() const override { return m_size; }
    bool read(uint64_t offset, void* out, size_t n) const override
    {
        if (offset > m_size || n > m_size - offset)
            return false;
        auto* p = static_cast<char*>(out);
        while (n > 0) {
            const ssize_t got = ::pread(m_fd, p, std::min<size_t>(n, size_t(1) << 30), static_cast<off_t>(offset));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return false;
            p += got;
            n -= static_cast<size_t>(got);
            offset += static_cast<uint64_t>(got);
        }
        return true;
    }

private:
    int m_fd;
    uint64_t m_size;
};

class MemorySource final : public ByteSource {
public:
    explicit MemorySource(std::string bytes) : m_bytes(std::move(bytes)) {}
    uint64_t size() const override { return m_bytes.size(); }
    bool read(uint64_t offset, void* out, size_t n) const override
    {
        if (offset > m_bytes.size() || n > m_bytes.size() - offset)
            return false;
        std::memcpy(out, m_bytes.data() + offset, n);
        return true;
    }

private:
    std::string m_bytes;
};

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64End = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;
constexpr size_t kMaxNameLength = 4096;

Status zipError(const std::string& what) { return Status::failure("zip: " + what); }

} // namespace

Result<std::shared_ptr<ByteSource>> openFileSource(const std::string& path)
{
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return Result<std::shared_ptr<ByteSource>>::failure("cannot open the file (" + std::string(std::strerror(errno)) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Result<std::shared_ptr<ByteSource>>::failure("not a regular file");
    }
    return std::shared_ptr<ByteSource>(std::make_shared<FileSource>(fd, static_cast<uint64_t>(st.st_size)));
}

std::shared_ptr<ByteSource> memorySource(std::string bytes) { return std::make_shared<MemorySource>(std::move(bytes)); }

Result<ZipArchive> ZipArchive::open(std::shared_ptr<ByteSource> source, uint64_t maxRecords)
{
    const uint64_t fileSize = source->size();
    if (fileSize < 22)
        return zipError("file too short for a zip (" + std::to_string(fileSize) + " bytes)");
    // The end-of-directory record is in the last 22 + 65535 (comment) bytes.
    const uint64_t tailSize = std::min<uint64_t>(fileSize, 22 + 65535 + 20);
    std::vector<uint8_t> tail(static_cast<size_t>(tailSize));
    if (!source->read(fileSize - tailSize, tail.data(), tail.size()))
        return zipError("cannot read the end of the file");
    int64_t at = -1;
    for (int64_t i = static_cast<int64_t>(tailSize) - 22; i >= 0; --i)
        if (le32(&tail[static_cast<size_t>(i)]) == kEndOfDirectory) {
            at = i;
            break;
        }
    if (at < 0)
        return zipError("no end-of-directory record (truncated file?)");
    const uint8_t* eocd = &tail[static_cast<size_t>(at)];
    uint64_t entries = le16(eocd + 10), directorySize = le32(eocd + 12), directoryOffset = le32(eocd + 16);
    if (le16(eocd + 4) != 0 || le16(eocd + 6) != 0)
        return zipError("multi-disk archives are not supported");
    if (entries == 0xFFFF || directorySize == 0xFFFFFFFFu || directoryOffset == 0xFFFFFFFFu) {
        // zip64: the locator sits just before the end-of-directory record.
        if (at < 20 || le32(eocd - 20) != kZip64Locator)
            return zipError("zip64 sizes without a zip64 locator");
        const uint64_t recordAt = le64(eocd - 20 + 8);
        uint8_t rec[56];
        if (recordAt > fileSize || !source->read(recordAt, rec, sizeof rec) || le32(rec) != kZip64End)
            return zipError("bad zip64 end-of-directory record");
        entries = le64(rec + 32);
        directorySize = le64(rec + 40);
        directoryOffset = le64(rec + 48);
    }
    if (entries == 0)
        return zipError("the archive is empty");
    if (entries > maxRecords)
        return zipError(std::to_string(entries) + " entries, more than the limit of " + std::to_string(maxRecords));
    if (directoryOffset > fileSize || directorySize > fileSize - directoryOffset || directorySize < entries * 46)
        return zipError("the central directory lies outside the file");
    std::vector<uint8_t> dir(static_cast<size_t>(directorySize));
    if (!source->read(directoryOffset, dir.data(), dir.size()))
        return zipError("cannot read the central directory");

    ZipArchive archive;
    archive.m_source = std::move(source);
    size_t pos = 0;
    for (uint64_t i = 0; i < entries; ++i) {
        if (dir.size() - pos < 46 || le32(&dir[pos]) != kDirectoryEntry)
            return zipError("central directory entry " + std::to_string(i) + " is malformed");
        const uint8_t* e = &dir[pos];
        ZipRecord r;
        r.flags = le16(e + 8);
        r.method = le16(e + 10);
        r.crc = le32(e + 16);
        uint64_t compressed = le32(e + 20);
        r.size = le32(e + 24);
        const size_t nameLength = le16(e + 28), extraLength = le16(e + 30), commentLength = le16(e + 32);
        r.localHeader = le32(e + 42);
        if (dir.size() - pos - 46 < nameLength + extraLength + commentLength)
            return zipError("central directory entry " + std::to_string(i) + " runs past the directory");
        if (nameLength == 0 || nameLength > kMaxNameLength)
            return zipError("central directory entry " + std::to_string(i) + " has a bad name length");
        r.name.assign(reinterpret_cast<const char*>(e + 46), nameLength);
        // zip64 extra field: the 0xFFFFFFFF fields, in the order size, compressed size, offset.
        const uint8_t* extra = e + 46 + nameLength;
        for (size_t x = 0; x + 4 <= extraLength;) {
            const uint16_t id = le16(extra + x), length = le16(extra + x + 2);
            if (x + 4 + length > extraLength)
                break;
            if (id == 0x0001) {
                const uint8_t* f = extra + x + 4;
                size_t left = length;
                auto take = [&](uint64_t& field) {
                    if (field != 0xFFFFFFFFu)
                        return;
                    if (left >= 8) {
                        field = le64(f);
                        f += 8;
                        left -= 8;
                    }
                };
                take(r.size);
                take(compressed);
                take(r.localHeader);
            }
            x += 4 + length;
        }
        if (r.method == 0 && compressed != r.size)
            return zipError(r.name + ": stored record with differing sizes (" + std::to_string(compressed) + " and " +
                            std::to_string(r.size) + ")");
        if (r.localHeader >= fileSize)
            return zipError(r.name + ": local header offset past the end of the file");
        if (archive.m_records.count(r.name))
            return zipError("duplicate entry " + r.name);
        if (i == 0) {
            const size_t slash = r.name.find('/');
            if (slash == std::string::npos || slash == 0)
                return zipError("first entry '" + r.name + "' is not inside an archive folder");
            archive.m_prefix = r.name.substr(0, slash + 1);
        }
        archive.m_records.emplace(r.name, std::move(r));
        pos += 46 + nameLength + extraLength + commentLength;
    }
    return archive;
}

const ZipRecord* ZipArchive::find(const std::string& name) const
{
    auto it = m_records.find(m_prefix + name);
    return it == m_records.end() ? nullptr : &it->second;
}

Result<uint64_t> ZipArchive::dataOffset(const ZipRecord& r) const
{
    if (r.flags & 0x1)
        return zipError(r.name + " is encrypted");
    if (r.method == 8)
        return zipError(r.name + " is compressed (deflated); checkpoints store their records uncompressed, "
                                 "compressed ones are refused");
    if (r.method != 0)
        return zipError(r.name + " uses compression method " + std::to_string(r.method));
    uint8_t header[30];
    if (!m_source->read(r.localHeader, header, sizeof header) || le32(header) != kLocalHeader)
        return zipError(r.name + ": bad local header");
    const uint64_t nameLength = le16(header + 26), extraLength = le16(header + 28);
    if (nameLength != r.name.size())
        return zipError(r.name + ": local header names another entry");
    std::string name(nameLength, '\0');
    if (!m_source->read(r.localHeader + 30, name.data(), name.size()) || name != r.name)
        return zipError(r.name + ": local header names another entry");
    const uint64_t start = r.localHeader + 30 + nameLength + extraLength;
    const uint64_t fileSize = m_source->size();
    if (start > fileSize || r.size > fileSize - start)
        return zipError(r.name + ": " + std::to_string(r.size) + " bytes of data run past the end of the file (truncated?)");
    return start;
}

Status ZipArchive::read(const ZipRecord& r, void* out, uint64_t keep) const
{
    Result<uint64_t> start = dataOffset(r);
    if (!start)
        return start.status();
    if (keep > r.size)
        return zipError(r.name + ": " + std::to_string(keep) + " bytes asked of a record of " + std::to_string(r.size));
    uint32_t crc = 0;
    auto* dst = static_cast<char*>(out);
    constexpr uint64_t kChunk = uint64_t(8) << 20;
    uint64_t done = 0;
    std::vector<char> scratch;
    while (done < r.size) {
        const uint64_t n = std::min(kChunk, r.size - done);
        char* into;
        uint64_t part = n;
        if (done < keep) {
            part = std::min(n, keep - done);
            into = dst + done;
        } else {
            scratch.resize(static_cast<size_t>(n));
            into = scratch.data();
        }
        if (!m_source->read(start.value() + done, into, static_cast<size_t>(part)))
            return zipError(r.name + ": read error");
        crc = crc32Update(crc, into, static_cast<size_t>(part));
        done += part;
    }
    if (crc != r.crc)
        return zipError(r.name + ": CRC-32 mismatch (the file is damaged)");
    return Status::success();
}

} // namespace mas::model::detail
