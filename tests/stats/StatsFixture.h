#pragma once
// A small coded study whose statistics were worked out by hand (see tst_behaviourstats.cpp): four
// videos at 10 fps, two participants, two human coders and a model.
//   v1.mp4  P1  60 s   A1 [10,30) ann   A1 [50,110) ann   A3 [20,40) ann (+ B5 pre-label by model:m)
//   v2.mp4  P1 120 s   A1 [100,180) bob  A1 [0,10) ann REJECTED
//   v3.mp4  P2  30 s   B5 [30,70) bob   A1 [0,10) ann and bob (one event)
//   v4.mp4  P2  30 s   nothing coded
#include "exchange/ExchangeTypes.h"
#include "stats/BehaviourStats.h"
#include "store/ProjectStore.h"

#include <memory>

namespace mas::test {

inline constexpr int kA1 = 0, kA3 = 1, kB5 = 5; // official ids (A1, A3: body; B5: head)

struct StatsFixture {
    QVector<exchange::SegmentRow> rows;
    QVector<stats::ObservedVideo> videos;
};

inline StatsFixture statsFixture()
{
    using exchange::LabelEntry;
    using store::LabelStatus;
    StatsFixture f;
    f.videos = {{"v1.mp4", "P1", 60}, {"v2.mp4", "P1", 120}, {"v3.mp4", "P2", 30}, {"v4.mp4", "P2", 30}};
    auto add = [&](const QString& video, const QString& participant, int64_t s, int64_t e, QVector<LabelEntry> labels) {
        exchange::SegmentRow r;
        r.videoPath = video;
        r.participant = participant;
        r.startFrame = s;
        r.endFrame = e;
        r.fpsNum = 10;
        r.labels = labels;
        r.split = participant == QLatin1String("P1") ? "train" : "test";
        f.rows << r;
    };
    const LabelStatus ok = LabelStatus::Confirmed;
    add("v1.mp4", "P1", 10, 30, {{kA1, "ann", ok}});
    add("v1.mp4", "P1", 50, 110, {{kA1, "ann", ok}});
    add("v1.mp4", "P1", 20, 40, {{kA3, "ann", ok}, {kB5, "model:m", LabelStatus::Prelabeled}});
    add("v2.mp4", "P1", 100, 180, {{kA1, "bob", ok}});
    add("v2.mp4", "P1", 0, 10, {{kA1, "ann", LabelStatus::Rejected}});
    add("v3.mp4", "P2", 30, 70, {{kB5, "bob", ok}});
    add("v3.mp4", "P2", 0, 10, {{kA1, "ann", ok}, {kA1, "bob", ok}});
    return f;
}

// The same study as a real project file (videos registered by their probed figures; no media needed).
inline std::unique_ptr<store::ProjectStore> statsFixtureProject(const QString& path, QString* error)
{
    auto created = store::ProjectStore::create(path, Taxonomy::builtinMa52(), "ann");
    if (!created.ok()) {
        *error = created.error();
        return nullptr;
    }
    std::unique_ptr<store::ProjectStore> s = std::move(created.value());
    const StatsFixture f = statsFixture();
    QHash<QString, store::Id> videoId;
    for (const stats::ObservedVideo& v : f.videos) {
        store::Video video;
        video.path = v.path;
        video.durationSeconds = v.seconds;
        video.fpsNum = 10;
        video.frameCount = int64_t(v.seconds * 10);
        video.participantId = s->ensureParticipant(v.participant).value();
        videoId.insert(v.path, s->addVideo(video).value());
    }
    for (const exchange::SegmentRow& r : f.rows) {
        Result<store::Id> seg = s->addSegment(videoId.value(r.videoPath), r.startFrame, r.endFrame);
        if (!seg.ok()) {
            *error = seg.error();
            return nullptr;
        }
        for (const exchange::LabelEntry& l : r.labels) {
            Result<store::Id> label = s->addLabel(seg.value(), l.classId, l.status, s->ensureAnnotator(l.annotator).value());
            if (!label.ok()) {
                *error = label.error();
                return nullptr;
            }
        }
    }
    return s;
}

} // namespace mas::test
