#pragma once
// Project > Assign work...: who works on what. A curator gives an annotator a participant (all their videos)
// or one video; each Assign or Remove is saved at once, in one transaction (ProjectStore::assign/unassign),
// and the annotator finds it under the review queue's My work. Annotators see the list read-only, told why.
#include "store/StoreTypes.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

class AssignWorkDialog : public QDialog {
    Q_OBJECT
public:
    explicit AssignWorkDialog(store::ProjectStore& store, QWidget* parent = nullptr);

    // Assigns what the target list shows to the annotator named in the annotator field (created when new).
    void assignChosen();
    // Takes back the assignments of the selected rows.
    void removeSelected();

Q_SIGNALS:
    void assignmentsChanged(); // after a saved Assign or Remove: the review queue's My work refreshes

private:
    void reload();
    void fillTargets();
    void fillAnnotators();
    void say(const QString& message, bool error);

    store::ProjectStore& m_store;
    bool m_mayAssign = false;
    QTableWidget* m_table = nullptr;
    QComboBox* m_annotator = nullptr;
    QComboBox* m_target = nullptr;
    QPushButton* m_assign = nullptr;
    QPushButton* m_remove = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace mas::ui
