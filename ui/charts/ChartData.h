#pragma once
// The figures the charts draw, computed from the store's public queries (no widgets here, so they
// are checked directly in tests): distributions by split and status, the model-vs-human confusion
// matrix of reviewed segments, per-class F1 from it, and training curves from a model version's metrics.
#include "store/ProjectStore.h"

#include <QJsonArray>
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

// A version's last evaluation as stored in its metrics (metrics["test"], ["val"] or ["train"]): the
// per-class F1 and the confusion matrix (human row, model column) the worker measured.
struct StoredEvaluation {
    QString split;               // "test" | "val" | "train"
    QString plan, source, measured;
    int clips = 0;
    QVector<double> perClassF1;  // by class id; NaN where the class had no clip and no prediction
    QVector<QVector<int>> confusion; // [human class][predicted class]; empty when not stored
    bool valid() const { return !split.isEmpty(); }
};

class ChartData {
public:
    // `split`: -1 all segments, else only those whose split (in the newest split plan) is that SplitSet.
    static Result<Distribution> distribution(const store::ProjectStore& store, ChartGrouping grouping, int split = -1);
    // Confirmed segments with a prediction of the active model version.
    static Result<ConfusionMatrix> confusion(const store::ProjectStore& store, ChartGrouping grouping);
    // F1 per row of the matrix (NaN where the class has neither human nor predicted instances).
    static QVector<double> perClassF1(const ConfusionMatrix& matrix);
    // From metrics JSON {"epochs":[{"epoch":1,"train_loss":..,"validation":{"loss":..,"classes":{"top1":..}}},..]}
    // (other keys are ignored): train_loss, train_top1, val_loss, val_top1 and any other number per epoch.
    static TrainingCurves trainingCurves(const QString& metricsJson);
    static TrainingCurves trainingCurves(const QJsonArray& epochs);
    // The newest evaluate stored on the version (an evaluate's figures before a fine-tune's validation).
    static StoredEvaluation lastEvaluation(const QString& metricsJson);
    // `evaluation`'s confusion in the layout of `like` (same rows/columns: classes, or summed into body parts).
    static ConfusionMatrix confusionFromEvaluation(const store::ProjectStore& store, ChartGrouping grouping,
                                                   const StoredEvaluation& evaluation);
    // The clip filter a confusion cell stands for (classes: exact; body parts: the human part only,
    // as the store's filter has no predicted body part).
    static store::ClipFilter filterForCell(const ConfusionMatrix& matrix, ChartGrouping grouping, int human, int predicted);
};

} // namespace mas::ui
