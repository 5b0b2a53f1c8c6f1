#include "labeling/LiveCodingBar.h"

#include "player/PlayerController.h"
#include "timeline/TimelinePainter.h"
#include "timeline/TimelineStoreAdapter.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>

namespace mas::ui {

namespace {
constexpr char kOffsetKey[] = "labeling/reactionOffsetMs";
constexpr char kPointKey[] = "labeling/pointEventClasses";
constexpr char kLiveKey[] = "labeling/liveCoding";
} // namespace

LiveCodingBar::LiveCodingBar(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy, QSettings* settings,
                             QWidget* parent)
    : QWidget(parent), m_context(context), m_taxonomy(taxonomy), m_settings(settings),
      m_coder(new LiveCoder(context, undoStack, taxonomy, this))
{
    setObjectName(QStringLiteral("liveCodingBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_live = new QCheckBox(tr("Code live"), this);
    m_live->setObjectName(QStringLiteral("liveCoding"));
    m_live->setToolTip(tr("Class hotkeys start and stop a segment of the class at the playhead while the video plays "
                          "(several at once); Esc cancels the open ones"));
    layout->addWidget(m_live);
    layout->addWidget(new QLabel(tr("reaction"), this));
    m_offset = new QSpinBox(this);
    m_offset->setObjectName(QStringLiteral("reactionOffset"));
    m_offset->setRange(0, 3000);
    m_offset->setSingleStep(50);
    m_offset->setSuffix(tr(" ms"));
    m_offset->setToolTip(tr("Reaction offset: each press is placed this long before the frame on screen"));
    layout->addWidget(m_offset);
    m_openLabel = new QLabel(this);
    m_openLabel->setObjectName(QStringLiteral("liveOpen"));
    layout->addWidget(m_openLabel, 1);

    connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
        if (m_settings)
            m_settings->setValue(kLiveKey, on);
        Q_EMIT statusMessage(on ? tr("Live coding: class keys start and stop segments at the playhead")
                                : tr("Live coding off: class keys label the selected segment"));
    });
    connect(m_offset, &QSpinBox::valueChanged, this, [this](int ms) {
        m_coder->setReactionOffsetMs(ms);
        if (m_settings)
            m_settings->setValue(kOffsetKey, ms);
    });
    connect(m_coder, &LiveCoder::openSegmentsChanged, this, &LiveCodingBar::showOpen);
    connect(m_coder, &LiveCoder::statusMessage, this, &LiveCodingBar::statusMessage);
    reloadSettings();
    if (m_settings)
        m_live->setChecked(m_settings->value(kLiveKey, false).toBool());
    showOpen();
}

bool LiveCodingBar::isLive() const { return m_live->isChecked(); }
void LiveCodingBar::setLive(bool live) { m_live->setChecked(live); }

void LiveCodingBar::reloadSettings()
{
    if (!m_settings)
        return;
    m_offset->setValue(m_settings->value(kOffsetKey, 0).toInt());
    m_coder->setReactionOffsetMs(m_offset->value());
    QSet<int> point;
    for (const QString& code : m_settings->value(kPointKey).toStringList())
        if (const ActionClass* c = m_taxonomy.classByCode(code))
            point.insert(c->id);
    m_coder->setPointEventClasses(point);
}

void LiveCodingBar::setPointEvent(int classId, bool point)
{
    const ActionClass* c = m_taxonomy.classById(classId);
    if (!c)
        return;
    QStringList codes = m_settings ? m_settings->value(kPointKey).toStringList() : QStringList();
    codes.removeAll(c->code);
    if (point)
        codes << c->code;
    if (m_settings)
        m_settings->setValue(kPointKey, codes);
    QSet<int> ids;
    for (const QString& code : std::as_const(codes))
        if (const ActionClass* k = m_taxonomy.classByCode(code))
            ids.insert(k->id);
    m_coder->setPointEventClasses(ids);
}

void LiveCodingBar::attach(PlayerController& player, TimelineWidget& timeline, TimelineStoreAdapter& adapter,
                           QWidget* overlayHost, QAction* escape)
{
    m_player = &player;
    m_timeline = &timeline;
    m_adapter = &adapter;
    m_coder->setFrameSource([this] { return m_player ? m_player->currentFrame() : 0; });
    if (overlayHost) {
        m_overlay = new QLabel(overlayHost);
        m_overlay->setObjectName(QStringLiteral("liveCodingOverlay"));
        m_overlay->setAttribute(Qt::WA_TransparentForMouseEvents);
        m_overlay->setStyleSheet(QStringLiteral("QLabel { background: rgba(0, 0, 0, 170); color: white; padding: 4px 8px; "
                                                "border-radius: 4px; font-weight: bold; }"));
        m_overlay->hide();
        overlayHost->installEventFilter(this);
    }
    if (escape)
        connect(escape, &QAction::triggered, m_coder, [this] { m_coder->cancelOpen(); });
    connect(&player, &PlayerController::currentFrameChanged, this, [this] {
        if (!m_coder->openSegments().isEmpty())
            showOpen();
    });
    if (TimelineModel* model = timeline.model())
        connect(model, &TimelineModel::changed, this, &LiveCodingBar::syncVideo);
    syncVideo();
}

void LiveCodingBar::syncVideo()
{
    if (!m_adapter || !m_timeline || !m_timeline->model())
        return;
    const TimelineModel& model = *m_timeline->model();
    m_coder->setVideo(m_adapter->videoId(), model.frameCount(), model.fps());
}

bool LiveCodingBar::press(int classId)
{
    syncVideo();
    return m_coder->toggle(classId);
}

void LiveCodingBar::showOpen()
{
    const QVector<LiveCoder::OpenSegment>& open = m_coder->openSegments();
    const int now = m_player ? m_player->currentFrame() : 0;
    const double fps = m_player && m_player->fps() > 0 ? m_player->fps() : 30.0;
    QStringList codes, lines;
    QVector<TimelineOpenSegment> marks;
    for (const LiveCoder::OpenSegment& o : open) {
        const ActionClass* c = m_taxonomy.classById(o.classId);
        const BodyPart* part = m_taxonomy.bodyPart(o.bodyPartId);
        codes << c->code;
        lines << tr("\u25CF %1 %2 since %3").arg(c->code, c->name, timelineTimeCode(o.startFrame, fps));
        if (m_adapter)
            marks.push_back({m_adapter->trackOfBodyPart(o.bodyPartId), o.startFrame, c->code, part ? part->colour : QColor()});
    }
    Q_UNUSED(now);
    m_openLabel->setText(open.isEmpty() ? QString() : tr("open: %1").arg(codes.join(QLatin1Char(' '))));
    if (m_timeline)
        m_timeline->setOpenSegments(marks);
    if (m_overlay) {
        m_overlay->setText(lines.join(QLatin1Char('\n')));
        m_overlay->adjustSize();
        placeOverlay();
        m_overlay->setVisible(!open.isEmpty());
        m_overlay->raise();
    }
}

void LiveCodingBar::placeOverlay()
{
    // Bottom left: the top corners of the video carry the frame number and the labels under the playhead.
    if (auto* host = m_overlay ? m_overlay->parentWidget() : nullptr)
        m_overlay->move(8, std::max(8, host->height() - m_overlay->height() - 8));
}

bool LiveCodingBar::eventFilter(QObject* watched, QEvent* event)
{
    if (m_overlay && watched == m_overlay->parent() && event->type() == QEvent::Resize)
        placeOverlay();
    return QWidget::eventFilter(watched, event);
}

} // namespace mas::ui
