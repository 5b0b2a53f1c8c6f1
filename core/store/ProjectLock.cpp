#include "store/ProjectLock.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QHash>
#include <QMutex>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mas::store {
namespace {

QMutex& registryMutex()
{
    static QMutex mutex;
    return mutex;
}

// Locks this process holds, by lock path: a second connection shares the first one's lock
// (two flocks on two descriptors of one process would exclude each other).
QHash<QString, std::weak_ptr<ProjectLock>>& registry()
{
    static QHash<QString, std::weak_ptr<ProjectLock>> locks;
    return locks;
}

qint64 readPid(int fd)
{
    char buffer[32] = {};
    const ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
    return n > 0 ? QByteArray(buffer, int(n)).trimmed().toLongLong() : 0;
}

QString systemError(const QString& path, const char* what)
{
    return QStringLiteral("%1: cannot %2 (%3)").arg(path, QString::fromLatin1(what), QString::fromLocal8Bit(strerror(errno)));
}

} // namespace

QString ProjectLock::lockPathFor(const QString& projectPath)
{
    return QFileInfo(projectPath).absoluteFilePath() + QStringLiteral(".lock");
}

Result<std::shared_ptr<ProjectLock>> ProjectLock::acquire(const QString& projectPath,
                                                         std::optional<HeldElsewhere>* heldElsewhere)
{
    if (heldElsewhere)
        heldElsewhere->reset();
    const QString lockPath = lockPathFor(projectPath);
    for (int wait = 0;; ++wait) {
        std::optional<HeldElsewhere> held;
        Result<std::shared_ptr<ProjectLock>> lock = acquireOnce(lockPath, projectPath, &held);
        // Our own pid: a lock of this process whose last owner is being destroyed right now.
        if (lock.ok() || !held || held->pid != getpid() || wait > 100) {
            if (heldElsewhere)
                *heldElsewhere = held;
            return lock;
        }
        QThread::msleep(5);
    }
}

Result<std::shared_ptr<ProjectLock>> ProjectLock::acquireOnce(const QString& lockPath, const QString& projectPath,
                                                             std::optional<HeldElsewhere>* heldElsewhere)
{
    QMutexLocker locker(&registryMutex());
    if (std::shared_ptr<ProjectLock> existing = registry().value(lockPath).lock())
        return existing;

    const QByteArray nativePath = QFile::encodeName(lockPath);
    // The holder unlinks the file when it lets go; a descriptor opened just before that points at
    // the unlinked file, so after locking check that the path still names what we locked.
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int fd = ::open(nativePath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return Error{systemError(lockPath, "create the lock file")};
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            if (err == EWOULDBLOCK) {
                if (heldElsewhere)
                    *heldElsewhere = HeldElsewhere{readPid(fd)};
                ::close(fd);
                return Error{QStringLiteral("%1 is locked by another process").arg(projectPath)};
            }
            ::close(fd);
            errno = err;
            return Error{systemError(lockPath, "lock")};
        }
        struct stat opened {};
        struct stat named {};
        if (fstat(fd, &opened) != 0 || stat(nativePath.constData(), &named) != 0 || opened.st_ino != named.st_ino
            || opened.st_dev != named.st_dev) {
            ::close(fd); // locked a file its holder had just unlinked: try the new one
            continue;
        }
        const QByteArray pid = QByteArray::number(qint64(getpid())) + '\n';
        if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.constData(), size_t(pid.size()), 0) != pid.size()) {
            ::close(fd);
            return Error{systemError(lockPath, "write the lock file")};
        }
        std::shared_ptr<ProjectLock> lock(new ProjectLock(lockPath, fd));
        registry().insert(lockPath, lock);
        return lock;
    }
    return Error{QStringLiteral("%1: the lock file keeps changing; another process is opening and closing the project")
                     .arg(lockPath)};
}

ProjectLock::~ProjectLock()
{
    QMutexLocker locker(&registryMutex());
    registry().remove(m_lockPath);
    // Unlink while still holding the lock, so that nobody locks a file that is about to vanish
    // without noticing (see acquire()).
    ::unlink(QFile::encodeName(m_lockPath).constData());
    ::close(m_fd);
}

} // namespace mas::store
