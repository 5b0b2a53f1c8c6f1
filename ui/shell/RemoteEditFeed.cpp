#include "shell/RemoteEditFeed.h"

namespace mas::ui {

RemoteEditFeed::RemoteEditFeed(store::ProjectStore& store, QObject* parent) : QObject(parent), m_store(store)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &RemoteEditFeed::changed);
    // The listener runs on the store's (this GUI) thread; a running timer is not restarted, so a
    // steady stream of edits still refreshes every 150 ms instead of never.
    m_listening = m_store.setChangeListener([this](const QString&, store::Id) {
        if (!m_debounce.isActive())
            m_debounce.start();
    });
}

RemoteEditFeed::~RemoteEditFeed()
{
    if (m_listening)
        m_store.setChangeListener({});
}

} // namespace mas::ui
