#pragma once
// Keeps a second process from writing a project this process writes: an exclusive flock on the
// sidecar `P.mas.lock`, holding the owner's pid for the message the other process shows. The
// kernel drops the lock when the process dies (kill -9 included), so a stale file never blocks.
// Within one process the lock is shared by every connection to the same file.
#include "util/Result.h"

#include <QString>

#include <memory>
#include <optional>

namespace mas::store {

class ProjectLock {
public:
    ~ProjectLock();
    ProjectLock(const ProjectLock&) = delete;
    ProjectLock& operator=(const ProjectLock&) = delete;

    struct HeldElsewhere {
        qint64 pid = 0; // 0 when the holder wrote none yet
    };
    // The lock, or (when another process holds it) who holds it; Error for file system failures.
    static Result<std::shared_ptr<ProjectLock>> acquire(const QString& projectPath,
                                                        std::optional<HeldElsewhere>* heldElsewhere);
    static QString lockPathFor(const QString& projectPath);

private:
    static Result<std::shared_ptr<ProjectLock>> acquireOnce(const QString& lockPath, const QString& projectPath,
                                                            std::optional<HeldElsewhere>* heldElsewhere);
    ProjectLock(QString lockPath, int fd) : m_lockPath(std::move(lockPath)), m_fd(fd) {}
    QString m_lockPath;
    int m_fd = -1;
};

} // namespace mas::store
