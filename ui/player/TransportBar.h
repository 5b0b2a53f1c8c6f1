#pragma once
// The row under the video: play/pause, frame and boundary steps, loop, mute (buttons for the
// shell's actions, so keys and buttons are one thing), the position readout and the speed.
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QToolButton;

namespace mas::ui {

struct TransportActions {
    QAction* playPause = nullptr;
    QAction* previousBoundary = nullptr;
    QAction* stepBack10 = nullptr;
    QAction* stepBack = nullptr;
    QAction* stepForward = nullptr;
    QAction* stepForward10 = nullptr;
    QAction* nextBoundary = nullptr;
    QAction* loopSelection = nullptr;
    QAction* mute = nullptr;
};

class TransportBar : public QWidget {
    Q_OBJECT
public:
    explicit TransportBar(const TransportActions& actions, QWidget* parent = nullptr);

    // Speeds offered (the playback clock supports 0.25x..2x).
    static QVector<double> speeds();
    QString positionText() const;

public Q_SLOTS:
    void setPosition(int frame, int frameCount, double seconds, double durationSeconds);
    void setSpeed(double speed);

Q_SIGNALS:
    void speedRequested(double speed);

private:
    QLabel* m_position = nullptr;
    QComboBox* m_speed = nullptr;
};

// "00:04.000" / "1:02:03.500": seconds with milliseconds.
QString formatSeconds(double seconds);

} // namespace mas::ui
