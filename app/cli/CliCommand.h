#pragma once
// Verbs of mastudio-cli. Each file under commands/ registers its verbs with a static
// CliRegistration, so adding a verb touches no shared file.
#include <QStringList>
#include <QTextStream>

#include <atomic>
#include <functional>

namespace mas::cli {

struct CliContext {
    QStringList args;     // the words after the verb
    QTextStream& out;     // stdout
    QTextStream& err;     // stderr
};

// Exit codes: 0 success; 1 the operation failed (reason on stderr); 2 usage error; 130 interrupted.
enum ExitCode { Success = 0, Failure = 1, UsageError = 2, Interrupted = 130 };

struct CliCommand {
    QString verb;        // one or two words: "project create", "probe"
    QString usage;       // argument synopsis, e.g. "P.mas DIR [--pattern REGEX]"
    QString summary;     // one line
    std::function<int(CliContext&)> run;
};

void registerCommand(CliCommand command);
const QList<CliCommand>& commands();

struct CliRegistration {
    explicit CliRegistration(CliCommand command) { registerCommand(std::move(command)); }
};

// Set by SIGINT (Ctrl-C): long verbs stop cleanly and keep the work done so far.
std::atomic_bool& interruptRequested();

// Helpers for option parsing shared by the verbs.
QString takeOption(QStringList& args, const QString& name, const QString& fallback = {});
bool takeFlag(QStringList& args, const QString& name);
int fail(CliContext& ctx, const QString& oneLineReason, int code = Failure);

} // namespace mas::cli
