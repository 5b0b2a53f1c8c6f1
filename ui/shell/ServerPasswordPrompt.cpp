#include "shell/ServerPasswordPrompt.h"

#include "store/ServerCredentials.h"

#include <QApplication>
#include <QInputDialog>
#include <QLineEdit>
#include <QPointer>
#include <QThread>
#include <QWidget>

namespace mas::ui {

void installServerPasswordPrompt(QWidget* parent)
{
    QPointer<QWidget> owner(parent);
    store::setServerPasswordPrompt([owner](const QString& url) {
        QString password;
        auto ask = [&] {
            bool ok = false;
            const QString text = QInputDialog::getText(owner.data(), QObject::tr("Server password"),
                                                       QObject::tr("Password for %1:").arg(url), QLineEdit::Password,
                                                       QString(), &ok);
            password = ok ? text : QString();
        };
        if (QThread::currentThread() == qApp->thread())
            ask();
        else // widgets live on the GUI thread only
            QMetaObject::invokeMethod(qApp, ask, Qt::BlockingQueuedConnection);
        return password;
    });
}

void removeServerPasswordPrompt()
{
    store::setServerPasswordPrompt({});
}

} // namespace mas::ui
