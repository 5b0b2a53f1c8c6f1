#include "shell/ProjectWorkspace.h"

#include "timeline/TimelineWidget.h"

#include <QDateTime>

namespace mas::ui {

ProjectWorkspace::ProjectWorkspace(std::unique_ptr<store::ProjectStore> store, TimelineWidget& timeline, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_context(*m_store), m_adapter(m_context, m_timelineModel)
{
    timeline.setModel(&m_timelineModel);
    m_editor = std::make_unique<SegmentEditController>(m_context, m_undoStack, timeline, m_adapter);
    connect(&m_context, &EditContext::edited, this, [this] {
        ++m_edits;
        m_lastEdit = QDateTime::currentDateTime();
        m_failure.clear();
        Q_EMIT saveStateChanged();
    });
    // Another annotator's edit: every view bound to the context reloads what it shows (as after a
    // failed edit), so the timeline and labeling panel show the store's truth.
    m_remoteEdits = std::make_unique<RemoteEditFeed>(*m_store);
    connect(m_remoteEdits.get(), &RemoteEditFeed::changed, &m_context, &EditContext::notifyReload);
    connect(&m_context, &EditContext::editFailed, this, [this](const QString& message) {
        m_failure = message;
        Q_EMIT saveStateChanged();
    });
}

ProjectWorkspace::~ProjectWorkspace()
{
    // Commands refer to the context: clear them before it goes.
    m_undoStack.clear();
}

} // namespace mas::ui
