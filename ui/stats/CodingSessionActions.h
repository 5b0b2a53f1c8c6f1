#pragma once
// The Data menu's entries of a coding session: "Behaviour statistics..." (a StatsDialog) and BORIS
// project import/export (core/exchange/Boris), added to an existing Data menu and its Import/Export
// submenus. They follow the open project through `store` (null: disabled) and report imports through
// `projectChanged`.
#include <QList>

#include <functional>

class QAction;
class QMenu;

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

struct CodingSessionActions {
    QAction* statistics = nullptr;
    QAction* importBoris = nullptr;
    QAction* exportBoris = nullptr;
};

CodingSessionActions addCodingSessionActions(QMenu& dataMenu, QMenu* importMenu, QMenu* exportMenu,
                                             std::function<store::ProjectStore*()> store,
                                             std::function<void()> projectChanged);

} // namespace mas::ui
