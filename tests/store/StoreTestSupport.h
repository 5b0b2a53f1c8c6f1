#pragma once
// Small helpers shared by the store tests: a fresh project in a temporary folder, or on a throwaway
// PostgreSQL server when MAS_TEST_STORE_BACKEND=postgresql (CTest registers such tests twice).
#include "PgTestCluster.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

// QCOMPARE of store enums, by name (see statusName in StoreTypes.h).
#define QCOMPARE_STATUS(actual, expected) QCOMPARE(mas::store::statusName(actual), mas::store::statusName(expected))
#define QCOMPARE_SPLIT(actual, expected) QCOMPARE(mas::store::splitName(actual), mas::store::splitName(expected))

namespace mas::test {

inline std::unique_ptr<store::ProjectStore> createProject(const QString& path, const QString& annotator = "alice")
{
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::create(path, Taxonomy::builtinMa52(), annotator);
    if (!s.ok())
        qFatal("cannot create %s: %s", qPrintable(path), qPrintable(s.error()));
    return std::move(s).value();
}

// A video row that needs no file (tests of the store alone): 90 frames at 30/1.
inline store::Video fakeVideo(const QString& relativePath, store::Id participant = 0)
{
    store::Video v;
    v.path = relativePath;
    v.contentHash = "hash-of-" + relativePath;
    v.participantId = participant;
    v.durationSeconds = 3.0;
    v.fpsNum = 30;
    v.fpsDen = 1;
    v.frameCount = 90;
    v.width = 160;
    v.height = 120;
    return v;
}

// Where a test's projects live: files in `dir`, or databases of one PostgreSQL cluster per test
// process (started on first use). A project named "x.mas" is the file dir/x.mas or the database
// "x.mas" (PostgreSQL takes dots in names), so messages name it the same way on both back ends.
class ProjectLocations {
public:
    explicit ProjectLocations(const QTemporaryDir& dir) : m_dir(dir) {}

    static bool serverBackend() { return qEnvironmentVariable("MAS_TEST_STORE_BACKEND") == QLatin1String("postgresql"); }
    static QString backendName() { return serverBackend() ? QStringLiteral("postgresql") : QStringLiteral("sqlite"); }

    // "" when the back end is usable; else why not (the test QSKIPs with it).
    QString unavailable()
    {
        if (!serverBackend())
            return {};
        PgTestCluster& pg = cluster();
        if (!pg.ok())
            return QStringLiteral("MAS_TEST_STORE_BACKEND=postgresql but no test server: ") + pg.why();
        // Server projects find their videos under this root, as files do next to the project.
        qputenv("MAS_VIDEO_ROOT", m_dir.path().toUtf8());
        return {};
    }

    // A project's name (file path or URL) for `fileName`; the database is made by ProjectStore::create.
    QString project(const QString& fileName) const
    {
        return serverBackend() ? cluster().url(fileName) : m_dir.filePath(fileName);
    }

    static PgTestCluster& cluster()
    {
        // Stopped while the application object is still alive (QProcess needs it).
        static std::unique_ptr<PgTestCluster> pg;
        if (!pg) {
            pg = std::make_unique<PgTestCluster>();
            qAddPostRoutine([] { pg.reset(); });
        }
        return *pg;
    }

private:
    const QTemporaryDir& m_dir;
};

} // namespace mas::test
