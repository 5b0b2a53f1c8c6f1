#pragma once
// The behaviour statistics view (Data > Behaviour statistics): a sortable table of core/stats
// measures per group, class and body part, with filters (grouping, label status, annotator), a bar
// chart of the chosen measure, and CSV export (the same CSV as `mastudio-cli stats --csv`).
#include "stats/BehaviourStats.h"

#include <QDialog>
#include <QWidget>

class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace mas::store {
class ProjectStore;
}

namespace mas::ui {

class StatsView : public QWidget {
    Q_OBJECT
public:
    // Table columns (sorting by any of them sorts numerically where the column is a number).
    enum Column { Group, Code, Name, Count, Total, Mean, Median, Rate, Proportion, Latency, ColumnCount };

    explicit StatsView(store::ProjectStore& store, QWidget* parent = nullptr);

    stats::StatsOptions options() const;
    const stats::StatsReport& report() const { return m_report; }
    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* sortedModel() const { return m_proxy; }
    QComboBox* groupByCombo() const { return m_groupBy; }
    QComboBox* annotatorCombo() const { return m_annotator; }
    QComboBox* measureCombo() const { return m_measure; }
    QCheckBox* statusBox(store::LabelStatus status) const { return m_status[int(status)]; }
    QChartView* chartView() const { return m_chart; }
    Status exportCsv(const QString& path) const;

public Q_SLOTS:
    void recompute();   // re-reads the project (after edits) and redraws

private:
    void fillTable();
    void drawChart();
    void reloadAnnotators();

    store::ProjectStore& m_store;
    stats::StatsReport m_report;
    QComboBox* m_groupBy = nullptr;
    QComboBox* m_annotator = nullptr;
    QComboBox* m_measure = nullptr;
    QCheckBox* m_status[4] = {};
    QCheckBox* m_bodyParts = nullptr;
    QTableView* m_table = nullptr;
    QStandardItemModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QChartView* m_chart = nullptr;
    QLabel* m_notes = nullptr;
};

// A non-modal window holding a StatsView with Refresh / Export CSV / Close.
class StatsDialog : public QDialog {
    Q_OBJECT
public:
    explicit StatsDialog(store::ProjectStore& store, QWidget* parent = nullptr);
    StatsView* view() const { return m_view; }

private:
    StatsView* m_view = nullptr;
};

} // namespace mas::ui
