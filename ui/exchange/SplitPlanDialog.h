#pragma once
// The split planner: ratios, seed and a name for a new participant split of the project, planned and
// saved as a named plan; the report of any saved plan (counts per class and body part,
// participants, classes missing from a set, leakage), exportable as CSV.
#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

class SplitPlanDialog : public QDialog {
    Q_OBJECT
public:
    SplitPlanDialog(store::ProjectStore& store, QWidget* parent = nullptr);
    QString reportText() const;

Q_SIGNALS:
    void planSaved(const QString& name);

private:
    void planNow();
    void showPlan(int index);
    void exportCsv();
    void reloadPlans(const QString& select = {});

    store::ProjectStore& m_store;
    QLineEdit* m_name;
    QDoubleSpinBox* m_ratio[3];
    QSpinBox* m_seed;
    QComboBox* m_plans;
    QPlainTextEdit* m_report;
    QString m_csv;
};

} // namespace mas::ui
