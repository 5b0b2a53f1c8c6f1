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

void print(const char* what, double ms, int rows)
{
    std::printf("%-46s %9.2f ms  (%d rows)\n", what, ms, rows);
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
    print("open (query all rows + first batch)", timeMs([&] { model.setFilter({}); }), model.totalRows());

    store::ClipFilter byStatus;
    byStatus.status = store::SegmentStatus::Prelabeled;
    print("filter status = prelabeled", timeMs([&] { model.setFilter(byStatus); }), model.totalRows());
    store::ClipFilter byClass;
    byClass.classId = 12;
    print("filter human class = C8", timeMs([&] { model.setFilter(byClass); }), model.totalRows());
    store::ClipFilter byPart;
    byPart.bodyPartId = 2;
    print("filter body part = upper limb", timeMs([&] { model.setFilter(byPart); }), model.totalRows());
    store::ClipFilter byParticipant;
    byParticipant.participantId = project.participantIds[1];
    print("filter participant", timeMs([&] { model.setFilter(byParticipant); }), model.totalRows());
    store::ClipFilter byScore;
    byScore.minScore = 0.3f;
    byScore.maxScore = 0.5f;
    print("filter score 0.3..0.5", timeMs([&] { model.setFilter(byScore); }), model.totalRows());
    store::ClipFilter combined = byScore;
    combined.status = store::SegmentStatus::Confirmed;
    combined.bodyPartId = 5;
    print("filter status + body part + score", timeMs([&] { model.setFilter(combined); }), model.totalRows());

    model.setFilter({});
    print("sort by score", timeMs([&] { model.sort(ui::ClipBrowserModel::ScoreColumn, Qt::DescendingOrder); }), model.totalRows());
    print("sort by human label", timeMs([&] { model.sort(ui::ClipBrowserModel::HumanColumn); }), model.totalRows());
    print("sort by video", timeMs([&] { model.sort(ui::ClipBrowserModel::VideoColumn); }), model.totalRows());
    print("order least confidence", timeMs([&] { model.setReviewOrder(ui::ReviewOrder::LeastConfidence); }), model.totalRows());
    print("order smallest margin (cold: reads top-k)", timeMs([&] { model.setReviewOrder(ui::ReviewOrder::SmallestMargin); }, 1), model.totalRows());
    print("order smallest margin (warm)", timeMs([&] { model.setReviewOrder(ui::ReviewOrder::SmallestMargin); }), model.totalRows());
    print("order highest entropy (warm)", timeMs([&] { model.setReviewOrder(ui::ReviewOrder::HighestEntropy); }), model.totalRows());
    print("order predicted class", timeMs([&] { model.setReviewOrder(ui::ReviewOrder::PredictedClass); }), model.totalRows());

    // The widget: query, model reset and a painted table, as a user sees it.
    ui::EditContext context(*project.store);
    QUndoStack stack;
    std::unique_ptr<ui::ReviewQueueWidget> queue;
    print("review queue widget open", timeMs([&] { queue = std::make_unique<ui::ReviewQueueWidget>(context, &stack); }, 3),
          queue->model()->totalRows());
    queue->resize(1000, 700);
    queue->show();
    app.processEvents();
    auto filterAndPaint = [&](const store::ClipFilter& filter) {
        queue->setFilter(filter);
        queue->table()->viewport()->repaint();
    };
    print("widget filter status + paint", timeMs([&] { filterAndPaint(byStatus); }), queue->model()->totalRows());
    print("widget filter body part + paint", timeMs([&] { filterAndPaint(byPart); }), queue->model()->totalRows());
    print("widget clear filter + paint", timeMs([&] { filterAndPaint({}); }), queue->model()->totalRows());
    print("widget sort by score + paint", timeMs([&] {
              queue->table()->sortByColumn(ui::ClipBrowserModel::ScoreColumn, Qt::AscendingOrder);
              queue->table()->viewport()->repaint();
          }),
          queue->model()->totalRows());
    return 0;
}
