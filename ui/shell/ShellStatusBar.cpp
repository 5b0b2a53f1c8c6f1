#include "shell/ShellStatusBar.h"

#include "commands/EditFailureMessage.h"

#include <QLabel>

namespace mas::ui {

ShellStatusBar::ShellStatusBar(QWidget* parent)
    : QStatusBar(parent), m_annotator(new QLabel(this)), m_saved(new QLabel(this)), m_video(new QLabel(this))
{
    m_annotator->setObjectName(QStringLiteral("annotatorLabel"));
    m_saved->setObjectName(QStringLiteral("saveStateLabel"));
    m_annotator->setToolTip(tr("Every label you make records this name"));
    m_saved->setToolTip(tr("Each edit is written to the project file when you make it"));
    addPermanentWidget(m_video);
    addPermanentWidget(m_saved);
    addPermanentWidget(m_annotator);
    setAnnotator(QString());
}

QString ShellStatusBar::annotatorText() const { return m_annotator->text(); }
QString ShellStatusBar::saveStateText() const { return m_saved->text(); }

void ShellStatusBar::setAnnotator(const QString& name)
{
    m_annotator->setText(name.isEmpty() ? tr("Annotator: (none)") : tr("Annotator: %1").arg(name));
}

void ShellStatusBar::setVideoText(const QString& text)
{
    m_video->setText(text);
}

void ShellStatusBar::setSaveState(int edits, const QDateTime& lastEdit, const QString& failure, bool readOnly)
{
    if (readOnly) {
        m_saved->setText(tr("Read-only: edits are not possible"));
        m_saved->setStyleSheet(QStringLiteral("color: #b36b00;"));
    } else if (!failure.isEmpty()) {
        m_saved->setText(tr("Last edit NOT saved"));
        m_saved->setToolTip(failure);
        m_saved->setStyleSheet(QStringLiteral("color: #c00000; font-weight: bold;"));
    } else {
        m_saved->setText(edits == 0 ? tr("All edits saved")
                                    : tr("All edits saved (last %1)").arg(lastEdit.toString(QStringLiteral("HH:mm:ss"))));
        m_saved->setToolTip(tr("Each edit is written to the project file when you make it"));
        m_saved->setStyleSheet(QString());
    }
}

void ShellStatusBar::showMessageFor(const QString& text)
{
    showMessage(serverAwaySaidShortly(text), 6000);
}

} // namespace mas::ui
