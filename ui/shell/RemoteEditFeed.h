#pragma once
// Other clients' edits of a server project, heard through ProjectStore::setChangeListener
// (PostgreSQL LISTEN/NOTIFY) and coalesced: a burst of edits gives one `changed()` ~150 ms after its
// first, so the views reload once, well within the second a teammate's edit may take to show. A burst
// that added, removed or changed videos also gives `videosChanged()` (the video list reloads).
// The connection is checked every few seconds: after a server restart it reconnects and LISTENs
// again (ProjectStore::keepServerConnection), and the views reload, since edits made meanwhile
// were not heard. A project file has no other writers: the feed then stays silent.
#include "store/ProjectStore.h"

#include <QObject>
#include <QTimer>

namespace mas::ui {

class RemoteEditFeed : public QObject {
    Q_OBJECT
public:
    explicit RemoteEditFeed(store::ProjectStore& store, QObject* parent = nullptr);
    ~RemoteEditFeed() override; // stops listening: the store outlives the feed

    bool listening() const { return m_listening; }
    // Checks the server connection now (the timer's work; tests call it instead of waiting).
    void checkConnection();

Q_SIGNALS:
    void changed();
    void videosChanged();
    // The server cannot be reached ("Cannot reach postgresql://...: ..."), or "" once it can again.
    void connectionProblem(const QString& message);

private:
    void heard(const QString& entity);

    store::ProjectStore& m_store;
    QTimer m_debounce;
    QTimer m_connectionCheck;
    bool m_listening = false;
    bool m_videosInBurst = false;
    int m_reconnectsSeen = 0;
    QString m_problem;
};

} // namespace mas::ui
