#pragma once
// A small (or, for the benchmark, MA-52-sized) project built through the store's public API in a
// temporary folder: participants, videos (files need not exist), segments, labels by a human and by
// a model, and predictions of an active model version. Deterministic (seeded) so failures reproduce.
#include "store/ProjectStore.h"
#include "taxonomy/Taxonomy.h"

#include <QRandomGenerator>
#include <QTemporaryDir>

#include <memory>

namespace mas::test {

struct PanelTestProject {
    QTemporaryDir dir;
    std::unique_ptr<store::ProjectStore> store;
    store::Id humanId = 0;
    store::Id modelAnnotatorId = 0;
    store::Id modelVersionId = 0;
    QVector<store::Id> participantIds;
    QVector<store::Id> videoIds;
    QVector<store::Id> segmentIds;
    QString error;

    // `segmentCount` segments spread over `videoCount` videos of 4 participants. Of the segments:
    // every 4th stays unlabeled, every 4th+1 is prelabeled by the model, the others are confirmed
    // by the human (agreeing with the prediction 2 times out of 3). All have a prediction.
    bool build(int videoCount, int segmentCount, quint32 seed = 52)
    {
        using namespace store;
        const Taxonomy& taxonomy = Taxonomy::builtinMa52();
        auto created = ProjectStore::create(dir.filePath(QStringLiteral("test.mas")), taxonomy, QStringLiteral("alice"));
        if (!created.ok())
            return fail(created.error());
        store = std::move(created.value());
        humanId = store->currentAnnotatorId();
        auto model = store->ensureAnnotator(QStringLiteral("model:v1"));
        if (!model.ok())
            return fail(model.error());
        modelAnnotatorId = model.value();
        for (int p = 0; p < 4; ++p) {
            auto id = store->ensureParticipant(QStringLiteral("00%1").arg(p + 10));
            if (!id.ok())
                return fail(id.error());
            participantIds << id.value();
        }
        QVector<Video> videos;
        for (int v = 0; v < videoCount; ++v) {
            Video video;
            video.path = QStringLiteral("videos/%1_clip%2.mp4").arg(v % 4 + 10, 4, 10, QChar('0')).arg(v, 4, 10, QChar('0'));
            video.participantId = participantIds[v % 4];
            video.fpsNum = 30;
            video.frameCount = 30 * 600;
            video.width = 320;
            video.height = 240;
            video.durationSeconds = 600;
            videos << video;
        }
        if (auto n = store->addVideos(videos, {}, &videoIds); !n.ok())
            return fail(n.error());
        QVector<NewSegment> segments;
        for (int s = 0; s < segmentCount; ++s)
            segments << NewSegment{videoIds[s % videoCount], (s / videoCount) * 40, (s / videoCount) * 40 + 30, {}};
        if (auto n = store->addSegments(segments, {}, &segmentIds); !n.ok())
            return fail(n.error());

        ModelVersion version;
        version.name = QStringLiteral("v1");
        version.kind = QStringLiteral("pretrained");
        version.metricsJson = QStringLiteral(
            R"({"top1":0.61,"f1_macro":0.48,"epochs":[{"epoch":1,"train_loss":2.9,"val_loss":3.1,"val_top1":0.32},)"
            R"({"epoch":2,"train_loss":2.1,"val_loss":2.5,"val_top1":0.45},{"epoch":3,"train_loss":1.6,"val_loss":2.2,"val_top1":0.55},)"
            R"({"epoch":4,"train_loss":1.2,"val_loss":2.1,"val_top1":0.61}]})");
        auto versionId = store->addModelVersion(version);
        if (!versionId.ok())
            return fail(versionId.error());
        modelVersionId = versionId.value();
        if (Status s = store->setActiveModelVersion(modelVersionId); !s.ok())
            return fail(s.error());

        QRandomGenerator random(seed);
        QVector<Prediction> predictions;
        QVector<NewLabel> labels;
        for (int s = 0; s < segmentIds.size(); ++s) {
            Prediction p;
            p.segmentId = segmentIds[s];
            p.modelVersionId = modelVersionId;
            const int top = int(random.bounded(taxonomy.classCount()));
            const float s1 = 0.2f + float(random.bounded(0.75));
            const float s2 = float(random.bounded(double(1.0f - s1)));
            const float s3 = float(random.bounded(double(std::max(0.0001f, 1.0f - s1 - s2))));
            p.topK = {{top, s1}, {(top + 1) % 52, s2}, {(top + 7) % 52, s3}};
            predictions << p;
            if (s % 4 == 1)
                labels << NewLabel{segmentIds[s], top, modelAnnotatorId, LabelStatus::Prelabeled};
            else if (s % 4 != 0)
                labels << NewLabel{segmentIds[s], (s % 3 == 0) ? (top + 1) % 52 : top, humanId, LabelStatus::Confirmed};
        }
        if (auto n = store->storePredictions(predictions); !n.ok())
            return fail(n.error());
        if (auto n = store->addLabels(labels); !n.ok())
            return fail(n.error());
        return true;
    }

private:
    bool fail(const QString& message)
    {
        error = message;
        return false;
    }
};

} // namespace mas::test
