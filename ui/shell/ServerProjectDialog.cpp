#include "shell/ServerProjectDialog.h"

#include "store/ServerUrl.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QVBoxLayout>

namespace mas::ui {

ServerProjectDialog::ServerProjectDialog(const QString& initialUrl, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Open server project"));
    auto* layout = new QVBoxLayout(this);
    auto* caption = new QLabel(tr("Project &URL (postgresql://[user@]host[:port]/database):"), this);
    m_url = new QLineEdit(initialUrl, this);
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setPlaceholderText(QStringLiteral("postgresql://annotator@db.lab/ma52"));
    m_url->setMinimumWidth(420);
    caption->setBuddy(m_url);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("serverUrlError"));
    m_error->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(caption);
    layout->addWidget(m_url);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QString ServerProjectDialog::url() const
{
    return m_url->text().trimmed();
}

void ServerProjectDialog::accept()
{
    // Checked here so a typo is fixed in place instead of failing after a connection attempt.
    if (!store::isServerUrl(url())) {
        m_error->setText(tr("A server project's URL starts with postgresql:// or postgres://"));
        return;
    }
    if (auto parsed = store::ServerUrl::parse(url()); !parsed) {
        m_error->setText(parsed.error());
        return;
    }
    QDialog::accept();
}

QString askServerProjectUrl(QWidget* parent, QSettings& settings)
{
    const QString key = QStringLiteral("project/lastServerUrl");
    ServerProjectDialog dialog(settings.value(key).toString(), parent);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    // Remembered without any password the URL may carry.
    if (auto parsed = store::ServerUrl::parse(dialog.url()))
        settings.setValue(key, parsed->display());
    return dialog.url();
}

} // namespace mas::ui
