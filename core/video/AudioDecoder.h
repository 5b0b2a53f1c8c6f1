#pragma once
// The audio track as PCM (libswresample, interleaved float) for playback, and its peak envelope
// for the timeline waveform.
//
// Threads: reentrant; decoding a long track takes a while: run it on a worker thread.
#include "video/VideoError.h"

#include <QString>
#include <QVector>

#include <atomic>
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

// EndOfStream-free: a file without audio gives OpenFailed with "no audio stream".
VideoResult<PcmAudio> decodeAudio(const QString& path, const AudioDecodeOptions& options = {},
                                  const std::atomic_bool* cancel = nullptr);

// Peak envelope: `buckets` pairs (min, max) over all channels, evenly spread over the track.
struct Waveform {
    QVector<float> minimum;
    QVector<float> maximum;
    double secondsPerBucket = 0;
};
Waveform peakEnvelope(const PcmAudio& audio, int buckets);

} // namespace mas
