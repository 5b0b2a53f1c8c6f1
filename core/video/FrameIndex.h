#pragma once
// The exact frame index of a video stream: one entry per frame in presentation order (pts sorted)
// with keyframe flags, built by reading every packet once (no decoding). Frame i plays over
// [pts_i, pts_{i+1}); time -> frame is a binary search, never round(t * fps), so variable frame
// rate files map exactly.
//
// Threads: build() reads the whole file (seconds for long videos). It is reentrant and touches no
// shared state, so run it on a worker thread when a GUI is waiting; cancel with the atomic flag.
// A built index is an immutable value: copy it freely across threads.
#include "video/VideoError.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace mas {

struct FrameIndexEntry {
    int64_t pts = 0;   // presentation timestamp in the stream's time base (dts when pts is missing)
    bool keyframe = false;
};

class FrameIndex {
public:
    FrameIndex() = default;

    // Reads every packet of the best video stream of `path`. progress(0..1) is called now and then
    // from the calling thread. `cancel` (may be null) stops the scan with VideoErrorKind::Cancelled.
    static VideoResult<FrameIndex> build(const QString& path, const std::atomic_bool* cancel = nullptr,
                                         const std::function<void(double)>& progress = {});

    // Small binary file (magic, version, content hash, time base, entries). load() refuses a file
    // whose content hash differs from `expectedContentHash` (when not empty) or that is damaged.
    Status save(const QString& file) const;
    static Result<FrameIndex> load(const QString& file, const QString& expectedContentHash = {});

    // "<cacheDir>/<contentHash>.frameindex". The store gives the cache folder next to the project.
    static QString cacheFilePath(const QString& cacheDir, const QString& contentHash);
    // Loads the cached index of `path` from cacheDir, or builds and saves it (cacheDir may be empty:
    // then it only builds). Same threading rules as build().
    static VideoResult<FrameIndex> loadOrBuild(const QString& path, const QString& cacheDir,
                                               const std::atomic_bool* cancel = nullptr);

    bool isEmpty() const { return m_entries.empty(); }
    int frameCount() const { return static_cast<int>(m_entries.size()); }
    int keyframeCount() const;
    const std::vector<FrameIndexEntry>& entries() const { return m_entries; }
    const FrameIndexEntry& entry(int frame) const { return m_entries[static_cast<size_t>(frame)]; }
    int64_t pts(int frame) const { return m_entries[static_cast<size_t>(frame)].pts; }
    bool isKeyframe(int frame) const { return m_entries[static_cast<size_t>(frame)].keyframe; }

    // The last keyframe at or before `frame` (0 when none is flagged before it).
    int keyframeAtOrBefore(int frame) const;
    // The first keyframe after `frame`, or frameCount() when none.
    int nextKeyframeAfter(int frame) const;

    // Frame whose interval [pts_i, pts_{i+1}) holds `pts`; -1 before the first frame; the last
    // frame for anything after it.
    int frameAtPts(int64_t pts) const;
    // Same with seconds measured from the first frame (so the first frame is at 0.0).
    int frameAtSeconds(double seconds) const;
    // Start of frame i in seconds from the first frame.
    double secondsOf(int frame) const;
    // Exact rational form: (pts_i - pts_0) * timeBaseNum / timeBaseDen seconds.
    int64_t relativePts(int frame) const { return pts(frame) - m_entries.front().pts; }
    // Duration of the last frame is taken as the median frame duration.
    double durationSeconds() const;

    int timeBaseNum() const { return m_timeBaseNum; }
    int timeBaseDen() const { return m_timeBaseDen; }
    int streamIndex() const { return m_streamIndex; }
    QString contentHash() const { return m_contentHash; }
    // False when packets lack presentation timestamps (AVI with B-frames, raw streams): the decoder
    // then counts frames from the keyframe it seeked to instead of reading their timestamps.
    bool hasTimestamps() const { return m_hasTimestamps; }
    // False without presentation timestamps: every backward seek restarts from the beginning.
    bool seekable() const { return m_seekable; }

private:
    friend class FrameIndexBuilder;
    std::vector<FrameIndexEntry> m_entries;
    int m_timeBaseNum = 1;
    int m_timeBaseDen = 1;
    int m_streamIndex = -1;
    bool m_hasTimestamps = true;
    bool m_seekable = true;
    QString m_contentHash;
};

} // namespace mas
