#include "team/AssignWorkDialog.h"

#include "store/ProjectStore.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mas::ui {

namespace {

// The target list's item data: a participant (participant id, 0) or a video (0, video id).
struct Target {
    store::Id participantId = 0;
    store::Id videoId = 0;
};

QVariant targetData(const Target& t)
{
    return QVariantList{qint64(t.participantId), qint64(t.videoId)};
}

Target targetOf(const QVariant& data)
{
    const QVariantList ids = data.toList();
    return ids.size() == 2 ? Target{ids[0].toLongLong(), ids[1].toLongLong()} : Target{};
}

// Annotator names that are models' pre-labels ("model:<version>") are not people to give work to.
bool isPerson(const store::Annotator& a)
{
    return !a.name.startsWith(QLatin1String("model:"));
}

} // namespace

AssignWorkDialog::AssignWorkDialog(store::ProjectStore& store, QWidget* parent) : QDialog(parent), m_store(store)
{
    setWindowTitle(tr("Assign work"));
    m_mayAssign = store.role() >= store::ProjectRole::Curator && !store.isReadOnly();

    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(QStringLiteral("assignments"));
    m_table->setHorizontalHeaderLabels({tr("Annotator"), tr("Work"), tr("Assigned by"), tr("When")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);

    m_annotator = new QComboBox(this);
    m_annotator->setObjectName(QStringLiteral("annotator"));
    m_annotator->setEditable(true); // a new name makes a new annotator
    m_annotator->setInsertPolicy(QComboBox::NoInsert); // Enter assigns (the default button); the list comes from the store
    m_annotator->setToolTip(tr("Who gets the work (type a new name to add an annotator)"));
    m_annotator->setMinimumContentsLength(14);
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setToolTip(tr("A participant (all their videos) or one video: type part of a code or file name to find it"));
    // Thousands of videos (MA-52 has 22,422): typing any part of a name finds it, no scrolling.
    m_target->setEditable(true);
    m_target->setInsertPolicy(QComboBox::NoInsert);
    m_target->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_target->completer()->setFilterMode(Qt::MatchContains);
    m_target->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_target->setMinimumContentsLength(24);
    m_assign = new QPushButton(tr("&Assign"), this);
    m_assign->setObjectName(QStringLiteral("assign"));
    m_assign->setDefault(true); // Enter in the name field assigns
    m_remove = new QPushButton(tr("&Remove"), this);
    m_remove->setObjectName(QStringLiteral("remove"));
    m_remove->setToolTip(tr("Take back the selected assignments (Delete)"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);

    auto* add = new QHBoxLayout;
    add->addWidget(new QLabel(tr("Give"), this));
    add->addWidget(m_target, 1);
    add->addWidget(new QLabel(tr("to"), this));
    add->addWidget(m_annotator);
    add->addWidget(m_assign);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_remove, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(add);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(680, 420);

    connect(m_assign, &QPushButton::clicked, this, &AssignWorkDialog::assignChosen);
    connect(m_remove, &QPushButton::clicked, this, &AssignWorkDialog::removeSelected);
    auto* removeKey = new QAction(m_table);
    removeKey->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    removeKey->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(removeKey);
    connect(removeKey, &QAction::triggered, this, &AssignWorkDialog::removeSelected);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(m_mayAssign && !m_table->selectedItems().isEmpty()); });

    for (QWidget* w : {static_cast<QWidget*>(m_annotator), static_cast<QWidget*>(m_target), static_cast<QWidget*>(m_assign)})
        w->setEnabled(m_mayAssign);
    m_remove->setEnabled(false);
    fillTargets();
    fillAnnotators();
    reload();
    if (!m_mayAssign)
        say(store.isReadOnly() ? tr("This project is open read-only: the assignments are shown, not changed.")
                               : tr("Only curators assign work; your role here is %1. This is who works on what.")
                                     .arg(store::toString(store.role())),
            false);
    else if (m_target->count() == 0)
        say(tr("Import videos first: there is nothing to assign yet."), false);
}

void AssignWorkDialog::fillTargets()
{
    m_target->clear();
    const auto participants = m_store.participants();
    if (participants.ok())
        for (const store::Participant& p : participants.value())
            m_target->addItem(tr("Participant %1 (all their videos)").arg(p.code), targetData({p.id, 0}));
    const auto videos = m_store.videos();
    if (videos.ok())
        for (const store::Video& v : videos.value())
            m_target->addItem(tr("Video %1").arg(QFileInfo(v.path).fileName()), targetData({0, v.id}));
}

void AssignWorkDialog::fillAnnotators()
{
    const QString typed = m_annotator->currentText();
    m_annotator->clear();
    const auto annotators = m_store.annotators();
    if (annotators.ok())
        for (const store::Annotator& a : annotators.value())
            if (isPerson(a))
                m_annotator->addItem(a.name, qint64(a.id));
    m_annotator->setCurrentIndex(-1);
    m_annotator->setEditText(typed);
}

void AssignWorkDialog::reload()
{
    const auto rows = m_store.assignments();
    if (!rows.ok()) {
        say(rows.error(), true);
        return;
    }
    m_table->setRowCount(0);
    for (const store::Assignment& a : rows.value()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QString work = a.participantId ? tr("Participant %1 (all their videos)").arg(a.participantCode)
                                             : tr("Video %1").arg(QFileInfo(a.videoPath).fileName());
        const QStringList cells{a.annotatorName, work, a.assignedBy,
                                QLocale().toString(a.assigned.toLocalTime(), QLocale::ShortFormat)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setData(Qt::UserRole, qint64(a.id));
            m_table->setItem(row, c, item);
        }
    }
    for (int c : {0, 2, 3})
        m_table->resizeColumnToContents(c);
}

void AssignWorkDialog::assignChosen()
{
    if (!m_mayAssign)
        return;
    const QString name = m_annotator->currentText().trimmed();
    // The text is what the user sees: typed text that names no entry assigns nothing.
    const int chosen = m_target->findText(m_target->currentText().trimmed(), Qt::MatchFixedString);
    const Target target = chosen >= 0 ? targetOf(m_target->itemData(chosen)) : Target{};
    if (name.isEmpty()) {
        say(tr("Name the annotator who gets the work."), true);
        m_annotator->setFocus();
        return;
    }
    if (!target.participantId && !target.videoId) {
        say(tr("Choose a participant or a video from the list (\"%1\" is not one).").arg(m_target->currentText()), true);
        return;
    }
    const Result<store::Id> annotator = m_store.ensureAnnotator(name);
    if (!annotator.ok()) {
        say(tr("Not saved: %1").arg(annotator.error()), true);
        return;
    }
    const Result<store::Id> made = m_store.assign(annotator.value(), target.participantId, target.videoId);
    if (!made.ok()) {
        say(tr("Not saved: %1").arg(made.error()), true);
        return;
    }
    fillAnnotators(); // a new annotator joins the list
    reload();
    m_target->setCurrentIndex(chosen); // the entry's own spelling, whatever was typed
    say(tr("Saved: %1 to %2.").arg(m_target->itemText(chosen), name), false);
    Q_EMIT assignmentsChanged();
}

void AssignWorkDialog::removeSelected()
{
    if (!m_mayAssign)
        return;
    QList<store::Id> ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        ids << index.data(Qt::UserRole).toLongLong();
    if (ids.isEmpty())
        return;
    int removed = 0;
    QString failure;
    for (store::Id id : ids) {
        const Status s = m_store.unassign(id);
        if (s.ok())
            ++removed;
        else if (failure.isEmpty())
            failure = s.error();
    }
    reload();
    if (!failure.isEmpty())
        say(tr("%n assignment(s) taken back; not saved: %1", nullptr, removed).arg(failure), true);
    else
        say(tr("%n assignment(s) taken back.", nullptr, removed), false);
    if (removed > 0)
        Q_EMIT assignmentsChanged();
}

void AssignWorkDialog::say(const QString& message, bool error)
{
    m_message->setText(message);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

} // namespace mas::ui
