// Helper process of tst_storecrash and tst_storelocking (not a test itself).
//   store_crash_child write P.mas SEGMENT_ID  : edits forever; prints "ACK n LABEL_ID" after each commit
//   store_crash_child hold P.mas              : opens read-write, prints "OPEN pid", waits for stdin to close
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

using namespace mas::store;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: store_crash_child write|hold P.mas [SEGMENT_ID]\n");
        return 2;
    }
    auto store = ProjectStore::open(args[2], OpenMode::ReadWrite);
    if (!store.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error()));
        return 1;
    }
    if (args[1] == "hold") {
        std::printf("OPEN %lld\n", static_cast<long long>(getpid()));
        std::fflush(stdout);
        char c;
        while (::read(0, &c, 1) > 0) {
        }
        return 0;
    }
    const Id segment = args.value(3).toLongLong();
    store.value()->setCurrentAnnotator("crash-child");
    // Edit n: a label of class n % 52 (odd n also change the segment's note to "n"): each edit is
    // acknowledged only after its method returned, i.e. after COMMIT.
    for (long long n = 1;; ++n) {
        mas::Result<Id> label = store.value()->addLabel(segment, int(n % 52), LabelStatus::Confirmed);
        if (!label.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(label.error()));
            return 1;
        }
        if (n % 2 == 1) {
            if (mas::Status s = store.value()->updateSegment(segment, 0, 90, QString::number(n)); !s.ok()) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error()));
                return 1;
            }
        }
        std::printf("ACK %lld %lld\n", n, static_cast<long long>(label.value()));
        std::fflush(stdout);
    }
}
