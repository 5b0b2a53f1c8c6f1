#pragma once
// What is under a point of the timeline: the ruler or strips (scrub), an empty lane (create), a
// segment's body (select, move) or one of its edges (resize).
#include "timeline/TimelineGeometry.h"
#include "timeline/TimelineModel.h"

#include <QPoint>

namespace mas::ui {

struct TimelineHit {
    enum Kind { Nothing, TrackHeader, Ruler, Strip, EmptyLane, SegmentBody, SegmentStartEdge, SegmentEndEdge };
    Kind kind = Nothing;
    int track = -1;
    qint64 segmentId = 0;
    int frame = 0;      // frame under the point
    int boundary = 0;   // nearest frame boundary under the point
};

// Edges are grabbable within a few pixels, less on narrow segments so their body stays reachable.
TimelineHit hitTestTimeline(const TimelineModel& model, const TimelineGeometry& geometry, QPoint point);

} // namespace mas::ui
