#pragma once
// A project seen through one shard: clips() and videos() hold only the shard's videos, everything else
// (predictions, proposals, model versions) passes through. The front door wraps a sharded job's data with
// it, so the pre-label and evaluate jobs run unchanged and cannot touch another shard's videos.
#include "ProjectData.h"
#include "ShardSpec.h"

namespace mas::store {
class ProjectStore;
}

namespace mas::worker {

// The shard's videos as absolute, cleaned paths (the form the filter compares).
Result<QSet<QString>> shardVideoPaths(store::ProjectStore& store, const ShardSpec& shard);

// `inner`'s data, seen through the shard's videos.
ProjectDataFactory shardedData(ProjectDataFactory inner, QSet<QString> videoPaths);

} // namespace mas::worker
