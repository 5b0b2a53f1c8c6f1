// Hostile and damaged videos through every way the app opens one (probe, decoder, frame index,
// thumbnails, audio, clip extraction): a playlist, manifest, concat list or session description
// named .mp4 gets a clear error naming the file and opens no connection (a local TCP listener
// stands where its URLs point and must see nothing); truncated, bit-flipped and scrambled videos
// give clear errors or decode best effort; the process lives and its peak RSS stays under 1 GiB.
#include "VideoTestMedia.h"

#include "video/AudioDecoder.h"
#include "video/ClipExtractor.h"
#include "video/FrameIndex.h"
#include "video/Thumbnails.h"
#include "video/VideoDecoder.h"
#include "video/VideoProbe.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <sys/resource.h>

using namespace mas;
using namespace mas::test;

namespace {

qint64 peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class TestVideoHostile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_inputs = 0;
    int m_refused = 0;
    int m_decodedBestEffort = 0;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Every opener on `file`: each either works or fails with a message naming the file. Returns
    // whether any of them refused it.
    bool throughEveryOpener(const QString& file, bool mustBeRefused)
    {
        ++m_inputs;
        bool refused = false;
        auto expectNamed = [&](const QString& what, const QString& error) {
            refused = true;
            if (!error.contains(file))
                QTest::qFail(qPrintable(QStringLiteral("%1 on %2: the error does not name the file: %3").arg(what, file, error)),
                             __FILE__, __LINE__);
        };
        Result<VideoProbeInfo> probe = probeVideo(file);
        if (!probe.ok())
            expectNamed("probe", probe.error());
        auto decoder = VideoDecoder::open(file);
        if (!decoder.ok()) {
            expectNamed("decoder", decoder.error());
        } else {
            const int frames = std::min(decoder.value()->frameCount(), 120);
            for (int i = 0; i < frames; ++i) {
                auto frame = decoder.value()->frameAt(i, QSize(64, 48));
                if (!frame.ok() && !frame.error().contains(file))
                    QTest::qFail(qPrintable("frame error without the file: " + frame.error()), __FILE__, __LINE__);
            }
            ++m_decodedBestEffort;
        }
        auto index = FrameIndex::build(file);
        if (!index.ok())
            expectNamed("frame index", index.error());
        ThumbnailRequest request;
        request.count = 4;
        auto strip = thumbnailStrip(file, request);
        if (!strip.ok())
            expectNamed("thumbnails", strip.error());
        auto audio = decodeAudio(file);
        if (!audio.ok())
            expectNamed("audio", audio.error());
        const QString clip = path("clip_out.mp4");
        QFile::remove(clip);
        auto extracted = extractClip(file, 0, 10, clip);
        if (!extracted.ok())
            expectNamed("clip extraction", extracted.error());
        if (mustBeRefused) {
            for (const auto& [what, ok] : {std::pair<const char*, bool>{"probe", probe.ok()}, {"decoder", decoder.ok()},
                                           {"frame index", index.ok()}, {"thumbnails", strip.ok()}, {"audio", audio.ok()},
                                           {"clip extraction", extracted.ok()}})
                if (ok)
                    QTest::qFail(qPrintable(QStringLiteral("%1 accepted %2").arg(what, file)), __FILE__, __LINE__);
        }
        m_refused += refused ? 1 : 0;
        return refused;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(makePatternVideo(path("good.mp4"), media("good.mp4", x264(12), 45, true), &error), qPrintable(error));
        QVERIFY2(makePatternVideo(path("good.mkv"), media("good.mkv", x264(12), 45), &error), qPrintable(error));
    }

    void playlistsAndStreamDescriptionsAreRefusedWithoutAConnection()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        const QByteArray where = "127.0.0.1:" + QByteArray::number(listener.serverPort());
        const QVector<QPair<QString, QByteArray>> files{
            {"hls_media.mp4", "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
                              "#EXTINF:10.0,\nhttp://" + where + "/x.ts\n#EXT-X-ENDLIST\n"},
            {"hls_master.mp4", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nhttp://" + where + "/index.m3u8\n"},
            {"hls_file.mov", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n"},
            {"dash.mp4", "<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" "
                         "profiles=\"urn:mpeg:dash:profile:isoff-live:2011\" type=\"static\" mediaPresentationDuration=\"PT10S\">"
                         "<BaseURL>http://" + where + "/</BaseURL><Period><AdaptationSet mimeType=\"video/mp4\">"
                         "<Representation id=\"1\" bandwidth=\"1000\"><BaseURL>v.mp4</BaseURL></Representation>"
                         "</AdaptationSet></Period></MPD>\n"},
            {"concat.mp4", "ffconcat version 1.0\nfile 'http://" + where + "/a.mp4'\nfile '/etc/passwd'\n"},
            {"sdp.mp4", "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=stream\nc=IN IP4 127.0.0.1\nt=0 0\nm=video " +
                            QByteArray::number(listener.serverPort()) + " RTP/AVP 96\na=rtpmap:96 H264/90000\n"},
        };
        for (const auto& [name, bytes] : files) {
            const QString file = path(name);
            QVERIFY(writeFile(file, bytes));
            throughEveryOpener(file, true);
            if (QTest::currentTestFailed())
                return;
            auto opened = VideoDecoder::open(file);
            QVERIFY(!opened.ok());
            if (name.startsWith("hls"))
                QVERIFY2(opened.error().contains("an HLS playlist"), qPrintable(opened.error()));
        }
        // A file whose NAME looks like a URL or a protocol is still a local file.
        QFile::copy(path("hls_media.mp4"), path("http:__127.0.0.1_x.mp4"));
        throughEveryOpener(path("http:__127.0.0.1_x.mp4"), true);
        QVERIFY2(!listener.waitForNewConnection(300), "a hostile file made FFmpeg connect to its URL");
        QVERIFY(!listener.hasPendingConnections());
    }

    void damagedVideosGiveClearErrorsOrBestEffort()
    {
        std::mt19937 rng(20261203);
        for (const QString& source : {QStringLiteral("good.mp4"), QStringLiteral("good.mkv")}) {
            const QByteArray good = readAll(path(source));
            QVERIFY2(good.size() > 2048, qPrintable(source));
            const QString ext = source.section('.', -1);
            QVector<QPair<QString, QByteArray>> variants;
            for (int percent : {1, 5, 25, 50, 75, 95, 99})
                variants.push_back({QStringLiteral("truncated%1").arg(percent), good.left(good.size() * percent / 100)});
            for (int seed = 0; seed < 10; ++seed) {
                QByteArray bytes = good;
                const int flips = seed < 5 ? 20 : 400;
                for (int i = 0; i < flips; ++i)
                    bytes[int(rng() % uint32_t(bytes.size()))] ^= char(1 << (rng() % 8));
                variants.push_back({QStringLiteral("bitflip%1").arg(seed), bytes});
            }
            QByteArray zeroed = good;
            zeroed.replace(0, good.size() / 4, QByteArray(good.size() / 4, '\0'));
            variants.push_back({"header_zeroed", zeroed});
            QByteArray scrambled = good;
            for (int i = 0; i + 2048 <= scrambled.size(); i += 2048)
                std::swap_ranges(scrambled.begin() + i, scrambled.begin() + i + 256, scrambled.begin() + i + 1024);
            variants.push_back({"scrambled", scrambled});
            QByteArray huge = good.left(64);
            huge += QByteArray(1 << 20, '\xff');
            variants.push_back({"header_then_ff", huge});
            for (const auto& [kind, bytes] : variants) {
                const QString file = path(QStringLiteral("damaged_%1_%2.%3").arg(source.section('.', 0, 0), kind, ext));
                QVERIFY(writeFile(file, bytes));
                throughEveryOpener(file, false);
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void cleanupTestCase()
    {
        qInfo("hostile and damaged videos: %d inputs, %d refused by at least one opener, %d decoded best effort; "
              "0 crashes; peak RSS %lld MiB",
              m_inputs, m_refused, m_decodedBestEffort, peakRssMiB());
        QVERIFY2(peakRssMiB() < 1024, "peak RSS over 1 GiB");
    }
};

QTEST_GUILESS_MAIN(TestVideoHostile)
#include "tst_videohostile.moc"
