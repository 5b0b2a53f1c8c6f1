#pragma once
// The playhead clock for the GUI: play/pause, speed 0.25x..2x, position in seconds. With an audio
// device it is driven by the audio sink (what is heard is where the picture is); without one
// (headless, CI) it runs silently on a steady system clock, with no error.
//
// Threads: a QObject of the GUI thread. The GUI polls position() on its frame timer (or listens to
// positionChanged, emitted at ~60 Hz while playing) and asks its VideoDecoder for the frame at it.
#include "video/AudioDecoder.h"

#include <QObject>

#include <memory>

namespace mas {

class PlaybackClock : public QObject {
    Q_OBJECT
public:
    explicit PlaybackClock(QObject* parent = nullptr);
    ~PlaybackClock() override;

    // Audio to play (may be empty: silent clock). Duration bounds the position.
    void setAudio(PcmAudio audio);
    void setDuration(double seconds);
    double duration() const;

    bool isPlaying() const;
    double position() const;      // seconds from the first frame
    double speed() const;
    bool hasAudioOutput() const;  // false when no audio device (silent clock)

public Q_SLOTS:
    void play();
    void pause();
    void togglePlay();
    void seek(double seconds);
    void setSpeed(double speed);  // clamped to [0.25, 2]
    void setMuted(bool muted);

Q_SIGNALS:
    void playingChanged(bool playing);
    void positionChanged(double seconds);
    void finished();              // reached the end while playing

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace mas
