#pragma once
// Where things are on the timeline: frame <-> x, and the rows (ruler, thumbnails, waveform,
// tracks). A plain value shared by painting and hit testing so both agree to the pixel.
#include <QRect>

#include <algorithm>
#include <cmath>

namespace mas::ui {

struct TimelineGeometry {
    static constexpr int kHeaderWidth = 118;
    static constexpr int kRulerHeight = 22;
    static constexpr int kThumbnailHeight = 40;
    static constexpr int kWaveformHeight = 28;
    static constexpr int kTrackHeight = 26;
    static constexpr int kScrollBarHeight = 14;

    int width = 0;             // whole widget
    int trackCount = 0;
    int frameCount = 0;
    double firstFrame = 0;     // frame at the left edge of the lane area
    double framesPerPixel = 1; // zoom: > 0

    int laneLeft() const { return kHeaderWidth; }
    int laneWidth() const { return std::max(1, width - kHeaderWidth); }
    double lastVisibleFrame() const { return firstFrame + laneWidth() * framesPerPixel; }

    double xOfFrame(double frame) const { return laneLeft() + (frame - firstFrame) / framesPerPixel; }
    // The frame whose span [f, f+1) is under x, clamped to the video.
    int frameAtX(double x) const { return clampFrame(int(std::floor(firstFrame + (x - laneLeft()) * framesPerPixel))); }
    // The frame boundary nearest to x (for edges: 0..frameCount).
    int boundaryAtX(double x) const
    {
        const int f = int(std::lround(firstFrame + (x - laneLeft()) * framesPerPixel));
        return std::clamp(f, 0, std::max(0, frameCount));
    }
    int clampFrame(int f) const { return std::clamp(f, 0, std::max(0, frameCount - 1)); }

    QRect rulerRect() const { return {laneLeft(), 0, laneWidth(), kRulerHeight}; }
    QRect thumbnailRect() const { return {laneLeft(), kRulerHeight, laneWidth(), kThumbnailHeight}; }
    QRect waveformRect() const { return {laneLeft(), kRulerHeight + kThumbnailHeight, laneWidth(), kWaveformHeight}; }
    int tracksTop() const { return kRulerHeight + kThumbnailHeight + kWaveformHeight; }
    QRect trackRect(int track) const { return {laneLeft(), tracksTop() + track * kTrackHeight, laneWidth(), kTrackHeight}; }
    QRect trackHeaderRect(int track) const { return {0, tracksTop() + track * kTrackHeight, kHeaderWidth, kTrackHeight}; }
    int trackAtY(int y) const
    {
        if (y < tracksTop())
            return -1;
        const int t = (y - tracksTop()) / kTrackHeight;
        return t < trackCount ? t : -1;
    }
    int contentHeight() const { return tracksTop() + trackCount * kTrackHeight + kScrollBarHeight + 2; }
    // The segment's rectangle inside its track (x may lie outside the widget).
    QRectF segmentRect(int track, int startFrame, int endFrame) const
    {
        const QRect lane = trackRect(track);
        const double x0 = xOfFrame(startFrame);
        const double x1 = std::max(x0 + 1.0, xOfFrame(endFrame));
        return QRectF(x0, lane.top() + 2, x1 - x0, lane.height() - 4);
    }
};

} // namespace mas::ui
