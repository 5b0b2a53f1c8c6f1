#include "timeline/TimelineStoreAdapter.h"

#include <QHash>

namespace mas::ui {

TimelineStoreAdapter::TimelineStoreAdapter(EditContext& context, TimelineModel& model, QObject* parent)
    : QObject(parent), m_context(context), m_model(model)
{
    QVector<TimelineTrack> tracks;
    for (const BodyPart& part : context.store().taxonomy().bodyParts())
        tracks.push_back({QStringLiteral("%1 %2").arg(part.letter, part.name), part.colour, false});
    tracks.push_back({tr("Unlabeled"), QColor(150, 150, 150), false});
    tracks.push_back({tr("Predictions"), QColor(120, 120, 200), true});
    m_model.setTracks(tracks);

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(0);
    connect(&m_reloadTimer, &QTimer::timeout, this, &TimelineStoreAdapter::reload);
    auto onChange = [this](store::Id videoId, store::Id) {
        if (videoId == m_videoId || videoId == 0)
            scheduleReload();
    };
    connect(&context, &EditContext::segmentChanged, this, onChange);
    connect(&context, &EditContext::labelsChanged, this, onChange);
}

int TimelineStoreAdapter::unlabeledTrack() const
{
    return m_context.store().taxonomy().bodyPartCount();
}

int TimelineStoreAdapter::predictionsTrack() const
{
    return unlabeledTrack() + 1;
}

int TimelineStoreAdapter::bodyPartOfTrack(int track) const
{
    const auto& parts = m_context.store().taxonomy().bodyParts();
    return track >= 0 && track < parts.size() ? parts[track].id : -1;
}

int TimelineStoreAdapter::trackOfBodyPart(int bodyPartId) const
{
    const auto& parts = m_context.store().taxonomy().bodyParts();
    for (int i = 0; i < parts.size(); ++i)
        if (parts[i].id == bodyPartId)
            return i;
    return -1;
}

void TimelineStoreAdapter::setVideo(store::Id videoId, int frameCount, double fps)
{
    m_videoId = videoId;
    m_model.setVideo(frameCount, fps);
    reload();
}

void TimelineStoreAdapter::scheduleReload()
{
    m_reloadTimer.start();
}

void TimelineStoreAdapter::reload()
{
    m_reloadTimer.stop();
    QVector<TimelineSegment> out;
    if (m_videoId == 0) {
        m_model.setSegments(out);
        return;
    }
    const store::ProjectStore& store = m_context.store();
    const Taxonomy& taxonomy = store.taxonomy();
    auto segments = store.segmentsOfVideo(m_videoId);
    if (!segments) {
        Q_EMIT reloadFailed(segments.error());
        return;
    }
    out.reserve(segments->size() * 2);
    for (const store::Segment& s : segments.value()) {
        TimelineSegment t;
        t.id = s.id;
        t.startFrame = int(s.startFrame);
        t.endFrame = int(s.endFrame);
        t.rowVersion = s.rowVersion;
        if (const ActionClass* c = s.classId >= 0 ? taxonomy.classById(s.classId) : nullptr) {
            t.track = trackOfBodyPart(c->bodyPartId);
            t.code = c->code;
            t.name = c->name;
            t.labelCount = 1;
        } else {
            const int hinted = trackOfBodyPart(m_context.bodyPartHint(s.id));
            t.track = hinted >= 0 ? hinted : unlabeledTrack();
        }
        if (t.track < 0)
            t.track = unlabeledTrack();
        switch (s.status) {
        case store::SegmentStatus::Prelabeled: t.look = TimelineSegment::Tentative; break;
        case store::SegmentStatus::Disputed: t.look = TimelineSegment::Disputed; break;
        case store::SegmentStatus::Rejected: t.look = TimelineSegment::Rejected; break;
        default: t.look = TimelineSegment::Normal; break;
        }
        out.push_back(t);
    }
    // The active model's top-1 per segment, from one query.
    store::ClipFilter filter;
    filter.videoId = m_videoId;
    if (auto rows = store.clipRows(filter)) {
        for (const store::ClipRow& row : rows.value()) {
            const ActionClass* c = row.predictedClassId >= 0 ? taxonomy.classById(row.predictedClassId) : nullptr;
            if (!c)
                continue;
            TimelineSegment t;
            t.id = -row.segmentId; // negative: the prediction of segment |id|
            t.track = predictionsTrack();
            t.startFrame = int(row.startFrame);
            t.endFrame = int(row.endFrame);
            t.code = c->code;
            t.name = c->name;
            t.labelCount = 1;
            t.score = row.predictedScore;
            if (const BodyPart* part = taxonomy.bodyPart(c->bodyPartId))
                t.colour = part->colour;
            out.push_back(t);
        }
    } else {
        Q_EMIT reloadFailed(rows.error());
    }
    m_model.setSegments(out);
}

QStringList TimelineStoreAdapter::labelsAt(int frame) const
{
    QStringList lines;
    for (int track = 0; track < m_model.trackCount(); ++track) {
        const bool predictions = track == predictionsTrack();
        for (const TimelineSegment* s : m_model.segmentsInRange(track, frame, frame + 1)) {
            if (s->code.isEmpty())
                lines << tr("(unlabeled segment)");
            else if (predictions)
                lines << tr("model: %1 %2 (%3)").arg(s->code, s->name).arg(s->score, 0, 'f', 2);
            else
                lines << s->code + ' ' + s->name;
        }
    }
    return lines;
}

} // namespace mas::ui
