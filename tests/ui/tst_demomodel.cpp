// The demo project's model is real: opening the demo shows it at once with no model and no predictions,
// then a small ResNet-18 (112 px, random weights) is made and fine-tuned in the background through the
// Model dock's runner on the demo's confirmed segments (split plan: P01 train, P02 val, P03 test), pre-labels
// the open segments and is evaluated on the test participant. Every prediction then comes from that model.
#include "ShellTestSupport.h"

#include "ModelJobRunner.h"
#include "modelpanel/ModelPanel.h"
#include "modelpanel/ModelVersionsModel.h"
#include "shell/DemoModel.h"
#include "shell/PanelDocks.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

class TestDemoModel : public QObject, private test::ShellWindowDriver {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;

private Q_SLOTS:
    void initTestCase()
    {
        m_settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        window = std::make_unique<MainWindow>(*m_settings, QStringLiteral("tester"));
        window->resize(1600, 1000);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    }

    void demoTrainsARealModelInTheBackground()
    {
        DemoOptions options;
        options.seconds = 12;
        options.annotator = QStringLiteral("tester");
        const QString folder = m_dir.filePath(QStringLiteral("demo"));
        QVERIFY2(ensureDemoProject(folder, options).ok(), "the demo's videos could not be made");
        // Opening returns before any model work: nothing invented, nothing trained yet.
        QElapsedTimer opening;
        opening.start();
        const Status opened = window->openDemo(folder, options);
        QVERIFY2(opened.ok(), qPrintable(opened.error()));
        qInfo("openDemo returned in %lld ms", opening.elapsed());
        QCOMPARE(projectStore().modelVersions()->size(), 0);
        const auto before = projectStore().clipRows();
        QVERIFY(before.ok());
        for (const store::ClipRow& r : before.value())
            QCOMPARE(r.predictedClassId, -1);

        auto* demo = window->panels()->model()->findChild<DemoModel*>();
        QVERIFY(demo);
        QSignalSpy finished(demo, &DemoModel::finished);
        // The model is made on the next turn of the event loop and trains through the dock's runner.
        QTRY_VERIFY_WITH_TIMEOUT(window->panels()->model()->runner()->isRunning(), 20000);
        QCOMPARE(projectStore().modelVersions()->first().kind, QStringLiteral("untrained"));
        screenshot(QStringLiteral("demo_training.png"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        const auto active = projectStore().activeModelVersion();
        QVERIFY(active);
        QCOMPARE(active->kind, QStringLiteral("fine-tuned"));
        QVERIFY(!active->checkpointPath.isEmpty());
        const QJsonObject metrics = QJsonDocument::fromJson(active->metricsJson.toUtf8()).object();
        QVERIFY(!metrics.value(QStringLiteral("epochs")).toArray().isEmpty());
        QVERIFY2(metrics.value(QStringLiteral("test")).toObject().value(QStringLiteral("classes")).toObject()
                         .value(QStringLiteral("count")).toInt() > 0, qPrintable(active->metricsJson));
        // Every prediction in the demo comes from a version with a checkpoint, i.e. a model produced it.
        int predicted = 0;
        const auto after = projectStore().clipRows();
        QVERIFY(after.ok());
        for (const store::ClipRow& r : after.value()) {
            const auto predictions = projectStore().predictionsOfSegment(r.segmentId);
            QVERIFY(predictions.ok());
            for (const store::Prediction& p : predictions.value()) {
                QCOMPARE(p.modelVersionId, active->id);
                ++predicted;
            }
            if (r.status != store::SegmentStatus::Confirmed)
                QVERIFY(r.predictedClassId >= 0); // the open segments were pre-labeled by it
        }
        QVERIFY(predicted > 0);
        ModelVersionsModel* versions = window->panels()->model()->versionsModel();
        const int row = versions->rowOfVersion(active->id);
        QVERIFY(!versions->index(row, ModelVersionsModel::figureColumn("test", "classes", "top1")).data().toString().isEmpty());
        screenshot(QStringLiteral("demo_trained.png"));
        // A second launch finds the trained model: nothing more to do.
        QVERIFY(!DemoModel::needed(projectStore()));
    }

    void cleanupTestCase()
    {
        window.reset();
    }
};

QTEST_MAIN(TestDemoModel)
#include "tst_demomodel.moc"
