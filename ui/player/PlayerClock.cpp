#include "player/PlayerClock.h"

#include <QTimer>

#include <algorithm>

namespace mas::ui {

double SilentClock::rawPosition() const
{
    return m_playing ? m_anchor + m_timer.nsecsElapsed() * 1e-9 * m_speed : m_anchor;
}

double SilentClock::position() const
{
    const double p = rawPosition();
    if (m_playing && m_duration > 0 && p >= m_duration) {
        // Report the end once; the controller's tick sees it and stops.
        auto* self = const_cast<SilentClock*>(this);
        self->m_anchor = m_duration;
        self->m_playing = false;
        QTimer::singleShot(0, self, [self] {
            Q_EMIT self->playingChanged(false);
            Q_EMIT self->finished();
        });
        return m_duration;
    }
    return p;
}

void SilentClock::play()
{
    if (m_playing)
        return;
    m_playing = true;
    m_timer.start();
    Q_EMIT playingChanged(true);
}

void SilentClock::pause()
{
    if (!m_playing)
        return;
    m_anchor = rawPosition();
    m_playing = false;
    Q_EMIT playingChanged(false);
}

void SilentClock::seek(double seconds)
{
    m_anchor = std::max(0.0, seconds);
    if (m_playing)
        m_timer.start();
}

void SilentClock::setSpeed(double speed)
{
    m_anchor = rawPosition();
    if (m_playing)
        m_timer.start();
    m_speed = std::clamp(speed, 0.1, 4.0);
}

} // namespace mas::ui
