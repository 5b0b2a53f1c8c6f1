#include "exchange/ExchangeMenu.h"

#include "exchange/AgreementDialog.h"
#include "exchange/ExchangeProgress.h"
#include "exchange/ImportFiles.h"
#include "exchange/SplitPlanDialog.h"
#include "stats/CodingSessionActions.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>

namespace mas::ui {

using namespace mas::exchange;

ExchangeMenu::ExchangeMenu(QWidget* parent) : QMenu(tr("&Data"), parent)
{
    QMenu* import = addMenu(tr("&Import"));
    const QList<QPair<QString, QString>> imports{{"ma52-list", tr("MA-52 / mmaction2 &list files...")},
                                                 {"predictions", tr("Benchmark &predictions (external model)...")},
                                                 {"eaf", tr("&ELAN annotations (.eaf)...")},
                                                 {"csv", tr("&CSV of segments...")},
                                                 {"json", tr("&JSON of segments...")}};
    for (const auto& [format, text] : imports) {
        QAction* a = import->addAction(text);
        connect(a, &QAction::triggered, this, [this, format = format] { runImport(format); });
        m_imports.insert(format, a);
    }
    QMenu* exportMenu = addMenu(tr("&Export"));
    const QList<QPair<QString, QString>> exports{{"mmaction", tr("&Training lists (mmaction2) from a split plan...")},
                                                 {"csv", tr("All segments as &CSV...")},
                                                 {"json", tr("All segments as &JSON...")},
                                                 {"eaf", tr("&ELAN files, one per video...")},
                                                 {"predictions", tr("Benchmark &predictions of the active model...")}};
    for (const auto& [kind, text] : exports) {
        QAction* a = exportMenu->addAction(text);
        connect(a, &QAction::triggered, this, [this, kind = kind] { runExport(kind); });
        m_exports.insert(kind, a);
    }
    addSeparator();
    m_split = addAction(tr("&Split planner..."));
    connect(m_split, &QAction::triggered, this, [this] {
        if (!m_store)
            return;
        SplitPlanDialog dialog(*m_store, parentWidget());
        connect(&dialog, &SplitPlanDialog::planSaved, this, &ExchangeMenu::projectChanged);
        dialog.exec();
    });
    m_agreement = addAction(tr("Inter-annotator &agreement..."));
    connect(m_agreement, &QAction::triggered, this, [this] {
        if (!m_store)
            return;
        AgreementDialog dialog(*m_store, parentWidget());
        dialog.compute();
        dialog.exec();
    });
    // Behaviour statistics and BORIS import/export (ui/stats).
    addCodingSessionActions(*this, import, exportMenu, [this] { return m_store; }, [this] { Q_EMIT projectChanged(); });
    setStore(nullptr);
}

void ExchangeMenu::setStore(store::ProjectStore* store)
{
    m_store = store;
    const bool open = store != nullptr;
    const bool writable = open && !store->isReadOnly();
    for (QAction* a : std::as_const(m_imports))
        a->setEnabled(writable);
    for (QAction* a : std::as_const(m_exports))
        a->setEnabled(open);
    m_split->setEnabled(writable);
    m_agreement->setEnabled(open);
}

QAction* ExchangeMenu::importAction(const QString& format) const { return m_imports.value(format); }
QAction* ExchangeMenu::exportAction(const QString& kind) const { return m_exports.value(kind); }

void ExchangeMenu::runImport(const QString& formatName)
{
    if (!m_store)
        return;
    const std::optional<ImportFormat> format = importFormatFromName(formatName);
    QWidget* parent = parentWidget();
    const QStringList files = QFileDialog::getOpenFileNames(parent, tr("Import"), m_store->projectDir(), importFormatFilter(*format));
    if (files.isEmpty())
        return;
    ImportFilesOptions options;
    if (*format == ImportFormat::Predictions) {
        bool ok = false;
        options.modelVersion = QInputDialog::getText(parent, tr("Import predictions"),
                                                     tr("Name of the model version these predictions come from:"),
                                                     QLineEdit::Normal, QStringLiteral("external"), &ok).trimmed();
        if (!ok || options.modelVersion.isEmpty())
            return;
    }
    if (*format == ImportFormat::Ma52List) {
        // The videos' paths in list files are relative to the training data root.
        const QString root = QFileDialog::getExistingDirectory(parent, tr("Folder the list's video paths start from (data root)"),
                                                               QFileInfo(files.first()).absolutePath());
        if (root.isEmpty())
            return;
        options.project.dataRoot = root;
    }
    ExchangeProgress progress(parent, tr("Importing %n file(s)...", nullptr, files.size()));
    Result<ImportReport> report = importFiles(*m_store, *format, files, options, progress.control());
    progress.finish();
    if (!report.ok()) {
        QMessageBox::warning(parent, tr("Import"), report.error());
        return;
    }
    QMessageBox box(report->issues.isEmpty() ? QMessageBox::Information : QMessageBox::Warning, tr("Import"),
                    report->summary(), QMessageBox::Ok, parent);
    if (!report->issues.isEmpty()) {
        QStringList lines;
        for (const ImportIssue& issue : report->issues)
            lines << issue.toString();
        box.setInformativeText(tr("%n row(s) were not imported or were changed; see the details.", nullptr, report->issues.size()));
        box.setDetailedText(lines.join(QLatin1Char('\n')));
    }
    Q_EMIT projectChanged();
    box.exec();
}

void ExchangeMenu::runExport(const QString& kind)
{
    if (!m_store)
        return;
    QWidget* parent = parentWidget();
    const QString base = m_store->projectDir();
    Result<ExportReport> report = Error{QString()};
    if (kind == QLatin1String("mmaction")) {
        Result<QVector<store::SplitPlan>> plans = m_store->splitPlans();
        if (!plans.ok() || plans->isEmpty()) {
            QMessageBox::information(parent, tr("Export"), tr("Plan a split first (Data > Split planner)."));
            return;
        }
        QStringList names;
        for (const store::SplitPlan& p : plans.value())
            names << p.name;
        bool ok = false;
        const QString name = QInputDialog::getItem(parent, tr("Export training lists"), tr("Split plan:"), names,
                                                   names.size() - 1, false, &ok);
        if (!ok)
            return;
        const QString dir = QFileDialog::getExistingDirectory(parent, tr("Folder for the lists"), base);
        if (dir.isEmpty())
            return;
        MmactionExportOptions o;
        o.rows.splitPlanId = plans->at(names.indexOf(name)).id;
        o.extractClips = QMessageBox::question(parent, tr("Export training lists"),
                                               tr("Also cut every listed segment into its own clip (frame-exact)? "
                                                  "This can take a while."))
                         == QMessageBox::Yes;
        ExchangeProgress progress(parent, o.extractClips ? tr("Cutting clips...") : tr("Writing the lists..."));
        report = exportMmaction(*m_store, dir, o, progress.control());
        progress.finish();
    } else if (kind == QLatin1String("eaf")) {
        const QString dir = QFileDialog::getExistingDirectory(parent, tr("Folder for the ELAN files"), base);
        if (dir.isEmpty())
            return;
        ExchangeProgress progress(parent, tr("Writing ELAN files..."));
        report = exportEaf(*m_store, dir, progress.control());
        progress.finish();
    } else {
        const QString suggested = kind == QLatin1String("predictions") ? QStringLiteral("prediction.csv")
                                                                        : QStringLiteral("segments.") + kind;
        const QString filter = kind == QLatin1String("json") ? tr("JSON (*.json)")
                               : kind == QLatin1String("predictions") ? tr("CSV (*.csv);;Zip for the benchmark server (*.zip)")
                                                                       : tr("CSV (*.csv)");
        const QString path = QFileDialog::getSaveFileName(parent, tr("Export"), base + QLatin1Char('/') + suggested, filter);
        if (path.isEmpty())
            return;
        ExchangeProgress progress(parent, tr("Exporting..."));
        if (kind == QLatin1String("csv"))
            report = exportSegmentCsv(*m_store, path, {}, progress.control());
        else if (kind == QLatin1String("json"))
            report = exportSegmentJson(*m_store, path, {}, progress.control());
        else
            report = exportPredictions(*m_store, path, {}, progress.control());
        progress.finish();
    }
    if (!report.ok()) {
        QMessageBox::warning(parent, tr("Export"), report.error());
        return;
    }
    QString text = tr("%n segment(s) exported to %1 file(s).", nullptr, report->segmentsWritten).arg(report->files.size());
    if (report->clipsWritten > 0)
        text += QLatin1Char(' ') + tr("%n clip(s) cut.", nullptr, report->clipsWritten);
    QMessageBox box(QMessageBox::Information, tr("Export"), text, QMessageBox::Ok, parent);
    if (!report->notes.isEmpty())
        box.setInformativeText(report->notes.join(QLatin1Char('\n')));
    box.exec();
}

} // namespace mas::ui
