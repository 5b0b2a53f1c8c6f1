#include "commands/LabelCommands.h"

#include <QObject>

namespace mas::ui {
namespace {

QString className(const store::ProjectStore& store, int classId)
{
    if (const ActionClass* c = store.taxonomy().classById(classId))
        return c->code + ' ' + c->name;
    return QObject::tr("class %1").arg(classId);
}

QString statusVerb(store::LabelStatus status)
{
    switch (status) {
    case store::LabelStatus::Confirmed: return QObject::tr("Confirm");
    case store::LabelStatus::Rejected: return QObject::tr("Reject");
    case store::LabelStatus::Disputed: return QObject::tr("Dispute");
    case store::LabelStatus::Prelabeled: return QObject::tr("Reopen");
    }
    return QObject::tr("Set status of");
}

// The video a segment belongs to, for the change signals (0 when it cannot be read).
store::Id videoOf(const store::ProjectStore& store, store::Id segmentId)
{
    auto s = store.segment(segmentId);
    return s ? s->videoId : 0;
}

// The version the user saw: the one a view passed, else the row's version now.
int64_t seenLabelVersion(EditContext& context, store::Id labelId, int64_t seen)
{
    if (seen > 0)
        return seen;
    auto l = context.store().label(context.resolveLabel(labelId));
    return l ? l->rowVersion : 0;
}

} // namespace

// --- add ---------------------------------------------------------------------------------------

AddLabelCommand::AddLabelCommand(EditContext& context, store::Id segmentId, int classId, store::LabelStatus status,
                                 store::Id annotatorId, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Label %1").arg(className(context.store(), classId)), parent),
      m_segmentId(context.segmentKey(segmentId)), m_classId(classId), m_status(status), m_annotatorId(annotatorId)
{
}

void AddLabelCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id segment = m_context.resolveSegment(m_segmentId);
        auto id = m_context.store().addLabel(segment, m_classId, m_status, m_annotatorId);
        if (!id)
            return statusOf(id);
        if (m_firstLabelId == 0)
            m_firstLabelId = m_context.newLabelKey(id.value());
        else
            m_context.remapLabel(m_firstLabelId, id.value());
        if (Status v = m_context.recordLabelVersion(id.value()); !v.ok())
            return v;
        changes.labels(videoOf(m_context.store(), segment), segment);
        return Status::success();
    });
}

void AddLabelCommand::undo()
{
    if (m_firstLabelId == 0)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id segment = m_context.resolveSegment(m_segmentId);
        if (Status r = m_context.store().removeLabel(m_context.resolveLabel(m_firstLabelId),
                                                     m_context.labelVersion(m_firstLabelId));
            !r.ok())
            return r;
        changes.labels(videoOf(m_context.store(), segment), segment);
        return Status::success();
    });
}

// --- remove ------------------------------------------------------------------------------------

RemoveLabelCommand::RemoveLabelCommand(EditContext& context, store::Id labelId, QUndoCommand* parent, int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Remove label"), parent), m_labelId(context.labelKey(labelId)),
      m_seenVersion(seenLabelVersion(context, labelId, seenRowVersion))
{
    if (auto l = context.store().label(context.resolveLabel(labelId)))
        setText(QObject::tr("Remove label %1").arg(className(context.store(), l->classId)));
}

void RemoveLabelCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveLabel(m_labelId);
        auto label = m_context.store().label(id);
        if (!label)
            return statusOf(label);
        if (Status r = m_context.store().removeLabel(id, expectedVersion(m_seenVersion, m_context.labelVersion(m_labelId)));
            !r.ok())
            return r;
        m_snapshot = label.value();
        m_segmentKey = m_context.segmentKey(label->segmentId);
        changes.labels(videoOf(m_context.store(), label->segmentId), label->segmentId);
        return Status::success();
    });
}

void RemoveLabelCommand::undo()
{
    if (!m_snapshot)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id segment = m_context.resolveSegment(m_segmentKey);
        auto id = m_context.store().addLabel(segment, m_snapshot->classId, m_snapshot->status, m_snapshot->annotatorId);
        if (!id)
            return statusOf(id);
        m_context.remapLabel(m_labelId, id.value());
        if (Status v = m_context.recordLabelVersion(id.value()); !v.ok())
            return v;
        changes.labels(videoOf(m_context.store(), segment), segment);
        return Status::success();
    });
}

// --- status ------------------------------------------------------------------------------------

SetLabelStatusCommand::SetLabelStatusCommand(EditContext& context, store::Id labelId, store::LabelStatus status,
                                             QUndoCommand* parent, int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("%1 label").arg(statusVerb(status)), parent), m_labelId(context.labelKey(labelId)),
      m_newStatus(status), m_seenRowVersion(seenRowVersion)
{
    if (auto l = context.store().label(context.resolveLabel(labelId)))
        setText(QObject::tr("%1 %2").arg(statusVerb(status), className(context.store(), l->classId)));
}

void SetLabelStatusCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveLabel(m_labelId);
        auto label = m_context.store().label(id);
        if (!label)
            return statusOf(label);
        const int64_t expected = expectedVersion(m_seenRowVersion, m_context.labelVersion(m_labelId));
        if (Status u = m_context.store().setLabelStatus(id, m_newStatus, expected); !u.ok())
            return u;
        if (Status v = m_context.recordLabelVersion(id); !v.ok())
            return v;
        if (!m_oldStatus)
            m_oldStatus = label->status;
        changes.labels(videoOf(m_context.store(), label->segmentId), label->segmentId);
        return Status::success();
    });
}

void SetLabelStatusCommand::undo()
{
    if (!m_oldStatus)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveLabel(m_labelId);
        auto label = m_context.store().label(id);
        if (!label)
            return statusOf(label);
        if (Status u = m_context.store().setLabelStatus(id, *m_oldStatus, m_context.labelVersion(m_labelId)); !u.ok())
            return u;
        if (Status v = m_context.recordLabelVersion(id); !v.ok())
            return v;
        changes.labels(videoOf(m_context.store(), label->segmentId), label->segmentId);
        return Status::success();
    });
}

// --- class -------------------------------------------------------------------------------------

SetLabelClassCommand::SetLabelClassCommand(EditContext& context, store::Id labelId, int classId, QUndoCommand* parent,
                                           int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Relabel as %1").arg(className(context.store(), classId)), parent),
      m_labelId(context.labelKey(labelId)), m_newClass(classId), m_seenVersion(seenLabelVersion(context, labelId, seenRowVersion))
{
}

void SetLabelClassCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveLabel(m_labelId);
        auto label = m_context.store().label(id);
        if (!label)
            return statusOf(label);
        const int64_t expected = expectedVersion(m_seenVersion, m_context.labelVersion(m_labelId));
        if (Status u = m_context.store().setLabelClass(id, m_newClass, expected); !u.ok())
            return u;
        if (Status v = m_context.recordLabelVersion(id); !v.ok())
            return v;
        if (!m_oldClass)
            m_oldClass = label->classId;
        changes.labels(videoOf(m_context.store(), label->segmentId), label->segmentId);
        return Status::success();
    });
}

void SetLabelClassCommand::undo()
{
    if (!m_oldClass)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveLabel(m_labelId);
        auto label = m_context.store().label(id);
        if (!label)
            return statusOf(label);
        if (Status u = m_context.store().setLabelClass(id, *m_oldClass, m_context.labelVersion(m_labelId)); !u.ok())
            return u;
        if (Status v = m_context.recordLabelVersion(id); !v.ok())
            return v;
        changes.labels(videoOf(m_context.store(), label->segmentId), label->segmentId);
        return Status::success();
    });
}

} // namespace mas::ui
