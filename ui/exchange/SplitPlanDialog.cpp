#include "exchange/SplitPlanDialog.h"

#include "exchange/AtomicFile.h"
#include "exchange/ExchangeProgress.h"
#include "exchange/ProjectExchange.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mas::ui {

SplitPlanDialog::SplitPlanDialog(store::ProjectStore& store, QWidget* parent) : QDialog(parent), m_store(store)
{
    setWindowTitle(tr("Split planner"));
    auto* form = new QFormLayout;
    m_name = new QLineEdit(tr("by participant"));
    form->addRow(tr("Plan name"), m_name);
    auto* ratios = new QHBoxLayout;
    const double defaults[3] = {0.7, 0.15, 0.15};
    const char* names[3] = {"train", "val", "test"};
    for (int s = 0; s < 3; ++s) {
        m_ratio[s] = new QDoubleSpinBox;
        m_ratio[s]->setRange(0, 1);
        m_ratio[s]->setSingleStep(0.05);
        m_ratio[s]->setDecimals(2);
        m_ratio[s]->setValue(defaults[s]);
        m_ratio[s]->setPrefix(QString::fromLatin1(names[s]) + QStringLiteral(" "));
        ratios->addWidget(m_ratio[s]);
    }
    form->addRow(tr("Ratios"), ratios);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    form->addRow(tr("Seed"), m_seed);
    auto* plan = new QPushButton(tr("Plan and save"));
    plan->setToolTip(tr("No participant lands in two sets; every class in every set where its participants allow. "
                        "The same seed gives the same plan."));
    form->addRow(QString(), plan);
    m_plans = new QComboBox;
    form->addRow(tr("Saved plans"), m_plans);
    m_report = new QPlainTextEdit;
    m_report->setReadOnly(true);
    m_report->setMinimumSize(560, 320);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* csv = buttons->addButton(tr("Export report as CSV..."), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    connect(plan, &QPushButton::clicked, this, &SplitPlanDialog::planNow);
    connect(m_plans, &QComboBox::currentIndexChanged, this, &SplitPlanDialog::showPlan);
    connect(csv, &QPushButton::clicked, this, &SplitPlanDialog::exportCsv);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    reloadPlans();
}

QString SplitPlanDialog::reportText() const { return m_report->toPlainText(); }

void SplitPlanDialog::reloadPlans(const QString& select)
{
    const QSignalBlocker block(m_plans);
    m_plans->clear();
    if (Result<QVector<store::SplitPlan>> plans = m_store.splitPlans(); plans.ok())
        for (const store::SplitPlan& p : plans.value())
            m_plans->addItem(p.name + (p.note.isEmpty() ? QString() : QStringLiteral(" (") + p.note + QLatin1Char(')')), qlonglong(p.id));
    int index = m_plans->count() - 1;
    for (int i = 0; i < m_plans->count(); ++i)
        if (!select.isEmpty() && m_plans->itemText(i).startsWith(select))
            index = i;
    m_plans->setCurrentIndex(index);
    showPlan(index);
}

void SplitPlanDialog::showPlan(int index)
{
    if (index < 0) {
        m_report->setPlainText(tr("No split plan yet."));
        return;
    }
    Result<exchange::SplitReport> report = exchange::splitReportOfPlan(m_store, m_plans->itemData(index).toLongLong());
    if (!report.ok()) {
        m_report->setPlainText(report.error());
        return;
    }
    m_report->setPlainText(report->toText(m_store.taxonomy()));
    m_csv = report->toCsv(m_store.taxonomy());
}

void SplitPlanDialog::planNow()
{
    exchange::SplitRatios ratios;
    for (int s = 0; s < 3; ++s)
        ratios.ratio[s] = m_ratio[s]->value();
    if (ratios.ratio[0] + ratios.ratio[1] + ratios.ratio[2] <= 0) {
        QMessageBox::warning(this, windowTitle(), tr("At least one ratio must be above zero."));
        return;
    }
    ExchangeProgress progress(this, tr("Planning the split..."));
    Result<exchange::SplitPlanOutcome> outcome
        = exchange::planAndSaveSplit(m_store, m_name->text().trimmed(), ratios, uint64_t(m_seed->value()), progress.control());
    progress.finish();
    if (!outcome.ok()) {
        QMessageBox::warning(this, windowTitle(), outcome.error());
        return;
    }
    reloadPlans(m_name->text().trimmed());
    Q_EMIT planSaved(m_name->text().trimmed());
}

void SplitPlanDialog::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export split report"), QStringLiteral("split_report.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (Status s = exchange::writeFileAtomically(path, m_csv.toUtf8()); !s.ok())
        QMessageBox::warning(this, windowTitle(), s.error());
}

} // namespace mas::ui
