#include "player/TransportBar.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include <cmath>

namespace mas::ui {

QString formatSeconds(double seconds)
{
    const qint64 ms = qint64(std::llround(std::max(0.0, seconds) * 1000));
    const qint64 h = ms / 3600000, m = (ms / 60000) % 60, s = (ms / 1000) % 60, rest = ms % 1000;
    const QString tail = QStringLiteral("%1:%2.%3").arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0')).arg(rest, 3, 10, QChar('0'));
    return h > 0 ? QStringLiteral("%1:%2").arg(h).arg(tail) : tail;
}

QVector<double> TransportBar::speeds()
{
    return {0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0};
}

TransportBar::TransportBar(const TransportActions& actions, QWidget* parent) : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 2, 4, 2);
    row->setSpacing(2);
    auto addButton = [&](QAction* action) {
        if (!action)
            return;
        auto* b = new QToolButton(this);
        b->setDefaultAction(action);
        b->setAutoRaise(true);
        b->setFocusPolicy(Qt::NoFocus); // keys belong to the shortcuts, not to a focused button
        row->addWidget(b);
    };
    addButton(actions.previousBoundary);
    addButton(actions.stepBack10);
    addButton(actions.stepBack);
    addButton(actions.playPause);
    addButton(actions.stepForward);
    addButton(actions.stepForward10);
    addButton(actions.nextBoundary);
    row->addSpacing(8);
    addButton(actions.loopSelection);

    m_position = new QLabel(this);
    m_position->setObjectName(QStringLiteral("positionLabel"));
    m_position->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_position->setToolTip(tr("Current frame / frame count, and time / duration"));
    QFont mono = m_position->font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_position->setFont(mono);
    row->addSpacing(12);
    row->addWidget(m_position, 1);

    row->addWidget(new QLabel(tr("Speed"), this));
    m_speed = new QComboBox(this);
    m_speed->setObjectName(QStringLiteral("speedCombo"));
    m_speed->setToolTip(tr("Playback speed"));
    m_speed->setFocusPolicy(Qt::TabFocus);
    for (double s : speeds())
        m_speed->addItem(QStringLiteral("%1x").arg(s), s);
    m_speed->setCurrentIndex(speeds().indexOf(1.0));
    connect(m_speed, &QComboBox::activated, this, [this](int i) { Q_EMIT speedRequested(m_speed->itemData(i).toDouble()); });
    row->addWidget(m_speed);
    addButton(actions.mute);
    setPosition(0, 0, 0, 0);
}

QString TransportBar::positionText() const
{
    return m_position->text();
}

void TransportBar::setPosition(int frame, int frameCount, double seconds, double durationSeconds)
{
    const int digits = QString::number(std::max(1, frameCount)).size();
    m_position->setText(tr("Frame %1 / %2   %3 / %4")
                            .arg(frame, digits, 10, QChar(' '))
                            .arg(frameCount)
                            .arg(formatSeconds(seconds), formatSeconds(durationSeconds)));
}

void TransportBar::setSpeed(double speed)
{
    int best = 0;
    const auto list = speeds();
    for (int i = 0; i < list.size(); ++i)
        if (std::abs(list[i] - speed) < std::abs(list[best] - speed))
            best = i;
    m_speed->setCurrentIndex(best);
}

} // namespace mas::ui
