#pragma once
// The audio track as PCM (libswresample, interleaved float) for playback, and its peak envelope
// for the timeline waveform.
//
//   AudioReader: streaming (open, seek, read a block): playback pulls from it, memory stays flat.
//   decodeAudio: the whole track in memory (short clips, tests).
//   waveformOf:  streaming peak envelope of a whole track (hour-long interviews included).
//
// Threads: reentrant; one AudioReader belongs to one thread at a time. Decoding a long track takes
// a while: run it on a worker thread.
#include "video/VideoError.h"

#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace mas {

struct PcmAudio {
    int sampleRate = 0;
    int channels = 0;
    std::vector<float> samples;  // interleaved, [-1, 1]
    double startSeconds = 0;     // first sample's time relative to the video's first frame
    int64_t frameCount() const { return channels ? int64_t(samples.size()) / channels : 0; }
    double durationSeconds() const { return sampleRate ? double(frameCount()) / sampleRate : 0; }
};

struct AudioDecodeOptions {
    int streamIndex = -1;   // -1: the best audio stream
    int sampleRate = 0;     // 0: the stream's own
    int channels = 0;       // 0: the stream's own (1 = downmix to mono)
};

// Streaming decoder of one audio stream to interleaved float at a fixed rate and channel count.
class AudioReader {
public:
    // OpenFailed with "no audio stream" for a file without audio.
    static VideoResult<std::unique_ptr<AudioReader>> open(const QString& path, const AudioDecodeOptions& options = {});
    ~AudioReader();
    AudioReader(const AudioReader&) = delete;
    AudioReader& operator=(const AudioReader&) = delete;

    int sampleRate() const;
    int channels() const;
    // From the container (0 when unknown); the real length is what read() delivers.
    double durationSeconds() const;
    // Time of the first sample relative to the video's first frame (0 without video).
    double startSeconds() const;
    // Damaged packets skipped so far (best effort: decoding goes on after them).
    int64_t skippedPackets() const;

    // Appends up to `frames` sample frames (frames * channels floats) to `out`; returns how many
    // were appended: 0 at the end of the stream. Errors: DecodeFailed (read error), Timeout.
    VideoResult<int64_t> read(std::vector<float>& out, int64_t frames);
    // Positions the reader so that the next read() starts at `seconds` (relative to the video's
    // first frame), to the sample where the container's timestamps allow it (MOV/MP4: exact;
    // MKV's 1 ms timestamps: within half a millisecond).
    VideoStatus seek(double seconds);

private:
    AudioReader();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// EndOfStream-free: a file without audio gives OpenFailed with "no audio stream".
VideoResult<PcmAudio> decodeAudio(const QString& path, const AudioDecodeOptions& options = {},
                                  const std::atomic_bool* cancel = nullptr);

// Interleaved float -> interleaved signed 16-bit (for audio sinks that want integers).
std::vector<int16_t> toInt16(const std::vector<float>& samples);

// Peak envelope: `buckets` pairs (min, max) over all channels, evenly spread over the track.
struct Waveform {
    QVector<float> minimum;
    QVector<float> maximum;
    double secondsPerBucket = 0;
    double startSeconds = 0;  // time of bucket 0 relative to the video's first frame
};
Waveform peakEnvelope(const PcmAudio& audio, int buckets);

// The envelope of a whole track without holding it in memory: one (min, max) per
// `secondsPerBucket` of sound.
VideoResult<Waveform> waveformOf(const QString& path, double secondsPerBucket, const AudioDecodeOptions& options = {},
                                 const std::atomic_bool* cancel = nullptr);

} // namespace mas
