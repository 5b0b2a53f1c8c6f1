#include "timeline/SegmentEditController.h"

#include "commands/SegmentCommands.h"

#include <algorithm>

namespace mas::ui {

SegmentEditController::SegmentEditController(EditContext& context, QUndoStack& stack, TimelineWidget& timeline,
                                             TimelineStoreAdapter& adapter, QObject* parent)
    : QObject(parent), m_context(context), m_stack(stack), m_timeline(timeline), m_adapter(adapter)
{
    connect(&timeline, &TimelineWidget::createSegmentRequested, this, &SegmentEditController::createSegment);
    connect(&timeline, &TimelineWidget::segmentSpanRequested, this, &SegmentEditController::setSpan);
    connect(&timeline, &TimelineWidget::selectionChanged, this, [this] { Q_EMIT currentSegmentChanged(currentSegment()); });
    // A segment just created becomes the selection once the timeline shows it.
    connect(timeline.model(), &TimelineModel::changed, this, [this] {
        if (m_pendingSelection && m_timeline.model()->segment(m_pendingSelection)) {
            m_timeline.setSelectedSegments({m_pendingSelection});
            m_pendingSelection = 0;
        }
    });
}

store::Id SegmentEditController::currentSegment() const
{
    const QList<qint64> selected = m_timeline.selectedSegments();
    if (selected.size() != 1)
        return 0;
    return std::abs(selected.front()); // a prediction item stands for its segment
}

QList<store::Id> SegmentEditController::selectedHumanSegments() const
{
    QList<store::Id> ids;
    for (qint64 id : m_timeline.selectedSegments())
        if (id > 0)
            ids << id;
    return ids;
}

void SegmentEditController::markIn()
{
    m_markIn = playhead();
    m_timeline.setMarkIn(m_markIn);
    Q_EMIT message(tr("Mark in at frame %1 on %2: move, then press O to mark out")
                       .arg(*m_markIn)
                       .arg(m_timeline.model()->tracks().value(m_timeline.activeTrack()).name));
}

void SegmentEditController::markOut()
{
    if (!m_markIn) {
        Q_EMIT message(tr("Press I first to mark where the segment starts"));
        return;
    }
    const int out = playhead();
    const int start = std::min(*m_markIn, out), end = std::max(*m_markIn, out) + 1;
    clearMark();
    createSegment(m_timeline.activeTrack(), start, end);
}

void SegmentEditController::clearMark()
{
    m_markIn.reset();
    m_timeline.setMarkIn(std::nullopt);
}

void SegmentEditController::createSegment(int track, int startFrame, int endFrame)
{
    if (m_adapter.videoId() == 0 || endFrame <= startFrame)
        return;
    auto* command = new CreateSegmentCommand(m_context, m_adapter.videoId(), startFrame, endFrame,
                                             m_adapter.bodyPartOfTrack(track));
    if (!pushEdit(m_stack, command)) { // a failed edit is dropped (deleted) by the stack
        Q_EMIT message(m_context.lastError());
        return;
    }
    m_pendingSelection = m_context.resolveSegment(command->segmentId());
    m_adapter.reload(); // show it now, and select it (see the constructor)
    Q_EMIT message(tr("Created segment, frames %1-%2 (%3 frames)").arg(startFrame).arg(endFrame - 1).arg(endFrame - startFrame));
}

void SegmentEditController::setSpan(qint64 id, int startFrame, int endFrame)
{
    if (id <= 0)
        return;
    const auto shown = m_timeline.model()->segment(id);
    auto* command = new SetSegmentSpanCommand(m_context, id, startFrame, endFrame, 0, nullptr, shown ? shown->rowVersion : 0);
    if (!pushEdit(m_stack, command))
        Q_EMIT message(m_context.lastError());
}

void SegmentEditController::deleteSelection()
{
    const QList<store::Id> ids = selectedHumanSegments();
    if (ids.isEmpty()) {
        Q_EMIT message(tr("Select a segment to delete"));
        return;
    }
    if (ids.size() > 1)
        m_stack.beginMacro(tr("Delete %1 segments").arg(ids.size()));
    for (store::Id id : ids) {
        const auto shown = m_timeline.model()->segment(id);
        m_stack.push(new DeleteSegmentCommand(m_context, id, nullptr, shown ? shown->rowVersion : 0));
    }
    if (ids.size() > 1)
        m_stack.endMacro();
    m_timeline.setSelectedSegments({});
}

void SegmentEditController::splitAtPlayhead()
{
    const int frame = playhead();
    QList<store::Id> ids = selectedHumanSegments();
    if (ids.isEmpty())
        if (auto s = m_timeline.model()->segmentAt(m_timeline.activeTrack(), frame); s && s->id > 0)
            ids << s->id;
    if (ids.size() != 1) {
        Q_EMIT message(tr("Select one segment under the playhead to split it"));
        return;
    }
    const auto s = m_timeline.model()->segment(ids.front());
    if (!s || frame <= s->startFrame || frame >= s->endFrame) {
        Q_EMIT message(tr("Put the playhead inside the segment (after its first frame) to split it there"));
        return;
    }
    auto* command = new SplitSegmentCommand(m_context, ids.front(), frame, nullptr, s->rowVersion);
    if (!pushEdit(m_stack, command))
        Q_EMIT message(m_context.lastError());
}

void SegmentEditController::mergeSelection()
{
    QList<store::Id> ids = selectedHumanSegments();
    if (ids.size() == 1) {
        const auto s = m_timeline.model()->segment(ids.front());
        for (const TimelineSegment& other : m_timeline.model()->segmentsOfTrack(s ? s->track : -1))
            if (s && other.id != s->id && other.startFrame >= s->startFrame && other.id > 0) {
                ids << other.id;
                break;
            }
    }
    if (ids.size() < 2) {
        Q_EMIT message(tr("Select two or more segments (Ctrl+click) to merge them"));
        return;
    }
    auto* command = new MergeSegmentsCommand(m_context, ids);
    if (!pushEdit(m_stack, command)) {
        Q_EMIT message(m_context.lastError());
        return;
    }
    m_pendingSelection = m_context.resolveSegment(command->keptSegmentId());
    m_adapter.reload();
}

} // namespace mas::ui
