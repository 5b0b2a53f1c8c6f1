// Thumbnail strips: count, size, which frames they show (keyframes or exact), progressive delivery
// and cancellation of the background job, damaged files.
#include "VideoTestMedia.h"

#include "video/Thumbnails.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mas;
using namespace mas::test;

class TestThumbnails : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(makePatternVideo(path("gop10.mp4"), media("gop10.mp4", x264(10, 2), 100), &error), qPrintable(error));
        QVERIFY2(makePatternVideo(path("rot90.mp4"), media("rot90.mp4", x264(10, 2), 30), &error), qPrintable(error));
        QVERIFY(setMp4Rotation90(path("rot90.mp4")));
    }

    void targetsSpreadEvenly()
    {
        QCOMPARE(thumbnailTarget(0, 100, 10, 0), 5);
        QCOMPARE(thumbnailTarget(0, 100, 10, 9), 95);
        QCOMPARE(thumbnailTarget(20, 30, 10, 3), 23);
        QCOMPARE(thumbnailTarget(0, 3, 3, 2), 2);
    }

    void strips_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("end");
        QTest::addColumn<int>("count");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("expectedCount");
        QTest::addColumn<QSize>("expectedSize");
        QTest::newRow("keyframes, whole video") << int(ThumbnailMode::Keyframes) << 0 << -1 << 10 << QSize(96, 0) << 10 << QSize(96, 72);
        QTest::newRow("exact, a range") << int(ThumbnailMode::Exact) << 33 << 77 << 8 << QSize(64, 48) << 8 << QSize(64, 48);
        QTest::newRow("more slots than frames") << int(ThumbnailMode::Exact) << 40 << 45 << 20 << QSize(0, 30) << 5 << QSize(40, 30);
    }

    void strips()
    {
        QFETCH(int, mode);
        QFETCH(int, first);
        QFETCH(int, end);
        QFETCH(int, count);
        QFETCH(QSize, size);
        QFETCH(int, expectedCount);
        QFETCH(QSize, expectedSize);
        ThumbnailRequest request;
        request.firstFrame = first;
        request.endFrame = end;
        request.count = count;
        request.size = size;
        request.mode = ThumbnailMode(mode);
        auto strip = thumbnailStrip(path("gop10.mp4"), request);
        QVERIFY2(strip.ok(), qPrintable(strip.error()));
        QCOMPARE(strip->size(), expectedCount);
        const int realEnd = end < 0 ? 100 : end;
        for (int k = 0; k < strip->size(); ++k) {
            const Thumbnail& t = strip->at(k);
            QCOMPARE(t.targetFrame, thumbnailTarget(first, realEnd, expectedCount, k));
            QCOMPARE(t.shownFrame, request.mode == ThumbnailMode::Keyframes ? t.targetFrame / 10 * 10 : t.targetFrame);
            QCOMPARE(t.image.size(), expectedSize);
            QCOMPARE(t.image.format(), QImage::Format_RGB888);
            // The pattern survives downscaling to 64 px and more (10 blocks of >= 4 px).
            if (expectedSize.width() >= 60)
                QCOMPARE(readIndexPattern(t.image), t.shownFrame);
        }
    }

    void rotated()
    {
        ThumbnailRequest request;
        request.count = 3;
        request.size = QSize(0, 80);
        auto strip = thumbnailStrip(path("rot90.mp4"), request);
        QVERIFY2(strip.ok(), qPrintable(strip.error()));
        QCOMPARE(strip->size(), 3);
        QCOMPARE(strip->at(0).image.size(), QSize(60, 80));
        QCOMPARE(readIndexPattern(strip->at(1).image, 90), strip->at(1).shownFrame);
    }

    void backgroundJob()
    {
        ThumbnailStripJob job;
        QSignalSpy ready(&job, &ThumbnailStripJob::thumbnailReady);
        QSignalSpy finished(&job, &ThumbnailStripJob::finished);
        QSignalSpy failed(&job, &ThumbnailStripJob::failed);
        ThumbnailRequest request;
        request.count = 12;
        request.mode = ThumbnailMode::Exact;
        job.start(path("gop10.mp4"), request);
        QVERIFY(finished.wait(30000));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(ready.count(), 12);
        for (int k = 0; k < 12; ++k)
            QCOMPARE(ready.at(k).at(0).toInt(), k);
        const auto strip = finished.at(0).at(0).value<QVector<Thumbnail>>();
        QCOMPARE(strip.size(), 12);
        QVERIFY(!job.isRunning());
    }

    // Cancelled or replaced strips deliver nothing; destroying a running job does not hang.
    void cancelAndReplace()
    {
        ThumbnailStripJob job;
        QSignalSpy finished(&job, &ThumbnailStripJob::finished);
        QSignalSpy failed(&job, &ThumbnailStripJob::failed);
        ThumbnailRequest many;
        many.count = 100;
        many.mode = ThumbnailMode::Exact;
        job.start(path("gop10.mp4"), many);
        job.cancel();
        ThumbnailRequest few;
        few.count = 2;
        job.start(path("gop10.mp4"), few);
        QVERIFY(finished.wait(30000));
        QTest::qWait(100);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).value<QVector<Thumbnail>>().size(), 2);
        QCOMPARE(failed.count(), 0);

        auto* doomed = new ThumbnailStripJob;
        doomed->start(path("gop10.mp4"), many);
        delete doomed; // joins the worker
        QCoreApplication::processEvents();

        std::atomic_bool cancel{true};
        auto r = thumbnailStrip(path("gop10.mp4"), many, {}, &cancel);
        QCOMPARE(r.videoError().kind, VideoErrorKind::Cancelled);
    }

    void damagedFiles()
    {
        QFile empty(path("empty.mp4"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        auto r = thumbnailStrip(path("empty.mp4"), {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(path("empty.mp4")));

        ThumbnailStripJob job;
        QSignalSpy failed(&job, &ThumbnailStripJob::failed);
        job.start(path("empty.mp4"), {});
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.at(0).at(0).toString().contains("empty.mp4"));
    }
};

QTEST_GUILESS_MAIN(TestThumbnails)
#include "tst_thumbnails.moc"
