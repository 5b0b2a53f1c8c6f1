// The whole model loop in the GUI, on real widgets offscreen, the way a psychologist without a terminal
// works: a new project; import a folder of FFmpeg-made clips (five participants, two visual patterns);
// import a checkpoint in the MA-52 authors' layout (meta and optimizer entries beside the state_dict,
// written by the PyTorch reference script); pre-label; confirm and correct labels with the review queue's A
// and the class hotkeys; fine-tune the head on a participant split plan; check that the new version is
// active, that test participants never reached training, and that the unconfirmed clips were pre-labeled
// again by it; evaluate it on the test split and read the figures in the versions table.
// The STORE is checked after each step; a screenshot of the main window is saved at each step.
#include "ShellTestSupport.h"
#include "StoreEnumCompare.h"

#include "ModelJobRunner.h"
#include "charts/ChartsPanel.h"
#include "labeling/LabelingPanel.h"
#include "modelpanel/ModelDialogs.h"
#include "modelpanel/ModelPanel.h"
#include "modelpanel/ModelVersionsModel.h"
#include "review/ReviewQueueWidget.h"
#include "shell/MainActions.h"
#include "shell/PanelDocks.h"
#include "shell/ProjectWorkspace.h"
#include "timeline/TimelineGeometry.h"
#include "timeline/TimelineStoreAdapter.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QCheckBox>
#include <QMenuBar>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QtTest>

#include <functional>

using namespace mas;
using namespace mas::ui;

namespace {

// Runs `handler` on the next modal dialog of type T once it is shown; polls from the event loop, so it also
// reaches dialogs opened inside exec() of the code under test. Any other modal dialog in the way (say, a
// warning) is logged and closed after 60 s, so a failing step fails instead of hanging.
template <typename T>
void whenModalOpens(std::function<void(T*)> handler)
{
    auto* timer = new QTimer(qApp);
    auto* clock = new QElapsedTimer;
    clock->start();
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, qApp, [timer, clock, handler] {
        auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
        T* wanted = qobject_cast<T*>(dialog);
        if (!wanted || !wanted->isVisible()) {
            if (clock->elapsed() > 60000) {
                timer->stop();
                timer->deleteLater();
                delete clock;
                if (dialog) {
                    auto* box = qobject_cast<QMessageBox*>(dialog);
                    qWarning("unexpected dialog %s: %s", dialog->metaObject()->className(),
                             box ? qPrintable(box->text()) : "");
                    dialog->reject();
                }
            }
            return;
        }
        timer->stop();
        timer->deleteLater();
        delete clock;
        handler(wanted);
    });
    timer->start();
}

// What a user does in the file dialog: type the path and press Open.
void chooseFile(QFileDialog* files, const QString& path)
{
    auto* name = files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    QVERIFY(name);
    name->setText(path);
    static_cast<QDialog*>(files)->accept(); // QFileDialog::accept reads the typed path
}

struct Clip {
    QString participant;
    int index;
    bool checkerboard; // smptebars ("B1: shaking head" in this test's story) else testsrc2 ("A1")
    QString fileName() const { return QStringLiteral("%1_01_%2.mp4").arg(participant).arg(index, 4, 10, QChar('0')); }
};

QVector<Clip> clips()
{
    QVector<Clip> all;
    int index = 1;
    for (const QString p : {"0001", "0002", "0003", "0004"})
        for (int k = 0; k < 4; ++k)
            all << Clip{p, index++, k % 2 == 1};
    all << Clip{QStringLiteral("0005"), index++, false} << Clip{QStringLiteral("0005"), index++, true};
    return all;
}

} // namespace

class TestModelLoop : public QObject, private test::ShellWindowDriver {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    QString m_clipsDir, m_checkpoint;
    store::Id m_imported = 0, m_tuned = 0;
    int m_liveEpochsSeen = 0;
    bool m_liveChartSeen = false;

    PanelDocks& panels() { return *window->panels(); }
    ModelPanel& panel() { return *panels().model(); }
    QAction* action(const QString& name) { return panel().findChild<QAction*>(name); }
    void raiseDock(const QString& name)
    {
        auto* dock = window->findChild<QDockWidget*>(name);
        QVERIFY(dock);
        dock->raise();
        QCoreApplication::processEvents();
    }
    void waitForJob(int timeoutMs = 240000)
    {
        QTRY_VERIFY_WITH_TIMEOUT(!panel().runner()->isRunning(), timeoutMs);
    }
    int classIdOf(const QString& code) { return projectStore().taxonomy().classByCode(code)->id; }
    QVector<store::ClipRow> rows()
    {
        auto r = projectStore().clipRows();
        return r ? r.value() : QVector<store::ClipRow>{};
    }
    QString participantOf(const store::ClipRow& r) { return r.participantCode; }
    bool isCheckerboard(const store::ClipRow& r)
    {
        for (const Clip& c : clips())
            if (r.videoPath.endsWith(c.fileName()))
                return c.checkerboard;
        return false;
    }
    QString versionsCell(store::Id version, int column)
    {
        ModelVersionsModel* model = panel().versionsModel();
        return model->index(model->rowOfVersion(version), column).data().toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QProcess probe;
        probe.start(QStringLiteral("/usr/bin/python3"), {"-c", "import torch, numpy"});
        if (!probe.waitForFinished(60000) || probe.exitCode() != 0)
            QSKIP("needs /usr/bin/python3 with torch 1.13 to write a checkpoint in the authors' layout");
        QVERIFY(m_dir.isValid());
        m_clipsDir = m_dir.filePath(QStringLiteral("clips"));
        QVERIFY(QDir().mkpath(m_clipsDir));
        // Two visual patterns a network can tell apart even with untrained weights.
        for (const Clip& c : clips()) {
            QString error;
            const QString source = c.checkerboard ? QStringLiteral("smptebars=size=160x120:rate=30")
                                                  : QStringLiteral("testsrc2=size=160x120:rate=30");
            QVERIFY2(test::runFfmpeg({"-f", "lavfi", "-i", source, "-frames:v", "48", "-pix_fmt", "yuv420p",
                                      QDir(m_clipsDir).filePath(c.fileName())}, &error), qPrintable(error));
        }
        // A MANet ResNet-18 checkpoint as the authors' code saves it: {"meta", "state_dict", "optimizer"}.
        const QString script = qEnvironmentVariable("MAS_SOURCE_DIR") + QStringLiteral("/tests/model/reference_manet.py");
        QVERIFY2(QFileInfo::exists(script), qPrintable(script));
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {script, m_dir.filePath(QStringLiteral("reference")), "--depth", "18", "--size", "32", "--clips", "1"});
        QVERIFY(python.waitForFinished(180000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        m_checkpoint = m_dir.filePath(QStringLiteral("manet_r18_ma52.pth"));
        QVERIFY(QFile::rename(m_dir.filePath(QStringLiteral("reference/checkpoint.pth")), m_checkpoint));

        m_settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        window = std::make_unique<MainWindow>(*m_settings, QStringLiteral("psychologist"));
        window->resize(1920, 1080);
        window->show();
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    }

    void step1_newProject()
    {
        const Status made = window->newProject(m_dir.filePath(QStringLiteral("loop.mas")));
        QVERIFY2(made.ok(), qPrintable(made.error()));
        QVERIFY(window->panels());
        raiseDock(QStringLiteral("modelDock"));
        // No model yet: the dock says how to get one, and the Model menu offers it.
        QVERIFY(panel().findChild<QLabel*>(QStringLiteral("activeModel"))->text().contains(QStringLiteral("import a checkpoint")));
        QVERIFY(action(QStringLiteral("importCheckpoint"))->isEnabled());
        QMenu* modelMenu = nullptr;
        for (QAction* a : window->menuBar()->actions())
            if (a->text() == QStringLiteral("Model"))
                modelMenu = a->menu();
        QVERIFY(modelMenu);
        QVERIFY(modelMenu->actions().contains(action(QStringLiteral("importCheckpoint"))));
        screenshot(QStringLiteral("modelloop_1_new_project.png"));
    }

    void step2_importVideos()
    {
        whenModalOpens<QFileDialog>([this](QFileDialog* files) {
            whenModalOpens<QInputDialog>([](QInputDialog* pattern) {
                pattern->accept(); // the MA-52 naming: participant = the first four digits
            });
            chooseFile(files, m_clipsDir);
        });
        window->actions().importVideos->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(projectStore().videos()->size(), clips().size(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(rows().size(), clips().size(), 20000); // one segment per MA-52-named clip
        QCOMPARE(projectStore().participants()->size(), 5);
        screenshot(QStringLiteral("modelloop_2_videos.png"));
    }

    void step3_importCheckpoint()
    {
        // A wrong file is refused with the reason, and nothing is added.
        bool refusalShown = false;
        whenModalOpens<QDialog>([&refusalShown](QDialog* d) {
            if (auto* box = qobject_cast<QMessageBox*>(d)) {
                refusalShown = !box->text().isEmpty();
                box->accept();
            } else if (auto* offer = qobject_cast<ImportCheckpointDialog*>(d)) {
                refusalShown = !offer->findChild<QPushButton*>(QStringLiteral("importButton"))->isEnabled()
                               && offer->findChild<QLabel*>(QStringLiteral("importVerdict"))->text().contains(QStringLiteral("Cannot"));
                offer->reject();
            }
        });
        panel().inspectAndOffer(QDir(m_clipsDir).filePath(clips().first().fileName()));
        QTRY_VERIFY_WITH_TIMEOUT(refusalShown, 30000);
        QCOMPARE(projectStore().modelVersions()->size(), 0);

        // The authors' checkpoint: file dialog, then what the file holds BEFORE anything is added.
        QStringList shownRows;
        whenModalOpens<QFileDialog>([this, &shownRows](QFileDialog* files) {
            whenModalOpens<ImportCheckpointDialog>([this, &shownRows](ImportCheckpointDialog* offer) {
                QCOMPARE(projectStore().modelVersions()->size(), 0); // nothing added yet
                for (QLabel* label : offer->findChildren<QLabel*>())
                    shownRows << label->text();
                offer->grab().save(test::artifactPath(QStringLiteral("modelloop_3_import_dialog.png")));
                QVERIFY(offer->findChild<QCheckBox*>(QStringLiteral("activateImported"))->isChecked());
                QTest::mouseClick(offer->findChild<QPushButton*>(QStringLiteral("importButton")), Qt::LeftButton);
            });
            chooseFile(files, m_checkpoint);
        });
        action(QStringLiteral("importCheckpoint"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(projectStore().modelVersions()->size(), 1, 60000);
        const QString shown = shownRows.join('\n');
        QVERIFY2(shown.contains(QStringLiteral("ResNet-18")) && shown.contains(QStringLiteral("52"))
                     && shown.contains(QStringLiteral("MA-52")), qPrintable(shown));
        const auto active = projectStore().activeModelVersion();
        QVERIFY(active);
        m_imported = active->id;
        QCOMPARE(active->kind, QStringLiteral("pretrained"));
        // Copied into the project: the project no longer needs the original file.
        QVERIFY(!active->checkpointPath.isEmpty());
        QVERIFY(QFileInfo::exists(projectStore().projectDir() + '/' + active->checkpointPath)
                || QFileInfo::exists(active->checkpointPath));
        QVERIFY(panel().findChild<QLabel*>(QStringLiteral("activeModel"))->text().contains(active->name));
        screenshot(QStringLiteral("modelloop_3_imported.png"));
    }

    void step4_prelabel()
    {
        QVERIFY(action(QStringLiteral("prelabelClips"))->isEnabled());
        action(QStringLiteral("prelabelClips"))->trigger();
        QVERIFY(panel().runner()->isRunning());
        waitForJob();
        for (const store::ClipRow& r : rows()) {
            // A clip's pre-label is the model's top-k beside it; nobody has confirmed anything yet.
            QVERIFY(r.status != store::SegmentStatus::Confirmed);
            QVERIFY(r.predictedClassId >= 0);
            bool byImported = false;
            const auto predictions = projectStore().predictionsOfSegment(r.segmentId);
            QVERIFY(predictions.ok());
            for (const store::Prediction& p : predictions.value())
                byImported |= p.modelVersionId == m_imported && !p.topK.isEmpty();
            QVERIFY(byImported);
        }
        raiseDock(QStringLiteral("reviewDock"));
        panels().review()->reload();
        screenshot(QStringLiteral("modelloop_4_prelabeled.png"));
    }

    void step5_confirmAndCorrectWithHotkeys()
    {
        // The class hotkeys are window shortcuts: the main window is the active one again after the dialogs.
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        ReviewQueueWidget& queue = *panels().review();
        queue.setFilter({});
        QTableView* table = queue.table();
        int reviewed = 0;
        for (const store::ClipRow& r : rows()) {
            if (r.participantCode == QStringLiteral("0005"))
                continue; // left to the model: its pre-labels are refreshed after the fine-tune
            const int row = queue.model()->rowOfSegment(r.segmentId);
            QVERIFY(row >= 0);
            QVERIFY(queue.model()->ensureFetched(row));
            table->setFocus();
            table->setCurrentIndex(queue.model()->index(row, 0));
            QTRY_COMPARE(panels().labeling()->currentSegment(), r.segmentId);
            const bool checker = isCheckerboard(r);
            const int human = classIdOf(checker ? QStringLiteral("B1") : QStringLiteral("A1"));
            if (reviewed++ == 0) {
                // A confirms the model's pre-label as it is.
                QTest::keyClick(table, Qt::Key_A);
                QCOMPARE(projectStore().segment(r.segmentId)->status, store::SegmentStatus::Confirmed);
                QCOMPARE(projectStore().segment(r.segmentId)->classId, r.predictedClassId);
                continue;
            }
            if (reviewed == 2 && r.predictedClassId != human) {
                // R rejects a wrong pre-label; the hotkey below gives the right class.
                QTest::keyClick(table, Qt::Key_R);
                bool rejected = false;
                const auto labels = projectStore().labelsOfSegment(r.segmentId);
                QVERIFY(labels.ok());
                for (const store::Label& l : labels.value())
                    rejected |= l.classId == r.predictedClassId && l.status == store::LabelStatus::Rejected;
                QVERIFY(rejected);
                // The queue moved on to the next clip: back to this one.
                table->setCurrentIndex(queue.model()->index(row, 0));
                QTRY_COMPARE(panels().labeling()->currentSegment(), r.segmentId);
            }
            // The class hotkey (Alt+A, 1 or Alt+B, 1) labels the clip the queue shows.
            QTest::keyClick(table, checker ? Qt::Key_B : Qt::Key_A, Qt::AltModifier);
            QTest::keyClick(table, Qt::Key_1);
            const auto segment = projectStore().segment(r.segmentId);
            QCOMPARE(segment->status, store::SegmentStatus::Confirmed);
            QCOMPARE(segment->classId, human);
        }
        QCOMPARE(reviewed, 16);
        screenshot(QStringLiteral("modelloop_5_labeled.png"));
    }

    void step6_headFineTuneOnASplitPlan()
    {
        // The plan: 0001 and 0002 train, 0003 val, 0004 test (0005 is unlabeled).
        auto plan = projectStore().createSplitPlan(QStringLiteral("loop-plan"), store::SplitUnit::Participant);
        QVERIFY2(plan.ok(), qPrintable(plan.error()));
        QVector<store::SplitAssignment> sets;
        const auto participants = projectStore().participants();
        QVERIFY(participants.ok());
        for (const store::Participant& p : participants.value()) {
            if (p.code == QStringLiteral("0003"))
                sets << store::SplitAssignment{p.id, store::SplitSet::Val};
            else if (p.code == QStringLiteral("0004"))
                sets << store::SplitAssignment{p.id, store::SplitSet::Test};
            else if (p.code != QStringLiteral("0005"))
                sets << store::SplitAssignment{p.id, store::SplitSet::Train};
        }
        QVERIFY(projectStore().setSplitAssignments(plan.value(), sets).ok());

        // Live curves: the charts follow the job's per-epoch history.
        ChartsPanel* charts = panels().charts();
        connect(panel().runner(), &worker::ModelJobRunner::progress, this, [this, charts](const worker::JobProgress& p) {
            m_liveEpochsSeen = std::max(m_liveEpochsSeen, int(p.epochs.size()));
            m_liveChartSeen |= charts->isShowingLiveTraining() && !p.epochs.isEmpty();
        });
        whenModalOpens<RunPlanDialog>([](RunPlanDialog* dialog) {
            auto* planCombo = dialog->findChild<QComboBox*>(QStringLiteral("planCombo"));
            QVERIFY(planCombo->currentText().contains(QStringLiteral("loop-plan")));
            auto* mode = dialog->findChild<QComboBox*>(QStringLiteral("modeCombo"));
            QCOMPARE(mode->currentData().toString(), QStringLiteral("head"));
            QCOMPARE(mode->findData(QStringLiteral("full")) >= 0, worker::computeCapabilities().cuda);
            auto* epochs = dialog->findChild<QSpinBox*>(QStringLiteral("epochs"));
            epochs->setFocus();
            epochs->selectAll();
            QTest::keyClicks(epochs, QStringLiteral("4"));
            dialog->grab().save(test::artifactPath(QStringLiteral("modelloop_6_finetune_dialog.png")));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("runButton")), Qt::LeftButton);
        });
        raiseDock(QStringLiteral("chartsDock"));
        charts->tabs()->setCurrentIndex(2);
        action(QStringLiteral("fineTune"))->trigger();
        QVERIFY(panel().runner()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(m_liveEpochsSeen >= 1 || !panel().runner()->isRunning(), 240000);
        screenshot(QStringLiteral("modelloop_6_training_live.png"));
        waitForJob();
        QVERIFY2(m_liveEpochsSeen == 4, qPrintable(QString::number(m_liveEpochsSeen)));
        QVERIFY(m_liveChartSeen);
        QVERIFY(!charts->isShowingLiveTraining()); // back to the stored curves once it ended
        screenshot(QStringLiteral("modelloop_6_finetuned.png"));
    }

    void step7_newVersionIsActiveAndItsPrelabelsAreRefreshed()
    {
        const auto active = projectStore().activeModelVersion();
        QVERIFY(active);
        QVERIFY(active->id != m_imported);
        m_tuned = active->id;
        QCOMPARE(active->parentId, m_imported);
        QCOMPARE(active->kind, QStringLiteral("fine-tuned"));
        // Split discipline: the labels it trained and picked its epoch on are train and val participants only.
        const QString snapshotFile = QFileInfo(projectStore().projectDir() + '/' + active->checkpointPath).absolutePath()
                                     + QStringLiteral("/data_snapshot.json");
        QFile snapshot(QFileInfo::exists(snapshotFile) ? snapshotFile
                                                       : QFileInfo(active->checkpointPath).absolutePath() + QStringLiteral("/data_snapshot.json"));
        QVERIFY2(snapshot.open(QIODevice::ReadOnly), qPrintable(snapshot.fileName()));
        int trained = 0;
        for (const QJsonValue& v : QJsonDocument::fromJson(snapshot.readAll()).array()) {
            const QString participant = v.toObject().value(QStringLiteral("participant")).toString();
            QVERIFY2(participant != QStringLiteral("0004") && participant != QStringLiteral("0005"), qPrintable(participant));
            ++trained;
        }
        QCOMPARE(trained, 12); // 8 train + 4 val clips
        // The table shows the version, its parent, its data and the validation figures it measured.
        const int row = panel().versionsModel()->rowOfVersion(m_tuned);
        QVERIFY(row >= 0);
        QCOMPARE(versionsCell(m_tuned, ModelVersionsModel::ParentColumn), projectStore().modelVersions()->first().name);
        QVERIFY(versionsCell(m_tuned, ModelVersionsModel::SnapshotColumn).contains(QStringLiteral("8 train")));
        QVERIFY(!versionsCell(m_tuned, ModelVersionsModel::figureColumn("val", "classes", "top1")).isEmpty());
        QVERIFY(versionsCell(m_tuned, ModelVersionsModel::figureColumn("test", "classes", "top1")).isEmpty());
        // The clips nobody confirmed were pre-labeled again by the new version.
        for (const store::ClipRow& r : rows()) {
            if (r.participantCode != QStringLiteral("0005"))
                continue;
            QVERIFY(r.status != store::SegmentStatus::Confirmed);
            bool byTuned = false;
            const auto predictions = projectStore().predictionsOfSegment(r.segmentId);
            QVERIFY(predictions.ok());
            for (const store::Prediction& p : predictions.value())
                byTuned |= p.modelVersionId == m_tuned;
            QVERIFY(byTuned);
        }
        raiseDock(QStringLiteral("modelDock"));
        screenshot(QStringLiteral("modelloop_7_new_version.png"));
    }

    void step8_evaluateOnTheTestSplit()
    {
        panel().selectVersion(m_tuned);
        whenModalOpens<RunPlanDialog>([](RunPlanDialog* dialog) {
            QCOMPARE(dialog->findChild<QComboBox*>(QStringLiteral("splitCombo"))->currentData().toString(), QStringLiteral("test"));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("runButton")), Qt::LeftButton);
        });
        action(QStringLiteral("evaluate"))->trigger();
        waitForJob();
        const auto tuned = projectStore().activeModelVersion();
        const QJsonObject metrics = QJsonDocument::fromJson(tuned->metricsJson.toUtf8()).object();
        const QJsonObject test = metrics.value(QStringLiteral("test")).toObject();
        QVERIFY2(!test.isEmpty(), qPrintable(tuned->metricsJson));
        QCOMPARE(test.value(QStringLiteral("classes")).toObject().value(QStringLiteral("count")).toInt(), 4);
        const double top1 = test.value(QStringLiteral("classes")).toObject().value(QStringLiteral("top1")).toDouble();
        // The figure the run measured is the figure the table shows.
        QCOMPARE(versionsCell(m_tuned, ModelVersionsModel::figureColumn("test", "classes", "top1")), QString::number(top1, 'f', 3));
        QVERIFY(!versionsCell(m_tuned, ModelVersionsModel::figureColumn("test", "body_parts", "macro_f1")).isEmpty());
        raiseDock(QStringLiteral("modelDock"));
        // Room for the versions table's figures: a wide right-hand dock area.
        window->resizeDocks({window->findChild<QDockWidget*>(QStringLiteral("modelDock"))}, {1250}, Qt::Horizontal);
        QCoreApplication::processEvents();
        screenshot(QStringLiteral("modelloop_8_evaluated.png"));
        panel().grab().save(test::artifactPath(QStringLiteral("modelloop_model_dock.png")));
        // Export: the version as a checkpoint (the authors' key layout, the app's meta), readable as a model again.
        // (That the authors' code loads it strictly is checked with PyTorch in tst_modelloopcli.)
        const QString exported = m_dir.filePath(QStringLiteral("exported.pth"));
        QVERIFY(panel().exportSelected(exported));
        const auto summary = worker::inspectModelFile(exported);
        QVERIFY2(summary.ok(), qPrintable(summary.error()));
        QVERIFY2(summary->format == QStringLiteral("mmaction2") || summary->format == QStringLiteral("mastudio"),
                 qPrintable(summary->format));
        QCOMPARE(summary->depth, 18);
        QCOMPARE(summary->numClasses, 52);
        QVERIFY(summary->usableAsModel && summary->refusal.isEmpty());
        // Per-class F1 and the confusion matrix now come from this evaluate.
        ChartsPanel* charts = panels().charts();
        charts->reload();
        QCOMPARE(charts->shownEvaluation().split, QStringLiteral("test"));
        raiseDock(QStringLiteral("chartsDock"));
        charts->tabs()->setCurrentIndex(2);
        screenshot(QStringLiteral("modelloop_8_training_curves.png"));
    }

    // Long footage: the selected video in sliding windows; proposals are pre-labeled segments that the
    // review queue offers for A / R, shown on the timeline.
    void step9_prelabelLongFootage()
    {
        auto* videos = window->findChild<QListWidget*>(QStringLiteral("videoList"));
        QVERIFY(videos);
        QListWidgetItem* footage = nullptr;
        for (int i = 0; i < videos->count(); ++i)
            if (videos->item(i)->text().contains(QStringLiteral("0005_01_0018")))
                footage = videos->item(i);
        QVERIFY(footage);
        videos->clearSelection();
        footage->setSelected(true);
        const store::Id videoId = footage->data(Qt::UserRole).toLongLong();
        const int before = projectStore().segmentsOfVideo(videoId)->size();
        whenModalOpens<FootageDialog>([](FootageDialog* dialog) {
            for (const auto& [name, value] : {std::pair{"windowFrames", "16"}, std::pair{"strideFrames", "8"}}) {
                auto* box = dialog->findChild<QSpinBox*>(name);
                box->setFocus();
                box->selectAll();
                QTest::keyClicks(box, value);
            }
            dialog->findChild<QDoubleSpinBox*>(QStringLiteral("threshold"))->setValue(0.0); // every window proposes
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("startFootage")), Qt::LeftButton);
        });
        action(QStringLiteral("prelabelFootage"))->trigger();
        waitForJob();
        const auto segments = projectStore().segmentsOfVideo(videoId);
        QVERIFY(segments.ok());
        QVector<store::Id> proposed;
        for (const store::Segment& s : segments.value())
            if (s.status == store::SegmentStatus::Prelabeled)
                proposed << s.id;
        QVERIFY2(segments->size() > before && !proposed.isEmpty(),
                 qPrintable(QString("%1 segments before, %2 after").arg(before).arg(segments->size())));
        // On the timeline the proposal sits on its body part's track, where its edge drags like any segment's.
        window->showVideo(videoId);
        QTRY_VERIFY_WITH_TIMEOUT(window->player().hasVideo() && window->player().frameCount() == 48, 20000);
        const store::Segment proposal = projectStore().segment(proposed.first()).value();
        QVERIFY(proposal.classId >= 0);
        const int track = window->workspace()->timelineAdapter().trackOfBodyPart(
            projectStore().taxonomy().bodyPartOfClass(proposal.classId));
        QVERIFY(track >= 0);
        TimelineWidget& timeline = window->timeline();
        timeline.fitRange(0, 48);
        QCoreApplication::processEvents();
        const TimelineGeometry g = timeline.geometry();
        const int y = g.trackRect(track).center().y();
        const QPoint edge(int(g.xOfFrame(double(proposal.endFrame))) - 1, y);
        const QPoint target(int(g.xOfFrame(double(proposal.endFrame - 8))), y);
        QTest::mousePress(&timeline, Qt::LeftButton, Qt::NoModifier, edge);
        QTest::mouseMove(&timeline, (edge + target) / 2);
        QTest::mouseMove(&timeline, target);
        QTest::mouseRelease(&timeline, Qt::LeftButton, Qt::NoModifier, target);
        QVERIFY2(projectStore().segment(proposal.id)->endFrame < proposal.endFrame,
                 qPrintable(QString("end %1").arg(projectStore().segment(proposal.id)->endFrame)));
        QCOMPARE(projectStore().segment(proposal.id)->startFrame, proposal.startFrame);
        // In the review queue as pre-labeled: A accepts one.
        QApplication::setActiveWindow(window.get());
        raiseDock(QStringLiteral("reviewDock"));
        ReviewQueueWidget& queue = *panels().review();
        queue.reload();
        const int row = queue.model()->rowOfSegment(proposed.first());
        QVERIFY(row >= 0);
        QCOMPARE(queue.model()->clipRow(row).status, store::SegmentStatus::Prelabeled);
        QVERIFY(queue.model()->ensureFetched(row));
        queue.table()->setFocus();
        queue.table()->setCurrentIndex(queue.model()->index(row, 0));
        QTest::keyClick(queue.table(), Qt::Key_A);
        QCOMPARE(projectStore().segment(proposed.first())->status, store::SegmentStatus::Confirmed);
        screenshot(QStringLiteral("modelloop_9_footage_proposals.png"));
    }

    void cleanupTestCase()
    {
        window.reset();
    }
};

QTEST_MAIN(TestModelLoop)
#include "tst_modelloop.moc"
