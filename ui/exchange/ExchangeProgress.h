#pragma once
// A modal progress dialog with Cancel that drives an exchange::ExchangeControl on the GUI thread:
// the operation's progress callback updates the bar and processes events, Cancel raises the flag
// the operation polls.
#include "exchange/ExchangeTypes.h"

#include <QProgressDialog>

#include <atomic>

namespace mas::ui {

class ExchangeProgress {
public:
    ExchangeProgress(QWidget* parent, const QString& label);
    exchange::ExchangeControl control();
    bool wasCancelled() const { return m_cancel.load(); }
    void finish();

private:
    QProgressDialog m_dialog;
    std::atomic_bool m_cancel{false};
};

} // namespace mas::ui
