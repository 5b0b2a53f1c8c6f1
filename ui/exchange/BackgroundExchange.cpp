#include "exchange/BackgroundExchange.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QProgressDialog>
#include <QThread>

#include <atomic>

namespace mas::ui {

BackgroundTarget backgroundTargetOf(const store::ProjectStore& store)
{
    BackgroundTarget t;
    t.projectPath = store.path();
    t.writable = !store.isReadOnly();
    if (const store::Id me = store.currentAnnotatorId(); me > 0)
        if (auto all = store.annotators(); all.ok())
            for (const store::Annotator& a : all.value())
                if (a.id == me)
                    t.annotator = a.name;
    return t;
}

Status runInBackground(const BackgroundTarget& target, QWidget* parent, const QString& label,
                       const std::function<Status(store::ProjectStore&, const exchange::ExchangeControl&)>& work,
                       std::atomic_bool* cancel, const std::function<void()>& onStarted)
{
    std::atomic_bool ownCancel{false};
    std::atomic_bool* const cancelFlag = cancel ? cancel : &ownCancel;
    QProgressDialog dialog(label, QObject::tr("Cancel"), 0, 1000, parent);
    dialog.setWindowModality(Qt::NonModal); // the user keeps working meanwhile
    dialog.setMinimumDuration(300);
    dialog.setAutoClose(false);
    dialog.setAutoReset(false);
    QObject::connect(&dialog, &QProgressDialog::canceled, [cancelFlag] { cancelFlag->store(true); });
    dialog.setValue(0);
    QPointer<QProgressDialog> shown(&dialog);

    QEventLoop loop;
    QObject receiver; // lives on the GUI thread: what the worker sends is delivered here
    std::optional<Status> outcome;
    QThread* thread = QThread::create([&] {
        // The store requires a connection per thread, opened on that thread. Opening by path takes
        // this process's lock from its registry (no second writer is made).
        Result<std::unique_ptr<store::ProjectStore>> own =
            store::ProjectStore::open(target.projectPath, target.writable ? store::OpenMode::ReadWrite : store::OpenMode::ReadOnly);
        if (!own) {
            outcome = Status(Error{own.error()});
            return;
        }
        if (!target.annotator.isEmpty() && target.writable)
            own.value()->setCurrentAnnotator(target.annotator);
        if (onStarted)
            QMetaObject::invokeMethod(&receiver, onStarted, Qt::QueuedConnection);
        exchange::ExchangeControl control;
        control.cancel = cancelFlag;
        control.progress = [&](int64_t done, int64_t total) {
            if (total <= 0)
                return;
            const int value = int(std::min<int64_t>(1000, done * 1000 / total));
            QMetaObject::invokeMethod(&receiver, [shown, value] {
                if (shown)
                    shown->setValue(value);
            }, Qt::QueuedConnection);
        };
        outcome = work(*own.value(), control);
    });
    QObject::connect(thread, &QThread::finished, &loop, &QEventLoop::quit);
    thread->start();
    loop.exec();
    thread->wait();
    delete thread;
    // Deliver what the worker queued before it finished (progress, onStarted) while `receiver` lives.
    QCoreApplication::sendPostedEvents(&receiver);
    dialog.hide();
    return outcome ? *outcome : Status(Error{target.projectPath + QStringLiteral(": the background work did not run")});
}

} // namespace mas::ui
