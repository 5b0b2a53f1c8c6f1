// Imports off the GUI thread (ui/exchange/BackgroundExchange): the import runs on a worker thread
// with its own connection while the GUI thread keeps processing events, and the user's edits made
// meanwhile (through the GUI's connection, even while the import holds its write transaction) are
// committed on their own: a cancelled import rolls back its rows and nothing of the user's.
#include "StoreTestSupport.h"

#include "exchange/BackgroundExchange.h"
#include "exchange/ProjectExchange.h"
#include "exchange/SegmentTable.h"

#include <QApplication>
#include <QThread>
#include <QtTest>

using namespace mas;
using namespace mas::store;

namespace {

exchange::ParsedFile someRows(int count)
{
    exchange::ParsedFile parsed;
    for (int i = 0; i < count; ++i) {
        exchange::SegmentRow r;
        r.videoPath = QStringLiteral("0004_02_%1.mp4").arg(i % 10, 4, 10, QChar('0'));
        r.startFrame = i * 10;
        r.endFrame = i * 10 + 8;
        r.fpsNum = 30;
        r.fpsDen = 1;
        r.labels = {{i % 52, "importer", LabelStatus::Confirmed}};
        parsed.rows << r;
    }
    return parsed;
}

} // namespace

class TestBackgroundExchange : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    // Runs an import of `rows` in the background; while its write transaction is open, the user
    // labels `segment` through the GUI's store. `cancelImport`: the import then fails (as Cancel).
    void importWhileTheUserEdits(ProjectStore& gui, Id segment, bool cancelImport, Status* importResult, Result<Id>* userEdit)
    {
        std::atomic_bool editDone{false};
        QObject context;
        *importResult = ui::runInBackground(
            ui::backgroundTargetOf(gui), nullptr, "Importing...",
            [&](ProjectStore& own, const exchange::ExchangeControl& control) -> Status {
                return own.inOneTransaction([&]() -> Status {
                    exchange::ProjectImportOptions o;
                    o.probeVideos = false;
                    Result<exchange::ImportReport> r = exchange::importRows(own, someRows(200), o, control);
                    if (!r.ok())
                        return Error{r.error()};
                    // The user edits now, on the GUI thread, while this transaction holds the write lock.
                    QMetaObject::invokeMethod(&context, [&] {
                        *userEdit = gui.addLabel(segment, 5, LabelStatus::Confirmed);
                        editDone = true;
                    }, Qt::QueuedConnection);
                    QThread::msleep(500); // the GUI's edit waits for the lock meanwhile
                    return cancelImport ? Status(Error{own.path() + ": import cancelled; nothing was imported"}) : Status::success();
                });
            });
        QTRY_VERIFY_WITH_TIMEOUT(editDone.load(), 20000);
    }

private Q_SLOTS:
    void aCancelledImportRollsBackNothingOfTheUsers()
    {
        auto gui = test::createProject(m_dir.filePath("a.mas"));
        const Id video = gui->addVideo(test::fakeVideo("mine.mp4")).value();
        const Id segment = gui->addSegment(video, 0, 30).value();
        Status imported;
        Result<Id> edit = Error{QString("not run")};
        importWhileTheUserEdits(*gui, segment, true, &imported, &edit);
        QVERIFY(!imported.ok());
        QVERIFY2(edit.ok(), qPrintable(edit.error()));
        QCOMPARE(gui->counts()->segments, 1); // the import left nothing
        QCOMPARE(gui->labelsOfSegment(segment)->size(), 1); // the user's label stayed
        auto reopened = ProjectStore::open(m_dir.filePath("a.mas"), OpenMode::ReadOnly);
        QVERIFY2(reopened.ok(), qPrintable(reopened.error()));
        QCOMPARE(reopened.value()->labelsOfSegment(segment)->size(), 1);
    }

    void aFinishedImportAndTheUsersEditBothStay()
    {
        auto gui = test::createProject(m_dir.filePath("b.mas"));
        const Id video = gui->addVideo(test::fakeVideo("mine.mp4")).value();
        const Id segment = gui->addSegment(video, 0, 30).value();
        Status imported;
        Result<Id> edit = Error{QString("not run")};
        importWhileTheUserEdits(*gui, segment, false, &imported, &edit);
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        QVERIFY2(edit.ok(), qPrintable(edit.error()));
        QCOMPARE(gui->counts()->segments, 201);
        QCOMPARE(gui->labelsOfSegment(segment)->size(), 1);
        QCOMPARE(gui->integrityCheck().value(), QString("ok"));
    }
};

QTEST_MAIN(TestBackgroundExchange)
#include "tst_backgroundexchange.moc"
