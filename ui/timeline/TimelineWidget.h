#pragma once
// The custom-painted timeline: a ruler, a thumbnail strip, the audio waveform and one lane per
// track, with the playhead across all of them. It paints only the visible frame range, so it stays
// smooth with thousands of segments.
//
// It never edits anything itself: drags are previewed locally and, on release, turned into
// requests (create / move / resize) that the owner makes into undoable commands. Clicks and drags
// on the ruler or strips move the playhead (playheadScrubbed, live while dragging).
#include "timeline/TimelineGeometry.h"
#include "timeline/TimelineHitTest.h"
#include "timeline/TimelineModel.h"

#include "video/AudioDecoder.h"
#include "video/Thumbnails.h"

#include <QList>
#include <QPointer>
#include <QWidget>

#include <optional>

class QScrollBar;

namespace mas::ui {

// A segment being coded live (open): drawn from its start to the playhead, growing while it plays.
struct TimelineOpenSegment {
    int track = 0;
    int startFrame = 0;
    QString code;
    QColor colour;
};

class TimelineWidget : public QWidget {
    Q_OBJECT
public:
    explicit TimelineWidget(QWidget* parent = nullptr);

    void setModel(TimelineModel* model);
    TimelineModel* model() const { return m_model; }

    int playhead() const { return m_playhead; }
    QList<qint64> selectedSegments() const { return m_selected; }
    int activeTrack() const { return m_activeTrack; }
    std::optional<int> markIn() const { return m_markIn; }

    double framesPerPixel() const { return m_framesPerPixel; }
    double firstVisibleFrame() const { return m_firstFrame; }
    TimelineGeometry geometry() const;

    void setThumbnails(QVector<Thumbnail> thumbnails);
    const QVector<TimelineOpenSegment>& openSegments() const { return m_open; }
    void setWaveform(Waveform waveform, double audioStartSeconds);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void setPlayhead(int frame);          // keeps the playhead in view while it moves
    void setSelectedSegments(const QList<qint64>& ids);
    void setActiveTrack(int track);
    void setMarkIn(std::optional<int> frame);
    void setOpenSegments(const QVector<TimelineOpenSegment>& open);
    void setFramesPerPixel(double framesPerPixel);  // zoom, keeping the playhead's screen position
    void setFirstVisibleFrame(double frame);
    void zoomIn();
    void zoomOut();
    void fitAll();
    void fitRange(int startFrame, int endFrame);  // e.g. the selection
    // The playhead to the start of the next / previous segment of the active track, which becomes the
    // selection (so "Loop selection" loops it). Page Down / Page Up anywhere in the window. False: none.
    bool jumpToNextSegment();
    bool jumpToPreviousSegment();

Q_SIGNALS:
    void playheadScrubbed(int frame);
    void selectionChanged(const QList<qint64>& ids);
    void activeTrackChanged(int track);
    void createSegmentRequested(int track, int startFrame, int endFrame);
    // A move or an edge drag finished: the segment's new span (end exclusive).
    void segmentSpanRequested(qint64 id, int startFrame, int endFrame);
    void viewChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    bool event(QEvent* event) override;

private:
    enum class Drag { None, Scrub, Create, Move, ResizeStart, ResizeEnd };
    struct DragState {
        Drag kind = Drag::None;
        int track = -1;
        int pressFrame = 0;
        int pressBoundary = 0;
        TimelineSegment original;
        int previewStart = 0;
        int previewEnd = 0;
        bool moved = false;
    };

    void updateDragPreview(QPoint pos);
    void finishDrag();
    void syncScrollBar();
    void clampView();
    double minFramesPerPixel() const;
    double maxFramesPerPixel() const;
    void onModelChanged();

    QPointer<TimelineModel> m_model;
    QScrollBar* m_scrollBar = nullptr;
    int m_playhead = 0;
    QList<qint64> m_selected;
    int m_activeTrack = 0;
    std::optional<int> m_markIn;
    double m_firstFrame = 0;
    double m_framesPerPixel = 1;
    bool m_fittedOnce = false;
    DragState m_drag;
    QVector<Thumbnail> m_thumbnails;
    Waveform m_waveform;
    double m_audioStartSeconds = 0;
    bool m_syncingScrollBar = false;
    QVector<TimelineOpenSegment> m_open;

    friend class TimelinePainter;
};

} // namespace mas::ui
