#include "timeline/TimelineModel.h"

#include <algorithm>
#include <limits>

namespace mas::ui {

TimelineModel::TimelineModel(QObject* parent) : QObject(parent) {}

void TimelineModel::setTracks(QVector<TimelineTrack> tracks)
{
    m_tracks = std::move(tracks);
    m_byTrack = QVector<QVector<TimelineSegment>>(m_tracks.size());
    m_longestOfTrack = QVector<int>(m_tracks.size(), 0);
    Q_EMIT changed();
}

void TimelineModel::setVideo(int frameCount, double fps)
{
    m_frameCount = std::max(0, frameCount);
    m_fps = fps > 0 ? fps : 30;
    Q_EMIT changed();
}

void TimelineModel::setSegments(const QVector<TimelineSegment>& segments)
{
    m_byTrack = QVector<QVector<TimelineSegment>>(m_tracks.size());
    m_longestOfTrack = QVector<int>(m_tracks.size(), 0);
    for (const TimelineSegment& s : segments) {
        if (s.track < 0 || s.track >= m_tracks.size())
            continue;
        m_byTrack[s.track].push_back(s);
        m_longestOfTrack[s.track] = std::max(m_longestOfTrack[s.track], s.endFrame - s.startFrame);
    }
    for (auto& list : m_byTrack)
        std::sort(list.begin(), list.end(), [](const TimelineSegment& a, const TimelineSegment& b) {
            return a.startFrame != b.startFrame ? a.startFrame < b.startFrame : a.id < b.id;
        });
    Q_EMIT changed();
}

const QVector<TimelineSegment>& TimelineModel::segmentsOfTrack(int track) const
{
    static const QVector<TimelineSegment> none;
    return (track >= 0 && track < m_byTrack.size()) ? m_byTrack[track] : none;
}

QVector<const TimelineSegment*> TimelineModel::segmentsInRange(int track, int firstFrame, int endFrame) const
{
    QVector<const TimelineSegment*> out;
    const auto& list = segmentsOfTrack(track);
    if (list.isEmpty())
        return out;
    // Any segment overlapping the range starts after firstFrame - longest.
    const int from = firstFrame - m_longestOfTrack[track];
    auto it = std::lower_bound(list.begin(), list.end(), from,
                               [](const TimelineSegment& s, int f) { return s.startFrame < f; });
    for (; it != list.end() && it->startFrame < endFrame; ++it)
        if (it->endFrame > firstFrame)
            out.push_back(&*it);
    return out;
}

std::optional<TimelineSegment> TimelineModel::segment(qint64 id) const
{
    for (const auto& list : m_byTrack)
        for (const TimelineSegment& s : list)
            if (s.id == id)
                return s;
    return std::nullopt;
}

std::optional<TimelineSegment> TimelineModel::segmentAt(int track, int frame) const
{
    const TimelineSegment* best = nullptr;
    for (const TimelineSegment* s : segmentsInRange(track, frame, frame + 1))
        if (!best || s->endFrame - s->startFrame < best->endFrame - best->startFrame)
            best = s;
    return best ? std::optional<TimelineSegment>(*best) : std::nullopt;
}

int TimelineModel::segmentCount() const
{
    int n = 0;
    for (const auto& list : m_byTrack)
        n += list.size();
    return n;
}

std::optional<TimelineSegment> TimelineModel::nextSegment(int track, int frame) const
{
    for (const TimelineSegment& s : segmentsOfTrack(track)) // sorted by start
        if (s.startFrame > frame)
            return s;
    return std::nullopt;
}

std::optional<TimelineSegment> TimelineModel::previousSegment(int track, int frame) const
{
    std::optional<TimelineSegment> found;
    for (const TimelineSegment& s : segmentsOfTrack(track)) {
        if (s.startFrame >= frame)
            break;
        found = s;
    }
    return found;
}

int TimelineModel::nextBoundary(int frame) const
{
    int best = std::numeric_limits<int>::max();
    for (const auto& list : m_byTrack)
        for (const TimelineSegment& s : list) {
            if (s.startFrame > frame)
                best = std::min(best, s.startFrame);
            if (s.endFrame > frame)
                best = std::min(best, s.endFrame);
        }
    return best == std::numeric_limits<int>::max() ? -1 : best;
}

int TimelineModel::previousBoundary(int frame) const
{
    int best = -1;
    for (const auto& list : m_byTrack)
        for (const TimelineSegment& s : list) {
            if (s.startFrame < frame)
                best = std::max(best, s.startFrame);
            if (s.endFrame < frame)
                best = std::max(best, s.endFrame);
        }
    return best;
}

} // namespace mas::ui
