#pragma once
// The few places where the project store's SQL differs between its back ends (SQLite files and
// PostgreSQL servers). Everything else is the same SQL text on both.
#include <QSqlError>
#include <QString>
#include <QVariantList>

class QSqlDriver;

namespace mas::store {

enum class Backend { SQLite, PostgreSQL };

struct SqlDialect {
    Backend backend = Backend::SQLite;

    bool isServer() const { return backend == Backend::PostgreSQL; }
    // The schema's DDL (written for SQLite) in this back end's types: on PostgreSQL INTEGER PRIMARY
    // KEY -> BIGSERIAL PRIMARY KEY, INTEGER -> BIGINT (milliseconds and frame numbers pass 2^31),
    // REAL -> DOUBLE PRECISION (REAL is 4 bytes there), TEXT -> TEXT COLLATE "C" (ORDER BY in byte
    // order, as SQLite sorts, so exports are identical on both).
    QString ddl(const QString& sqliteStatement) const;
    // Opens a top-level write transaction. SQLite's IMMEDIATE takes the write lock up front; a
    // server locks rows as it goes.
    QString beginWrite() const;
    // One row, one column: 1 when the table exists in the project's schema.
    QString tableExists() const;
    // True when single statements run as text with their values inlined by the driver's own
    // escaping (PostgreSQL: one round trip instead of PREPARE/EXECUTE/DEALLOCATE, and BEGIN, DDL
    // and SET cannot be prepared there). Loops that run one statement many times still prepare it.
    bool inlinesValues() const { return backend == Backend::PostgreSQL; }
    // `sql` with each `?` outside quotes replaced by its value as `driver` formats literals.
    static QString inlineBinds(const QString& sql, const QVariantList& binds, const QSqlDriver* driver);
    // UNIQUE and FOREIGN KEY violations, whatever the back end's wording.
    static bool isUniqueViolation(const QSqlError& e);
    static bool isForeignKeyViolation(const QSqlError& e);
    // `name` as a quoted identifier (a database, a role): "name" with any '"' doubled. Same on both.
    static QString quoteIdentifier(const QString& name);
};

} // namespace mas::store
