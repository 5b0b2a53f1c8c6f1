#include "store/ServerConnection.h"

#include "store/ServerCredentials.h"

#include <QDir>
#include <QSqlDriver>
#include <QSqlError>
#include <QStandardPaths>
#include <QThread>

#include <atomic>

namespace mas::store {
namespace {

QString serverConnectionName()
{
    static std::atomic<qint64> counter{0};
    return QStringLiteral("mas_server_%1_%2").arg(++counter).arg(reinterpret_cast<quintptr>(QThread::currentThreadId()), 0, 16);
}

void configure(QSqlDatabase& db, const ServerUrl& url)
{
    if (!url.host.isEmpty())
        db.setHostName(url.host);
    if (url.port > 0)
        db.setPort(url.port);
    db.setDatabaseName(url.dbname);
    if (!url.user.isEmpty())
        db.setUserName(url.user);
    // No password here ever: libpq reads PGPASSWORD / ~/.pgpass itself.
    QStringList options{QStringLiteral("application_name=mastudio")};
    if (!url.sslmode.isEmpty())
        options << QStringLiteral("sslmode=") + url.sslmode;
    options << QStringLiteral("connect_timeout=") + (url.connectTimeout.isEmpty() ? QStringLiteral("10") : url.connectTimeout);
    db.setConnectOptions(options.join(';'));
}

QString driverMessage(const QSqlError& e)
{
    const QString m = e.databaseText().isEmpty() ? e.text() : e.databaseText();
    return m.simplified(); // libpq's lines and tabs, as one line
}

// libpq found no password (PGPASSWORD, ~/.pgpass), or the server refused the one it had.
bool needsPassword(const QSqlError& e)
{
    const QString m = driverMessage(e);
    return m.contains(QLatin1String("no password supplied")) || m.contains(QLatin1String("password authentication failed"));
}

bool isMissingDatabase(const QSqlError& e)
{
    return e.nativeErrorCode() == QLatin1String("3D000") || driverMessage(e).contains(QLatin1String("does not exist"));
}

Status createDatabase(ProjectStore::Impl& d)
{
    const QString name = serverConnectionName();
    Status result = [&]() -> Status {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        configure(admin, d.server->withDatabase(QStringLiteral("postgres")));
        admin.setPassword(d.db.password());
        if (!admin.open())
            return d.error(QStringLiteral("the database does not exist and the server's 'postgres' database could not be "
                                          "reached to create it (%1)").arg(driverMessage(admin.lastError())));
        QSqlQuery q(admin);
        // template0 with UTF-8: a project's text is Unicode whatever the server's default is.
        if (!q.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING 'UTF8'").arg(SqlDialect::quoteIdentifier(d.server->dbname))))
            return d.error(QStringLiteral("the database does not exist and could not be created (%1); ask the server's "
                                          "administrator for it or for CREATEDB").arg(driverMessage(q.lastError())));
        return Status::success();
    }();
    QSqlDatabase::removeDatabase(name);
    return result;
}

// Notices (e.g. "relation exists, skipping") are not errors; times are stored as numbers. Raw
// queries, not d.exec: this also runs while reconnecting, which d.exec itself may ask for.
Status applySessionSettings(ProjectStore::Impl& d)
{
    QStringList settings{QStringLiteral("SET client_min_messages = warning")};
    if (d.readOnly)
        settings << QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    for (const QString& s : settings)
        if (QSqlQuery q(d.db); !q.exec(s))
            return d.error(QStringLiteral("%1 failed: %2").arg(s, driverMessage(q.lastError())));
    return Status::success();
}

} // namespace

Status connectServer(ProjectStore::Impl& d, bool createMissingDatabase)
{
    d.connectionName = serverConnectionName();
    d.db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), d.connectionName);
    if (!d.db.isValid())
        return d.error(QStringLiteral("the Qt PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) is not installed"));
    configure(d.db, *d.server);
    // A password this process was given for the server before (never stored anywhere else).
    const QString url = d.server->display();
    if (const QString known = detail::serverPassword(url, false); !known.isEmpty())
        d.db.setPassword(known);
    bool opened = d.db.open();
    if (!opened && needsPassword(d.db.lastError())) {
        detail::forgetServerPassword(url);
        if (const QString asked = detail::serverPassword(url, true); !asked.isEmpty()) {
            d.db.setPassword(asked);
            opened = d.db.open();
            if (!opened)
                detail::forgetServerPassword(url);
        }
    }
    if (!opened) {
        const QSqlError e = d.db.lastError();
        if (!(createMissingDatabase && isMissingDatabase(e)))
            return d.error(QStringLiteral("cannot connect (%1)").arg(driverMessage(e)));
        if (Status s = createDatabase(d); !s.ok())
            return s;
        if (!d.db.open())
            return d.error(QStringLiteral("cannot connect (%1)").arg(driverMessage(d.db.lastError())));
    }
    return applySessionSettings(d);
}

bool serverConnectionAlive(const ProjectStore::Impl& d)
{
    if (!d.db.isOpen())
        return false;
    QSqlQuery probe(d.db);
    return probe.exec(QStringLiteral("SELECT 1")) && probe.next();
}

Status reconnectServer(ProjectStore::Impl& d)
{
    // A server that does not answer at all (not even "refused") costs libpq's connect timeout per
    // try, and a window's reload reads many times: such a failure is repeated for a while instead.
    constexpr qint64 kSlowFailureHoldMs = 20000;
    if (!d.slowReconnectFailure.isEmpty() && nowMs() - d.slowReconnectFailedAtMs < kSlowFailureHoldMs)
        return Error{d.slowReconnectFailure};
    QSqlDriver* driver = d.db.driver();
    // close() forgets the subscriptions: kept here until a try succeeds.
    d.channelsToListenAgain += driver->subscribedToNotifications();
    d.channelsToListenAgain.removeDuplicates();
    d.db.close();
    const qint64 tried = nowMs();
    if (!d.db.open()) {
        const QString failure = QStringLiteral("Cannot reach %1: %2 — your edit was not saved")
                                    .arg(d.path, driverMessage(d.db.lastError()));
        if (nowMs() - tried > 1000) {
            d.slowReconnectFailure = failure;
            d.slowReconnectFailedAtMs = nowMs();
        }
        return Error{failure};
    }
    d.slowReconnectFailure.clear();
    if (Status s = applySessionSettings(d); !s.ok())
        return s;
    for (const QString& channel : std::as_const(d.channelsToListenAgain))
        if (!driver->subscribeToNotification(channel))
            return d.error(QStringLiteral("reconnected, but listening for teammates' edits failed"));
    d.channelsToListenAgain.clear();
    ++d.reconnects;
    return Status::success();
}

Status decideServerMode(ProjectStore::Impl& d)
{
    d.readOnly = d.mode == OpenMode::ReadOnly;
    if (d.readOnly)
        return Status::success();
    Result<QVariant> standby = d.scalar(QStringLiteral("SELECT pg_is_in_recovery()"));
    if (!standby.ok())
        return Error{standby.error()};
    Result<QVariant> mayEdit = d.scalar(QStringLiteral(
        "SELECT CASE WHEN to_regclass('segments') IS NULL THEN true ELSE has_table_privilege('segments', 'UPDATE') END"));
    if (!mayEdit.ok())
        return Error{mayEdit.error()};
    QString why;
    if (standby->toBool())
        why = QStringLiteral("the server is a read-only standby");
    else if (!mayEdit->toBool())
        why = QStringLiteral("the role %1 may not edit this project").arg(d.db.userName().isEmpty() ? QStringLiteral("in use") : d.db.userName());
    if (why.isEmpty())
        return Status::success();
    if (d.mode == OpenMode::ReadWrite)
        return d.error(why + QStringLiteral("; open it read-only or ask a curator for rights"));
    d.readOnly = true;
    d.notice = why + QStringLiteral("; opened read-only");
    Result<QSqlQuery> q = d.exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
    return q.ok() ? Status::success() : Status(Error{q.error()});
}

QString describeServerConnection(const ProjectStore::Impl& d)
{
    auto value = [&](const QString& sql) {
        Result<QVariant> v = d.scalar(sql);
        return v.ok() ? v->toString() : QStringLiteral("?");
    };
    return QStringLiteral("server=PostgreSQL %1 database=%2 user=%3 ssl=%4 read_only=%5")
        .arg(value(QStringLiteral("SHOW server_version")), d.server->dbname, value(QStringLiteral("SELECT current_user")),
             value(QStringLiteral("SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)")), d.readOnly ? QStringLiteral("1") : QStringLiteral("0"));
}

QString serverCacheDir(const ServerUrl& url)
{
    QString base = qEnvironmentVariable("XDG_CACHE_HOME");
    if (base.isEmpty())
        base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.cache");
    return base + QStringLiteral("/MicroActionStudio/servers/") + url.cacheKey();
}

} // namespace mas::store
