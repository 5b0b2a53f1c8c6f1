#include "shell/ProjectName.h"

#include "store/ServerUrl.h"

#include <QFileInfo>
#include <QObject>

namespace mas::ui {

QString projectDisplayName(const QString& path)
{
    if (!store::isServerUrl(path))
        return QFileInfo(path).fileName();
    const auto url = store::ServerUrl::parse(path);
    if (!url)
        return QObject::tr("server project");
    if (url->host.isEmpty() || url->host.startsWith('/'))
        return QObject::tr("%1 (local socket)").arg(url->dbname);
    return QObject::tr("%1 on %2").arg(url->dbname, url->port > 0 ? url->host + ':' + QString::number(url->port) : url->host);
}

QString projectBaseName(const QString& path)
{
    if (!store::isServerUrl(path))
        return QFileInfo(path).completeBaseName();
    const auto url = store::ServerUrl::parse(path);
    return url && !url->dbname.isEmpty() ? url->dbname : QStringLiteral("project");
}

QString projectRecentKey(const QString& path)
{
    if (!store::isServerUrl(path))
        return QFileInfo(path).absoluteFilePath();
    const auto url = store::ServerUrl::parse(path);
    return url ? url->display() : QString();
}

} // namespace mas::ui
