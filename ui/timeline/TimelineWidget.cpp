#include "timeline/TimelineWidget.h"

#include "timeline/TimelinePainter.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QShortcut>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace mas::ui {

TimelineWidget::TimelineWidget(QWidget* parent) : QWidget(parent), m_scrollBar(new QScrollBar(Qt::Horizontal, this))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Timeline"));
    setToolTip(QString()); // tooltips come from event(): they describe the segment under the mouse
    connect(m_scrollBar, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncingScrollBar)
            setFirstVisibleFrame(value);
    });
    // Segment by segment along the active track, wherever the focus is in the window.
    auto* next = new QShortcut(QKeySequence(Qt::Key_PageDown), this, nullptr, nullptr, Qt::WindowShortcut);
    connect(next, &QShortcut::activated, this, &TimelineWidget::jumpToNextSegment);
    auto* previous = new QShortcut(QKeySequence(Qt::Key_PageUp), this, nullptr, nullptr, Qt::WindowShortcut);
    connect(previous, &QShortcut::activated, this, &TimelineWidget::jumpToPreviousSegment);
}

void TimelineWidget::setModel(TimelineModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model)
        connect(m_model, &TimelineModel::changed, this, &TimelineWidget::onModelChanged);
    m_fittedOnce = false;
    onModelChanged();
}

void TimelineWidget::onModelChanged()
{
    if (m_model && !m_fittedOnce && m_model->frameCount() > 0) {
        m_fittedOnce = true;
        fitAll();
    }
    // Drop selected ids that no longer exist (deleted, merged, undone creations).
    if (m_model) {
        QList<qint64> kept;
        for (qint64 id : m_selected)
            if (m_model->segment(id))
                kept << id;
        if (kept != m_selected) {
            m_selected = kept;
            Q_EMIT selectionChanged(m_selected);
        }
    }
    clampView();
    syncScrollBar();
    update();
}

TimelineGeometry TimelineWidget::geometry() const
{
    TimelineGeometry g;
    g.width = width();
    g.trackCount = m_model ? m_model->trackCount() : 0;
    g.frameCount = m_model ? m_model->frameCount() : 0;
    g.firstFrame = m_firstFrame;
    g.framesPerPixel = m_framesPerPixel;
    return g;
}

void TimelineWidget::setThumbnails(QVector<Thumbnail> thumbnails)
{
    m_thumbnails = std::move(thumbnails);
    update();
}

void TimelineWidget::setWaveform(Waveform waveform, double audioStartSeconds)
{
    m_waveform = std::move(waveform);
    m_audioStartSeconds = audioStartSeconds;
    update();
}

QSize TimelineWidget::sizeHint() const
{
    return {900, geometry().contentHeight()};
}

QSize TimelineWidget::minimumSizeHint() const
{
    return {300, geometry().contentHeight()};
}

void TimelineWidget::setPlayhead(int frame)
{
    if (m_model)
        frame = geometry().clampFrame(frame);
    if (frame == m_playhead)
        return;
    m_playhead = frame;
    // Page along when the playhead leaves the view (not while the user drags it on the ruler).
    if (m_drag.kind != Drag::Scrub) {
        const TimelineGeometry g = geometry();
        if (frame < g.firstFrame || frame + 1 > g.lastVisibleFrame())
            setFirstVisibleFrame(frame - 0.1 * g.laneWidth() * m_framesPerPixel);
    }
    update();
}

void TimelineWidget::setSelectedSegments(const QList<qint64>& ids)
{
    if (ids == m_selected)
        return;
    m_selected = ids;
    update();
    Q_EMIT selectionChanged(m_selected);
}

void TimelineWidget::setActiveTrack(int track)
{
    if (!m_model || track < 0 || track >= m_model->trackCount() || m_model->tracks()[track].predictions
        || track == m_activeTrack)
        return;
    m_activeTrack = track;
    update();
    Q_EMIT activeTrackChanged(track);
}

bool TimelineWidget::jumpToNextSegment()
{
    if (!m_model)
        return false;
    const std::optional<TimelineSegment> s = m_model->nextSegment(m_activeTrack, m_playhead);
    if (!s)
        return false;
    setSelectedSegments({s->id});
    Q_EMIT selectionChanged(m_selected);
    setPlayhead(s->startFrame);
    Q_EMIT playheadScrubbed(s->startFrame);
    return true;
}

bool TimelineWidget::jumpToPreviousSegment()
{
    if (!m_model)
        return false;
    const std::optional<TimelineSegment> s = m_model->previousSegment(m_activeTrack, m_playhead);
    if (!s)
        return false;
    setSelectedSegments({s->id});
    Q_EMIT selectionChanged(m_selected);
    setPlayhead(s->startFrame);
    Q_EMIT playheadScrubbed(s->startFrame);
    return true;
}

void TimelineWidget::setOpenSegments(const QVector<TimelineOpenSegment>& open)
{
    m_open = open;
    update();
}

void TimelineWidget::setMarkIn(std::optional<int> frame)
{
    m_markIn = frame;
    update();
}

double TimelineWidget::minFramesPerPixel() const
{
    return 1.0 / 40.0; // 40 px per frame at most
}

double TimelineWidget::maxFramesPerPixel() const
{
    const int frames = m_model ? std::max(1, m_model->frameCount()) : 1;
    return std::max(minFramesPerPixel(), 1.05 * frames / geometry().laneWidth());
}

void TimelineWidget::setFramesPerPixel(double framesPerPixel)
{
    const double fpp = std::clamp(framesPerPixel, minFramesPerPixel(), maxFramesPerPixel());
    const double anchorX = geometry().xOfFrame(m_playhead);
    const bool anchorVisible = anchorX >= geometry().laneLeft() && anchorX <= width();
    const double anchorFrame = anchorVisible ? m_playhead : m_firstFrame + 0.5 * geometry().laneWidth() * m_framesPerPixel;
    const double anchorOffset = anchorVisible ? anchorX - geometry().laneLeft() : 0.5 * geometry().laneWidth();
    m_framesPerPixel = fpp;
    m_firstFrame = anchorFrame - anchorOffset * fpp;
    clampView();
    syncScrollBar();
    update();
    Q_EMIT viewChanged();
}

void TimelineWidget::setFirstVisibleFrame(double frame)
{
    m_firstFrame = frame;
    clampView();
    syncScrollBar();
    update();
    Q_EMIT viewChanged();
}

void TimelineWidget::zoomIn() { setFramesPerPixel(m_framesPerPixel / 1.5); }
void TimelineWidget::zoomOut() { setFramesPerPixel(m_framesPerPixel * 1.5); }

void TimelineWidget::fitAll()
{
    if (!m_model)
        return;
    fitRange(0, std::max(1, m_model->frameCount()));
}

void TimelineWidget::fitRange(int startFrame, int endFrame)
{
    const int span = std::max(1, endFrame - startFrame);
    const double margin = span * 0.02;
    m_framesPerPixel = std::clamp((span + 2 * margin) / geometry().laneWidth(), minFramesPerPixel(), maxFramesPerPixel());
    m_firstFrame = startFrame - margin;
    clampView();
    syncScrollBar();
    update();
    Q_EMIT viewChanged();
}

void TimelineWidget::clampView()
{
    // A small margin is allowed on either side so the first and last frames are easy to grab.
    const int frames = m_model ? m_model->frameCount() : 0;
    const double visible = geometry().laneWidth() * m_framesPerPixel;
    const double lowest = -0.05 * visible;
    const double highest = std::max(lowest, frames - 0.95 * visible);
    m_firstFrame = std::clamp(m_firstFrame, lowest, highest);
}

void TimelineWidget::syncScrollBar()
{
    const int frames = m_model ? m_model->frameCount() : 0;
    const int visible = int(geometry().laneWidth() * m_framesPerPixel);
    m_syncingScrollBar = true;
    m_scrollBar->setRange(0, std::max(0, frames - visible));
    m_scrollBar->setPageStep(std::max(1, visible));
    m_scrollBar->setSingleStep(std::max(1, visible / 10));
    m_scrollBar->setValue(int(std::max(0.0, m_firstFrame)));
    m_scrollBar->setVisible(frames > visible);
    m_syncingScrollBar = false;
}

void TimelineWidget::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    TimelinePainter(*this, painter).paint(event->rect());
}

void TimelineWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    m_scrollBar->setGeometry(TimelineGeometry::kHeaderWidth, height() - TimelineGeometry::kScrollBarHeight,
                             width() - TimelineGeometry::kHeaderWidth, TimelineGeometry::kScrollBarHeight);
    if (m_model && m_model->frameCount() > 0 && m_framesPerPixel > maxFramesPerPixel())
        fitAll();
    clampView();
    syncScrollBar();
}

void TimelineWidget::mousePressEvent(QMouseEvent* event)
{
    if (!m_model || event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    const TimelineHit hit = hitTestTimeline(*m_model, geometry(), event->position().toPoint());
    const bool additive = event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    m_drag = DragState{};
    m_drag.track = hit.track;
    m_drag.pressFrame = hit.frame;
    m_drag.pressBoundary = hit.boundary;
    const bool readOnlyTrack = hit.track >= 0 && m_model->tracks()[hit.track].predictions;
    switch (hit.kind) {
    case TimelineHit::Nothing:
        break;
    case TimelineHit::TrackHeader:
        setActiveTrack(hit.track);
        break;
    case TimelineHit::Ruler:
    case TimelineHit::Strip:
        m_drag.kind = Drag::Scrub;
        setPlayhead(hit.frame);
        Q_EMIT playheadScrubbed(hit.frame);
        break;
    case TimelineHit::EmptyLane:
        if (!additive)
            setSelectedSegments({});
        setActiveTrack(hit.track);
        if (!readOnlyTrack) {
            m_drag.kind = Drag::Create;
            m_drag.original.track = hit.track;
            m_drag.previewStart = hit.frame;
            m_drag.previewEnd = hit.frame + 1;
        }
        break;
    case TimelineHit::SegmentBody:
    case TimelineHit::SegmentStartEdge:
    case TimelineHit::SegmentEndEdge: {
        QList<qint64> sel = additive ? m_selected : QList<qint64>{};
        if (additive && sel.contains(hit.segmentId))
            sel.removeAll(hit.segmentId);
        else if (!sel.contains(hit.segmentId))
            sel << hit.segmentId;
        setSelectedSegments(sel);
        setActiveTrack(hit.track);
        if (additive || readOnlyTrack)
            break;
        m_drag.original = *m_model->segment(hit.segmentId);
        m_drag.previewStart = m_drag.original.startFrame;
        m_drag.previewEnd = m_drag.original.endFrame;
        m_drag.kind = hit.kind == TimelineHit::SegmentBody ? Drag::Move
                    : hit.kind == TimelineHit::SegmentStartEdge ? Drag::ResizeStart : Drag::ResizeEnd;
        break;
    }
    }
    update();
}

void TimelineWidget::updateDragPreview(QPoint pos)
{
    const TimelineGeometry g = geometry();
    const int frame = g.frameAtX(pos.x());
    const int boundary = g.boundaryAtX(pos.x());
    const int frames = std::max(1, g.frameCount);
    DragState& d = m_drag;
    switch (d.kind) {
    case Drag::None:
        return;
    case Drag::Scrub:
        if (frame != m_playhead) {
            setPlayhead(frame);
            Q_EMIT playheadScrubbed(frame);
        }
        return;
    case Drag::Create:
        d.previewStart = std::min(d.pressFrame, frame);
        d.previewEnd = std::max(d.pressFrame, frame) + 1;
        break;
    case Drag::Move: {
        const int length = d.original.endFrame - d.original.startFrame;
        d.previewStart = std::clamp(d.original.startFrame + (frame - d.pressFrame), 0, std::max(0, frames - length));
        d.previewEnd = d.previewStart + length;
        break;
    }
    case Drag::ResizeStart:
        d.previewStart = std::clamp(boundary, 0, d.original.endFrame - 1);
        d.previewEnd = d.original.endFrame;
        break;
    case Drag::ResizeEnd:
        d.previewStart = d.original.startFrame;
        d.previewEnd = std::clamp(boundary, d.original.startFrame + 1, frames);
        break;
    }
    d.moved = d.moved || (d.kind == Drag::Create ? frame != d.pressFrame
                                                 : (d.previewStart != d.original.startFrame || d.previewEnd != d.original.endFrame));
    update();
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_model)
        return;
    if (m_drag.kind != Drag::None) {
        updateDragPreview(event->position().toPoint());
        return;
    }
    const TimelineHit hit = hitTestTimeline(*m_model, geometry(), event->position().toPoint());
    const bool readOnly = hit.track >= 0 && m_model->tracks()[hit.track].predictions;
    if (!readOnly && (hit.kind == TimelineHit::SegmentStartEdge || hit.kind == TimelineHit::SegmentEndEdge))
        setCursor(Qt::SizeHorCursor);
    else if (!readOnly && hit.kind == TimelineHit::SegmentBody)
        setCursor(Qt::OpenHandCursor);
    else if (hit.kind == TimelineHit::Ruler || hit.kind == TimelineHit::Strip)
        setCursor(Qt::IBeamCursor);
    else
        unsetCursor();
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_drag.kind == Drag::None)
        return QWidget::mouseReleaseEvent(event);
    updateDragPreview(event->position().toPoint());
    finishDrag();
}

void TimelineWidget::finishDrag()
{
    const DragState d = m_drag;
    m_drag = DragState{};
    update();
    switch (d.kind) {
    case Drag::None:
    case Drag::Scrub:
        return;
    case Drag::Create:
        if (d.moved)
            Q_EMIT createSegmentRequested(d.track, d.previewStart, d.previewEnd);
        else {
            setPlayhead(d.pressFrame);
            Q_EMIT playheadScrubbed(d.pressFrame);
        }
        return;
    case Drag::Move:
    case Drag::ResizeStart:
    case Drag::ResizeEnd:
        if (d.moved && (d.previewStart != d.original.startFrame || d.previewEnd != d.original.endFrame))
            Q_EMIT segmentSpanRequested(d.original.id, d.previewStart, d.previewEnd);
        return;
    }
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    // Double click on a segment: select it and put the playhead on its first frame.
    if (!m_model)
        return;
    const TimelineHit hit = hitTestTimeline(*m_model, geometry(), event->position().toPoint());
    if (hit.segmentId != 0) {
        if (auto s = m_model->segment(hit.segmentId)) {
            setPlayhead(s->startFrame);
            Q_EMIT playheadScrubbed(s->startFrame);
        }
    }
}

void TimelineWidget::wheelEvent(QWheelEvent* event)
{
    const QPoint delta = event->angleDelta();
    const int steps = (std::abs(delta.y()) >= std::abs(delta.x()) ? delta.y() : delta.x());
    if (event->modifiers() & Qt::ControlModifier) {
        // Zoom around the frame under the mouse.
        const TimelineGeometry g = geometry();
        const double x = std::max<double>(g.laneLeft(), event->position().x());
        const double anchor = g.firstFrame + (x - g.laneLeft()) * g.framesPerPixel;
        const double factor = std::pow(1.25, -steps / 120.0);
        m_framesPerPixel = std::clamp(m_framesPerPixel * factor, minFramesPerPixel(), maxFramesPerPixel());
        m_firstFrame = anchor - (x - g.laneLeft()) * m_framesPerPixel;
        clampView();
        syncScrollBar();
        update();
        Q_EMIT viewChanged();
    } else {
        setFirstVisibleFrame(m_firstFrame - steps / 120.0 * 0.1 * geometry().laneWidth() * m_framesPerPixel);
    }
    event->accept();
}

bool TimelineWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto* help = static_cast<QHelpEvent*>(event);
        const TimelineHit hit = hitTestTimeline(*m_model, geometry(), help->pos());
        if (auto s = hit.segmentId ? m_model->segment(hit.segmentId) : std::nullopt) {
            const double fps = m_model->fps();
            QString text = s->code.isEmpty() ? tr("Unlabeled segment") : s->code + ' ' + s->name;
            if (s->score >= 0)
                text += tr(" (score %1)").arg(s->score, 0, 'f', 2);
            text += tr("\nFrames %1-%2 (%3 frames, %4 s)")
                        .arg(s->startFrame).arg(s->endFrame - 1).arg(s->endFrame - s->startFrame)
                        .arg((s->endFrame - s->startFrame) / fps, 0, 'f', 2);
            QToolTip::showText(help->globalPos(), text, this);
        } else if (hit.kind == TimelineHit::TrackHeader) {
            QToolTip::showText(help->globalPos(), tr("Click to make this the track for new segments (I / O keys)"), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace mas::ui
