#include "player/VideoView.h"

#include <QPainter>
#include <QPainterPath>

namespace mas::ui {

VideoView::VideoView(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Video"));
    setToolTip(tr("Current frame. Space plays, Left/Right step one frame, Shift+Left/Right ten."));
}

QSize VideoView::targetFrameSize(QSize videoSize) const
{
    if (videoSize.isEmpty())
        return {};
    const QSize device = size() * devicePixelRatioF();
    const QSize fitted = videoSize.scaled(device, Qt::KeepAspectRatio);
    // Never upscale in the decoder: the painter does that for free.
    if (fitted.width() >= videoSize.width())
        return videoSize;
    return fitted.expandedTo(QSize(16, 16));
}

void VideoView::showFrame(int index, const QImage& image)
{
    m_frame = index;
    m_image = image;
    m_message.clear();
    update();
}

void VideoView::setPositionText(const QString& text)
{
    m_positionText = text;
    update();
}

void VideoView::setLabelLines(const QStringList& lines)
{
    if (lines == m_labelLines)
        return;
    m_labelLines = lines;
    update();
}

void VideoView::setMessage(const QString& message)
{
    m_message = message;
    if (!message.isEmpty())
        m_image = QImage();
    update();
}

void VideoView::clear()
{
    m_image = QImage();
    m_frame = -1;
    m_positionText.clear();
    m_labelLines.clear();
    update();
}

void VideoView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    Q_EMIT resized();
}

void VideoView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::black);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    if (!m_image.isNull()) {
        const QSize scaled = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        const QRect target(QPoint((width() - scaled.width()) / 2, (height() - scaled.height()) / 2), scaled);
        p.drawImage(target, m_image);
    }
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = this->font();
    font.setBold(true);
    p.setFont(font);
    const QFontMetrics fm(font);

    // Overlay boxes: half-transparent so the picture stays visible under them.
    auto box = [&](const QStringList& lines, Qt::Alignment corner) {
        if (lines.isEmpty())
            return;
        int w = 0;
        for (const QString& l : lines)
            w = std::max(w, fm.horizontalAdvance(l));
        const int h = lines.size() * fm.height();
        const int x = (corner & Qt::AlignRight) ? width() - w - 16 : 8;
        const int y = (corner & Qt::AlignBottom) ? height() - h - 16 : 8;
        p.fillRect(QRect(x, y, w + 8, h + 8), QColor(0, 0, 0, 150));
        p.setPen(Qt::white);
        for (int i = 0; i < lines.size(); ++i)
            p.drawText(QPoint(x + 4, y + 4 + fm.ascent() + i * fm.height()), lines[i]);
    };
    if (!m_positionText.isEmpty())
        box({m_positionText}, Qt::AlignLeft | Qt::AlignTop);
    box(m_labelLines, Qt::AlignRight | Qt::AlignTop);

    if (!m_message.isEmpty()) {
        p.setPen(QColor(255, 210, 120));
        p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    } else if (m_image.isNull()) {
        p.setPen(QColor(160, 160, 160));
        p.drawText(rect(), Qt::AlignCenter, tr("No video"));
    }
}

} // namespace mas::ui
