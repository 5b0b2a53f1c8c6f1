// Clip browser figures at MA-52 size (22,422 segments): opening the model, store-side filters,
// column sorts and active-learning orders, and the review queue widget's filter round trip
// (query + model reset + view update). Goal: filter < 100 ms. Prints a table; never a test.
//   bench_review [segments=22422] [videos=1800]
#include "PanelTestProject.h"

#include "commands/EditContext.h"
#include "review/ClipBrowserModel.h"
#include "review/ReviewQueueWidget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>
#include <QUndoStack>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace mas;

namespace {
// Median of `runs` timings in ms.
double timeMs(const std::function<void()>& work, int runs = 5)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        ms.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// Times `work`, then prints the rows it left (read after the timing: argument order is unspecified).
void measure(const char* what, const std::function<void()>& work, const std::function<int()>& rows, int runs = 5)
{
    const double ms = timeMs(work, runs);
    std::printf("%-46s %9.2f ms  (%d rows)\n", what, ms, rows());
    std::fflush(stdout);
}
} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int segments = argc > 1 ? std::atoi(argv[1]) : 22422;
    const int videos = argc > 2 ? std::atoi(argv[2]) : 1800;

    QElapsedTimer buildTimer;
    buildTimer.start();
    test::PanelTestProject project;
    if (!project.build(videos, segments)) {
        std::fprintf(stderr, "bench_review: could not build the project: %s\n", qPrintable(project.error));
        return 1;
    }
    std::printf("project: %d segments on %d videos, built in %.1f s\n\n", segments, videos, buildTimer.elapsed() / 1000.0);

    ui::ClipBrowserModel model(*project.store);
    measure("open (query all rows + first batch)", [&] { model.setFilter({}); }, [&] { return model.totalRows(); });

    store::ClipFilter byStatus;
    byStatus.status = store::SegmentStatus::Prelabeled;
    measure("filter status = prelabeled", [&] { model.setFilter(byStatus); }, [&] { return model.totalRows(); });
    store::ClipFilter byClass;
    byClass.classId = 12;
    measure("filter human class = C8", [&] { model.setFilter(byClass); }, [&] { return model.totalRows(); });
    store::ClipFilter byPart;
    byPart.bodyPartId = 2;
    measure("filter body part = upper limb", [&] { model.setFilter(byPart); }, [&] { return model.totalRows(); });
    store::ClipFilter byParticipant;
    byParticipant.participantId = project.participantIds[1];
    measure("filter participant", [&] { model.setFilter(byParticipant); }, [&] { return model.totalRows(); });
    store::ClipFilter byScore;
    byScore.minScore = 0.3f;
    byScore.maxScore = 0.5f;
    measure("filter score 0.3..0.5", [&] { model.setFilter(byScore); }, [&] { return model.totalRows(); });
    store::ClipFilter combined = byScore;
    combined.status = store::SegmentStatus::Confirmed;
    combined.bodyPartId = 5;
    measure("filter status + body part + score", [&] { model.setFilter(combined); }, [&] { return model.totalRows(); });

    model.setFilter({});
    measure("sort by score", [&] { model.sort(ui::ClipBrowserModel::ScoreColumn, Qt::DescendingOrder); }, [&] { return model.totalRows(); });
    measure("sort by human label", [&] { model.sort(ui::ClipBrowserModel::HumanColumn); }, [&] { return model.totalRows(); });
    measure("sort by video", [&] { model.sort(ui::ClipBrowserModel::VideoColumn); }, [&] { return model.totalRows(); });
    measure("order least confidence", [&] { model.setReviewOrder(ui::ReviewOrder::LeastConfidence); }, [&] { return model.totalRows(); });
    measure("order smallest margin (cold: reads top-k)", [&] { model.setReviewOrder(ui::ReviewOrder::SmallestMargin); }, [&] { return model.totalRows(); }, 1);
    measure("order smallest margin (warm)", [&] { model.setReviewOrder(ui::ReviewOrder::SmallestMargin); }, [&] { return model.totalRows(); });
    measure("order highest entropy (warm)", [&] { model.setReviewOrder(ui::ReviewOrder::HighestEntropy); }, [&] { return model.totalRows(); });
    measure("order predicted class", [&] { model.setReviewOrder(ui::ReviewOrder::PredictedClass); }, [&] { return model.totalRows(); });

    // The widget: query, model reset and a painted table, as a user sees it.
    ui::EditContext context(*project.store);
    QUndoStack stack;
    std::unique_ptr<ui::ReviewQueueWidget> queue;
    measure("review queue widget open", [&] { queue = std::make_unique<ui::ReviewQueueWidget>(context, &stack); }, [&] { return queue->model()->totalRows(); }, 3);
    queue->resize(1000, 700);
    queue->show();
    app.processEvents();
    auto filterAndPaint = [&](const store::ClipFilter& filter) {
        queue->setFilter(filter);
        queue->table()->viewport()->repaint();
    };
    measure("widget filter status + paint", [&] { filterAndPaint(byStatus); }, [&] { return queue->model()->totalRows(); });
    measure("widget filter body part + paint", [&] { filterAndPaint(byPart); }, [&] { return queue->model()->totalRows(); });
    measure("widget clear filter + paint", [&] { filterAndPaint({}); }, [&] { return queue->model()->totalRows(); });
    measure("widget sort by score + paint", [&] {
              queue->table()->sortByColumn(ui::ClipBrowserModel::ScoreColumn, Qt::AscendingOrder);
              queue->table()->viewport()->repaint();
          }, [&] { return queue->model()->totalRows(); });
    return 0;
}
