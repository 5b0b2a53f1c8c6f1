#include "store/SqlDialect.h"

#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlField>

namespace mas::store {

QString SqlDialect::ddl(const QString& sql) const
{
    if (backend == Backend::SQLite)
        return sql;
    static const QRegularExpression id(QStringLiteral("\\bINTEGER PRIMARY KEY\\b"));
    static const QRegularExpression integer(QStringLiteral("\\bINTEGER\\b"));
    static const QRegularExpression real(QStringLiteral("\\bREAL\\b"));
    static const QRegularExpression text(QStringLiteral("\\bTEXT\\b"));
    QString out = sql;
    out.replace(id, QStringLiteral("BIGSERIAL PRIMARY KEY"));
    out.replace(integer, QStringLiteral("BIGINT"));
    out.replace(real, QStringLiteral("DOUBLE PRECISION"));
    out.replace(text, QStringLiteral("TEXT COLLATE \"C\""));
    return out;
}

QString SqlDialect::beginWrite() const
{
    return backend == Backend::SQLite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
}

QString SqlDialect::tableExists() const
{
    return backend == Backend::SQLite
        ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
        // pg_tables, not information_schema: that lists only tables the user has rights on.
        : QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                         "AND tablename = ?");
}

QString SqlDialect::inlineBinds(const QString& sql, const QVariantList& binds, const QSqlDriver* driver)
{
    QString out;
    out.reserve(sql.size() + 16 * binds.size());
    QChar quote;
    int next = 0;
    for (const QChar c : sql) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?' && next < binds.size()) {
            const QVariant& v = binds[next++];
            QSqlField field(QString(), v.metaType());
            field.setValue(v);
            out += driver->formatValue(field);
            continue;
        }
        out += c;
    }
    return out;
}

bool SqlDialect::isUniqueViolation(const QSqlError& e)
{
    return e.nativeErrorCode() == QLatin1String("23505") || e.databaseText().contains(QLatin1String("UNIQUE"))
        || e.text().contains(QLatin1String("UNIQUE"));
}

bool SqlDialect::isForeignKeyViolation(const QSqlError& e)
{
    return e.nativeErrorCode() == QLatin1String("23503") || e.databaseText().contains(QLatin1String("FOREIGN KEY"))
        || e.text().contains(QLatin1String("FOREIGN KEY"));
}

QString SqlDialect::quoteIdentifier(const QString& name)
{
    return '"' + QString(name).replace('"', QStringLiteral("\"\"")) + '"';
}

} // namespace mas::store
