#pragma once
// Paints a TimelineWidget: kept apart from its input handling. Everything is clipped to the
// visible frame range before it is drawn.
#include <QString>

class QPainter;
class QRect;

namespace mas::ui {

class TimelineWidget;

class TimelinePainter {
public:
    TimelinePainter(const TimelineWidget& widget, QPainter& painter);
    void paint(const QRect& dirty);

private:
    void paintRuler();
    void paintThumbnails();
    void paintWaveform();
    void paintTracks();
    void paintMarkIn();
    void paintOpenSegments();
    void paintPlayhead();

    const TimelineWidget& w;
    QPainter& p;
};

// "mm:ss.ff" below an hour, "h:mm:ss.ff" above (ff: frame within the second).
QString timelineTimeCode(int frame, double fps);

} // namespace mas::ui
