#include "shell/RemoteEditFeed.h"

namespace mas::ui {
namespace {
// Cheap (one SELECT 1) while the server answers; while it does not, each try may wait for libpq's
// connect timeout, so they are spaced out more.
constexpr int kCheckMs = 5000;
constexpr int kRetryWhileAwayMs = 30000;
} // namespace

RemoteEditFeed::RemoteEditFeed(store::ProjectStore& store, QObject* parent) : QObject(parent), m_store(store)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        const bool videos = m_videosInBurst;
        m_videosInBurst = false;
        Q_EMIT changed();
        if (videos)
            Q_EMIT videosChanged();
    });
    // The listener runs on the store's (this GUI) thread; a running timer is not restarted, so a
    // steady stream of edits still refreshes every 150 ms instead of never.
    m_listening = m_store.setChangeListener([this](const QString& entity, store::Id) { heard(entity); });
    if (m_listening) {
        m_connectionCheck.setInterval(kCheckMs);
        connect(&m_connectionCheck, &QTimer::timeout, this, &RemoteEditFeed::checkConnection);
        m_connectionCheck.start();
        if (auto count = m_store.keepServerConnection(); count.ok())
            m_reconnectsSeen = count.value();
    }
}

RemoteEditFeed::~RemoteEditFeed()
{
    if (m_listening)
        m_store.setChangeListener({});
}

void RemoteEditFeed::heard(const QString& entity)
{
    if (entity == QLatin1String("video"))
        m_videosInBurst = true;
    if (!m_debounce.isActive())
        m_debounce.start();
}

void RemoteEditFeed::checkConnection()
{
    if (!m_listening)
        return;
    const Result<int> count = m_store.keepServerConnection();
    if (!count.ok()) {
        m_connectionCheck.setInterval(kRetryWhileAwayMs);
        if (m_problem != count.error()) {
            m_problem = count.error();
            Q_EMIT connectionProblem(m_problem);
        }
        return;
    }
    m_connectionCheck.setInterval(kCheckMs);
    if (!m_problem.isEmpty()) {
        m_problem.clear();
        Q_EMIT connectionProblem(QString());
    }
    if (count.value() != m_reconnectsSeen) {
        // Reconnected (here or by an edit): whatever teammates did meanwhile was not heard.
        m_reconnectsSeen = count.value();
        m_videosInBurst = true;
        m_debounce.start();
    }
}

} // namespace mas::ui
