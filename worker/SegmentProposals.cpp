#include "SegmentProposals.h"

#include <algorithm>

namespace mas::worker {

std::vector<std::pair<int, int>> slidingWindows(int frameCount, int window, int stride)
{
    std::vector<std::pair<int, int>> out;
    if (frameCount <= 0 || window <= 0)
        return out;
    stride = std::max(stride, 1);
    if (frameCount <= window)
        return {{0, frameCount}};
    int start = 0;
    for (; start + window < frameCount; start += stride)
        out.push_back({start, start + window});
    if (out.empty() || out.back().second < frameCount)
        out.push_back({frameCount - window, frameCount});
    return out;
}

std::vector<ProposedSegment> proposeSegments(const QString& videoPath, std::vector<WindowProbabilities> windows,
                                             const SlidingWindowOptions& options,
                                             const std::vector<int>& classToBodyPart)
{
    std::sort(windows.begin(), windows.end(),
              [](const WindowProbabilities& a, const WindowProbabilities& b) { return a.startFrame < b.startFrame; });
    size_t classes = 0;
    for (const WindowProbabilities& w : windows)
        classes = std::max(classes, w.probabilities.size());
    std::vector<ProposedSegment> out;
    if (options.merge == SlidingWindowOptions::Merge::TopClass) {
        ProposedSegment open;
        bool isOpen = false;
        for (const WindowProbabilities& w : windows) {
            if (w.probabilities.empty())
                continue;
            const size_t k = size_t(std::max_element(w.probabilities.begin(), w.probabilities.end()) - w.probabilities.begin());
            const float p = w.probabilities[k];
            if (p < options.threshold) { // proposes nothing, and parts what is on either side
                if (isOpen)
                    out.push_back(open);
                isOpen = false;
                continue;
            }
            if (isOpen && open.classId == int(k) && w.startFrame <= open.endFrame + options.maxGapFrames) {
                open.endFrame = std::max(open.endFrame, w.endFrame);
                open.score = std::max(open.score, p);
                ++open.windows;
                continue;
            }
            if (isOpen) {
                // The next class starts where its window starts: the earlier segment ends there (no overlap).
                open.endFrame = std::max(open.startFrame + 1, std::min(open.endFrame, w.startFrame));
                out.push_back(open);
            }
            open = ProposedSegment{videoPath, w.startFrame, w.endFrame, int(k), k < classToBodyPart.size() ? classToBodyPart[k] : -1, p, 1};
            isOpen = true;
        }
        if (isOpen)
            out.push_back(open);
        return out;
    }
    for (size_t k = 0; k < classes; ++k) {
        ProposedSegment open;
        bool isOpen = false;
        for (const WindowProbabilities& w : windows) {
            const float p = k < w.probabilities.size() ? w.probabilities[k] : 0.f;
            if (p < options.threshold)
                continue;
            if (isOpen && w.startFrame <= open.endFrame + options.maxGapFrames) {
                open.endFrame = std::max(open.endFrame, w.endFrame);
                open.score = std::max(open.score, p);
                ++open.windows;
                continue;
            }
            if (isOpen)
                out.push_back(open);
            open = ProposedSegment{videoPath, w.startFrame, w.endFrame, int(k),
                                   k < classToBodyPart.size() ? classToBodyPart[k] : -1, p, 1};
            isOpen = true;
        }
        if (isOpen)
            out.push_back(open);
    }
    std::sort(out.begin(), out.end(), [](const ProposedSegment& a, const ProposedSegment& b) {
        return a.startFrame != b.startFrame ? a.startFrame < b.startFrame : a.classId < b.classId;
    });
    return out;
}

} // namespace mas::worker
