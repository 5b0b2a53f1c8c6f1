#pragma once
// A throwaway PostgreSQL server for tests: a real cluster (Debian's postgresql-15) made with initdb
// in a temporary folder, listening on a Unix socket in that folder only (no TCP), fsync off, and
// stopped with `pg_ctl stop -m immediate` when the object dies. Nothing is mocked.
//
//   mas::test::PgTestCluster pg;                 // starts it (a second or two)
//   if (!pg.ok()) QSKIP(qPrintable(pg.why()));   // binaries missing, or initdb/pg_ctl failed
//   QString url = pg.url("study");               // postgresql:///study?host=/tmp/..&port=..&user=mas
//   pg.createDatabase("study");                  // optional: ProjectStore::create makes a missing one
//   pg.psql("study", "SELECT count(*) FROM segments", &out);
//
// Run as root (CI, containers) the server runs as the `postgres` OS user (runuser), which owns the
// folder; otherwise as the calling user. The role `mas` (LOGIN CREATEDB, trust authentication) is
// what the URLs name; `postgres` is the superuser. Used by the store tests
// (MAS_TEST_STORE_BACKEND=postgresql) and the sharded pre-label tests.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>
#include <memory>

#include <unistd.h>

namespace mas::test {

class PgTestCluster {
public:
    // Durable: fsync on (benchmarks of edit latency); tests run with fsync off, for speed.
    enum Mode { Fast, Durable };
    explicit PgTestCluster(Mode mode = Fast) : m_durable(mode == Durable) { start(); }
    ~PgTestCluster() { stop(); }
    PgTestCluster(const PgTestCluster&) = delete;
    PgTestCluster& operator=(const PgTestCluster&) = delete;

    bool ok() const { return m_running; }
    QString why() const { return m_why; }              // why it is not running
    QString socketDir() const { return dir(); }
    QString serverLog() const { return dir() + QStringLiteral("/server.log"); }
    int port() const { return m_port; }
    QString role() const { return QStringLiteral("mas"); }

    // The URL of database `name` as role mas, or as `user` (trust authentication on the socket, so
    // any LOGIN role made with psql() connects); the database need not exist yet.
    QString url(const QString& name, const QString& user = {}) const
    {
        return QStringLiteral("postgresql:///%1?host=%2&port=%3&user=%4")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(name)), dir())
            .arg(m_port)
            .arg(user.isEmpty() ? role() : user);
    }

    // Creates database `name` owned by role mas (UTF-8); returns false with the reason in *error.
    bool createDatabase(const QString& name, QString* error = nullptr)
    {
        QString quoted = name;
        quoted.replace('"', QStringLiteral("\"\""));
        return psql(QStringLiteral("postgres"),
                    QStringLiteral("CREATE DATABASE \"%1\" OWNER mas TEMPLATE template0 ENCODING 'UTF8'").arg(quoted),
                    nullptr, error);
    }

    // Runs `sql` with psql as the superuser on database `db`; unaligned, tuples only output in *out.
    bool psql(const QString& db, const QString& sql, QString* out = nullptr, QString* error = nullptr,
              const QString& asRole = QStringLiteral("postgres")) const
    {
        return run(m_bin + QStringLiteral("/psql"),
                   {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir(), "-p", QString::number(m_port), "-U",
                    asRole, "-d", db, "-c", sql},
                   out, error, false);
    }

    // Makes role `role` (LOGIN, with `password`) that must give its password over the socket (the
    // others keep trust authentication); the server rereads its rules.
    bool addPasswordRole(const QString& role, const QString& password, QString* error = nullptr)
    {
        if (!psql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE \"%1\" LOGIN CREATEDB PASSWORD '%2'").arg(role, password), nullptr, error))
            return false;
        const QString hba = dir() + QStringLiteral("/data/pg_hba.conf");
        QFile f(hba);
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QByteArray rules = "local all " + role.toUtf8() + " scram-sha-256\n" + f.readAll();
        f.close();
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(rules) != rules.size())
            return false;
        f.close();
        return run(m_bin + "/pg_ctl", {"-D", dir() + "/data", "reload"}, nullptr, error, true);
    }

    // A server restart, as an administrator does one: stopServer() closes every client's connection
    // (`pg_ctl stop -m fast`), startServer() brings the same cluster back on the same socket and port.
    bool stopServer(QString* error = nullptr)
    {
        return run(m_bin + "/pg_ctl", {"-D", dir() + "/data", "-m", "fast", "-w", "stop"}, nullptr, error, true);
    }
    bool startServer(QString* error = nullptr)
    {
        const QString options = QStringLiteral("-k %1 -c listen_addresses='' -p %2 %3 -c max_connections=100")
                                    .arg(dir())
                                    .arg(m_port)
                                    .arg(m_durable ? QString() : QStringLiteral("-F"));
        return run(m_bin + "/pg_ctl", {"-D", dir() + "/data", "-l", dir() + "/server.log", "-w", "-t", "60", "-o", options, "start"},
                   nullptr, error, true);
    }

    // The newest /usr/lib/postgresql/<version>/bin holding initdb, or "".
    static QString binDir()
    {
        QDir root(QStringLiteral("/usr/lib/postgresql"));
        QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(versions.begin(), versions.end(), [](const QString& a, const QString& b) { return a.toInt() > b.toInt(); });
        for (const QString& v : versions)
            if (QFileInfo(root.filePath(v + "/bin/initdb")).isExecutable())
                return root.filePath(v + "/bin");
        return {};
    }

private:
    QString dir() const { return m_tmp ? m_tmp->path() : QString(); }

    void start()
    {
        m_bin = binDir();
        if (m_bin.isEmpty()) {
            m_why = QStringLiteral("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql; "
                                   "install postgresql-15 (packaging/install-deps.sh)");
            return;
        }
        // A short path: the socket's path must fit in 107 bytes.
        m_tmp = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/mas-pg-XXXXXX"));
        if (!m_tmp->isValid()) {
            m_why = QStringLiteral("cannot make a temporary folder under /tmp");
            return;
        }
        m_asPostgres = geteuid() == 0;
        if (m_asPostgres && !run(QStringLiteral("chown"), {"postgres:postgres", dir()}, nullptr, &m_why, false))
            return;
        m_port = 20000 + int(QRandomGenerator::global()->bounded(20000));
        const QString data = dir() + QStringLiteral("/data");
        if (!run(m_bin + "/initdb", {"-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync",
                                      "--no-instructions"},
                 nullptr, &m_why, true)) {
            m_why = QStringLiteral("initdb failed: ") + m_why;
            return;
        }
        if (!startServer(&m_why)) {
            m_why = QStringLiteral("pg_ctl start failed: ") + m_why + QStringLiteral(" (log: %1/server.log)").arg(dir());
            return;
        }
        m_running = true;
        QString error;
        if (!psql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE mas LOGIN CREATEDB"), nullptr, &error)) {
            m_why = QStringLiteral("creating the role mas failed: ") + error;
            stop();
        }
    }

    void stop()
    {
        if (!m_running)
            return;
        m_running = false;
        run(m_bin + "/pg_ctl", {"-D", dir() + "/data", "-m", "immediate", "-w", "stop"}, nullptr, nullptr, true);
    }

    // Runs a program (as the postgres OS user when `asServerUser` and we are root).
    bool run(const QString& program, const QStringList& args, QString* out, QString* error, bool asServerUser) const
    {
        QProcess p;
        if (asServerUser && m_asPostgres)
            p.start(QStringLiteral("runuser"), QStringList{"-u", "postgres", "--", program} + args);
        else
            p.start(program, args);
        const bool done = p.waitForFinished(120000);
        const bool good = done && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (out)
            *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        if (!good && error)
            *error = QStringLiteral("%1: %2%3").arg(QFileInfo(program).fileName(),
                                                    QString::fromUtf8(p.readAllStandardError()).trimmed(), p.errorString());
        return good;
    }

    QString m_bin;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_why;
    bool m_running = false;
    bool m_asPostgres = false;
    int m_port = 0;
    bool m_durable = false;
};

} // namespace mas::test
