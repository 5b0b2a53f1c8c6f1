#pragma once
// What the undo commands edit and whom they tell. The store has no signals of its own, so every
// command reports what it changed here, and views (timeline, labeling panel, clip browser)
// refresh from these signals. One EditContext per open project; pass it (and the QUndoStack) to
// whoever pushes commands: neither is a singleton.
//
// Ids: undoing a deletion re-creates rows with new ids. Commands keep the ids they were made
// with and resolve them here (resolveSegment / resolveLabel) so a later command on the stack
// still finds "its" segment after an earlier one was deleted and restored.
#include "store/ProjectStore.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace mas::ui {

class EditContext : public QObject {
    Q_OBJECT
public:
    explicit EditContext(store::ProjectStore& store, QObject* parent = nullptr);

    store::ProjectStore& store() const { return m_store; }

    // The current id of a segment / label first created with `id` (itself when never re-created).
    store::Id resolveSegment(store::Id id) const;
    store::Id resolveLabel(store::Id id) const;
    void remapSegment(store::Id oldId, store::Id newId);
    void remapLabel(store::Id oldId, store::Id newId);

    // Body-part track an unlabeled segment was drawn on (the store keeps no body part for a segment
    // without labels; the hint lasts for the session). -1 when none.
    int bodyPartHint(store::Id segmentId) const;
    void setBodyPartHint(store::Id segmentId, int bodyPartId);

    // The last error an edit reported ("" when the last edit succeeded).
    QString lastError() const { return m_lastError; }

    // Called by commands after writing the store.
    void notifySegmentChanged(store::Id videoId, store::Id segmentId);
    void notifyLabelsChanged(store::Id videoId, store::Id segmentId);
    void notifyFailure(const QString& message);

Q_SIGNALS:
    // A segment was created, moved, resized, annotated or removed (segmentId may no longer exist).
    void segmentChanged(mas::store::Id videoId, mas::store::Id segmentId);
    // Labels of a segment were added, removed or changed (status, class).
    void labelsChanged(mas::store::Id videoId, mas::store::Id segmentId);
    // Any successful edit: the store committed it (the title bar shows "saved").
    void edited();
    // An edit could not be written; the message names the file and the problem.
    void editFailed(const QString& message);

private:
    store::ProjectStore& m_store;
    QHash<store::Id, store::Id> m_segmentIds;
    QHash<store::Id, store::Id> m_labelIds;
    QHash<store::Id, int> m_bodyPartHints;
    QString m_lastError;
};

} // namespace mas::ui
