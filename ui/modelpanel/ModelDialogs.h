#pragma once
// The Model dock's small dialogs: what a checkpoint holds before it is imported, a new model, and the
// options of a run (long-footage windows; the split plan, mode and split of fine-tune and evaluate).
// Each is a plain QDialog with named child widgets (tests drive them with keys and clicks).
// No mnemonics on A..G: Alt+<body-part letter> starts a class hotkey (PANELS.md).
#include "ModelCatalog.h"
#include "ModelJobRequest.h"
#include "store/StoreTypes.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace mas::ui {

// Shows inspectModelFile's summary; Import stays off (and the reason shows) for a file that is refused.
class ImportCheckpointDialog : public QDialog {
    Q_OBJECT
public:
    ImportCheckpointDialog(const worker::CheckpointSummary& summary, const QString& suggestedName, QWidget* parent = nullptr);
    QString versionName() const;
    bool activateAfterImport() const;
    // The summary as "label: value" lines (also what the dialog shows).
    static QList<QPair<QString, QString>> summaryRows(const worker::CheckpointSummary& summary);

private:
    QLineEdit* m_name = nullptr;
    QCheckBox* m_activate = nullptr;
};

class NewModelDialog : public QDialog {
    Q_OBJECT
public:
    // `backbones`: imported ImageNet backbone files (importedBackbones).
    NewModelDialog(const QStringList& backbones, const QString& suggestedName, QWidget* parent = nullptr);
    int depth() const;
    QString backboneFile() const; // "" : random weights
    QString versionName() const;
    int inputSize() const;

private:
    QComboBox* m_depth = nullptr;
    QComboBox* m_start = nullptr;
    QSpinBox* m_input = nullptr;
    QLineEdit* m_name = nullptr;
};

// Pre-label long footage: window, stride (frames) and threshold, starting from slidingWindowDefaults.
class FootageDialog : public QDialog {
    Q_OBJECT
public:
    FootageDialog(const worker::WindowDefaults& defaults, const QStringList& videoNames, QWidget* parent = nullptr);
    void applyTo(worker::ModelJobRequest& request) const;

private:
    QSpinBox* m_window = nullptr;
    QSpinBox* m_stride = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
};

// Fine-tune (plan, mode, epochs) or evaluate (plan, split). `plans`: the project's participant plans,
// newest last; none: "a hold-out is made and saved". "full" is offered only where CUDA is present.
class RunPlanDialog : public QDialog {
    Q_OBJECT
public:
    RunPlanDialog(worker::ModelJobKind kind, const QVector<store::SplitPlan>& plans, bool cudaAvailable,
                  QWidget* parent = nullptr);
    void applyTo(worker::ModelJobRequest& request) const;

private:
    worker::ModelJobKind m_kind;
    QComboBox* m_plan = nullptr;
    QComboBox* m_split = nullptr;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_epochs = nullptr;
};

} // namespace mas::ui
