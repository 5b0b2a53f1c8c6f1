#pragma once
// Gives the open demo project a real model, in the background: on first launch a small MANet (ResNet-18
// at 112 px, random weights: kind "untrained") is made, fine-tuned (head) on the demo's confirmed
// segments with its split plan through the Model dock's normal runner (progress shows in the Model dock),
// which then pre-labels the unconfirmed segments with it; finally it is evaluated on the test split so the
// versions table shows real figures. Nothing is shown as a model's output unless a model produced it.
// Later launches find the fine-tuned version and do nothing.
#include "util/Result.h"

#include <QObject>

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

class ModelPanel;

class DemoModel : public QObject {
    Q_OBJECT
public:
    // `panel` runs the jobs (its runner); both must outlive this object (make it a child of the panel).
    DemoModel(store::ProjectStore& store, ModelPanel& panel);

    // True when the demo still needs its model trained (no fine-tuned version yet).
    static bool needed(store::ProjectStore& store);
    // Makes the untrained model when there is none and starts the fine-tune. Errors in words.
    Status start();

Q_SIGNALS:
    // The fine-tune and the evaluate are done (or one failed: `message` says why).
    void finished(bool ok, const QString& message);

private:
    store::ProjectStore& m_store;
    ModelPanel& m_panel;
    enum class Stage { Idle, FineTune, Evaluate } m_stage = Stage::Idle;
};

} // namespace mas::ui
