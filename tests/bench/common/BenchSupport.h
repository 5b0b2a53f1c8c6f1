#pragma once
// What several benchmark programs share: this process's memory figures, a sampler of resident memory while a
// job runs, running the ffmpeg program, and long 1080p footage made in seconds (a one-minute encode joined by
// stream copy).
#include "store/ProjectStore.h"
#include "store/VideoFolderImport.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace mas::bench {

// A figure of /proc/self/status (VmRSS: now, VmHWM: the high-water mark), in MiB.
inline double statusMiB(const QByteArray& field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(field + ":"))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

inline double peakRssMiB() { return statusMiB("VmHWM"); }
inline double residentMiB() { return statusMiB("VmRSS"); }

// Resident memory sampled every 200 ms on its own thread while a job runs.
class MemorySampler {
public:
    MemorySampler()
        : m_thread([this] {
              while (!m_stop) {
                  {
                      std::lock_guard<std::mutex> lock(m_mutex);
                      m_samples.push_back(residentMiB());
                  }
                  std::this_thread::sleep_for(std::chrono::milliseconds(200));
              }
          })
    {
    }
    ~MemorySampler() { stop(); }
    std::vector<double> stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_samples;
    }

private:
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::vector<double> m_samples;
    std::thread m_thread;
};

inline bool runFfmpeg(const QStringList& arguments, QString* error)
{
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), QStringList{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"} + arguments);
    if (!ffmpeg.waitForFinished(-1) || ffmpeg.exitCode() != 0) {
        *error = QString::fromUtf8(ffmpeg.readAllStandardError()).trimmed();
        return false;
    }
    return true;
}

// `seconds` of `size` ("1920x1080") H.264 at 30 fps in `folder`/interview.mp4: one minute encoded (GOP 60),
// repeated by stream copy. Returns the path, or "" with `error`.
inline QString makeLongFootage(const QString& folder, int seconds, const QString& size, QString* error)
{
    const QString minute = folder + "/minute.mp4", list = folder + "/list.txt", video = folder + "/interview.mp4";
    if (!runFfmpeg({"-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30:duration=60", "-c:v", "libx264", "-preset",
                    "ultrafast", "-g", "60", "-pix_fmt", "yuv420p", minute},
                   error))
        return {};
    QFile listFile(list);
    if (!listFile.open(QIODevice::WriteOnly)) {
        *error = list + ": cannot write";
        return {};
    }
    for (int m = 0; m < (seconds + 59) / 60; ++m)
        listFile.write("file 'minute.mp4'\n");
    listFile.close();
    if (!runFfmpeg({"-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-t", QString::number(seconds), video}, error))
        return {};
    return video;
}

// A new project at `projectPath` holding the one video `videoPath`; `videoId` gets its id.
inline Result<std::unique_ptr<store::ProjectStore>> projectWithVideo(const QString& projectPath, const QString& videoPath,
                                                                     store::Video* video, store::Id* videoId)
{
    Result<std::unique_ptr<store::ProjectStore>> created =
        store::ProjectStore::create(projectPath, Taxonomy::builtinMa52(), QStringLiteral("bench"));
    if (!created)
        return created;
    Result<store::Video> probed = store::probeVideoForStore(videoPath);
    if (!probed)
        return Error{probed.error()};
    *video = probed.value();
    video->path = videoPath;
    Result<store::Id> id = created.value()->addVideo(*video);
    if (!id)
        return Error{id.error()};
    *videoId = id.value();
    return created;
}

// Runs the event loop until `done` or the timeout; false on timeout.
template <typename F> bool waitUntil(F done, int ms = 10000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return true;
}

// Median, 95th percentile and maximum of a sample.
struct Spread {
    double median = 0, p95 = 0, max = 0;
};
inline Spread spreadOf(std::vector<double> v)
{
    Spread s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, size_t(double(v.size()) * 0.95))];
    s.max = v.back();
    return s;
}

} // namespace mas::bench
