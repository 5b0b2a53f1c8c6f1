#pragma once
// What the timeline shows, as plain values: tracks (one per body part, then predictions) and the
// segments on them, in frames. The store adapter fills it; the widget only reads it. Segments are
// kept sorted by start per track so painting and hit testing touch only the visible range.
#include <QColor>
#include <QObject>
#include <QString>
#include <QVector>

#include <optional>

namespace mas::ui {

struct TimelineTrack {
    QString name;
    QColor colour;
    bool predictions = false;  // read-only track of model output
};

struct TimelineSegment {
    qint64 id = 0;
    int track = 0;         // index into tracks()
    int startFrame = 0;
    int endFrame = 0;      // exclusive
    QString code;          // first label's class code ("" when unlabeled), e.g. "A1"
    QString name;          // first label's class name
    int labelCount = 0;
    QColor colour;         // invalid: the track's colour
    double score = -1;     // predictions: top-1 score in [0, 1]
    enum Look { Normal, Tentative /* prelabeled */, Disputed, Rejected };
    Look look = Normal;
    qint64 rowVersion = 0; // the store's version of the segment shown (edits are based on it)
};

class TimelineModel : public QObject {
    Q_OBJECT
public:
    explicit TimelineModel(QObject* parent = nullptr);

    void setTracks(QVector<TimelineTrack> tracks);
    const QVector<TimelineTrack>& tracks() const { return m_tracks; }
    int trackCount() const { return m_tracks.size(); }

    // Frame timing of the video the segments belong to.
    void setVideo(int frameCount, double fps);
    int frameCount() const { return m_frameCount; }
    double fps() const { return m_fps; }

    void setSegments(const QVector<TimelineSegment>& segments);
    // Segments of `track` sorted by start frame.
    const QVector<TimelineSegment>& segmentsOfTrack(int track) const;
    // Segments of `track` overlapping [firstFrame, endFrame): a binary search plus a short scan.
    QVector<const TimelineSegment*> segmentsInRange(int track, int firstFrame, int endFrame) const;
    std::optional<TimelineSegment> segment(qint64 id) const;
    // The segment of `track` covering `frame`, the shortest one when several do.
    std::optional<TimelineSegment> segmentAt(int track, int frame) const;
    int segmentCount() const;

    // Nearest segment boundary strictly after / before `frame` over all tracks (-1 when none).
    int nextBoundary(int frame) const;
    int previousBoundary(int frame) const;
    // The segment of `track` starting first after / last before `frame` (jump to the next / previous segment).
    std::optional<TimelineSegment> nextSegment(int track, int frame) const;
    std::optional<TimelineSegment> previousSegment(int track, int frame) const;

Q_SIGNALS:
    void changed();

private:
    QVector<TimelineTrack> m_tracks;
    QVector<QVector<TimelineSegment>> m_byTrack;
    QVector<int> m_longestOfTrack;  // longest segment per track, bounds the backward scan
    int m_frameCount = 0;
    double m_fps = 30;
};

} // namespace mas::ui
