#include "EvaluationShards.h"

#include "ClassificationMetrics.h"
#include "FolderProjectData.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <map>

namespace mas::worker {

namespace {

const char* const kFormat = "mastudio-evaluate-shard";

// One level's counts (classes or body parts), recovered from a shard's figures: every fraction in them is
// a count over `count` or over a class's support, so rounding gives the integer back exactly.
struct LevelCounts {
    int count = 0, top1 = 0, top5 = 0;
    std::vector<int> support, predicted, truePositive;
};

int countOf(double fraction, int total)
{
    return int(std::lround(fraction * total));
}

Result<LevelCounts> levelCounts(const QJsonObject& level, const QString& file)
{
    LevelCounts c;
    c.count = level.value("count").toInt();
    c.top1 = countOf(level.value("top1").toDouble(), c.count);
    c.top5 = countOf(level.value("top5").toDouble(), c.count);
    const QJsonArray rows = level.value("per_class").toArray();
    if (c.count > 0 && rows.isEmpty())
        return Error{file + ": a shard's figures without per-class rows (not written by evaluate --shard)"};
    for (const QJsonValue& v : rows) {
        const QJsonObject row = v.toObject();
        const int support = row.value("support").toInt();
        c.support.push_back(support);
        c.predicted.push_back(row.value("predicted").toInt());
        c.truePositive.push_back(countOf(row.value("recall").toDouble(), support));
    }
    return c;
}

Status add(LevelCounts& sum, const LevelCounts& part, const QString& file)
{
    if (sum.support.empty() && sum.count == 0) { // the first shard sets the number of classes
        sum.support.assign(part.support.size(), 0);
        sum.predicted = sum.truePositive = sum.support;
    }
    if (part.support.size() != sum.support.size())
        return Error{QString("%1: %2 classes where the other shards have %3 (another model?)")
                         .arg(file).arg(part.support.size()).arg(sum.support.size())};
    sum.count += part.count;
    sum.top1 += part.top1;
    sum.top5 += part.top5;
    for (size_t i = 0; i < part.support.size(); ++i) {
        sum.support[i] += part.support[i];
        sum.predicted[i] += part.predicted[i];
        sum.truePositive[i] += part.truePositive[i];
    }
    return Status::success();
}

// The figures of summed counts, computed as evaluateProbabilities finishes a level (ClassificationMetrics.cpp).
LevelFigures finish(const LevelCounts& c)
{
    LevelFigures l;
    l.count = c.count;
    for (size_t i = 0; i < c.support.size(); ++i)
        l.perClass.push_back({c.support[i], c.predicted[i], 0, double(c.truePositive[i]), 0});
    if (l.count == 0)
        return l;
    l.top1 = double(c.top1) / l.count;
    l.top5 = double(c.top5) / l.count;
    l.microF1 = l.top1;
    double sum = 0;
    int used = 0;
    for (size_t i = 0; i < l.perClass.size(); ++i) {
        PerClassFigures& k = l.perClass[i];
        k.recall = k.support ? double(c.truePositive[i]) / k.support : 0;
        k.precision = k.predicted ? double(c.truePositive[i]) / k.predicted : 0;
        k.f1 = (k.precision + k.recall) > 0 ? 2 * k.precision * k.recall / (k.precision + k.recall) : 0;
        if (k.support || k.predicted) {
            sum += k.f1;
            ++used;
        }
    }
    l.macroF1 = used ? sum / used : 0;
    return l;
}

QString describe(const ShardEvaluation& e)
{
    return e.file.isEmpty() ? QString("shard %1").arg(e.shard.text()) : e.file;
}

} // namespace

ShardEvaluation shardEvaluationOf(const JobOutcome& outcome, const ShardSpec& shard)
{
    ShardEvaluation e;
    e.shard = shard;
    e.versionId = outcome.figures.value("model_version").toString();
    e.versionName = outcome.figures.value("model_version_name").toString();
    e.split = outcome.figures.value("split").toString();
    e.plan = outcome.figures.value("plan").toString();
    e.evaluation = outcome.figures.value("evaluation").toObject();
    return e;
}

QString shardEvaluationPath(const QString& folder, const QString& versionId, const QString& split, const ShardSpec& shard)
{
    return QDir(folder).absoluteFilePath(
        QString("evaluate-v%1-%2-shard%3of%4.json").arg(versionId, split).arg(shard.index).arg(shard.count));
}

Status writeShardEvaluation(const QString& path, const ShardEvaluation& e)
{
    const QJsonObject o{{"format", kFormat},      {"shard", e.shard.index},     {"shards", e.shard.count},
                        {"model_version", e.versionId}, {"model_version_name", e.versionName},
                        {"split", e.split},       {"plan", e.plan},             {"evaluation", e.evaluation}};
    return writeFileAtomically(path, QJsonDocument(o).toJson(QJsonDocument::Indented));
}

Result<ShardEvaluation> readShardEvaluation(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path + ": cannot be read (" + f.errorString() + ")"};
    QJsonParseError parseError;
    const QJsonDocument d = QJsonDocument::fromJson(f.read(16 * 1024 * 1024), &parseError);
    const QJsonObject o = d.object();
    if (parseError.error != QJsonParseError::NoError || o.value("format").toString() != kFormat)
        return Error{path + ": not a shard's evaluate figures (written by `evaluate --shard`)"};
    ShardEvaluation e;
    e.shard = {o.value("shard").toInt(-1), o.value("shards").toInt(0)};
    if (const Status valid = validateShardSpec(e.shard); !valid)
        return Error{path + ": shard " + valid.error()};
    e.versionId = o.value("model_version").toString();
    e.versionName = o.value("model_version_name").toString();
    e.split = o.value("split").toString();
    e.plan = o.value("plan").toString();
    e.evaluation = o.value("evaluation").toObject();
    e.file = path;
    return e;
}

Result<std::vector<ShardEvaluation>> readShardEvaluations(const QString& folder, const QString& versionId, const QString& split)
{
    const QDir dir(folder);
    if (!dir.exists())
        return Error{folder + ": no such folder"};
    std::vector<ShardEvaluation> out;
    const QString pattern = QString("evaluate-v%1-%2-shard*of*.json").arg(versionId, split);
    for (const QString& name : dir.entryList({pattern}, QDir::Files, QDir::Name)) {
        Result<ShardEvaluation> e = readShardEvaluation(dir.absoluteFilePath(name));
        if (!e)
            return Error{e.error()};
        out.push_back(e.value());
    }
    if (out.empty())
        return Error{QString("%1: no shard figures of version %2 on the %3 split (%4): run `evaluate --shard K/N` first")
                         .arg(dir.absolutePath(), versionId, split, pattern)};
    return out;
}

Result<QJsonObject> mergeShardEvaluations(const std::vector<ShardEvaluation>& shards)
{
    if (shards.empty())
        return Error{"no shard figures to merge"};
    const ShardEvaluation& first = shards.front();
    std::map<int, QString> seen;
    for (const ShardEvaluation& e : shards) {
        if (e.shard.count != first.shard.count)
            return Error{QString("%1 is shard %2 but %3 is shard %4: shards of one run only (remove the older files)")
                             .arg(describe(e), e.shard.text(), describe(first), first.shard.text())};
        if (e.versionId != first.versionId || e.split != first.split || e.plan != first.plan)
            return Error{QString("%1 measured version %2 on %3 of plan \"%4\", %5 version %6 on %7 of plan \"%8\"")
                             .arg(describe(e), e.versionId, e.split, e.plan, describe(first), first.versionId, first.split,
                                  first.plan)};
        if (seen.count(e.shard.index))
            return Error{QString("shard %1 twice: %2 and %3").arg(e.shard.text(), seen[e.shard.index], describe(e))};
        seen[e.shard.index] = describe(e);
    }
    QStringList missing;
    for (int k = 0; k < first.shard.count; ++k)
        if (!seen.count(k))
            missing << QString("%1/%2").arg(k).arg(first.shard.count);
    if (!missing.isEmpty())
        return Error{QString("shard %1 missing: run it, then merge again").arg(missing.join(", "))};

    LevelCounts classes, parts;
    double lossSum = 0;
    int clips = 0;
    std::vector<std::vector<int>> confusion;
    for (const ShardEvaluation& e : shards) {
        Result<LevelCounts> c = levelCounts(e.evaluation.value("classes").toObject(), describe(e));
        Result<LevelCounts> p = levelCounts(e.evaluation.value("body_parts").toObject(), describe(e));
        if (!c)
            return Error{c.error()};
        if (!p)
            return Error{p.error()};
        if (const Status s = add(classes, c.value(), describe(e)); !s)
            return Error{s.error()};
        if (const Status s = add(parts, p.value(), describe(e)); !s)
            return Error{s.error()};
        lossSum += e.evaluation.value("loss").toDouble() * c->count;
        clips += e.evaluation.value("clips").toInt();
        const QJsonArray rows = e.evaluation.value("confusion").toArray();
        if (confusion.empty())
            confusion.assign(size_t(rows.size()), std::vector<int>(size_t(rows.size()), 0));
        if (size_t(rows.size()) != confusion.size())
            return Error{describe(e) + ": a confusion matrix of another size than the other shards'"};
        for (int i = 0; i < rows.size(); ++i) {
            const QJsonArray row = rows[i].toArray();
            for (int j = 0; j < row.size() && size_t(j) < confusion.size(); ++j)
                confusion[size_t(i)][size_t(j)] += row[j].toInt();
        }
    }
    EvaluationFigures f;
    f.classes = finish(classes);
    f.bodyParts = finish(parts);
    f.loss = classes.count ? lossSum / classes.count : 0;
    f.confusion = confusion;
    QJsonObject json = f.toJson(true);
    json.insert("clips", clips);
    json.insert("source", "evaluate");
    json.insert("measured", QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!first.plan.isEmpty())
        json.insert("plan", first.plan);
    json.insert("shards", first.shard.count);
    return json;
}

Status storeEvaluation(ProjectData& data, const QString& versionId, const QString& split, const QJsonObject& evaluation)
{
    Result<std::optional<ModelVersionRecord>> current = data.modelVersion(versionId);
    if (!current)
        return Error{current.error()};
    if (!current.value())
        return Error{QString("the project has no model version %1").arg(versionId)};
    QJsonObject metrics = current.value()->metrics;
    metrics.insert(split, evaluation);
    return data.updateModelMetrics(versionId, metrics);
}

} // namespace mas::worker
