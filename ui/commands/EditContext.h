#pragma once
// What the undo commands edit and whom they tell. The store has no signals of its own, so every
// command reports what it changed here, and views (timeline, labeling panel, clip browser)
// refresh from these signals. One EditContext per open project; pass it (and the QUndoStack) to
// whoever pushes commands: neither is a singleton.
//
// Ids: undoing a deletion re-creates rows with new ids, and SQLite hands a freed id (the highest)
// to the next new row. So commands do not hold row ids: they hold keys made here (segmentKey /
// labelKey, from a range row ids never reach) and resolve them to the row's id of the moment
// (resolveSegment / resolveLabel); a re-created row is re-bound to its key (remapSegment).
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

    // The key of a live row (made on first use; a key passed in is returned as is).
    store::Id segmentKey(store::Id segmentId) { return m_segmentKeys.keyOf(segmentId); }
    store::Id labelKey(store::Id labelId) { return m_labelKeys.keyOf(labelId); }
    // A fresh key for a row a command has just created (its id may be a freed one, reused).
    store::Id newSegmentKey(store::Id segmentId) { return m_segmentKeys.fresh(segmentId); }
    store::Id newLabelKey(store::Id labelId) { return m_labelKeys.fresh(labelId); }
    // The row id a key stands for now (a plain row id that never got a key: itself).
    store::Id resolveSegment(store::Id key) const { return m_segmentKeys.resolve(key); }
    store::Id resolveLabel(store::Id key) const { return m_labelKeys.resolve(key); }
    // The row of `key` was re-created as `newId`.
    void remapSegment(store::Id key, store::Id newId);
    void remapLabel(store::Id key, store::Id newId) { m_labelKeys.rebind(key, newId); }

    // Row versions this client's own writes left, by key. An undo or redo expects the row as this
    // client left it, so a teammate's change since is refused naming them instead of overwritten
    // (also when other commands of this stack edited the row in between). 0: none recorded (the
    // store then checks against the version it reads). Takes a row id or a key.
    int64_t segmentVersion(store::Id segmentId) const { return m_segmentKeys.version(segmentId); }
    int64_t labelVersion(store::Id labelId) const { return m_labelKeys.version(labelId); }
    // Called by commands right after their write, inside its transaction: reads the row's version.
    Status recordSegmentVersion(store::Id segmentId);
    Status recordLabelVersion(store::Id labelId);

    // Body-part track an unlabeled segment was drawn on (the store keeps no body part for a segment
    // without labels; the hint lasts for the session). -1 when none. Takes a row id or a key.
    int bodyPartHint(store::Id segmentId) const;
    void setBodyPartHint(store::Id segmentId, int bodyPartId);

    // The last error an edit reported ("" when the last edit succeeded).
    QString lastError() const { return m_lastError; }
    // How many edits have failed so far (pushEdit compares it around a push).
    int failureCount() const { return m_failures; }

    // Called by commands after their transaction committed.
    void notifySegmentChanged(store::Id videoId, store::Id segmentId);
    void notifyLabelsChanged(store::Id videoId, store::Id segmentId);
    void notifyFailure(const QString& message);
    // After a failed (rolled back) edit: every view reloads what it shows from the store.
    void notifyReload();

    // The key <-> row bindings and hints, saved before a command writes and restored when its
    // transaction is rolled back (a rolled-back row must not keep a key).
    struct KeyState;
    KeyState saveKeys() const;
    void restoreKeys(const KeyState& state);

Q_SIGNALS:
    // A segment was created, moved, resized, annotated or removed (segmentId may no longer exist).
    void segmentChanged(mas::store::Id videoId, mas::store::Id segmentId);
    // Labels of a segment were added, removed or changed (status, class).
    void labelsChanged(mas::store::Id videoId, mas::store::Id segmentId);
    // Any successful edit: the store committed it (the title bar shows "saved").
    void edited();
    // An edit could not be written; the message names the file and the problem.
    void editFailed(const QString& message);
    // The store is the truth again after a failed edit: reload everything shown from it (also sent
    // as segmentChanged(0, 0) and labelsChanged(0, 0), which views take as "all").
    void reloadRequested();

private:
    // Keys <-> row ids of one table.
    class RowKeys {
    public:
        store::Id keyOf(store::Id id);
        store::Id fresh(store::Id id);
        store::Id resolve(store::Id key) const;
        store::Id rebind(store::Id key, store::Id newId); // returns the id the key had
        static bool isKey(store::Id id) { return id >= kFirstKey; }
        int64_t version(store::Id idOrKey) const;
        void setVersion(store::Id id, int64_t version) { m_versionOfKey.insert(keyOf(id), version); }

    private:
        static constexpr store::Id kFirstKey = store::Id(1) << 52;
        QHash<store::Id, store::Id> m_rowOfKey;
        QHash<store::Id, store::Id> m_keyOfRow;
        QHash<store::Id, int64_t> m_versionOfKey;
        store::Id m_next = kFirstKey;
    };

public:
    struct KeyState {
        RowKeys segments;
        RowKeys labels;
        QHash<store::Id, int> hints;
    };

private:
    store::ProjectStore& m_store;
    RowKeys m_segmentKeys;
    RowKeys m_labelKeys;
    QHash<store::Id, int> m_bodyPartHints;
    QString m_lastError;
    int m_failures = 0;
};

} // namespace mas::ui
