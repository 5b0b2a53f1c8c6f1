#include "modelpanel/ModelDialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mas::ui {

namespace {
QDialogButtonBox* okCancel(QDialog* dialog, const QString& okText, const QString& okName)
{
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(okText);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(okName);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

QString numberOrUnknown(int value)
{
    return value > 0 ? QString::number(value) : QObject::tr("not stated in the file");
}
} // namespace

// --- import ---------------------------------------------------------------------------------------

QList<QPair<QString, QString>> ImportCheckpointDialog::summaryRows(const worker::CheckpointSummary& s)
{
    QList<QPair<QString, QString>> rows;
    rows << qMakePair(tr("File"), QFileInfo(s.path).fileName());
    rows << qMakePair(tr("Origin"), s.origin.isEmpty() ? s.format : s.origin);
    rows << qMakePair(tr("Depth"), s.depth > 0 ? tr("ResNet-%1").arg(s.depth) : tr("unknown"));
    rows << qMakePair(tr("Classes"), s.usableAsModel ? numberOrUnknown(s.numClasses) : tr("none (backbone only)"));
    rows << qMakePair(tr("Input size"), s.inputSize > 0 ? tr("%1 x %1 pixels").arg(s.inputSize) : tr("unknown"));
    rows << qMakePair(tr("Segments"), numberOrUnknown(s.segments));
    rows << qMakePair(tr("Parameters"), QLocale().toString(s.parameterCount));
    if (s.hasOptimizer)
        rows << qMakePair(tr("Also in the file"), tr("optimizer state (ignored)"));
    return rows;
}

ImportCheckpointDialog::ImportCheckpointDialog(const worker::CheckpointSummary& summary, const QString& suggestedName,
                                               QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("importCheckpointDialog"));
    setWindowTitle(tr("Import checkpoint"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    for (const auto& [label, value] : summaryRows(summary)) {
        auto* field = new QLabel(value, this);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label + QLatin1Char(':'), field);
    }
    layout->addLayout(form);
    const bool refused = !summary.refusal.isEmpty() || (!summary.usableAsModel && !summary.usableAsBackbone);
    auto* verdict = new QLabel(this);
    verdict->setObjectName(QStringLiteral("importVerdict"));
    verdict->setWordWrap(true);
    if (refused)
        verdict->setText(tr("<b>Cannot be imported:</b> %1")
                             .arg((summary.refusal.isEmpty() ? tr("neither a MANet model nor an ImageNet ResNet backbone")
                                                             : summary.refusal).toHtmlEscaped()));
    else if (!summary.usableAsModel)
        verdict->setText(tr("A backbone only: it is kept in the project and a new, untrained model is made from it. "
                            "Fine-tune that model on your labels before trusting its pre-labels."));
    else
        verdict->setText(tr("The file is copied into the project, so the project no longer needs the original."));
    layout->addWidget(verdict);

    auto* options = new QFormLayout;
    m_name = new QLineEdit(suggestedName, this);
    m_name->setObjectName(QStringLiteral("versionName"));
    options->addRow(tr("Version name:"), m_name);
    m_activate = new QCheckBox(tr("Make it the active version"), this);
    m_activate->setObjectName(QStringLiteral("activateImported"));
    m_activate->setChecked(summary.usableAsModel);
    options->addRow(QString(), m_activate);
    layout->addLayout(options);
    m_name->setEnabled(!refused);
    m_activate->setEnabled(!refused);

    QDialogButtonBox* buttons = okCancel(this, tr("Import"), QStringLiteral("importButton"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(!refused);
    layout->addWidget(buttons);
}

QString ImportCheckpointDialog::versionName() const
{
    return m_name->text().trimmed();
}

bool ImportCheckpointDialog::activateAfterImport() const
{
    return m_activate->isChecked();
}

// --- new model ------------------------------------------------------------------------------------

NewModelDialog::NewModelDialog(const QStringList& backbones, const QString& suggestedName, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("newModelDialog"));
    setWindowTitle(tr("New model"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_depth = new QComboBox(this);
    m_depth->setObjectName(QStringLiteral("depth"));
    for (int depth : {18, 34, 50})
        m_depth->addItem(tr("ResNet-%1").arg(depth), depth);
    m_depth->setCurrentIndex(2);
    form->addRow(tr("Network:"), m_depth);
    m_start = new QComboBox(this);
    m_start->setObjectName(QStringLiteral("startingWeights"));
    for (const QString& file : backbones)
        m_start->addItem(tr("ImageNet backbone %1").arg(QFileInfo(file).fileName()), file);
    m_start->addItem(tr("Random weights"), QString());
    form->addRow(tr("Starting weights:"), m_start);
    m_input = new QSpinBox(this);
    m_input->setObjectName(QStringLiteral("inputSize"));
    m_input->setRange(64, 448);
    m_input->setSingleStep(16);
    m_input->setValue(224);
    m_input->setSuffix(tr(" px"));
    m_input->setToolTip(tr("Frames are cropped to this square; smaller runs faster on a CPU"));
    form->addRow(tr("Input size:"), m_input);
    m_name = new QLineEdit(suggestedName, this);
    m_name->setObjectName(QStringLiteral("versionName"));
    form->addRow(tr("Version name:"), m_name);
    layout->addLayout(form);
    auto* note = new QLabel(tr("The new version is untrained: fine-tune it on confirmed labels before its "
                               "pre-labels mean anything."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(okCancel(this, tr("Create"), QStringLiteral("createButton")));
    // A backbone fixes the depth: keep the two consistent.
    auto matchDepth = [this] {
        const QString file = QFileInfo(m_start->currentData().toString()).fileName();
        for (int depth : {18, 34, 50})
            if (file.contains(QStringLiteral("resnet%1").arg(depth), Qt::CaseInsensitive))
                m_depth->setCurrentIndex(m_depth->findData(depth));
    };
    connect(m_start, &QComboBox::currentIndexChanged, this, matchDepth);
    matchDepth();
}

int NewModelDialog::depth() const
{
    return m_depth->currentData().toInt();
}

QString NewModelDialog::backboneFile() const
{
    return m_start->currentData().toString();
}

QString NewModelDialog::versionName() const
{
    return m_name->text().trimmed();
}

int NewModelDialog::inputSize() const
{
    return m_input->value();
}

// --- long footage ---------------------------------------------------------------------------------

FootageDialog::FootageDialog(const worker::WindowDefaults& defaults, const QStringList& videoNames, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("footageDialog"));
    setWindowTitle(tr("Pre-label long footage"));
    auto* layout = new QVBoxLayout(this);
    auto* what = new QLabel(videoNames.size() == 1 ? tr("Video: %1").arg(videoNames.first())
                                                   : tr("%n videos: %1", nullptr, int(videoNames.size()))
                                                         .arg(videoNames.mid(0, 4).join(QStringLiteral(", "))
                                                              + (videoNames.size() > 4 ? QStringLiteral(", ...") : QString())),
                            this);
    what->setWordWrap(true);
    layout->addWidget(what);
    auto* form = new QFormLayout;
    m_window = new QSpinBox(this);
    m_window->setObjectName(QStringLiteral("windowFrames"));
    m_window->setRange(2, 100000);
    m_window->setValue(defaults.window);
    m_window->setSuffix(tr(" frames"));
    form->addRow(tr("Window:"), m_window);
    m_stride = new QSpinBox(this);
    m_stride->setObjectName(QStringLiteral("strideFrames"));
    m_stride->setRange(1, 100000);
    m_stride->setValue(defaults.stride);
    m_stride->setSuffix(tr(" frames"));
    form->addRow(tr("Stride:"), m_stride);
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setObjectName(QStringLiteral("threshold"));
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setValue(defaults.threshold);
    m_threshold->setToolTip(tr("Windows whose best class scores below this propose nothing"));
    form->addRow(tr("Threshold:"), m_threshold);
    layout->addLayout(form);
    auto* note = new QLabel(tr("Adjacent windows with the same top class become one proposed segment, shown as "
                               "pre-labeled on the Predictions track and in the review queue."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(okCancel(this, tr("Pre-label"), QStringLiteral("startFootage")));
}

void FootageDialog::applyTo(worker::ModelJobRequest& request) const
{
    request.windowFrames = m_window->value();
    request.strideFrames = m_stride->value();
    request.threshold = m_threshold->value();
}

// --- fine-tune / evaluate -------------------------------------------------------------------------

RunPlanDialog::RunPlanDialog(worker::ModelJobKind kind, const QVector<store::SplitPlan>& plans, bool cudaAvailable,
                             QWidget* parent)
    : QDialog(parent), m_kind(kind)
{
    const bool fineTune = kind == worker::ModelJobKind::FineTune;
    setObjectName(fineTune ? QStringLiteral("fineTuneDialog") : QStringLiteral("evaluateDialog"));
    setWindowTitle(fineTune ? tr("Fine-tune") : tr("Evaluate"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_plan = new QComboBox(this);
    m_plan->setObjectName(QStringLiteral("planCombo"));
    for (int i = int(plans.size()) - 1; i >= 0; --i) // newest first: the default
        if (plans[i].unit == store::SplitUnit::Participant)
            m_plan->addItem(tr("Plan %1").arg(plans[i].name), QVariant::fromValue<qint64>(plans[i].id));
    if (m_plan->count() == 0)
        m_plan->addItem(tr("None yet: a participant hold-out is made and saved"), QVariant::fromValue<qint64>(0));
    form->addRow(tr("Split plan:"), m_plan);
    if (fineTune) {
        m_mode = new QComboBox(this);
        m_mode->setObjectName(QStringLiteral("modeCombo"));
        m_mode->addItem(tr("Head only (fast, on cached features)"), QStringLiteral("head"));
        if (cudaAvailable)
            m_mode->addItem(tr("Full network (on the CUDA GPU)"), QStringLiteral("full"));
        m_mode->setToolTip(cudaAvailable ? tr("Full fine-tuning trains every layer on the GPU")
                                         : tr("Full fine-tuning needs a CUDA GPU, which this machine does not have"));
        form->addRow(tr("Mode:"), m_mode);
        m_epochs = new QSpinBox(this);
        m_epochs->setObjectName(QStringLiteral("epochs"));
        m_epochs->setRange(1, 200);
        m_epochs->setValue(10);
        form->addRow(tr("Epochs:"), m_epochs);
    } else {
        m_split = new QComboBox(this);
        m_split->setObjectName(QStringLiteral("splitCombo"));
        m_split->addItem(tr("test"), QStringLiteral("test"));
        m_split->addItem(tr("val"), QStringLiteral("val"));
        m_split->addItem(tr("train"), QStringLiteral("train"));
        form->addRow(tr("Split:"), m_split);
    }
    layout->addLayout(form);
    auto* note = new QLabel(fineTune ? tr("Trains on the plan's train participants and keeps the epoch that does best "
                                          "on its val participants. Test participants are never read.")
                                     : tr("Measures the version on the confirmed clips of the chosen split's "
                                          "participants and stores the figures on the version."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(okCancel(this, fineTune ? tr("Fine-tune") : tr("Evaluate"), QStringLiteral("runButton")));
}

void RunPlanDialog::applyTo(worker::ModelJobRequest& request) const
{
    request.splitPlanId = m_plan->currentData().toLongLong();
    if (m_mode) {
        request.fineTuneMode = m_mode->currentData().toString();
        if (request.fineTuneMode == QLatin1String("full"))
            request.device = QStringLiteral("cuda"); // chosen as "on the CUDA GPU"; only offered there
        request.epochs = m_epochs->value();
    }
    if (m_split)
        request.evaluateSplit = m_split->currentData().toString();
}

} // namespace mas::ui
