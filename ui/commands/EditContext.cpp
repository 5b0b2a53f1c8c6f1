#include "commands/EditContext.h"

namespace mas::ui {

EditContext::EditContext(store::ProjectStore& store, QObject* parent) : QObject(parent), m_store(store) {}

store::Id EditContext::resolveSegment(store::Id id) const
{
    // Chains stay short (one link per delete/undo cycle); the guard protects against a cycle.
    for (int guard = 0; guard < 1000 && m_segmentIds.contains(id); ++guard)
        id = m_segmentIds.value(id);
    return id;
}

store::Id EditContext::resolveLabel(store::Id id) const
{
    for (int guard = 0; guard < 1000 && m_labelIds.contains(id); ++guard)
        id = m_labelIds.value(id);
    return id;
}

void EditContext::remapSegment(store::Id oldId, store::Id newId)
{
    if (oldId != newId && oldId != 0)
        m_segmentIds.insert(oldId, newId);
    const int hint = m_bodyPartHints.value(oldId, -1);
    if (hint >= 0)
        m_bodyPartHints.insert(newId, hint);
}

void EditContext::remapLabel(store::Id oldId, store::Id newId)
{
    if (oldId != newId && oldId != 0)
        m_labelIds.insert(oldId, newId);
}

int EditContext::bodyPartHint(store::Id segmentId) const
{
    return m_bodyPartHints.value(segmentId, -1);
}

void EditContext::setBodyPartHint(store::Id segmentId, int bodyPartId)
{
    if (bodyPartId >= 0)
        m_bodyPartHints.insert(segmentId, bodyPartId);
}

void EditContext::notifySegmentChanged(store::Id videoId, store::Id segmentId)
{
    m_lastError.clear();
    Q_EMIT segmentChanged(videoId, segmentId);
    Q_EMIT edited();
}

void EditContext::notifyLabelsChanged(store::Id videoId, store::Id segmentId)
{
    m_lastError.clear();
    Q_EMIT labelsChanged(videoId, segmentId);
    Q_EMIT edited();
}

void EditContext::notifyFailure(const QString& message)
{
    m_lastError = message;
    Q_EMIT editFailed(message);
}

} // namespace mas::ui
