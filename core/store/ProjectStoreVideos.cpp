// Videos: adding (one or in bulk), reading, missing files and relinking them.
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "video/VideoProbe.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>

namespace mas::store {
namespace {

constexpr char kInsertVideo[] =
    "INSERT INTO videos(path, content_hash, participant_id, duration_s, fps_num, fps_den, frame_count, width, height, "
    "rotation, has_audio, missing, added_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

void bindVideo(QSqlQuery& q, const Video& v, const QString& relativePath, bool missing)
{
    const QVariantList values{relativePath,      v.contentHash,    nullableId(v.participantId), v.durationSeconds,
                              v.fpsNum,          v.fpsDen,         qlonglong(v.frameCount),     v.width,
                              v.height,          v.rotationDegrees, v.hasAudio ? 1 : 0,         missing ? 1 : 0,
                              nowMs()};
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, notNullText(values[i]));
}

} // namespace

Result<Id> ProjectStore::addVideo(const Video& video)
{
    QVector<Id> ids;
    Result<int> n = addVideos({video}, {}, &ids);
    if (!n.ok())
        return Error{n.error()};
    return ids.value(0);
}

Result<int> ProjectStore::addVideos(const QVector<Video>& videos, const BatchControl& control, QVector<Id>* ids)
{
    QVector<NewVideo> plain;
    plain.reserve(videos.size());
    for (const Video& v : videos)
        plain.push_back({v, {}, false});
    return importVideos(plain, control, ids);
}

Result<int> ProjectStore::importVideos(const QVector<NewVideo>& newVideos, const BatchControl& control, QVector<Id>* ids)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("importing videos")); !s.ok())
        return Error{s.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    QSqlQuery insert(d->db);
    if (!insert.prepare(QString::fromLatin1(kInsertVideo)))
        return d->sqlError(QStringLiteral("preparing the video insert"), insert);
    QSqlQuery insertSegment(d->db);
    if (!insertSegment.prepare(QStringLiteral("INSERT INTO segments(video_id, start_frame, end_frame, created_by, "
                                              "created_ms) VALUES(?, 0, ?, ?, ?)")))
        return d->sqlError(QStringLiteral("preparing the segment insert"), insertSegment);
    QHash<QString, Id> participants;
    QVector<Id> added;
    added.reserve(newVideos.size());
    int segments = 0;
    const int total = newVideos.size();
    for (int i = 0; i < total; ++i) {
        if (control.cancel && control.cancel->load())
            return d->error(QStringLiteral("adding videos cancelled; nothing was added"));
        Video v = newVideos[i].video;
        if (const QString& code = newVideos[i].participantCode; !code.isEmpty()) {
            if (!participants.contains(code)) {
                Result<QVariant> existing = d->scalar(QStringLiteral("SELECT id FROM participants WHERE code = ?"), {code});
                if (!existing.ok())
                    return Error{existing.error()};
                Id pid = existing->isNull() ? 0 : existing->toLongLong();
                if (pid == 0) {
                    Result<QSqlQuery> p = d->exec(QStringLiteral("INSERT INTO participants(code) VALUES(?)"), {code});
                    if (!p.ok())
                        return Error{p.error()};
                    pid = p->lastInsertId().toLongLong();
                }
                participants.insert(code, pid);
            }
            v.participantId = participants.value(code);
        }
        const QString relative = d->toProjectRelative(v.path);
        bindVideo(insert, v, relative, !QFileInfo::exists(d->toAbsolute(relative)));
        if (!insert.exec()) {
            if (SqlDialect::isUniqueViolation(insert.lastError()))
                return d->error(QStringLiteral("the video %1 is already in the project").arg(relative));
            return d->sqlError(QStringLiteral("adding the video %1").arg(relative), insert);
        }
        added << insert.lastInsertId().toLongLong();
        if (newVideos[i].wholeClipSegment) {
            if (v.frameCount <= 0)
                return d->error(QStringLiteral("%1 has no frame count; cannot make a whole-clip segment").arg(relative));
            insertSegment.bindValue(0, qlonglong(added.back()));
            insertSegment.bindValue(1, qlonglong(v.frameCount));
            insertSegment.bindValue(2, nullableId(d->currentAnnotatorId));
            insertSegment.bindValue(3, nowMs());
            if (!insertSegment.exec())
                return d->sqlError(QStringLiteral("adding the whole-clip segment of %1").arg(relative), insertSegment);
            ++segments;
        }
        if (total == 1) {
            Video logged = v;
            logged.path = relative;
            if (Status s = d->logEdit(QStringLiteral("video.add"), QStringLiteral("video"), added.back(), {}, toJson(logged));
                !s.ok())
                return Error{s.error()};
        }
        if (control.progress && (i % 256 == 255 || i + 1 == total))
            control.progress(i + 1, total);
    }
    if (total > 1 || segments > 0)
        if (Status s = d->logEdit(QStringLiteral("video.add_batch"), QStringLiteral("video"), added.value(0), {},
                                  {{"count", int(added.size())}, {"first_id", qint64(added.value(0))},
                                   {"last_id", qint64(added.value(added.size() - 1))}, {"segments", segments},
                                   {"participants_seen", int(participants.size())}});
            !s.ok())
            return Error{s.error()};
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    if (ids)
        *ids = added;
    return int(added.size());
}

Result<Video> ProjectStore::video(Id id) const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM videos WHERE id = ?").arg(QLatin1String(kVideoColumns)),
                                  {qlonglong(id)});
    if (!q.ok())
        return Error{q.error()};
    if (!q->next())
        return d->error(QStringLiteral("no video with id %1").arg(id));
    Video v = videoFromRow(q.value());
    d->checkMissingOnRead(v);
    return v;
}

Result<QVector<Video>> ProjectStore::videos() const
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM videos ORDER BY path").arg(QLatin1String(kVideoColumns)));
    if (!q.ok())
        return Error{q.error()};
    QVector<Video> out;
    while (q->next()) {
        out << videoFromRow(q.value());
        d->checkMissingOnRead(out.back());
    }
    return out;
}

std::optional<Id> ProjectStore::videoIdByPath(const QString& path) const
{
    Result<QVariant> v = d->scalar(QStringLiteral("SELECT id FROM videos WHERE path = ?"), {d->toProjectRelative(path)});
    if (!v.ok() || v->isNull())
        return std::nullopt;
    return Id(v->toLongLong());
}

QString ProjectStore::absoluteVideoPath(const Video& video) const { return d->toAbsolute(video.path); }

Result<QString> ProjectStore::absoluteVideoPath(Id videoId) const
{
    Result<Video> v = video(videoId);
    if (!v.ok())
        return Error{v.error()};
    return absoluteVideoPath(v.value());
}

Result<int> ProjectStore::refreshMissingFlags()
{
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT id, path, missing FROM videos"));
    if (!q.ok())
        return Error{q.error()};
    QVector<std::pair<Id, bool>> changed;
    int missing = 0;
    while (q->next()) {
        const bool isMissing = !QFileInfo::exists(d->toAbsolute(q->value(1).toString()));
        missing += isMissing ? 1 : 0;
        if (isMissing != (q->value(2).toInt() != 0))
            changed.push_back({q->value(0).toLongLong(), isMissing});
    }
    if (changed.isEmpty() || d->missingPerClient())
        return missing;
    // The flag is a cache of the file system, not a user edit: no edit-log row.
    Transaction tx(*d);
    if (!tx.status().ok())
        return Error{tx.status().error()};
    for (const auto& [id, isMissing] : changed) {
        Result<QSqlQuery> u = d->exec(QStringLiteral("UPDATE videos SET missing = ? WHERE id = ?"),
                                      {isMissing ? 1 : 0, qlonglong(id)});
        if (!u.ok())
            return Error{u.error()};
    }
    if (Status s = tx.commit(); !s.ok())
        return Error{s.error()};
    return missing;
}

Status ProjectStore::relinkVideo(Id videoId, const QString& newPath, bool allowDifferentContent)
{
    if (Status s = d->requireRole(ProjectRole::Curator, QStringLiteral("relinking a video")); !s.ok())
        return s;
    Result<Video> v = video(videoId);
    if (!v.ok())
        return Error{v.error()};
    const QString absolute = QFileInfo(d->toAbsolute(newPath)).absoluteFilePath();
    if (!QFileInfo(absolute).isFile())
        return Error{QStringLiteral("%1: no such video file (relinking %2)").arg(absolute, v->path)};
    Result<QString> hash = contentHash(absolute);
    if (!hash.ok())
        return Error{hash.error()};
    if (!v->contentHash.isEmpty() && hash.value() != v->contentHash && !allowDifferentContent)
        return Error{QStringLiteral("%1: not the same content as the project's %2 (content hash %3, expected %4)")
                         .arg(absolute, v->path, hash->left(12), v->contentHash.left(12))};
    const QString relative = d->toProjectRelative(absolute);
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QSqlQuery> u = d->exec(QStringLiteral("UPDATE videos SET path = ?, content_hash = ?, missing = 0 WHERE id = ?"),
                                  {relative, hash.value(), qlonglong(videoId)});
    if (!u.ok())
        return Error{u.error()};
    if (Status s = d->logEdit(QStringLiteral("video.relink"), QStringLiteral("video"), videoId, toJson(v.value()),
                              {{"path", relative}, {"hash", hash.value()}});
        !s.ok())
        return s;
    return tx.commit();
}

Result<RelinkReport> ProjectStore::relinkFolder(const QString& dir)
{
    if (!QFileInfo(dir).isDir())
        return Error{QStringLiteral("%1: no such folder").arg(dir)};
    if (Status s = d->requireWritable(); !s.ok())
        return Error{s.error()};
    if (Result<int> r = refreshMissingFlags(); !r.ok())
        return Error{r.error()};
    Result<QSqlQuery> q = d->exec(QStringLiteral("SELECT %1 FROM videos%2")
                                      .arg(QLatin1String(kVideoColumns),
                                           d->missingPerClient() ? QString() : QStringLiteral(" WHERE missing = 1")));
    if (!q.ok())
        return Error{q.error()};
    QVector<Video> missing;
    while (q->next()) {
        Video v = videoFromRow(q.value());
        d->checkMissingOnRead(v);
        if (v.missing)
            missing << v;
    }
    RelinkReport report;
    if (missing.isEmpty())
        return report;

    QMultiHash<QString, QString> byName; // file name -> absolute paths under dir
    QDirIterator it(dir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        byName.insert(QFileInfo(file).fileName(), file);
    }
    QHash<QString, QString> byHash; // computed lazily, only when a name does not match
    bool hashedAll = false;
    for (const Video& v : missing) {
        const QString name = QFileInfo(v.path).fileName();
        QString found;
        for (const QString& candidate : byName.values(name)) {
            if (v.contentHash.isEmpty()) {
                if (byName.count(name) == 1)
                    found = candidate;
                else
                    report.messages << QStringLiteral("%1: several files named %2 and no stored hash to choose; not relinked")
                                           .arg(v.path, name);
                break;
            }
            Result<QString> h = contentHash(candidate);
            if (h.ok() && h.value() == v.contentHash) {
                found = candidate;
                break;
            }
        }
        if (found.isEmpty() && !v.contentHash.isEmpty()) {
            if (!hashedAll) {
                for (auto f = byName.cbegin(); f != byName.cend(); ++f)
                    if (Result<QString> h = contentHash(f.value()); h.ok())
                        byHash.insert(h.value(), f.value());
                hashedAll = true;
            }
            found = byHash.value(v.contentHash);
        }
        if (found.isEmpty()) {
            ++report.stillMissing;
            continue;
        }
        if (Status s = relinkVideo(v.id, found); !s.ok()) {
            report.messages << s.error();
            ++report.stillMissing;
            continue;
        }
        ++report.relinked;
        report.messages << QStringLiteral("%1 -> %2").arg(v.path, d->toProjectRelative(found));
    }
    return report;
}

Status ProjectStore::removeVideo(Id videoId)
{
    if (Status s = d->requireRole(ProjectRole::Admin, QStringLiteral("removing a video")); !s.ok())
        return s;
    Result<Video> v = video(videoId);
    if (!v.ok())
        return Error{v.error()};
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    Result<QSqlQuery> q = d->exec(QStringLiteral("DELETE FROM videos WHERE id = ?"), {qlonglong(videoId)});
    if (!q.ok())
        return Error{q.error()};
    if (Status s = d->logEdit(QStringLiteral("video.remove"), QStringLiteral("video"), videoId, toJson(v.value()), {});
        !s.ok())
        return s;
    return tx.commit();
}

} // namespace mas::store
