#pragma once
// Model versions of the project as a table: name, whether active, kind, parent, the data snapshot it
// was trained on, when it was made, and the validation and test figures as measured (top-1, top-5 and
// macro-F1, for classes and for body parts) read from metrics["val"] / metrics["test"]
// (worker/ModelJobRequest.h). A cell stays empty when no run produced that number.
#include "store/ProjectStore.h"

#include <QAbstractTableModel>
#include <QJsonObject>

namespace mas::ui {

// The figures of one split stored on a version (metrics[split]; old projects: "validation" is val).
struct SplitFigures {
    QJsonObject json;  // {"classes": {...}, "body_parts": {...}, "plan", "clips", "source", "measured", ...}
    bool present() const { return !json.isEmpty(); }
    // `level`: "classes" or "body_parts"; `measure`: "top1", "top5", "macro_f1". NaN when not measured.
    double figure(const QString& level, const QString& measure) const;
};
SplitFigures splitFigures(const QJsonObject& metrics, const QString& split);

class ModelVersionsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ActiveColumn, KindColumn, ParentColumn, SnapshotColumn, CreatedColumn,
                  FirstFigureColumn, ColumnCount = FirstFigureColumn + 12 };
    enum Role { VersionIdRole = Qt::UserRole + 1, ParentIdRole, ActiveRole, FigureRole /* double, NaN: none */ };
    static constexpr int kFiguresPerSplit = 6;

    // The column of a figure: `split` "val" | "test", `level` "classes" | "body_parts",
    // `measure` "top1" | "top5" | "macro_f1".
    static int figureColumn(const QString& split, const QString& level, const QString& measure);

    explicit ModelVersionsModel(store::ProjectStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    bool reload(); // false with lastError() when the store fails
    QString lastError() const { return m_lastError; }
    const store::ModelVersion& version(int row) const { return m_versions[row]; }
    const QJsonObject& metrics(int row) const { return m_metrics[row]; }
    int rowOfVersion(store::Id id) const;
    bool hasChildren(store::Id id) const;

private:
    store::ProjectStore& m_store;
    QVector<store::ModelVersion> m_versions;
    QVector<QJsonObject> m_metrics;
    QVector<QJsonObject> m_hyperParams;
    QString m_lastError;
};

} // namespace mas::ui
