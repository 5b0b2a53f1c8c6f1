#include "store/ProjectStorage.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

#include <cerrno>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace mas::store {
namespace {

// /sys/class/block/<dev>/removable, also for a partition (its parent disk holds the flag).
bool deviceIsRemovable(const QByteArray& device)
{
    if (!device.startsWith("/dev/"))
        return false;
    const QString name = QFileInfo(QString::fromLocal8Bit(device)).canonicalFilePath().section('/', -1);
    if (name.isEmpty())
        return false;
    const QString block = QStringLiteral("/sys/class/block/") + name;
    for (const QString& flag : {block + QStringLiteral("/removable"), block + QStringLiteral("/../removable")}) {
        QFile f(flag);
        if (f.open(QIODevice::ReadOnly))
            return f.readAll().trimmed() == "1";
    }
    return false;
}

} // namespace

bool isRemovableOrNetworkFileSystem(const QString& type)
{
    static const QStringList kinds{
        // network
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph", "glusterfs",
        "lustre", "gpfs", "davfs", "fuse.sshfs", "sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gvfsd-fuse",
        // removable media
        "vfat", "msdos", "fat", "exfat", "iso9660", "udf", "hfs", "hfsplus", "fuseblk", "ntfs", "ntfs3"};
    const QString t = type.toLower();
    return kinds.contains(t) || t.startsWith(QLatin1String("nfs")) || t.startsWith(QLatin1String("fuse.sshfs"));
}

QString ProjectStorage::readOnlyReason(const QString& fileName) const
{
    if (readOnlyMedia)
        return QStringLiteral("%1 is on read-only media; opened read-only").arg(fileName);
    if (readOnlyFile)
        return QStringLiteral("%1 is a read-only file; opened read-only").arg(fileName);
    if (folderNotWritable)
        return QStringLiteral("the folder of %1 is not writable; opened read-only").arg(fileName);
    return {};
}

ProjectStorage inspectProjectStorage(const QString& path)
{
    ProjectStorage s;
    const QFileInfo info(path);
    const QByteArray local = QFile::encodeName(info.absoluteFilePath());
    const QByteArray folder = QFile::encodeName(info.absolutePath());
    struct statvfs fs {};
    if (statvfs(local.constData(), &fs) == 0 && (fs.f_flag & ST_RDONLY))
        s.readOnlyMedia = true;
    struct stat st {};
    // The permission bits, not access(): root may write any file, but a file its owner marked
    // read-only is meant to stay as it is.
    if (stat(local.constData(), &st) == 0 && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        s.readOnlyFile = true;
    if (access(local.constData(), W_OK) != 0 && errno != ENOENT)
        s.readOnlyFile = true;
    if (access(folder.constData(), W_OK) != 0)
        s.folderNotWritable = true;
    const QStorageInfo volume(info.absolutePath());
    if (volume.isValid()) {
        s.fileSystemType = QString::fromLatin1(volume.fileSystemType());
        if (volume.isReadOnly())
            s.readOnlyMedia = true;
        s.removableOrNetwork = isRemovableOrNetworkFileSystem(s.fileSystemType) || deviceIsRemovable(volume.device());
    }
    return s;
}

} // namespace mas::store
