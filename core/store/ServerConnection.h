#pragma once
// The PostgreSQL connection of a server project (QPSQL): credentials from libpq's environment and
// ~/.pgpass only, sslmode from the URL, read-only when asked, on a standby, or for a role that may
// not edit. The server does the locking that the SQLite back end does with its flock.
#include "store/ProjectStoreImpl.h"

namespace mas::store {

// Opens d.db on d.server. `createMissingDatabase`: a database that does not exist yet is created
// (through the server's `postgres` database; needs CREATEDB).
Status connectServer(ProjectStore::Impl& d, bool createMissingDatabase);
// Whether the connection still answers (a plain SELECT 1). Only outside a transaction: inside an
// aborted one it fails on a live connection too.
bool serverConnectionAlive(const ProjectStore::Impl& d);
// After the connection was lost (the server restarted): opens it once more with the same settings and
// password (never a prompt), and LISTENs again on the channels it listened on. Fails with "Cannot
// reach URL: why — your edit was not saved" while the server is still away.
Status reconnectServer(ProjectStore::Impl& d);
// After connecting, before loading: decides read-only for PreferReadWrite and refuses ReadWrite for
// a role without UPDATE on the project's tables or a standby server.
Status decideServerMode(ProjectStore::Impl& d);
// "server=PostgreSQL 15.5 database=x user=y ssl=off read_only=0"
QString describeServerConnection(const ProjectStore::Impl& d);
// The local folder for a server project's caches (frame indexes, materialised checkpoints):
// $XDG_CACHE_HOME/MicroActionStudio/servers/<host_db_hash>.
QString serverCacheDir(const ServerUrl& url);

} // namespace mas::store
