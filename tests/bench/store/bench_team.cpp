// bench_team [--clients N] [--edits N] [--url postgresql://...]
// A team on one server project: N client processes (default 8) each make E label edits (default
// 1,000) at once on a 22,422-segment project, every edit its own durable transaction. Prints the p50
// and p95 edit latency, edits/s over all clients, lost or duplicated edits (must be 0: every client's
// labels are counted back), and how long until another client hears of an edit (LISTEN/NOTIFY,
// from the edit's log time to its arrival at a listening process; goal p95 < 1 s).
// Without --url it starts its own PostgreSQL (tests/common/PgTestCluster.h) with fsync on.
#include "../../common/PgTestCluster.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace mas;
using namespace mas::store;

namespace {

constexpr int kClips = 22422;

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

template <typename T>
T orDie(Result<T> r, const char* what)
{
    if (!r.ok()) {
        std::fprintf(stderr, "bench_team: %s: %s\n", what, qPrintable(r.error()));
        std::exit(1);
    }
    return std::move(r).value();
}

// The segment and class of a client's i-th edit (the same in the client and in the count).
std::pair<Id, int> editOf(int client, int i, int segments)
{
    std::mt19937 rng(uint32_t(client * 1000003 + i));
    return {Id(1 + rng() % uint32_t(segments)), int(rng() % 52)};
}

// One client: its own annotator, E edits, each latency printed (ms).
int runClient(const QString& url, int client, int edits)
{
    auto store = orDie(ProjectStore::open(url), "open");
    orDie(store->setCurrentAnnotator(QStringLiteral("client-%1").arg(client)), "annotator");
    const int segments = store->counts()->segments;
    std::printf("READY\n");
    std::fflush(stdout);
    char line[16];
    if (!std::fgets(line, sizeof line, stdin))
        return 1;
    QElapsedTimer t;
    QByteArray out;
    for (int i = 0; i < edits; ++i) {
        const auto [segment, classId] = editOf(client, i, segments);
        t.start();
        orDie(store->addLabel(segment, classId, LabelStatus::Confirmed), "edit");
        out += QByteArray::number(t.nsecsElapsed() / 1e6, 'f', 3) + ' ';
    }
    std::printf("LAT %s\n", out.constData());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int clients = 8, edits = 1000, client = -1;
    QString url;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == "--clients" && i + 1 < args.size())
            clients = std::max(1, args[++i].toInt());
        else if (args[i] == "--edits" && i + 1 < args.size())
            edits = std::max(1, args[++i].toInt());
        else if (args[i] == "--url" && i + 1 < args.size())
            url = args[++i];
        else if (args[i] == "--client" && i + 1 < args.size())
            client = args[++i].toInt();
        else {
            std::fprintf(stderr, "usage: bench_team [--clients N] [--edits N] [--url postgresql://...]\n");
            return 2;
        }
    }
    if (client >= 0)
        return runClient(url, client, edits);

    std::unique_ptr<test::PgTestCluster> cluster;
    if (url.isEmpty()) {
        cluster = std::make_unique<test::PgTestCluster>(test::PgTestCluster::Durable);
        if (!cluster->ok()) {
            std::fprintf(stderr, "bench_team: %s\n", qPrintable(cluster->why()));
            return 1;
        }
        url = cluster->url("team");
    }
    std::printf("project   %s (%d clips)\n", qPrintable(url), kClips);
    QElapsedTimer t;
    t.start();
    {
        auto s = orDie(ProjectStore::create(url, Taxonomy::builtinMa52(), "curator"), "create");
        QVector<NewVideo> videos;
        for (int i = 0; i < kClips; ++i) {
            NewVideo v;
            v.video.path = QStringLiteral("clips/%1.mp4").arg(i, 5, 10, QChar('0'));
            v.video.frameCount = 60;
            v.video.fpsNum = 30;
            v.participantCode = QStringLiteral("%1").arg(1 + i % 205, 4, 10, QChar('0'));
            v.wholeClipSegment = true;
            videos << v;
        }
        orDie(s->importVideos(videos), "import");
    }
    std::printf("create    %.1f s\n", t.nsecsElapsed() / 1e9);

    // A listening client: when does it hear of each edit?
    QHash<Id, qint64> heardAt; // outlives the listening store
    auto listener = orDie(ProjectStore::open(url, OpenMode::ReadOnly), "open listener");
    listener->setChangeListener([&](const QString& entity, Id id) {
        if (entity == QLatin1String("label"))
            heardAt.insert(id, QDateTime::currentMSecsSinceEpoch());
    });

    QList<QProcess*> procs;
    for (int c = 0; c < clients; ++c) {
        auto* p = new QProcess(&app);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(app.applicationFilePath(), {"--client", QString::number(c), "--edits", QString::number(edits), "--url", url});
        procs << p;
    }
    for (QProcess* p : procs) {
        while (!p->canReadLine() && p->state() != QProcess::NotRunning)
            p->waitForReadyRead(30000);
        if (p->readLine().trimmed() != "READY") {
            std::fprintf(stderr, "bench_team: a client did not start\n");
            return 1;
        }
    }
    t.start();
    for (QProcess* p : procs)
        p->write("go\n");
    for (QProcess* p : procs)
        p->waitForBytesWritten(10000);
    // The event loop runs (notifications arrive) while the clients edit.
    QEventLoop loop;
    int running = clients;
    for (QProcess* p : procs)
        QObject::connect(p, &QProcess::finished, &loop, [&] {
            if (--running == 0)
                loop.quit();
        });
    loop.exec();
    const double seconds = t.nsecsElapsed() / 1e9;
    QTimer::singleShot(1500, &loop, &QEventLoop::quit); // the last notifications
    loop.exec();

    std::vector<double> latency;
    for (QProcess* p : procs) {
        if (p->exitCode() != 0) {
            std::fprintf(stderr, "bench_team: a client failed\n");
            return 1;
        }
        const QString out = QString::fromUtf8(p->readAllStandardOutput());
        for (const QString& v : out.section("LAT ", 1).split(' ', Qt::SkipEmptyParts))
            latency.push_back(v.toDouble());
    }
    // Every client's labels counted back: what each was asked to add, no more, no less.
    auto s = orDie(ProjectStore::open(url, OpenMode::ReadOnly), "open");
    const QVector<Annotator> annotators = orDie(s->annotators(), "annotators");
    QHash<Id, int> clientOf;
    for (const Annotator& a : annotators)
        if (a.name.startsWith("client-"))
            clientOf.insert(a.id, a.name.mid(7).toInt());
    QHash<QString, int> expected, found;
    for (int c = 0; c < clients; ++c)
        for (int i = 0; i < edits; ++i) {
            const auto [segment, classId] = editOf(c, i, kClips);
            ++expected[QStringLiteral("%1/%2/%3").arg(c).arg(segment).arg(classId)];
        }
    std::vector<double> heardMs;
    for (const EditLogEntry& e : orDie(s->editLog(clients * edits + 100), "edit log")) {
        if (e.action != QLatin1String("label.add"))
            continue;
        if (auto it = heardAt.find(e.entityId); it != heardAt.end())
            heardMs.push_back(double(it.value() - e.when.toMSecsSinceEpoch()));
    }
    for (Id seg = 1; seg <= kClips; ++seg)
        for (const Label& l : orDie(s->labelsOfSegment(seg), "labels"))
            if (clientOf.contains(l.annotatorId))
                ++found[QStringLiteral("%1/%2/%3").arg(clientOf[l.annotatorId]).arg(l.segmentId).arg(l.classId)];
    int lost = 0, duplicated = 0;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        lost += std::max(0, it.value() - found.value(it.key()));
        duplicated += std::max(0, found.value(it.key()) - it.value());
    }
    for (auto it = found.begin(); it != found.end(); ++it)
        if (!expected.contains(it.key()))
            duplicated += it.value();

    std::printf("edits     %d clients x %d label edits in %.1f s: %.0f edits/s\n", clients, edits, seconds,
                clients * edits / seconds);
    std::printf("latency   p50 %.2f ms, p95 %.2f ms, max %.2f ms (one durable transaction each)\n", percentile(latency, 0.5),
                percentile(latency, 0.95), percentile(latency, 1.0));
    std::printf("lost      %d, duplicated %d   [must be 0]\n", lost, duplicated);
    std::printf("heard     %zu of %d edits by a listening client: p50 %.0f ms, p95 %.0f ms, max %.0f ms   [goal p95 < 1000 ms]\n",
                heardMs.size(), clients * edits, percentile(heardMs, 0.5), percentile(heardMs, 0.95),
                percentile(heardMs, 1.0));
    return lost == 0 && duplicated == 0 ? 0 : 1;
}
