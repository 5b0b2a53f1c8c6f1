#include "review/ReviewQueueWidget.h"

#include "commands/LabelCommands.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace mas::ui {

namespace {
const QVector<store::SegmentStatus> kStatuses{store::SegmentStatus::Unlabeled, store::SegmentStatus::Prelabeled,
                                              store::SegmentStatus::Confirmed, store::SegmentStatus::Disputed,
                                              store::SegmentStatus::Rejected};

bool isReviewKey(const QKeyEvent* key)
{
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return false;
    switch (key->key()) {
    case Qt::Key_A: case Qt::Key_R: case Qt::Key_N: case Qt::Key_Return: case Qt::Key_Enter: return true;
    default: return false;
    }
}

void selectData(QComboBox* combo, const QVariant& value)
{
    const int i = combo->findData(value);
    combo->setCurrentIndex(i >= 0 ? i : 0);
}
} // namespace

ReviewQueueWidget::ReviewQueueWidget(EditContext& context, QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent), m_context(context), m_undoStack(undoStack)
{
    setObjectName(QStringLiteral("reviewQueue"));
    m_model = new ClipBrowserModel(context.store(), this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buildControls());

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("reviewTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setAlternatingRowColors(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setToolTip(tr("Enter: open clip · A: accept prediction · R: reject · N: next"));
    m_table->installEventFilter(this);
    layout->addWidget(m_table, 1);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("clipCount"));
    layout->addWidget(m_count);

    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        Q_EMIT clipActivated(index.data(ClipBrowserModel::VideoIdRole).toLongLong(),
                             index.data(ClipBrowserModel::SegmentIdRole).toLongLong());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                rememberSeenLabels();
                if (current.isValid())
                    Q_EMIT segmentActivated(current.data(ClipBrowserModel::SegmentIdRole).toLongLong());
            });
    auto onEdit = [this](store::Id, store::Id segmentId) {
        m_model->refreshSegment(segmentId);
        if (segmentId == 0 || segmentId == m_seenSegment) // 0: everything was reloaded
            rememberSeenLabels();
    };
    connect(&m_context, &EditContext::labelsChanged, m_model, onEdit);
    connect(&m_context, &EditContext::segmentChanged, m_model, onEdit);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ReviewQueueWidget::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ReviewQueueWidget::updateCount);

    reload();
}

QGridLayout* ReviewQueueWidget::buildControls()
{
    auto* grid = new QGridLayout;
    const Taxonomy& taxonomy = m_context.store().taxonomy();
    auto addCombo = [this, grid](const QString& label, const QString& name, int row, int column) {
        auto* combo = new QComboBox(this);
        combo->setObjectName(name);
        auto* caption = new QLabel(label, this);
        caption->setBuddy(combo);
        grid->addWidget(caption, row, column);
        grid->addWidget(combo, row, column + 1);
        return combo;
    };
    // Mnemonics avoid A..G: Alt+<body-part letter> starts a class hotkey (PANELS.md).
    m_status = addCombo(tr("&Status"), QStringLiteral("statusFilter"), 0, 0);
    m_status->addItem(tr("Any"), -2);
    for (store::SegmentStatus s : kStatuses)
        m_status->addItem(store::toString(s), int(s));
    m_participant = addCombo(tr("Partici&pant"), QStringLiteral("participantFilter"), 0, 2);
    m_class = addCombo(tr("&Human"), QStringLiteral("classFilter"), 1, 0);
    m_predicted = addCombo(tr("Predic&ted"), QStringLiteral("predictedFilter"), 1, 2);
    for (QComboBox* combo : {m_class, m_predicted}) {
        combo->addItem(tr("Any class"), -2);
        for (const ActionClass& c : taxonomy.classes())
            combo->addItem(c.code + QLatin1Char(' ') + c.name, c.id);
    }
    m_bodyPart = addCombo(tr("Bod&y part"), QStringLiteral("bodyPartFilter"), 2, 0);
    m_bodyPart->addItem(tr("Any"), -2);
    for (const BodyPart& part : taxonomy.bodyParts())
        m_bodyPart->addItem(part.letter + QLatin1Char(' ') + part.name, part.id);

    auto* scoreCaption = new QLabel(tr("Sco&re"), this);
    auto* scoreRow = new QHBoxLayout;
    m_minScore = new QDoubleSpinBox(this);
    m_maxScore = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {m_minScore, m_maxScore}) {
        box->setRange(0.0, 1.0);
        box->setSingleStep(0.05);
        box->setDecimals(2);
        scoreRow->addWidget(box);
    }
    m_minScore->setObjectName(QStringLiteral("minScore"));
    m_maxScore->setObjectName(QStringLiteral("maxScore"));
    m_maxScore->setValue(1.0);
    scoreCaption->setBuddy(m_minScore);
    grid->addWidget(scoreCaption, 2, 2);
    grid->addLayout(scoreRow, 2, 3);

    m_order = addCombo(tr("&Order"), QStringLiteral("orderCombo"), 3, 0);
    m_order->addItem(tr("By column (video, frame)"), int(ReviewOrder::Column));
    m_order->addItem(tr("Least confidence first"), int(ReviewOrder::LeastConfidence));
    m_order->addItem(tr("Smallest top-2 margin first"), int(ReviewOrder::SmallestMargin));
    m_order->addItem(tr("Highest entropy first"), int(ReviewOrder::HighestEntropy));
    m_order->addItem(tr("By predicted class"), int(ReviewOrder::PredictedClass));
    m_order->addItem(tr("Model disagrees with the human label first"), int(ReviewOrder::Disagreement));
    m_order->setToolTip(tr("Active-learning orders put the most doubtful predictions first"));
    m_myWork = new QCheckBox(tr("&My work"), this);
    m_myWork->setObjectName(QStringLiteral("myWorkToggle"));
    grid->addWidget(m_myWork, 3, 2, 1, 2, Qt::AlignLeft);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);

    for (QComboBox* combo : {m_status, m_class, m_bodyPart, m_predicted, m_participant})
        connect(combo, &QComboBox::currentIndexChanged, this, &ReviewQueueWidget::applyControls);
    for (QDoubleSpinBox* box : {m_minScore, m_maxScore})
        connect(box, &QDoubleSpinBox::valueChanged, this, &ReviewQueueWidget::applyControls);
    connect(m_myWork, &QCheckBox::toggled, this, &ReviewQueueWidget::applyControls);
    connect(m_order, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updatingControls)
            setReviewOrder(ReviewOrder(m_order->currentData().toInt()));
    });
    return grid;
}

void ReviewQueueWidget::fillParticipants()
{
    const QVariant selected = m_participant->currentData();
    m_updatingControls = true;
    m_participant->clear();
    m_participant->addItem(tr("Any"), QVariant::fromValue<qint64>(-2));
    if (const auto participants = m_context.store().participants(); participants.ok())
        for (const store::Participant& p : participants.value())
            m_participant->addItem(p.code, QVariant::fromValue<qint64>(p.id));
    selectData(m_participant, selected);
    m_updatingControls = false;
}

void ReviewQueueWidget::updateMyWork()
{
    store::ProjectStore& store = m_context.store();
    const store::Id me = store.currentAnnotatorId();
    const auto assigned = me > 0 ? store.assignments(me) : Result<QVector<store::Assignment>>(QVector<store::Assignment>());
    const int count = assigned.ok() ? int(assigned->size()) : 0;
    m_updatingControls = true;
    m_myWork->setEnabled(count > 0);
    if (count == 0)
        m_myWork->setChecked(false);
    m_updatingControls = false;
    if (count == 0 && m_model->filter().assignedTo) { // the last assignment was taken back
        store::ClipFilter filter = m_model->filter();
        filter.assignedTo.reset();
        m_model->setFilter(filter);
    }
    m_myWork->setToolTip(me == 0 ? tr("My work: no annotator is set for this session")
                         : count == 0
                             ? tr("My work: nothing is assigned to you yet (a curator assigns participants or videos)")
                             : tr("Only the clips assigned to you: %n participant(s) or video(s)", nullptr, count));
}

store::ClipFilter ReviewQueueWidget::currentFilter() const
{
    store::ClipFilter filter;
    if (const int s = m_status->currentData().toInt(); s != -2)
        filter.status = store::SegmentStatus(s);
    if (const int c = m_class->currentData().toInt(); c != -2)
        filter.classId = c;
    if (const int b = m_bodyPart->currentData().toInt(); b != -2)
        filter.bodyPartId = b;
    if (const int p = m_predicted->currentData().toInt(); p != -2)
        filter.predictedClassId = p;
    if (const qint64 p = m_participant->currentData().toLongLong(); p != -2)
        filter.participantId = p;
    if (m_minScore->value() > 0.0)
        filter.minScore = float(m_minScore->value());
    if (m_maxScore->value() < 1.0)
        filter.maxScore = float(m_maxScore->value());
    if (m_myWork->isChecked())
        filter.assignedTo = m_context.store().currentAnnotatorId();
    return filter;
}

void ReviewQueueWidget::applyControls()
{
    if (m_updatingControls)
        return;
    if (!m_model->setFilter(currentFilter()))
        Q_EMIT statusMessage(m_model->lastError());
    if (m_model->rowCount() > 0)
        selectRow(0);
}

void ReviewQueueWidget::setFilter(const mas::store::ClipFilter& filter)
{
    m_updatingControls = true;
    selectData(m_status, filter.status ? int(*filter.status) : -2);
    selectData(m_class, filter.classId ? *filter.classId : -2);
    selectData(m_bodyPart, filter.bodyPartId ? *filter.bodyPartId : -2);
    selectData(m_predicted, filter.predictedClassId ? *filter.predictedClassId : -2);
    selectData(m_participant, QVariant::fromValue<qint64>(filter.participantId ? *filter.participantId : -2));
    m_minScore->setValue(filter.minScore ? double(*filter.minScore) : 0.0);
    m_maxScore->setValue(filter.maxScore ? double(*filter.maxScore) : 1.0);
    m_myWork->setChecked(filter.assignedTo && m_myWork->isEnabled());
    m_updatingControls = false;
    // The store filters by video too, which no control shows: keep it from `filter` itself.
    store::ClipFilter effective = currentFilter();
    effective.videoId = filter.videoId;
    if (!m_model->setFilter(effective))
        Q_EMIT statusMessage(m_model->lastError());
    if (m_model->rowCount() > 0)
        selectRow(0);
}

void ReviewQueueWidget::setReviewOrder(ReviewOrder order)
{
    m_updatingControls = true;
    selectData(m_order, int(order));
    m_updatingControls = false;
    if (order != ReviewOrder::Column)
        m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_model->setReviewOrder(order);
    if (m_model->rowCount() > 0)
        selectRow(0);
}

void ReviewQueueWidget::reload()
{
    fillParticipants();
    updateMyWork();
    if (!m_model->reload())
        Q_EMIT statusMessage(m_model->lastError());
    updateCount();
    if (m_model->rowCount() > 0 && !m_table->currentIndex().isValid())
        selectRow(0);
}

void ReviewQueueWidget::refreshKeepingPlace()
{
    const store::Id shown = currentSegment();
    fillParticipants();
    updateMyWork();
    if (!m_model->reload())
        Q_EMIT statusMessage(m_model->lastError());
    updateCount();
    const int row = shown ? m_model->rowOfSegment(shown) : -1;
    if (row >= 0)
        selectRow(row);
    else if (m_model->rowCount() > 0)
        selectRow(0);
    rememberSeenLabels();
}

void ReviewQueueWidget::rememberSeenLabels()
{
    m_seenSegment = currentSegment();
    m_seenLabels.clear();
    if (m_seenSegment)
        if (auto labels = m_context.store().labelsOfSegment(m_seenSegment); labels.ok())
            m_seenLabels = labels.value();
}

void ReviewQueueWidget::updateCount()
{
    // While the store cannot be read (a server restarting) the rows last read stay, and the count says so.
    const QString error = m_model->lastError();
    m_count->setText(error.isEmpty() ? tr("%n clip(s)", nullptr, m_model->totalRows())
                                     : tr("%n clip(s), as last read", nullptr, m_model->totalRows()));
    m_count->setToolTip(error);
}

store::Id ReviewQueueWidget::currentSegment() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(ClipBrowserModel::SegmentIdRole).toLongLong() : 0;
}

void ReviewQueueWidget::selectRow(int row)
{
    if (!m_model->ensureFetched(row))
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

bool ReviewQueueWidget::goToNext()
{
    const int row = m_table->currentIndex().row();
    if (row + 1 >= m_model->totalRows()) {
        Q_EMIT statusMessage(tr("End of the review queue"));
        return false;
    }
    selectRow(row + 1);
    return true;
}

bool ReviewQueueWidget::acceptCurrent()
{
    return reviewCurrent(true);
}

bool ReviewQueueWidget::rejectCurrent()
{
    return reviewCurrent(false);
}

bool ReviewQueueWidget::reviewCurrent(bool accept)
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return false;
    const store::ClipRow& row = m_model->clipRow(current.row());
    const ActionClass* predicted = m_context.store().taxonomy().classById(row.predictedClassId);
    if (!predicted) {
        Q_EMIT statusMessage(tr("This clip has no prediction to review"));
        return false;
    }
    store::ProjectStore& store = m_context.store();
    const store::Id me = store.currentAnnotatorId();
    const auto labels = store.labelsOfSegment(row.segmentId);
    QHash<store::Id, bool> isModel;
    if (const auto annotators = store.annotators(); annotators.ok())
        for (const store::Annotator& a : annotators.value())
            isModel.insert(a.id, a.name.startsWith(QLatin1String("model:")));

    StoreCommand* command = nullptr;
    if (accept) {
        if (labels.ok())
            for (const store::Label& l : labels.value())
                if (l.classId == predicted->id && l.annotatorId == me && l.status == store::LabelStatus::Confirmed) {
                    Q_EMIT statusMessage(tr("Already accepted"));
                    goToNext();
                    return false;
                }
        command = new AddLabelCommand(m_context, row.segmentId, predicted->id, store::LabelStatus::Confirmed);
        command->setText(tr("Accept %1 %2").arg(predicted->code, predicted->name));
    } else {
        // Rejecting marks the model's pre-label of that class rejected; without one, the reviewer
        // records a rejected label of the predicted class.
        // The pre-label the reviewer saw, at the version they saw (a teammate's change since is refused).
        const bool seen = m_seenSegment == row.segmentId;
        store::Id prelabel = 0;
        int64_t seenVersion = 0;
        for (const store::Label& l : seen ? m_seenLabels : labels.ok() ? labels.value() : QVector<store::Label>())
            if (l.classId == predicted->id && l.status == store::LabelStatus::Prelabeled && isModel.value(l.annotatorId)) {
                prelabel = l.id;
                seenVersion = seen ? l.rowVersion : 0;
            }
        if (prelabel)
            command = new SetLabelStatusCommand(m_context, prelabel, store::LabelStatus::Rejected, nullptr, seenVersion);
        else
            command = new AddLabelCommand(m_context, row.segmentId, predicted->id, store::LabelStatus::Rejected);
        command->setText(tr("Reject %1 %2").arg(predicted->code, predicted->name));
    }
    if (!pushEdit(*m_undoStack, command)) { // a failed edit is dropped (deleted) by the stack
        Q_EMIT statusMessage(m_context.lastError());
        return false;
    }
    Q_EMIT statusMessage(command->text());
    goToNext();
    return true;
}

bool ReviewQueueWidget::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table) {
        if (event->type() == QEvent::ShortcutOverride && isReviewKey(static_cast<QKeyEvent*>(event))) {
            event->accept(); // single keys belong to the queue while it has focus
            return true;
        }
        if (event->type() == QEvent::KeyPress) {
            auto* key = static_cast<QKeyEvent*>(event);
            if (isReviewKey(key)) {
                switch (key->key()) {
                case Qt::Key_A: acceptCurrent(); break;
                case Qt::Key_R: rejectCurrent(); break;
                case Qt::Key_N: goToNext(); break;
                default:
                    if (const QModelIndex current = m_table->currentIndex(); current.isValid())
                        Q_EMIT clipActivated(current.data(ClipBrowserModel::VideoIdRole).toLongLong(),
                                             current.data(ClipBrowserModel::SegmentIdRole).toLongLong());
                }
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace mas::ui
