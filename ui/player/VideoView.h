#pragma once
// Shows the current frame scaled into the widget with its aspect ratio kept, with an overlay of
// frame number, time code and the labels under the playhead. A missing or unreadable video shows
// its message in the view itself (no dialog).
#include <QImage>
#include <QStringList>
#include <QWidget>

namespace mas::ui {

class VideoView : public QWidget {
    Q_OBJECT
public:
    explicit VideoView(QWidget* parent = nullptr);

    QImage currentImage() const { return m_image; }
    int shownFrame() const { return m_frame; }
    QString message() const { return m_message; }
    // The size frames should be decoded at to fill the view (device pixels, aspect kept).
    QSize targetFrameSize(QSize videoSize) const;

    QSize sizeHint() const override { return {640, 360}; }
    QSize minimumSizeHint() const override { return {160, 90}; }

public Q_SLOTS:
    void showFrame(int index, const QImage& image);
    // Frame number and time code line, e.g. "Frame 120 / 1800   00:04.00".
    void setPositionText(const QString& text);
    // Labels active at the playhead, one per line ("A1 shaking body").
    void setLabelLines(const QStringList& lines);
    // Replaces the picture with a message (empty clears it).
    void setMessage(const QString& message);
    void clear();

Q_SIGNALS:
    void resized();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QImage m_image;
    int m_frame = -1;
    QString m_positionText;
    QStringList m_labelLines;
    QString m_message;
};

} // namespace mas::ui
