#pragma once
// Turns what the user does on the timeline into undoable commands: mark-in / mark-out (I / O) on
// the active track, drag-create, move and edge drags, delete, split at the playhead, merge. It
// owns no data: the store is the truth, the timeline shows it through TimelineStoreAdapter.
#include "commands/EditContext.h"
#include "timeline/TimelineStoreAdapter.h"
#include "timeline/TimelineWidget.h"

#include <QObject>
#include <QUndoStack>

#include <functional>
#include <optional>

namespace mas::ui {

class SegmentEditController : public QObject {
    Q_OBJECT
public:
    SegmentEditController(EditContext& context, QUndoStack& stack, TimelineWidget& timeline,
                          TimelineStoreAdapter& adapter, QObject* parent = nullptr);

    // The frame I / O / split act on (the player's current frame).
    void setPlayheadSource(std::function<int()> playhead) { m_playhead = std::move(playhead); }
    std::optional<int> pendingMarkIn() const { return m_markIn; }
    // The single selected human segment, or 0.
    store::Id currentSegment() const;

public Q_SLOTS:
    void markIn();
    void markOut();           // creates [min(in, out), max(in, out) + 1) on the active track
    void clearMark();
    void deleteSelection();
    void splitAtPlayhead();
    void mergeSelection();    // two or more selected; one selected merges with its next neighbour

Q_SIGNALS:
    // Shown in the status bar: what happened or why nothing did.
    void message(const QString& text);
    // The segment the user is working on changed (0 = none): labeling panel, loop range.
    void currentSegmentChanged(mas::store::Id segmentId);

private:
    void createSegment(int track, int startFrame, int endFrame);
    void setSpan(qint64 id, int startFrame, int endFrame);
    QList<store::Id> selectedHumanSegments() const;
    int playhead() const { return m_playhead ? m_playhead() : m_timeline.playhead(); }

    EditContext& m_context;
    QUndoStack& m_stack;
    TimelineWidget& m_timeline;
    TimelineStoreAdapter& m_adapter;
    std::function<int()> m_playhead;
    std::optional<int> m_markIn;
    store::Id m_pendingSelection = 0;
};

} // namespace mas::ui
