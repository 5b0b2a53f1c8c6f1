#include "exchange/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryFile>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace mas::exchange {

Status writeFileAtomically(const QString& path, const QByteArray& content, const std::atomic_bool* cancel)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{QStringLiteral("%1: cannot create the folder %2").arg(path, info.absolutePath())};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString())};
    constexpr qint64 chunk = 1 << 20;
    for (qint64 at = 0; at < content.size(); at += chunk) {
        if (cancel && cancel->load()) {
            file.cancelWriting();
            return Error{QStringLiteral("%1: cancelled; nothing was written").arg(path)};
        }
        const qint64 len = std::min(chunk, content.size() - at);
        if (file.write(content.constData() + at, len) != len) {
            file.cancelWriting();
            return Error{QStringLiteral("%1: write failed (%2)").arg(path, file.errorString())};
        }
    }
    if (cancel && cancel->load()) {
        file.cancelWriting();
        return Error{QStringLiteral("%1: cancelled; nothing was written").arg(path)};
    }
    if (!file.commit())
        return Error{QStringLiteral("%1: could not be saved (%2)").arg(path, file.errorString())};
    return Status::success();
}

Status writeFileAtomicallyUnsynced(const QString& path, const QByteArray& content)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{QStringLiteral("%1: cannot create the folder %2").arg(path, info.absolutePath())};
    QTemporaryFile temp(info.absolutePath() + QStringLiteral("/.") + info.fileName() + QStringLiteral(".XXXXXX"));
    if (!temp.open())
        return Error{QStringLiteral("%1: cannot write (%2)").arg(path, temp.errorString())};
    if (temp.write(content) != content.size() || !temp.flush())
        return Error{QStringLiteral("%1: write failed (%2)").arg(path, temp.errorString())};
    temp.close();
    if (std::rename(QFile::encodeName(temp.fileName()).constData(), QFile::encodeName(info.absoluteFilePath()).constData()) != 0)
        return Error{QStringLiteral("%1: could not be saved (rename failed)").arg(path)};
    temp.setAutoRemove(false); // renamed away: nothing left to remove
    return Status::success();
}

Status syncFolderToDisk(const QString& dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return Error{QStringLiteral("%1: cannot open the folder to sync it").arg(dir)};
    const int rc = ::syncfs(fd);
    ::close(fd);
    if (rc != 0)
        return Error{QStringLiteral("%1: syncing to disk failed").arg(dir)};
    return Status::success();
}

Result<QString> readTextFile(const QString& path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.exists())
        return Error{QStringLiteral("%1: no such file").arg(path)};
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString())};
    if (file.size() > maxBytes)
        return Error{QStringLiteral("%1: too large (%2 bytes)").arg(path).arg(file.size())};
    const QByteArray bytes = file.readAll();
    QString text = QString::fromUtf8(bytes);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    return text;
}

} // namespace mas::exchange
