#include "shell/DemoProject.h"

#include "store/ProjectStore.h"
#include "store/VideoFolderImport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace mas::ui {
namespace {

Status makeDemoVideo(const QString& path, int seconds)
{
    QProcess ffmpeg;
    const QStringList args{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                           "-f", "lavfi", "-i", QStringLiteral("testsrc2=size=640x360:rate=30:duration=%1").arg(seconds),
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
    int start, end;        // frames, end exclusive
    int classId;           // -1: unlabeled
    store::LabelStatus status;
    int predictedClass;    // -1: no prediction
    float score;
};

Status fillDemoProject(store::ProjectStore& project, const QString& videoPath)
{
    auto probed = store::probeVideoForStore(videoPath);
    if (!probed)
        return Error{probed.error()};
    auto participant = project.ensureParticipant(QStringLiteral("P01"));
    if (!participant)
        return Error{participant.error()};
    store::Video video = probed.value();
    video.path = videoPath;
    video.participantId = participant.value();
    auto videoId = project.addVideo(video);
    if (!videoId)
        return Error{videoId.error()};

    // A few segments on several body parts, some confirmed, some prelabeled, one unlabeled;
    // predictions that agree and disagree with the human labels.
    const QVector<DemoSegment> segments{
        {30, 95, 0, store::LabelStatus::Confirmed, 0, 0.91f},      // A1 shaking body
        {120, 170, 7, store::LabelStatus::Confirmed, 7, 0.78f},    // B1..
        {150, 240, 19, store::LabelStatus::Prelabeled, 19, 0.55f}, // C..
        {260, 330, 33, store::LabelStatus::Confirmed, 35, 0.42f},  // disagreement
        {400, 470, 40, store::LabelStatus::Confirmed, 40, 0.88f},
        {520, 600, -1, store::LabelStatus::Confirmed, 45, 0.61f},  // unlabeled, predicted
        {640, 700, 49, store::LabelStatus::Confirmed, -1, 0},
        {760, 900, 2, store::LabelStatus::Confirmed, 2, 0.73f},
    };
    store::ModelVersion model;
    model.name = QStringLiteral("demo-model");
    model.kind = QStringLiteral("imported");
    model.metricsJson = QStringLiteral("{\"top1\": 0.62}");
    auto modelId = project.addModelVersion(model);
    if (!modelId)
        return Error{modelId.error()};
    if (Status s = project.setActiveModelVersion(modelId.value()); !s)
        return s;
    QVector<store::Prediction> predictions;
    const int frames = int(video.frameCount);
    for (const DemoSegment& d : segments) {
        if (d.end > frames)
            continue;
        auto id = project.addSegment(videoId.value(), d.start, d.end);
        if (!id)
            return Error{id.error()};
        if (d.classId >= 0)
            if (auto label = project.addLabel(id.value(), d.classId, d.status); !label)
                return Error{label.error()};
        if (d.predictedClass >= 0) {
            store::Prediction p;
            p.segmentId = id.value();
            p.modelVersionId = modelId.value();
            p.topK = {{d.predictedClass, d.score}, {(d.predictedClass + 1) % 52, (1 - d.score) * 0.6f}};
            predictions << p;
        }
    }
    if (auto stored = project.storePredictions(predictions); !stored)
        return Error{stored.error()};
    return {};
}

} // namespace

Result<QString> ensureDemoProject(const QString& folder, const DemoOptions& options)
{
    const QString projectPath = QDir(folder).absoluteFilePath(QStringLiteral("demo.mas"));
    if (QFileInfo::exists(projectPath))
        return projectPath;
    if (!QDir().mkpath(folder))
        return Error{QObject::tr("%1: cannot create the demo folder").arg(folder)};
    const QString videoPath = QDir(folder).absoluteFilePath(QStringLiteral("demo_0001.mp4"));
    if (!QFileInfo::exists(videoPath))
        if (Status s = makeDemoVideo(videoPath, options.seconds); !s)
            return Error{s.error()};
    auto project = store::ProjectStore::create(projectPath, Taxonomy::builtinMa52(), options.annotator);
    if (!project)
        return Error{project.error()};
    if (Status s = fillDemoProject(*project.value(), videoPath); !s) {
        // A half-made demo would be opened as is next time: remove it so the next launch retries.
        project.value().reset();
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock")})
            QFile::remove(projectPath + suffix);
        return Error{s.error()};
    }
    return projectPath;
}

} // namespace mas::ui
