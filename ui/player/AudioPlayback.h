#pragma once
// The interview's sound, played through Qt Multimedia in step with the picture, and the clock that
// drives the playhead: with an audio device the position is what the device has played (the audio
// clock); without one (headless machines, CI) or for a file without sound it runs silently on the
// system clock, with no error. A PlayerClock, so the PlayerController takes it as it is.
//
//   AudioPlayback audio;
//   audio.load(path);          // false: no sound (lastError() says why); the clock still works
//   audio.setDuration(video seconds);
//   audio.play(); ... audio.position() ...
//
// Speed 0.1x..4x: the sound keeps its pitch (libavfilter's atempo between decoder and device).
// Threads: a GUI-thread object; decoding happens in the audio device's pull callback on this
// thread, a block of a few tens of milliseconds at a time.
#include "player/PlayerClock.h"

#include <QString>

#include <memory>

namespace mas::ui {

class AudioPlayback : public PlayerClock {
    Q_OBJECT
public:
    explicit AudioPlayback(QObject* parent = nullptr);
    ~AudioPlayback() override;

    // Opens the file's best audio stream; the position goes to 0, paused. Returns false when there
    // is nothing to hear (no audio stream, damaged, or no audio device): playback then stays silent
    // on the system clock. Calling it again replaces the previous file.
    bool load(const QString& path);
    void unload();
    bool hasAudio() const;    // a stream is loaded
    bool hasOutput() const;   // a device is in use (false: silent system clock)
    QString lastError() const;

    // PlayerClock
    bool isPlaying() const override;
    double position() const override;   // seconds from the first frame
    double speed() const override;
    void setDuration(double seconds) override;
    void play() override;
    void pause() override;
    void seek(double seconds) override;
    void setSpeed(double speed) override; // clamped to [0.1, 4]
    void setMuted(bool muted) override;

    // The same in milliseconds.
    qint64 positionMs() const { return qint64(position() * 1000.0 + 0.5); }
    void seekMs(qint64 ms) { seek(double(ms) / 1000.0); }

    void setVolume(double volume);        // 0..1, linear
    double volume() const;
    bool isMuted() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    void restartOutput();
    void stopOutput();
};

} // namespace mas::ui
