#pragma once
// The smallest zip the benchmark's server needs: one or more STORED (uncompressed) entries at the
// root, CRC-32 checked. Reading supports stored entries only (what writeStoredZip makes).
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QVector>

#include <cstdint>

namespace mas::exchange {

uint32_t crc32(const QByteArray& data);

struct ZipEntry {
    QString name;      // forward slashes, no leading slash
    QByteArray data;
};

QByteArray writeStoredZip(const QVector<ZipEntry>& entries, const QDateTime& modified = QDateTime::currentDateTime());
// Entries of a zip made of stored entries; errors say what is wrong (truncated, compressed, bad CRC).
Result<QVector<ZipEntry>> readStoredZip(const QByteArray& zip);

} // namespace mas::exchange
