#pragma once
// Long footage: windows slid over a whole video, then neighbouring windows merged into proposed segments.
// TopClass (the default, what the pre-label dialog does): each window stands for its top class when that class
// reaches the threshold; adjacent windows with the same top class merge; a window below the threshold proposes
// nothing and ends the segment before it. PerClass: per class, every window where the class is confident, so
// different classes (e.g. in different body parts) may overlap: micro-actions co-occur. Torch-free.
#include "WorkTypes.h"

#include <utility>
#include <vector>

namespace mas::worker {

struct SlidingWindowOptions {
    int window = 60;        // frames (~2 s at 30 fps)
    int stride = 30;        // frames (~1 s)
    float threshold = 0.5f; // a window supports a class when its probability reaches this
    int maxGapFrames = 0;   // supporting windows closer than this (after the previous one's end) still merge
    enum class Merge { TopClass, PerClass };
    Merge merge = Merge::TopClass;
};

// [start, end) windows covering frames 0..frameCount-1; the last one is moved back to end at the last frame.
// A video shorter than a window gives one window over all of it.
std::vector<std::pair<int, int>> slidingWindows(int frameCount, int window, int stride);

struct WindowProbabilities {
    int startFrame = 0;
    int endFrame = 0;                 // exclusive
    std::vector<float> probabilities; // one per class
};

// Windows in any order; segments sorted by start, then class.
std::vector<ProposedSegment> proposeSegments(const QString& videoPath, std::vector<WindowProbabilities> windows,
                                             const SlidingWindowOptions& options,
                                             const std::vector<int>& classToBodyPart);

} // namespace mas::worker
