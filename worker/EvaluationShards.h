#pragma once
// A sharded evaluate (ModelJobRequest::shard): each shard's figures go to a small JSON file, and one merge
// adds their counts (confusion, per-class support / predicted / true positives, top-5 hits, loss sum) into
// the figures a one-process evaluate gives, then stores them on the version as evaluate does. Counts add up;
// percentages do not, so the merge works from counts and the result equals the one-process run's.
#include "Job.h"
#include "ProjectData.h"
#include "ShardSpec.h"

#include <QJsonObject>
#include <QStringList>

namespace mas::worker {

// What one shard wrote: its spec, the version, split and plan it measured, and its figures (evaluate's
// "evaluation" object with per-class rows and the confusion matrix).
struct ShardEvaluation {
    ShardSpec shard;
    QString versionId, versionName, split, plan;
    QJsonObject evaluation;
    QString file; // where it was read from ("" when made in memory)
};

// From a finished sharded evaluate's outcome.
ShardEvaluation shardEvaluationOf(const JobOutcome& outcome, const ShardSpec& shard);
// The file a shard writes in `folder` (one per version, split and shard: a re-run replaces its own file).
QString shardEvaluationPath(const QString& folder, const QString& versionId, const QString& split, const ShardSpec& shard);
// Written whole or not at all (a killed shard leaves no half file).
Status writeShardEvaluation(const QString& path, const ShardEvaluation& evaluation);
Result<ShardEvaluation> readShardEvaluation(const QString& path);
// Every shard file of `folder` for the version and split.
Result<std::vector<ShardEvaluation>> readShardEvaluations(const QString& folder, const QString& versionId, const QString& split);

// The merged figures (the same object evaluate stores, plus "shards": N). Refused, naming the files: a
// missing or repeated shard, shards of different N, versions, splits or plans.
Result<QJsonObject> mergeShardEvaluations(const std::vector<ShardEvaluation>& shards);

// Stores merged figures on the version under metrics[split], as a one-process evaluate does.
Status storeEvaluation(ProjectData& data, const QString& versionId, const QString& split, const QJsonObject& evaluation);

} // namespace mas::worker
