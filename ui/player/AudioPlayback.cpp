#include "player/AudioPlayback.h"

#include "video/AudioDecoder.h"
#include "video/AudioTempo.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QIODevice>
#include <QMediaDevices>
#include <QTimer>

#include <algorithm>
#include <cstring>
#include <vector>

namespace mas::ui {
namespace {

// Pulls PCM from the AudioReader for the sink. After the end of the sound it gives silence, so
// the audio clock keeps running to the end of the video.
class PcmSource : public QIODevice {
public:
    void reset(mas::TempoAudioReader* reader, QAudioFormat::SampleFormat format, int channels)
    {
        m_reader = reader;
        m_int16 = format == QAudioFormat::Int16;
        m_channels = std::max(1, channels);
        m_ended = reader == nullptr;
        if (!isOpen())
            open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return (qint64(1) << 20) + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char* data, qint64 maxlen) override
    {
        const qint64 frameBytes = qint64(m_int16 ? 2 : 4) * m_channels;
        const int64_t frames = maxlen / frameBytes;
        if (frames <= 0)
            return 0;
        m_block.clear();
        int64_t got = 0;
        if (!m_ended) {
            auto n = m_reader->read(m_block, frames);
            if (!n || n.value() == 0)
                m_ended = true; // damaged or finished: silence from here on
            else
                got = n.value();
        }
        const size_t samples = size_t(got) * size_t(m_channels);
        if (m_int16) {
            const std::vector<int16_t> pcm = mas::toInt16(std::vector<float>(m_block.begin(), m_block.begin() + samples));
            std::memcpy(data, pcm.data(), samples * 2);
        } else {
            std::memcpy(data, m_block.data(), samples * 4);
        }
        std::memset(data + samples * (m_int16 ? 2 : 4), 0, size_t(frames * frameBytes) - samples * (m_int16 ? 2 : 4));
        return frames * frameBytes;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    mas::TempoAudioReader* m_reader = nullptr;
    std::vector<float> m_block;
    bool m_int16 = false;
    int m_channels = 2;
    bool m_ended = true;
};

} // namespace

struct AudioPlayback::Impl {
    SilentClock system; // the clock when nothing can be heard
    QString path;
    QString error;
    std::unique_ptr<mas::TempoAudioReader> reader; // the track at the playback speed, pitch kept (atempo)
    PcmSource source;                  // declared before the sink: the sink, which pulls from it,
    std::unique_ptr<QAudioSink> sink;  // is destroyed first
    QAudioFormat format;
    bool playing = false;
    double anchor = 0;   // position when the sink was (re)started or paused
    double speed = 1;
    double duration = 0;
    double volume = 1;
    bool muted = false;

    bool audible() const { return reader && sink; }
    // Seconds the device has actually played since its start (what is still buffered is not heard yet).
    double playedSeconds() const
    {
        const double processed = double(sink->processedUSecs()) / 1e6;
        const qint64 buffered = std::max<qint64>(0, sink->bufferSize() - sink->bytesFree());
        return std::max(0.0, processed - double(format.durationForBytes(int(buffered))) / 1e6);
    }
    bool openReader()
    {
        mas::AudioDecodeOptions options;
        options.sampleRate = format.sampleRate();
        options.channels = format.channelCount();
        auto opened = mas::TempoAudioReader::open(path, options, speed);
        if (!opened) {
            error = opened.error();
            reader.reset();
            return false;
        }
        reader = std::move(opened).value();
        return true;
    }
    void applyVolume()
    {
        if (sink)
            sink->setVolume(muted ? 0.0 : volume);
    }
};

AudioPlayback::AudioPlayback(QObject* parent) : PlayerClock(parent), d(std::make_unique<Impl>())
{
    connect(&d->system, &PlayerClock::playingChanged, this, &PlayerClock::playingChanged);
    connect(&d->system, &PlayerClock::finished, this, &PlayerClock::finished);
}

AudioPlayback::~AudioPlayback() { stopOutput(); }

bool AudioPlayback::load(const QString& path)
{
    unload();
    d->path = path;
    auto probe = mas::AudioReader::open(path);
    if (!probe) {
        d->error = probe.error();
        return false;
    }
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        d->error = QStringLiteral("no audio output device: playing without sound");
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(probe.value()->sampleRate());
    format.setChannelCount(std::min(2, probe.value()->channels()));
    format.setSampleFormat(QAudioFormat::Float);
    if (!device.isFormatSupported(format)) {
        format.setSampleFormat(QAudioFormat::Int16);
        if (!device.isFormatSupported(format)) {
            format = device.preferredFormat();
            if (format.sampleFormat() != QAudioFormat::Float)
                format.setSampleFormat(QAudioFormat::Int16);
        }
    }
    d->format = format;
    if (!d->openReader())
        return false;
    if (d->duration <= 0)
        d->duration = d->reader->durationSeconds();
    d->sink = std::make_unique<QAudioSink>(device, format);
    d->sink->setBufferSize(format.bytesForDuration(100000)); // 100 ms: a responsive clock
    d->applyVolume();
    d->error.clear();
    return true;
}

void AudioPlayback::unload()
{
    const bool wasPlaying = isPlaying();
    const double at = position();
    stopOutput();
    d->sink.reset();
    d->reader.reset();
    d->source.reset(nullptr, QAudioFormat::Float, 2);
    d->playing = false;
    d->anchor = 0;
    d->system.pause();
    d->system.seek(0);
    d->system.setSpeed(d->speed);
    d->system.setDuration(d->duration);
    Q_UNUSED(at);
    if (wasPlaying)
        Q_EMIT playingChanged(false);
}

bool AudioPlayback::hasAudio() const { return d->reader != nullptr; }
bool AudioPlayback::hasOutput() const { return d->audible(); }
QString AudioPlayback::lastError() const { return d->error; }

bool AudioPlayback::isPlaying() const { return d->audible() ? d->playing : d->system.isPlaying(); }
double AudioPlayback::speed() const { return d->speed; }

double AudioPlayback::position() const
{
    if (!d->audible())
        return d->system.position();
    if (!d->playing)
        return d->anchor;
    const double p = d->anchor + d->playedSeconds() * d->speed;
    if (d->duration > 0 && p >= d->duration) {
        // Report the end once; the controller's tick sees it and stops.
        auto* self = const_cast<AudioPlayback*>(this);
        self->d->anchor = d->duration;
        self->d->playing = false;
        self->stopOutput();
        QTimer::singleShot(0, self, [self] {
            Q_EMIT self->playingChanged(false);
            Q_EMIT self->finished();
        });
        return d->duration;
    }
    return p;
}

void AudioPlayback::setDuration(double seconds)
{
    d->duration = std::max(0.0, seconds);
    d->system.setDuration(d->duration);
}

void AudioPlayback::play()
{
    if (!d->audible()) {
        d->system.play();
        return;
    }
    if (d->playing)
        return;
    if (d->duration > 0 && d->anchor >= d->duration)
        return;
    d->playing = true;
    restartOutput();
    Q_EMIT playingChanged(true);
}

void AudioPlayback::pause()
{
    if (!d->audible()) {
        d->system.pause();
        return;
    }
    if (!d->playing)
        return;
    d->anchor = position();
    d->playing = false;
    stopOutput();
    Q_EMIT playingChanged(false);
}

void AudioPlayback::seek(double seconds)
{
    if (!d->audible()) {
        d->system.seek(seconds);
        return;
    }
    d->anchor = std::max(0.0, seconds);
    if (d->duration > 0)
        d->anchor = std::min(d->anchor, d->duration);
    if (d->playing)
        restartOutput();
}

void AudioPlayback::setSpeed(double speed)
{
    const double clamped = std::clamp(speed, mas::kMinTempo, mas::kMaxTempo);
    if (!d->audible()) {
        d->speed = clamped;
        d->system.setSpeed(clamped);
        return;
    }
    d->anchor = position();
    d->speed = clamped;
    d->system.setSpeed(clamped);
    stopOutput();
    if (!d->openReader()) {
        // The sound cannot follow: go on silently on the system clock from here.
        d->sink.reset();
        d->system.seek(d->anchor);
        if (d->playing) {
            d->playing = false;
            d->system.play();
        }
        return;
    }
    if (d->playing)
        restartOutput();
}

void AudioPlayback::setMuted(bool muted)
{
    d->muted = muted;
    d->applyVolume();
}

void AudioPlayback::setVolume(double volume)
{
    d->volume = std::clamp(volume, 0.0, 1.0);
    d->applyVolume();
}

double AudioPlayback::volume() const { return d->volume; }
bool AudioPlayback::isMuted() const { return d->muted; }

void AudioPlayback::stopOutput()
{
    if (d->sink && d->sink->state() != QAudio::StoppedState)
        d->sink->stop();
}

void AudioPlayback::restartOutput()
{
    stopOutput();
    if (!d->reader->seek(d->anchor).ok()) {
        d->source.reset(nullptr, d->format.sampleFormat(), d->format.channelCount());
    } else {
        d->source.reset(d->reader.get(), d->format.sampleFormat(), d->format.channelCount());
    }
    d->sink->start(&d->source);
    if (d->sink->error() != QAudio::NoError && d->sink->error() != QAudio::UnderrunError) {
        // The device refused: continue silently on the system clock, at the same place.
        d->error = QStringLiteral("the audio device failed: playing without sound");
        d->sink.reset();
        d->system.setSpeed(d->speed);
        d->system.seek(d->anchor);
        if (d->playing) {
            d->playing = false;
            d->system.play();
        }
    }
}

} // namespace mas::ui
