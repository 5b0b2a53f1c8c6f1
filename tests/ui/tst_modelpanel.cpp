// ModelPanel on a real project file: the versions table (QAbstractItemModelTester), activate a
// version with the keyboard, roll back to the active version's parent, checked in the store.
// (Running jobs needs the worker's ModelJobRunner, which does not exist yet: without a runner the
// run controls are disabled.)
#include "PanelTestProject.h"
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "modelpanel/ModelPanel.h"
#include "modelpanel/ModelVersionsModel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace mas;

class TestModelPanel : public QObject {
    Q_OBJECT

private:
    test::PanelTestProject m_project;
    store::Id m_fineTuned = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_project.build(2, 20), qPrintable(m_project.error));
        store::ModelVersion tuned;
        tuned.name = "v2-lab";
        tuned.kind = "fine-tuned";
        tuned.parentId = m_project.modelVersionId;
        tuned.metricsJson = R"({"top1":0.72,"f1_macro":0.58})";
        auto id = m_project.store->addModelVersion(tuned);
        QVERIFY2(id.ok(), qPrintable(id.error()));
        m_fineTuned = id.value();
    }

    void versionsModelPassesTester()
    {
        ui::ModelVersionsModel model(*m_project.store);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        const int row = model.rowOfVersion(m_fineTuned);
        QCOMPARE(model.index(row, ui::ModelVersionsModel::Top1Column).data().toString(), QString("0.720"));
        QCOMPARE(model.index(row, ui::ModelVersionsModel::ParentColumn).data().toString(), QString("v1"));
        QVERIFY(model.reload());
    }

    void activateWithEnterAndRollBack()
    {
        ui::ModelPanel panel(*m_project.store, nullptr);
        panel.resize(640, 420);
        panel.show();
        QApplication::setActiveWindow(&panel);
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        QVERIFY(!panel.findChild<QPushButton*>("startJob")->isEnabled());
        QSignalSpy changed(&panel, &ui::ModelPanel::activeModelChanged);
        QTableView* table = panel.versionsTable();
        table->setFocus();
        const int row = panel.versionsModel()->rowOfVersion(m_fineTuned);
        table->selectRow(row);
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_project.store->activeModelVersion()->id, m_fineTuned);
        QVERIFY(panel.findChild<QPushButton*>("rollBackVersion")->isEnabled());
        QTest::qWait(20);
        panel.grab().save(test::artifactPath("model_panel.png"));
        QTest::mouseClick(panel.findChild<QPushButton*>("rollBackVersion"), Qt::LeftButton);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(m_project.store->activeModelVersion()->id, m_project.modelVersionId);
        QVERIFY(!panel.findChild<QPushButton*>("rollBackVersion")->isEnabled());
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
};

QTEST_MAIN(TestModelPanel)
#include "tst_modelpanel.moc"
