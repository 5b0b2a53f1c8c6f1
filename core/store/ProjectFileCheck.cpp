#include "store/ProjectFileCheck.h"

#include <QFile>
#include <QFileInfo>

namespace mas::store {
namespace {

quint32 bigEndian32(const QByteArray& bytes, int offset)
{
    const auto* p = reinterpret_cast<const uchar*>(bytes.constData() + offset);
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
}

bool looksLikeText(const QByteArray& bytes)
{
    for (char c : bytes) {
        const auto u = uchar(c);
        if (u == 0 || (u < 0x20 && c != '\n' && c != '\r' && c != '\t'))
            return false;
    }
    return !bytes.isEmpty();
}

} // namespace

Status checkProjectFileBytes(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error{QStringLiteral("%1: no such project file").arg(path)};
    if (info.isDir())
        return Error{QStringLiteral("%1: is a folder, not a project file").arg(path)};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString())};
    const qint64 size = file.size();
    if (size == 0)
        return Error{QStringLiteral("%1: empty file, not a MicroAction Studio project").arg(path)};
    const QByteArray header = file.read(100);
    static const QByteArray magic("SQLite format 3\0", 16);
    if (!header.startsWith(magic)) {
        if (looksLikeText(header))
            return Error{QStringLiteral("%1: a text file, not a MicroAction Studio project (projects are SQLite databases)")
                             .arg(path)};
        return Error{QStringLiteral("%1: not a MicroAction Studio project (not a SQLite database file)").arg(path)};
    }
    if (header.size() < 100)
        return Error{QStringLiteral("%1: truncated (%2 bytes; a SQLite header alone is 100)").arg(path).arg(size)};
    quint32 pageSize = (quint32(uchar(header[16])) << 8) | quint32(uchar(header[17]));
    if (pageSize == 1)
        pageSize = 65536;
    const quint32 changeCounter = bigEndian32(header, 24);
    const quint32 pageCount = bigEndian32(header, 28);
    const quint32 validFor = bigEndian32(header, 92);
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        return Error{QStringLiteral("%1: damaged (invalid SQLite page size %2)").arg(path).arg(pageSize)};
    // The header's page count is trustworthy only when its "valid-for" matches the change counter.
    if (validFor == changeCounter && pageCount > 0 && size < qint64(pageCount) * pageSize)
        return Error{QStringLiteral("%1: truncated (%2 bytes, its header says %3); restore it from a backup")
                         .arg(path)
                         .arg(size)
                         .arg(qint64(pageCount) * pageSize)};
    if (size % pageSize != 0)
        return Error{QStringLiteral("%1: truncated (%2 bytes is not a whole number of %3-byte pages); restore it from a backup")
                         .arg(path)
                         .arg(size)
                         .arg(pageSize)};
    return Status::success();
}

} // namespace mas::store
