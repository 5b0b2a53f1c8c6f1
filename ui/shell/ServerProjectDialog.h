#pragma once
// Project > Open server project...: asks for a postgresql:// URL (no password: libpq's environment,
// ~/.pgpass or the password prompt supply it) and refuses one that does not parse, saying why.
// The last URL opened is offered again (QSettings "project/lastServerUrl").
#include <QDialog>

class QLabel;
class QLineEdit;
class QSettings;

namespace mas::ui {

class ServerProjectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ServerProjectDialog(const QString& initialUrl, QWidget* parent = nullptr);
    QString url() const;
    QLineEdit* urlEdit() const { return m_url; }

    void accept() override;

private:
    QLineEdit* m_url;
    QLabel* m_error;
};

// The URL to open, or "" when cancelled.
QString askServerProjectUrl(QWidget* parent, QSettings& settings);

} // namespace mas::ui
