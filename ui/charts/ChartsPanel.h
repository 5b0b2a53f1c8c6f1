#pragma once
// The charts dock (Qt Charts): class / body-part distribution by split and status, the
// model-vs-human confusion matrix (a click asks the review queue for those clips), training curves
// per epoch of a model version, and per-class F1 of the active model against human labels.
#include "charts/ChartData.h"

#include <QJsonArray>
#include <QMetaType>
#include <QWidget>

#include <optional>

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

    // What the confusion and F1 tabs show: the active version's last stored evaluation, or (none stored)
    // its pre-labels against the confirmed labels.
    const StoredEvaluation& shownEvaluation() const { return m_evaluation; }
    bool isShowingLiveTraining() const { return m_liveActive; }

public Q_SLOTS:
    void reload();
    // While a fine-tune runs: its per-epoch history so far (JobProgress::epochs), drawn at once.
    void showLiveTraining(const QJsonArray& epochs, const QString& jobName);
    // The run ended: back to the stored curves of the selected version.
    void endLiveTraining();

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
    void drawCurves(const TrainingCurves& curves, const QString& title, const QString& emptyTitle);
    std::optional<store::ModelVersion> activeVersion() const;

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
    StoredEvaluation m_evaluation;
    bool m_liveActive = false;
    QJsonArray m_liveEpochs;
    QString m_liveJob;
};

} // namespace mas::ui

Q_DECLARE_METATYPE(mas::store::ClipFilter)
