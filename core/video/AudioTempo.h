#pragma once
// Playback speed without a change of pitch: libavfilter's atempo (a chain of stages within 0.5..2
// each, so 0.1x..4x keep their quality) between the decoder and the sound device.
//
//   AudioTempo:        interleaved float in, the same sound at another tempo out (streaming).
//   TempoAudioReader:  an AudioReader whose read() delivers the track at the chosen tempo: what
//                      the player's audio path plays (and what tests measure, with no device).
//
// Threads: one object belongs to one thread at a time.
#include "video/AudioDecoder.h"

#include <memory>
#include <vector>

namespace mas {

inline constexpr double kMinTempo = 0.1;
inline constexpr double kMaxTempo = 4.0;

class AudioTempo {
public:
    // `tempo` clamped to [kMinTempo, kMaxTempo]; 1 passes the sound through unchanged.
    static VideoResult<std::unique_ptr<AudioTempo>> create(int sampleRate, int channels, double tempo);
    ~AudioTempo();
    AudioTempo(const AudioTempo&) = delete;
    AudioTempo& operator=(const AudioTempo&) = delete;

    double tempo() const;
    // Feeds `frames` sample frames; appends what the filter has ready to `out`.
    VideoStatus push(const float* samples, int64_t frames, std::vector<float>& out);
    // No more input: appends the rest.
    VideoStatus finish(std::vector<float>& out);

    // The atempo stages for a tempo, e.g. 0.1 -> "atempo=0.5,atempo=0.5,atempo=0.5,atempo=0.8".
    static QString chainFor(double tempo);

private:
    AudioTempo();
    VideoStatus drain(std::vector<float>& out);
    struct Impl;
    std::unique_ptr<Impl> d;
};

class TempoAudioReader {
public:
    static VideoResult<std::unique_ptr<TempoAudioReader>> open(const QString& path, const AudioDecodeOptions& options,
                                                               double tempo);
    ~TempoAudioReader();
    int sampleRate() const;
    int channels() const;
    double tempo() const;
    double durationSeconds() const;   // of the track at normal speed
    // Appends up to `frames` sample frames of sound at the tempo; 0 at the end.
    VideoResult<int64_t> read(std::vector<float>& out, int64_t frames);
    // Continues from `seconds` of the track (the filter starts afresh).
    VideoStatus seek(double seconds);

private:
    TempoAudioReader() = default;
    std::unique_ptr<AudioReader> m_reader;
    std::unique_ptr<AudioTempo> m_tempo;
    std::vector<float> m_ready;       // filtered, not yet read
    std::vector<float> m_block;
    double m_speed = 1;
    bool m_finished = false;
};

} // namespace mas
