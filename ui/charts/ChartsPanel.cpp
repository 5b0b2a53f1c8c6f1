#include "charts/ChartsPanel.h"

#include "charts/ConfusionMatrixWidget.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QStackedBarSeries>
#include <QTabWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace mas::ui {

namespace {
const QColor kStatusColours[] = {QColor(0x9e, 0x9e, 0x9e), QColor(0x42, 0xa5, 0xf5), QColor(0x43, 0xa0, 0x47),
                                 QColor(0xff, 0x98, 0x00), QColor(0xe5, 0x39, 0x35)};

QChartView* makeChartView(QWidget* parent, const QString& name)
{
    auto* view = new QChartView(new QChart, parent);
    view->setObjectName(name);
    view->setRenderHint(QPainter::Antialiasing);
    view->chart()->legend()->setAlignment(Qt::AlignBottom);
    view->chart()->setMargins(QMargins(4, 4, 4, 4));
    return view;
}

QComboBox* groupingCombo(QWidget* parent, const QString& name)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(name);
    combo->addItem(QObject::tr("Body parts"), int(ChartGrouping::BodyParts));
    combo->addItem(QObject::tr("Classes"), int(ChartGrouping::Classes));
    return combo;
}

void resetChart(QChart* chart, const QString& title)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    chart->setTitle(title);
}
} // namespace

ChartsPanel::ChartsPanel(store::ProjectStore& store, QWidget* parent) : QWidget(parent), m_store(store)
{
    setObjectName(QStringLiteral("chartsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_tabs = new QTabWidget(this);
    // No mnemonics on A..G: Alt+<body-part letter> starts a class hotkey (PANELS.md).
    m_tabs->addTab(buildDistributionTab(), tr("D&istribution"));
    m_tabs->addTab(buildConfusionTab(), tr("Co&nfusion"));
    m_tabs->addTab(buildTrainingTab(), tr("&Training"));
    m_tabs->addTab(buildF1Tab(), tr("Per-class F&1"));
    layout->addWidget(m_tabs);
    reload();
}

ChartGrouping ChartsPanel::grouping(const QComboBox* combo) const
{
    return ChartGrouping(combo->currentData().toInt());
}

QWidget* ChartsPanel::buildDistributionTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* controls = new QHBoxLayout;
    m_distributionGrouping = groupingCombo(tab, QStringLiteral("distributionGrouping"));
    m_split = new QComboBox(tab);
    m_split->setObjectName(QStringLiteral("splitCombo"));
    m_split->addItem(tr("All splits"), -1);
    for (store::SplitSet set : {store::SplitSet::Train, store::SplitSet::Val, store::SplitSet::Test})
        m_split->addItem(store::toString(set), int(set));
    m_split->setToolTip(tr("Split of the newest split plan"));
    controls->addWidget(new QLabel(tr("Group by"), tab));
    controls->addWidget(m_distributionGrouping);
    controls->addWidget(new QLabel(tr("Split"), tab));
    controls->addWidget(m_split);
    controls->addStretch();
    layout->addLayout(controls);
    m_distributionView = makeChartView(tab, QStringLiteral("distributionChart"));
    layout->addWidget(m_distributionView, 1);
    connect(m_distributionGrouping, &QComboBox::currentIndexChanged, this, &ChartsPanel::reloadDistribution);
    connect(m_split, &QComboBox::currentIndexChanged, this, &ChartsPanel::reloadDistribution);
    return tab;
}

QWidget* ChartsPanel::buildConfusionTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* controls = new QHBoxLayout;
    m_confusionGrouping = groupingCombo(tab, QStringLiteral("confusionGrouping"));
    m_confusionGrouping->setCurrentIndex(1); // classes: a click filters the queue exactly
    controls->addWidget(new QLabel(tr("Group by"), tab));
    controls->addWidget(m_confusionGrouping);
    m_confusionSummary = new QLabel(tab);
    controls->addWidget(m_confusionSummary, 1);
    layout->addLayout(controls);
    m_matrix = new ConfusionMatrixWidget(tab);
    layout->addWidget(m_matrix, 1);
    connect(m_confusionGrouping, &QComboBox::currentIndexChanged, this, &ChartsPanel::reloadConfusion);
    connect(m_matrix, &ConfusionMatrixWidget::cellClicked, this, [this](int human, int predicted) {
        const ChartGrouping g = grouping(m_confusionGrouping);
        Q_EMIT reviewFilterRequested(ChartData::filterForCell(m_matrixData, g, human, predicted));
        Q_EMIT statusMessage(tr("Review queue: human %1, predicted %2")
                                 .arg(m_matrixData.labels.value(human), m_matrixData.labels.value(predicted)));
    });
    return tab;
}

QWidget* ChartsPanel::buildTrainingTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* controls = new QHBoxLayout;
    m_version = new QComboBox(tab);
    m_version->setObjectName(QStringLiteral("versionCombo"));
    controls->addWidget(new QLabel(tr("Model version"), tab));
    controls->addWidget(m_version, 1);
    layout->addLayout(controls);
    m_trainingView = makeChartView(tab, QStringLiteral("trainingChart"));
    layout->addWidget(m_trainingView, 1);
    connect(m_version, &QComboBox::currentIndexChanged, this, &ChartsPanel::reloadTraining);
    return tab;
}

QWidget* ChartsPanel::buildF1Tab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_f1View = makeChartView(tab, QStringLiteral("f1Chart"));
    layout->addWidget(m_f1View, 1);
    return tab;
}

void ChartsPanel::setConfusionGrouping(ChartGrouping grouping)
{
    m_confusionGrouping->setCurrentIndex(m_confusionGrouping->findData(int(grouping)));
}

void ChartsPanel::reload()
{
    const QVariant version = m_version->currentData();
    m_version->blockSignals(true);
    m_version->clear();
    if (const auto versions = m_store.modelVersions(); versions.ok())
        for (const store::ModelVersion& v : versions.value())
            m_version->addItem(v.active ? tr("%1 (active)").arg(v.name) : v.name, QVariant::fromValue<qint64>(v.id));
    int index = m_version->findData(version);
    if (index < 0)
        if (const auto active = m_store.activeModelVersion())
            index = m_version->findData(QVariant::fromValue<qint64>(active->id));
    m_version->setCurrentIndex(std::max(0, index));
    m_version->blockSignals(false);
    reloadDistribution();
    reloadConfusion();
    reloadTraining();
}

void ChartsPanel::reloadDistribution()
{
    QChart* chart = m_distributionView->chart();
    const ChartGrouping g = grouping(m_distributionGrouping);
    resetChart(chart, tr("Segments per %1 and status").arg(g == ChartGrouping::Classes ? tr("class") : tr("body part")));
    const auto data = ChartData::distribution(m_store, g, m_split->currentData().toInt());
    if (!data.ok()) {
        Q_EMIT statusMessage(data.error());
        return;
    }
    auto* series = new QStackedBarSeries;
    int maximum = 0;
    QVector<int> totals(data->groupLabels.size(), 0);
    for (int s = 0; s < data->statusNames.size(); ++s) {
        auto* set = new QBarSet(data->statusNames[s]);
        set->setColor(kStatusColours[s % 5]);
        set->setBorderColor(kStatusColours[s % 5].darker(120));
        for (int i = 0; i < data->groupLabels.size(); ++i) {
            *set << data->counts[s][i];
            totals[i] += data->counts[s][i];
        }
        series->append(set);
    }
    for (int t : totals)
        maximum = std::max(maximum, t);
    series->setBarWidth(0.8);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(data->groupLabels);
    if (g == ChartGrouping::Classes)
        x->setLabelsAngle(-90);
    auto* y = new QValueAxis;
    y->setRange(0, std::max(1, maximum));
    y->setLabelFormat(QStringLiteral("%d"));
    y->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

std::optional<store::ModelVersion> ChartsPanel::activeVersion() const
{
    return m_store.activeModelVersion();
}

void ChartsPanel::reloadConfusion()
{
    const auto active = activeVersion();
    m_evaluation = active ? ChartData::lastEvaluation(active->metricsJson) : StoredEvaluation();
    const ChartGrouping g = grouping(m_confusionGrouping);
    if (m_evaluation.valid() && !m_evaluation.confusion.isEmpty()) {
        m_matrixData = ChartData::confusionFromEvaluation(m_store, g, m_evaluation);
    } else if (const auto data = ChartData::confusion(m_store, g); !data.ok()) {
        Q_EMIT statusMessage(data.error());
        m_matrixData = {};
    } else {
        m_matrixData = data.value();
    }
    m_matrix->setMatrix(m_matrixData.labels, m_matrixData.colours, m_matrixData.counts);
    int correct = 0;
    for (int i = 0; i < m_matrixData.counts.size(); ++i)
        correct += m_matrixData.counts[i][i];
    const QString agreement = m_matrixData.total ? QString::number(100.0 * correct / m_matrixData.total, 'f', 1) : QString();
    if (m_evaluation.valid() && !m_evaluation.confusion.isEmpty())
        m_confusionSummary->setText(tr("Last evaluate of %1 on the %2 split%3: %4 clips; top-1 agreement %5%")
                                        .arg(active->name, m_evaluation.split,
                                             m_evaluation.plan.isEmpty() ? QString() : tr(" (plan %1)").arg(m_evaluation.plan))
                                        .arg(m_matrixData.total).arg(agreement));
    else
        m_confusionSummary->setText(m_matrixData.total
                                        ? tr("Pre-labels of the active model on %1 confirmed clips (no evaluate stored); "
                                             "agreement %2%").arg(m_matrixData.total).arg(agreement)
                                        : tr("No evaluate stored and no confirmed clips with pre-labels of the active model yet"));
    reloadF1();
}

void ChartsPanel::showLiveTraining(const QJsonArray& epochs, const QString& jobName)
{
    m_liveActive = true;
    m_liveEpochs = epochs;
    m_liveJob = jobName;
    reloadTraining();
}

void ChartsPanel::endLiveTraining()
{
    if (!m_liveActive)
        return;
    m_liveActive = false;
    m_liveEpochs = {};
    reload();
}

void ChartsPanel::reloadTraining()
{
    if (m_liveActive) {
        drawCurves(ChartData::trainingCurves(m_liveEpochs),
                   tr("Live: %1, epoch %2").arg(m_liveJob).arg(m_liveEpochs.size()),
                   tr("Live: %1, waiting for its first epoch").arg(m_liveJob));
        return;
    }
    QString metrics, name;
    if (const auto versions = m_store.modelVersions(); versions.ok())
        for (const store::ModelVersion& v : versions.value())
            if (v.id == m_version->currentData().toLongLong()) {
                metrics = v.metricsJson;
                name = v.name;
            }
    drawCurves(ChartData::trainingCurves(metrics), tr("Training curves of %1").arg(name),
               tr("No per-epoch metrics recorded for this model version"));
}

void ChartsPanel::drawCurves(const TrainingCurves& curves, const QString& title, const QString& emptyTitle)
{
    QChart* chart = m_trainingView->chart();
    resetChart(chart, title);
    if (curves.epochs.isEmpty()) {
        chart->setTitle(emptyTitle);
        return;
    }
    // Losses on the left axis; accuracies and other [0, 1] figures on the right.
    auto* x = new QValueAxis;
    x->setTitleText(tr("epoch"));
    x->setLabelFormat(QStringLiteral("%d"));
    x->setRange(curves.epochs.first(), std::max(curves.epochs.first() + 1, curves.epochs.last()));
    x->setTickCount(std::min(11, int(curves.epochs.size()) + 1));
    auto* lossAxis = new QValueAxis;
    lossAxis->setTitleText(tr("loss"));
    auto* scoreAxis = new QValueAxis;
    scoreAxis->setTitleText(tr("score"));
    scoreAxis->setRange(0, 1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(lossAxis, Qt::AlignLeft);
    chart->addAxis(scoreAxis, Qt::AlignRight);
    double lossMax = 0;
    bool anyScore = false;
    for (auto it = curves.series.cbegin(); it != curves.series.cend(); ++it) {
        auto* line = new QLineSeries;
        line->setName(it.key());
        line->setPointsVisible(true);
        const bool isLoss = it.key().contains(QLatin1String("loss"));
        for (int i = 0; i < curves.epochs.size(); ++i)
            if (!std::isnan(it.value()[i])) {
                line->append(curves.epochs[i], it.value()[i]);
                if (isLoss)
                    lossMax = std::max(lossMax, it.value()[i]);
            }
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(isLoss ? lossAxis : scoreAxis);
        anyScore = anyScore || !isLoss;
    }
    lossAxis->setRange(0, lossMax > 0 ? lossMax * 1.1 : 1);
    lossAxis->applyNiceNumbers();
    scoreAxis->setVisible(anyScore);
}

void ChartsPanel::reloadF1()
{
    QChart* chart = m_f1View->chart();
    const Taxonomy& taxonomy = m_store.taxonomy();
    QVector<double> f1;
    QStringList labels;
    QVector<int> ids;
    const auto active = activeVersion();
    if (m_evaluation.valid() && !m_evaluation.perClassF1.isEmpty()) {
        resetChart(chart, tr("Per-class F1 of %1 on the %2 split (last evaluate, %3 clips)")
                              .arg(active ? active->name : QString(), m_evaluation.split).arg(m_evaluation.clips));
        for (const ActionClass& c : taxonomy.classes()) {
            ids << c.id;
            labels << c.code;
            f1 << (c.id < m_evaluation.perClassF1.size() ? m_evaluation.perClassF1[c.id]
                                                         : std::numeric_limits<double>::quiet_NaN());
        }
    } else {
        resetChart(chart, tr("Per-class F1 of the active model's pre-labels against human labels (no evaluate stored)"));
        const auto classes = ChartData::confusion(m_store, ChartGrouping::Classes);
        if (!classes.ok() || classes->total == 0) {
            chart->setTitle(tr("No evaluate stored and no confirmed clips with pre-labels of the active model yet"));
            return;
        }
        f1 = ChartData::perClassF1(classes.value());
        labels = classes->labels;
        ids = classes->ids;
    }
    // One bar set per body part (zero elsewhere) so each bar wears its body part's colour.
    auto* series = new QStackedBarSeries;
    for (const BodyPart& part : taxonomy.bodyParts()) {
        auto* set = new QBarSet(part.name);
        set->setColor(part.colour);
        set->setBorderColor(part.colour.darker(130));
        for (int i = 0; i < ids.size(); ++i)
            *set << ((taxonomy.bodyPartOfClass(ids[i]) == part.id && !std::isnan(f1[i])) ? f1[i] : 0.0);
        series->append(set);
    }
    series->setBarWidth(0.85);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(labels);
    x->setLabelsAngle(-90);
    auto* y = new QValueAxis;
    y->setRange(0, 1);
    y->setTitleText(tr("F1"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace mas::ui
