#pragma once
// Other clients' edits of a server project, heard through ProjectStore::setChangeListener
// (PostgreSQL LISTEN/NOTIFY) and coalesced: a burst of edits gives one `changed()` ~150 ms after its
// first, so the views reload once, well within the second a teammate's edit may take to show.
// A project file has no other writers: the feed then stays silent.
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

Q_SIGNALS:
    void changed();

private:
    store::ProjectStore& m_store;
    QTimer m_debounce;
    bool m_listening = false;
};

} // namespace mas::ui
