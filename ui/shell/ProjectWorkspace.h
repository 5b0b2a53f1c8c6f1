#pragma once
// Everything bound to one open project: its store connection, the EditContext the commands report
// to, the undo stack (injected into every panel that edits), the timeline's model and adapter and
// the segment edit controller. The window makes a new one per project and drops it on close.
#include "commands/EditContext.h"
#include "shell/RemoteEditFeed.h"
#include "timeline/SegmentEditController.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineStoreAdapter.h"

#include <QObject>
#include <QUndoStack>

#include <memory>

namespace mas::ui {

class TimelineWidget;

class ProjectWorkspace : public QObject {
    Q_OBJECT
public:
    ProjectWorkspace(std::unique_ptr<store::ProjectStore> store, TimelineWidget& timeline, QObject* parent = nullptr);
    ~ProjectWorkspace() override;

    store::ProjectStore& store() const { return *m_store; }
    EditContext& context() { return m_context; }
    QUndoStack& undoStack() { return m_undoStack; }
    TimelineModel& timelineModel() { return m_timelineModel; }
    TimelineStoreAdapter& timelineAdapter() { return m_adapter; }
    SegmentEditController& segmentEditor() { return *m_editor; }
    // Other clients' edits of a server project (the timeline and labeling panel reload on it here;
    // the panels that query the store connect to it themselves).
    RemoteEditFeed& remoteEdits() { return *m_remoteEdits; }

    // Successful edits since the project was opened, and when the last one was committed.
    int editCount() const { return m_edits; }
    QDateTime lastEditTime() const { return m_lastEdit; }
    // The last edit that could not be written ("" when all were).
    QString lastFailure() const { return m_failure; }

Q_SIGNALS:
    void saveStateChanged();

private:
    std::unique_ptr<store::ProjectStore> m_store;
    EditContext m_context;
    QUndoStack m_undoStack;
    TimelineModel m_timelineModel;
    TimelineStoreAdapter m_adapter;
    std::unique_ptr<SegmentEditController> m_editor;
    std::unique_ptr<RemoteEditFeed> m_remoteEdits; // after m_store: stops listening before it closes
    int m_edits = 0;
    QDateTime m_lastEdit;
    QString m_failure;
};

} // namespace mas::ui
