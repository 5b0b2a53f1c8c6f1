// The timeline widget over plain segments: range queries, hit testing, and the requests its mouse
// gestures make (create in an empty lane, move, edge drags snapped to frames, scrub), zoom.
#include "TestSupport.h"

#include "timeline/TimelineHitTest.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWidget.h"

#include <QSignalSpy>
#include <QtTest>

using namespace mas::ui;

class TestTimeline : public QObject {
    Q_OBJECT
private:
    TimelineModel model;
    std::unique_ptr<TimelineWidget> widget;

    QPoint at(double frame, int track) const
    {
        const TimelineGeometry g = widget->geometry();
        return QPoint(int(std::lround(g.xOfFrame(frame))), g.trackRect(track).center().y());
    }

private Q_SLOTS:
    void initTestCase()
    {
        model.setTracks({{"A body", QColor("#4E79A7"), false}, {"B head", QColor("#F28E2B"), false},
                         {"Predictions", QColor(120, 120, 200), true}});
        model.setVideo(1000, 30);
        model.setSegments({{1, 0, 100, 200, "A1", "shaking body"},
                           {2, 0, 300, 310, "A2", "turning around"},
                           {3, 1, 150, 400, "", ""},
                           {-1, 2, 100, 200, "A1", "shaking body", 1, QColor(), 0.8}});
        widget = std::make_unique<TimelineWidget>();
        widget->setModel(&model);
        widget->resize(1118, widget->sizeHint().height());
        widget->show();
        QVERIFY(QTest::qWaitForWindowExposed(widget.get()));
        widget->fitRange(0, 500); // 1000 px lane, 0.5 frames per pixel (+ margin)
    }

    void rangeQueriesFindOverlaps()
    {
        QCOMPARE(model.segmentsInRange(0, 150, 160).size(), 1);
        QCOMPARE(model.segmentsInRange(0, 200, 300).size(), 0); // end is exclusive
        QCOMPARE(model.segmentsInRange(0, 199, 301).size(), 2);
        QCOMPARE(model.segmentAt(1, 399)->id, qint64(3));
        QCOMPARE(model.nextBoundary(200), 300);
        QCOMPARE(model.previousBoundary(300), 200);
    }

    void hitTestsEdgesBodiesAndLanes()
    {
        const TimelineGeometry g = widget->geometry();
        QCOMPARE(hitTestTimeline(model, g, at(150, 0)).kind, TimelineHit::SegmentBody);
        QCOMPARE(hitTestTimeline(model, g, at(150, 0)).segmentId, qint64(1));
        QCOMPARE(hitTestTimeline(model, g, at(100, 0)).kind, TimelineHit::SegmentStartEdge);
        QCOMPARE(hitTestTimeline(model, g, at(200, 0) - QPoint(1, 0)).kind, TimelineHit::SegmentEndEdge);
        QCOMPARE(hitTestTimeline(model, g, at(250, 0)).kind, TimelineHit::EmptyLane);
        QCOMPARE(hitTestTimeline(model, g, QPoint(at(250, 0).x(), 5)).kind, TimelineHit::Ruler);
        QCOMPARE(hitTestTimeline(model, g, QPoint(10, at(0, 1).y())).kind, TimelineHit::TrackHeader);
    }

    void dragInEmptyLaneRequestsACreation()
    {
        QSignalSpy create(widget.get(), &TimelineWidget::createSegmentRequested);
        QTest::mousePress(widget.get(), Qt::LeftButton, {}, at(220.5, 0));
        QTest::mouseMove(widget.get(), at(239.5, 0));
        QTest::mouseRelease(widget.get(), Qt::LeftButton, {}, at(239.5, 0));
        QCOMPARE(create.size(), 1);
        QCOMPARE(create[0][0].toInt(), 0);
        QCOMPARE(create[0][1].toInt(), 220);
        QCOMPARE(create[0][2].toInt(), 240);
    }

    void edgeDragSnapsToFrames()
    {
        QSignalSpy span(widget.get(), &TimelineWidget::segmentSpanRequested);
        QTest::mousePress(widget.get(), Qt::LeftButton, {}, at(200, 0) - QPoint(1, 0));
        QTest::mouseMove(widget.get(), at(230.3, 0));
        QTest::mouseRelease(widget.get(), Qt::LeftButton, {}, at(230.3, 0));
        QCOMPARE(span.size(), 1);
        QCOMPARE(span[0][0].toLongLong(), qint64(1));
        QCOMPARE(span[0][1].toInt(), 100);
        QCOMPARE(span[0][2].toInt(), 230);
        QCOMPARE(widget->selectedSegments(), QList<qint64>{1});
    }

    void bodyDragMovesAndPredictionsStayPut()
    {
        QSignalSpy span(widget.get(), &TimelineWidget::segmentSpanRequested);
        QTest::mousePress(widget.get(), Qt::LeftButton, {}, at(305.5, 0));
        QTest::mouseMove(widget.get(), at(325.5, 0));
        QTest::mouseRelease(widget.get(), Qt::LeftButton, {}, at(325.5, 0));
        QCOMPARE(span.size(), 1);
        QCOMPARE(span[0][1].toInt(), 320);
        QCOMPARE(span[0][2].toInt(), 330);
        // The predictions track is read-only: a drag selects, never edits.
        QTest::mousePress(widget.get(), Qt::LeftButton, {}, at(150.5, 2));
        QTest::mouseMove(widget.get(), at(170.5, 2));
        QTest::mouseRelease(widget.get(), Qt::LeftButton, {}, at(170.5, 2));
        QCOMPARE(span.size(), 1);
        QCOMPARE(widget->selectedSegments(), QList<qint64>{-1});
    }

    void rulerScrubsThePlayhead()
    {
        QSignalSpy scrub(widget.get(), &TimelineWidget::playheadScrubbed);
        const QPoint p(at(50.5, 0).x(), 8);
        QTest::mousePress(widget.get(), Qt::LeftButton, {}, p);
        QTest::mouseMove(widget.get(), QPoint(at(60.5, 0).x(), 8));
        QTest::mouseRelease(widget.get(), Qt::LeftButton, {}, QPoint(at(60.5, 0).x(), 8));
        QVERIFY(scrub.size() >= 2);
        QCOMPARE(scrub.first()[0].toInt(), 50);
        QCOMPARE(scrub.last()[0].toInt(), 60);
        QCOMPARE(widget->playhead(), 60);
    }

    void ctrlWheelZoomsAroundTheMouse()
    {
        widget->fitAll();
        const double before = widget->framesPerPixel();
        const QPoint p = at(500, 0);
        QWheelEvent wheel(p, widget->mapToGlobal(p), {}, QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(widget.get(), &wheel);
        QVERIFY(widget->framesPerPixel() < before);
        // The frame under the mouse stays under the mouse.
        QVERIFY(std::abs(widget->geometry().xOfFrame(500) - p.x()) < 2.0);
        widget->fitAll();
        QCOMPARE(widget->framesPerPixel(), before);
        QVERIFY(widget->grab().save(mas::test::artifactPath(QStringLiteral("timeline_widget.png"))));
    }
};

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
