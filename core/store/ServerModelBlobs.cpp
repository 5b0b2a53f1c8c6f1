#include "store/ServerModelBlobs.h"

#include "store/ServerConnection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace mas::store {

QString cacheFolder(const ProjectStore::Impl& d)
{
    const QString dir = d.isServer() ? serverCacheDir(*d.server) : d.path + QStringLiteral(".cache");
    QDir().mkpath(dir);
    return dir;
}

Status ensureModelBlobTable(ProjectStore::Impl& d)
{
    Result<QVariant> exists = d.scalar(QStringLiteral("SELECT to_regclass('model_blobs') IS NOT NULL"));
    if (!exists.ok())
        return Error{exists.error()};
    if (exists->toBool())
        return Status::success();
    Result<QSqlQuery> q = d.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS model_blobs (model_version_id BIGINT PRIMARY KEY REFERENCES model_versions(id) "
        "ON DELETE CASCADE, file_name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, bytes BYTEA NOT NULL)"));
    return q.ok() ? Status::success() : Status(Error{q.error()});
}

Status uploadCheckpoint(ProjectStore::Impl& d, Id versionId, const QString& absoluteFile, QString* storedPath)
{
    const QString cache = cacheFolder(d);
    QFile file(absoluteFile);
    if (!file.exists()) {
        // Nothing to store (a path named ahead of its file): kept as the caller gave it.
        *storedPath = absoluteFile.startsWith(cache + '/') ? absoluteFile.mid(cache.size() + 1) : absoluteFile;
        return Status::success();
    }
    if (!file.open(QIODevice::ReadOnly))
        return d.error(QStringLiteral("cannot read the checkpoint %1 (%2)").arg(absoluteFile, file.errorString()));
    const QByteArray bytes = file.readAll();
    const QString name = QFileInfo(absoluteFile).fileName();
    *storedPath = QStringLiteral("models/%1/%2").arg(versionId).arg(name);
    QSqlQuery q(d.db);
    if (!q.prepare(QStringLiteral("INSERT INTO model_blobs(model_version_id, file_name, size, sha256, bytes) VALUES(?, ?, ?, ?, ?) "
                                  "ON CONFLICT(model_version_id) DO UPDATE SET file_name = excluded.file_name, "
                                  "size = excluded.size, sha256 = excluded.sha256, bytes = excluded.bytes")))
        return d.sqlError(QStringLiteral("storing the checkpoint of model version %1").arg(versionId), q);
    q.bindValue(0, qlonglong(versionId));
    q.bindValue(1, name);
    q.bindValue(2, qlonglong(bytes.size()));
    q.bindValue(3, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    q.bindValue(4, bytes);
    if (!q.exec())
        return d.sqlError(QStringLiteral("storing the checkpoint of model version %1").arg(versionId), q);
    // This client's materialised copy (so it need not fetch what it just sent).
    const QString local = cache + '/' + *storedPath;
    if (QFileInfo(local).absoluteFilePath() != QFileInfo(absoluteFile).absoluteFilePath()) {
        QDir().mkpath(QFileInfo(local).absolutePath());
        QSaveFile out(local);
        if (out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size())
            out.commit(); // a cache copy only: the bytes are safe in the database either way
    }
    return Status::success();
}

QString materialiseCheckpoint(const ProjectStore::Impl& d, Id versionId, const QString& storedPath)
{
    if (storedPath.isEmpty() || QDir::isAbsolutePath(storedPath))
        return storedPath;
    const QString local = cacheFolder(d) + '/' + storedPath;
    QSqlQuery size(d.db);
    if (!size.exec(QStringLiteral("SELECT size FROM model_blobs WHERE model_version_id = %1").arg(versionId)) || !size.next())
        return local; // no bytes stored for it
    if (QFileInfo(local).size() == size.value(0).toLongLong())
        return local;
    QSqlQuery q(d.db);
    if (!q.exec(QStringLiteral("SELECT bytes FROM model_blobs WHERE model_version_id = %1").arg(versionId)) || !q.next())
        return local;
    QDir().mkpath(QFileInfo(local).absolutePath());
    QSaveFile out(local);
    const QByteArray bytes = q.value(0).toByteArray();
    if (out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size())
        out.commit();
    return local;
}

} // namespace mas::store
