// mastudio-cli: the headless face of MicroAction Studio; same core, store, engine and worker as the GUI.
#include "CliCommand.h"

#include <QCoreApplication>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

using namespace mas::cli;

namespace {

void onInterrupt(int)
{
    if (interruptRequested().exchange(true))
        std::_Exit(Interrupted); // second Ctrl-C: leave now
}

void printHelp(QTextStream& out)
{
    out << "usage: mastudio-cli VERB [ARGS]\n\nverbs:\n";
    QList<CliCommand> sorted = commands();
    std::sort(sorted.begin(), sorted.end(), [](const CliCommand& a, const CliCommand& b) { return a.verb < b.verb; });
    for (const CliCommand& c : sorted)
        out << "  " << (c.verb + ' ' + c.usage).leftJustified(58) << ' ' << c.summary << '\n';
    out << "\nExit status: 0 success, 1 failure (reason on stderr), 2 usage error, 130 interrupted.\n";
}

bool asksForHelp(const QStringList& args)
{
    return args.isEmpty() || args.first() == "--help" || args.first() == "-h" || args.first() == "help";
}

// The longest registered verb that the words start with wins ("project create" before "project");
// `words` gets its word count. Null when none matches.
const CliCommand* findVerb(const QStringList& args, int* words)
{
    const CliCommand* chosen = nullptr;
    *words = 0;
    for (const CliCommand& c : commands()) {
        const QStringList verbWords = c.verb.split(' ');
        if (verbWords.size() <= args.size() && args.mid(0, verbWords.size()) == verbWords && verbWords.size() > *words) {
            chosen = &c;
            *words = verbWords.size();
        }
    }
    return chosen;
}

#ifdef MAS_CLI_FRONT
// The model verbs and the full help live in mastudio-cli-model beside this program (LibTorch takes about a
// second to load; the other verbs start without it). exec keeps the pid, the terminal and Ctrl-C as they are.
[[noreturn]] void handOverToModelCli(char** argv)
{
    std::string self(4096, '\0');
    const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
    self.resize(n > 0 ? size_t(n) : 0);
    const std::string dir = self.substr(0, self.rfind('/') + 1);
    const std::string model = dir + "mastudio-cli-model";
    // OpenMP threads that sleep at once when idle instead of spinning: the model's threads share the cores
    // with the clip decoder running beside them, and spinning ones took its cycles (classify of the real
    // clips on 2 cores under load: 0.4-0.8 videos/s spinning, 0.9-1.75 passive; bench_prelabel). libgomp
    // reads it when it is loaded, so it is set here, before the exec; a user's own setting wins.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    execv(model.c_str(), argv);
    std::fprintf(stderr, "mastudio-cli: cannot start %s for this verb: %s\n", model.c_str(), std::strerror(errno));
    std::exit(Failure);
}

bool hasVerb(int argc, char** argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    int words = 0;
    return !asksForHelp(args) && findVerb(args, &words);
}
#endif

} // namespace

int main(int argc, char** argv)
{
#ifdef MAS_CLI_FRONT
    if (!hasVerb(argc, argv))
        handOverToModelCli(argv);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mastudio-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("MicroActionStudio"));
    std::signal(SIGINT, onInterrupt);

    QTextStream out(stdout), err(stderr);
    QStringList args = app.arguments().mid(1);
    if (asksForHelp(args)) {
        printHelp(args.isEmpty() ? err : out);
        return args.isEmpty() ? UsageError : Success;
    }
    int chosenWords = 0;
    const CliCommand* chosen = findVerb(args, &chosenWords);
    if (!chosen) {
        err << "mastudio-cli: unknown verb '" << args.first() << "' (see mastudio-cli --help)" << Qt::endl;
        return UsageError;
    }
    CliContext ctx{args.mid(chosenWords), out, err};
    if (ctx.args.contains("--help")) {
        out << "usage: mastudio-cli " << chosen->verb << ' ' << chosen->usage << "\n" << chosen->summary << Qt::endl;
        return Success;
    }
    // Verbs report failures as values; this is the last line of defence: whatever a verb throws ends in one
    // line on stderr naming the verb and the problem, and exit status 1, never in an abort.
    int code = Failure;
    const QString what = (QStringList{chosen->verb} + ctx.args).join(' ');
    try {
        code = chosen->run(ctx);
    } catch (const std::exception& e) {
        fail(ctx, what + ": " + QString::fromLocal8Bit(e.what()));
    } catch (...) {
        fail(ctx, what + ": failed with an unknown error");
    }
    out.flush();
    err.flush();
#if !defined(MAS_CLI_FRONT) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    // The verb has closed its files and projects by now; what is left is LibTorch's teardown (its operator
    // registry, oneDNN's generated code, the model's memory: 50-100 ms that keep nothing). Sanitizer builds
    // exit normally, for the leak check that runs at exit.
    std::fflush(nullptr);
    std::_Exit(code);
#endif
    return code;
}
