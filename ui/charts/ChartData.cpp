#include "charts/ChartData.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace mas::ui {

namespace {
int groupOf(const Taxonomy& taxonomy, ChartGrouping grouping, int classId)
{
    if (classId < 0)
        return -1;
    if (grouping == ChartGrouping::Classes)
        return classId < taxonomy.classCount() ? classId : -1;
    return taxonomy.bodyPartOfClass(classId);
}

QStringList groupLabels(const Taxonomy& taxonomy, ChartGrouping grouping)
{
    QStringList labels;
    if (grouping == ChartGrouping::Classes)
        for (const ActionClass& c : taxonomy.classes())
            labels << c.code;
    else
        for (const BodyPart& p : taxonomy.bodyParts())
            labels << p.name;
    return labels;
}
} // namespace

Result<Distribution> ChartData::distribution(const store::ProjectStore& store, ChartGrouping grouping, int split)
{
    const Taxonomy& taxonomy = store.taxonomy();
    const auto rows = store.clipRows();
    if (!rows.ok())
        return Error{rows.error()};
    // Split membership from the newest plan (by participant or by segment, as the plan says).
    QHash<store::Id, int> setOf;
    bool byParticipant = true;
    if (split >= 0) {
        const auto plans = store.splitPlans();
        if (!plans.ok())
            return Error{plans.error()};
        if (!plans->isEmpty()) {
            const store::SplitPlan& plan = plans->last();
            byParticipant = plan.unit == store::SplitUnit::Participant;
            const auto assignments = store.splitAssignments(plan.id);
            if (!assignments.ok())
                return Error{assignments.error()};
            for (const store::SplitAssignment& a : assignments.value())
                setOf.insert(a.entityId, int(a.set));
        }
    }
    Distribution d;
    d.groupLabels = groupLabels(taxonomy, grouping);
    for (int s = -1; s <= int(store::SegmentStatus::Rejected); ++s)
        d.statusNames << store::toString(store::SegmentStatus(s));
    d.counts = QVector<QVector<int>>(d.statusNames.size(), QVector<int>(d.groupLabels.size(), 0));
    for (const store::ClipRow& r : rows.value()) {
        if (split >= 0 && setOf.value(byParticipant ? r.participantId : r.segmentId, -1) != split)
            continue;
        const int classId = r.classId >= 0 ? r.classId : r.predictedClassId;
        const int group = groupOf(taxonomy, grouping, classId);
        if (group >= 0 && group < d.groupLabels.size())
            ++d.counts[int(r.status) + 1][group];
    }
    return d;
}

Result<ConfusionMatrix> ChartData::confusion(const store::ProjectStore& store, ChartGrouping grouping)
{
    const Taxonomy& taxonomy = store.taxonomy();
    store::ClipFilter filter;
    filter.status = store::SegmentStatus::Confirmed;
    const auto rows = store.clipRows(filter);
    if (!rows.ok())
        return Error{rows.error()};
    ConfusionMatrix m;
    m.labels = grouping == ChartGrouping::Classes ? groupLabels(taxonomy, grouping) : QStringList();
    if (grouping == ChartGrouping::Classes) {
        for (const ActionClass& c : taxonomy.classes()) {
            m.ids << c.id;
            const BodyPart* p = taxonomy.bodyPart(c.bodyPartId);
            m.colours << (p ? p->colour : QColor(Qt::gray));
        }
    } else {
        for (const BodyPart& p : taxonomy.bodyParts()) {
            m.ids << p.id;
            m.labels << p.letter + QLatin1Char(' ') + p.name;
            m.colours << p.colour;
        }
    }
    const int n = m.ids.size();
    m.counts = QVector<QVector<int>>(n, QVector<int>(n, 0));
    for (const store::ClipRow& r : rows.value()) {
        const int human = groupOf(taxonomy, grouping, r.classId);
        const int predicted = groupOf(taxonomy, grouping, r.predictedClassId);
        if (human < 0 || predicted < 0 || human >= n || predicted >= n)
            continue;
        ++m.counts[human][predicted];
        ++m.total;
    }
    return m;
}

QVector<double> ChartData::perClassF1(const ConfusionMatrix& matrix)
{
    const int n = matrix.counts.size();
    QVector<double> f1(n, std::numeric_limits<double>::quiet_NaN());
    for (int i = 0; i < n; ++i) {
        int truePositive = matrix.counts[i][i], actual = 0, predicted = 0;
        for (int j = 0; j < n; ++j) {
            actual += matrix.counts[i][j];
            predicted += matrix.counts[j][i];
        }
        if (actual + predicted > 0)
            f1[i] = 2.0 * truePositive / double(actual + predicted);
    }
    return f1;
}

TrainingCurves ChartData::trainingCurves(const QString& metricsJson)
{
    return trainingCurves(QJsonDocument::fromJson(metricsJson.toUtf8()).object().value(QLatin1String("epochs")).toArray());
}

TrainingCurves ChartData::trainingCurves(const QJsonArray& epochs)
{
    TrainingCurves curves;
    auto add = [&curves](const QString& name, double value) {
        QVector<double>& values = curves.series[name];
        values.resize(curves.epochs.size() - 1, std::numeric_limits<double>::quiet_NaN());
        values << value;
    };
    for (int i = 0; i < epochs.size(); ++i) {
        const QJsonObject e = epochs[i].toObject();
        curves.epochs << e.value(QLatin1String("epoch")).toInt(i + 1);
        for (auto it = e.begin(); it != e.end(); ++it) {
            // Seconds per epoch is no learning curve.
            if (it.key() == QLatin1String("epoch") || it.key() == QLatin1String("seconds") || !it.value().isDouble())
                continue;
            add(it.key(), it.value().toDouble());
        }
        const QJsonObject validation = e.value(QLatin1String("validation")).toObject();
        if (validation.value(QLatin1String("loss")).isDouble())
            add(QStringLiteral("val_loss"), validation.value(QLatin1String("loss")).toDouble());
        const QJsonObject classes = validation.value(QLatin1String("classes")).toObject();
        if (classes.value(QLatin1String("top1")).isDouble() && classes.value(QLatin1String("count")).toInt(1) > 0)
            add(QStringLiteral("val_top1"), classes.value(QLatin1String("top1")).toDouble());
    }
    for (QVector<double>& values : curves.series)
        values.resize(curves.epochs.size(), std::numeric_limits<double>::quiet_NaN());
    return curves;
}

StoredEvaluation ChartData::lastEvaluation(const QString& metricsJson)
{
    const QJsonObject metrics = QJsonDocument::fromJson(metricsJson.toUtf8()).object();
    StoredEvaluation best;
    int bestRank = -1;
    for (const char* split : {"train", "val", "test"}) {
        const QJsonObject f = metrics.value(QLatin1String(split)).toObject();
        const QJsonObject classes = f.value(QLatin1String("classes")).toObject();
        if (f.isEmpty() || classes.isEmpty())
            continue;
        // An evaluate outranks a fine-tune's validation; then the newest; then test over val over train.
        const bool evaluate = f.value(QLatin1String("source")).toString() == QLatin1String("evaluate");
        const QString measured = f.value(QLatin1String("measured")).toString();
        const int rank = (evaluate ? 2 : 1);
        if (rank < bestRank || (rank == bestRank && measured < best.measured))
            continue;
        bestRank = rank;
        StoredEvaluation e;
        e.split = QLatin1String(split);
        e.plan = f.value(QLatin1String("plan")).toString();
        e.source = f.value(QLatin1String("source")).toString();
        e.measured = measured;
        e.clips = f.value(QLatin1String("clips")).toInt(classes.value(QLatin1String("count")).toInt());
        const QJsonArray f1 = classes.value(QLatin1String("per_class_f1")).toArray();
        const QJsonArray perClass = classes.value(QLatin1String("per_class")).toArray();
        if (!f1.isEmpty()) {
            for (const QJsonValue& v : f1)
                e.perClassF1 << (v.isDouble() ? v.toDouble() : std::numeric_limits<double>::quiet_NaN());
        } else {
            for (const QJsonValue& v : perClass) {
                const QJsonObject c = v.toObject();
                const bool seen = c.value(QLatin1String("support")).toInt() + c.value(QLatin1String("predicted")).toInt() > 0;
                e.perClassF1 << (seen ? c.value(QLatin1String("f1")).toDouble() : std::numeric_limits<double>::quiet_NaN());
            }
        }
        for (const QJsonValue& row : f.value(QLatin1String("confusion")).toArray()) {
            QVector<int> counts;
            for (const QJsonValue& v : row.toArray())
                counts << v.toInt();
            e.confusion << counts;
        }
        best = e;
    }
    return best;
}

ConfusionMatrix ChartData::confusionFromEvaluation(const store::ProjectStore& store, ChartGrouping grouping,
                                                   const StoredEvaluation& evaluation)
{
    // Labels, ids and colours as the store-based matrix has them; counts from the evaluation.
    ConfusionMatrix m;
    if (auto layout = confusion(store, grouping); layout.ok())
        m = layout.value();
    const Taxonomy& taxonomy = store.taxonomy();
    const int n = m.ids.size();
    m.counts = QVector<QVector<int>>(n, QVector<int>(n, 0));
    m.total = 0;
    for (int human = 0; human < evaluation.confusion.size(); ++human)
        for (int predicted = 0; predicted < evaluation.confusion[human].size(); ++predicted) {
            const int h = groupOf(taxonomy, grouping, human);
            const int p = groupOf(taxonomy, grouping, predicted);
            if (h < 0 || p < 0 || h >= n || p >= n)
                continue;
            m.counts[h][p] += evaluation.confusion[human][predicted];
            m.total += evaluation.confusion[human][predicted];
        }
    return m;
}

store::ClipFilter ChartData::filterForCell(const ConfusionMatrix& matrix, ChartGrouping grouping, int human, int predicted)
{
    store::ClipFilter filter;
    filter.status = store::SegmentStatus::Confirmed;
    if (human < 0 || human >= matrix.ids.size() || predicted < 0 || predicted >= matrix.ids.size())
        return filter;
    if (grouping == ChartGrouping::Classes) {
        filter.classId = matrix.ids[human];
        filter.predictedClassId = matrix.ids[predicted];
    } else {
        filter.bodyPartId = matrix.ids[human];
    }
    return filter;
}

} // namespace mas::ui
