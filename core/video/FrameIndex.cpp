#include "video/FrameIndex.h"

#include "video/VideoProbe.h"
#include "video/detail/Ffmpeg.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace mas {

class FrameIndexBuilder {
public:
    static VideoResult<FrameIndex> build(const QString& path, const std::atomic_bool* cancel,
                                         const std::function<void(double)>& progress);
};

namespace {
constexpr char kMagic[8] = {'M', 'A', 'S', 'F', 'I', 'D', 'X', '1'};
constexpr quint32 kVersion = 2;
} // namespace

VideoResult<FrameIndex> FrameIndexBuilder::build(const QString& path, const std::atomic_bool* cancel,
                                                 const std::function<void(double)>& progress)
{
    auto hash = mas::contentHash(path);
    if (!hash)
        return VideoError{VideoErrorKind::OpenFailed, hash.error()};

    QString error;
    ff::InterruptDeadline watchdog;
    ff::FormatContextPtr fmt = ff::openInput(path, &watchdog, &error, ff::StreamInfo::WhenHeaderLacksIt);
    if (!fmt)
        return VideoError{VideoErrorKind::OpenFailed, error};
    const int videoStream = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (videoStream < 0)
        return VideoError{VideoErrorKind::OpenFailed, QStringLiteral("%1: no video stream in the file").arg(path)};
    for (unsigned i = 0; i < fmt->nb_streams; ++i)
        fmt->streams[i]->discard = (static_cast<int>(i) == videoStream) ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    const AVStream* st = fmt->streams[videoStream];

    FrameIndex index;
    index.m_contentHash = hash.value();
    index.m_streamIndex = videoStream;
    index.m_timeBaseNum = st->time_base.num;
    index.m_timeBaseDen = st->time_base.den;

    const int64_t fileSize = fmt->pb ? avio_size(fmt->pb) : -1;
    ff::PacketPtr packet = ff::makePacket();
    int64_t missingPts = 0, missingAll = 0;
    int rc = 0;
    int64_t count = 0;
    // Watchdog: generous per chunk of packets, re-armed as the scan makes progress.
    watchdog.arm(std::chrono::seconds(30));
    while ((rc = av_read_frame(fmt.get(), packet.get())) >= 0) {
        if (packet->stream_index == videoStream && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            int64_t ts = packet->pts;
            if (ts == AV_NOPTS_VALUE) {
                ++missingPts;
                ts = packet->dts;
            }
            if (ts == AV_NOPTS_VALUE) {
                ts = count;
                ++missingAll;
            }
            index.m_entries.push_back({ts, (packet->flags & AV_PKT_FLAG_KEY) != 0});
            ++count;
        }
        av_packet_unref(packet.get());
        if ((count & 255) == 0) {
            watchdog.arm(std::chrono::seconds(30));
            if (cancel && cancel->load())
                return VideoError{VideoErrorKind::Cancelled, QStringLiteral("%1: frame index cancelled").arg(path)};
            if (progress && fileSize > 0)
                progress(std::clamp(double(avio_tell(fmt->pb)) / double(fileSize), 0.0, 1.0));
        }
    }
    if (rc != AVERROR_EOF && index.m_entries.empty()) {
        const bool timeout = watchdog.fired;
        return VideoError{timeout ? VideoErrorKind::Timeout : VideoErrorKind::DecodeFailed,
                          QStringLiteral("%1: cannot read packets (%2)").arg(path, ff::errorText(rc)), rc};
    }
    if (index.m_entries.empty())
        return VideoError{VideoErrorKind::OpenFailed,
                          QStringLiteral("%1: the video stream holds no frames (truncated or damaged file)").arg(path)};
    // A damaged tail still gives an index of what could be read (best effort).
    index.m_hasTimestamps = missingPts == 0;
    // Without presentation timestamps the display index of a keyframe is unknown (B-frames coded
    // after it may display before it), so seeks restart from the start: exact, slow only for long
    // files of this rare kind (AVI with packed B-frames, raw elementary streams).
    index.m_seekable = missingPts == 0;
    if (missingAll > 0) {
        // No timestamps at all: frames are counted in read order, seeks restart from the start.
        for (size_t i = 0; i < index.m_entries.size(); ++i)
            index.m_entries[i].pts = static_cast<int64_t>(i);
    } else if (missingPts > 0) {
        // Decode-order timestamps (AVI): keep read order; frames are counted when decoding.
    } else {
        std::stable_sort(index.m_entries.begin(), index.m_entries.end(),
                         [](const FrameIndexEntry& a, const FrameIndexEntry& b) { return a.pts < b.pts; });
    }
    // Decoders start at a keyframe: treat the first frame as one even when the flag is missing.
    if (progress)
        progress(1.0);
    return index;
}

VideoResult<FrameIndex> FrameIndex::build(const QString& path, const std::atomic_bool* cancel,
                                          const std::function<void(double)>& progress)
{
    return FrameIndexBuilder::build(path, cancel, progress);
}

Status FrameIndex::save(const QString& file) const
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("%1: cannot write the frame index (%2)").arg(file, out.errorString())};
    QDataStream s(&out);
    s.setVersion(QDataStream::Qt_6_0);
    s.writeRawData(kMagic, sizeof kMagic);
    s << kVersion << m_contentHash << qint32(m_timeBaseNum) << qint32(m_timeBaseDen) << qint32(m_streamIndex)
      << m_hasTimestamps << m_seekable << quint64(m_entries.size());
    for (const FrameIndexEntry& e : m_entries)
        s << qint64(e.pts) << quint8(e.keyframe ? 1 : 0);
    if (s.status() != QDataStream::Ok || !out.commit())
        return Error{QStringLiteral("%1: cannot write the frame index (%2)").arg(file, out.errorString())};
    return Status::success();
}

Result<FrameIndex> FrameIndex::load(const QString& file, const QString& expectedContentHash)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read the frame index (%2)").arg(file, in.errorString())};
    QDataStream s(&in);
    s.setVersion(QDataStream::Qt_6_0);
    char magic[sizeof kMagic];
    if (s.readRawData(magic, sizeof magic) != int(sizeof magic) || !std::equal(magic, magic + sizeof magic, kMagic))
        return Error{QStringLiteral("%1: not a frame index file").arg(file)};
    quint32 version = 0;
    FrameIndex index;
    qint32 tbNum = 0, tbDen = 0, stream = 0;
    quint64 count = 0;
    s >> version;
    if (version != kVersion)
        return Error{QStringLiteral("%1: frame index version %2 is not supported").arg(file).arg(version)};
    s >> index.m_contentHash >> tbNum >> tbDen >> stream >> index.m_hasTimestamps >> index.m_seekable >> count;
    if (s.status() != QDataStream::Ok || tbNum <= 0 || tbDen <= 0 || count == 0
        || count > quint64(in.size()) / 9 + 1)
        return Error{QStringLiteral("%1: damaged frame index").arg(file)};
    if (!expectedContentHash.isEmpty() && index.m_contentHash != expectedContentHash)
        return Error{QStringLiteral("%1: frame index of another file (content hash differs)").arg(file)};
    index.m_timeBaseNum = tbNum;
    index.m_timeBaseDen = tbDen;
    index.m_streamIndex = stream;
    index.m_entries.resize(count);
    for (FrameIndexEntry& e : index.m_entries) {
        qint64 pts = 0;
        quint8 key = 0;
        s >> pts >> key;
        e.pts = pts;
        e.keyframe = key != 0;
    }
    if (s.status() != QDataStream::Ok)
        return Error{QStringLiteral("%1: damaged frame index (truncated)").arg(file)};
    return index;
}

QString FrameIndex::cacheFilePath(const QString& cacheDir, const QString& contentHash)
{
    return QDir(cacheDir).filePath(contentHash + QStringLiteral(".frameindex"));
}

VideoResult<FrameIndex> FrameIndex::loadOrBuild(const QString& path, const QString& cacheDir,
                                                const std::atomic_bool* cancel)
{
    if (!cacheDir.isEmpty()) {
        auto hash = mas::contentHash(path);
        if (!hash)
            return VideoError{VideoErrorKind::OpenFailed, hash.error()};
        const QString cacheFile = cacheFilePath(cacheDir, hash.value());
        if (QFileInfo::exists(cacheFile)) {
            auto loaded = load(cacheFile, hash.value());
            if (loaded)
                return std::move(loaded).value();
            // A damaged cache file is rebuilt below.
        }
        auto built = build(path, cancel);
        if (built) {
            QDir().mkpath(cacheDir);
            built->save(cacheFile); // a cache that cannot be written only costs a rebuild later
        }
        return built;
    }
    return build(path, cancel);
}

int FrameIndex::keyframeCount() const
{
    return static_cast<int>(std::count_if(m_entries.begin(), m_entries.end(),
                                          [](const FrameIndexEntry& e) { return e.keyframe; }));
}

int FrameIndex::keyframeAtOrBefore(int frame) const
{
    for (int i = std::min(frame, frameCount() - 1); i > 0; --i)
        if (m_entries[size_t(i)].keyframe)
            return i;
    return 0;
}

int FrameIndex::nextKeyframeAfter(int frame) const
{
    for (int i = frame + 1; i < frameCount(); ++i)
        if (m_entries[size_t(i)].keyframe)
            return i;
    return frameCount();
}

int FrameIndex::frameAtPts(int64_t pts) const
{
    if (m_entries.empty() || pts < m_entries.front().pts)
        return -1;
    auto it = std::upper_bound(m_entries.begin(), m_entries.end(), pts,
                               [](int64_t value, const FrameIndexEntry& e) { return value < e.pts; });
    return static_cast<int>(it - m_entries.begin()) - 1;
}

int FrameIndex::frameAtSeconds(double seconds) const
{
    if (m_entries.empty())
        return -1;
    // seconds -> pts with the exact time base; floor so a time inside [pts_i, pts_i+1) maps to i.
    const double ticks = seconds * double(m_timeBaseDen) / double(m_timeBaseNum);
    const int64_t pts = m_entries.front().pts + static_cast<int64_t>(std::floor(ticks + 1e-9));
    return std::max(0, frameAtPts(pts));
}

double FrameIndex::secondsOf(int frame) const
{
    return double(relativePts(frame)) * m_timeBaseNum / m_timeBaseDen;
}

double FrameIndex::durationSeconds() const
{
    if (m_entries.empty())
        return 0;
    std::vector<int64_t> steps;
    for (size_t i = 1; i < m_entries.size(); ++i)
        steps.push_back(m_entries[i].pts - m_entries[i - 1].pts);
    int64_t last = 0;
    if (!steps.empty()) {
        std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
        last = steps[steps.size() / 2];
    }
    return double(m_entries.back().pts - m_entries.front().pts + last) * m_timeBaseNum / m_timeBaseDen;
}

} // namespace mas
