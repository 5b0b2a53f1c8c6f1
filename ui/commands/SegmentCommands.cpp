#include "commands/SegmentCommands.h"

#include "commands/EditFailureMessage.h"

#include <QObject>
#include <QSet>

#include <algorithm>

namespace mas::ui {
namespace {

Result<SegmentSnapshot> takeSnapshot(EditContext& context, store::Id id)
{
    store::ProjectStore& store = context.store();
    SegmentSnapshot snap;
    auto segment = store.segment(id);
    if (!segment)
        return Error{segment.error()};
    snap.segment = segment.value();
    auto labels = store.labelsOfSegment(id);
    if (!labels)
        return Error{labels.error()};
    snap.labels = labels.value();
    auto predictions = store.predictionsOfSegment(id);
    if (!predictions)
        return Error{predictions.error()};
    snap.predictions = predictions.value();
    snap.key = context.segmentKey(id);
    for (const store::Label& label : snap.labels)
        snap.labelKeys << context.labelKey(label.id);
    return snap;
}

// Re-creates a removed segment with its labels and predictions; maps the old ids to the new ones.
Result<store::Id> restoreSnapshot(EditContext& context, const SegmentSnapshot& snap)
{
    store::ProjectStore& store = context.store();
    const store::Segment& s = snap.segment;
    auto id = store.addSegment(s.videoId, s.startFrame, s.endFrame, s.note);
    if (!id)
        return id;
    context.remapSegment(snap.key ? snap.key : s.id, id.value());
    if (Status v = context.recordSegmentVersion(id.value()); !v.ok())
        return Error{v.error()};
    for (int i = 0; i < snap.labels.size(); ++i) {
        const store::Label& label = snap.labels[i];
        auto labelId = store.addLabel(id.value(), label.classId, label.status, label.annotatorId);
        if (!labelId)
            return Error{labelId.error()};
        context.remapLabel(snap.labelKeys.value(i, label.id), labelId.value());
        if (Status v = context.recordLabelVersion(labelId.value()); !v.ok())
            return Error{v.error()};
    }
    if (!snap.predictions.isEmpty()) {
        QVector<store::Prediction> predictions = snap.predictions;
        for (store::Prediction& p : predictions)
            p.segmentId = id.value();
        auto stored = store.storePredictions(predictions);
        if (!stored)
            return Error{stored.error()};
    }
    return id;
}

// The version the user saw: the one a view passed, else the row's version now.
int64_t seenSegmentVersion(EditContext& context, store::Id segmentId, int64_t seen)
{
    if (seen > 0)
        return seen;
    auto s = context.store().segment(context.resolveSegment(segmentId));
    return s ? s->rowVersion : 0;
}

QString spanText(int64_t start, int64_t end)
{
    return QObject::tr("frames %1-%2").arg(start).arg(end - 1);
}

} // namespace

StoreCommand::StoreCommand(EditContext& context, const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent), m_context(context)
{
}

bool StoreCommand::applyAtomically(Step step, const std::function<Status(EditChanges&)>& work)
{
    const EditContext::KeyState keys = m_context.saveKeys();
    EditChanges changes;
    const Status done = m_context.store().inOneTransaction([&] { return work(changes); });
    m_valid = done.ok();
    if (m_valid) {
        if (step == Step::Redo)
            m_applied = true;
        changes.announce(m_context);
        return true;
    }
    // Nothing of it reached the store: forget the rows it made, drop the command from the stack.
    m_context.restoreKeys(keys);
    setObsolete(true);
    const EditStep which = step == Step::Undo ? EditStep::Undo : m_applied ? EditStep::Redo : EditStep::FirstRedo;
    // A teammate's change: the views show what the user decided on, so they reload to the truth too.
    // They reload first, so that the failure is the last thing the status bar is told.
    if (step == Step::Undo || m_applied || isEditConflict(done.error()))
        m_context.notifyReload();
    m_context.notifyFailure(editFailureMessage(which, text(), m_context.store().path(), done.error()));
    return false;
}

void EditChanges::announce(EditContext& context) const
{
    for (const auto& [video, segment] : m_segments)
        context.notifySegmentChanged(video, segment);
    for (const auto& [video, segment] : m_labels)
        context.notifyLabelsChanged(video, segment);
}

bool pushEdit(QUndoStack& stack, StoreCommand* command)
{
    EditContext& context = command->context();
    const int failuresBefore = context.failureCount();
    stack.push(command); // may delete the command (failed first redo, or merged)
    return context.failureCount() == failuresBefore;
}

// --- create ------------------------------------------------------------------------------------

CreateSegmentCommand::CreateSegmentCommand(EditContext& context, store::Id videoId, int64_t startFrame,
                                           int64_t endFrame, int bodyPartHint, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Create segment (%1)").arg(spanText(startFrame, endFrame)), parent),
      m_videoId(videoId), m_start(startFrame), m_end(endFrame), m_bodyPartHint(bodyPartHint)
{
}

void CreateSegmentCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        auto id = m_context.store().addSegment(m_videoId, m_start, m_end);
        if (!id)
            return statusOf(id);
        if (m_firstId == 0)
            m_firstId = m_context.newSegmentKey(id.value());
        else
            m_context.remapSegment(m_firstId, id.value());
        if (Status v = m_context.recordSegmentVersion(id.value()); !v.ok())
            return v;
        m_context.setBodyPartHint(id.value(), m_bodyPartHint);
        changes.segment(m_videoId, id.value());
        return Status::success();
    });
}

void CreateSegmentCommand::undo()
{
    if (m_firstId == 0)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_firstId);
        if (Status s = m_context.store().removeSegment(id, m_context.segmentVersion(m_firstId)); !s.ok())
            return s;
        changes.segment(m_videoId, id);
        return Status::success();
    });
}

// --- delete ------------------------------------------------------------------------------------

DeleteSegmentCommand::DeleteSegmentCommand(EditContext& context, store::Id segmentId, QUndoCommand* parent,
                                           int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Delete segment"), parent), m_segmentId(context.segmentKey(segmentId)),
      m_seenVersion(seenSegmentVersion(context, segmentId, seenRowVersion))
{
    if (auto s = context.store().segment(context.resolveSegment(segmentId)))
        setText(QObject::tr("Delete segment (%1)").arg(spanText(s->startFrame, s->endFrame)));
}

void DeleteSegmentCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto snap = takeSnapshot(m_context, id);
        if (!snap)
            return statusOf(snap);
        const int64_t expected = expectedVersion(m_seenVersion, m_context.segmentVersion(m_segmentId));
        if (Status s = m_context.store().removeSegment(id, expected); !s.ok())
            return s;
        m_snapshot = snap.value();
        changes.segment(m_snapshot->segment.videoId, id);
        return Status::success();
    });
}

void DeleteSegmentCommand::undo()
{
    if (!m_snapshot)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        auto id = restoreSnapshot(m_context, *m_snapshot);
        if (!id)
            return statusOf(id);
        changes.segment(m_snapshot->segment.videoId, id.value());
        return Status::success();
    });
}

// --- span (move / resize) ----------------------------------------------------------------------

SetSegmentSpanCommand::SetSegmentSpanCommand(EditContext& context, store::Id segmentId, int64_t startFrame,
                                             int64_t endFrame, int gestureId, QUndoCommand* parent, int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Move segment"), parent), m_segmentId(context.segmentKey(segmentId)), m_newStart(startFrame),
      m_newEnd(endFrame), m_gestureId(gestureId), m_seenVersion(seenSegmentVersion(context, segmentId, seenRowVersion))
{
    if (auto s = context.store().segment(context.resolveSegment(segmentId))) {
        const bool moved = s->frameLength() == endFrame - startFrame;
        setText((moved ? QObject::tr("Move segment to %1") : QObject::tr("Resize segment to %1"))
                    .arg(spanText(startFrame, endFrame)));
    }
}

void SetSegmentSpanCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto s = m_context.store().segment(id);
        if (!s)
            return statusOf(s);
        const int64_t expected = expectedVersion(m_seenVersion, m_context.segmentVersion(m_segmentId));
        if (Status u = m_context.store().updateSegment(id, m_newStart, m_newEnd, s->note, expected); !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        if (!m_oldSpan)
            m_oldSpan = std::make_pair(s->startFrame, s->endFrame);
        changes.segment(s->videoId, id);
        return Status::success();
    });
}

void SetSegmentSpanCommand::undo()
{
    if (!m_oldSpan)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto s = m_context.store().segment(id);
        if (!s)
            return statusOf(s);
        if (Status u = m_context.store().updateSegment(id, m_oldSpan->first, m_oldSpan->second, s->note,
                                                       m_context.segmentVersion(m_segmentId));
            !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        changes.segment(s->videoId, id);
        return Status::success();
    });
}

bool SetSegmentSpanCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = dynamic_cast<const SetSegmentSpanCommand*>(other);
    // A failed edit (obsolete) is never merged: the stack drops it.
    if (!next || next->isObsolete() || isObsolete() || m_gestureId == 0 || next->m_gestureId != m_gestureId
        || m_context.resolveSegment(next->m_segmentId) != m_context.resolveSegment(m_segmentId))
        return false;
    m_newStart = next->m_newStart;
    m_newEnd = next->m_newEnd;
    setText(next->text());
    return true;
}

// --- split -------------------------------------------------------------------------------------

SplitSegmentCommand::SplitSegmentCommand(EditContext& context, store::Id segmentId, int64_t frame, QUndoCommand* parent,
                                         int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Split segment at frame %1").arg(frame), parent), m_segmentId(context.segmentKey(segmentId)),
      m_frame(frame), m_seenVersion(seenSegmentVersion(context, segmentId, seenRowVersion))
{
}

void SplitSegmentCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        store::ProjectStore& store = m_context.store();
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto s = store.segment(id);
        if (!s)
            return statusOf(s);
        if (m_frame <= s->startFrame || m_frame >= s->endFrame)
            return Error{QObject::tr("%1: frame %2 is not inside segment %3 (frames %4-%5), nothing to split")
                             .arg(store.path()).arg(m_frame).arg(id).arg(s->startFrame).arg(s->endFrame - 1)};
        auto labels = store.labelsOfSegment(id);
        if (!labels)
            return statusOf(labels);
        const int64_t expected = expectedVersion(m_seenVersion, m_context.segmentVersion(m_segmentId));
        if (Status u = store.updateSegment(id, s->startFrame, m_frame, s->note, expected); !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        auto right = store.addSegment(s->videoId, m_frame, s->endFrame, s->note);
        if (!right)
            return statusOf(right);
        for (const store::Label& label : labels.value())
            if (auto added = store.addLabel(right.value(), label.classId, label.status, label.annotatorId); !added)
                return statusOf(added);
        m_oldEnd = s->endFrame;
        if (m_rightFirstId == 0)
            m_rightFirstId = m_context.newSegmentKey(right.value());
        else
            m_context.remapSegment(m_rightFirstId, right.value());
        if (Status v = m_context.recordSegmentVersion(right.value()); !v.ok())
            return v;
        m_context.setBodyPartHint(right.value(), m_context.bodyPartHint(id));
        changes.segment(s->videoId, id);
        changes.segment(s->videoId, right.value());
        return Status::success();
    });
}

void SplitSegmentCommand::undo()
{
    if (m_rightFirstId == 0)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        store::ProjectStore& store = m_context.store();
        const store::Id id = m_context.resolveSegment(m_segmentId);
        const store::Id right = m_context.resolveSegment(m_rightFirstId);
        auto s = store.segment(id);
        if (!s)
            return statusOf(s);
        if (Status r = store.removeSegment(right, m_context.segmentVersion(m_rightFirstId)); !r.ok())
            return r;
        if (Status u = store.updateSegment(id, s->startFrame, m_oldEnd, s->note, m_context.segmentVersion(m_segmentId)); !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        changes.segment(s->videoId, right);
        changes.segment(s->videoId, id);
        return Status::success();
    });
}

// --- merge -------------------------------------------------------------------------------------

MergeSegmentsCommand::MergeSegmentsCommand(EditContext& context, QList<store::Id> segmentIds, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Merge %1 segments").arg(segmentIds.size()), parent)
{
    for (store::Id id : segmentIds) {
        m_ids << context.segmentKey(id);
        m_seenVersions.insert(m_ids.back(), seenSegmentVersion(context, id, 0));
    }
}

void MergeSegmentsCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        store::ProjectStore& store = m_context.store();
        QVector<store::Segment> segments;
        for (store::Id first : m_ids) {
            auto s = store.segment(m_context.resolveSegment(first));
            if (!s)
                return statusOf(s);
            segments.push_back(s.value());
        }
        if (segments.size() < 2)
            return Error{QObject::tr("%1: merging needs at least two segments").arg(store.path())};
        for (const store::Segment& s : segments)
            if (s.videoId != segments.front().videoId)
                return Error{QObject::tr("%1: segments of different videos cannot be merged").arg(store.path())};
        std::sort(segments.begin(), segments.end(),
                  [](const store::Segment& a, const store::Segment& b) { return a.startFrame < b.startFrame; });
        const store::Segment kept = segments.front();
        int64_t end = kept.endFrame;
        auto keptLabels = store.labelsOfSegment(kept.id);
        if (!keptLabels)
            return statusOf(keptLabels);
        QSet<QPair<int, store::Id>> present;
        for (const store::Label& l : keptLabels.value())
            present.insert({l.classId, l.annotatorId});

        QVector<SegmentSnapshot> removed;
        QVector<store::Id> addedLabels;
        for (int i = 1; i < segments.size(); ++i) {
            auto snap = takeSnapshot(m_context, segments[i].id);
            if (!snap)
                return statusOf(snap);
            end = std::max(end, segments[i].endFrame);
            for (const store::Label& l : snap->labels) {
                if (present.contains({l.classId, l.annotatorId}))
                    continue;
                present.insert({l.classId, l.annotatorId});
                auto added = store.addLabel(kept.id, l.classId, l.status, l.annotatorId);
                if (!added)
                    return statusOf(added);
                addedLabels.push_back(added.value());
                if (Status v = m_context.recordLabelVersion(added.value()); !v.ok())
                    return v;
            }
            const store::Id key = m_context.segmentKey(segments[i].id);
            const int64_t expected = expectedVersion(m_seenVersions.value(key), m_context.segmentVersion(key));
            if (Status r = store.removeSegment(segments[i].id, expected); !r.ok())
                return r;
            removed.push_back(snap.value());
            changes.segment(kept.videoId, segments[i].id);
        }
        const store::Id keptKey = m_context.segmentKey(kept.id);
        const int64_t expected = expectedVersion(m_seenVersions.value(keptKey), m_context.segmentVersion(keptKey));
        if (Status u = store.updateSegment(kept.id, kept.startFrame, end, kept.note, expected); !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(kept.id); !v.ok())
            return v;
        m_keptId = keptKey;
        m_keptOldSpan = {kept.startFrame, kept.endFrame};
        m_removed = removed;
        m_addedLabels = addedLabels;
        changes.segment(kept.videoId, kept.id);
        return Status::success();
    });
}

void MergeSegmentsCommand::undo()
{
    if (m_keptId == 0)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        store::ProjectStore& store = m_context.store();
        const store::Id keptId = m_context.resolveSegment(m_keptId);
        auto kept = store.segment(keptId);
        if (!kept)
            return statusOf(kept);
        for (store::Id label : m_addedLabels)
            if (Status r = store.removeLabel(label, m_context.labelVersion(label)); !r.ok())
                return r;
        if (Status u = store.updateSegment(keptId, m_keptOldSpan.first, m_keptOldSpan.second, kept->note,
                                           m_context.segmentVersion(m_keptId));
            !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(keptId); !v.ok())
            return v;
        changes.segment(kept->videoId, keptId);
        for (const SegmentSnapshot& snap : m_removed) {
            auto id = restoreSnapshot(m_context, snap);
            if (!id)
                return statusOf(id);
            changes.segment(kept->videoId, id.value());
        }
        return Status::success();
    });
}

// --- note --------------------------------------------------------------------------------------

SetSegmentNoteCommand::SetSegmentNoteCommand(EditContext& context, store::Id segmentId, QString note, QUndoCommand* parent,
                                             int64_t seenRowVersion)
    : StoreCommand(context, QObject::tr("Edit note"), parent), m_segmentId(context.segmentKey(segmentId)), m_newNote(std::move(note)),
      m_seenVersion(seenSegmentVersion(context, segmentId, seenRowVersion))
{
}

void SetSegmentNoteCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto s = m_context.store().segment(id);
        if (!s)
            return statusOf(s);
        const int64_t expected = expectedVersion(m_seenVersion, m_context.segmentVersion(m_segmentId));
        if (Status u = m_context.store().updateSegment(id, s->startFrame, s->endFrame, m_newNote, expected); !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        if (!m_oldNote)
            m_oldNote = s->note;
        changes.segment(s->videoId, id);
        return Status::success();
    });
}

void SetSegmentNoteCommand::undo()
{
    if (!m_oldNote)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentId);
        auto s = m_context.store().segment(id);
        if (!s)
            return statusOf(s);
        if (Status u = m_context.store().updateSegment(id, s->startFrame, s->endFrame, *m_oldNote,
                                                       m_context.segmentVersion(m_segmentId));
            !u.ok())
            return u;
        if (Status v = m_context.recordSegmentVersion(id); !v.ok())
            return v;
        changes.segment(s->videoId, id);
        return Status::success();
    });
}

bool SetSegmentNoteCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = dynamic_cast<const SetSegmentNoteCommand*>(other);
    if (!next || next->isObsolete() || isObsolete()
        || m_context.resolveSegment(next->m_segmentId) != m_context.resolveSegment(m_segmentId))
        return false;
    m_newNote = next->m_newNote;
    return true;
}

} // namespace mas::ui
