#pragma once
// Where a project file lives, as far as opening it safely is concerned: read-only media, a file
// marked read-only, a folder where SQLite cannot make its -wal/-shm files, and removable or network
// mounts (where memory-mapped reads turn a yanked stick or a dropped share into SIGBUS).
#include <QString>

namespace mas::store {

struct ProjectStorage {
    QString fileSystemType;          // "ext4", "nfs4", "vfat", ... ("" when unknown)
    bool readOnlyMedia = false;      // the file system is mounted read-only
    bool readOnlyFile = false;       // the file has no write permission bit (chmod a-w), or cannot be written
    bool folderNotWritable = false;  // no -wal/-shm/lock files can be made beside it
    bool removableOrNetwork = false; // network file system, or a removable device

    // Why the project must be opened read-only ("" when it need not be).
    QString readOnlyReason(const QString& fileName) const;
};

ProjectStorage inspectProjectStorage(const QString& path);

// Network or typically-removable file system types (nfs, cifs, sshfs, vfat, exfat, iso9660, ...).
bool isRemovableOrNetworkFileSystem(const QString& type);

} // namespace mas::store
