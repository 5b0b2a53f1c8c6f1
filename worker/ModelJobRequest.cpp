#include "ModelJobRequest.h"

#include "EvaluateJob.h"
#include "FineTuneJob.h"
#include "PrelabelJob.h"
#include "ShardedProjectData.h"
#include "StoreProjectData.h"
#include "exchange/SplitPlanner.h"
#include "store/ProjectStore.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace mas::worker {

namespace {

ModelSource sourceOf(store::Id versionId)
{
    ModelSource source;
    if (versionId > 0) {
        source.kind = ModelSource::Kind::Version;
        source.reference = QString::number(versionId);
    }
    return source;
}

Result<PlanParticipants> participantsOf(store::ProjectStore& store, const store::SplitPlan& plan)
{
    if (plan.unit != store::SplitUnit::Participant)
        return Error{QString("%1: split plan \"%2\" splits segments, not participants: training, validation and test "
                             "must be held out by participant (make one with `split`)")
                         .arg(store.path(), plan.name)};
    Result<QVector<store::SplitAssignment>> assignments = store.splitAssignments(plan.id);
    Result<QVector<store::Participant>> participants = store.participants();
    if (!assignments)
        return Error{assignments.error()};
    if (!participants)
        return Error{participants.error()};
    QHash<store::Id, QString> codes;
    for (const store::Participant& p : participants.value())
        codes.insert(p.id, p.code);
    PlanParticipants out;
    out.planId = plan.id;
    out.name = plan.name;
    for (const store::SplitAssignment& a : assignments.value()) {
        const QString code = codes.value(a.entityId);
        if (code.isEmpty())
            continue;
        (a.set == store::SplitSet::Train ? out.train : a.set == store::SplitSet::Val ? out.val : out.test) << code;
    }
    return out;
}

QString uniquePlanName(const QVector<store::SplitPlan>& plans, const QString& base)
{
    auto taken = [&](const QString& n) {
        for (const store::SplitPlan& p : plans)
            if (p.name == n)
                return true;
        return false;
    };
    QString name = base;
    for (int i = 2; taken(name); ++i)
        name = QString("%1-%2").arg(base).arg(i);
    return name;
}

Status checkDevice(const QString& device)
{
    if (device == QLatin1String("cpu"))
        return Status::success();
    if (device == QLatin1String("cuda"))
        return model::ManetModel::cudaAvailable()
                   ? Status::success()
                   : Status(Error{"no CUDA device is available on this machine: choose the CPU in the preferences"});
    if (device == QLatin1String("cpu-bf16"))
        return model::ManetModel::cpuHasNativeBFloat16()
                   ? Status::success()
                   : Status(Error{"this CPU has no native bfloat16 (AVX512-BF16): choose the CPU (float32) in the preferences"});
    return Error{QString("unknown device \"%1\": cpu, cpu-bf16 or cuda").arg(device)};
}

Result<BalanceMethod> balanceFromName(const QString& name)
{
    if (name == "none")
        return BalanceMethod::None;
    if (name == "loss-weights")
        return BalanceMethod::LossWeights;
    if (name == "sampling")
        return BalanceMethod::Sampling;
    return Error{QString("unknown balance \"%1\": none, loss-weights or sampling").arg(name)};
}


// A seeded, class-stratified participant split (exchange::planSplitByParticipant) of the participants with
// confirmed labels, then at least one participant in val and in test where there are enough (small projects
// would otherwise round them away); participants without labels train. Saved as plan `name`.
Result<store::Id> makeHoldoutPlan(store::ProjectStore& store, const QString& name, double valFraction, double testFraction,
                                  uint64_t seed)
{
    Result<std::vector<ClipItem>> clips = StoreProjectData::borrow(store)->clips();
    if (!clips)
        return Error{clips.error()};
    Result<QVector<store::Participant>> participants = store.participants();
    if (!participants)
        return Error{participants.error()};
    const int classes = std::max(store.taxonomy().classCount(), 1);
    QHash<QString, int> index;
    QVector<exchange::ParticipantClassCounts> counts;
    for (const ClipItem& c : clips.value()) {
        if (c.label < 0 || c.participant.startsWith("video:"))
            continue;
        if (!index.contains(c.participant)) {
            index.insert(c.participant, counts.size());
            counts.push_back({c.participant, QVector<int>(classes, 0)});
        }
        if (c.label < classes)
            counts[index.value(c.participant)].classCounts[c.label]++;
    }
    if (counts.size() < 2)
        return Error{QString("%1: a hold-out needs confirmed labels of at least two participants (found %2); "
                             "assign participants to the videos or make a split plan")
                         .arg(store.path()).arg(counts.size())};
    exchange::SplitRatios ratios;
    ratios.ratio = {std::max(1.0 - valFraction - testFraction, 0.05), valFraction, testFraction};
    QHash<QString, int> plan = exchange::planSplitByParticipant(counts, ratios, seed);
    auto membersOf = [&](int set) {
        QStringList out;
        for (auto it = plan.begin(); it != plan.end(); ++it)
            if (it.value() == set)
                out << it.key();
        out.sort();
        return out;
    };
    // Val first (epoch selection needs it), then test, each taken from train's participant with the fewest clips.
    for (int set : {1, 2}) {
        if (!membersOf(set).isEmpty() || (set == 2 && counts.size() < 3))
            continue;
        QStringList train = membersOf(0);
        if (train.size() < 2)
            continue;
        auto clipsOf = [&](const QString& code) {
            int n = 0;
            for (int k : counts[index.value(code)].classCounts)
                n += k;
            return n;
        };
        std::stable_sort(train.begin(), train.end(), [&](const QString& a, const QString& b) { return clipsOf(a) < clipsOf(b); });
        plan[train.first()] = set;
    }
    QVector<store::SplitAssignment> assignments;
    for (const store::Participant& p : participants.value())
        assignments.push_back({p.id, store::SplitSet(plan.value(p.code, 0))});
    Result<store::Id> planId = store.createSplitPlan(
        name, store::SplitUnit::Participant,
        QString("hold-out made for a model job: ratios %1/%2/%3, seed %4")
            .arg(ratios.ratio[0]).arg(ratios.ratio[1]).arg(ratios.ratio[2]).arg(seed));
    if (!planId)
        return planId;
    if (const Status s = store.setSplitAssignments(planId.value(), assignments); !s) {
        store.removeSplitPlan(planId.value());
        return Error{s.error()};
    }
    return planId;
}

} // namespace

QString toString(ModelJobKind kind)
{
    switch (kind) {
    case ModelJobKind::PreLabel: return QStringLiteral("pre-label");
    case ModelJobKind::FineTune: return QStringLiteral("fine-tune");
    case ModelJobKind::Evaluate: return QStringLiteral("evaluate");
    }
    return {};
}

QStringList PlanParticipants::of(const QString& split) const
{
    return split == "train" ? train : split == "val" ? val : split == "test" ? test : QStringList();
}

WindowDefaults slidingWindowDefaults(const store::ModelVersion& version)
{
    WindowDefaults d;
    const QJsonObject hyper = QJsonDocument::fromJson(version.hyperParamsJson.toUtf8()).object();
    int clip = hyper.value("clip_frames").toInt(0);
    if (clip <= 0) {
        // MA-52 clips are about two seconds at 30 fps; the model samples `segments` frames over one clip. A clip
        // of 60 frames (8 segments) gives ~7-8 frames per segment, as the authors trained.
        const int segments = hyper.value("segments").toInt(8);
        clip = std::max(segments, 1) * 15 / 2;
    }
    d.window = std::max(clip, 2);
    d.stride = std::max(d.window / 2, 1);
    d.threshold = 0.5;
    return d;
}

Result<store::Id> splitPlanIdByName(store::ProjectStore& store, const QString& nameOrId)
{
    Result<QVector<store::SplitPlan>> plans = store.splitPlans();
    if (!plans)
        return Error{plans.error()};
    QStringList names;
    for (const store::SplitPlan& p : plans.value()) {
        if (p.name == nameOrId)
            return p.id;
        names << p.name;
    }
    bool isNumber = false;
    const store::Id id = nameOrId.toLongLong(&isNumber);
    if (isNumber)
        for (const store::SplitPlan& p : plans.value())
            if (p.id == id)
                return p.id;
    return Error{QString("%1: no split plan named \"%2\" (plans: %3)")
                     .arg(store.path(), nameOrId, names.isEmpty() ? QString("none") : names.join(", "))};
}

Result<PlanParticipants> resolveSplitPlan(store::ProjectStore& store, store::Id planId, bool createWhenNone, uint64_t seed,
                                          double valFraction, double testFraction)
{
    Result<QVector<store::SplitPlan>> plans = store.splitPlans();
    if (!plans)
        return Error{plans.error()};
    const store::SplitPlan* chosen = nullptr;
    for (const store::SplitPlan& p : plans.value())
        if (planId > 0 ? p.id == planId
                       : (p.unit == store::SplitUnit::Participant && (!chosen || p.id > chosen->id)))
            chosen = &p;
    if (planId > 0 && !chosen)
        return Error{QString("%1: the project has no split plan %2").arg(store.path()).arg(planId)};
    if (chosen)
        return participantsOf(store, *chosen);
    if (!createWhenNone)
        return PlanParticipants{};
    if (store.isReadOnly())
        return Error{QString("%1: the project has no split plan by participant, and it is open read-only so none can be made")
                         .arg(store.path())};
    // No plan at all: a participant-disjoint hold-out, saved so that evaluate later reads the same test set.
    const QString name = uniquePlanName(plans.value(), QString("holdout-%1").arg(seed));
    Result<store::Id> made = makeHoldoutPlan(store, name, valFraction, testFraction, seed);
    if (!made)
        return Error{QString("no split plan, and none could be made: %1").arg(made.error())};
    Result<QVector<store::SplitPlan>> after = store.splitPlans();
    if (!after)
        return Error{after.error()};
    for (const store::SplitPlan& p : after.value())
        if (p.id == made.value()) {
            Result<PlanParticipants> participants = participantsOf(store, p);
            if (participants)
                participants->created = true;
            return participants;
        }
    return Error{QString("%1: the split plan %2 just made is gone").arg(store.path(), name)};
}

Result<std::shared_ptr<Job>> makeModelJob(const ModelJobRequest& request, store::ProjectStore& store)
{
    return makeModelJob(request, store, StoreProjectData::factory(store));
}

Result<std::shared_ptr<Job>> makeModelJob(const ModelJobRequest& request, store::ProjectStore& store,
                                          const ProjectDataFactory& projectData)
{
    if (store.isReadOnly())
        return Error{QString("the project is open read-only: %1").arg(store.notice())};
    if (const Status shard = validateShardSpec(request.shard); !shard)
        return Error{QString("shard %1").arg(shard.error())};
    const bool sharded = !request.shard.isWhole();
    if (sharded && request.kind == ModelJobKind::FineTune)
        return Error{"a fine-tune cannot be split into shards: it trains one model on all the training clips"};
    ProjectDataFactory data = projectData;
    if (sharded) {
        Result<QSet<QString>> videos = shardVideoPaths(store, request.shard);
        if (!videos)
            return Error{videos.error()};
        data = shardedData(projectData, videos.value());
    }
    std::optional<store::ModelVersion> version;
    if (request.modelVersionId > 0) {
        Result<store::ModelVersion> found = store.modelVersion(request.modelVersionId);
        if (!found)
            return Error{found.error()};
        version = found.value();
    } else {
        version = store.activeModelVersion();
        if (!version)
            return Error{"no model version is active: import a checkpoint (Model > Import checkpoint…, or "
                         "`model import`) or make a new model first"};
    }
    if (const Status device = checkDevice(request.device); !device)
        return Error{device.error()};
    const bool bfloat16 = request.device == QLatin1String("cpu-bf16");
    const model::Device device = deviceFromName(bfloat16 ? QStringLiteral("cpu") : request.device);
    const ModelSource source = sourceOf(version->id);

    switch (request.kind) {
    case ModelJobKind::PreLabel: {
        PrelabelOptions o;
        o.model = source;
        o.device = device;
        o.bfloat16 = bfloat16;
        o.batchSize = std::max(request.batchSize, 1);
        o.topK = std::max(request.topK, 1);
        o.threads = request.threads;
        const WindowDefaults defaults = slidingWindowDefaults(*version);
        o.windows.window = request.windowFrames > 0 ? request.windowFrames : defaults.window;
        o.windows.stride = request.strideFrames > 0 ? request.strideFrames : defaults.stride;
        if (request.threshold < 0 || request.threshold > 1)
            return Error{QString("threshold %1 is not a probability (0..1)").arg(request.threshold)};
        o.windows.threshold = float(request.threshold);
        if (!request.videoIds.isEmpty()) {
            o.slidingWindow = true;
            for (store::Id id : request.videoIds) {
                if (!request.shard.containsVideo(id))
                    continue; // another shard's
                Result<QString> path = store.absoluteVideoPath(id);
                if (!path)
                    return Error{path.error()};
                o.videos << path.value();
            }
            if (o.videos.isEmpty()) // none of the chosen videos is this shard's: the job must not fall back to all
                data = shardedData(projectData, {});
        } else {
            for (store::Id id : request.segmentIds)
                o.itemKeys << QString::number(id);
            o.alsoUnsegmentedVideos = request.segmentIds.isEmpty();
        }
        return std::shared_ptr<Job>(std::make_shared<PrelabelJob>(data, o));
    }
    case ModelJobKind::FineTune: {
        if (request.fineTuneMode != "head" && request.fineTuneMode != "full")
            return Error{QString("unknown fine-tune mode \"%1\": head or full").arg(request.fineTuneMode)};
        Result<BalanceMethod> balance = balanceFromName(request.balance);
        if (!balance)
            return Error{balance.error()};
        Result<PlanParticipants> plan = resolveSplitPlan(store, request.splitPlanId, true, request.seed,
                                                         request.holdoutValFraction, request.holdoutTestFraction);
        if (!plan)
            return Error{plan.error()};
        if (plan->train.isEmpty())
            return Error{QString("split plan \"%1\" has no training participants").arg(plan->name)};
        FineTuneOptions o;
        o.base = source;
        o.device = device;
        o.mode = request.fineTuneMode == "full" ? FineTuneMode::Full : FineTuneMode::Head;
        o.epochs = std::max(request.epochs, 1);
        o.batchSize = std::max(request.batchSize, 1);
        o.learningRate = request.learningRate;
        o.seed = request.seed;
        o.balance = balance.value();
        o.labelEmbeddingsPath = request.labelEmbeddingsPath;
        o.trainingParticipants = plan->train;
        o.validationParticipants = plan->val;
        o.planName = plan->name;
        o.planCreated = plan->created;
        o.versionName = request.versionName;
        o.activate = request.activate;
        o.refreshPrelabels = request.refreshPrelabels;
        o.threads = request.threads;
        auto job = std::make_shared<FineTuneJob>(data, o);
        return std::shared_ptr<Job>(job);
    }
    case ModelJobKind::Evaluate: {
        const QString split = request.evaluateSplit.isEmpty() ? QStringLiteral("test") : request.evaluateSplit;
        if (split != "train" && split != "val" && split != "test")
            return Error{QString("unknown split \"%1\": train, val or test").arg(split)};
        // Shards must all read one plan: none is made for them (N shards would each make their own).
        Result<PlanParticipants> plan = resolveSplitPlan(store, request.splitPlanId, !sharded, request.seed,
                                                         request.holdoutValFraction, request.holdoutTestFraction);
        if (!plan)
            return Error{plan.error()};
        if (sharded && plan->planId == 0)
            return Error{QString("%1: the project has no split plan by participant, and shards do not make one: make it "
                                 "once first (`split`, or an evaluate without shards)").arg(store.path())};
        EvaluateOptions o;
        o.model = source;
        o.device = device;
        o.batchSize = std::max(request.batchSize, 1);
        o.threads = request.threads;
        o.participants = plan->of(split);
        o.restrictToParticipants = true;
        o.split = split;
        o.planName = plan->name;
        o.planCreated = plan->created;
        if (sharded) {
            o.storeMetrics = false;   // a part of the figures: merged, then stored, by mergeShardEvaluations
            o.emptyIsZero = true;     // a shard may hold none of the split's videos
        }
        if (o.participants.isEmpty())
            return Error{QString("split plan \"%1\" has no %2 participants: nothing to evaluate").arg(plan->name, split)};
        return std::shared_ptr<Job>(std::make_shared<EvaluateJob>(data, o));
    }
    }
    return Error{"unknown model job"};
}

} // namespace mas::worker
