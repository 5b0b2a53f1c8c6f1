#include "exchange/AgreementDialog.h"

#include "exchange/AtomicFile.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace mas::ui {

AgreementDialog::AgreementDialog(store::ProjectStore& store, QWidget* parent) : QDialog(parent), m_store(store)
{
    setWindowTitle(tr("Inter-annotator agreement"));
    m_raters = new QListWidget;
    if (Result<QVector<store::Annotator>> annotators = store.annotators(); annotators.ok())
        for (const store::Annotator& a : annotators.value()) {
            auto* item = new QListWidgetItem(a.name, m_raters);
            item->setCheckState(Qt::Checked);
        }
    m_raters->setMaximumHeight(120);
    m_iou = new QDoubleSpinBox;
    m_iou->setRange(0.05, 1.0);
    m_iou->setSingleStep(0.05);
    m_iou->setValue(0.5);
    m_iou->setToolTip(tr("Segments of different annotators are matched when their temporal IoU reaches this"));
    m_bin = new QDoubleSpinBox;
    m_bin->setObjectName(QStringLiteral("timeUnit"));
    m_bin->setRange(0.01, 60.0);
    m_bin->setDecimals(2);
    m_bin->setValue(1.0);
    m_bin->setSuffix(tr(" s"));
    m_bin->setToolTip(tr("Time-unit kappa: both annotators' codes are compared every this many seconds (as BORIS does)"));
    auto* form = new QFormLayout;
    form->addRow(tr("Annotators"), m_raters);
    form->addRow(tr("IoU threshold"), m_iou);
    form->addRow(tr("Time unit"), m_bin);
    m_result = new QPlainTextEdit;
    m_result->setReadOnly(true);
    m_result->setMinimumSize(600, 320);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_result->setFont(mono);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* computeButton = buttons->addButton(tr("Compute"), QDialogButtonBox::ActionRole);
    auto* csv = buttons->addButton(tr("Export CSV..."), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_result, 1);
    layout->addWidget(buttons);
    connect(computeButton, &QPushButton::clicked, this, [this] { compute(); });
    connect(csv, &QPushButton::clicked, this, &AgreementDialog::exportCsv);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString AgreementDialog::resultText() const { return m_result->toPlainText(); }

bool AgreementDialog::compute()
{
    QStringList raters;
    for (int i = 0; i < m_raters->count(); ++i)
        if (m_raters->item(i)->checkState() == Qt::Checked)
            raters << m_raters->item(i)->text();
    Result<exchange::ProjectAgreement> a = exchange::projectAgreement(m_store, m_iou->value(), raters);
    if (!a.ok()) {
        m_last.reset();
        m_result->setPlainText(a.error());
        return false;
    }
    m_last = a.value();
    m_timeUnit.reset();
    QString timeUnit;
    if (Result<QVector<exchange::SegmentRow>> rows = exchange::projectRows(m_store); rows.ok()) {
        m_timeUnit = exchange::timeUnitAgreement(rows.value(), m_store.taxonomy(), m_bin->value(), raters);
        timeUnit = QLatin1Char('\n') + exchange::timeUnitText(*m_timeUnit);
    }
    m_result->setPlainText(exchange::agreementText(a->clipLevel) + QLatin1Char('\n') + exchange::agreementText(a->matched) + timeUnit);
    return true;
}

void AgreementDialog::exportCsv()
{
    if (!m_last && !compute())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export agreement"), QStringLiteral("agreement.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString csv = exchange::agreementCsv(m_last->clipLevel);
    const QString matched = exchange::agreementCsv(m_last->matched);
    csv += matched.mid(matched.indexOf(QLatin1Char('\n')) + 1);
    if (m_timeUnit)
        csv += exchange::timeUnitCsv(*m_timeUnit, false);
    const QString confusionPath = QFileInfo(path).absolutePath() + QLatin1Char('/') + QFileInfo(path).completeBaseName()
                                  + QStringLiteral("_confusion.csv");
    Status s = exchange::writeFileAtomically(path, csv.toUtf8());
    if (s.ok())
        s = exchange::writeFileAtomically(confusionPath, exchange::confusionCsv(m_last->clipLevel, m_store.taxonomy()).toUtf8());
    if (!s.ok())
        QMessageBox::warning(this, windowTitle(), s.error());
}

} // namespace mas::ui
