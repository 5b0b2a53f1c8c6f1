#pragma once
// The PostgreSQL connection of a server project (QPSQL): credentials from libpq's environment and
// ~/.pgpass only, sslmode from the URL, read-only when asked, on a standby, or for a role that may
// not edit. The server does the locking that the SQLite back end does with its flock.
#include "store/ProjectStoreImpl.h"

namespace mas::store {

// Opens d.db on d.server. `createMissingDatabase`: a database that does not exist yet is created
// (through the server's `postgres` database; needs CREATEDB).
Status connectServer(ProjectStore::Impl& d, bool createMissingDatabase);
// After connecting, before loading: decides read-only for PreferReadWrite and refuses ReadWrite for
// a role without UPDATE on the project's tables or a standby server.
Status decideServerMode(ProjectStore::Impl& d);
// "server=PostgreSQL 15.5 database=x user=y ssl=off read_only=0"
QString describeServerConnection(const ProjectStore::Impl& d);
// The local folder for a server project's caches (frame indexes, materialised checkpoints):
// $XDG_CACHE_HOME/MicroActionStudio/servers/<host_db_hash>.
QString serverCacheDir(const ServerUrl& url);

} // namespace mas::store
