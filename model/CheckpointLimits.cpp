#include "CheckpointLimits.h"

#include <mutex>

namespace mas::model {

namespace {
std::mutex& limitsMutex()
{
    static std::mutex m;
    return m;
}
CheckpointLimits& currentLimits()
{
    static CheckpointLimits limits;
    return limits;
}
} // namespace

CheckpointLimits checkpointLimits()
{
    std::lock_guard<std::mutex> lock(limitsMutex());
    return currentLimits();
}

void setCheckpointLimits(const CheckpointLimits& limits)
{
    std::lock_guard<std::mutex> lock(limitsMutex());
    currentLimits() = limits;
}

} // namespace mas::model
