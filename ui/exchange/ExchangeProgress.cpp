#include "exchange/ExchangeProgress.h"

#include <QCoreApplication>

namespace mas::ui {

ExchangeProgress::ExchangeProgress(QWidget* parent, const QString& label) : m_dialog(label, QObject::tr("Cancel"), 0, 1000, parent)
{
    m_dialog.setWindowModality(Qt::WindowModal);
    m_dialog.setMinimumDuration(300);
    m_dialog.setAutoClose(false);
    m_dialog.setAutoReset(false);
    QObject::connect(&m_dialog, &QProgressDialog::canceled, [this] { m_cancel = true; });
    m_dialog.setValue(0);
}

exchange::ExchangeControl ExchangeProgress::control()
{
    exchange::ExchangeControl c;
    c.cancel = &m_cancel;
    c.progress = [this](int64_t done, int64_t total) {
        if (total > 0)
            m_dialog.setValue(int(std::min<int64_t>(1000, done * 1000 / total)));
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
        QCoreApplication::processEvents(); // lets Cancel through
    };
    return c;
}

void ExchangeProgress::finish()
{
    m_dialog.setValue(1000);
    m_dialog.hide();
}

} // namespace mas::ui
