// The statistics view over the hand-worked fixture project: the table shows the measures, sorts by
// number, follows the annotator and status filters, draws the chart, and writes the CLI's CSV.
// Its picture goes to the artifacts (and to MAS_STATS_SCREENSHOT when set, for the README).
#include "StatsFixture.h"
#include "TestSupport.h"

#include "exchange/ExchangeMenu.h"
#include "stats/StatsView.h"

#include <QBarSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

namespace {

QString cell(const StatsView& view, int row, int column)
{
    return view.sortedModel()->index(row, column).data().toString();
}

int rowOf(const StatsView& view, const QString& group, const QString& code)
{
    for (int r = 0; r < view.sortedModel()->rowCount(); ++r)
        if (cell(view, r, StatsView::Group) == group && cell(view, r, StatsView::Code) == code)
            return r;
    return -1;
}

} // namespace

class TestStatsView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsSortsFiltersAndExports()
    {
        QTemporaryDir dir;
        QString error;
        auto project = test::statsFixtureProject(dir.filePath("study.mas"), &error);
        QVERIFY2(project, qPrintable(error));
        StatsDialog dialog(*project);
        StatsView& view = *dialog.view();
        // Whole project: A1, A3, B5 (class rows).
        QCOMPARE(view.sortedModel()->rowCount(), 3);
        int a1 = rowOf(view, "all", "A1");
        QVERIFY(a1 >= 0);
        QCOMPARE(cell(view, a1, StatsView::Count), QStringLiteral("4"));
        QCOMPARE(cell(view, a1, StatsView::Total), QStringLiteral("17.00"));
        QCOMPARE(cell(view, a1, StatsView::Median), QStringLiteral("4.00"));
        QCOMPARE(cell(view, a1, StatsView::Rate), QStringLiteral("1.00"));

        // Sorting by total duration, largest first: A1 (17 s), B5 (4 s), A3 (2 s).
        view.table()->sortByColumn(StatsView::Total, Qt::DescendingOrder);
        QCOMPARE(cell(view, 0, StatsView::Code), QStringLiteral("A1"));
        QCOMPARE(cell(view, 1, StatsView::Code), QStringLiteral("B5"));
        QCOMPARE(cell(view, 2, StatsView::Code), QStringLiteral("A3"));

        // Grouped by participant, for the picture and the chart.
        view.groupByCombo()->setCurrentIndex(view.groupByCombo()->findData(int(stats::GroupBy::Participant)));
        QCOMPARE(cell(view, rowOf(view, "P1", "A1"), StatsView::Count), QStringLiteral("3"));
        auto* series = qobject_cast<QBarSeries*>(view.chartView()->chart()->series().value(0));
        QVERIFY(series);
        QCOMPARE(series->count(), 2); // P1 and P2
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QImage picture = dialog.grab().toImage();
        QVERIFY(picture.save(test::artifactPath("stats-view.png")));
        if (const QString extra = qEnvironmentVariable("MAS_STATS_SCREENSHOT"); !extra.isEmpty())
            QVERIFY(picture.save(extra));

        // Only bob's labels.
        view.groupByCombo()->setCurrentIndex(0);
        view.annotatorCombo()->setCurrentIndex(view.annotatorCombo()->findData(QStringLiteral("bob")));
        a1 = rowOf(view, "all", "A1");
        QCOMPARE(cell(view, a1, StatsView::Count), QStringLiteral("2"));
        QCOMPARE(rowOf(view, "all", "A3"), -1);
        // Only rejected labels (of anyone): the one rejected A1.
        view.annotatorCombo()->setCurrentIndex(0);
        for (int s = 0; s < 4; ++s)
            view.statusBox(store::LabelStatus(s))->setChecked(s == int(store::LabelStatus::Rejected));
        QCOMPARE(view.sortedModel()->rowCount(), 1);
        QCOMPARE(cell(view, 0, StatsView::Code), QStringLiteral("A1"));

        const QString csvPath = dir.filePath("s.csv");
        QVERIFY(view.exportCsv(csvPath).ok());
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readLine().startsWith("group,class_id,code,count,total_s,mean_s,median_s,rate_per_min,proportion,latency_s"));
    }

    void dataMenuOffersStatisticsAndBoris()
    {
        QTemporaryDir dir;
        QString error;
        auto project = test::statsFixtureProject(dir.filePath("study.mas"), &error);
        QVERIFY2(project, qPrintable(error));
        ExchangeMenu menu;
        auto find = [&menu](const QString& text) -> QAction* {
            for (QAction* a : menu.findChildren<QAction*>())
                if (a->text().remove('&').startsWith(text))
                    return a;
            return nullptr;
        };
        QAction* statistics = find("Behaviour statistics");
        QVERIFY(statistics);
        QVERIFY(find("BORIS project"));
        Q_EMIT menu.aboutToShow();
        QVERIFY(!statistics->isEnabled());
        menu.setStore(project.get());
        Q_EMIT menu.aboutToShow();
        QVERIFY(statistics->isEnabled());
    }
};

QTEST_MAIN(TestStatsView)
#include "tst_statsview.moc"
