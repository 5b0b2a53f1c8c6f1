#pragma once
// The status bar: who is annotating, whether every edit is saved, the open video, and messages.
#include <QDateTime>
#include <QStatusBar>

class QLabel;

namespace mas::ui {

class ShellStatusBar : public QStatusBar {
    Q_OBJECT
public:
    explicit ShellStatusBar(QWidget* parent = nullptr);

    QString annotatorText() const;
    QString saveStateText() const;

public Q_SLOTS:
    void setAnnotator(const QString& name);
    void setVideoText(const QString& text);
    // failure empty: "All edits saved" (with the time of the last); else the failure, in red.
    void setSaveState(int edits, const QDateTime& lastEdit, const QString& failure, bool readOnly);
    // For 6 s. A store error saying the server is away is said shortly first (EditFailureMessage.h).
    void showMessageFor(const QString& text);

private:
    QLabel* m_annotator;
    QLabel* m_saved;
    QLabel* m_video;
};

} // namespace mas::ui
