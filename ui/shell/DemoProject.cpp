#include "shell/DemoProject.h"

#include "store/ProjectStore.h"
#include "store/VideoFolderImport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace mas::ui {
namespace {

Status makeDemoVideo(const QString& path, const QString& pattern, int seconds)
{
    QProcess ffmpeg;
    const QStringList args{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                           "-f", "lavfi", "-i", QStringLiteral("%1=size=640x360:rate=30:duration=%2").arg(pattern).arg(seconds),
                           "-f", "lavfi", "-i", QStringLiteral("sine=frequency=440:sample_rate=48000:duration=%1").arg(seconds),
                           "-pix_fmt", "yuv420p", "-g", "30", "-c:a", "aac", "-shortest", path};
    ffmpeg.start(QStringLiteral("ffmpeg"), args);
    if (!ffmpeg.waitForStarted(10000))
        return Error{QObject::tr("%1: could not run the ffmpeg program to make the demo video (%2); "
                                 "install it with: sudo apt-get install ffmpeg").arg(path, ffmpeg.errorString())};
    if (!ffmpeg.waitForFinished(180000) || ffmpeg.exitCode() != 0)
        return Error{QObject::tr("%1: ffmpeg failed to make the demo video: %2")
                         .arg(path, QString::fromUtf8(ffmpeg.readAllStandardError()).trimmed())};
    return {};
}

struct DemoSegment {
    int start, end; // frames, end exclusive
    int classId;    // -1: unlabeled (the model's pre-label fills it in)
};

struct DemoVideo {
    QString participant;
    QString file;
    QString pattern;  // ffmpeg lavfi source
    QVector<DemoSegment> segments;
};

QVector<DemoVideo> demoVideos()
{
    // Human labels only, all confirmed, on a few MA-52 classes (ids 0, 2, 7, 33, 40, 49); -1: left open.
    return {
        {QStringLiteral("P01"), QStringLiteral("demo_0001.mp4"), QStringLiteral("testsrc2"),
         {{30, 95, 0}, {120, 170, 7}, {150, 240, -1}, {260, 330, 33}, {400, 470, 40}, {520, 600, -1},
          {640, 700, 49}, {760, 900, 2}, {930, 990, 0}, {1010, 1080, 7}, {1100, 1170, 33}}},
        {QStringLiteral("P02"), QStringLiteral("demo_0002.mp4"), QStringLiteral("testsrc"),
         {{20, 80, 0}, {100, 160, 7}, {180, 250, 33}, {270, 340, 2}, {360, 420, 40}, {430, 470, -1}}},
        {QStringLiteral("P03"), QStringLiteral("demo_0003.mp4"), QStringLiteral("rgbtestsrc"),
         {{20, 80, 7}, {100, 160, 0}, {180, 250, 2}, {270, 340, 33}, {360, 420, 40}, {430, 470, -1}}},
    };
}

Status fillDemoProject(store::ProjectStore& project, const QString& folder)
{
    auto planId = project.createSplitPlan(QStringLiteral("demo-plan"), store::SplitUnit::Participant,
                                          QStringLiteral("P01 trains, P02 picks the epoch, P03 is the test"));
    if (!planId)
        return Error{planId.error()};
    const store::SplitSet sets[] = {store::SplitSet::Train, store::SplitSet::Val, store::SplitSet::Test};
    int index = 0;
    QVector<store::SplitAssignment> assignments;
    for (const DemoVideo& d : demoVideos()) {
        const QString videoPath = QDir(folder).absoluteFilePath(d.file);
        auto probed = store::probeVideoForStore(videoPath);
        if (!probed)
            return Error{probed.error()};
        auto participant = project.ensureParticipant(d.participant);
        if (!participant)
            return Error{participant.error()};
        assignments << store::SplitAssignment{participant.value(), sets[index++]};
        store::Video video = probed.value();
        video.path = videoPath;
        video.participantId = participant.value();
        auto videoId = project.addVideo(video);
        if (!videoId)
            return Error{videoId.error()};
        const int frames = int(video.frameCount);
        for (const DemoSegment& s : d.segments) {
            if (s.end > frames)
                continue;
            auto id = project.addSegment(videoId.value(), s.start, s.end);
            if (!id)
                return Error{id.error()};
            if (s.classId >= 0)
                if (auto label = project.addLabel(id.value(), s.classId, store::LabelStatus::Confirmed); !label)
                    return Error{label.error()};
        }
    }
    return project.setSplitAssignments(planId.value(), assignments);
}

} // namespace

bool isDemoProject(const QString& projectPath)
{
    const QFileInfo info(projectPath);
    return info.fileName() == QLatin1String("demo.mas") && QFileInfo::exists(info.dir().filePath(QStringLiteral("demo_0001.mp4")));
}

Result<QString> ensureDemoProject(const QString& folder, const DemoOptions& options)
{
    const QString projectPath = QDir(folder).absoluteFilePath(QStringLiteral("demo.mas"));
    if (QFileInfo::exists(projectPath))
        return projectPath;
    if (!QDir().mkpath(folder))
        return Error{QObject::tr("%1: cannot create the demo folder").arg(folder)};
    bool first = true;
    for (const DemoVideo& d : demoVideos()) {
        const QString videoPath = QDir(folder).absoluteFilePath(d.file);
        const int seconds = first ? options.seconds : std::min(options.seconds, 16);
        first = false;
        if (!QFileInfo::exists(videoPath))
            if (Status s = makeDemoVideo(videoPath, d.pattern, seconds); !s)
                return Error{s.error()};
    }
    auto project = store::ProjectStore::create(projectPath, Taxonomy::builtinMa52(), options.annotator);
    if (!project)
        return Error{project.error()};
    if (Status s = fillDemoProject(*project.value(), folder); !s) {
        // A half-made demo would be opened as is next time: remove it so the next launch retries.
        project.value().reset();
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock")})
            QFile::remove(projectPath + suffix);
        return Error{s.error()};
    }
    return projectPath;
}

} // namespace mas::ui
