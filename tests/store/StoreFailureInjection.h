#pragma once
// Failure injection for tests over a real project file: from injectFailure("AFTER INSERT ON
// labels") on, that statement fails on the store's own connection with an SQLite error in the middle
// of whatever transaction runs it, as a full disk aborts a statement. The store keeps triggers
// off; this turns them on for the test's own TEMP trigger, which no file carries and no other
// connection sees. One store open in the process (the store's connection is found by its name).
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QString>

#include <sqlite3.h>

namespace mas::test {

inline QSqlDatabase storeConnection()
{
    for (const QString& name : QSqlDatabase::connectionNames())
        if (name.startsWith(QLatin1String("mas_store_")))
            return QSqlDatabase::database(name, false);
    return {};
}

inline bool injectFailure(const QString& when)
{
    QSqlDatabase db = storeConnection();
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3* h = *static_cast<sqlite3* const*>(v.constData());
    int on = 0;
    sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, &on);
    QSqlQuery q(db);
    return on == 1
           && q.exec(QStringLiteral("CREATE TEMP TRIGGER injected_failure %1 BEGIN SELECT RAISE(ABORT, 'injected failure: "
                                    "database or disk is full'); END")
                         .arg(when));
}

inline void clearFailure()
{
    QSqlQuery q(storeConnection());
    q.exec(QStringLiteral("DROP TRIGGER IF EXISTS temp.injected_failure"));
}

} // namespace mas::test
