#pragma once
// Imports and exports off the GUI thread. The work runs on a worker thread with its own connection to
// the project (opened there, as the store requires), while the GUI thread's event loop keeps running:
// the user keeps editing through the GUI's connection, and each of their edits commits on its own
// (waiting, at most, for the import's one write transaction, which holds no probing or parsing).
// A cancelled or failed import rolls back its own transaction only, so nothing the user did
// meanwhile is ever rolled back. A progress dialog (not modal) shows progress and offers Cancel.
#include "exchange/ExchangeTypes.h"
#include "store/ProjectStore.h"

#include <QString>
#include <QWidget>

#include <functional>
#include <optional>

namespace mas::ui {

struct BackgroundTarget {
    QString projectPath;
    QString annotator;        // recorded as "who" in the edit log ("" = none)
    bool writable = true;     // false: the worker's connection is read-only (exports)
};

// What the caller knows of the GUI's store, for the worker's own connection.
BackgroundTarget backgroundTargetOf(const store::ProjectStore& store);

// Runs `work` on a worker thread with its own ProjectStore and waits for it while processing events.
// `parent` (may be null) hosts the progress dialog; `onStarted` (may be empty) runs on the GUI thread
// once the worker has its connection (tests edit the project then).
Status runInBackground(const BackgroundTarget& target, QWidget* parent, const QString& label,
                       const std::function<Status(store::ProjectStore&, const exchange::ExchangeControl&)>& work,
                       std::atomic_bool* cancel = nullptr, const std::function<void()>& onStarted = {});

} // namespace mas::ui
