#pragma once
// Model-vs-human confusion matrix as a custom-painted heat map: rows are the human verdicts,
// columns the model's top-1. Cell shade is the count normalised by its row (recall view), the
// diagonal in green, errors in red. Clicking a cell (or Enter on the keyboard-current cell) emits
// cellClicked so the review queue can show exactly those clips.
#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace mas::ui {

class ConfusionMatrixWidget : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixWidget(QWidget* parent = nullptr);

    // Square matrix: counts[human][predicted]; labels and colours per row/column.
    void setMatrix(const QStringList& labels, const QVector<QColor>& colours, const QVector<QVector<int>>& counts);
    int size() const { return m_labels.size(); }
    int count(int human, int predicted) const { return m_counts[human][predicted]; }
    QRect cellRect(int human, int predicted) const;
    // (human, predicted) under `pos`, or (-1, -1).
    QPair<int, int> cellAt(const QPoint& pos) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellClicked(int human, int predicted);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void layoutCells();
    QColor cellColour(int human, int predicted) const;

    QStringList m_labels;
    QVector<QColor> m_colours;
    QVector<QVector<int>> m_counts;
    QVector<int> m_rowTotals;
    QRect m_grid;     // the cells' area
    double m_cell = 0;
    int m_labelWidth = 0;
    QPair<int, int> m_current{0, 0};
    QPair<int, int> m_hover{-1, -1};
};

} // namespace mas::ui
