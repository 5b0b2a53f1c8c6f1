#pragma once
// Model versions of the project as a table: name, kind, parent, created, headline metrics read from
// the version's metrics JSON (top1, f1_macro, and the like), and which one is active.
#include "store/ProjectStore.h"

#include <QAbstractTableModel>
#include <QJsonObject>

namespace mas::ui {

class ModelVersionsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, ParentColumn, CreatedColumn, Top1Column, F1Column, ActiveColumn, ColumnCount };
    enum Role { VersionIdRole = Qt::UserRole + 1, ParentIdRole, ActiveRole };

    explicit ModelVersionsModel(store::ProjectStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    bool reload(); // false with lastError() when the store fails
    QString lastError() const { return m_lastError; }
    const store::ModelVersion& version(int row) const { return m_versions[row]; }
    int rowOfVersion(store::Id id) const;

private:
    store::ProjectStore& m_store;
    QVector<store::ModelVersion> m_versions;
    QVector<QJsonObject> m_metrics;
    QString m_lastError;
};

} // namespace mas::ui
