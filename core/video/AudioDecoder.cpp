#include "video/AudioDecoder.h"

#include "video/detail/Ffmpeg.h"

extern "C" {
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cmath>

namespace mas {
namespace {

using ff::fileFailure;

struct SwrFreer {
    void operator()(SwrContext* s) const { swr_free(&s); }
};
using SwrContextPtr = std::unique_ptr<SwrContext, SwrFreer>;

} // namespace

struct AudioReader::Impl {
    QString path;
    ff::InterruptDeadline watchdog;
    ff::FormatContextPtr fmt;
    ff::CodecContextPtr codec;
    SwrContextPtr swr;
    int swrInRate = 0, swrInFormat = -1, swrInChannels = 0;
    int stream = -1;
    int outRate = 0;
    int outChannels = 0;
    AVChannelLayout outLayout{};
    double referenceSeconds = 0;     // absolute time of the video's first frame
    double firstSampleSeconds = 0;
    bool firstSampleKnown = false;
    ff::PacketPtr packet = ff::makePacket();
    ff::FramePtr frame = ff::makeFrame();
    std::vector<float> pending;      // converted, not yet delivered
    bool positionKnown = false;
    int64_t position = 0;            // output sample frame of pending[0], relative to the reference
    int64_t discardUntil = INT64_MIN; // after a seek: drop samples before this frame
    bool inputEnded = false;
    bool finished = false;
    int64_t skipped = 0;

    ~Impl() { av_channel_layout_uninit(&outLayout); }
    VideoResult<int64_t> decodeMore();
    VideoStatus convert(const AVFrame* in);
    void dropBeforeDiscardPoint();
};

VideoStatus AudioReader::Impl::convert(const AVFrame* in)
{
    const int inChannels = in->ch_layout.nb_channels;
    if (!swr || swrInRate != in->sample_rate || swrInFormat != in->format || swrInChannels != inChannels) {
        AVChannelLayout inLayout{};
        if (in->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || av_channel_layout_copy(&inLayout, &in->ch_layout) < 0)
            av_channel_layout_default(&inLayout, inChannels);
        SwrContext* raw = nullptr;
        int rc = swr_alloc_set_opts2(&raw, &outLayout, AV_SAMPLE_FMT_FLT, outRate, &inLayout,
                                     static_cast<AVSampleFormat>(in->format), in->sample_rate, 0, nullptr);
        av_channel_layout_uninit(&inLayout);
        if (rc >= 0)
            rc = swr_init(raw);
        if (rc < 0) {
            swr_free(&raw);
            return fileFailure(VideoErrorKind::DecodeFailed, path, QStringLiteral("cannot resample the audio"), rc);
        }
        swr.reset(raw);
        swrInRate = in->sample_rate;
        swrInFormat = in->format;
        swrInChannels = inChannels;
    }
    const int capacity = swr_get_out_samples(swr.get(), in ? in->nb_samples : 0);
    if (capacity <= 0)
        return VideoOk{};
    const size_t old = pending.size();
    pending.resize(old + size_t(capacity) * outChannels);
    uint8_t* dst = reinterpret_cast<uint8_t*>(pending.data() + old);
    const int produced = swr_convert(swr.get(), &dst, capacity, const_cast<const uint8_t**>(in->extended_data), in->nb_samples);
    pending.resize(old + size_t(std::max(0, produced)) * outChannels);
    if (produced < 0)
        return fileFailure(VideoErrorKind::DecodeFailed, path, QStringLiteral("cannot resample the audio"), produced);
    return VideoOk{};
}

void AudioReader::Impl::dropBeforeDiscardPoint()
{
    if (discardUntil == INT64_MIN || !positionKnown)
        return;
    const int64_t available = int64_t(pending.size()) / outChannels;
    const int64_t drop = std::clamp<int64_t>(discardUntil - position, 0, available);
    if (drop > 0) {
        pending.erase(pending.begin(), pending.begin() + drop * outChannels);
        position += drop;
    }
    if (position >= discardUntil)
        discardUntil = INT64_MIN;
}

// Decodes until some samples are converted (or the stream ends). Returns the frames added.
VideoResult<int64_t> AudioReader::Impl::decodeMore()
{
    const size_t before = pending.size();
    int packets = 0;
    int failuresInARow = 0;
    watchdog.arm(std::chrono::seconds(15));
    while (!finished && pending.size() == before) {
        int rc = avcodec_receive_frame(codec.get(), frame.get());
        if (rc == 0) {
            if (!positionKnown) {
                int64_t ts = frame->best_effort_timestamp;
                if (ts == AV_NOPTS_VALUE)
                    ts = frame->pts;
                const double t = ts == AV_NOPTS_VALUE ? 0.0 : ts * av_q2d(fmt->streams[stream]->time_base) - referenceSeconds;
                position = std::llround(t * outRate);
                positionKnown = true;
                if (!firstSampleKnown) {
                    firstSampleSeconds = double(position) / outRate;
                    firstSampleKnown = true;
                }
            }
            auto ok = convert(frame.get());
            av_frame_unref(frame.get());
            if (!ok)
                return ok.videoError();
            dropBeforeDiscardPoint();
            continue;
        }
        if (rc == AVERROR_EOF) {
            // Flush what the resampler still holds.
            if (swr) {
                const int capacity = swr_get_out_samples(swr.get(), 0);
                if (capacity > 0) {
                    const size_t old = pending.size();
                    pending.resize(old + size_t(capacity) * outChannels);
                    uint8_t* dst = reinterpret_cast<uint8_t*>(pending.data() + old);
                    const int produced = swr_convert(swr.get(), &dst, capacity, nullptr, 0);
                    pending.resize(old + size_t(std::max(0, produced)) * outChannels);
                    dropBeforeDiscardPoint();
                }
            }
            finished = true;
            break;
        }
        if (rc != AVERROR(EAGAIN)) {
            ++skipped; // a damaged frame: best effort, go on
            if (++failuresInARow > 1000) {
                watchdog.disarm();
                return fileFailure(VideoErrorKind::DecodeFailed, path, QStringLiteral("the audio decoder keeps failing"), rc);
            }
            continue;
        }
        failuresInARow = 0;
        if (inputEnded) {
            finished = true; // the decoder wants input after the drain: nothing more will come
            break;
        }
        if (watchdog.fired || ++packets > 100000) {
            watchdog.disarm();
            return fileFailure(VideoErrorKind::Timeout, path, QStringLiteral("gave up reading audio (damaged or pathological file)"));
        }
        rc = av_read_frame(fmt.get(), packet.get());
        if (rc < 0) {
            if (rc != AVERROR_EOF && !(fmt->pb && avio_feof(fmt->pb)) && watchdog.fired) {
                watchdog.disarm();
                return fileFailure(VideoErrorKind::Timeout, path, QStringLiteral("reading audio timed out"), rc);
            }
            // End of file, or a read error in a damaged tail: drain what was decoded.
            avcodec_send_packet(codec.get(), nullptr);
            inputEnded = true;
            continue;
        }
        if (packet->stream_index == stream) {
            rc = avcodec_send_packet(codec.get(), packet.get());
            if (rc < 0 && rc != AVERROR(EAGAIN))
                ++skipped;
        }
        av_packet_unref(packet.get());
    }
    watchdog.disarm();
    return int64_t(pending.size() - before) / outChannels;
}

AudioReader::AudioReader() : d(std::make_unique<Impl>()) {}
AudioReader::~AudioReader() = default;

VideoResult<std::unique_ptr<AudioReader>> AudioReader::open(const QString& path, const AudioDecodeOptions& options)
{
    std::unique_ptr<AudioReader> reader(new AudioReader());
    Impl& d = *reader->d;
    d.path = path;
    QString error;
    d.fmt = ff::openInput(path, &d.watchdog, &error);
    if (!d.fmt)
        return VideoError{VideoErrorKind::OpenFailed, error};
    if (options.streamIndex >= 0) {
        if (options.streamIndex >= int(d.fmt->nb_streams)
            || d.fmt->streams[options.streamIndex]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
            return fileFailure(VideoErrorKind::OpenFailed, path, QStringLiteral("stream %1 is not an audio stream").arg(options.streamIndex));
        d.stream = options.streamIndex;
    } else {
        d.stream = av_find_best_stream(d.fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
        if (d.stream < 0)
            return fileFailure(VideoErrorKind::OpenFailed, path, QStringLiteral("no audio stream"));
    }
    const int video = av_find_best_stream(d.fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (video >= 0 && d.fmt->streams[video]->start_time != AV_NOPTS_VALUE)
        d.referenceSeconds = d.fmt->streams[video]->start_time * av_q2d(d.fmt->streams[video]->time_base);
    for (unsigned i = 0; i < d.fmt->nb_streams; ++i)
        d.fmt->streams[i]->discard = int(i) == d.stream ? AVDISCARD_DEFAULT : AVDISCARD_ALL;

    AVStream* st = d.fmt->streams[d.stream];
    const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return fileFailure(VideoErrorKind::OpenFailed, path,
                       QStringLiteral("no decoder for the audio codec %1").arg(QString::fromUtf8(avcodec_get_name(st->codecpar->codec_id))));
    d.codec.reset(avcodec_alloc_context3(codec));
    int rc = avcodec_parameters_to_context(d.codec.get(), st->codecpar);
    if (rc < 0)
        return fileFailure(VideoErrorKind::OpenFailed, path, QStringLiteral("bad audio codec parameters"), rc);
    d.codec->pkt_timebase = st->time_base;
    rc = avcodec_open2(d.codec.get(), codec, nullptr);
    if (rc < 0)
        return fileFailure(VideoErrorKind::OpenFailed, path, QStringLiteral("cannot open the %1 decoder").arg(QString::fromUtf8(codec->name)), rc);
    d.outRate = options.sampleRate > 0 ? options.sampleRate : d.codec->sample_rate;
    d.outChannels = options.channels > 0 ? options.channels : d.codec->ch_layout.nb_channels;
    if (d.outRate <= 0 || d.outChannels <= 0)
        return fileFailure(VideoErrorKind::OpenFailed, path, QStringLiteral("the audio stream has no sample rate or channels"));
    av_channel_layout_default(&d.outLayout, d.outChannels);
    return reader;
}

int AudioReader::sampleRate() const { return d->outRate; }
int AudioReader::channels() const { return d->outChannels; }
int64_t AudioReader::skippedPackets() const { return d->skipped; }

double AudioReader::durationSeconds() const
{
    const AVStream* st = d->fmt->streams[d->stream];
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        return st->duration * av_q2d(st->time_base);
    return d->fmt->duration > 0 ? double(d->fmt->duration) / AV_TIME_BASE : 0.0;
}

double AudioReader::startSeconds() const
{
    if (d->firstSampleKnown)
        return d->firstSampleSeconds;
    const AVStream* st = d->fmt->streams[d->stream];
    return st->start_time != AV_NOPTS_VALUE ? st->start_time * av_q2d(st->time_base) - d->referenceSeconds : 0.0;
}

VideoResult<int64_t> AudioReader::read(std::vector<float>& out, int64_t frames)
{
    const int ch = d->outChannels;
    while (int64_t(d->pending.size()) / ch < frames && !d->finished) {
        auto more = d->decodeMore();
        if (!more)
            return more.videoError();
    }
    if (d->discardUntil != INT64_MIN && d->finished) {
        d->pending.clear(); // seeked past the end
        d->discardUntil = INT64_MIN;
    }
    const int64_t n = std::min<int64_t>(frames, int64_t(d->pending.size()) / ch);
    out.insert(out.end(), d->pending.begin(), d->pending.begin() + n * ch);
    d->pending.erase(d->pending.begin(), d->pending.begin() + n * ch);
    d->position += n;
    return n;
}

VideoStatus AudioReader::seek(double seconds)
{
    AVStream* st = d->fmt->streams[d->stream];
    const double absolute = std::max(0.0, seconds + d->referenceSeconds);
    const int64_t ts = int64_t(std::floor(absolute / av_q2d(st->time_base)));
    int rc = av_seek_frame(d->fmt.get(), d->stream, ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0)
        rc = avformat_seek_file(d->fmt.get(), d->stream, INT64_MIN, ts, ts, 0);
    if (rc < 0)
        return fileFailure(VideoErrorKind::DecodeFailed, d->path, QStringLiteral("cannot seek the audio to %1 s").arg(seconds), rc);
    avcodec_flush_buffers(d->codec.get());
    d->swr.reset(); // drop the resampler's delay line
    d->pending.clear();
    d->positionKnown = false;
    d->discardUntil = std::llround(seconds * d->outRate);
    d->inputEnded = false;
    d->finished = false;
    return VideoOk{};
}

VideoResult<PcmAudio> decodeAudio(const QString& path, const AudioDecodeOptions& options, const std::atomic_bool* cancel)
{
    auto opened = AudioReader::open(path, options);
    if (!opened)
        return opened.videoError();
    AudioReader& reader = *opened.value();
    PcmAudio audio;
    audio.sampleRate = reader.sampleRate();
    audio.channels = reader.channels();
    const double expected = reader.durationSeconds();
    if (expected > 0 && expected < 24 * 3600)
        audio.samples.reserve(size_t(expected * audio.sampleRate * audio.channels * 1.02));
    for (;;) {
        if (cancel && cancel->load())
            return VideoError{VideoErrorKind::Cancelled, QStringLiteral("%1: audio decoding cancelled").arg(path)};
        auto n = reader.read(audio.samples, 1 << 16);
        if (!n)
            return n.videoError();
        if (n.value() == 0)
            break;
    }
    audio.startSeconds = reader.startSeconds();
    if (audio.samples.empty())
        return VideoError{VideoErrorKind::DecodeFailed, QStringLiteral("%1: the audio stream holds no decodable sound").arg(path)};
    return audio;
}

std::vector<int16_t> toInt16(const std::vector<float>& samples)
{
    std::vector<int16_t> out(samples.size());
    std::transform(samples.begin(), samples.end(), out.begin(), [](float s) {
        return int16_t(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f));
    });
    return out;
}

Waveform peakEnvelope(const PcmAudio& audio, int buckets)
{
    Waveform w;
    const int64_t frames = audio.frameCount();
    if (buckets <= 0 || frames == 0)
        return w;
    w.minimum.fill(0.0f, buckets);
    w.maximum.fill(0.0f, buckets);
    w.secondsPerBucket = audio.durationSeconds() / buckets;
    w.startSeconds = audio.startSeconds;
    for (int b = 0; b < buckets; ++b) {
        const int64_t from = frames * b / buckets;
        const int64_t to = std::max(from + 1, frames * (b + 1) / buckets);
        float lo = 0.0f, hi = 0.0f;
        const float* p = audio.samples.data() + from * audio.channels;
        const float* e = audio.samples.data() + std::min(to, frames) * audio.channels;
        for (; p < e; ++p) {
            lo = std::min(lo, *p);
            hi = std::max(hi, *p);
        }
        w.minimum[b] = lo;
        w.maximum[b] = hi;
    }
    return w;
}

VideoResult<Waveform> waveformOf(const QString& path, double secondsPerBucket, const AudioDecodeOptions& options,
                                 const std::atomic_bool* cancel)
{
    if (secondsPerBucket <= 0)
        return VideoError{VideoErrorKind::OutOfRange, QStringLiteral("%1: bucket length must be positive").arg(path)};
    auto opened = AudioReader::open(path, options);
    if (!opened)
        return opened.videoError();
    AudioReader& reader = *opened.value();
    const int ch = reader.channels();
    const double framesPerBucket = secondsPerBucket * reader.sampleRate();
    Waveform w;
    w.secondsPerBucket = secondsPerBucket;
    std::vector<float> block;
    int64_t frameNo = 0;
    for (;;) {
        if (cancel && cancel->load())
            return VideoError{VideoErrorKind::Cancelled, QStringLiteral("%1: waveform cancelled").arg(path)};
        block.clear();
        auto n = reader.read(block, 1 << 15);
        if (!n)
            return n.videoError();
        if (n.value() == 0)
            break;
        for (int64_t i = 0; i < n.value(); ++i, ++frameNo) {
            const int bucket = int(double(frameNo) / framesPerBucket);
            if (bucket >= w.minimum.size()) {
                w.minimum.resize(bucket + 1);
                w.maximum.resize(bucket + 1);
            }
            for (int c = 0; c < ch; ++c) {
                const float s = block[size_t(i * ch + c)];
                w.minimum[bucket] = std::min(w.minimum[bucket], s);
                w.maximum[bucket] = std::max(w.maximum[bucket], s);
            }
        }
    }
    w.startSeconds = reader.startSeconds();
    return w;
}

} // namespace mas
