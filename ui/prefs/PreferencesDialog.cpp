#include "prefs/PreferencesDialog.h"

#include "labeling/ClassHotkeys.h"

#include "ModelCatalog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mas::ui {

namespace {
constexpr int kKeyColumn = 2;
}

PreferencesDialog::PreferencesDialog(QSettings* settings, const Taxonomy& taxonomy, QWidget* parent)
    : QDialog(parent), m_settings(settings), m_taxonomy(taxonomy)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    auto* layout = new QVBoxLayout(this);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(buildGeneralTab(), tr("&General"));
    tabs->addTab(buildHotkeysTab(), tr("&Hotkeys"));
    layout->addWidget(tabs);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PreferencesDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &PreferencesDialog::apply);
    layout->addWidget(buttons);
    showPreferences(m_settings ? Preferences::load(*m_settings) : Preferences());
    resize(560, 560);
}

QWidget* PreferencesDialog::buildGeneralTab()
{
    auto* tab = new QWidget(this);
    auto* form = new QFormLayout(tab);
    m_cacheMB = new QSpinBox(tab);
    m_cacheMB->setObjectName(QStringLiteral("frameCacheMB"));
    m_cacheMB->setRange(16, 65536);
    m_cacheMB->setSingleStep(64);
    m_cacheMB->setSuffix(tr(" MB"));
    m_cacheMB->setToolTip(tr("Memory for decoded frames: more makes scrubbing back and forth smoother"));
    form->addRow(tr("&Frame cache:"), m_cacheMB);
    m_device = new QComboBox(tab);
    m_device->setObjectName(QStringLiteral("device"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    // Only what this machine has: CUDA where a device is present, bf16 where the CPU computes it natively.
    const worker::ComputeCapabilities compute = worker::computeCapabilities();
    if (compute.cuda)
        m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    if (compute.cpuBFloat16) {
        // Said from what the CPU has, not promised: without AMX, bf16 may be no faster than float32.
        m_device->addItem(compute.cpuAmxBFloat16 ? tr("CPU, bfloat16 pre-labels (on this CPU's AMX units: about 2x faster)")
                                                 : tr("CPU, bfloat16 pre-labels (this CPU has no AMX: may be no faster)"),
                          QStringLiteral("cpu-bf16"));
        m_device->setItemData(m_device->count() - 1,
                              tr("Pre-labels computed in bfloat16: faster where the CPU has AMX, and the top class can differ "
                                 "from float32's on close calls. Fine-tuning and evaluation stay in float32."),
                              Qt::ToolTipRole);
    }
    m_device->setToolTip(tr("Where pre-labeling, fine-tuning and evaluation run"));
    form->addRow(tr("Model &device:"), m_device);
    m_theme = new QComboBox(tab);
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    form->addRow(tr("&Theme:"), m_theme);
    m_window = new QSpinBox(tab);
    m_window->setObjectName(QStringLiteral("windowFrames"));
    m_window->setRange(1, 100000);
    m_window->setSuffix(tr(" frames"));
    m_window->setToolTip(tr("Length of the sliding window that pre-labels long footage"));
    form->addRow(tr("Default &window:"), m_window);
    m_stride = new QSpinBox(tab);
    m_stride->setObjectName(QStringLiteral("strideFrames"));
    m_stride->setRange(1, 100000);
    m_stride->setSuffix(tr(" frames"));
    m_stride->setToolTip(tr("Step between two sliding windows"));
    form->addRow(tr("Default &stride:"), m_stride);
    m_reaction = new QSpinBox(tab);
    m_reaction->setObjectName(QStringLiteral("reactionOffset"));
    m_reaction->setRange(0, 3000);
    m_reaction->setSingleStep(50);
    m_reaction->setSuffix(tr(" ms"));
    m_reaction->setToolTip(tr("Live coding: each class key press is placed this long before the frame on screen"));
    form->addRow(tr("Live coding &reaction offset:"), m_reaction);
    return tab;
}

QWidget* PreferencesDialog::buildHotkeysTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_hotkeys = new QTableWidget(m_taxonomy.classCount(), 3, tab);
    m_hotkeys->setObjectName(QStringLiteral("hotkeyTable"));
    m_hotkeys->setHorizontalHeaderLabels({tr("Code"), tr("Class"), tr("Key")});
    m_hotkeys->verticalHeader()->setVisible(false);
    m_hotkeys->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_hotkeys->setColumnWidth(kKeyColumn, 150);
    const QHash<int, QKeySequence> keys = m_settings ? ClassHotkeys::load(*m_settings, m_taxonomy) : QHash<int, QKeySequence>();
    int row = 0;
    for (const BodyPart& part : m_taxonomy.bodyParts())
        for (int id : m_taxonomy.classesOfBodyPart(part.id)) {
            const ActionClass* c = m_taxonomy.classById(id);
            auto* code = new QTableWidgetItem(c->code);
            code->setData(Qt::UserRole, c->id);
            code->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            code->setBackground(QColor(part.colour.red(), part.colour.green(), part.colour.blue(), 70));
            auto* name = new QTableWidgetItem(c->name);
            name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            m_hotkeys->setItem(row, 0, code);
            m_hotkeys->setItem(row, 1, name);
            auto* edit = new QKeySequenceEdit(keys.value(c->id, ClassHotkeys::defaultFor(*c)), m_hotkeys);
            edit->setObjectName(QStringLiteral("hotkey_") + c->code);
            edit->setToolTip(tr("Press the new key sequence for %1 (up to four keys; Backspace clears)").arg(c->name));
            connect(edit, &QKeySequenceEdit::keySequenceChanged, this, &PreferencesDialog::updateConflicts);
            m_hotkeys->setCellWidget(row, kKeyColumn, edit);
            ++row;
        }
    layout->addWidget(m_hotkeys, 1);
    m_conflicts = new QLabel(tab);
    m_conflicts->setObjectName(QStringLiteral("hotkeyConflicts"));
    m_conflicts->setWordWrap(true);
    m_conflicts->setStyleSheet(QStringLiteral("color: #c62828"));
    layout->addWidget(m_conflicts);
    auto* reset = new QPushButton(tr("&Reset all to the default scheme"), tab);
    connect(reset, &QPushButton::clicked, this, &PreferencesDialog::restoreDefaultHotkeys);
    layout->addWidget(reset, 0, Qt::AlignLeft);
    updateConflicts();
    return tab;
}

void PreferencesDialog::showPreferences(const Preferences& p)
{
    m_cacheMB->setValue(p.frameCacheMB);
    m_device->setCurrentIndex(std::max(0, m_device->findData(p.device)));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(p.theme)));
    m_window->setValue(p.windowFrames);
    m_stride->setValue(p.strideFrames);
    m_reaction->setValue(p.reactionOffsetMs);
}

Preferences PreferencesDialog::shownPreferences() const
{
    Preferences p;
    p.frameCacheMB = m_cacheMB->value();
    p.device = m_device->currentData().toString();
    p.theme = m_theme->currentData().toString();
    p.windowFrames = m_window->value();
    p.strideFrames = m_stride->value();
    p.reactionOffsetMs = m_reaction->value();
    return p;
}

QHash<int, QKeySequence> PreferencesDialog::shownHotkeys() const
{
    QHash<int, QKeySequence> keys;
    for (int row = 0; row < m_hotkeys->rowCount(); ++row)
        keys.insert(m_hotkeys->item(row, 0)->data(Qt::UserRole).toInt(),
                    static_cast<QKeySequenceEdit*>(m_hotkeys->cellWidget(row, kKeyColumn))->keySequence());
    return keys;
}

void PreferencesDialog::setShownHotkey(int classId, const QKeySequence& sequence)
{
    for (int row = 0; row < m_hotkeys->rowCount(); ++row)
        if (m_hotkeys->item(row, 0)->data(Qt::UserRole).toInt() == classId)
            static_cast<QKeySequenceEdit*>(m_hotkeys->cellWidget(row, kKeyColumn))->setKeySequence(sequence);
}

void PreferencesDialog::restoreDefaultHotkeys()
{
    for (const ActionClass& c : m_taxonomy.classes())
        setShownHotkey(c.id, ClassHotkeys::defaultFor(c));
}

void PreferencesDialog::updateConflicts()
{
    const QStringList conflicts = ClassHotkeys::conflicts(m_taxonomy, shownHotkeys());
    m_conflicts->setText(conflicts.isEmpty() ? QString() : tr("Conflicts: %1").arg(conflicts.join(QStringLiteral("; "))));
    m_conflicts->setVisible(!conflicts.isEmpty());
}

void PreferencesDialog::apply()
{
    if (!m_settings)
        return;
    shownPreferences().save(*m_settings);
    ClassHotkeys::save(*m_settings, m_taxonomy, shownHotkeys());
    m_settings->sync();
    Q_EMIT preferencesChanged();
}

void PreferencesDialog::accept()
{
    apply();
    QDialog::accept();
}

} // namespace mas::ui
