#include "ShardSpec.h"

#include <QRegularExpression>

namespace mas::worker {

bool ShardSpec::containsVideo(store::Id videoId) const
{
    if (isWhole())
        return true;
    // Ids are positive; the modulo of a negative id (never made by the store) is kept in 0..N-1 anyway.
    const int64_t n = count;
    return int(((videoId % n) + n) % n) == index;
}

QString ShardSpec::text() const
{
    return QString("%1/%2").arg(index).arg(count);
}

Status validateShardSpec(const ShardSpec& shard)
{
    if (shard.count < 1)
        return Error{QString("%1: N must be at least 1").arg(shard.text())};
    if (shard.index < 0 || shard.index >= shard.count)
        return Error{QString("%1: K must be in 0..N-1 (here 0..%2)").arg(shard.text()).arg(shard.count - 1)};
    return Status::success();
}

Result<ShardSpec> parseShardSpec(const QString& text)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(-?\\d{1,9})\\s*/\\s*(-?\\d{1,9})\\s*$"));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return Error{QString("\"%1\": wants K/N, shard K (from 0) of N, e.g. 0/4").arg(text)};
    ShardSpec shard{m.captured(1).toInt(), m.captured(2).toInt()};
    if (const Status valid = validateShardSpec(shard); !valid)
        return Error{valid.error()};
    return shard;
}

} // namespace mas::worker
