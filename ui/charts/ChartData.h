#pragma once
// The figures the charts draw, computed from the store's public queries (no widgets here, so they
// are checked directly in tests): distributions by split and status, the model-vs-human confusion
// matrix of reviewed segments, per-class F1 from it, and training curves from a model version's metrics.
#include "store/ProjectStore.h"

#include <QMap>
#include <QStringList>
#include <QVector>

namespace mas::ui {

enum class ChartGrouping { Classes, BodyParts };

// counts[status][group]: segments per verdict status (SegmentStatus + 1: unlabeled first) and
// class or body part (unlabeled segments count under their predicted class, or not at all).
struct Distribution {
    QStringList groupLabels;
    QStringList statusNames;
    QVector<QVector<int>> counts;
};

struct ConfusionMatrix {
    QStringList labels;          // codes (classes) or letters+names (body parts)
    QVector<QColor> colours;     // body-part colour per row/column
    QVector<int> ids;            // class or body-part id per row/column
    QVector<QVector<int>> counts; // [human][predicted]
    int total = 0;
};

struct TrainingCurves {
    QVector<int> epochs;
    QMap<QString, QVector<double>> series; // metric name -> value per epoch (NaN when missing)
};

class ChartData {
public:
    // `split`: -1 all segments, else only those whose split (in the newest split plan) is that SplitSet.
    static Result<Distribution> distribution(const store::ProjectStore& store, ChartGrouping grouping, int split = -1);
    // Confirmed segments with a prediction of the active model version.
    static Result<ConfusionMatrix> confusion(const store::ProjectStore& store, ChartGrouping grouping);
    // F1 per row of the matrix (NaN where the class has neither human nor predicted instances).
    static QVector<double> perClassF1(const ConfusionMatrix& matrix);
    // From metrics JSON {"epochs":[{"epoch":1,"train_loss":..},..]} (other keys are ignored).
    static TrainingCurves trainingCurves(const QString& metricsJson);
    // The clip filter a confusion cell stands for (classes: exact; body parts: the human part only,
    // as the store's filter has no predicted body part).
    static store::ClipFilter filterForCell(const ConfusionMatrix& matrix, ChartGrouping grouping, int human, int predicted);
};

} // namespace mas::ui
