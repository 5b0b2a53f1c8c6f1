#include "prefs/ShortcutSheetDialog.h"

#include "labeling/ClassHotkeys.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mas::ui {

ShortcutSheetDialog::ShortcutSheetDialog(QSettings* settings, const Taxonomy& taxonomy, QWidget* parent)
    : QDialog(parent), m_settings(settings), m_taxonomy(taxonomy)
{
    setObjectName(QStringLiteral("shortcutSheet"));
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("shortcutFilter"));
    m_filter->setPlaceholderText(tr("Filter by key or action"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("shortcutTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Key"), tr("Action")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    layout->addWidget(m_tree, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutSheetDialog::applyFilter);
    rebuild();
    resize(520, 640);
}

void ShortcutSheetDialog::addSection(const QString& title, const QVector<Entry>& entries)
{
    for (auto& section : m_shellSections)
        if (section.first == title) {
            section.second = entries;
            rebuild();
            return;
        }
    m_shellSections.append({title, entries});
    rebuild();
}

void ShortcutSheetDialog::reload()
{
    rebuild();
}

void ShortcutSheetDialog::rebuild()
{
    m_tree->clear();
    auto addSectionItems = [this](const QString& title, const QVector<Entry>& entries) {
        auto* header = new QTreeWidgetItem(m_tree, {title, QString()});
        header->setFirstColumnSpanned(true);
        QFont bold = header->font(0);
        bold.setBold(true);
        header->setFont(0, bold);
        header->setFlags(Qt::ItemIsEnabled);
        for (const Entry& e : entries)
            new QTreeWidgetItem(m_tree, {e.first, e.second});
    };
    for (const auto& section : m_shellSections)
        addSectionItems(section.first, section.second);
    addSectionItems(tr("Review queue (table focused)"),
                    {{tr("Enter"), tr("Open the clip in the player")},
                     {QStringLiteral("A"), tr("Accept the prediction (confirmed label, you as annotator)")},
                     {QStringLiteral("R"), tr("Reject the prediction")},
                     {QStringLiteral("N"), tr("Next clip")},
                     {tr("Up / Down"), tr("Previous / next row")}});
    addSectionItems(tr("Labeling panel"),
                    {{QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText), tr("Search classes")},
                     {tr("Enter (in search)"), tr("Apply the first matching class")},
                     {tr("Delete (in labels)"), tr("Remove the selected label")}});
    addSectionItems(tr("Timeline and live coding"),
                    {{tr("Page Down / Page Up"), tr("Next / previous segment of the active track (selects it; L loops it)")},
                     {tr("Class hotkey, with Code live on"),
                      tr("First press starts a segment of the class at the playhead minus the reaction offset; "
                         "the second ends it (point-event classes: a one-frame segment)")},
                     {QStringLiteral("Esc"), tr("Cancel the open live segments")}});
    addSectionItems(tr("Confusion matrix (focused)"),
                    {{tr("Arrows"), tr("Move between cells")}, {tr("Enter"), tr("Review the clips of the cell")}});
    addSectionItems(tr("Everywhere"),
                    {{QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText), tr("Undo")},
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z).toString(QKeySequence::NativeText), tr("Redo")},
                     {QStringLiteral("F1"), tr("This sheet")}});
    QVector<Entry> classes;
    const QHash<int, QKeySequence> keys = m_settings ? ClassHotkeys::load(*m_settings, m_taxonomy) : QHash<int, QKeySequence>();
    for (const BodyPart& part : m_taxonomy.bodyParts())
        for (int id : m_taxonomy.classesOfBodyPart(part.id)) {
            const ActionClass* c = m_taxonomy.classById(id);
            const QKeySequence seq = m_settings ? keys.value(id) : ClassHotkeys::defaultFor(*c);
            classes.append({seq.isEmpty() ? tr("(none)") : seq.toString(QKeySequence::NativeText),
                            tr("Label %1 %2 (%3)").arg(c->code, c->name, part.name)});
        }
    addSectionItems(tr("Class hotkeys (label the selected segment)"), classes);
    applyFilter();
}

void ShortcutSheetDialog::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    // A section header stays visible while any of its entries does.
    QTreeWidgetItem* header = nullptr;
    bool headerHasVisible = false;
    auto closeSection = [&] {
        if (header)
            header->setHidden(!headerHasVisible);
    };
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (item->isFirstColumnSpanned()) {
            closeSection();
            header = item;
            headerHasVisible = false;
            continue;
        }
        const bool match = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive)
                           || item->text(1).contains(text, Qt::CaseInsensitive);
        item->setHidden(!match);
        headerHasVisible = headerHasVisible || match;
    }
    closeSection();
}

int ShortcutSheetDialog::visibleEntryCount() const
{
    int n = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (!m_tree->topLevelItem(i)->isHidden() && !m_tree->topLevelItem(i)->isFirstColumnSpanned())
            ++n;
    return n;
}

} // namespace mas::ui
