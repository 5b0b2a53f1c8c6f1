#pragma once
// Which part of a project's videos one process works on: shard K of N (`--shard K/N`, Slurm's
// $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT). A video belongs to shard (video id mod N).
//
// Why the video id: it is the store's primary key, never changed while the video is in the project, so
// the assignment does not depend on the order videos are listed in, on which shard starts first, or on
// videos imported or removed while the shards run (a rank in a sorted list would shift). One import
// numbers its videos consecutively, so N shards get within one video of the same count. A hash of the
// path would survive a push/pull between back ends, but a run is against one project, and a hash
// spreads a few videos unevenly (4 videos over 4 shards would often leave a shard idle).
// Whole videos, never parts: a long video's proposals are committed per video, and a video's clips
// share one decoder.
#include "store/StoreTypes.h"
#include "util/Result.h"

#include <QString>

namespace mas::worker {

struct ShardSpec {
    int index = 0; // K: 0..count-1
    int count = 1; // N: 1 is the whole project

    bool isWhole() const { return count <= 1; }
    bool containsVideo(store::Id videoId) const;
    QString text() const; // "K/N"
};

// "K/N" -> the spec. Errors name the text and the rule: "4/4: K must be in 0..N-1 (here 0..3)".
Result<ShardSpec> parseShardSpec(const QString& text);
// The same rules for a spec built in code (the GUI, a request).
Status validateShardSpec(const ShardSpec& shard);

} // namespace mas::worker
