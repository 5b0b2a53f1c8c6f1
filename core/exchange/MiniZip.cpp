#include "exchange/MiniZip.h"

#include <array>

namespace mas::exchange {
namespace {

const std::array<uint32_t, 256>& crcTable()
{
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

void put16(QByteArray& b, uint32_t v)
{
    b.append(char(v & 0xff));
    b.append(char((v >> 8) & 0xff));
}
void put32(QByteArray& b, uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}
uint32_t get16(const QByteArray& b, qsizetype at)
{
    return uint32_t(uchar(b[at])) | uint32_t(uchar(b[at + 1])) << 8;
}
uint32_t get32(const QByteArray& b, qsizetype at) { return get16(b, at) | get16(b, at + 2) << 16; }

} // namespace

uint32_t crc32(const QByteArray& data)
{
    const auto& t = crcTable();
    uint32_t c = 0xFFFFFFFFu;
    for (const char ch : data)
        c = t[(c ^ uchar(ch)) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

QByteArray writeStoredZip(const QVector<ZipEntry>& entries, const QDateTime& modified)
{
    const QDate d = modified.date();
    const QTime t = modified.time();
    const uint32_t dosTime = uint32_t(t.hour() << 11 | t.minute() << 5 | t.second() / 2);
    const uint32_t dosDate = uint32_t(std::max(0, d.year() - 1980) << 9 | d.month() << 5 | d.day());
    QByteArray zip;
    QByteArray central;
    for (const ZipEntry& e : entries) {
        const QByteArray name = e.name.toUtf8();
        const uint32_t crc = crc32(e.data);
        const uint32_t offset = uint32_t(zip.size());
        put32(zip, 0x04034b50);
        put16(zip, 10);          // version needed: 1.0 (stored)
        put16(zip, 0x0800);      // UTF-8 names
        put16(zip, 0);           // stored
        put16(zip, dosTime);
        put16(zip, dosDate);
        put32(zip, crc);
        put32(zip, uint32_t(e.data.size()));
        put32(zip, uint32_t(e.data.size()));
        put16(zip, uint32_t(name.size()));
        put16(zip, 0);
        zip += name;
        zip += e.data;

        put32(central, 0x02014b50);
        put16(central, 0x031E);  // made by: Unix, 3.0
        put16(central, 10);
        put16(central, 0x0800);
        put16(central, 0);
        put16(central, dosTime);
        put16(central, dosDate);
        put32(central, crc);
        put32(central, uint32_t(e.data.size()));
        put32(central, uint32_t(e.data.size()));
        put16(central, uint32_t(name.size()));
        put16(central, 0);       // extra
        put16(central, 0);       // comment
        put16(central, 0);       // disk
        put16(central, 0);       // internal attributes
        put32(central, 0100644u << 16); // external: regular file, rw-r--r--
        put32(central, offset);
        central += name;
    }
    const uint32_t centralOffset = uint32_t(zip.size());
    zip += central;
    put32(zip, 0x06054b50);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, uint32_t(entries.size()));
    put16(zip, uint32_t(entries.size()));
    put32(zip, uint32_t(central.size()));
    put32(zip, centralOffset);
    put16(zip, 0);
    return zip;
}

Result<QVector<ZipEntry>> readStoredZip(const QByteArray& zip)
{
    QVector<ZipEntry> out;
    qsizetype at = 0;
    while (at + 30 <= zip.size() && get32(zip, at) == 0x04034b50) {
        const uint32_t flags = get16(zip, at + 6);
        const uint32_t method = get16(zip, at + 8);
        const uint32_t crc = get32(zip, at + 14);
        const qsizetype compressed = get32(zip, at + 18);
        const qsizetype nameLength = get16(zip, at + 26);
        const qsizetype extraLength = get16(zip, at + 28);
        if (method != 0)
            return Error{QStringLiteral("zip entry at byte %1 is compressed (method %2); only stored entries are read")
                             .arg(at).arg(method)};
        if (flags & 0x0008)
            return Error{QStringLiteral("zip entry at byte %1 uses a data descriptor; not supported").arg(at)};
        const qsizetype dataAt = at + 30 + nameLength + extraLength;
        if (dataAt + compressed > zip.size())
            return Error{QStringLiteral("zip is truncated in the entry at byte %1").arg(at)};
        ZipEntry e;
        e.name = QString::fromUtf8(zip.mid(at + 30, nameLength));
        e.data = zip.mid(dataAt, compressed);
        if (crc32(e.data) != crc)
            return Error{QStringLiteral("zip entry %1 fails its CRC-32 check").arg(e.name)};
        out.push_back(std::move(e));
        at = dataAt + compressed;
    }
    if (out.isEmpty())
        return Error{QStringLiteral("not a zip file (no local file header)")};
    return out;
}

} // namespace mas::exchange
