#pragma once
// Undoable edits of segments, one QUndoCommand per user edit. Each writes the store at once in
// redo() (QUndoStack::push calls it), so an edit is durable when made; undo() writes the reverse.
//
// Atomic: each redo() and each undo() is ONE store transaction (a split's shortened left part, new
// right part and copied labels; a merge; an undo that restores a segment with its labels and
// predictions), committed or rolled back as a whole, and views hear of it only after the commit.
// When one fails, nothing of it reached the store and the command is marked obsolete:
//   - a failed first redo: QUndoStack::push drops the command (use pushEdit to learn of it);
//   - a failed undo or later redo: the stack drops the command, leaving the edit as the store has
//     it, and every view reloads from the store.
// Either way the context's editFailed signal tells the user what happened.
//
// Teams: every write names the row version it is based on. A command's first redo uses the version
// the user saw (`seenRowVersion`, passed by the view that showed the row; 0: the one read when the
// command is made); its undo and later redos use the version this client's last write of the row
// left (EditContext::segmentVersion). A teammate's change in between is refused naming them, the
// step leaves the stack and the views reload (EditFailureMessage.h says what the user reads).
// Limit: once the user has made a new edit of that row on top of the teammate's change (the views
// showed it), undoing an older step of the same row is no longer refused.
#include "commands/EditContext.h"

#include <QHash>
#include <QList>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVector>

#include <functional>
#include <optional>

namespace mas::ui {

// Command ids for mergeWith.
enum CommandId { SegmentSpanCommandId = 1001, SegmentNoteCommandId = 1002 };

// What one redo or undo changed, announced once its transaction has committed.
class EditChanges {
public:
    void segment(store::Id videoId, store::Id segmentId) { m_segments.push_back({videoId, segmentId}); }
    void labels(store::Id videoId, store::Id segmentId) { m_labels.push_back({videoId, segmentId}); }
    void announce(EditContext& context) const;

private:
    QVector<QPair<store::Id, store::Id>> m_segments, m_labels;
};

// Base: knows the context and whether its last redo/undo reached the store.
class StoreCommand : public QUndoCommand {
public:
    bool isValid() const { return m_valid; }
    EditContext& context() const { return m_context; }

protected:
    StoreCommand(EditContext& context, const QString& text, QUndoCommand* parent = nullptr);
    enum class Step { Redo, Undo };
    // Runs `work` as one store transaction (see the top of this file for what a failure does).
    bool applyAtomically(Step step, const std::function<Status(EditChanges&)>& work);
    // A Result's error as a Status (for early returns inside the work).
    template <typename T> static Status statusOf(const Result<T>& result)
    {
        return result.ok() ? Status() : Status(Error{result.error()});
    }
    // The version a write expects: on the first redo the one the user saw, afterwards the one this
    // client's own last write of the row left.
    int64_t expectedVersion(int64_t seen, int64_t leftByThisClient) const { return m_applied ? leftByThisClient : seen; }
    EditContext& m_context;
    bool m_valid = true;
    bool m_applied = false; // a redo has succeeded once (later failures are not "first redo")
};

// Pushes a store command and says whether its first redo reached the store. False: the stack has
// dropped (deleted) it, and the context's lastError() says why; do not touch the command then. True
// is also returned when the stack merged it into the previous command (deleted too), so read
// nothing from a command that merges (span and note edits) after pushing it.
bool pushEdit(QUndoStack& stack, StoreCommand* command);

// A snapshot of a segment with its labels and predictions, to re-create it on undo.
struct SegmentSnapshot {
    store::Segment segment;
    QVector<store::Label> labels;
    QVector<store::Prediction> predictions;
    store::Id key = 0;                 // the segment's key in the EditContext
    QVector<store::Id> labelKeys;      // parallel to labels
};

// Create a segment [startFrame, endFrame) on a video; optionally on a body part's track (hint) and
// with a first label.
class CreateSegmentCommand : public StoreCommand {
public:
    CreateSegmentCommand(EditContext& context, store::Id videoId, int64_t startFrame, int64_t endFrame,
                         int bodyPartHint = -1, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    // The segment's key (resolve it through the context).
    store::Id segmentId() const { return m_firstId; }

private:
    store::Id m_videoId;
    int64_t m_start, m_end;
    int m_bodyPartHint;
    store::Id m_firstId = 0;
};

class DeleteSegmentCommand : public StoreCommand {
public:
    DeleteSegmentCommand(EditContext& context, store::Id segmentId, QUndoCommand* parent = nullptr,
                         int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;

private:
    store::Id m_segmentId;
    int64_t m_seenVersion = 0;
    std::optional<SegmentSnapshot> m_snapshot;
};

// Move or resize: the segment's new span. Consecutive commands of one gesture (same non-zero
// gestureId, same segment) merge into one undo step.
class SetSegmentSpanCommand : public StoreCommand {
public:
    SetSegmentSpanCommand(EditContext& context, store::Id segmentId, int64_t startFrame, int64_t endFrame,
                          int gestureId = 0, QUndoCommand* parent = nullptr, int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;
    int id() const override { return SegmentSpanCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    store::Id m_segmentId;
    int64_t m_newStart, m_newEnd;
    std::optional<std::pair<int64_t, int64_t>> m_oldSpan;
    int m_gestureId;
    int64_t m_seenVersion = 0;
};

// Split at `frame` (startFrame < frame < endFrame): the left part keeps the segment, the right part
// is a new segment with copies of its labels.
class SplitSegmentCommand : public StoreCommand {
public:
    SplitSegmentCommand(EditContext& context, store::Id segmentId, int64_t frame, QUndoCommand* parent = nullptr,
                        int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;
    store::Id rightSegmentId() const { return m_rightFirstId; }

private:
    store::Id m_segmentId;
    int64_t m_frame;
    int64_t m_oldEnd = 0;
    store::Id m_rightFirstId = 0;
    int64_t m_seenVersion = 0;
};

// Merge segments of one video into the earliest: it spans min(start)..max(end) and gains the labels
// of the others (one per class and annotator); the others are removed.
class MergeSegmentsCommand : public StoreCommand {
public:
    MergeSegmentsCommand(EditContext& context, QList<store::Id> segmentIds, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    store::Id keptSegmentId() const { return m_keptId; }

private:
    QList<store::Id> m_ids;
    store::Id m_keptId = 0;
    std::pair<int64_t, int64_t> m_keptOldSpan{0, 0};
    QVector<SegmentSnapshot> m_removed;
    QVector<store::Id> m_addedLabels;  // label ids copied onto the kept segment
    QHash<store::Id, int64_t> m_seenVersions; // by segment key: what the user saw when merging
};

class SetSegmentNoteCommand : public StoreCommand {
public:
    // Consecutive note edits of the same segment merge (typing is one step).
    SetSegmentNoteCommand(EditContext& context, store::Id segmentId, QString note, QUndoCommand* parent = nullptr,
                          int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;
    int id() const override { return SegmentNoteCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    store::Id m_segmentId;
    QString m_newNote;
    std::optional<QString> m_oldNote;
    int64_t m_seenVersion = 0;
};

} // namespace mas::ui
