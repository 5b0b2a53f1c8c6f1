#pragma once
// The project file's SQL schema, version by version, and the forward migrations between them.
// Plain SQL with INTEGER/REAL/TEXT columns and explicit keys, so a server back end (PostgreSQL)
// needs only its own id type (BIGSERIAL) and the few statements marked SQLite-specific below.
#include "util/Result.h"

#include <QSqlDatabase>
#include <QStringList>

namespace mas::store::schema {

// The statements that create schema `version` in an empty database (1, 2 or 3). Version 1 exists so
// that tests can make a file as the first release wrote it.
QStringList createStatements(int version);

// Statements that take a database from `fromVersion` to `fromVersion + 1` (tables, columns,
// indexes). Data back-fills that need code (segment verdicts in 1 -> 2) are done by the caller.
QStringList migrationStatements(int fromVersion);

// Keys of the project_meta table.
inline constexpr char kSchemaVersionKey[] = "schema_version";
inline constexpr char kAppVersionKey[] = "app_version";
inline constexpr char kLastAppVersionKey[] = "last_app_version";
inline constexpr char kTaxonomyVersionKey[] = "taxonomy_version";
inline constexpr char kTaxonomyTsvKey[] = "taxonomy_tsv";
inline constexpr char kCreatedKey[] = "created_ms";
// Server projects only: the folder video paths are relative to, unless MAS_VIDEO_ROOT says otherwise.
inline constexpr char kVideoRootKey[] = "video_root";
// Marks the file as ours (a SQLite file with tables of the same name is not enough).
inline constexpr char kApplicationKey[] = "application";
inline constexpr char kApplicationValue[] = "MicroAction Studio";

} // namespace mas::store::schema
