#pragma once
// A real project file for the worker's tests, CLI test and benchmark: generated videos (ffmpeg), one segment
// per video (or several), participants, confirmed labels on some segments.
#include "TestSupport.h"
#include "WorkTypes.h"
#include "store/ProjectStore.h"
#include "store/VideoFolderImport.h"

#include <QDir>
#include <QFile>

#include <memory>

namespace mas::test {

struct WorkerProjectOptions {
    int videos = 6;
    int participants = 3;        // videos spread round-robin over "P1".."Pn"
    int framesPerVideo = 24;
    int segmentsPerVideo = 1;    // equal parts of the video
    int size = 48;               // square video size
    int confirmedEvery = 2;      // every n-th segment gets a confirmed label (class = its index % classes); 0: none
    int classes = 4;
};

struct WorkerProject {
    std::unique_ptr<store::ProjectStore> store;
    QStringList videoPaths;
    QVector<store::Id> segmentIds;
    QString error;
};

inline WorkerProject makeWorkerProject(const QString& folder, const WorkerProjectOptions& o)
{
    WorkerProject p;
    QDir().mkpath(folder + "/videos");
    Result<std::unique_ptr<store::ProjectStore>> created =
        store::ProjectStore::create(folder + "/project.mas", Taxonomy::builtinMa52(), "tester");
    if (!created) {
        p.error = created.error();
        return p;
    }
    p.store = std::move(created.value());
    for (int v = 0; v < o.videos; ++v) {
        const QString path = QString("%1/videos/clip%2.mp4").arg(folder).arg(v, 2, 10, QChar('0'));
        if (!QFile::exists(path) && !makeTestVideo(path, o.framesPerVideo, o.size, o.size, 30, 12, false, &p.error))
            return p;
        Result<store::Video> probed = store::probeVideoForStore(path);
        if (!probed) {
            p.error = probed.error();
            return p;
        }
        store::Video video = probed.value();
        video.path = path;
        if (o.participants > 0) {
            Result<store::Id> participant = p.store->ensureParticipant(QString("P%1").arg(v % o.participants + 1));
            if (!participant) {
                p.error = participant.error();
                return p;
            }
            video.participantId = participant.value();
        }
        Result<store::Id> id = p.store->addVideo(video);
        if (!id) {
            p.error = id.error();
            return p;
        }
        p.videoPaths << path;
        const int part = o.framesPerVideo / std::max(o.segmentsPerVideo, 1);
        for (int s = 0; s < o.segmentsPerVideo; ++s) {
            Result<store::Id> segment = p.store->addSegment(id.value(), s * part, (s + 1) * part);
            if (!segment) {
                p.error = segment.error();
                return p;
            }
            const int index = int(p.segmentIds.size());
            p.segmentIds << segment.value();
            if (o.confirmedEvery > 0 && index % o.confirmedEvery == 0) {
                Result<store::Id> label = p.store->addLabel(segment.value(), index / o.confirmedEvery % o.classes,
                                                            store::LabelStatus::Confirmed);
                if (!label) {
                    p.error = label.error();
                    return p;
                }
            }
        }
    }
    return p;
}

} // namespace mas::test
