#pragma once
// Checkpoints of a server project's model versions live in the database (table model_blobs, one
// bytea per version), so a version one member trains is usable by every client; each client keeps
// a materialised copy under its cacheDir(). model_versions.checkpoint_path then holds the path
// relative to the cache folder ("models/<id>/model.pt"), and the store hands out the local file.
// SQLite files keep their checkpoints beside them as before (their format is unchanged).
#include "store/ProjectStoreImpl.h"

namespace mas::store {

// The server-only table (created with the project, or on a writable open of an older one).
Status ensureModelBlobTable(ProjectStore::Impl& d);
// Stores the file's bytes for `versionId` (inside the caller's transaction) and copies it into the
// local cache; `storedPath` receives the cache-relative path for checkpoint_path. A file that does not
// exist stores nothing and keeps `absoluteFile` made cache-relative when it lies in the cache.
Status uploadCheckpoint(ProjectStore::Impl& d, Id versionId, const QString& absoluteFile, QString* storedPath);
// The local file of a stored checkpoint path, fetched from model_blobs when the cache lacks it (or
// holds a file of another size). Returns the absolute local path (which may not exist when the
// version has no stored bytes).
QString materialiseCheckpoint(const ProjectStore::Impl& d, Id versionId, const QString& storedPath);
// The local cache folder of the project (created).
QString cacheFolder(const ProjectStore::Impl& d);

} // namespace mas::store
