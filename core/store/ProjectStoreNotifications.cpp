// ProjectStore::setChangeListener: other clients' edits of a server project, through PostgreSQL's
// LISTEN/NOTIFY (every edit's transaction NOTIFYs channel mas_edits with "<entity>:<id>").
#include "store/ProjectStore.h"
#include "store/ProjectStoreImpl.h"
#include "store/ServerConnection.h"

#include <QSqlDriver>

namespace mas::store {

bool ProjectStore::setChangeListener(std::function<void(const QString& entity, Id id)> listener)
{
    if (!d->isServer())
        return false;
    QSqlDriver* driver = d->db.driver();
    const QString channel = QStringLiteral("mas_edits");
    QObject::disconnect(driver, &QSqlDriver::notification, nullptr, nullptr);
    if (!listener) {
        driver->unsubscribeFromNotification(channel);
        return true;
    }
    if (!driver->subscribedToNotifications().contains(channel) && !driver->subscribeToNotification(channel))
        return false;
    QObject::connect(driver, &QSqlDriver::notification, driver,
                     [listener = std::move(listener), channel](const QString& name, QSqlDriver::NotificationSource source,
                                                               const QVariant& payload) {
                         if (name != channel || source == QSqlDriver::SelfSource)
                             return; // this connection's own edits are known to it already
                         const QString text = payload.toString();
                         listener(text.section(':', 0, 0), text.section(':', 1).toLongLong());
                     });
    return true;
}

Result<int> ProjectStore::keepServerConnection()
{
    if (!d->isServer() || d->transactionDepth > 0 || serverConnectionAlive(*d))
        return d->reconnects;
    if (Status s = reconnectServer(*d); !s.ok())
        return Error{s.error()};
    return d->reconnects;
}

} // namespace mas::store
