#pragma once
// What the PlayerController needs of a clock: play/pause/seek/speed and the position in seconds.
// Two implementations: SilentClock (steady system clock, no sound: tests, headless machines, and
// until core's PlaybackClock is available) and, where core provides it, an audio-driven clock.
#include <QElapsedTimer>
#include <QObject>

namespace mas::ui {

class PlayerClock : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual bool isPlaying() const = 0;
    virtual double position() const = 0;  // seconds from the first frame
    virtual double speed() const = 0;
    virtual void setDuration(double seconds) = 0;
    virtual void play() = 0;
    virtual void pause() = 0;
    virtual void seek(double seconds) = 0;
    virtual void setSpeed(double speed) = 0;  // clamped to [0.1, 4]
    virtual void setMuted(bool muted) = 0;

Q_SIGNALS:
    void playingChanged(bool playing);
    void finished();  // reached the end while playing
};

// Steady-clock playhead without sound.
class SilentClock : public PlayerClock {
    Q_OBJECT
public:
    using PlayerClock::PlayerClock;
    bool isPlaying() const override { return m_playing; }
    double position() const override;
    double speed() const override { return m_speed; }
    void setDuration(double seconds) override { m_duration = seconds; }
    void play() override;
    void pause() override;
    void seek(double seconds) override;
    void setSpeed(double speed) override;
    void setMuted(bool) override {}

private:
    double rawPosition() const;
    bool m_playing = false;
    double m_anchor = 0;   // position when the timer was (re)started
    double m_speed = 1;
    double m_duration = 0;
    QElapsedTimer m_timer;
};

} // namespace mas::ui
