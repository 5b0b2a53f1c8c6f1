#pragma once
// Undoable edits of labels: add (records the current annotator unless one is given), remove,
// change status (accept / reject / dispute a prediction or label), change class.
// Each writes the store at once in redo(), one transaction per redo/undo; see SegmentCommands.h for
// the conventions (atomicity, what a failure does, pushEdit, row versions: `seenRowVersion` is the
// label's version the user saw, 0 to read it when the command is made).
#include "commands/SegmentCommands.h"

namespace mas::ui {

class AddLabelCommand : public StoreCommand {
public:
    AddLabelCommand(EditContext& context, store::Id segmentId, int classId,
                    store::LabelStatus status = store::LabelStatus::Confirmed,
                    store::Id annotatorId = 0 /* the store's current annotator */, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    store::Id labelId() const { return m_firstLabelId; } // resolve through the context

private:
    store::Id m_segmentId;
    int m_classId;
    store::LabelStatus m_status;
    store::Id m_annotatorId;
    store::Id m_firstLabelId = 0;
};

class RemoveLabelCommand : public StoreCommand {
public:
    RemoveLabelCommand(EditContext& context, store::Id labelId, QUndoCommand* parent = nullptr, int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;

private:
    store::Id m_labelId;
    int64_t m_seenVersion;
    store::Id m_segmentKey = 0;
    std::optional<store::Label> m_snapshot;
};

class SetLabelStatusCommand : public StoreCommand {
public:
    // `seenRowVersion`: the label's rowVersion the user saw when deciding (0: read it now). When
    // another annotator changed the label since, the first redo is refused naming them; undo and
    // later redos are refused likewise when it changed after this client's own last write.
    SetLabelStatusCommand(EditContext& context, store::Id labelId, store::LabelStatus status,
                          QUndoCommand* parent = nullptr, int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;

private:
    store::Id m_labelId;
    store::LabelStatus m_newStatus;
    std::optional<store::LabelStatus> m_oldStatus;
    int64_t m_seenRowVersion;
};

class SetLabelClassCommand : public StoreCommand {
public:
    SetLabelClassCommand(EditContext& context, store::Id labelId, int classId, QUndoCommand* parent = nullptr,
                         int64_t seenRowVersion = 0);
    void redo() override;
    void undo() override;

private:
    store::Id m_labelId;
    int m_newClass;
    std::optional<int> m_oldClass;
    int64_t m_seenVersion;
};

} // namespace mas::ui
