// Importing a real folder of videos (probed with FFmpeg) into a project, with damaged files among
// them, and videos that went missing afterwards: marked missing, project still opens, relinked.
#include "StoreTestSupport.h"
#include "TestSupport.h"
#include "store/VideoFolderImport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtTest>

using namespace mas;
using namespace mas::store;

class TestStoreVideos : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importSkipsCorruptVideosAndKeepsTheRest();
    void importingAgainAddsOnlyNewFiles();
    void customParticipantPattern();
    void badPatternAndMissingFolderAreRefused();
    void missingVideoIsMarkedAndRelinkedByHand();
    void movedFolderIsRelinkedByNameAndHash();
    void relinkRefusesADifferentVideo();
    void projectFolderMovesWithItsVideos();

private:
    QString makeClipsFolder(const QString& name);
    QTemporaryDir m_dir;
    test::ProjectLocations m_loc{m_dir};
    QString m_videoA; // generated once, copied where needed; four different contents
    QString m_videoB;
    QString m_videoC;
    QString m_videoD;
};

void TestStoreVideos::initTestCase()
{
    if (const QString why = m_loc.unavailable(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QVERIFY(m_dir.isValid());
    m_videoA = m_dir.filePath("a.mp4");
    m_videoB = m_dir.filePath("b.mp4");
    QString error;
    QVERIFY2(test::makeTestVideo(m_videoA, 30, 160, 120, 30, 250, false, &error), qPrintable(error));
    QVERIFY2(test::makeTestVideo(m_videoB, 45, 128, 96, 25, 250, false, &error), qPrintable(error));
    m_videoC = m_dir.filePath("c.mp4");
    m_videoD = m_dir.filePath("d.mp4");
    QVERIFY2(test::makeTestVideo(m_videoC, 20, 160, 120, 30, 250, false, &error), qPrintable(error));
    QVERIFY2(test::makeTestVideo(m_videoD, 25, 160, 120, 30, 250, false, &error), qPrintable(error));
}

// DIR/0001_01_0001.mp4, DIR/0001_01_0002.mp4, DIR/sub/0002_03_0007.mp4, DIR/sub/deeper/0003_06_0001.mp4,
// plus DIR/0004_02_0001.mp4 (random bytes), DIR/sub/0005_02_0002.mp4 (truncated), notes.txt.
QString TestStoreVideos::makeClipsFolder(const QString& name)
{
    const QString dir = m_dir.filePath(name);
    QDir().mkpath(dir + "/sub/deeper");
    QFile::copy(m_videoA, dir + "/0001_01_0001.mp4");
    QFile::copy(m_videoB, dir + "/0001_01_0002.mp4");
    QFile::copy(m_videoC, dir + "/sub/0002_03_0007.mp4");
    QFile::copy(m_videoD, dir + "/sub/deeper/0003_06_0001.mp4");
    QFile noise(dir + "/0004_02_0001.mp4");
    noise.open(QIODevice::WriteOnly);
    noise.write(QByteArray(5000, 'x'));
    noise.close();
    QFile whole(m_videoA);
    whole.open(QIODevice::ReadOnly);
    QFile cut(dir + "/sub/0005_02_0002.mp4");
    cut.open(QIODevice::WriteOnly);
    cut.write(whole.read(600)); // the header of an MP4, none of its frames
    cut.close();
    QFile notes(dir + "/notes.txt");
    notes.open(QIODevice::WriteOnly);
    notes.write("not a video\n");
    return dir;
}

void TestStoreVideos::importSkipsCorruptVideosAndKeepsTheRest()
{
    const QString clips = makeClipsFolder("import1");
    auto s = test::createProject(m_loc.project("import1.mas"));
    Result<VideoFolderImportReport> r = importVideoFolder(*s, clips);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->found, 6); // notes.txt is not a candidate
    QCOMPARE(r->imported, 4);
    QCOMPARE(r->segmentsAdded, 4);
    QCOMPARE(r->skipped.size(), 2);
    QVERIFY2(r->skipped.filter("0004_02_0001.mp4").size() == 1, qPrintable(r->skipped.join('\n')));
    QVERIFY2(r->skipped.filter("0005_02_0002.mp4").size() == 1, qPrintable(r->skipped.join('\n')));
    for (const QString& line : r->skipped)
        QVERIFY2(line.indexOf(": ") > 0 && line.size() > line.indexOf(": ") + 3, qPrintable(line)); // has a reason

    const ProjectCounts c = s->counts().value();
    QCOMPARE(c.videos, 4);
    QCOMPARE(c.participants, 3);
    QCOMPARE(c.segments, 4);
    QCOMPARE(c.missingVideos, 0);
    const std::optional<Id> id = s->videoIdByPath(clips + "/sub/0002_03_0007.mp4");
    QVERIFY(id);
    const Video v = s->video(*id).value();
    QCOMPARE(v.path, QString("import1/sub/0002_03_0007.mp4"));
    QCOMPARE(v.frameCount, int64_t(20));
    QCOMPARE(v.fpsNum, 30);
    QCOMPARE(v.fpsDen, 1);
    QCOMPARE(v.width, 160);
    QCOMPARE(v.height, 120);
    QVERIFY(!v.contentHash.isEmpty());
    QCOMPARE(s->participants().value().size(), 3);
    bool found = false;
    const QVector<Participant> participants = s->participants().value();
    for (const Participant& p : participants)
        found = found || (p.id == v.participantId && p.code == "0002");
    QVERIFY(found);
    const QVector<Segment> segs = s->segmentsOfVideo(*id).value();
    QCOMPARE(segs.size(), 1);
    QCOMPARE(segs.first().startFrame, int64_t(0));
    QCOMPARE(segs.first().endFrame, int64_t(20)); // the whole clip, end exclusive
    const Video b = s->video(*s->videoIdByPath(clips + "/0001_01_0002.mp4")).value();
    QCOMPARE(b.frameCount, int64_t(45));
    QCOMPARE(b.fpsNum, 25);
    QCOMPARE(b.width, 128);
    QCOMPARE(b.height, 96);
}

void TestStoreVideos::importingAgainAddsOnlyNewFiles()
{
    const QString clips = makeClipsFolder("import2");
    auto s = test::createProject(m_loc.project("import2.mas"));
    QCOMPARE(importVideoFolder(*s, clips)->imported, 4);
    QFile::copy(m_videoA, clips + "/sub/0009_00_0001.mp4");
    Result<VideoFolderImportReport> again = importVideoFolder(*s, clips);
    QVERIFY2(again.ok(), qPrintable(again.error()));
    QCOMPARE(again->imported, 1);
    QCOMPARE(again->alreadyInProject, 4);
    QCOMPARE(s->counts()->videos, 5);
}

void TestStoreVideos::customParticipantPattern()
{
    const QString dir = m_dir.filePath("interviews");
    QDir().mkpath(dir);
    QFile::copy(m_videoA, dir + "/subject-17_session2.mp4");
    QFile::copy(m_videoB, dir + "/subject-4_session1.mov");
    QFile::copy(m_videoB, dir + "/calibration.mp4");
    auto s = test::createProject(m_loc.project("interviews.mas"));
    VideoFolderImportOptions options;
    options.participantPattern = R"(^subject-(\d+)_)";
    Result<VideoFolderImportReport> r = importVideoFolder(*s, dir, options);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->imported, 3);
    QCOMPARE(r->segmentsAdded, 0); // long recordings: no whole-clip segment unless asked
    QStringList codes;
    const QVector<Participant> participants = s->participants().value();
    for (const Participant& p : participants)
        codes << p.code;
    codes.sort();
    QCOMPARE(codes, QStringList({"17", "4"}));
    QCOMPARE(s->video(*s->videoIdByPath(dir + "/calibration.mp4")).value().participantId, Id(0));
}

void TestStoreVideos::badPatternAndMissingFolderAreRefused()
{
    auto s = test::createProject(m_loc.project("refusals.mas"));
    VideoFolderImportOptions options;
    options.participantPattern = "(unclosed";
    Result<VideoFolderImportReport> bad = importVideoFolder(*s, m_dir.path(), options);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains("(unclosed"), qPrintable(bad.error()));
    options.participantPattern = R"(^\d{4})";
    Result<VideoFolderImportReport> noGroup = importVideoFolder(*s, m_dir.path(), options);
    QVERIFY(!noGroup.ok());
    QVERIFY2(noGroup.error().contains("capture group"), qPrintable(noGroup.error()));
    Result<VideoFolderImportReport> nowhere = importVideoFolder(*s, m_dir.filePath("no-such-folder"));
    QVERIFY(!nowhere.ok());
    QVERIFY2(nowhere.error().contains("no-such-folder"), qPrintable(nowhere.error()));
    QCOMPARE(s->counts()->videos, 0);
}

void TestStoreVideos::missingVideoIsMarkedAndRelinkedByHand()
{
    const QString clips = makeClipsFolder("missing1");
    const QString path = m_loc.project("missing1.mas");
    Id video = 0;
    {
        auto s = test::createProject(path);
        QVERIFY(importVideoFolder(*s, clips).ok());
        video = *s->videoIdByPath(clips + "/0001_01_0001.mp4");
        QVERIFY(s->addLabel(s->segmentsOfVideo(video).value().first().id, 3, LabelStatus::Confirmed).ok());
    }
    const QString moved = m_dir.filePath("elsewhere/renamed.mp4");
    QDir().mkpath(QFileInfo(moved).path());
    QVERIFY(QFile::rename(clips + "/0001_01_0001.mp4", moved));

    {
        // A read-only look (`project info`) sees it missing too, without writing the flag.
        auto ro = ProjectStore::open(path, OpenMode::ReadOnly);
        QVERIFY2(ro.ok(), qPrintable(ro.error()));
        QVERIFY(ro.value()->video(video).value().missing);
        QCOMPARE(ro.value()->counts()->missingVideos, 1);
        int missingInList = 0;
        const QVector<Video> videos = ro.value()->videos().value();
        for (const Video& v : videos)
            missingInList += v.missing ? 1 : 0;
        QCOMPARE(missingInList, 1);
    }
    auto s = ProjectStore::open(path);
    QVERIFY2(s.ok(), qPrintable(s.error())); // a missing video never stops the project from opening
    QVERIFY(s.value()->video(video).value().missing);
    QCOMPARE(s.value()->counts()->missingVideos, 1);
    QCOMPARE(s.value()->counts()->labels, 1); // its labels are kept

    Status relinked = s.value()->relinkVideo(video, moved);
    QVERIFY2(relinked.ok(), qPrintable(relinked.error()));
    const Video v = s.value()->video(video).value();
    QVERIFY(!v.missing);
    QCOMPARE(v.path, QString("elsewhere/renamed.mp4"));
    QCOMPARE(s.value()->editLog(1).value().first().action, QString("video.relink"));
    s = ProjectStore::open(path); // the relink is durable and the flag stays clear
    QVERIFY(s.ok());
    QCOMPARE(s.value()->counts()->missingVideos, 0);
}

void TestStoreVideos::movedFolderIsRelinkedByNameAndHash()
{
    const QString clips = makeClipsFolder("missing2");
    const QString path = m_loc.project("missing2.mas");
    test::createProject(path);
    {
        auto s = ProjectStore::open(path);
        QVERIFY(importVideoFolder(*s.value(), clips).ok());
    }
    const QString newHome = m_dir.filePath("archive/clips-2024");
    QDir().mkpath(QFileInfo(newHome).path());
    QVERIFY(QDir().rename(clips, newHome));
    // One file also renamed: found by its content hash alone.
    QVERIFY(QFile::rename(newHome + "/sub/deeper/0003_06_0001.mp4", newHome + "/sub/deeper/renamed.mp4"));

    auto s = ProjectStore::open(path);
    QVERIFY(s.ok());
    QCOMPARE(s.value()->counts()->missingVideos, 4);
    Result<RelinkReport> report = s.value()->relinkFolder(newHome);
    QVERIFY2(report.ok(), qPrintable(report.error()));
    QCOMPARE(report->relinked, 4);
    QCOMPARE(report->stillMissing, 0);
    QCOMPARE(s.value()->counts()->missingVideos, 0);
    QVERIFY(s.value()->videoIdByPath(newHome + "/sub/deeper/renamed.mp4"));
}

void TestStoreVideos::relinkRefusesADifferentVideo()
{
    const QString clips = makeClipsFolder("missing3");
    auto s = test::createProject(m_loc.project("missing3.mas"));
    QVERIFY(importVideoFolder(*s, clips).ok());
    const Id video = *s->videoIdByPath(clips + "/0001_01_0001.mp4"); // a copy of video A
    Status wrong = s->relinkVideo(video, m_videoB);
    QVERIFY(!wrong.ok());
    QVERIFY2(wrong.error().contains("not the same content"), qPrintable(wrong.error()));
    QCOMPARE(s->video(video).value().path, QString("missing3/0001_01_0001.mp4"));
    QVERIFY(s->relinkVideo(video, m_videoB, /*allowDifferentContent=*/true).ok());
    Status nowhere = s->relinkVideo(video, m_dir.filePath("nope.mp4"));
    QVERIFY(!nowhere.ok());
    QVERIFY2(nowhere.error().contains("nope.mp4"), qPrintable(nowhere.error()));
}

void TestStoreVideos::projectFolderMovesWithItsVideos()
{
    if (test::ProjectLocations::serverBackend())
        QSKIP("a file's videos move with its folder; a server project's video root is MAS_VIDEO_ROOT (tested above)");
    const QString root = m_dir.filePath("study");
    QDir().mkpath(root);
    const QString clips = makeClipsFolder("study/clips");
    {
        auto s = test::createProject(root + "/study.mas");
        QCOMPARE(importVideoFolder(*s, clips)->imported, 4);
    }
    const QString movedRoot = m_dir.filePath("study-copy-on-another-disk");
    QVERIFY(QDir().rename(root, movedRoot));
    auto s = ProjectStore::open(movedRoot + "/study.mas");
    QVERIFY2(s.ok(), qPrintable(s.error()));
    QCOMPARE(s.value()->counts()->missingVideos, 0);
    const Video v = s.value()->videos().value().first();
    QVERIFY(v.path.startsWith("clips/"));
    QVERIFY(QFileInfo::exists(s.value()->absoluteVideoPath(v)));
    QVERIFY(s.value()->absoluteVideoPath(v).startsWith(movedRoot));
}

QTEST_GUILESS_MAIN(TestStoreVideos)
#include "tst_storevideos.moc"
