#include "video/AudioTempo.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mas {
namespace {

VideoError filterError(const QString& what, int code)
{
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return VideoError{VideoErrorKind::DecodeFailed, QStringLiteral("audio tempo: %1 (%2)").arg(what, QString::fromUtf8(text)), code};
}

} // namespace

struct AudioTempo::Impl {
    AVFilterGraph* graph = nullptr;
    AVFilterContext* source = nullptr;
    AVFilterContext* sink = nullptr;
    AVFrame* frame = nullptr;
    AVChannelLayout layout{};
    int sampleRate = 0;
    int channels = 0;
    double tempo = 1;
    int64_t pts = 0;
    ~Impl()
    {
        av_frame_free(&frame);
        avfilter_graph_free(&graph);
        av_channel_layout_uninit(&layout);
    }
};

AudioTempo::AudioTempo() : d(std::make_unique<Impl>()) {}
AudioTempo::~AudioTempo() = default;
double AudioTempo::tempo() const { return d->tempo; }

QString AudioTempo::chainFor(double tempo)
{
    tempo = std::clamp(tempo, kMinTempo, kMaxTempo);
    QStringList stages;
    // Each stage within [0.5, 2], where atempo sounds best.
    while (tempo < 0.5 - 1e-9) {
        stages << QStringLiteral("atempo=0.5");
        tempo /= 0.5;
    }
    while (tempo > 2.0 + 1e-9) {
        stages << QStringLiteral("atempo=2");
        tempo /= 2.0;
    }
    stages << QStringLiteral("atempo=%1").arg(tempo, 0, 'g', 10);
    return stages.join(QLatin1Char(','));
}

VideoResult<std::unique_ptr<AudioTempo>> AudioTempo::create(int sampleRate, int channels, double tempo)
{
    if (sampleRate <= 0 || channels <= 0)
        return VideoError{VideoErrorKind::OpenFailed, QStringLiteral("audio tempo: no sample rate or channels"), 0};
    std::unique_ptr<AudioTempo> t(new AudioTempo);
    Impl& d = *t->d;
    d.sampleRate = sampleRate;
    d.channels = channels;
    d.tempo = std::clamp(tempo, kMinTempo, kMaxTempo);
    av_channel_layout_default(&d.layout, channels);
    char layoutName[128] = {};
    av_channel_layout_describe(&d.layout, layoutName, sizeof layoutName);
    d.graph = avfilter_graph_alloc();
    d.frame = av_frame_alloc();
    if (!d.graph || !d.frame)
        return filterError(QStringLiteral("out of memory"), AVERROR(ENOMEM));
    d.graph->nb_threads = 1; // runs in the audio callback: no threads of its own
    const QByteArray args = QStringLiteral("time_base=1/%1:sample_rate=%1:sample_fmt=flt:channel_layout=%2")
                                .arg(sampleRate)
                                .arg(QString::fromLatin1(layoutName))
                                .toLatin1();
    int rc = avfilter_graph_create_filter(&d.source, avfilter_get_by_name("abuffer"), "in", args.constData(), nullptr, d.graph);
    if (rc < 0)
        return filterError(QStringLiteral("cannot make the source"), rc);
    rc = avfilter_graph_create_filter(&d.sink, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr, d.graph);
    if (rc < 0)
        return filterError(QStringLiteral("cannot make the sink"), rc);
    AVFilterInOut* outputs = avfilter_inout_alloc();
    AVFilterInOut* inputs = avfilter_inout_alloc();
    outputs->name = av_strdup("in");
    outputs->filter_ctx = d.source;
    outputs->pad_idx = 0;
    outputs->next = nullptr;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = d.sink;
    inputs->pad_idx = 0;
    inputs->next = nullptr;
    const QByteArray chain = (chainFor(d.tempo) + QStringLiteral(",aformat=sample_fmts=flt:channel_layouts=%1").arg(QString::fromLatin1(layoutName))).toLatin1();
    rc = avfilter_graph_parse_ptr(d.graph, chain.constData(), &inputs, &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (rc < 0)
        return filterError(QStringLiteral("cannot build %1").arg(QString::fromLatin1(chain)), rc);
    if ((rc = avfilter_graph_config(d.graph, nullptr)) < 0)
        return filterError(QStringLiteral("cannot configure %1").arg(QString::fromLatin1(chain)), rc);
    return t;
}

VideoStatus AudioTempo::drain(std::vector<float>& out)
{
    for (;;) {
        const int rc = av_buffersink_get_frame(d->sink, d->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return VideoOk{};
        if (rc < 0)
            return filterError(QStringLiteral("cannot read the filtered sound"), rc);
        const size_t n = size_t(d->frame->nb_samples) * size_t(d->channels);
        const float* samples = reinterpret_cast<const float*>(d->frame->data[0]);
        out.insert(out.end(), samples, samples + n);
        av_frame_unref(d->frame);
    }
}

VideoStatus AudioTempo::push(const float* samples, int64_t frames, std::vector<float>& out)
{
    if (frames <= 0)
        return VideoOk{};
    AVFrame* f = av_frame_alloc();
    f->format = AV_SAMPLE_FMT_FLT;
    f->sample_rate = d->sampleRate;
    av_channel_layout_copy(&f->ch_layout, &d->layout);
    f->nb_samples = int(frames);
    f->pts = d->pts;
    d->pts += frames;
    int rc = av_frame_get_buffer(f, 0);
    if (rc >= 0) {
        std::memcpy(f->data[0], samples, size_t(frames) * size_t(d->channels) * sizeof(float));
        rc = av_buffersrc_add_frame(d->source, f);
    }
    av_frame_free(&f);
    if (rc < 0)
        return filterError(QStringLiteral("cannot feed the filter"), rc);
    return drain(out);
}

VideoStatus AudioTempo::finish(std::vector<float>& out)
{
    const int rc = av_buffersrc_add_frame(d->source, nullptr);
    if (rc < 0 && rc != AVERROR_EOF)
        return filterError(QStringLiteral("cannot end the filter's input"), rc);
    return drain(out);
}

// --- the reader at a tempo -----------------------------------------------------------------------

VideoResult<std::unique_ptr<TempoAudioReader>> TempoAudioReader::open(const QString& path, const AudioDecodeOptions& options,
                                                                      double tempo)
{
    auto reader = AudioReader::open(path, options);
    if (!reader)
        return reader.videoError();
    std::unique_ptr<TempoAudioReader> r(new TempoAudioReader);
    r->m_reader = std::move(reader).value();
    r->m_speed = std::clamp(tempo, kMinTempo, kMaxTempo);
    if (std::abs(r->m_speed - 1.0) > 1e-9) {
        auto filter = AudioTempo::create(r->m_reader->sampleRate(), r->m_reader->channels(), r->m_speed);
        if (!filter)
            return filter.videoError();
        r->m_tempo = std::move(filter).value();
    }
    return r;
}

TempoAudioReader::~TempoAudioReader() = default;
int TempoAudioReader::sampleRate() const { return m_reader->sampleRate(); }
int TempoAudioReader::channels() const { return m_reader->channels(); }
double TempoAudioReader::tempo() const { return m_speed; }
double TempoAudioReader::durationSeconds() const { return m_reader->durationSeconds(); }

VideoResult<int64_t> TempoAudioReader::read(std::vector<float>& out, int64_t frames)
{
    if (!m_tempo)
        return m_reader->read(out, frames);
    const int ch = channels();
    // Decode until the filter has enough (a slower tempo gives more sound than it takes).
    while (int64_t(m_ready.size()) / ch < frames && !m_finished) {
        m_block.clear();
        const int64_t want = std::max<int64_t>(256, int64_t(std::ceil(frames * m_speed)));
        auto got = m_reader->read(m_block, want);
        if (!got)
            return got;
        if (got.value() == 0) {
            m_finished = true;
            if (auto s = m_tempo->finish(m_ready); !s)
                return s.videoError();
            break;
        }
        if (auto s = m_tempo->push(m_block.data(), got.value(), m_ready); !s)
            return s.videoError();
    }
    const int64_t n = std::min<int64_t>(frames, int64_t(m_ready.size()) / ch);
    out.insert(out.end(), m_ready.begin(), m_ready.begin() + n * ch);
    m_ready.erase(m_ready.begin(), m_ready.begin() + n * ch);
    return n;
}

VideoStatus TempoAudioReader::seek(double seconds)
{
    m_ready.clear();
    m_finished = false;
    if (m_tempo) {
        auto filter = AudioTempo::create(sampleRate(), channels(), m_speed);
        if (!filter)
            return filter.videoError();
        m_tempo = std::move(filter).value();
    }
    return m_reader->seek(seconds);
}

} // namespace mas
