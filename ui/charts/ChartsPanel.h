#pragma once
// The charts dock (Qt Charts): class / body-part distribution by split and status, the
// model-vs-human confusion matrix (a click asks the review queue for those clips), training curves
// per epoch of a model version, and per-class F1 of the active model against human labels.
#include "charts/ChartData.h"

#include <QMetaType>
#include <QWidget>

class QChartView;
class QComboBox;
class QLabel;
class QTabWidget;

namespace mas::ui {

class ConfusionMatrixWidget;

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(store::ProjectStore& store, QWidget* parent = nullptr);

    ConfusionMatrixWidget* confusionMatrix() const { return m_matrix; }
    QTabWidget* tabs() const { return m_tabs; }
    const ConfusionMatrix& matrixData() const { return m_matrixData; }
    void setConfusionGrouping(ChartGrouping grouping);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void reviewFilterRequested(const mas::store::ClipFilter& filter);
    void statusMessage(const QString& text);

private:
    QWidget* buildDistributionTab();
    QWidget* buildConfusionTab();
    QWidget* buildTrainingTab();
    QWidget* buildF1Tab();
    void reloadDistribution();
    void reloadConfusion();
    void reloadTraining();
    void reloadF1();
    ChartGrouping grouping(const QComboBox* combo) const;

    store::ProjectStore& m_store;
    QTabWidget* m_tabs = nullptr;
    QComboBox* m_distributionGrouping = nullptr;
    QComboBox* m_split = nullptr;
    QChartView* m_distributionView = nullptr;
    QComboBox* m_confusionGrouping = nullptr;
    ConfusionMatrixWidget* m_matrix = nullptr;
    QLabel* m_confusionSummary = nullptr;
    ConfusionMatrix m_matrixData;
    QComboBox* m_version = nullptr;
    QChartView* m_trainingView = nullptr;
    QChartView* m_f1View = nullptr;
};

} // namespace mas::ui

Q_DECLARE_METATYPE(mas::store::ClipFilter)
