#include "FineTuneJob.h"

#include "ClipBatches.h"
#include "EvaluateJob.h"
#include "FeatureCache.h"
#include "FeatureJob.h"
#include "FolderProjectData.h"
#include "ParticipantSplit.h"
#include "PrelabelJob.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <random>

namespace mas::worker {

namespace {

// The epoch's order of training items: shuffled, or drawn class-balanced (same length, each class equally likely).
std::vector<size_t> epochOrder(const std::vector<ClipItem>& items, bool balanced, std::mt19937_64& rng, int numClasses)
{
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    if (!balanced) {
        std::shuffle(order.begin(), order.end(), rng);
        return order;
    }
    std::vector<std::vector<size_t>> byClass(size_t(std::max(numClasses, 1)));
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].label >= 0 && items[i].label < numClasses)
            byClass[size_t(items[i].label)].push_back(i);
    std::vector<size_t> present;
    for (size_t k = 0; k < byClass.size(); ++k)
        if (!byClass[k].empty())
            present.push_back(k);
    for (size_t& o : order) {
        const std::vector<size_t>& pool = byClass[present[rng() % present.size()]];
        o = pool[rng() % pool.size()];
    }
    return order;
}

QJsonObject dataSnapshot(const std::vector<ClipItem>& training, const std::vector<ClipItem>& validation)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    QStringList lines;
    for (const ClipItem& c : training)
        lines << QString("train\t%1\t%2").arg(c.key).arg(c.label);
    for (const ClipItem& c : validation)
        lines << QString("val\t%1\t%2").arg(c.key).arg(c.label);
    lines.sort();
    hash.addData(lines.join('\n').toUtf8());
    QStringList participants;
    for (const ClipItem& c : validation)
        if (!participants.contains(c.participant))
            participants << c.participant;
    return {{"training_clips", int(training.size())}, {"validation_clips", int(validation.size())},
            {"labels_sha1", QString::fromLatin1(hash.result().toHex())},
            {"validation_participants", QJsonArray::fromStringList(participants)}};
}

} // namespace

QJsonObject toJson(const EpochFigures& e)
{
    return {{"epoch", e.epoch}, {"train_loss", e.trainLoss}, {"train_top1", e.trainAccuracy}, {"seconds", e.seconds},
            {"validation", e.validation.toJson(false)}};
}

FineTuneJob::FineTuneJob(ProjectDataFactory data, FineTuneOptions options) : m_data(std::move(data)), m_options(std::move(options)) {}

QString FineTuneJob::name() const
{
    return m_options.mode == FineTuneMode::Head ? QStringLiteral("fine-tune (fast, head only)")
                                                : QStringLiteral("fine-tune (full network)");
}

Status FineTuneJob::run(JobContext& context)
{
    Result<std::unique_ptr<ProjectData>> opened = m_data();
    if (!opened)
        return Error{opened.error()};
    ProjectData& data = *opened.value();
    if (m_options.threads > 0)
        model::ManetModel::setThreads(m_options.threads);
    context.setStage("loading the model");
    Result<LoadedModel> loaded = loadModel(m_options.base, data, m_options.device);
    if (!loaded)
        return Error{loaded.error()};
    LoadedModel& model = loaded.value();
    const int numClasses = model.model.config().numClasses;

    // Training data = confirmed labels; validation held out by participant.
    std::vector<ClipItem> items = m_options.items;
    if (items.empty()) {
        Result<std::vector<ClipItem>> all = data.clips();
        if (!all)
            return Error{all.error()};
        for (const ClipItem& c : all.value())
            if (c.label >= 0)
                items.push_back(c);
    }
    std::vector<ClipItem> training, validation;
    if (!m_options.trainingParticipants.isEmpty()) {
        // A split plan: train on its training participants, pick the epoch on its validation participants;
        // every other clip (the plan's test participants, anyone not in the plan) is never read.
        for (const ClipItem& c : items) {
            if (m_options.trainingParticipants.contains(c.participant))
                training.push_back(c);
            else if (m_options.validationParticipants.contains(c.participant))
                validation.push_back(c);
        }
    } else if (!m_options.validationItems.empty()) {
        training = items;
        validation = m_options.validationItems;
    } else if (!m_options.validationParticipants.isEmpty()) {
        for (const ClipItem& c : items)
            (m_options.validationParticipants.contains(c.participant) ? validation : training).push_back(c);
    } else {
        DataSplit split = splitByParticipant(items, m_options.validationFraction, m_options.seed);
        training = std::move(split.training);
        validation = std::move(split.validation);
    }
    if (training.empty())
        return Error{m_options.planName.isEmpty()
                         ? QString("nothing to train on: no confirmed labels outside the validation participants")
                         : QString("nothing to train on: no confirmed labels of split plan \"%1\"'s training participants")
                               .arg(m_options.planName)};
    if (!m_options.planName.isEmpty())
        context.message(QString("split plan \"%1\"%2: %3 training clips, %4 validation clips, test participants not read")
                            .arg(m_options.planName, m_options.planCreated ? QString(" (made now: the project had none)") : QString())
                            .arg(training.size()).arg(validation.size()));
    for (const ClipItem& c : training)
        if (c.label >= numClasses)
            return Error{QString("%1: label %2 is outside the model's %3 classes").arg(c.key).arg(c.label).arg(numClasses)};

    const std::vector<int> bodyParts =
        m_options.classToBodyPart.empty() ? classToBodyPartFor(model.version, numClasses) : m_options.classToBodyPart;
    model::LabelEmbeddings embeddings;
    if (!m_options.labelEmbeddingsPath.isEmpty()) {
        model::Result<model::LabelEmbeddings> e = model::LabelEmbeddings::loadNpy(m_options.labelEmbeddingsPath.toStdString());
        if (!e)
            return Error{QString::fromStdString(e.error())};
        embeddings = e.value();
    } else {
        embeddings = model::LabelEmbeddings::deriveFromTaxonomy(bodyParts, model.model.config().embeddingDim);
    }

    const bool head = m_options.mode == FineTuneMode::Head;
    model::TrainerOptions options;
    options.baseLr = m_options.learningRate > 0 ? m_options.learningRate : head ? 0.01 : 0.00125;
    options.schedule = m_options.schedule;
    options.totalEpochs = m_options.epochs;
    options.stepEpochs = {m_options.epochs * 0.6, m_options.epochs * 0.85};
    options.seed = m_options.seed;
    options.embeddingLossWeight = m_options.embeddingLossWeight;
    options.frozenStages = head ? 5 : m_options.frozenStages;
    if (m_options.balance == BalanceMethod::LossWeights)
        options.classWeights = balancedClassWeights(training, numClasses);

    m_best = {};
    bool complete = true;
    const Status trained = head ? trainHead(context, data, model, training, validation, options, embeddings, bodyParts, &complete)
                                : trainFull(context, model, training, validation, options, embeddings, bodyParts, &complete);
    if (!trained)
        return trained;
    if (!complete || context.cancelled())
        return Status::success(); // no new version from a cancelled run

    if (m_bestEpoch >= 0 && m_bestEpoch + 1 < int(m_epochs.size())) {
        const model::Status restored = model.model.restoreWeights(m_best);
        if (!restored)
            return Error{QString::fromStdString(restored.error())};
        context.message(QString("keeping epoch %1 (best validation top-1 %2%)")
                            .arg(m_bestEpoch + 1).arg(m_epochs[size_t(m_bestEpoch)].validation.classes.top1 * 100, 0, 'f', 1));
    }

    // A new version: never overwrites an earlier one.
    ModelVersionRecord draft;
    draft.name = m_options.versionName.isEmpty() ? model.version.name + (head ? "-head" : "-full") : m_options.versionName;
    draft.parentId = model.version.id;
    draft.kind = "fine-tuned";
    QJsonArray classMap;
    for (int b : bodyParts)
        classMap.append(b);
    draft.hyperParams = {{"mode", head ? "head" : "full"}, {"epochs", m_options.epochs}, {"batch_size", m_options.batchSize},
                         {"learning_rate", options.baseLr}, {"schedule", int(options.schedule)},
                         {"balance", m_options.balance == BalanceMethod::None ? "none"
                                     : m_options.balance == BalanceMethod::LossWeights ? "loss-weights" : "sampling"},
                         {"seed", double(m_options.seed)}, {"frozen_stages", options.frozenStages},
                         {"augment", m_options.augment}, {"label_embeddings", QString::fromStdString(embeddings.source)},
                         {"class_to_body_part", classMap}, {"base_version", model.version.name},
                         {"data_snapshot", dataSnapshot(training, validation)}};
    if (!m_options.planName.isEmpty())
        draft.hyperParams.insert("split_plan", m_options.planName);
    // The clip length the model learnt on: the sliding window's default (slidingWindowDefaults).
    std::vector<int> lengths;
    for (const ClipItem& c : training)
        if (c.endFrame > c.startFrame)
            lengths.push_back(c.endFrame - c.startFrame);
    if (!lengths.empty()) {
        std::nth_element(lengths.begin(), lengths.begin() + long(lengths.size() / 2), lengths.end());
        draft.hyperParams.insert("clip_frames", lengths[lengths.size() / 2]);
    }
    QJsonArray history;
    for (const EpochFigures& e : m_epochs)
        history.append(toJson(e));
    draft.metrics = {{"epochs", history}};
    if (!m_epochs.empty() && keptEpoch().validation.classes.count > 0) {
        // The kept epoch's figures on the validation participants: measured, so they are shown as "val".
        QJsonObject val = keptEpoch().validation.toJson(true);
        val.insert("plan", m_options.planName);
        val.insert("clips", keptEpoch().validation.classes.count);
        val.insert("source", QString("fine-tune (epoch %1)").arg(keptEpoch().epoch));
        val.insert("measured", QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        draft.metrics.insert("val", val);
    }
    if (!m_epochs.empty())
        draft.metrics.insert("kept_epoch", keptEpoch().epoch);
    context.setStage("saving the new model version");
    Result<ModelVersionRecord> saved = saveNewModelVersion(data, model.model, draft, model.pipeline);
    if (!saved)
        return Error{saved.error()};
    m_newVersion = saved.value();
    // The exact labels trained on, next to the checkpoint.
    QJsonArray snapshot;
    for (const ClipItem& c : training)
        snapshot.append(QJsonObject{{"item", c.key}, {"label", c.label}, {"set", "train"}, {"participant", c.participant}});
    for (const ClipItem& c : validation)
        snapshot.append(QJsonObject{{"item", c.key}, {"label", c.label}, {"set", "val"}, {"participant", c.participant}});
    const Status wroteSnapshot = writeFileAtomically(QFileInfo(m_newVersion.checkpointPath).absolutePath() + "/data_snapshot.json",
                                                     QJsonDocument(snapshot).toJson(QJsonDocument::Compact));
    if (!wroteSnapshot)
        return wroteSnapshot;
    if (m_options.activate) {
        const Status s = data.setActiveModelVersion(m_newVersion.id);
        if (!s)
            return s;
        m_newVersion.active = true;
    }
    context.figures().insert("new_version", m_newVersion.id);
    context.figures().insert("model_version_id", m_newVersion.id.toLongLong()); // what the GUI's ModelJobRunner reads
    context.figures().insert("new_version_name", m_newVersion.name);
    context.figures().insert("plan", m_options.planName);
    context.figures().insert("checkpoint", m_newVersion.checkpointPath);
    context.figures().insert("data_snapshot", draft.hyperParams.value("data_snapshot"));
    context.figures().insert("plan_created", m_options.planCreated);
    context.figures().insert("metrics", draft.metrics);
    if (m_options.refreshPrelabels) {
        PrelabelOptions p;
        p.model.kind = ModelSource::Kind::Version;
        p.model.reference = m_newVersion.id;
        p.device = m_options.device;
        p.batchSize = m_options.batchSize;
        PrelabelJob refresh(m_data, p);
        context.setStage("refreshing pre-labels");
        return refresh.run(context);
    }
    return Status::success();
}

void FineTuneJob::reportEpochs(JobContext& context) const
{
    QJsonArray history;
    for (const EpochFigures& e : m_epochs)
        history.append(toJson(e));
    context.setEpochs(history);
}

Status FineTuneJob::rememberIfBest(LoadedModel& model)
{
    if (!m_options.keepBestEpoch || m_epochs.empty() || m_epochs.back().validation.classes.count == 0)
        return Status::success();
    const EpochFigures& latest = m_epochs.back();
    if (m_bestEpoch >= 0) {
        const EpochFigures& best = m_epochs[size_t(m_bestEpoch)];
        const double a = latest.validation.classes.top1, b = best.validation.classes.top1;
        if (a < b || (a == b && latest.validation.loss >= best.validation.loss))
            return Status::success();
    }
    m_best = model.model.snapshotWeights(); // in memory: a checkpoint file per improvement cost ~0.3 s each
    m_bestEpoch = int(m_epochs.size()) - 1;
    return Status::success();
}

Status FineTuneJob::trainHead(JobContext& context, ProjectData& data, LoadedModel& model, const std::vector<ClipItem>& training,
                              const std::vector<ClipItem>& validation, const model::TrainerOptions& options,
                              const model::LabelEmbeddings& embeddings, const std::vector<int>& bodyParts, bool* complete)
{
    // Features once per base version (cached as files; a resumed or repeated run reuses them).
    const FeatureCache cache(data.cacheDir(), model.version.id);
    std::vector<ClipItem> all = training;
    all.insert(all.end(), validation.begin(), validation.end());
    context.setStage("features of " + model.version.name);
    const Status cached = cacheFeatures(model.model, model.pipeline, cache, all, m_options.batchSize, context, complete);
    if (!cached || !*complete)
        return cached;
    auto loadSet = [&](const std::vector<ClipItem>& items, std::vector<int>* labels) -> Result<model::PooledFeatures> {
        QVector<QString> keys;
        for (const ClipItem& c : items)
            if (cache.contains(c.key)) { // clips that failed to decode have no features
                keys << c.key;
                labels->push_back(c.label);
            }
        return cache.loadMany(keys);
    };
    std::vector<int> trainLabels, valLabels;
    Result<model::PooledFeatures> trainFeatures = loadSet(training, &trainLabels);
    if (!trainFeatures)
        return Error{trainFeatures.error()};
    Result<model::PooledFeatures> valFeatures = loadSet(validation, &valLabels);
    if (!valFeatures)
        return Error{valFeatures.error()};
    if (trainFeatures->batch == 0)
        return Error{"no training clip could be read"};

    model::HeadTrainer trainer(model.model, options, embeddings);
    std::mt19937_64 rng(m_options.seed);
    context.setTotal(int64_t(m_options.epochs));
    const int numClasses = model.model.config().numClasses;
    for (int epoch = 0; epoch < m_options.epochs; ++epoch) {
        if (!context.waitWhilePaused()) {
            *complete = false;
            return Status::success();
        }
        context.setStage(QString("epoch %1/%2").arg(epoch + 1).arg(m_options.epochs));
        QElapsedTimer timer;
        timer.start();
        trainer.setEpoch(epoch);
        model::PooledFeatures epochFeatures;
        const model::PooledFeatures* used = &trainFeatures.value();
        std::vector<int> epochLabels = trainLabels;
        if (m_options.balance == BalanceMethod::Sampling) {
            std::vector<ClipItem> labelled(trainLabels.size());
            for (size_t i = 0; i < trainLabels.size(); ++i)
                labelled[i].label = trainLabels[i];
            const std::vector<size_t> order = epochOrder(labelled, true, rng, numClasses);
            const int64_t per = trainFeatures->segments * trainFeatures->featureDim;
            epochFeatures = {int64_t(order.size()), trainFeatures->segments, trainFeatures->featureDim, {}};
            epochFeatures.values.reserve(order.size() * size_t(per));
            epochLabels.clear();
            for (size_t i : order) {
                epochFeatures.values.insert(epochFeatures.values.end(), trainFeatures->values.begin() + int64_t(i) * per,
                                            trainFeatures->values.begin() + int64_t(i + 1) * per);
                epochLabels.push_back(trainLabels[i]);
            }
            used = &epochFeatures;
        }
        model::Result<model::StepResult> step = trainer.fit(*used, epochLabels, 1, m_options.batchSize, epoch);
        if (!step)
            return Error{QString::fromStdString(step.error())};
        EpochFigures figures;
        figures.epoch = epoch + 1;
        figures.trainLoss = step->loss;
        figures.trainAccuracy = step->accuracy;
        if (valFeatures->batch > 0) {
            model::Result<model::ForwardOutput> out = model.model.forwardHead(valFeatures.value());
            if (!out)
                return Error{QString::fromStdString(out.error())};
            std::vector<std::vector<float>> probabilities;
            for (int64_t b = 0; b < out->batch; ++b)
                probabilities.push_back(model::softmax(out->logits.data() + b * out->numClasses, out->numClasses));
            figures.validation = evaluateProbabilities(probabilities, valLabels, numClasses, bodyParts);
        }
        figures.seconds = timer.nsecsElapsed() / 1e9;
        m_epochs.push_back(figures);
        if (const Status kept = rememberIfBest(model); !kept)
            return kept;
        reportEpochs(context);
        context.message(QString("epoch %1: loss %2, validation top-1 %3").arg(epoch + 1).arg(figures.trainLoss, 0, 'f', 4)
                            .arg(figures.validation.classes.top1 * 100, 0, 'f', 1));
        context.advance();
    }
    return Status::success();
}

Status FineTuneJob::trainFull(JobContext& context, LoadedModel& model, const std::vector<ClipItem>& training,
                              const std::vector<ClipItem>& validation, const model::TrainerOptions& options,
                              const model::LabelEmbeddings& embeddings, const std::vector<int>& bodyParts, bool* complete)
{
    model::Trainer trainer(model.model, options, embeddings);
    std::mt19937_64 rng(m_options.seed);
    const int numClasses = model.model.config().numClasses;
    const size_t batchSize = size_t(std::max(m_options.batchSize, 1));
    const int64_t stepsPerEpoch = int64_t(training.size());
    context.setTotal(stepsPerEpoch * m_options.epochs + int64_t(validation.size()) * m_options.epochs);
    for (int epoch = 0; epoch < m_options.epochs; ++epoch) {
        context.setStage(QString("epoch %1/%2").arg(epoch + 1).arg(m_options.epochs));
        QElapsedTimer timer;
        timer.start();
        const std::vector<size_t> order = epochOrder(training, m_options.balance == BalanceMethod::Sampling, rng, numClasses);
        std::vector<ClipItem> epochItems;
        for (size_t i : order)
            epochItems.push_back(training[i]);
        ClipPrefetcher prefetcher(epochItems, ClipPipeline(model.pipeline), batchSize * 2,
                                  m_options.augment ? int64_t(m_options.seed * 7919 + uint64_t(epoch)) : -1);
        double lossSum = 0, accuracySum = 0;
        int64_t seen = 0;
        Status failure;
        const size_t stepCount = (epochItems.size() + batchSize - 1) / batchSize;
        size_t stepIndex = 0;
        const bool done = forEachClipBatch(prefetcher, batchSize, context, [&](ClipBatch& batch) {
            for (const ItemFailure& f : batch.failures)
                context.itemFailed(f.itemKey, f.message);
            if (!batch.clips.empty()) {
                std::vector<int> labels;
                for (const DecodedClip& c : batch.clips)
                    labels.push_back(c.item.label);
                trainer.setEpoch(epoch + double(stepIndex) / double(std::max<size_t>(stepCount, 1)));
                model::Result<model::StepResult> r = trainer.step(batch.frames(), labels);
                if (!r) {
                    failure = Error{QString::fromStdString(r.error())};
                    return false;
                }
                lossSum += r->loss * double(labels.size());
                accuracySum += r->accuracy * double(labels.size());
                seen += int64_t(labels.size());
            }
            ++stepIndex;
            context.advance(int64_t(batch.clips.size() + batch.failures.size()));
            return true;
        });
        if (!failure)
            return failure;
        if (!done) {
            *complete = false;
            return Status::success();
        }
        EpochFigures figures;
        figures.epoch = epoch + 1;
        figures.trainLoss = seen ? lossSum / double(seen) : 0;
        figures.trainAccuracy = seen ? accuracySum / double(seen) : 0;
        if (!validation.empty()) {
            context.setStage(QString("validation %1/%2").arg(epoch + 1).arg(m_options.epochs));
            Result<ClipScores> scores = scoreLabelledClips(model.model, model.pipeline, validation, int(batchSize), context);
            if (!scores)
                return Error{scores.error()};
            if (scores->cancelled) {
                *complete = false;
                return Status::success();
            }
            figures.validation = evaluateProbabilities(scores->probabilities, scores->labels, numClasses, bodyParts);
        }
        figures.seconds = timer.nsecsElapsed() / 1e9;
        m_epochs.push_back(figures);
        if (const Status kept = rememberIfBest(model); !kept)
            return kept;
        reportEpochs(context);
        context.message(QString("epoch %1: loss %2, train top-1 %3, validation top-1 %4 (%5 s)")
                            .arg(epoch + 1)
                            .arg(figures.trainLoss, 0, 'f', 4)
                            .arg(figures.trainAccuracy * 100, 0, 'f', 1)
                            .arg(figures.validation.classes.top1 * 100, 0, 'f', 1)
                            .arg(figures.seconds, 0, 'f', 1));
    }
    return Status::success();
}

} // namespace mas::worker
