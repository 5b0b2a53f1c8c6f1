#pragma once
// For the shell's GUI tests: a demo project (real video made by ffmpeg, real store) in a temporary
// folder, settings in a temporary file, and waiting for the decoder's first frame.
#include "TestSupport.h"

#include "player/PlayerController.h"
#include "player/VideoView.h"
#include "shell/DemoProject.h"
#include "shell/MainWindow.h"
#include "shell/ProjectWorkspace.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

namespace mas::test {

struct ShellFixture {
    QTemporaryDir dir;
    QString projectPath;
    QString error;
    std::unique_ptr<QSettings> settings;

    // 12 s at 30 fps (360 frames): the demo's first four segments fit.
    bool build(int seconds = 12)
    {
        settings = std::make_unique<QSettings>(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        ui::DemoOptions options;
        options.seconds = seconds;
        options.annotator = QStringLiteral("tester");
        auto path = ui::ensureDemoProject(dir.filePath(QStringLiteral("demo")), options);
        if (!path) {
            error = path.error();
            return false;
        }
        projectPath = path.value();
        return withRecordedPredictions ? addRecordedPredictions() : true;
    }

    // The demo holds no model output. The shell tests need predictions to review, so they store some
    // themselves, as a pre-label job would: a version "recorded-predictions" (kind "test-recorded", no
    // checkpoint) with fixed top-k on the first video's segments and one pre-label (150..240: C5, agreeing).
    bool withRecordedPredictions = true;
    bool addRecordedPredictions()
    {
        auto opened = store::ProjectStore::open(projectPath);
        if (!opened)
            return fail(opened.error());
        store::ProjectStore& project = *opened.value();
        store::ModelVersion version;
        version.name = QStringLiteral("recorded-predictions");
        version.kind = QStringLiteral("test-recorded");
        auto versionId = project.addModelVersion(version);
        if (!versionId)
            return fail(versionId.error());
        if (Status s = project.setActiveModelVersion(versionId.value()); !s)
            return fail(s.error());
        auto model = project.ensureAnnotator(QStringLiteral("model:recorded-predictions"));
        if (!model)
            return fail(model.error());
        auto videos = project.videos();
        if (!videos || videos->isEmpty())
            return fail(QStringLiteral("the demo has no video"));
        auto segments = project.segmentsOfVideo(videos->first().id);
        if (!segments)
            return fail(segments.error());
        // (start frame, predicted class, score): agreeing with A1, B1, E8, A3; E6 where the human says E1.
        const QVector<std::tuple<int, int, float>> recorded{{30, 0, 0.91f}, {120, 7, 0.78f}, {150, 19, 0.55f},
                                                            {260, 35, 0.42f}, {400, 40, 0.88f}, {760, 2, 0.73f}};
        QVector<store::Prediction> predictions;
        for (const store::Segment& s : segments.value())
            for (const auto& [start, classId, score] : recorded)
                if (s.startFrame == start) {
                    store::Prediction p;
                    p.segmentId = s.id;
                    p.modelVersionId = versionId.value();
                    p.topK = {{classId, score}, {(classId + 1) % 52, (1 - score) * 0.6f}};
                    predictions << p;
                    if (start == 150)
                        if (auto l = project.addLabel(s.id, classId, store::LabelStatus::Prelabeled, model.value()); !l)
                            return fail(l.error());
                }
        if (auto stored = project.storePredictions(predictions); !stored)
            return fail(stored.error());
        return true;
    }

private:
    bool fail(const QString& message)
    {
        error = message;
        return false;
    }
};

// The open main window and the steps the shell tests drive it with: keys to the focused widget, waiting for a
// frame to be shown, screenshots, and finding segments in the store. Test classes derive from it after QObject.
struct ShellWindowDriver {
    std::unique_ptr<ui::MainWindow> window;

    store::ProjectStore& projectStore() { return window->workspace()->store(); }
    QVector<store::Segment> segments()
    {
        auto s = projectStore().segmentsOfVideo(window->currentVideo());
        return s ? s.value() : QVector<store::Segment>{};
    }
    std::optional<store::Segment> segmentAt(int64_t start, int64_t end)
    {
        for (const store::Segment& s : segments())
            if (s.startFrame == start && s.endFrame == end)
                return s;
        return std::nullopt;
    }
    void key(int k, Qt::KeyboardModifiers m = Qt::NoModifier)
    {
        QTest::keyClick(window->focusWidget() ? window->focusWidget() : window.get(), Qt::Key(k), m);
    }
    void waitFrame(int frame)
    {
        QTRY_COMPARE_WITH_TIMEOUT(window->player().currentFrame(), frame, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window->videoView().shownFrame(), frame, 10000);
    }
    void screenshot(const QString& name)
    {
        QCoreApplication::processEvents();
        QVERIFY(window->grab().save(artifactPath(name)));
    }
};

} // namespace mas::test
