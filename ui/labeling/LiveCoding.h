#pragma once
// Live coding while the video plays (as in BORIS): a class hotkey toggles a state event of that
// class on its body-part track. The first press starts a segment at the current frame minus the
// reaction offset; the second press ends it there. Several classes can be open at once (co-occurring
// body parts); cancelOpen() (Esc) removes the open ones. A class marked as a point event makes a
// one-frame segment per press.
//
// Every press is an undo command pushed at once, so it is durable when made: a start writes a
// one-frame segment with its confirmed label (one transaction); a stop sets the segment's span
// (SetSegmentSpanCommand); a cancel deletes it (DeleteSegmentCommand). Undoing a start removes the
// segment and with it the open entry; a stop that is undone leaves the one-frame segment closed.
#include "commands/SegmentCommands.h"
#include "taxonomy/Taxonomy.h"

#include <QObject>
#include <QSet>
#include <QVector>

#include <functional>

class QUndoStack;

namespace mas::ui {

// A start press: a one-frame segment with a confirmed label by the current annotator, one transaction.
class StartLiveSegmentCommand : public StoreCommand {
public:
    StartLiveSegmentCommand(EditContext& context, store::Id videoId, int64_t startFrame, int64_t endFrame, int classId,
                            int bodyPartId, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    store::Id segmentKey() const { return m_segmentKey; }

private:
    store::Id m_videoId;
    int64_t m_start, m_end;
    int m_classId;
    int m_bodyPartId;
    store::Id m_segmentKey = 0;
};

class LiveCoder : public QObject {
    Q_OBJECT
public:
    struct OpenSegment {
        int classId = -1;
        int bodyPartId = -1;
        int startFrame = 0;
        store::Id segmentKey = 0;   // resolve through the EditContext
    };

    LiveCoder(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy, QObject* parent = nullptr);

    // The video coded now and its frame rate (the reaction offset is in milliseconds); closes nothing.
    void setVideo(store::Id videoId, int frameCount, double fps);
    store::Id video() const { return m_videoId; }
    // Where the playhead is (the player's current frame).
    void setFrameSource(std::function<int()> currentFrame) { m_currentFrame = std::move(currentFrame); }
    void setReactionOffsetMs(int ms) { m_offsetMs = std::max(0, ms); }
    int reactionOffsetMs() const { return m_offsetMs; }
    int reactionOffsetFrames() const;
    void setPointEventClasses(const QSet<int>& classIds) { m_pointClasses = classIds; }
    bool isPointEvent(int classId) const { return m_pointClasses.contains(classId); }

    // A press of the class's hotkey at the current frame (toggleAt: at `frame`). False when nothing
    // was written (no video, or the store refused; statusMessage says why).
    bool toggle(int classId);
    bool toggleAt(int classId, int frame);
    // Esc: removes every open segment (one undo step).
    int cancelOpen();
    // Closes every open segment at `frame` (e.g. when the video changes or playback reaches its end).
    void closeAllAt(int frame);

    const QVector<OpenSegment>& openSegments() const { return m_open; }
    bool isOpen(int classId) const;

Q_SIGNALS:
    void openSegmentsChanged();
    void statusMessage(const QString& text);

private:
    void pruneVanished();
    int pressFrame(int frame) const;

    EditContext& m_context;
    QUndoStack* m_undoStack;
    const Taxonomy& m_taxonomy;
    store::Id m_videoId = 0;
    int m_frameCount = 0;
    double m_fps = 30;
    int m_offsetMs = 0;
    QSet<int> m_pointClasses;
    std::function<int()> m_currentFrame;
    QVector<OpenSegment> m_open;
};

} // namespace mas::ui
