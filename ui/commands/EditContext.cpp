#include "commands/EditContext.h"

namespace mas::ui {

EditContext::EditContext(store::ProjectStore& store, QObject* parent) : QObject(parent), m_store(store) {}

store::Id EditContext::RowKeys::keyOf(store::Id id)
{
    if (id == 0 || isKey(id))
        return id;
    if (auto it = m_keyOfRow.constFind(id); it != m_keyOfRow.constEnd())
        return it.value();
    return fresh(id);
}

store::Id EditContext::RowKeys::fresh(store::Id id)
{
    const store::Id key = m_next++;
    m_rowOfKey.insert(key, id);
    m_keyOfRow.insert(id, key); // a reused id now belongs to this row, not to the deleted one
    return key;
}

store::Id EditContext::RowKeys::resolve(store::Id key) const
{
    return isKey(key) ? m_rowOfKey.value(key, 0) : key;
}

store::Id EditContext::RowKeys::rebind(store::Id key, store::Id newId)
{
    key = keyOf(key);
    if (key == 0)
        return 0;
    const store::Id old = m_rowOfKey.value(key, 0);
    if (m_keyOfRow.value(old, 0) == key)
        m_keyOfRow.remove(old);
    m_rowOfKey.insert(key, newId);
    m_keyOfRow.insert(newId, key);
    return old;
}

int64_t EditContext::RowKeys::version(store::Id idOrKey) const
{
    const store::Id key = isKey(idOrKey) ? idOrKey : m_keyOfRow.value(idOrKey, 0);
    return m_versionOfKey.value(key, 0);
}

Status EditContext::recordSegmentVersion(store::Id segmentId)
{
    const store::Id id = resolveSegment(segmentId);
    auto segment = m_store.segment(id);
    if (!segment)
        return Error{segment.error()};
    m_segmentKeys.setVersion(id, segment->rowVersion);
    return Status::success();
}

Status EditContext::recordLabelVersion(store::Id labelId)
{
    const store::Id id = resolveLabel(labelId);
    auto label = m_store.label(id);
    if (!label)
        return Error{label.error()};
    m_labelKeys.setVersion(id, label->rowVersion);
    return Status::success();
}

void EditContext::remapSegment(store::Id key, store::Id newId)
{
    const store::Id old = m_segmentKeys.rebind(key, newId);
    const int hint = m_bodyPartHints.value(old, -1);
    if (hint >= 0)
        m_bodyPartHints.insert(newId, hint);
}

int EditContext::bodyPartHint(store::Id segmentId) const
{
    return m_bodyPartHints.value(resolveSegment(segmentId), -1);
}

void EditContext::setBodyPartHint(store::Id segmentId, int bodyPartId)
{
    if (bodyPartId >= 0)
        m_bodyPartHints.insert(resolveSegment(segmentId), bodyPartId);
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
    ++m_failures;
    Q_EMIT editFailed(message);
}

void EditContext::notifyReload()
{
    Q_EMIT reloadRequested();
    Q_EMIT segmentChanged(0, 0);
    Q_EMIT labelsChanged(0, 0);
}

EditContext::KeyState EditContext::saveKeys() const
{
    return {m_segmentKeys, m_labelKeys, m_bodyPartHints};
}

void EditContext::restoreKeys(const KeyState& state)
{
    m_segmentKeys = state.segments;
    m_labelKeys = state.labels;
    m_bodyPartHints = state.hints;
}

} // namespace mas::ui
