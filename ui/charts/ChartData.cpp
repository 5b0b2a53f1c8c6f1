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
    TrainingCurves curves;
    const QJsonArray epochs = QJsonDocument::fromJson(metricsJson.toUtf8()).object().value(QLatin1String("epochs")).toArray();
    for (int i = 0; i < epochs.size(); ++i) {
        const QJsonObject e = epochs[i].toObject();
        curves.epochs << e.value(QLatin1String("epoch")).toInt(i + 1);
        for (auto it = e.begin(); it != e.end(); ++it) {
            if (it.key() == QLatin1String("epoch") || !it.value().isDouble())
                continue;
            QVector<double>& values = curves.series[it.key()];
            values.resize(curves.epochs.size() - 1, std::numeric_limits<double>::quiet_NaN());
            values << it.value().toDouble();
        }
    }
    for (QVector<double>& values : curves.series)
        values.resize(curves.epochs.size(), std::numeric_limits<double>::quiet_NaN());
    return curves;
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
