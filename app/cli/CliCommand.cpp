#include "CliCommand.h"

namespace mas::cli {

static QList<CliCommand>& registry()
{
    static QList<CliCommand> list;
    return list;
}

void registerCommand(CliCommand command) { registry().push_back(std::move(command)); }
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
