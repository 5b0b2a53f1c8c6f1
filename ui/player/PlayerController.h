#pragma once
// The playhead: which frame is current, playing or paused, speed, loop range. Seeks and steps are
// exact frames; while playing, the clock's position (audio-driven, or the system clock
// when there is no audio device) is mapped to a frame through the video's FrameIndex.
// Frames are asked of the FrameProvider (decoded off the GUI thread); the view shows them when
// they arrive.
#include "player/FrameProvider.h"
#include "player/PlayerClock.h"

#include <QObject>
#include <QSize>
#include <QTimer>

#include <optional>
#include <utility>

namespace mas::ui {

class PlayerController : public QObject {
    Q_OBJECT
public:
    PlayerController(FrameProvider& provider, PlayerClock& clock, QObject* parent = nullptr);

    // The video the provider opened (frame count and exact timing); the playhead goes to frame 0.
    void setVideo(const OpenedVideo& video);
    void clearVideo();
    bool hasVideo() const { return m_frameCount > 0; }

    int currentFrame() const { return m_current; }
    int frameCount() const { return m_frameCount; }
    double fps() const { return m_fps; }
    double secondsOf(int frame) const;
    bool isPlaying() const;
    double speed() const;
    std::optional<std::pair<int, int>> loopRange() const { return m_loop; } // [start, end)

    // Size frames are decoded at (the view's size in device pixels; QSize() = full size).
    void setTargetSize(QSize size);
    QSize targetSize() const { return m_targetSize; }

public Q_SLOTS:
    void seekFrame(int frame);
    void stepFrames(int delta);  // pauses first: stepping is for exact positioning
    void play();
    void pause();
    void togglePlay();
    void setSpeed(double speed);
    void setMuted(bool muted);
    // Plays [start, end) over and over; play() starts at `start` when the playhead is outside it.
    void setLoopRange(int startFrame, int endFrame);
    void clearLoopRange();
    // Asks for the current frame again (e.g. after the view was resized).
    void refresh();

Q_SIGNALS:
    void currentFrameChanged(int frame);
    void playingChanged(bool playing);
    void speedChanged(double speed);
    void loopRangeChanged();

private:
    void onTick();
    void show(int frame);

    FrameProvider& m_provider;
    PlayerClock& m_clock;
    QTimer m_tick;
    FrameIndex m_index;
    int m_frameCount = 0;
    double m_fps = 30;
    int m_current = 0;
    QSize m_targetSize;
    std::optional<std::pair<int, int>> m_loop;
};

} // namespace mas::ui
