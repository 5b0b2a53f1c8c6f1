#include "charts/ConfusionMatrixWidget.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mas::ui {

namespace {
constexpr int kMargin = 6;
constexpr int kAxisTitle = 16;
} // namespace

ConfusionMatrixWidget::ConfusionMatrixWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("confusionMatrix"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Rows: human label; columns: model prediction. Click a cell (or Enter) to review those clips."));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixWidget::setMatrix(const QStringList& labels, const QVector<QColor>& colours,
                                      const QVector<QVector<int>>& counts)
{
    m_labels = labels;
    m_colours = colours;
    m_counts = counts;
    m_rowTotals.clear();
    for (const QVector<int>& row : m_counts) {
        int total = 0;
        for (int c : row)
            total += c;
        m_rowTotals << total;
    }
    m_current = {0, 0};
    m_hover = {-1, -1};
    layoutCells();
    update();
}

QSize ConfusionMatrixWidget::sizeHint() const
{
    return {560, 560};
}

QSize ConfusionMatrixWidget::minimumSizeHint() const
{
    return {200, 200};
}

void ConfusionMatrixWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutCells();
}

void ConfusionMatrixWidget::layoutCells()
{
    const int n = std::max(1, int(m_labels.size()));
    const QFontMetrics metrics(font());
    m_labelWidth = 0;
    for (const QString& label : m_labels)
        m_labelWidth = std::max(m_labelWidth, metrics.horizontalAdvance(label));
    m_labelWidth += 6;
    const int left = kMargin + kAxisTitle + m_labelWidth;
    const int top = kMargin + kAxisTitle + m_labelWidth;
    const int available = std::min(width() - left - kMargin, height() - top - kMargin);
    m_cell = std::max(2.0, double(available) / n);
    m_grid = QRect(left, top, int(m_cell * n), int(m_cell * n));
}

QRect ConfusionMatrixWidget::cellRect(int human, int predicted) const
{
    return QRect(int(m_grid.left() + predicted * m_cell), int(m_grid.top() + human * m_cell),
                 int(m_grid.left() + (predicted + 1) * m_cell) - int(m_grid.left() + predicted * m_cell),
                 int(m_grid.top() + (human + 1) * m_cell) - int(m_grid.top() + human * m_cell));
}

QPair<int, int> ConfusionMatrixWidget::cellAt(const QPoint& pos) const
{
    if (m_labels.isEmpty() || !m_grid.contains(pos))
        return {-1, -1};
    const int n = m_labels.size();
    const int column = std::clamp(int((pos.x() - m_grid.left()) / m_cell), 0, n - 1);
    const int row = std::clamp(int((pos.y() - m_grid.top()) / m_cell), 0, n - 1);
    return {row, column};
}

QColor ConfusionMatrixWidget::cellColour(int human, int predicted) const
{
    const int count = m_counts[human][predicted];
    const QColor base = palette().color(QPalette::Base);
    if (count == 0 || m_rowTotals[human] == 0)
        return base;
    // sqrt so that small error counts stay visible next to a large diagonal.
    const double share = std::sqrt(double(count) / m_rowTotals[human]);
    const QColor hot = human == predicted ? QColor(0x1b, 0x8a, 0x3a) : QColor(0xc6, 0x28, 0x28);
    auto mix = [share](int a, int b) { return int(a + (b - a) * std::min(1.0, 0.15 + 0.85 * share)); };
    return QColor(mix(base.red(), hot.red()), mix(base.green(), hot.green()), mix(base.blue(), hot.blue()));
}

void ConfusionMatrixWidget::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    const int n = m_labels.size();
    if (n == 0) {
        painter.drawText(rect(), Qt::AlignCenter, tr("No reviewed clips with predictions yet"));
        return;
    }
    painter.setPen(palette().color(QPalette::WindowText));
    QFont titleFont = font();
    titleFont.setBold(true);
    painter.setFont(titleFont);
    painter.drawText(QRect(m_grid.left(), kMargin, m_grid.width(), kAxisTitle), Qt::AlignCenter, tr("Predicted by the model"));
    painter.save();
    painter.translate(kMargin, m_grid.top() + m_grid.height() / 2);
    painter.rotate(-90);
    painter.drawText(QRect(-m_grid.height() / 2, 0, m_grid.height(), kAxisTitle), Qt::AlignCenter, tr("Human label"));
    painter.restore();
    painter.setFont(font());

    const bool showCounts = m_cell >= QFontMetrics(font()).horizontalAdvance(QStringLiteral("999")) + 4;
    const QRect dirty = event->rect();
    for (int h = 0; h < n; ++h) {
        const QRect rowRect(m_grid.left(), cellRect(h, 0).top(), m_grid.width(), cellRect(h, 0).height());
        if (!rowRect.intersects(dirty))
            continue;
        for (int p = 0; p < n; ++p) {
            const QRect cell = cellRect(h, p);
            painter.fillRect(cell, cellColour(h, p));
            if (showCounts && m_counts[h][p] > 0) {
                painter.setPen(palette().color(QPalette::Text));
                painter.drawText(cell, Qt::AlignCenter, QString::number(m_counts[h][p]));
            }
        }
    }
    // Grid lines, then labels with their body-part colour tabs.
    painter.setPen(QPen(palette().color(QPalette::Mid), 0));
    for (int i = 0; i <= n; ++i) {
        const int x = int(m_grid.left() + i * m_cell), y = int(m_grid.top() + i * m_cell);
        painter.drawLine(x, m_grid.top(), x, m_grid.bottom() + 1);
        painter.drawLine(m_grid.left(), y, m_grid.right() + 1, y);
    }
    for (int i = 0; i < n; ++i) {
        const QRect rowCell = cellRect(i, 0);
        const QRect colCell = cellRect(0, i);
        const QColor tab = i < m_colours.size() ? m_colours[i] : QColor(Qt::gray);
        painter.fillRect(QRect(m_grid.left() - 4, rowCell.top(), 3, rowCell.height()), tab);
        painter.fillRect(QRect(colCell.left(), m_grid.top() - 4, colCell.width(), 3), tab);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(m_grid.left() - 6 - m_labelWidth, rowCell.top(), m_labelWidth, rowCell.height()),
                         Qt::AlignRight | Qt::AlignVCenter, m_labels[i]);
        painter.save();
        painter.translate(colCell.left(), m_grid.top() - 6);
        painter.rotate(-90);
        painter.drawText(QRect(0, 0, m_labelWidth, colCell.width()), Qt::AlignLeft | Qt::AlignVCenter, m_labels[i]);
        painter.restore();
    }
    const auto outline = [&painter](const QRect& r, const QColor& colour) {
        painter.setPen(QPen(colour, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(r.adjusted(1, 1, -1, -1));
    };
    if (m_hover.first >= 0)
        outline(cellRect(m_hover.first, m_hover.second), palette().color(QPalette::Highlight).lighter(130));
    if (hasFocus())
        outline(cellRect(m_current.first, m_current.second), palette().color(QPalette::Highlight));
}

void ConfusionMatrixWidget::mousePressEvent(QMouseEvent* event)
{
    const QPair<int, int> cell = cellAt(event->position().toPoint());
    if (event->button() != Qt::LeftButton || cell.first < 0)
        return QWidget::mousePressEvent(event);
    m_current = cell;
    update();
    Q_EMIT cellClicked(cell.first, cell.second);
}

void ConfusionMatrixWidget::mouseMoveEvent(QMouseEvent* event)
{
    const QPair<int, int> cell = cellAt(event->position().toPoint());
    if (cell != m_hover) {
        m_hover = cell;
        update();
        if (cell.first >= 0) {
            const int total = m_rowTotals[cell.first];
            QToolTip::showText(event->globalPosition().toPoint(),
                               tr("human %1, predicted %2: %3 clip(s) (%4% of the row)")
                                   .arg(m_labels[cell.first], m_labels[cell.second])
                                   .arg(count(cell.first, cell.second))
                                   .arg(total ? 100.0 * count(cell.first, cell.second) / total : 0.0, 0, 'f', 1),
                               this);
        }
    }
    QWidget::mouseMoveEvent(event);
}

void ConfusionMatrixWidget::keyPressEvent(QKeyEvent* event)
{
    const int n = m_labels.size();
    if (n == 0)
        return QWidget::keyPressEvent(event);
    switch (event->key()) {
    case Qt::Key_Left: m_current.second = std::max(0, m_current.second - 1); break;
    case Qt::Key_Right: m_current.second = std::min(n - 1, m_current.second + 1); break;
    case Qt::Key_Up: m_current.first = std::max(0, m_current.first - 1); break;
    case Qt::Key_Down: m_current.first = std::min(n - 1, m_current.first + 1); break;
    case Qt::Key_Return:
    case Qt::Key_Enter: Q_EMIT cellClicked(m_current.first, m_current.second); return;
    default: return QWidget::keyPressEvent(event);
    }
    update();
}

} // namespace mas::ui
