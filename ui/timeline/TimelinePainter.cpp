#include "timeline/TimelinePainter.h"

#include "timeline/TimelineWidget.h"

#include <QPainter>
#include <QPalette>

#include <algorithm>
#include <cmath>

namespace mas::ui {

QString timelineTimeCode(int frame, double fps)
{
    const double rate = fps > 0 ? fps : 30;
    const int whole = int(std::lround(rate));
    const int totalSeconds = int(frame / rate);
    const int ff = std::max(0, frame - int(std::ceil(totalSeconds * rate - 1e-9)));
    const int h = totalSeconds / 3600, m = (totalSeconds / 60) % 60, s = totalSeconds % 60;
    const QString frames = QString::number(std::min(ff, std::max(0, whole - 1))).rightJustified(2, '0');
    if (h > 0)
        return QStringLiteral("%1:%2:%3.%4").arg(h).arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0')).arg(frames);
    return QStringLiteral("%1:%2.%3").arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0')).arg(frames);
}

TimelinePainter::TimelinePainter(const TimelineWidget& widget, QPainter& painter) : w(widget), p(painter) {}

void TimelinePainter::paint(const QRect& dirty)
{
    Q_UNUSED(dirty);
    p.fillRect(w.rect(), w.palette().color(QPalette::Base).darker(104));
    if (!w.m_model)
        return;
    paintRuler();
    paintThumbnails();
    paintWaveform();
    paintTracks();
    paintMarkIn();
    paintOpenSegments();
    paintPlayhead();
}

void TimelinePainter::paintRuler()
{
    const TimelineGeometry g = w.geometry();
    const QRect r = g.rulerRect();
    p.fillRect(QRect(0, 0, w.width(), r.height()), w.palette().color(QPalette::Window));
    const double fps = w.m_model->fps();
    // Tick spacing: the smallest "nice" step that leaves at least ~80 px between labels.
    static const double kSteps[] = {1, 2, 5, 10, 15, 30, 60, 150, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 72000, 216000};
    double step = kSteps[std::size(kSteps) - 1];
    for (double s : kSteps) {
        const double frames = s < 30 ? s : s / 30.0 * fps; // small steps in frames, larger in seconds
        if (frames / g.framesPerPixel >= 80) {
            step = frames;
            break;
        }
    }
    step = std::max(1.0, std::round(step));
    p.setPen(w.palette().color(QPalette::WindowText));
    QFont f = w.font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const double first = std::floor(g.firstFrame / step) * step;
    const int end = std::min<double>(g.frameCount, g.lastVisibleFrame() + step);
    for (double frame = std::max(0.0, first); frame <= end; frame += step) {
        const int x = int(g.xOfFrame(frame));
        if (x < r.left())
            continue;
        p.drawLine(x, r.bottom() - 6, x, r.bottom());
        p.drawText(QRect(x + 3, 0, 90, r.height() - 4), Qt::AlignLeft | Qt::AlignVCenter,
                   timelineTimeCode(int(frame), fps));
        const int minorX = int(g.xOfFrame(frame + step / 2));
        p.drawLine(minorX, r.bottom() - 3, minorX, r.bottom());
    }
    p.drawText(QRect(4, 0, g.kHeaderWidth - 8, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
               timelineTimeCode(w.m_playhead, fps));
}

void TimelinePainter::paintThumbnails()
{
    const TimelineGeometry g = w.geometry();
    const QRect r = g.thumbnailRect();
    p.fillRect(QRect(0, r.top(), w.width(), r.height()), QColor(30, 30, 34));
    p.setPen(QColor(200, 200, 200));
    p.drawText(QRect(6, r.top(), g.kHeaderWidth - 8, r.height()), Qt::AlignLeft | Qt::AlignVCenter, QObject::tr("Frames"));
    if (w.m_thumbnails.isEmpty())
        return;
    p.save();
    p.setClipRect(r);
    // Each picture stands for its target frame until the next target: tile it across that span.
    for (int i = 0; i < w.m_thumbnails.size(); ++i) {
        const Thumbnail& t = w.m_thumbnails[i];
        const int spanEnd = i + 1 < w.m_thumbnails.size() ? w.m_thumbnails[i + 1].targetFrame : g.frameCount;
        const double x0 = g.xOfFrame(t.targetFrame), x1 = g.xOfFrame(spanEnd);
        if (x1 < r.left() || x0 > r.right() || t.image.isNull())
            continue;
        const QSize scaled = t.image.size().scaled(QSize(1000, r.height() - 2), Qt::KeepAspectRatio);
        for (double x = x0; x < x1 && x <= r.right(); x += scaled.width()) {
            if (x + scaled.width() < r.left())
                continue;
            const double width = std::min<double>(scaled.width(), x1 - x);
            p.drawImage(QRectF(x, r.top() + 1, width, scaled.height()), t.image,
                        QRectF(0, 0, t.image.width() * width / scaled.width(), t.image.height()));
        }
    }
    p.restore();
}

void TimelinePainter::paintWaveform()
{
    const TimelineGeometry g = w.geometry();
    const QRect r = g.waveformRect();
    p.fillRect(QRect(0, r.top(), w.width(), r.height()), QColor(24, 32, 40));
    p.setPen(QColor(200, 200, 200));
    p.drawText(QRect(6, r.top(), g.kHeaderWidth - 8, r.height()), Qt::AlignLeft | Qt::AlignVCenter, QObject::tr("Audio"));
    const Waveform& wave = w.m_waveform;
    if (wave.maximum.isEmpty() || wave.secondsPerBucket <= 0)
        return;
    const double fps = w.m_model->fps();
    const double mid = r.center().y() + 0.5, half = r.height() / 2.0 - 1;
    p.setPen(QColor(110, 190, 240));
    // One vertical line per pixel column: min..max over the buckets under it.
    for (int x = r.left(); x <= r.right(); ++x) {
        const double f0 = g.firstFrame + (x - r.left()) * g.framesPerPixel;
        if (f0 >= g.frameCount)
            break;
        const double s0 = f0 / fps - w.m_audioStartSeconds, s1 = s0 + g.framesPerPixel / fps;
        int b0 = int(std::floor(s0 / wave.secondsPerBucket)), b1 = int(std::floor(s1 / wave.secondsPerBucket));
        b0 = std::max(0, b0);
        b1 = std::min<int>(wave.maximum.size() - 1, std::max(b0, b1));
        if (b0 >= wave.maximum.size())
            break;
        float lo = 0, hi = 0;
        for (int b = b0; b <= b1; ++b) {
            lo = std::min(lo, wave.minimum[b]);
            hi = std::max(hi, wave.maximum[b]);
        }
        p.drawLine(QPointF(x, mid - hi * half), QPointF(x, mid - lo * half));
    }
}

void TimelinePainter::paintTracks()
{
    const TimelineGeometry g = w.geometry();
    const TimelineModel& model = *w.m_model;
    const QPalette pal = w.palette();
    const int first = int(std::floor(g.firstFrame));
    const int end = int(std::ceil(g.lastVisibleFrame())) + 1;
    const QFontMetrics fm(w.font());
    for (int t = 0; t < model.trackCount(); ++t) {
        const TimelineTrack& track = model.tracks()[t];
        const QRect lane = g.trackRect(t);
        const QRect header = g.trackHeaderRect(t);
        p.fillRect(lane, (t % 2) ? pal.color(QPalette::Base) : pal.color(QPalette::AlternateBase));
        p.fillRect(header, t == w.m_activeTrack ? pal.color(QPalette::Highlight).lighter(150) : pal.color(QPalette::Window));
        p.fillRect(QRect(header.left() + 4, header.top() + 7, 10, header.height() - 14), track.colour);
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(header.adjusted(18, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(track.name, Qt::ElideRight, header.width() - 20));
        p.setPen(pal.color(QPalette::Mid));
        p.drawLine(0, lane.bottom(), w.width(), lane.bottom());

        p.save();
        p.setClipRect(lane);
        const bool dragging = w.m_drag.kind == TimelineWidget::Drag::Move || w.m_drag.kind == TimelineWidget::Drag::ResizeStart
            || w.m_drag.kind == TimelineWidget::Drag::ResizeEnd;
        // Sub-pixel segments of one colour collapse into one column each: at fit-all on long
        // videos thousands of segments cost as many pixels as the lane is wide.
        double lastColumn = -1;
        for (const TimelineSegment* s : model.segmentsInRange(t, first, end)) {
            const bool selected = w.m_selected.contains(s->id);
            int start = s->startFrame, stop = s->endFrame;
            if (dragging && s->id == w.m_drag.original.id)
                continue; // drawn below at its previewed span
            QRectF rect = g.segmentRect(t, start, stop);
            if (rect.width() <= 1.5 && !selected) {
                const double column = std::floor(rect.left());
                if (column == lastColumn)
                    continue;
                lastColumn = column;
            }
            QColor fill = s->colour.isValid() ? s->colour : track.colour;
            if (track.predictions)
                fill.setAlphaF(0.35 + 0.6 * std::clamp(s->score, 0.0, 1.0));
            else if (s->look == TimelineSegment::Tentative)
                fill = fill.lighter(135);
            else if (s->look == TimelineSegment::Rejected)
                fill = QColor(170, 170, 170);
            p.fillRect(rect, fill);
            if (s->look == TimelineSegment::Tentative && rect.width() > 6)
                p.fillRect(rect, QBrush(fill.darker(130), Qt::BDiagPattern));
            if (s->look == TimelineSegment::Disputed && rect.width() > 3) {
                p.setPen(QPen(QColor(200, 0, 0), 2, Qt::DotLine));
                p.drawRect(rect.adjusted(1, 1, -1, -1));
            }
            if (rect.width() > 3) {
                p.setPen(QPen(selected ? pal.color(QPalette::Highlight) : fill.darker(160), selected ? 2.5 : 1));
                p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5));
            } else if (selected) {
                p.fillRect(rect.adjusted(-1, 0, 1, 0), pal.color(QPalette::Highlight));
            }
            const QRectF text = rect.intersected(QRectF(lane)).adjusted(4, 0, -3, 0);
            if (text.width() > 16) {
                QString caption = s->code.isEmpty() ? QObject::tr("unlabeled")
                                                    : (text.width() > fm.horizontalAdvance(s->code) + 40
                                                           ? s->code + ' ' + s->name : s->code);
                if (s->labelCount > 1)
                    caption += QStringLiteral(" +%1").arg(s->labelCount - 1);
                if (track.predictions && s->score >= 0)
                    caption += QStringLiteral(" %1").arg(s->score, 0, 'f', 2);
                p.setPen(Qt::black);
                p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(caption, Qt::ElideRight, int(text.width())));
            }
        }
        const TimelineWidget::DragState& d = w.m_drag;
        if (d.kind != TimelineWidget::Drag::None && d.kind != TimelineWidget::Drag::Scrub && d.track == t) {
            const QRectF rect = g.segmentRect(t, d.previewStart, d.previewEnd);
            QColor fill = d.original.colour.isValid() ? d.original.colour : track.colour;
            fill.setAlphaF(d.kind == TimelineWidget::Drag::Create ? 0.5 : 0.85);
            p.fillRect(rect, fill);
            p.setPen(QPen(pal.color(QPalette::Highlight), 2, Qt::DashLine));
            p.drawRect(rect.adjusted(1, 1, -1, -1));
        }
        p.restore();
    }
}

void TimelinePainter::paintMarkIn()
{
    if (!w.m_markIn || w.m_activeTrack < 0 || w.m_activeTrack >= w.m_model->trackCount())
        return;
    const TimelineGeometry g = w.geometry();
    const QRect lane = g.trackRect(w.m_activeTrack);
    const double x0 = g.xOfFrame(*w.m_markIn);
    const double x1 = g.xOfFrame(std::max(*w.m_markIn, w.m_playhead) + 1);
    QColor c = w.m_model->tracks()[w.m_activeTrack].colour;
    c.setAlphaF(0.3);
    p.save();
    p.setClipRect(lane);
    p.fillRect(QRectF(x0, lane.top() + 2, std::max(1.0, x1 - x0), lane.height() - 4), c);
    p.setPen(QPen(QColor(0, 150, 0), 2));
    p.drawLine(QPointF(x0, lane.top()), QPointF(x0, lane.bottom()));
    p.restore();
}

void TimelinePainter::paintOpenSegments()
{
    const TimelineGeometry g = w.geometry();
    const QFontMetrics fm(w.font());
    for (const TimelineOpenSegment& o : w.m_open) {
        if (o.track < 0 || o.track >= w.m_model->trackCount())
            continue;
        const QRect lane = g.trackRect(o.track);
        // Open: up to and including the playhead's frame, so it visibly grows while playing.
        const QRectF rect = g.segmentRect(o.track, o.startFrame, std::max(o.startFrame + 1, w.m_playhead + 1));
        QColor fill = o.colour.isValid() ? o.colour : w.m_model->tracks()[o.track].colour;
        fill.setAlphaF(0.55);
        p.save();
        p.setClipRect(lane);
        p.fillRect(rect, fill);
        p.setPen(QPen(QColor(200, 0, 0), 2, Qt::DashLine));
        p.drawRect(rect.adjusted(1, 1, -1, -1));
        const QRectF text = rect.intersected(QRectF(lane)).adjusted(4, 0, -3, 0);
        if (text.width() > 16) {
            p.setPen(Qt::black);
            p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(QStringLiteral("\u25CF ") + o.code, Qt::ElideRight, int(text.width())));
        }
        p.restore();
    }
}

void TimelinePainter::paintPlayhead()
{
    const TimelineGeometry g = w.geometry();
    const double x = g.xOfFrame(w.m_playhead + 0.5 * std::min(1.0, 1.0 / g.framesPerPixel));
    if (x < g.laneLeft() || x > w.width())
        return;
    const int bottom = g.tracksTop() + g.trackCount * TimelineGeometry::kTrackHeight;
    // The frame's own span is shaded when frames are wider than a few pixels.
    if (1.0 / g.framesPerPixel > 4)
        p.fillRect(QRectF(g.xOfFrame(w.m_playhead), 0, 1.0 / g.framesPerPixel, bottom), QColor(220, 40, 40, 40));
    p.setPen(QPen(QColor(220, 40, 40), 1.5));
    p.drawLine(QPointF(x, 0), QPointF(x, bottom));
    const QPointF handle[] = {{x - 6, 0}, {x + 6, 0}, {x, 9}};
    p.setBrush(QColor(220, 40, 40));
    p.drawPolygon(handle, 3);
}

} // namespace mas::ui
