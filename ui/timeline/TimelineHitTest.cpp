#include "timeline/TimelineHitTest.h"

#include <algorithm>

namespace mas::ui {

TimelineHit hitTestTimeline(const TimelineModel& model, const TimelineGeometry& geometry, QPoint point)
{
    TimelineHit hit;
    hit.frame = geometry.frameAtX(point.x());
    hit.boundary = geometry.boundaryAtX(point.x());
    const int track = geometry.trackAtY(point.y());
    if (point.x() < geometry.laneLeft()) {
        hit.kind = track >= 0 ? TimelineHit::TrackHeader : TimelineHit::Nothing;
        hit.track = track;
        return hit;
    }
    if (point.y() < TimelineGeometry::kRulerHeight) {
        hit.kind = TimelineHit::Ruler;
        return hit;
    }
    if (point.y() < geometry.tracksTop()) {
        hit.kind = TimelineHit::Strip;
        return hit;
    }
    if (track < 0)
        return hit;
    hit.track = track;
    hit.kind = TimelineHit::EmptyLane;

    // Candidates within a few pixels either side; edges win over bodies, the nearest edge first.
    const int slackFrames = int(6 * geometry.framesPerPixel) + 1;
    const auto candidates = model.segmentsInRange(track, hit.frame - slackFrames, hit.frame + slackFrames + 1);
    double bestEdgeDistance = 1e9;
    const TimelineSegment* body = nullptr;
    for (const TimelineSegment* s : candidates) {
        const QRectF r = geometry.segmentRect(track, s->startFrame, s->endFrame);
        const double grab = std::clamp(r.width() / 3.0, 2.0, 5.0);
        const double toStart = std::abs(point.x() - r.left());
        const double toEnd = std::abs(point.x() - r.right());
        if (toStart <= grab && toStart < bestEdgeDistance) {
            bestEdgeDistance = toStart;
            hit.kind = TimelineHit::SegmentStartEdge;
            hit.segmentId = s->id;
        }
        if (toEnd <= grab && toEnd < bestEdgeDistance) {
            bestEdgeDistance = toEnd;
            hit.kind = TimelineHit::SegmentEndEdge;
            hit.segmentId = s->id;
        }
        if (point.x() >= r.left() && point.x() < r.right()
            && (!body || s->endFrame - s->startFrame < body->endFrame - body->startFrame))
            body = s;
    }
    if (hit.segmentId == 0 && body) {
        hit.kind = TimelineHit::SegmentBody;
        hit.segmentId = body->id;
    }
    return hit;
}

} // namespace mas::ui
