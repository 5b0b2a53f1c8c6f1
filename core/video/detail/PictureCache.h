#pragma once
// Decoded pictures kept by the VideoDecoder: references to the decoder's own frames (no copy).
//   PictureCache: the LRU of recent pictures around the playhead, bounded in bytes (stepping back).
//   AheadPictures: the few pictures read ahead of the playhead, bounded in count (stepping forward
//   hits them even when the LRU is tiny or off).
// Not locked: the decoder guards both with its store mutex.
#include "video/detail/Ffmpeg.h"

#include <algorithm>
#include <list>
#include <map>
#include <unordered_map>

namespace mas::ff {

inline FramePtr newReference(const AVFrame* frame) { return FramePtr(frame ? av_frame_clone(frame) : nullptr); }

class PictureCache {
public:
    void setLimit(size_t bytes) { m_limit = bytes; evict(); }
    const AVFrame* find(int index)
    {
        auto it = m_map.find(index);
        if (it == m_map.end())
            return nullptr;
        m_order.splice(m_order.begin(), m_order, it->second.position);
        return it->second.frame.get();
    }
    void insert(int index, const AVFrame* frame)
    {
        if (m_map.count(index) || m_limit == 0)
            return;
        FramePtr ref = newReference(frame);
        if (!ref)
            return;
        const int bytes = av_image_get_buffer_size(static_cast<AVPixelFormat>(frame->format), frame->width, frame->height, 1);
        m_order.push_front(index);
        Entry e{std::move(ref), size_t(std::max(bytes, 1)), m_order.begin()};
        m_bytes += e.bytes;
        m_map.emplace(index, std::move(e));
        evict();
    }

private:
    struct Entry {
        FramePtr frame;
        size_t bytes;
        std::list<int>::iterator position;
    };
    void evict()
    {
        while (m_bytes > m_limit && !m_order.empty()) {
            auto it = m_map.find(m_order.back());
            m_bytes -= it->second.bytes;
            m_map.erase(it);
            m_order.pop_back();
        }
    }
    std::unordered_map<int, Entry> m_map;
    std::list<int> m_order;
    size_t m_bytes = 0;
    size_t m_limit = 256u << 20;
};

// Pictures in the window [first, last]; anything outside is dropped when the window moves, so it
// never holds more than last - first + 1 pictures.
class AheadPictures {
public:
    void setWindow(int first, int last)
    {
        m_first = first;
        m_last = last;
        m_frames.erase(m_frames.begin(), m_frames.lower_bound(first));
        m_frames.erase(m_frames.upper_bound(last), m_frames.end());
    }
    void insert(int index, const AVFrame* frame)
    {
        if (index < m_first || index > m_last || m_frames.count(index))
            return;
        if (FramePtr ref = newReference(frame))
            m_frames.emplace(index, std::move(ref));
    }
    const AVFrame* find(int index) const
    {
        auto it = m_frames.find(index);
        return it == m_frames.end() ? nullptr : it->second.get();
    }
    int size() const { return int(m_frames.size()); }

private:
    std::map<int, FramePtr> m_frames;
    int m_first = 0;
    int m_last = -1;
};

} // namespace mas::ff
