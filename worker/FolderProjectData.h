#pragma once
// ProjectData over plain files in one folder (tests, benchmarks, scripting without a project file):
//   clips.json                      the clip list (writeClips)
//   predictions/<version>/batch-N.json   one file per committed batch (written whole, then renamed)
//   failures/<version>.json, proposals/<version>/<video hash>.json, models.json, cache/
#include "ProjectData.h"

namespace mas::worker {

class FolderProjectData : public ProjectData {
public:
    static Result<std::unique_ptr<ProjectData>> open(const QString& folder);
    static Status writeClips(const QString& folder, const std::vector<ClipItem>& items);
    static ProjectDataFactory factory(const QString& folder);

    QString cacheDir() const override;
    Result<std::vector<ClipItem>> clips() override;
    Result<QStringList> videos() override;
    Result<QSet<QString>> itemsWithPredictions(const QString& modelVersionId) override;
    Status commitPredictions(const QString& modelVersionId, const std::vector<ItemPrediction>& predictions) override;
    Result<std::vector<ItemPrediction>> predictions(const QString& modelVersionId) override;
    Status recordFailures(const QString& modelVersionId, const std::vector<ItemFailure>& failures) override;
    Result<std::vector<ItemFailure>> failures(const QString& modelVersionId) override;
    Status commitProposals(const QString& modelVersionId, const QString& videoPath,
                           const std::vector<ProposedSegment>& segments) override;
    Result<bool> videoHasProposals(const QString& modelVersionId, const QString& videoPath) override;
    Result<std::vector<ProposedSegment>> proposals(const QString& modelVersionId) override;
    Result<QString> addModelVersion(const ModelVersionRecord& version) override;
    Result<std::vector<ModelVersionRecord>> modelVersions() override;
    Status setActiveModelVersion(const QString& id) override;
    Status updateModelMetrics(const QString& id, const QJsonObject& metrics) override;

private:
    explicit FolderProjectData(QString folder) : m_folder(std::move(folder)) {}
    Status saveVersions(const std::vector<ModelVersionRecord>& versions);
    QString m_folder;
};

// JSON forms shared with other back ends and the CLI.
QJsonObject toJson(const ItemPrediction& p);
ItemPrediction predictionFromJson(const QJsonObject& o);
QJsonObject toJson(const ModelVersionRecord& v);
ModelVersionRecord modelVersionFromJson(const QJsonObject& o);
// Writes `bytes` to `path` whole or not at all (temporary file, then rename).
Status writeFileAtomically(const QString& path, const QByteArray& bytes);

} // namespace mas::worker
