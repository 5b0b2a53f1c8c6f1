#pragma once
// Fills a TimelineModel from the store for one video: tracks from the taxonomy's body parts, then
// "Unlabeled" (segments without a label and no body-part hint), then the active model's
// predictions. Reloads (coalesced on a zero-delay timer) when the EditContext reports a change
// to that video, so undo/redo and edits from other panels show at once.
#include "commands/EditContext.h"
#include "timeline/TimelineModel.h"

#include <QStringList>
#include <QTimer>

namespace mas::ui {

class TimelineStoreAdapter : public QObject {
    Q_OBJECT
public:
    TimelineStoreAdapter(EditContext& context, TimelineModel& model, QObject* parent = nullptr);

    void setVideo(store::Id videoId, int frameCount, double fps);
    store::Id videoId() const { return m_videoId; }

    int unlabeledTrack() const;
    int predictionsTrack() const;
    // The body part id a track stands for (-1 for Unlabeled and Predictions).
    int bodyPartOfTrack(int track) const;
    int trackOfBodyPart(int bodyPartId) const;
    // "A1 shaking body" for every human segment covering `frame` (for the video overlay).
    QStringList labelsAt(int frame) const;

public Q_SLOTS:
    void reload();      // now
    void scheduleReload(); // on the next event loop turn (many edits -> one reload)

Q_SIGNALS:
    void reloadFailed(const QString& message);

private:
    EditContext& m_context;
    TimelineModel& m_model;
    store::Id m_videoId = 0;
    QTimer m_reloadTimer;
};

} // namespace mas::ui
