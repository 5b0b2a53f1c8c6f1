#include "commands/SegmentCommands.h"

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
    for (int i = 0; i < snap.labels.size(); ++i) {
        const store::Label& label = snap.labels[i];
        auto labelId = store.addLabel(id.value(), label.classId, label.status, label.annotatorId);
        if (!labelId)
            return Error{labelId.error()};
        context.remapLabel(snap.labelKeys.value(i, label.id), labelId.value());
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

QString spanText(int64_t start, int64_t end)
{
    return QObject::tr("frames %1-%2").arg(start).arg(end - 1);
}

} // namespace

StoreCommand::StoreCommand(EditContext& context, const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent), m_context(context)
{
}

bool StoreCommand::check(const Status& status)
{
    m_valid = status.ok();
    if (!m_valid)
        m_context.notifyFailure(status.error());
    return m_valid;
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
    auto id = m_context.store().addSegment(m_videoId, m_start, m_end);
    if (!check(id))
        return;
    if (m_firstId == 0)
        m_firstId = m_context.newSegmentKey(id.value());
    else
        m_context.remapSegment(m_firstId, id.value());
    m_context.setBodyPartHint(id.value(), m_bodyPartHint);
    m_context.notifySegmentChanged(m_videoId, id.value());
}

void CreateSegmentCommand::undo()
{
    if (m_firstId == 0)
        return;
    const store::Id id = m_context.resolveSegment(m_firstId);
    if (check(m_context.store().removeSegment(id)))
        m_context.notifySegmentChanged(m_videoId, id);
}

// --- delete ------------------------------------------------------------------------------------

DeleteSegmentCommand::DeleteSegmentCommand(EditContext& context, store::Id segmentId, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Delete segment"), parent), m_segmentId(context.segmentKey(segmentId))
{
    if (auto s = context.store().segment(context.resolveSegment(segmentId)))
        setText(QObject::tr("Delete segment (%1)").arg(spanText(s->startFrame, s->endFrame)));
}

void DeleteSegmentCommand::redo()
{
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto snap = takeSnapshot(m_context, id);
    if (!check(snap))
        return;
    m_snapshot = snap.value();
    if (check(m_context.store().removeSegment(id)))
        m_context.notifySegmentChanged(m_snapshot->segment.videoId, id);
}

void DeleteSegmentCommand::undo()
{
    if (!m_snapshot)
        return;
    auto id = restoreSnapshot(m_context, *m_snapshot);
    if (check(id))
        m_context.notifySegmentChanged(m_snapshot->segment.videoId, id.value());
}

// --- span (move / resize) ----------------------------------------------------------------------

SetSegmentSpanCommand::SetSegmentSpanCommand(EditContext& context, store::Id segmentId, int64_t startFrame,
                                             int64_t endFrame, int gestureId, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Move segment"), parent), m_segmentId(context.segmentKey(segmentId)), m_newStart(startFrame),
      m_newEnd(endFrame), m_gestureId(gestureId)
{
    if (auto s = context.store().segment(context.resolveSegment(segmentId))) {
        const bool moved = s->frameLength() == endFrame - startFrame;
        setText((moved ? QObject::tr("Move segment to %1") : QObject::tr("Resize segment to %1"))
                    .arg(spanText(startFrame, endFrame)));
    }
}

void SetSegmentSpanCommand::redo()
{
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto s = m_context.store().segment(id);
    if (!check(s))
        return;
    if (!m_oldSpan)
        m_oldSpan = std::make_pair(s->startFrame, s->endFrame);
    if (check(m_context.store().updateSegment(id, m_newStart, m_newEnd, s->note)))
        m_context.notifySegmentChanged(s->videoId, id);
}

void SetSegmentSpanCommand::undo()
{
    if (!m_oldSpan)
        return;
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto s = m_context.store().segment(id);
    if (!check(s))
        return;
    if (check(m_context.store().updateSegment(id, m_oldSpan->first, m_oldSpan->second, s->note)))
        m_context.notifySegmentChanged(s->videoId, id);
}

bool SetSegmentSpanCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = dynamic_cast<const SetSegmentSpanCommand*>(other);
    if (!next || m_gestureId == 0 || next->m_gestureId != m_gestureId
        || m_context.resolveSegment(next->m_segmentId) != m_context.resolveSegment(m_segmentId))
        return false;
    m_newStart = next->m_newStart;
    m_newEnd = next->m_newEnd;
    setText(next->text());
    return true;
}

// --- split -------------------------------------------------------------------------------------

SplitSegmentCommand::SplitSegmentCommand(EditContext& context, store::Id segmentId, int64_t frame, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Split segment at frame %1").arg(frame), parent), m_segmentId(context.segmentKey(segmentId)),
      m_frame(frame)
{
}

void SplitSegmentCommand::redo()
{
    store::ProjectStore& store = m_context.store();
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto s = store.segment(id);
    if (!check(s))
        return;
    if (m_frame <= s->startFrame || m_frame >= s->endFrame) {
        check(Status(Error{QObject::tr("%1: frame %2 is not inside segment %3 (frames %4-%5), nothing to split")
                               .arg(store.path()).arg(m_frame).arg(id).arg(s->startFrame).arg(s->endFrame - 1)}));
        return;
    }
    auto labels = store.labelsOfSegment(id);
    if (!check(labels))
        return;
    m_oldEnd = s->endFrame;
    if (!check(store.updateSegment(id, s->startFrame, m_frame, s->note)))
        return;
    auto right = store.addSegment(s->videoId, m_frame, m_oldEnd, s->note);
    if (!check(right))
        return;
    if (m_rightFirstId == 0)
        m_rightFirstId = m_context.newSegmentKey(right.value());
    else
        m_context.remapSegment(m_rightFirstId, right.value());
    m_context.setBodyPartHint(right.value(), m_context.bodyPartHint(id));
    for (const store::Label& label : labels.value())
        if (!check(store.addLabel(right.value(), label.classId, label.status, label.annotatorId)))
            return;
    m_context.notifySegmentChanged(s->videoId, id);
    m_context.notifySegmentChanged(s->videoId, right.value());
}

void SplitSegmentCommand::undo()
{
    if (m_rightFirstId == 0)
        return;
    store::ProjectStore& store = m_context.store();
    const store::Id id = m_context.resolveSegment(m_segmentId);
    const store::Id right = m_context.resolveSegment(m_rightFirstId);
    auto s = store.segment(id);
    if (!check(s) || !check(store.removeSegment(right)) || !check(store.updateSegment(id, s->startFrame, m_oldEnd, s->note)))
        return;
    m_context.notifySegmentChanged(s->videoId, right);
    m_context.notifySegmentChanged(s->videoId, id);
}

// --- merge -------------------------------------------------------------------------------------

MergeSegmentsCommand::MergeSegmentsCommand(EditContext& context, QList<store::Id> segmentIds, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Merge %1 segments").arg(segmentIds.size()), parent)
{
    for (store::Id id : segmentIds)
        m_ids << context.segmentKey(id);
}

void MergeSegmentsCommand::redo()
{
    store::ProjectStore& store = m_context.store();
    QVector<store::Segment> segments;
    for (store::Id first : m_ids) {
        auto s = store.segment(m_context.resolveSegment(first));
        if (!check(s))
            return;
        segments.push_back(s.value());
    }
    if (segments.size() < 2) {
        check(Status(Error{QObject::tr("%1: merging needs at least two segments").arg(store.path())}));
        return;
    }
    for (const store::Segment& s : segments)
        if (s.videoId != segments.front().videoId) {
            check(Status(Error{QObject::tr("%1: segments of different videos cannot be merged").arg(store.path())}));
            return;
        }
    std::sort(segments.begin(), segments.end(),
              [](const store::Segment& a, const store::Segment& b) { return a.startFrame < b.startFrame; });
    const store::Segment kept = segments.front();
    m_keptId = m_context.segmentKey(kept.id);
    m_keptOldSpan = {kept.startFrame, kept.endFrame};
    int64_t end = kept.endFrame;
    auto keptLabels = store.labelsOfSegment(kept.id);
    if (!check(keptLabels))
        return;
    QSet<QPair<int, store::Id>> present;
    for (const store::Label& l : keptLabels.value())
        present.insert({l.classId, l.annotatorId});

    m_removed.clear();
    m_addedLabels.clear();
    for (int i = 1; i < segments.size(); ++i) {
        auto snap = takeSnapshot(m_context, segments[i].id);
        if (!check(snap))
            return;
        end = std::max(end, segments[i].endFrame);
        for (const store::Label& l : snap->labels) {
            if (present.contains({l.classId, l.annotatorId}))
                continue;
            present.insert({l.classId, l.annotatorId});
            auto added = store.addLabel(kept.id, l.classId, l.status, l.annotatorId);
            if (!check(added))
                return;
            m_addedLabels.push_back(added.value());
        }
        if (!check(store.removeSegment(segments[i].id)))
            return;
        m_removed.push_back(snap.value());
        m_context.notifySegmentChanged(kept.videoId, segments[i].id);
    }
    if (check(store.updateSegment(kept.id, kept.startFrame, end, kept.note)))
        m_context.notifySegmentChanged(kept.videoId, kept.id);
}

void MergeSegmentsCommand::undo()
{
    store::ProjectStore& store = m_context.store();
    if (m_keptId == 0)
        return;
    const store::Id keptId = m_context.resolveSegment(m_keptId);
    auto kept = store.segment(keptId);
    if (!check(kept))
        return;
    for (store::Id label : m_addedLabels)
        if (!check(store.removeLabel(label)))
            return;
    if (!check(store.updateSegment(keptId, m_keptOldSpan.first, m_keptOldSpan.second, kept->note)))
        return;
    m_context.notifySegmentChanged(kept->videoId, keptId);
    for (const SegmentSnapshot& snap : m_removed) {
        auto id = restoreSnapshot(m_context, snap);
        if (!check(id))
            return;
        m_context.notifySegmentChanged(kept->videoId, id.value());
    }
}

// --- note --------------------------------------------------------------------------------------

SetSegmentNoteCommand::SetSegmentNoteCommand(EditContext& context, store::Id segmentId, QString note, QUndoCommand* parent)
    : StoreCommand(context, QObject::tr("Edit note"), parent), m_segmentId(context.segmentKey(segmentId)), m_newNote(std::move(note))
{
}

void SetSegmentNoteCommand::redo()
{
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto s = m_context.store().segment(id);
    if (!check(s))
        return;
    if (!m_oldNote)
        m_oldNote = s->note;
    if (check(m_context.store().updateSegment(id, s->startFrame, s->endFrame, m_newNote)))
        m_context.notifySegmentChanged(s->videoId, id);
}

void SetSegmentNoteCommand::undo()
{
    if (!m_oldNote)
        return;
    const store::Id id = m_context.resolveSegment(m_segmentId);
    auto s = m_context.store().segment(id);
    if (check(s) && check(m_context.store().updateSegment(id, s->startFrame, s->endFrame, *m_oldNote)))
        m_context.notifySegmentChanged(s->videoId, id);
}

bool SetSegmentNoteCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = dynamic_cast<const SetSegmentNoteCommand*>(other);
    if (!next || m_context.resolveSegment(next->m_segmentId) != m_context.resolveSegment(m_segmentId))
        return false;
    m_newNote = next->m_newNote;
    return true;
}

} // namespace mas::ui
