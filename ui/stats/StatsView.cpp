#include "stats/StatsView.h"

#include "exchange/AtomicFile.h"
#include "store/ProjectStore.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace mas::ui {

using namespace mas::stats;
using store::LabelStatus;

namespace {

constexpr int kMaxChartGroups = 8;  // more bar sets than this are unreadable; the table has them all
constexpr int kMaxChartBars = 24;

// The measure a table column shows, NaN when unknown.
double valueOf(const BehaviourMeasures& m, int column)
{
    switch (column) {
    case StatsView::Count: return m.count;
    case StatsView::Total: return m.totalSeconds;
    case StatsView::Mean: return m.meanSeconds;
    case StatsView::Median: return m.medianSeconds;
    case StatsView::Rate: return m.ratePerMinute;
    case StatsView::Proportion: return m.proportion;
    case StatsView::Latency: return m.latencySeconds;
    default: return std::nan("");
    }
}

QStandardItem* numberItem(double value, int decimals)
{
    auto* item = new QStandardItem;
    if (std::isnan(value)) {
        item->setData(QStringLiteral("–"), Qt::DisplayRole);
        item->setData(-1e300, Qt::UserRole); // unknown values sort first
    } else {
        item->setData(QString::number(value, 'f', decimals), Qt::DisplayRole);
        item->setData(value, Qt::UserRole);
    }
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setEditable(false);
    return item;
}

QStandardItem* textItem(const QString& text)
{
    auto* item = new QStandardItem(text);
    item->setData(text, Qt::UserRole);
    item->setEditable(false);
    return item;
}

} // namespace

StatsView::StatsView(store::ProjectStore& store, QWidget* parent) : QWidget(parent), m_store(store)
{
    setObjectName(QStringLiteral("statsView"));
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Group by:"), this));
    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName(QStringLiteral("statsGroupBy"));
    for (GroupBy g : {GroupBy::All, GroupBy::Participant, GroupBy::Video, GroupBy::Annotator, GroupBy::Split})
        m_groupBy->addItem(toString(g), int(g));
    filters->addWidget(m_groupBy);
    filters->addSpacing(12);
    filters->addWidget(new QLabel(tr("Labels:"), this));
    for (int s = 0; s < 4; ++s) {
        m_status[s] = new QCheckBox(store::toString(LabelStatus(s)), this);
        m_status[s]->setChecked(LabelStatus(s) != LabelStatus::Rejected);
        filters->addWidget(m_status[s]);
        connect(m_status[s], &QCheckBox::toggled, this, &StatsView::recompute);
    }
    filters->addSpacing(12);
    filters->addWidget(new QLabel(tr("Annotator:"), this));
    m_annotator = new QComboBox(this);
    m_annotator->setObjectName(QStringLiteral("statsAnnotator"));
    filters->addWidget(m_annotator);
    m_bodyParts = new QCheckBox(tr("Body parts only"), this);
    filters->addWidget(m_bodyParts);
    filters->addStretch();
    layout->addLayout(filters);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels({tr("Group"), tr("Code"), tr("Behaviour"), tr("Count"), tr("Total (s)"), tr("Mean (s)"),
                                        tr("Median (s)"), tr("Rate (/min)"), tr("Proportion"), tr("Latency (s)")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_proxy->setFilterKeyColumn(Code);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("statsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(Group, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto* chartBox = new QWidget(splitter);
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* chartControls = new QHBoxLayout;
    chartControls->addWidget(new QLabel(tr("Chart:"), chartBox));
    m_measure = new QComboBox(chartBox);
    m_measure->setObjectName(QStringLiteral("statsMeasure"));
    for (int c = Count; c < ColumnCount; ++c)
        m_measure->addItem(m_model->headerData(c, Qt::Horizontal).toString(), c);
    chartControls->addWidget(m_measure);
    chartControls->addStretch();
    chartLayout->addLayout(chartControls);
    m_chart = new QChartView(new QChart, chartBox);
    m_chart->setObjectName(QStringLiteral("statsChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(220);
    m_chart->chart()->legend()->setAlignment(Qt::AlignBottom);
    chartLayout->addWidget(m_chart);
    splitter->addWidget(m_table);
    splitter->addWidget(chartBox);
    layout->addWidget(splitter, 1);
    m_notes = new QLabel(this);
    m_notes->setWordWrap(true);
    layout->addWidget(m_notes);

    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &StatsView::recompute);
    connect(m_annotator, &QComboBox::currentIndexChanged, this, &StatsView::recompute);
    connect(m_measure, &QComboBox::currentIndexChanged, this, &StatsView::drawChart);
    connect(m_bodyParts, &QCheckBox::toggled, this, [this] {
        fillTable();
        drawChart();
    });
    reloadAnnotators();
    recompute();
}

void StatsView::reloadAnnotators()
{
    const QSignalBlocker block(m_annotator);
    const QString current = m_annotator->currentData().toString();
    m_annotator->clear();
    m_annotator->addItem(tr("all people"), QString());
    m_annotator->addItem(tr("all, models too"), QStringLiteral("*"));
    if (Result<QVector<store::Annotator>> annotators = m_store.annotators(); annotators.ok())
        for (const store::Annotator& a : annotators.value())
            m_annotator->addItem(a.name, a.name);
    m_annotator->setCurrentIndex(std::max(0, m_annotator->findData(current)));
}

StatsOptions StatsView::options() const
{
    StatsOptions o;
    o.groupBy = GroupBy(m_groupBy->currentData().toInt());
    o.statuses.clear();
    for (int s = 0; s < 4; ++s)
        if (m_status[s]->isChecked())
            o.statuses << LabelStatus(s);
    const QString annotator = m_annotator->currentData().toString();
    o.includeModels = annotator == QLatin1String("*");
    if (!annotator.isEmpty() && !o.includeModels)
        o.annotators = {annotator};
    return o;
}

void StatsView::recompute()
{
    Result<StatsReport> report = projectStats(m_store, options());
    if (!report.ok()) {
        m_report = {};
        m_notes->setText(report.error());
    } else {
        m_report = report.value();
        m_notes->setText(m_report.notes.join(QLatin1Char('\n')));
    }
    fillTable();
    drawChart();
}

void StatsView::fillTable()
{
    m_model->removeRows(0, m_model->rowCount());
    for (const BehaviourMeasures& m : std::as_const(m_report.rows)) {
        if (m_bodyParts->isChecked() != m.isBodyPart())
            continue;
        QList<QStandardItem*> row{textItem(m.group), textItem(m.isBodyPart() ? m.code + QStringLiteral(" (body part)") : m.code),
                                  textItem(m.name)};
        for (int c = Count; c < ColumnCount; ++c)
            row << numberItem(valueOf(m, c), c == Count ? 0 : (c == Proportion ? 3 : 2));
        m_model->appendRow(row);
    }
}

void StatsView::drawChart()
{
    QChart* chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    const int column = m_measure->currentData().toInt();
    chart->setTitle(tr("%1 per %2").arg(m_measure->currentText(), m_bodyParts->isChecked() ? tr("body part") : tr("class")));
    // Categories: classes (or body parts) in id order; one bar set per group.
    QMap<int, QString> categories;
    QMap<QString, QMap<int, double>> valueOfGroup;
    for (const BehaviourMeasures& m : std::as_const(m_report.rows)) {
        if (m_bodyParts->isChecked() != m.isBodyPart())
            continue;
        const int key = m.isBodyPart() ? m.bodyPartId : m.classId;
        categories.insert(key, m.code);
        const double v = valueOf(m, column);
        valueOfGroup[m.group].insert(key, std::isnan(v) ? 0.0 : v);
    }
    while (categories.size() > kMaxChartBars)
        categories.erase(std::prev(categories.end()));
    auto* series = new QBarSeries;
    double top = 0;
    int groups = 0;
    for (auto g = valueOfGroup.cbegin(); g != valueOfGroup.cend() && groups < kMaxChartGroups; ++g, ++groups) {
        auto* set = new QBarSet(g.key());
        for (auto c = categories.cbegin(); c != categories.cend(); ++c) {
            const double v = g->value(c.key(), 0.0);
            *set << v;
            top = std::max(top, v);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories.values());
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = new QValueAxis;
    if (column == Count && top <= 10) { // whole numbers on the axis of counts
        y->setRange(0, top + 1);
        y->setTickCount(int(top) + 2);
        y->setLabelFormat(QStringLiteral("%.0f"));
    } else {
        y->setRange(0, top > 0 ? top * 1.1 : 1.0);
    }
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    chart->legend()->setVisible(groups > 1);
}

Status StatsView::exportCsv(const QString& path) const
{
    return exchange::writeFileAtomically(path, statsCsv(m_report).toUtf8());
}

StatsDialog::StatsDialog(store::ProjectStore& store, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Behaviour statistics"));
    setObjectName(QStringLiteral("statsDialog"));
    auto* layout = new QVBoxLayout(this);
    m_view = new StatsView(store, this);
    layout->addWidget(m_view);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    QPushButton* csv = buttons->addButton(tr("Export CSV..."), QDialogButtonBox::ActionRole);
    connect(refresh, &QPushButton::clicked, m_view, &StatsView::recompute);
    connect(csv, &QPushButton::clicked, this, [this, &store] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export statistics"), store.projectDir() + "/statistics.csv",
                                                          tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (Status s = m_view->exportCsv(path); !s.ok())
            QMessageBox::warning(this, tr("Export statistics"), s.error());
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);
    resize(980, 640);
}

} // namespace mas::ui
