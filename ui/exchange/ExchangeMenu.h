#pragma once
// The "Data" menu of MicroAction Studio: imports, exports, split planner and agreement, each a
// dialog with progress and cancel over core/exchange (the same functions as mastudio-cli).
//
// For the main window (self-contained; nothing else to wire):
//     auto* data = new mas::ui::ExchangeMenu(mainWindow);   // title "&Data"
//     mainWindow->menuBar()->addMenu(data);
//     data->setStore(store);          // on project open; setStore(nullptr) on close (menu disabled)
//     connect(data, &mas::ui::ExchangeMenu::projectChanged, ...);  // refresh views after imports/plans
//
// Threads: imports and exports run on a worker thread with their own connection to the project
// (BackgroundExchange.h) while the user keeps editing; Cancel stops them cleanly: a cancelled import
// leaves nothing of its own (and rolls back nothing of the user's), a cancelled export leaves no file.
// The split planner and agreement dialogs run on the GUI thread.
#include <QHash>
#include <QMenu>

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

class ExchangeMenu : public QMenu {
    Q_OBJECT
public:
    explicit ExchangeMenu(QWidget* parent = nullptr);
    void setStore(store::ProjectStore* store);
    store::ProjectStore* store() const { return m_store; }

    // The actions, for toolbars and tests.
    QAction* importAction(const QString& format) const;  // "ma52-list", "predictions", "eaf", "csv", "json"
    QAction* exportAction(const QString& kind) const;    // "mmaction", "csv", "json", "eaf", "predictions"
    QAction* splitAction() const { return m_split; }
    QAction* agreementAction() const { return m_agreement; }

Q_SIGNALS:
    // Labels, videos or split plans changed (after an import or a new plan).
    void projectChanged();

private:
    void runImport(const QString& format);
    void runExport(const QString& kind);
    void setBusy(bool busy); // an import or export runs in the background

    store::ProjectStore* m_store = nullptr;
    QHash<QString, QAction*> m_imports;
    QHash<QString, QAction*> m_exports;
    QAction* m_split = nullptr;
    QAction* m_agreement = nullptr;
};

} // namespace mas::ui
