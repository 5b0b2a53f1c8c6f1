#pragma once
// Inter-annotator agreement of the project: choose annotators (models count as "model:<version>")
// and the temporal IoU threshold; shows Cohen / Fleiss / Krippendorff on clip-level labels and on
// IoU-matched segments, overall, per body part and per class, the time-unit kappa (BORIS's, with a
// chosen time unit) beside them, each with its Landis & Koch band, and exports them (and the confusion
// between annotators) as CSV.
#include "exchange/ProjectExchange.h"

#include <QDialog>

class QDoubleSpinBox;
class QListWidget;
class QPlainTextEdit;

namespace mas::ui {

class AgreementDialog : public QDialog {
    Q_OBJECT
public:
    AgreementDialog(store::ProjectStore& store, QWidget* parent = nullptr);
    // Computes with the current choices (also the "Compute" button); false with the reason shown.
    bool compute();
    QString resultText() const;

private:
    void exportCsv();

    store::ProjectStore& m_store;
    QListWidget* m_raters;
    QDoubleSpinBox* m_iou;
    QDoubleSpinBox* m_bin;                                  // time unit of the time-unit kappa, seconds
    std::optional<exchange::TimeUnitAgreement> m_timeUnit;
    QPlainTextEdit* m_result;
    std::optional<exchange::ProjectAgreement> m_last;
};

} // namespace mas::ui
