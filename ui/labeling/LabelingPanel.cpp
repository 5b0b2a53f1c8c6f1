#include "labeling/LabelingPanel.h"

#include "commands/EditFailureMessage.h"
#include "commands/LabelCommands.h"
#include "labeling/ClassHotkeys.h"
#include "labeling/LiveCodingBar.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace mas::ui {

namespace {
constexpr int kClassIdRole = Qt::UserRole + 1;
constexpr int kLabelIdRole = Qt::UserRole + 2;
constexpr int kLabelVersionRole = Qt::UserRole + 3; // the row version shown: a removal is based on it

QIcon swatch(const QColor& colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(colour.darker(140));
    painter.setBrush(colour);
    painter.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 2, 2);
    return QIcon(pixmap);
}
} // namespace

LabelingPanel::LabelingPanel(EditContext& context, QUndoStack* undoStack, const Taxonomy& taxonomy,
                             QSettings* settings, QWidget* parent)
    : QWidget(parent), m_context(context), m_undoStack(undoStack), m_taxonomy(taxonomy), m_settings(settings)
{
    setObjectName(QStringLiteral("labelingPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    m_segmentLabel = new QLabel(this);
    m_segmentLabel->setWordWrap(true);
    layout->addWidget(m_segmentLabel);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("classSearch"));
    m_search->setPlaceholderText(tr("Search classes by code or name (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Filters as you type; Enter applies the first match, Down moves into the list"));
    m_search->installEventFilter(this);
    layout->addWidget(m_search);
    m_liveBar = new LiveCodingBar(context, undoStack, taxonomy, settings, this);
    layout->addWidget(m_liveBar);
    connect(m_liveBar, &LiveCodingBar::statusMessage, this, &LabelingPanel::statusMessage);
    auto* focusSearch = new QShortcut(QKeySequence::Find, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(focusSearch, &QShortcut::activated, this, [this] { m_search->setFocus(); m_search->selectAll(); });

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("classTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Class"), tr("Key")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->setUniformRowHeights(true);
    m_tree->setToolTip(tr("Enter or double-click applies the class to the selected segment"));
    layout->addWidget(m_tree, 1);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item, int) { itemActivated(item); });
    // Live coding: a class may be a point event (one frame per press) instead of a state event.
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QTreeWidgetItem* item = m_tree->itemAt(pos);
        const int id = item && item->parent() ? item->data(0, kClassIdRole).toInt() : -1;
        if (id < 0)
            return;
        QMenu menu(this);
        QAction* point = menu.addAction(tr("Point event when coding live (one frame per press)"));
        point->setCheckable(true);
        point->setChecked(m_liveBar->coder().isPointEvent(id));
        if (menu.exec(m_tree->viewport()->mapToGlobal(pos)) == point)
            m_liveBar->setPointEvent(id, point->isChecked());
    });

    layout->addWidget(new QLabel(tr("Labels on this segment:"), this));
    m_labels = new QListWidget(this);
    m_labels->setObjectName(QStringLiteral("segmentLabels"));
    m_labels->setMaximumHeight(110);
    m_labels->setToolTip(tr("Delete removes the selected label"));
    m_labels->installEventFilter(this);
    layout->addWidget(m_labels);
    m_removeLabel = new QPushButton(tr("Remove label"), this);
    m_removeLabel->setToolTip(tr("Removes the selected label (Delete)"));
    connect(m_removeLabel, &QPushButton::clicked, this, &LabelingPanel::removeSelectedLabel);
    layout->addWidget(m_removeLabel);

    layout->addWidget(new QLabel(tr("Note:"), this));
    m_note = new QLineEdit(this);
    m_note->setObjectName(QStringLiteral("segmentNote"));
    m_note->setPlaceholderText(tr("Free-text note on the segment (Enter saves)"));
    connect(m_note, &QLineEdit::editingFinished, this, &LabelingPanel::commitNote);
    layout->addWidget(m_note);

    connect(m_search, &QLineEdit::textChanged, this, &LabelingPanel::applyFilter);
    // Segment 0: reload everything (a teammate's edit, a refused one).
    connect(&m_context, &EditContext::labelsChanged, this, [this](store::Id, store::Id segmentId) {
        if (segmentId == m_segmentId || segmentId == 0)
            refreshSegment(); // the heading shows the segment's status, which labels decide
    });
    connect(&m_context, &EditContext::segmentChanged, this, [this](store::Id, store::Id segmentId) {
        if (segmentId == m_segmentId || segmentId == 0)
            refreshSegment();
    });

    buildClassTree();
    reloadHotkeys();
    refreshSegment();
}

QTreeWidgetItem* LabelingPanel::makeClassItem(const ActionClass& actionClass) const
{
    auto* item = new QTreeWidgetItem({actionClass.code + QStringLiteral("  ") + actionClass.name, QString()});
    item->setData(0, kClassIdRole, actionClass.id);
    if (const BodyPart* part = m_taxonomy.bodyPart(actionClass.bodyPartId))
        item->setIcon(0, swatch(part->colour));
    return item;
}

void LabelingPanel::buildClassTree()
{
    m_tree->clear();
    m_recentGroup = new QTreeWidgetItem({tr("Recently used"), QString()});
    m_recentGroup->setFlags(Qt::ItemIsEnabled);
    m_tree->addTopLevelItem(m_recentGroup);
    for (const BodyPart& part : m_taxonomy.bodyParts()) {
        auto* group = new QTreeWidgetItem({part.letter + QStringLiteral("  ") + part.name, QString()});
        group->setFlags(Qt::ItemIsEnabled);
        group->setIcon(0, swatch(part.colour));
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        QColor tint = part.colour;
        tint.setAlpha(60);
        group->setBackground(0, tint);
        group->setBackground(1, tint);
        group->setData(0, kClassIdRole, -1);
        m_tree->addTopLevelItem(group);
        // Within a body part, the order of the codes (A1, A2, ...), which is how people look them up.
        QVector<int> ids = m_taxonomy.classesOfBodyPart(part.id);
        std::sort(ids.begin(), ids.end(), [this](int a, int b) {
            const QString ca = m_taxonomy.classById(a)->code, cb = m_taxonomy.classById(b)->code;
            return ca.size() != cb.size() ? ca.size() < cb.size() : ca < cb;
        });
        for (int id : ids)
            group->addChild(makeClassItem(*m_taxonomy.classById(id)));
    }
    rebuildRecent();
    m_tree->expandAll();
}

void LabelingPanel::rebuildRecent()
{
    qDeleteAll(m_recentGroup->takeChildren());
    if (m_settings)
        for (int id : RecentClasses::load(*m_settings))
            if (const ActionClass* c = m_taxonomy.classById(id))
                m_recentGroup->addChild(makeClassItem(*c));
    for (int i = 0; i < m_recentGroup->childCount(); ++i)
        m_recentGroup->child(i)->setText(1, m_hotkeys.value(m_recentGroup->child(i)->data(0, kClassIdRole).toInt())
                                                .toString(QKeySequence::NativeText));
    m_recentGroup->setExpanded(true);
    applyFilter();
}

void LabelingPanel::reloadHotkeys()
{
    m_liveBar->reloadSettings();
    qDeleteAll(m_shortcuts);
    m_shortcuts.clear();
    m_hotkeys = m_settings ? ClassHotkeys::load(*m_settings, m_taxonomy) : QHash<int, QKeySequence>();
    if (!m_settings)
        for (const ActionClass& c : m_taxonomy.classes())
            m_hotkeys.insert(c.id, ClassHotkeys::defaultFor(c));
    for (const ActionClass& c : m_taxonomy.classes()) {
        const QKeySequence seq = m_hotkeys.value(c.id);
        if (seq.isEmpty())
            continue;
        // Window-wide: the key labels the selected segment wherever the focus is (timeline, player).
        auto* shortcut = new QShortcut(seq, this, nullptr, nullptr, Qt::WindowShortcut);
        const int id = c.id;
        connect(shortcut, &QShortcut::activated, this, [this, id] {
            if (m_liveBar->isLive())
                m_liveBar->press(id); // toggles a segment of the class at the playhead
            else
                applyClass(id);
        });
        m_shortcuts << shortcut;
    }
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const QKeySequence seq = m_hotkeys.value(item->data(0, kClassIdRole).toInt());
            item->setText(1, seq.toString(QKeySequence::NativeText));
            const ActionClass* c = m_taxonomy.classById(item->data(0, kClassIdRole).toInt());
            item->setToolTip(0, tr("%1 %2 (%3)").arg(c->code, c->name, seq.toString(QKeySequence::NativeText)));
        }
    }
}

void LabelingPanel::setFilterText(const QString& text)
{
    m_search->setText(text);
}

void LabelingPanel::applyFilter()
{
    const QString text = m_search->text().trimmed();
    const bool filtering = !text.isEmpty();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const ActionClass* c = m_taxonomy.classById(item->data(0, kClassIdRole).toInt());
            const bool match = !filtering || c->code.startsWith(text, Qt::CaseInsensitive)
                               || c->name.contains(text, Qt::CaseInsensitive);
            // While searching, each class appears once: in its body part, not in "recent".
            const bool hide = !match || (filtering && group == m_recentGroup);
            item->setHidden(hide);
            shown += hide ? 0 : 1;
        }
        group->setHidden(shown == 0);
        if (filtering)
            group->setExpanded(true);
    }
    if (filtering) {
        const QVector<int> visible = visibleClasses();
        if (!visible.isEmpty())
            for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
                if (!(*it)->isHidden() && (*it)->parent() && (*it)->parent() != m_recentGroup
                    && (*it)->data(0, kClassIdRole).toInt() == visible.first()) {
                    m_tree->setCurrentItem(*it);
                    break;
                }
    }
}

QVector<int> LabelingPanel::visibleClasses() const
{
    QVector<int> ids;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        if (group == m_recentGroup || group->isHidden())
            continue;
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->child(i)->isHidden())
                ids << group->child(i)->data(0, kClassIdRole).toInt();
    }
    return ids;
}

bool LabelingPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (watched == m_search) {
            if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
                const QVector<int> visible = visibleClasses();
                if (!m_search->text().trimmed().isEmpty() && !visible.isEmpty())
                    applyClass(visible.first());
                return true;
            }
            if (key->key() == Qt::Key_Down) {
                m_tree->setFocus();
                return true;
            }
            if (key->key() == Qt::Key_Escape) {
                m_search->clear();
                return true;
            }
        } else if (watched == m_labels && key->key() == Qt::Key_Delete) {
            removeSelectedLabel();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LabelingPanel::itemActivated(QTreeWidgetItem* item)
{
    const int id = item ? item->data(0, kClassIdRole).toInt() : -1;
    if (item && item->parent() && id >= 0)
        applyClass(id);
}

bool LabelingPanel::applyClass(int classId)
{
    const ActionClass* c = m_taxonomy.classById(classId);
    if (!c)
        return false;
    if (m_segmentId == 0) {
        Q_EMIT statusMessage(tr("Select a segment first to label it %1 %2").arg(c->code, c->name));
        return false;
    }
    store::ProjectStore& store = m_context.store();
    const store::Id me = store.currentAnnotatorId();
    if (auto labels = store.labelsOfSegment(m_segmentId); labels.ok()) {
        for (const store::Label& l : labels.value())
            if (l.classId == classId && l.annotatorId == me && l.status == store::LabelStatus::Confirmed) {
                Q_EMIT statusMessage(tr("Segment already labeled %1 %2").arg(c->code, c->name));
                return false;
            }
    }
    auto* command = new AddLabelCommand(m_context, m_segmentId, classId, store::LabelStatus::Confirmed);
    command->setText(tr("Label %1 %2").arg(c->code, c->name));
    if (!pushEdit(*m_undoStack, command)) { // a failed edit is dropped (deleted) by the stack
        Q_EMIT statusMessage(m_context.lastError());
        return false;
    }
    if (m_settings) {
        RecentClasses::push(*m_settings, classId);
        rebuildRecent();
    }
    Q_EMIT labelApplied(m_segmentId, classId);
    Q_EMIT statusMessage(tr("Labeled %1 %2").arg(c->code, c->name));
    return true;
}

void LabelingPanel::setCurrentSegment(qint64 segmentId)
{
    if (m_note->hasFocus())
        commitNote();
    m_segmentId = segmentId;
    refreshSegment();
}

void LabelingPanel::refreshSegment()
{
    const auto segment = m_segmentId ? m_context.store().segment(m_segmentId) : Result<store::Segment>(Error{});
    // The server is away: the segment is not gone, so the panel keeps it and what it shows until the
    // server answers again.
    if (m_segmentId && isServerUnreachable(segment.error()))
        return;
    m_videoId = 0;
    if (!m_segmentId || !segment.ok()) {
        m_segmentId = 0;
        m_segmentLabel->setText(tr("No segment selected: select one on the timeline or in the review queue."));
        m_note->clear();
        m_note->setEnabled(false);
        refreshLabels();
        return;
    }
    const store::Segment& s = segment.value();
    m_videoId = s.videoId;
    m_segmentLabel->setText(tr("Segment %1: frames %2-%3 (%4)")
                                .arg(s.id).arg(s.startFrame).arg(s.endFrame - 1).arg(store::toString(s.status)));
    m_note->setEnabled(true);
    if (!m_note->hasFocus()) {
        m_note->setText(s.note);
        m_noteSeenVersion = s.rowVersion;
    }
    refreshLabels();
}

void LabelingPanel::refreshLabels()
{
    m_labels->clear();
    m_removeLabel->setEnabled(false);
    if (!m_segmentId)
        return;
    const auto labels = m_context.store().labelsOfSegment(m_segmentId);
    if (!labels.ok())
        return;
    QHash<store::Id, QString> names;
    if (const auto annotators = m_context.store().annotators(); annotators.ok())
        for (const store::Annotator& a : annotators.value())
            names.insert(a.id, a.name);
    for (const store::Label& l : labels.value()) {
        const ActionClass* c = m_taxonomy.classById(l.classId);
        auto* item = new QListWidgetItem(tr("%1 %2 - %3 by %4")
                                             .arg(c ? c->code : QStringLiteral("?"), c ? c->name : QString(),
                                                  store::toString(l.status), names.value(l.annotatorId, tr("unknown"))),
                                         m_labels);
        item->setData(kLabelIdRole, QVariant::fromValue<qint64>(l.id));
        item->setData(kLabelVersionRole, QVariant::fromValue<qint64>(l.rowVersion));
        if (c)
            if (const BodyPart* part = m_taxonomy.bodyPart(c->bodyPartId))
                item->setIcon(swatch(part->colour));
    }
    m_removeLabel->setEnabled(m_labels->count() > 0);
    if (m_labels->count() > 0)
        m_labels->setCurrentRow(m_labels->count() - 1);
}

void LabelingPanel::removeSelectedLabel()
{
    QListWidgetItem* item = m_labels->currentItem();
    if (!item)
        return;
    auto* command = new RemoveLabelCommand(m_context, item->data(kLabelIdRole).toLongLong(), nullptr,
                                           item->data(kLabelVersionRole).toLongLong());
    if (!pushEdit(*m_undoStack, command))
        Q_EMIT statusMessage(m_context.lastError());
}

void LabelingPanel::commitNote()
{
    if (!m_segmentId)
        return;
    // Unreadable (the server away): the command is tried all the same and says why it failed.
    const auto segment = m_context.store().segment(m_segmentId);
    if (segment.ok() && segment->note == m_note->text())
        return;
    // Based on the note as it was put in the editor, not on a teammate's edit heard while typing.
    auto* command = new SetSegmentNoteCommand(m_context, m_segmentId, m_note->text(), nullptr, m_noteSeenVersion);
    const bool saved = pushEdit(*m_undoStack, command); // merged note edits are deleted too: read nothing from it
    if (!saved)
        Q_EMIT statusMessage(m_context.lastError());
    // Saved: the editor shows this client's own write. Refused: it shows the store's note again.
    if (const auto now = m_context.store().segment(m_segmentId); now.ok()) {
        if (!saved)
            m_note->setText(now->note);
        m_noteSeenVersion = now->rowVersion;
    }
}

} // namespace mas::ui
