// Helper process of tst_storeteam (not a test itself): one annotator's client of a server project.
//   store_team_child URL ANNOTATOR SEGMENT_ID EDITS
// After READY and a line on stdin, appends "|ANNOTATOR.i" to the segment's note EDITS times, each edit on the version it just read;
// an edit refused because the other client changed the row is read again and retried. Prints
// "CONFLICTS n" and the first refusal's message ("FIRST <message>").
#include "store/ProjectStore.h"

#include <QCoreApplication>

#include <cstdio>

using namespace mas;
using namespace mas::store;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5) {
        std::fprintf(stderr, "usage: store_team_child URL ANNOTATOR SEGMENT_ID EDITS\n");
        return 2;
    }
    auto store = ProjectStore::open(args[1], OpenMode::ReadWrite);
    if (!store.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error()));
        return 1;
    }
    ProjectStore& s = *store.value();
    if (auto a = s.setCurrentAnnotator(args[2]); !a.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(a.error()));
        return 1;
    }
    // Both clients start editing together: each says READY and waits for a line on stdin.
    std::printf("READY\n");
    std::fflush(stdout);
    char line[16];
    if (!std::fgets(line, sizeof line, stdin))
        return 1;
    const Id segmentId = args[3].toLongLong();
    const int edits = args[4].toInt();
    int conflicts = 0;
    QString first;
    for (int i = 0; i < edits; ++i) {
        for (int attempt = 0;; ++attempt) {
            Result<Segment> seg = s.segment(segmentId);
            if (!seg.ok()) {
                std::fprintf(stderr, "%s\n", qPrintable(seg.error()));
                return 1;
            }
            const QString note = seg->note + QStringLiteral("|%1.%2").arg(args[2]).arg(i);
            const Status done = s.updateSegment(segmentId, seg->startFrame, seg->endFrame, note, seg->rowVersion);
            if (done.ok())
                break;
            if (!done.error().contains(QLatin1String("changed by")) || attempt > 1000) {
                std::fprintf(stderr, "%s\n", qPrintable(done.error()));
                return 1;
            }
            if (conflicts++ == 0)
                first = done.error();
        }
    }
    std::printf("CONFLICTS %d\nFIRST %s\n", conflicts, qPrintable(first));
    return 0;
}
