#pragma once
// The labeling panel's live-coding row: "Code live" (class hotkeys then start/stop state events at
// the playhead instead of labelling the selected segment), the reaction offset in milliseconds
// (subtracted from every press; saved as "labeling/reactionOffsetMs"), and what is open. Attached to
// the player, the timeline (open segments grow there) and a host widget for the overlay that lists
// the open segments over the video. Point-event classes are saved as "labeling/pointEventClasses".
#include "labeling/LiveCoding.h"
#include "player/PlayerController.h"
#include "timeline/TimelineWidget.h"

#include <QLabel>
#include <QPointer>
#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QSettings;
class QSpinBox;

namespace mas::ui {

class TimelineStoreAdapter;

class LiveCodingBar : public QWidget {
    Q_OBJECT
public:
    LiveCodingBar(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy, QSettings* settings,
                  QWidget* parent = nullptr);

    LiveCoder& coder() { return *m_coder; }
    bool isLive() const;
    void setLive(bool live);
    QCheckBox* liveBox() const { return m_live; }
    QSpinBox* offsetBox() const { return m_offset; }
    // The overlay over the video (null before attach()).
    QLabel* overlay() const { return m_overlay; }

    // `escape` (the window's Esc action) also cancels the open segments.
    void attach(PlayerController& player, TimelineWidget& timeline, TimelineStoreAdapter& adapter, QWidget* overlayHost,
                QAction* escape);
    // A class hotkey in live mode.
    bool press(int classId);
    // Re-reads offset and point-event classes from the settings.
    void reloadSettings();
    void setPointEvent(int classId, bool point);

Q_SIGNALS:
    void statusMessage(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void syncVideo();
    void showOpen();
    void placeOverlay();

    EditContext& m_context;
    const Taxonomy& m_taxonomy;
    QSettings* m_settings;
    LiveCoder* m_coder;
    QCheckBox* m_live = nullptr;
    QSpinBox* m_offset = nullptr;
    QLabel* m_openLabel = nullptr;
    QPointer<QLabel> m_overlay;
    QPointer<PlayerController> m_player;
    QPointer<TimelineWidget> m_timeline;
    TimelineStoreAdapter* m_adapter = nullptr;
};

} // namespace mas::ui
