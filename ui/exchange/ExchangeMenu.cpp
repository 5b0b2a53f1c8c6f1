#include "exchange/ExchangeMenu.h"

#include "exchange/AgreementDialog.h"
#include "exchange/BackgroundExchange.h"
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

void ExchangeMenu::setBusy(bool busy)
{
    // One import or export at a time; the project's own state decides again afterwards.
    if (busy) {
        for (QAction* a : std::as_const(m_imports))
            a->setEnabled(false);
        for (QAction* a : std::as_const(m_exports))
            a->setEnabled(false);
    } else {
        setStore(m_store);
    }
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
    // On a worker thread with its own connection: the user keeps editing meanwhile, and a cancelled
    // or failed import rolls back its own transaction only.
    Result<ImportReport> report = Error{QString()};
    setBusy(true);
    const Status ran = runInBackground(backgroundTargetOf(*m_store), parent, tr("Importing %n file(s)...", nullptr, files.size()),
                                       [&](store::ProjectStore& own, const exchange::ExchangeControl& control) -> Status {
                                           report = importFiles(own, *format, files, options, control);
                                           return report.ok() ? Status::success() : Status(Error{report.error()});
                                       });
    setBusy(false);
    if (!ran.ok() && report.ok())
        report = Error{ran.error()};
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
    // Exports read through their own read-only connection on a worker thread (see runImport).
    const BackgroundTarget target = [&] {
        BackgroundTarget t = backgroundTargetOf(*m_store);
        t.writable = false;
        return t;
    }();
    auto inBackground = [&](const QString& label,
                            const std::function<Result<ExportReport>(store::ProjectStore&, const exchange::ExchangeControl&)>& work) {
        Result<ExportReport> out = Error{QString()};
        setBusy(true);
        const Status ran = runInBackground(target, parent, label, [&](store::ProjectStore& own, const exchange::ExchangeControl& c) {
            out = work(own, c);
            return out.ok() ? Status::success() : Status(Error{out.error()});
        });
        setBusy(false);
        if (!ran.ok() && out.ok())
            out = Error{ran.error()};
        return out;
    };
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
        report = inBackground(o.extractClips ? tr("Cutting clips...") : tr("Writing the lists..."),
                              [&](store::ProjectStore& own, const exchange::ExchangeControl& c) { return exportMmaction(own, dir, o, c); });
    } else if (kind == QLatin1String("eaf")) {
        const QString dir = QFileDialog::getExistingDirectory(parent, tr("Folder for the ELAN files"), base);
        if (dir.isEmpty())
            return;
        report = inBackground(tr("Writing ELAN files..."),
                              [&](store::ProjectStore& own, const exchange::ExchangeControl& c) { return exportEaf(own, dir, c); });
    } else {
        const QString suggested = kind == QLatin1String("predictions") ? QStringLiteral("prediction.csv")
                                                                        : QStringLiteral("segments.") + kind;
        const QString filter = kind == QLatin1String("json") ? tr("JSON (*.json)")
                               : kind == QLatin1String("predictions") ? tr("CSV (*.csv);;Zip for the benchmark server (*.zip)")
                                                                       : tr("CSV (*.csv)");
        const QString path = QFileDialog::getSaveFileName(parent, tr("Export"), base + QLatin1Char('/') + suggested, filter);
        if (path.isEmpty())
            return;
        report = inBackground(tr("Exporting..."), [&](store::ProjectStore& own, const exchange::ExchangeControl& c) {
            if (kind == QLatin1String("csv"))
                return exportSegmentCsv(own, path, {}, c);
            if (kind == QLatin1String("json"))
                return exportSegmentJson(own, path, {}, c);
            return exportPredictions(own, path, {}, c);
        });
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
