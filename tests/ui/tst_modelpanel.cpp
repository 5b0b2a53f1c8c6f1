// ModelPanel on a real project file: the versions table (QAbstractItemModelTester) with the figures as
// measured per split (empty where no run produced one), activate a version with the keyboard, roll back to
// the active version's parent, rename and delete (asking first for the active one), checked in the store;
// the dialogs a run starts from (footage windows from the model's clip length, plan and mode choosers).
// Without a runner the run controls are off and say why.
#include "PanelTestProject.h"
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "modelpanel/ModelDialogs.h"
#include "modelpanel/ModelPanel.h"
#include "modelpanel/ModelVersionsModel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <cmath>

using namespace mas;

class TestModelPanel : public QObject {
    Q_OBJECT

private:
    test::PanelTestProject m_project;
    store::Id m_fineTuned = 0;

    QAction* action(ui::ModelPanel& panel, const char* name) { return panel.findChild<QAction*>(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_project.build(2, 20), qPrintable(m_project.error));
        store::ModelVersion tuned;
        tuned.name = "v2-lab";
        tuned.kind = "fine-tuned";
        tuned.parentId = m_project.modelVersionId;
        tuned.hyperParamsJson = R"({"data_snapshot":{"training_clips":120,"validation_clips":30,"labels_sha1":"0123456789abcdef"}})";
        tuned.metricsJson = R"json({"val":{"loss":1.2,"classes":{"count":30,"top1":0.72,"top5":0.9,"macro_f1":0.58},)json"
                            R"json("body_parts":{"count":30,"top1":0.81,"top5":1.0,"macro_f1":0.7},"plan":"p1","source":"fine-tune (epoch 3)"},)json"
                            R"json("test":{"classes":{"count":0,"top1":0,"top5":0,"macro_f1":0}}})json";
        auto id = m_project.store->addModelVersion(tuned);
        QVERIFY2(id.ok(), qPrintable(id.error()));
        m_fineTuned = id.value();
    }

    void versionsModelShowsFiguresAsMeasured()
    {
        ui::ModelVersionsModel model(*m_project.store);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        const int row = model.rowOfVersion(m_fineTuned);
        using M = ui::ModelVersionsModel;
        auto cell = [&](int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(M::figureColumn("val", "classes", "top1")), QString("0.720"));
        QCOMPARE(cell(M::figureColumn("val", "classes", "top5")), QString("0.900"));
        QCOMPARE(cell(M::figureColumn("val", "classes", "macro_f1")), QString("0.580"));
        QCOMPARE(cell(M::figureColumn("val", "body_parts", "top1")), QString("0.810"));
        // A split that counted no clip measured nothing: empty, not 0.000.
        QCOMPARE(cell(M::figureColumn("test", "classes", "top1")), QString());
        QVERIFY(std::isnan(model.index(row, M::figureColumn("test", "classes", "top1")).data(M::FigureRole).toDouble()));
        QCOMPARE(cell(M::ParentColumn), QString("v1"));
        QCOMPARE(cell(M::KindColumn), QString("fine-tuned"));
        QCOMPARE(cell(M::SnapshotColumn), QString("120 train / 30 val"));
        // v1's old-style headline keys ("top1" at the top level) belong to no split: no figure is shown.
        const int v1 = model.rowOfVersion(m_project.modelVersionId);
        for (int c = M::FirstFigureColumn; c < M::ColumnCount; ++c)
            QCOMPARE(model.index(v1, c).data().toString(), QString());
        QCOMPARE(model.headerData(M::figureColumn("test", "body_parts", "macro_f1"), Qt::Horizontal).toString(),
                 QString("test part F1"));
        QVERIFY(model.hasChildren(m_project.modelVersionId));
        QVERIFY(model.reload());
    }

    void activateWithEnterAndRollBack()
    {
        ui::ModelPanel panel(*m_project.store, nullptr);
        panel.resize(900, 460);
        panel.show();
        QApplication::setActiveWindow(&panel);
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        QVERIFY(!action(panel, "prelabelClips")->isEnabled());
        QVERIFY(!action(panel, "fineTune")->isEnabled());
        QVERIFY(panel.findChild<QLabel*>("jobRate")->text().contains("not available"));
        QSignalSpy changed(&panel, &ui::ModelPanel::activeModelChanged);
        QTableView* table = panel.versionsTable();
        table->setFocus();
        const int row = panel.versionsModel()->rowOfVersion(m_fineTuned);
        table->selectRow(row);
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_project.store->activeModelVersion()->id, m_fineTuned);
        QVERIFY(panel.findChild<QLabel*>("activeModel")->text().contains("v2-lab"));
        QVERIFY(action(panel, "rollBackVersion")->isEnabled());
        QTest::qWait(20);
        panel.grab().save(test::artifactPath("model_panel.png"));
        QTest::mouseClick(panel.findChild<QWidget*>("rollBackVersionButton"), Qt::LeftButton);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(m_project.store->activeModelVersion()->id, m_project.modelVersionId);
        QVERIFY(!action(panel, "rollBackVersion")->isEnabled());
    }

    void renameAndDeleteAskFirstForTheActiveVersion()
    {
        ui::ModelPanel panel(*m_project.store, nullptr);
        panel.selectVersion(m_fineTuned);
        QVERIFY(panel.renameSelected("v2-renamed"));
        QCOMPARE(m_project.store->modelVersions()->last().name, QString("v2-renamed"));
        // Deleting the active version (v1, which also has a child) asks first; "No" keeps it.
        panel.selectVersion(m_project.modelVersionId);
        bool asked = false;
        QTimer::singleShot(0, this, [&asked] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            asked = box->text().contains("active version") && box->text().contains("fine-tuned from it");
            box->button(QMessageBox::No)->click();
        });
        QVERIFY(!panel.deleteSelected(false));
        QVERIFY(asked);
        QCOMPARE(m_project.store->modelVersions()->size(), 2);
        // The child is not active and has no children: deleted without a question.
        panel.selectVersion(m_fineTuned);
        QVERIFY(panel.deleteSelected(false));
        QCOMPARE(m_project.store->modelVersions()->size(), 1);
        QCOMPARE(panel.versionsModel()->rowCount(), 1);
    }

    void progressTextShowsRateAndTimeLeft()
    {
        ui::ModelPanel panel(*m_project.store, nullptr);
        worker::JobProgress progress;
        progress.stage = "pre-labeling";
        progress.done = 120;
        progress.total = 480;
        progress.itemsPerSecond = 12.5;
        progress.secondsLeft = 28.8;
        panel.showProgress(progress);
        const QString text = panel.findChild<QLabel*>("jobRate")->text();
        QVERIFY2(text.contains("120 / 480") && text.contains("12.5 items/s") && text.contains("0:29 left"), qPrintable(text));
    }

    void footageDialogStartsFromTheModelsClipLength()
    {
        worker::WindowDefaults defaults;
        defaults.window = 48;
        defaults.stride = 24;
        defaults.threshold = 0.4;
        ui::FootageDialog dialog(defaults, {"long_session.mp4"});
        QCOMPARE(dialog.findChild<QSpinBox*>("windowFrames")->value(), 48);
        QCOMPARE(dialog.findChild<QSpinBox*>("strideFrames")->value(), 24);
        auto* stride = dialog.findChild<QSpinBox*>("strideFrames");
        stride->setFocus();
        stride->selectAll();
        QTest::keyClicks(stride, "12");
        worker::ModelJobRequest request;
        dialog.applyTo(request);
        QCOMPARE(request.windowFrames, 48);
        QCOMPARE(request.strideFrames, 12);
        QCOMPARE(request.threshold, 0.4);
    }

    void planDialogsOfferWhatExists()
    {
        // No plan: the fine-tune says a hold-out is made; "full" only where CUDA is present.
        ui::RunPlanDialog none(worker::ModelJobKind::FineTune, {}, false);
        QVERIFY(none.findChild<QComboBox*>("planCombo")->currentText().contains("hold-out"));
        QCOMPARE(none.findChild<QComboBox*>("modeCombo")->count(), 1);
        worker::ModelJobRequest request;
        none.applyTo(request);
        QCOMPARE(request.splitPlanId, store::Id(0));
        QCOMPARE(request.fineTuneMode, QString("head"));
        QCOMPARE(request.device, QString("cpu"));
        ui::RunPlanDialog withCuda(worker::ModelJobKind::FineTune, {}, true);
        QCOMPARE(withCuda.findChild<QComboBox*>("modeCombo")->count(), 2);
        // Evaluate: newest participant plan first, test by default.
        store::SplitPlan older{1, "old", store::SplitUnit::Participant, {}, {}};
        store::SplitPlan bySegment{2, "by-segment", store::SplitUnit::Segment, {}, {}};
        store::SplitPlan newer{3, "new", store::SplitUnit::Participant, {}, {}};
        ui::RunPlanDialog evaluate(worker::ModelJobKind::Evaluate, {older, bySegment, newer}, false);
        auto* plans = evaluate.findChild<QComboBox*>("planCombo");
        QCOMPARE(plans->count(), 2);
        QVERIFY(plans->currentText().contains("new"));
        evaluate.applyTo(request);
        QCOMPARE(request.splitPlanId, store::Id(3));
        QCOMPARE(request.evaluateSplit, QString("test"));
    }
};

QTEST_MAIN(TestModelPanel)
#include "tst_modelpanel.moc"
