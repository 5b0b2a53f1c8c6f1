// mastudio-cli asks for a server project's password on its terminal (echo off) when libpq has none
// from PGPASSWORD or ~/.pgpass. Without a terminal (scripts, Slurm jobs) nothing is asked and the
// error says how to give one.
#include "store/ServerCredentials.h"

#include <QFile>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace mas::cli {
namespace {

QString askOnTerminal(const QString& url)
{
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty)
        return {};
    std::fprintf(tty, "Password for %s: ", qPrintable(url));
    std::fflush(tty);
    termios before{};
    const int fd = fileno(tty);
    const bool quiet = tcgetattr(fd, &before) == 0;
    if (quiet) {
        termios noEcho = before;
        noEcho.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fd, TCSAFLUSH, &noEcho);
    }
    char line[1024] = {};
    const bool got = std::fgets(line, sizeof line, tty) != nullptr;
    if (quiet)
        tcsetattr(fd, TCSAFLUSH, &before);
    std::fprintf(tty, "\n");
    std::fclose(tty);
    QString password = got ? QString::fromLocal8Bit(line) : QString();
    while (password.endsWith('\n') || password.endsWith('\r'))
        password.chop(1);
    return password;
}

const bool installed = [] {
    store::setServerPasswordPrompt(askOnTerminal);
    return true;
}();

} // namespace
} // namespace mas::cli
