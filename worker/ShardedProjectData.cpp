#include "ShardedProjectData.h"

#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>

namespace mas::worker {

namespace {

QString cleaned(const QString& path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

class ShardedProjectData : public ProjectData {
public:
    ShardedProjectData(std::unique_ptr<ProjectData> inner, QSet<QString> videos)
        : m_inner(std::move(inner)), m_videos(std::move(videos))
    {
    }

    QString cacheDir() const override { return m_inner->cacheDir(); }
    Result<std::vector<ClipItem>> clips() override
    {
        Result<std::vector<ClipItem>> all = m_inner->clips();
        if (!all)
            return all;
        std::vector<ClipItem> mine;
        for (ClipItem& c : all.value())
            if (m_videos.contains(cleaned(c.videoPath)))
                mine.push_back(std::move(c));
        return mine;
    }
    Result<QStringList> videos() override
    {
        Result<QStringList> all = m_inner->videos();
        if (!all)
            return all;
        QStringList mine;
        for (const QString& v : all.value())
            if (m_videos.contains(cleaned(v)))
                mine << v;
        return mine;
    }
    Result<QSet<QString>> itemsWithPredictions(const QString& v) override { return m_inner->itemsWithPredictions(v); }
    Status commitPredictions(const QString& v, const std::vector<ItemPrediction>& p) override
    {
        return m_inner->commitPredictions(v, p);
    }
    Result<std::vector<ItemPrediction>> predictions(const QString& v) override { return m_inner->predictions(v); }
    Status recordFailures(const QString& v, const std::vector<ItemFailure>& f) override { return m_inner->recordFailures(v, f); }
    Result<std::vector<ItemFailure>> failures(const QString& v) override { return m_inner->failures(v); }
    Status commitProposals(const QString& v, const QString& video, const std::vector<ProposedSegment>& s) override
    {
        return m_inner->commitProposals(v, video, s);
    }
    Result<bool> videoHasProposals(const QString& v, const QString& video) override
    {
        return m_inner->videoHasProposals(v, video);
    }
    Result<std::vector<ProposedSegment>> proposals(const QString& v) override { return m_inner->proposals(v); }
    Result<QString> addModelVersion(const ModelVersionRecord& v) override { return m_inner->addModelVersion(v); }
    Result<std::vector<ModelVersionRecord>> modelVersions() override { return m_inner->modelVersions(); }
    Status setActiveModelVersion(const QString& id) override { return m_inner->setActiveModelVersion(id); }
    Status updateModelMetrics(const QString& id, const QJsonObject& m) override { return m_inner->updateModelMetrics(id, m); }

private:
    std::unique_ptr<ProjectData> m_inner;
    QSet<QString> m_videos;
};

} // namespace

Result<QSet<QString>> shardVideoPaths(store::ProjectStore& store, const ShardSpec& shard)
{
    Result<QVector<store::Video>> videos = store.videos();
    if (!videos)
        return Error{videos.error()};
    QSet<QString> paths;
    for (const store::Video& v : videos.value())
        if (shard.containsVideo(v.id))
            paths.insert(cleaned(store.absoluteVideoPath(v)));
    return paths;
}

ProjectDataFactory shardedData(ProjectDataFactory inner, QSet<QString> videoPaths)
{
    return [inner = std::move(inner), videoPaths = std::move(videoPaths)]() -> Result<std::unique_ptr<ProjectData>> {
        Result<std::unique_ptr<ProjectData>> data = inner();
        if (!data)
            return data;
        return std::unique_ptr<ProjectData>(new ShardedProjectData(std::move(data.value()), videoPaths));
    };
}

} // namespace mas::worker
