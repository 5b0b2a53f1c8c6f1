#pragma once
// Verbs of mastudio-cli. Each file under commands/ registers its verbs with a static
// CliRegistration, so adding a verb touches no shared file.
#include <QHash>
#include <QStringList>
#include <QTextStream>
#include <QVector>

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

// One option of a verb: the one table its parser and its --help both read, so the help cannot drift.
struct CliOption {
    QString name;         // "--epochs"
    QString value;        // placeholder, e.g. "N" or "head|full"; "" for a flag
    QString defaultValue; // shown as "(default: X)"; "" for none
    QString help;         // one line
};

struct CliCommand {
    QString verb;        // one or two words: "project create", "probe"
    QString usage;       // argument synopsis, e.g. "P.mas DIR [--pattern REGEX]"
    QString summary;     // one line
    std::function<int(CliContext&)> run;
    QVector<CliOption> options = {}; // when given: listed by --help, one line each (appended to the summary)
};

void registerCommand(CliCommand command);
const QList<CliCommand>& commands();

struct CliRegistration {
    explicit CliRegistration(CliCommand command) { registerCommand(std::move(command)); }
};

// Set by SIGINT (Ctrl-C): long verbs stop cleanly and keep the work done so far.
std::atomic_bool& interruptRequested();

// Options parsed against a verb's table: every option of the table has its value (the default when not
// given); an option not in the table is an error. `positional` keeps the other words in order.
struct ParsedOptions {
    QHash<QString, QString> values;
    QStringList given;       // options and flags on the command line
    QStringList positional;
    QString value(const QString& name) const { return values.value(name); }
    bool has(const QString& name) const { return given.contains(name); }
};
// False with `error` set ("unknown option --x", "--epochs wants a value").
bool parseOptions(const QStringList& args, const QVector<CliOption>& table, ParsedOptions* parsed, QString* error);
// The table as --help shows it: one line per option.
QString optionLines(const QVector<CliOption>& table);

// Helpers for option parsing shared by the verbs.
QString takeOption(QStringList& args, const QString& name, const QString& fallback = {});
bool takeFlag(QStringList& args, const QString& name);
int fail(CliContext& ctx, const QString& oneLineReason, int code = Failure);

} // namespace mas::cli
