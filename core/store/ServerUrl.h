#pragma once
// A server project's name: `postgresql://[user@][host][:port]/dbname[?host=/socket/dir&sslmode=...]`
// (or `postgres://`). Only what names the database is kept; a password in the URL is dropped and
// never stored or shown: credentials come from libpq's environment (PGPASSWORD, PGUSER, ...) and
// ~/.pgpass. Missing parts (host, port, user) are left to libpq's defaults (PGHOST, PGPORT, ...).
#include "util/Result.h"

#include <QString>

namespace mas::store {

// True for `postgresql://...` and `postgres://...` (a path never starts so).
bool isServerUrl(const QString& name);

struct ServerUrl {
    QString host;     // name, address or socket folder ("" = libpq's default)
    int port = -1;    // -1 = libpq's default
    QString dbname;
    QString user;     // "" = libpq's default
    QString sslmode;  // "" = libpq's default (PGSSLMODE)
    QString connectTimeout; // seconds, from ?connect_timeout=

    static Result<ServerUrl> parse(const QString& url);
    // The URL without a password, as shown in titles and error messages.
    QString display() const;
    // The same server and database with another database name (to create a missing one).
    ServerUrl withDatabase(const QString& name) const;
    // A short stable name for a local cache folder: "<host>_<db>_<hash>".
    QString cacheKey() const;
};

} // namespace mas::store
