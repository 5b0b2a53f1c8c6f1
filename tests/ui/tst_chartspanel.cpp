// ChartsPanel on a real project file: distribution by split and status, the confusion matrix (a
// click on a cell filters the review queue to exactly those clips), training curves and per-class F1.
#include "PanelTestProject.h"
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "charts/ChartsPanel.h"
#include "charts/ConfusionMatrixWidget.h"
#include "commands/EditContext.h"
#include "review/ReviewQueueWidget.h"

#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using namespace mas;

class TestChartsPanel : public QObject {
    Q_OBJECT

private:
    test::PanelTestProject m_project;
    std::unique_ptr<ui::EditContext> m_context;
    std::unique_ptr<QUndoStack> m_stack;
    std::unique_ptr<ui::ChartsPanel> m_charts;
    std::unique_ptr<ui::ReviewQueueWidget> m_queue;

    void grabTab(int tab, const QString& name)
    {
        m_charts->tabs()->setCurrentIndex(tab);
        QTest::qWait(30);
        m_charts->grab().save(test::artifactPath(name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_project.build(8, 400), qPrintable(m_project.error));
        // A split plan by participant: two train, one val, one test.
        auto plan = m_project.store->createSplitPlan("main", store::SplitUnit::Participant);
        QVERIFY2(plan.ok(), qPrintable(plan.error()));
        QVERIFY(m_project.store->setSplitAssignments(plan.value(), {{m_project.participantIds[0], store::SplitSet::Train},
                                                                    {m_project.participantIds[1], store::SplitSet::Train},
                                                                    {m_project.participantIds[2], store::SplitSet::Val},
                                                                    {m_project.participantIds[3], store::SplitSet::Test}}).ok());
        m_context = std::make_unique<ui::EditContext>(*m_project.store);
        m_stack = std::make_unique<QUndoStack>();
        m_charts = std::make_unique<ui::ChartsPanel>(*m_project.store);
        m_queue = std::make_unique<ui::ReviewQueueWidget>(*m_context, m_stack.get());
        connect(m_charts.get(), &ui::ChartsPanel::reviewFilterRequested, m_queue.get(), &ui::ReviewQueueWidget::setFilter);
        m_charts->resize(900, 700);
        m_charts->show();
        QApplication::setActiveWindow(m_charts.get());
        QVERIFY(QTest::qWaitForWindowActive(m_charts.get()));
    }

    void distributionCountsEverySegmentOnceBySplit()
    {
        const auto all = ui::ChartData::distribution(*m_project.store, ui::ChartGrouping::BodyParts);
        QVERIFY2(all.ok(), qPrintable(all.error()));
        int total = 0;
        for (const auto& row : all->counts)
            for (int c : row)
                total += c;
        QCOMPARE(total, 400); // every segment has a verdict or a prediction
        QCOMPARE(all->counts[0].size(), 7);
        int confirmed = 0;
        for (int c : all->counts[int(store::SegmentStatus::Confirmed) + 1])
            confirmed += c;
        QCOMPARE(confirmed, m_project.store->counts()->segmentsByStatus[int(store::SegmentStatus::Confirmed) + 1]);
        const auto train = ui::ChartData::distribution(*m_project.store, ui::ChartGrouping::Classes, int(store::SplitSet::Train));
        QVERIFY(train.ok());
        int trainTotal = 0;
        for (const auto& row : train->counts)
            for (int c : row)
                trainTotal += c;
        QCOMPARE(trainTotal, 200); // participants 0 and 1 hold half of the videos
        grabTab(0, "charts_distribution.png");
        m_charts->findChild<QComboBox*>("splitCombo")->setCurrentIndex(1);
        m_charts->findChild<QComboBox*>("distributionGrouping")->setCurrentIndex(1);
        grabTab(0, "charts_distribution_train_classes.png");
    }

    void clickingAConfusionCellFiltersTheQueue()
    {
        m_charts->tabs()->setCurrentIndex(1);
        ui::ConfusionMatrixWidget* matrix = m_charts->confusionMatrix();
        QCOMPARE(matrix->size(), 52);
        // Find an off-diagonal cell with clips (the test project disagrees 1 time in 3).
        int human = -1, predicted = -1;
        for (int h = 0; h < 52 && human < 0; ++h)
            for (int p = 0; p < 52; ++p)
                if (h != p && matrix->count(h, p) > 0) {
                    human = h;
                    predicted = p;
                    break;
                }
        QVERIFY(human >= 0);
        QSignalSpy requested(m_charts.get(), &ui::ChartsPanel::reviewFilterRequested);
        QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(human, predicted).center());
        QCOMPARE(requested.count(), 1);
        ui::ClipBrowserModel* model = m_queue->model();
        QCOMPARE(model->totalRows(), matrix->count(human, predicted));
        for (int r = 0; r < model->totalRows(); ++r) {
            QCOMPARE(model->clipRow(r).classId, human);
            QCOMPARE(model->clipRow(r).predictedClassId, predicted);
            QCOMPARE(model->clipRow(r).status, store::SegmentStatus::Confirmed);
        }
        // The matrix counts agree with the store row by row.
        int total = 0, diagonal = 0;
        for (int h = 0; h < 52; ++h)
            for (int p = 0; p < 52; ++p) {
                total += matrix->count(h, p);
                diagonal += h == p ? matrix->count(h, p) : 0;
            }
        store::ClipFilter confirmed;
        confirmed.status = store::SegmentStatus::Confirmed;
        QCOMPARE(total, m_project.store->clipRows(confirmed)->size());
        QVERIFY(diagonal > total / 2);
        grabTab(1, "charts_confusion_classes.png");
    }

    void keyboardEnterOnACell()
    {
        ui::ConfusionMatrixWidget* matrix = m_charts->confusionMatrix();
        m_charts->setConfusionGrouping(ui::ChartGrouping::BodyParts);
        QCOMPARE(matrix->size(), 7);
        matrix->setFocus();
        QSignalSpy clicked(matrix, &ui::ConfusionMatrixWidget::cellClicked);
        QTest::keyClick(matrix, Qt::Key_Down);
        QTest::keyClick(matrix, Qt::Key_Down);
        QTest::keyClick(matrix, Qt::Key_Right);
        QTest::keyClick(matrix, Qt::Key_Return);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked[0][0].toInt(), 2);
        QCOMPARE(clicked[0][1].toInt(), 1);
        QCOMPARE(m_queue->currentFilter().bodyPartId.value_or(-1), 2);
        grabTab(1, "charts_confusion_bodyparts.png");
    }

    void trainingCurvesAndF1()
    {
        const ui::TrainingCurves curves = ui::ChartData::trainingCurves(m_project.store->modelVersions()->first().metricsJson);
        QCOMPARE(curves.epochs, (QVector<int>{1, 2, 3, 4}));
        QCOMPARE(curves.series.keys(), (QStringList{"train_loss", "val_loss", "val_top1"}));
        QCOMPARE(curves.series["val_top1"].last(), 0.61);
        QVERIFY(m_charts->findChild<QChartView*>("trainingChart")->chart()->series().size() == 3);
        grabTab(2, "charts_training.png");

        const auto matrix = ui::ChartData::confusion(*m_project.store, ui::ChartGrouping::Classes);
        const QVector<double> f1 = ui::ChartData::perClassF1(matrix.value());
        QCOMPARE(f1.size(), 52);
        for (double v : f1)
            QVERIFY(std::isnan(v) || (v >= 0.0 && v <= 1.0));
        QCOMPARE(m_charts->findChild<QChartView*>("f1Chart")->chart()->series().size(), 1);
        grabTab(3, "charts_f1.png");
    }

    // While a fine-tune runs, Charts > Training draws the epochs reported so far (the worker's nested
    // per-epoch objects), then returns to the stored curves.
    void liveTrainingCurves()
    {
        const QJsonArray epochs = QJsonDocument::fromJson(R"json([
            {"epoch":1,"train_loss":3.2,"train_top1":0.1,"seconds":4.5,"validation":{"loss":3.4,"classes":{"count":12,"top1":0.25}}},
            {"epoch":2,"train_loss":2.6,"train_top1":0.3,"seconds":4.4,"validation":{"loss":3.0,"classes":{"count":12,"top1":0.5}}}
        ])json").array();
        const ui::TrainingCurves curves = ui::ChartData::trainingCurves(epochs);
        QCOMPARE(curves.series.keys(), (QStringList{"train_loss", "train_top1", "val_loss", "val_top1"})); // no "seconds"
        QCOMPARE(curves.series["val_top1"], (QVector<double>{0.25, 0.5}));
        m_charts->showLiveTraining(epochs, "fine-tune (fast, head only)");
        QVERIFY(m_charts->isShowingLiveTraining());
        QChart* chart = m_charts->findChild<QChartView*>("trainingChart")->chart();
        QCOMPARE(chart->series().size(), 4);
        QVERIFY(chart->title().contains("epoch 2"));
        grabTab(2, "charts_training_live.png");
        m_charts->endLiveTraining();
        QVERIFY(!m_charts->isShowingLiveTraining());
        QCOMPARE(chart->series().size(), 3); // the stored curves of the selected version again
    }

    // Per-class F1 and the confusion matrix come from the active version's last evaluate when it stored one.
    void f1AndConfusionFromTheLastEvaluate()
    {
        QJsonArray confusion;
        for (int human = 0; human < 52; ++human) {
            QJsonArray row;
            for (int predicted = 0; predicted < 52; ++predicted)
                row.append(human == 0 && predicted == 0 ? 3 : (human == 0 && predicted == 7 ? 1 : 0));
            confusion.append(row);
        }
        QJsonArray f1;
        for (int c = 0; c < 52; ++c)
            f1.append(c == 0 ? 0.857 : 0.0);
        store::ModelVersion evaluated;
        evaluated.name = "evaluated";
        evaluated.kind = "fine-tuned";
        evaluated.metricsJson = QString::fromUtf8(QJsonDocument(QJsonObject{{"test", QJsonObject{
            {"classes", QJsonObject{{"count", 4}, {"top1", 0.75}, {"per_class_f1", f1}}}, {"confusion", confusion},
            {"plan", "p"}, {"source", "evaluate"}, {"measured", "2026-01-01T00:00:00"}}}}).toJson());
        const auto id = m_project.store->addModelVersion(evaluated);
        QVERIFY(id.ok());
        const store::Id previous = m_project.store->activeModelVersion()->id;
        QVERIFY(m_project.store->setActiveModelVersion(id.value()).ok());
        m_charts->setConfusionGrouping(ui::ChartGrouping::Classes);
        m_charts->reload();
        QCOMPARE(m_charts->shownEvaluation().split, QString("test"));
        QCOMPARE(m_charts->matrixData().total, 4);
        QCOMPARE(m_charts->confusionMatrix()->count(0, 7), 1);
        QVERIFY(m_charts->findChild<QChartView*>("f1Chart")->chart()->title().contains("last evaluate"));
        grabTab(3, "charts_f1_evaluate.png");
        QVERIFY(m_project.store->setActiveModelVersion(previous).ok());
        m_charts->reload();
    }

    void cleanupTestCase()
    {
        m_queue.reset();
        m_charts.reset();
        m_context.reset();
        m_stack.reset();
    }
};

QTEST_MAIN(TestChartsPanel)
#include "tst_chartspanel.moc"
