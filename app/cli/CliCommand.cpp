#include "CliCommand.h"

namespace mas::cli {

static QList<CliCommand>& registry()
{
    static QList<CliCommand> list;
    return list;
}

void registerCommand(CliCommand command)
{
    if (!command.options.isEmpty()) {
        command.summary += '\n' + optionLines(command.options);
        // The table is also the gate: an option it does not list is refused before the verb runs, so a verb
        // cannot take an option its --help does not show.
        command.run = [table = command.options, run = command.run](CliContext& ctx) {
            ParsedOptions parsed;
            QString error;
            if (!parseOptions(ctx.args, table, &parsed, &error))
                return fail(ctx, error, UsageError);
            return run(ctx);
        };
    }
    registry().push_back(std::move(command));
}

bool parseOptions(const QStringList& args, const QVector<CliOption>& table, ParsedOptions* parsed, QString* error)
{
    *parsed = {};
    for (const CliOption& o : table)
        if (!o.value.isEmpty())
            parsed->values.insert(o.name, o.defaultValue);
    auto find = [&](const QString& name) -> const CliOption* {
        for (const CliOption& o : table)
            if (o.name == name)
                return &o;
        return nullptr;
    };
    for (int i = 0; i < args.size(); ++i) {
        const QString& word = args[i];
        if (!word.startsWith(QLatin1String("--")) || word == QLatin1String("--")) {
            parsed->positional << word;
            continue;
        }
        const int eq = word.indexOf('=');
        const QString name = eq > 0 ? word.left(eq) : word;
        const CliOption* o = find(name);
        if (!o) {
            *error = QStringLiteral("unknown option %1 (see --help)").arg(name);
            return false;
        }
        parsed->given << name;
        if (o->value.isEmpty()) {
            if (eq > 0) {
                *error = QStringLiteral("%1 takes no value").arg(name);
                return false;
            }
            continue;
        }
        if (eq > 0) {
            parsed->values.insert(name, word.mid(eq + 1));
        } else if (i + 1 < args.size()) {
            parsed->values.insert(name, args[++i]);
        } else {
            *error = QStringLiteral("%1 wants a value (%2)").arg(name, o->value);
            return false;
        }
    }
    return true;
}

QString optionLines(const QVector<CliOption>& table)
{
    QStringList lines;
    for (const CliOption& o : table) {
        const QString left = o.value.isEmpty() ? o.name : o.name + ' ' + o.value;
        QString line = QStringLiteral("      ") + left.leftJustified(30) + ' ' + o.help;
        if (!o.defaultValue.isEmpty())
            line += QStringLiteral(" (default: %1)").arg(o.defaultValue);
        lines << line;
    }
    return QStringLiteral("    options:\n") + lines.join('\n');
}
const QList<CliCommand>& commands() { return registry(); }

std::atomic_bool& interruptRequested()
{
    static std::atomic_bool flag{false};
    return flag;
}

QString takeOption(QStringList& args, const QString& name, const QString& fallback)
{
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == name && i + 1 < args.size()) {
            const QString value = args[i + 1];
            args.remove(i, 2);
            return value;
        }
        if (args[i].startsWith(name + '=')) {
            const QString value = args[i].mid(name.size() + 1);
            args.removeAt(i);
            return value;
        }
    }
    return fallback;
}

bool takeFlag(QStringList& args, const QString& name) { return args.removeAll(name) > 0; }

int fail(CliContext& ctx, const QString& oneLineReason, int code)
{
    QString line = oneLineReason;
    line.replace('\n', ' ');
    ctx.err << "mastudio-cli: " << line << Qt::endl;
    return code;
}

} // namespace mas::cli
