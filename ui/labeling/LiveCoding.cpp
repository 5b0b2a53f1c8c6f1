#include "labeling/LiveCoding.h"

#include <QUndoStack>

#include <cmath>

namespace mas::ui {

// --- the start command ---------------------------------------------------------------------------

StartLiveSegmentCommand::StartLiveSegmentCommand(EditContext& context, store::Id videoId, int64_t startFrame, int64_t endFrame,
                                                 int classId, int bodyPartId, QUndoCommand* parent)
    : StoreCommand(context, QString(), parent), m_videoId(videoId), m_start(startFrame), m_end(endFrame), m_classId(classId),
      m_bodyPartId(bodyPartId)
{
}

void StartLiveSegmentCommand::redo()
{
    applyAtomically(Step::Redo, [&](EditChanges& changes) -> Status {
        store::ProjectStore& store = m_context.store();
        auto id = store.addSegment(m_videoId, m_start, m_end);
        if (!id)
            return statusOf(id);
        auto label = store.addLabel(id.value(), m_classId, store::LabelStatus::Confirmed);
        if (!label)
            return statusOf(label);
        if (m_segmentKey == 0)
            m_segmentKey = m_context.newSegmentKey(id.value());
        else
            m_context.remapSegment(m_segmentKey, id.value());
        if (Status v = m_context.recordSegmentVersion(id.value()); !v.ok())
            return v;
        m_context.setBodyPartHint(id.value(), m_bodyPartId);
        changes.segment(m_videoId, id.value());
        changes.labels(m_videoId, id.value());
        return Status::success();
    });
}

void StartLiveSegmentCommand::undo()
{
    if (m_segmentKey == 0)
        return;
    applyAtomically(Step::Undo, [&](EditChanges& changes) -> Status {
        const store::Id id = m_context.resolveSegment(m_segmentKey);
        if (Status s = m_context.store().removeSegment(id, m_context.segmentVersion(m_segmentKey)); !s.ok())
            return s;
        changes.segment(m_videoId, id);
        return Status::success();
    });
}

// --- the coder -----------------------------------------------------------------------------------

LiveCoder::LiveCoder(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy, QObject* parent)
    : QObject(parent), m_context(context), m_undoStack(undoStack), m_taxonomy(taxonomy)
{
    // An undo (or any edit elsewhere) may remove an open segment: forget it then.
    connect(&m_context, &EditContext::segmentChanged, this, [this] { pruneVanished(); });
    connect(&m_context, &EditContext::reloadRequested, this, [this] { pruneVanished(); });
}

void LiveCoder::setVideo(store::Id videoId, int frameCount, double fps)
{
    if (videoId != m_videoId && !m_open.isEmpty()) {
        m_open.clear(); // their one-frame segments stay as written
        Q_EMIT openSegmentsChanged();
    }
    m_videoId = videoId;
    m_frameCount = frameCount;
    m_fps = fps > 0 ? fps : 30;
}

int LiveCoder::reactionOffsetFrames() const { return int(std::lround(m_offsetMs * m_fps / 1000.0)); }

int LiveCoder::pressFrame(int frame) const
{
    int f = std::max(0, frame - reactionOffsetFrames());
    if (m_frameCount > 0)
        f = std::min(f, m_frameCount - 1);
    return f;
}

bool LiveCoder::isOpen(int classId) const
{
    for (const OpenSegment& o : m_open)
        if (o.classId == classId)
            return true;
    return false;
}

bool LiveCoder::toggle(int classId)
{
    return toggleAt(classId, m_currentFrame ? m_currentFrame() : 0);
}

bool LiveCoder::toggleAt(int classId, int frame)
{
    const ActionClass* cls = m_taxonomy.classById(classId);
    if (!cls)
        return false;
    if (m_videoId == 0) {
        Q_EMIT statusMessage(tr("Open a video to code %1 %2 live").arg(cls->code, cls->name));
        return false;
    }
    pruneVanished();
    const int at = pressFrame(frame);
    for (int i = 0; i < m_open.size(); ++i) {
        if (m_open[i].classId != classId)
            continue;
        const OpenSegment open = m_open.takeAt(i);
        const int end = std::max(open.startFrame + 1, at);
        auto* command = new SetSegmentSpanCommand(m_context, open.segmentKey, open.startFrame, end);
        command->setText(tr("Live: stop %1 %2 at frame %3").arg(cls->code, cls->name).arg(end));
        const bool ok = pushEdit(*m_undoStack, command);
        Q_EMIT openSegmentsChanged();
        Q_EMIT statusMessage(ok ? tr("%1 %2: frames %3-%4").arg(cls->code, cls->name).arg(open.startFrame).arg(end - 1)
                                : m_context.lastError());
        return ok;
    }
    const bool point = m_pointClasses.contains(classId);
    auto* command = new StartLiveSegmentCommand(m_context, m_videoId, at, at + 1, classId, cls->bodyPartId);
    command->setText(point ? tr("Live: %1 %2 at frame %3").arg(cls->code, cls->name).arg(at)
                           : tr("Live: start %1 %2 at frame %3").arg(cls->code, cls->name).arg(at));
    if (!pushEdit(*m_undoStack, command)) {
        Q_EMIT statusMessage(m_context.lastError());
        return false;
    }
    if (!point) {
        m_open.push_back({classId, cls->bodyPartId, at, command->segmentKey()});
        Q_EMIT openSegmentsChanged();
        Q_EMIT statusMessage(tr("%1 %2 started at frame %3 (press again to stop)").arg(cls->code, cls->name).arg(at));
    }
    return true;
}

int LiveCoder::cancelOpen()
{
    pruneVanished();
    if (m_open.isEmpty())
        return 0;
    const QVector<OpenSegment> open = m_open;
    m_open.clear();
    m_undoStack->beginMacro(tr("Live: cancel %n open segment(s)", nullptr, open.size()));
    for (const OpenSegment& o : open)
        pushEdit(*m_undoStack, new DeleteSegmentCommand(m_context, o.segmentKey));
    m_undoStack->endMacro();
    Q_EMIT openSegmentsChanged();
    Q_EMIT statusMessage(tr("Cancelled %n open segment(s)", nullptr, open.size()));
    return open.size();
}

void LiveCoder::closeAllAt(int frame)
{
    const QVector<OpenSegment> open = m_open;
    for (const OpenSegment& o : open)
        toggleAt(o.classId, frame);
}

void LiveCoder::pruneVanished()
{
    const int before = m_open.size();
    m_open.erase(std::remove_if(m_open.begin(), m_open.end(),
                                [this](const OpenSegment& o) {
                                    const store::Id id = m_context.resolveSegment(o.segmentKey);
                                    auto s = m_context.store().segment(id);
                                    return !s.ok() || s->startFrame != o.startFrame;
                                }),
                 m_open.end());
    if (m_open.size() != before)
        Q_EMIT openSegmentsChanged();
}

} // namespace mas::ui
