#include "stats/CodingSessionActions.h"

#include "exchange/Boris.h"
#include "shell/ProjectName.h"
#include "stats/StatsView.h"
#include "store/ProjectStore.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>

namespace mas::ui {

namespace {

void showIssues(QWidget* parent, const QString& title, const QString& summary, const QVector<exchange::ImportIssue>& issues)
{
    QMessageBox box(issues.isEmpty() ? QMessageBox::Information : QMessageBox::Warning, title, summary, QMessageBox::Ok, parent);
    if (!issues.isEmpty()) {
        QStringList lines;
        for (const exchange::ImportIssue& i : issues)
            lines << i.toString();
        box.setInformativeText(QObject::tr("%n row(s) could not be mapped; see the details.", nullptr, issues.size()));
        box.setDetailedText(lines.join(QLatin1Char('\n')));
    }
    box.exec();
}

} // namespace

CodingSessionActions addCodingSessionActions(QMenu& dataMenu, QMenu* importMenu, QMenu* exportMenu,
                                             std::function<store::ProjectStore*()> store, std::function<void()> projectChanged)
{
    CodingSessionActions a;
    QWidget* parent = dataMenu.parentWidget();
    a.statistics = dataMenu.addAction(QObject::tr("Behaviour s&tatistics..."));
    a.statistics->setObjectName(QStringLiteral("behaviourStatistics"));
    a.statistics->setToolTip(QObject::tr("Counts, durations, rates, proportions and latencies per class, body part and group"));
    // Modal: the view reads the open project's store, which must outlive it.
    QObject::connect(a.statistics, &QAction::triggered, &dataMenu, [store, parent] {
        if (store::ProjectStore* s = store()) {
            StatsDialog dialog(*s, parent);
            dialog.exec();
        }
    });
    if (importMenu) {
        a.importBoris = importMenu->addAction(QObject::tr("&BORIS project (.boris)..."));
        QObject::connect(a.importBoris, &QAction::triggered, &dataMenu, [store, parent, projectChanged] {
            store::ProjectStore* s = store();
            if (!s)
                return;
            const QString path = QFileDialog::getOpenFileName(parent, QObject::tr("Import BORIS project"), s->projectDir(),
                                                              QObject::tr("BORIS projects (*.boris);;All files (*)"));
            if (path.isEmpty())
                return;
            Result<exchange::BorisImportReport> report = exchange::importBoris(*s, path);
            if (!report.ok()) {
                QMessageBox::warning(parent, QObject::tr("Import BORIS project"), report.error());
                return;
            }
            if (projectChanged)
                projectChanged();
            showIssues(parent, QObject::tr("Import BORIS project"), report->summary(), report->issues);
        });
    }
    if (exportMenu) {
        a.exportBoris = exportMenu->addAction(QObject::tr("&BORIS project (.boris)..."));
        QObject::connect(a.exportBoris, &QAction::triggered, &dataMenu, [store, parent] {
            store::ProjectStore* s = store();
            if (!s)
                return;
            const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export BORIS project"),
                                                              s->projectDir() + '/' + projectBaseName(s->path()) + ".boris",
                                                              QObject::tr("BORIS projects (*.boris)"));
            if (path.isEmpty())
                return;
            Result<exchange::BorisExport> out = exchange::exportBoris(*s, path);
            if (!out.ok()) {
                QMessageBox::warning(parent, QObject::tr("Export BORIS project"), out.error());
                return;
            }
            showIssues(parent, QObject::tr("Export BORIS project"),
                       QObject::tr("%1 observations, %2 events written to %3").arg(out->observations).arg(out->events).arg(path),
                       out->issues);
        });
    }
    // Enabled with an open project (import: a writable one), checked whenever the menu opens.
    auto refresh = [a, store] {
        store::ProjectStore* s = store();
        a.statistics->setEnabled(s);
        if (a.exportBoris)
            a.exportBoris->setEnabled(s);
        if (a.importBoris)
            a.importBoris->setEnabled(s && !s->isReadOnly());
    };
    QObject::connect(&dataMenu, &QMenu::aboutToShow, &dataMenu, refresh);
    refresh();
    return a;
}

} // namespace mas::ui
