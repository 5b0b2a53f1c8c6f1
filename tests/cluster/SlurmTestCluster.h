#pragma once
// A real single-node Slurm for tests, as root: munged with a key made here, slurmctld and slurmd with a
// slurm.conf in a temporary folder (own ports, state, spool and logs), found by the clients through
// SLURM_CONF. stop() (and the destructor) cancels every job of this cluster, shuts the daemons down and
// ends munged, by the pids they wrote: nothing is left running after a test, even a failed one.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mas::test {

class SlurmTestCluster {
public:
    ~SlurmTestCluster() { stop(); }

    // "" when the cluster runs and has an idle node with `cpus` CPUs; else why it does not (not root,
    // a program missing, a daemon that did not come up, with its log's last lines).
    QString start(int cpus)
    {
        if (::geteuid() != 0)
            return "not root: munged and slurmd are started as root here";
        for (const char* program : {"munged", "slurmctld", "slurmd", "sbatch", "scontrol", "squeue", "scancel", "sinfo"})
            if (QStandardPaths::findExecutable(program).isEmpty()
                && QStandardPaths::findExecutable(program, {"/usr/sbin", "/sbin"}).isEmpty())
                return QString("%1 is not installed (Debian slurm-wlm, munge: packaging/install-deps.sh)").arg(program);
        if (!m_dir.isValid())
            return "no temporary folder";
        m_root = m_dir.path();
        QDir().mkpath(m_root + "/munge");
        QFile::setPermissions(m_root + "/munge", QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile key(m_root + "/munge/munge.key");
        QByteArray bytes(1024, 0);
        for (char& b : bytes)
            b = char(QRandomGenerator::system()->generate() & 0xff);
        if (!key.open(QIODevice::WriteOnly) || key.write(bytes) != bytes.size())
            return key.fileName() + ": cannot be written";
        key.close();
        key.setPermissions(QFile::ReadOwner);
        QString out;
        if (!runProgram(sbin("munged"), {"--force", "--key-file=" + key.fileName(), "--socket=" + mungeSocket(),
                                         "--pid-file=" + m_root + "/munge/munged.pid", "--log-file=" + m_root + "/munge/munged.log",
                                         "--seed-file=" + m_root + "/munge/munged.seed"},
                        &out))
            return "munged did not start: " + out + tail(m_root + "/munge/munged.log");
        m_mungePid = pidFrom(m_root + "/munge/munged.pid");

        char name[256] = {};
        ::gethostname(name, sizeof name - 1);
        m_host = QString::fromLocal8Bit(name).section('.', 0, 0);
        QDir().mkpath(m_root + "/state");
        QDir().mkpath(m_root + "/spool/" + m_host);
        QFile conf(m_root + "/slurm.conf");
        if (!conf.open(QIODevice::WriteOnly))
            return conf.fileName() + ": cannot be written";
        // config_overrides: the node may claim more CPUs than it has, so N array tasks run at once on a
        // small machine (the test's point is N writers at a time, not N cores).
        conf.write(QString("ClusterName=mastest\nSlurmctldHost=%1\nSlurmUser=root\nSlurmdUser=root\n"
                           "SlurmctldPort=%2\nSlurmdPort=%3\nAuthType=auth/munge\nAuthInfo=socket=%4\nCredType=cred/munge\n"
                           "StateSaveLocation=%5/state\nSlurmdSpoolDir=%5/spool/%n\nSlurmctldPidFile=%5/slurmctld.pid\n"
                           "SlurmdPidFile=%5/slurmd.pid\nSlurmctldLogFile=%5/slurmctld.log\nSlurmdLogFile=%5/slurmd.log\n"
                           "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSelectType=select/cons_tres\n"
                           "SelectTypeParameters=CR_Core\nSlurmdParameters=config_overrides\nMpiDefault=none\n"
                           "JobCompType=jobcomp/none\nAccountingStorageType=accounting_storage/none\nReturnToService=2\n"
                           "KillWait=5\nNodeName=%1 CPUs=%6 State=UNKNOWN\n"
                           "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n")
                       .arg(m_host)
                       .arg(freePort())
                       .arg(freePort())
                       .arg(mungeSocket(), m_root)
                       .arg(cpus)
                       .toUtf8());
        conf.close();
        if (!runProgram(sbin("slurmctld"), {"-f", conf.fileName(), "-i"}, &out))
            return "slurmctld did not start: " + out + tail(m_root + "/slurmctld.log");
        if (!runProgram(sbin("slurmd"), {"-f", conf.fileName()}, &out))
            return "slurmd did not start: " + out + tail(m_root + "/slurmd.log");
        m_started = true;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            QString state;
            if (client("sinfo", {"-h", "-o", "%t"}, &state) && state.trimmed() == "idle")
                return {};
            QThread::msleep(300);
        }
        QString state;
        client("sinfo", {"-h", "-o", "%t %E"}, &state);
        return "the node did not become idle in 30 s (" + state.trimmed() + ")" + tail(m_root + "/slurmctld.log") +
               tail(m_root + "/slurmd.log");
    }

    // Cancels this cluster's jobs, then shuts its daemons and munged down (SIGKILL for any that stays).
    void stop()
    {
        if (m_started) {
            QString out;
            client("scancel", {"--user=root"}, &out);
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < 20000 && client("squeue", {"-h"}, &out) && !out.trimmed().isEmpty())
                QThread::msleep(300);
            client("scontrol", {"shutdown"}, &out);
            for (const QString& pidFile : {m_root + "/slurmctld.pid", m_root + "/slurmd.pid"})
                endProcess(pidFrom(pidFile));
            m_started = false;
        }
        if (m_mungePid > 0) {
            endProcess(m_mungePid);
            m_mungePid = 0;
        }
    }

    QString confPath() const { return m_root + "/slurm.conf"; }
    QString folder() const { return m_root; }
    QString logs() const { return tail(m_root + "/slurmctld.log") + tail(m_root + "/slurmd.log"); }
    // The environment a client (sbatch, squeue) needs: this one's plus SLURM_CONF.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_CONF", confPath());
        return env;
    }
    // A client program against this cluster; false when it fails (its output in *out either way).
    bool client(const QString& program, const QStringList& args, QString* out, int timeoutMs = 30000) const
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        const bool finished = p.waitForFinished(timeoutMs);
        *out = QString::fromUtf8(p.readAll());
        if (!finished) {
            p.kill();
            p.waitForFinished();
        }
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    // Waits (polling squeue every 200 ms, so the time measured is the jobs', not sbatch --wait's growing
    // poll interval) until no task of job `jobId` is pending or running; true when all `tasks` completed
    // with exit code 0 (scontrol show job keeps finished tasks for MinJobAge, 300 s). *report: their states.
    bool waitForJob(const QString& jobId, int tasks, int timeoutMs, QString* report) const
    {
        QElapsedTimer t;
        t.start();
        QString out;
        while (t.elapsed() < timeoutMs) {
            if (client("squeue", {"-h", "-j", jobId, "-o", "%i %T"}, &out) && out.trimmed().isEmpty())
                break;
            QThread::msleep(200);
        }
        client("scontrol", {"-o", "show", "job", jobId}, report);
        return report->count("JobState=COMPLETED") == tasks && report->count("ExitCode=0:0") == tasks;
    }

private:
    QString mungeSocket() const { return m_root + "/munge/munge.socket"; }

    static QString sbin(const QString& program)
    {
        const QString found = QStandardPaths::findExecutable(program, {"/usr/sbin", "/sbin"});
        return found.isEmpty() ? QStandardPaths::findExecutable(program) : found;
    }

    // A daemon's start: it forks into the background and its first process exits 0.
    static bool runProgram(const QString& program, const QStringList& args, QString* out)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        const bool finished = p.waitForFinished(30000);
        *out = QString::fromUtf8(p.readAll()).trimmed();
        if (!finished) {
            p.kill();
            p.waitForFinished();
        }
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    static qint64 pidFrom(const QString& file)
    {
        QFile f(file);
        for (int i = 0; i < 50 && !f.exists(); ++i)
            QThread::msleep(100);
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
    }

    // SIGTERM, then SIGKILL after 10 s.
    static void endProcess(qint64 pid)
    {
        if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
            return;
        ::kill(pid_t(pid), SIGTERM);
        for (int i = 0; i < 100 && ::kill(pid_t(pid), 0) == 0; ++i)
            QThread::msleep(100);
        if (::kill(pid_t(pid), 0) == 0)
            ::kill(pid_t(pid), SIGKILL);
    }

    // A TCP port nobody listens on now (bound to port 0, then released for the daemon).
    static int freePort()
    {
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        int port = 0;
        if (s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0
            && ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &length) == 0)
            port = ntohs(a.sin_port);
        if (s >= 0)
            ::close(s);
        return port > 0 ? port : 20000 + int(QRandomGenerator::global()->bounded(20000));
    }

    static QString tail(const QString& file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        return "\n" + file + ":\n  " + lines.mid(std::max(0, int(lines.size()) - 8)).join("\n  ");
    }

    QTemporaryDir m_dir{QDir::tempPath() + "/mas-slurm-XXXXXX"};
    QString m_root, m_host;
    qint64 m_mungePid = 0;
    bool m_started = false;
};

} // namespace mas::test
