#pragma once
// Running the command-line tool (or another program) from a test the way a user's shell would:
// exit code, stdout and stderr, and a description for failure messages. A run that does not
// finish in time is killed and says so, so a hung CLI fails its test instead of stalling CTest.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace mas::test {

struct ProgramRun {
    int exitCode = -1; // -1 when the program crashed or did not finish
    QString out;
    QString err;

    QString describe() const
    {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err);
    }
};

inline ProgramRun runProgram(const QString& program, const QStringList& args, int timeoutMs = 240000,
                             const QString& workingDirectory = QString())
{
    QProcess p;
    if (!workingDirectory.isEmpty())
        p.setWorkingDirectory(workingDirectory);
    p.start(program, args);
    ProgramRun r;
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit) {
        r.err = QStringLiteral("did not finish: %1 %2 (%3)\n").arg(program, args.join(' '), p.errorString()) +
                QString::fromUtf8(p.readAllStandardError());
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

#ifdef MASTUDIO_CLI
// The test target's own mastudio-cli (the build defines MASTUDIO_CLI as its path).
inline ProgramRun runCli(const QStringList& args, int timeoutMs = 240000, const QString& workingDirectory = QString())
{
    return runProgram(QStringLiteral(MASTUDIO_CLI), args, timeoutMs, workingDirectory);
}
#endif

} // namespace mas::test
