// The GUI on a server project (issue 13): the demo project pushed to a throwaway PostgreSQL server
// (PgTestCluster), the main window open on its URL as "alice", and a second real ProjectStore client
// as "bob" on the same database. Bob's edits show in alice's timeline and review queue within a second
// (LISTEN/NOTIFY); alice's reject of a pre-label bob changed after she read it is refused, naming bob,
// and nothing of bob's is overwritten; so is her undo (Ctrl+Z) of a note bob edited after her, and the
// status bar says so in a short sentence first. Videos bob adds or removes show in alice's video list.
// The server restarted: alice's note typed while it is down is refused saying the server cannot be
// reached, the window lives on, and her next note after the restart lands. Real widgets, driven by
// mouse and keys; no mocks.
#include "PgTestCluster.h"
#include "ShellTestSupport.h"
#include "StoreEnumCompare.h"

#include "review/ClipBrowserModel.h"
#include "review/ReviewQueueWidget.h"
#include "labeling/LabelingPanel.h"
#include "shell/PanelDocks.h"
#include "shell/ProjectName.h"
#include "shell/ServerProjectDialog.h"
#include "shell/ShellStatusBar.h"
#include "timeline/TimelineGeometry.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QTableView>
#include <QTest>

using namespace mas;
using namespace mas::ui;

class TestServerProject : public QObject, public test::ShellWindowDriver {
    Q_OBJECT

    std::unique_ptr<test::PgTestCluster> m_pg;
    test::ShellFixture m_fixture;
    QString m_url;
    std::unique_ptr<store::ProjectStore> m_bob; // the other annotator's client

    ReviewQueueWidget& queue() { return *window->panels()->review(); }
    std::optional<store::Segment> segmentAt(int64_t start)
    {
        for (const store::Segment& s : segments())
            if (s.startFrame == start)
                return s;
        return std::nullopt;
    }
    void clickQueueRow(store::Id segment)
    {
        QTableView* table = queue().table();
        const int row = queue().model()->rowOfSegment(segment);
        QVERIFY(row >= 0);
        const QModelIndex index = queue().model()->index(row, 0);
        table->scrollTo(index);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        QCOMPARE(queue().currentSegment(), segment);
    }
    // Types `text` into the labeling panel's note field of the current segment and presses Enter.
    void typeNote(const QString& text)
    {
        auto* note = window->findChild<QLineEdit*>(QStringLiteral("segmentNote"));
        QVERIFY(note && note->isEnabled());
        QTest::mouseClick(note, Qt::LeftButton);
        note->selectAll();
        QTest::keyClicks(note, text);
        QTest::keyClick(note, Qt::Key_Return);
    }
    QString statusMessage() const { return window->shellStatusBar().currentMessage(); }
    // Keys and clicks go where a user's would: focus moves on click, shortcuts fire (the dialog test
    // above took the activation away).
    void activateWindow()
    {
        QApplication::setActiveWindow(window.get());
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_pg = std::make_unique<test::PgTestCluster>();
        if (!m_pg->ok())
            QSKIP(qPrintable(m_pg->why()));
        QVERIFY2(m_fixture.build(), qPrintable(m_fixture.error));
        // `project push`: the demo file (video, segments, a model pre-label) onto the server.
        m_url = m_pg->url(QStringLiteral("team"));
        auto file = store::ProjectStore::open(m_fixture.projectPath);
        QVERIFY2(file, qPrintable(file.error()));
        auto pushed = file.value()->copyTo(m_url);
        QVERIFY2(pushed, qPrintable(pushed.error()));
        pushed.value().reset();
        file.value().reset();

        window = std::make_unique<MainWindow>(*m_fixture.settings, QStringLiteral("alice"));
        window->resize(1400, 900);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        const Status opened = window->openProject(m_url);
        QVERIFY2(opened, qPrintable(opened.error()));
        auto bob = store::ProjectStore::open(m_url);
        QVERIFY2(bob, qPrintable(bob.error()));
        m_bob = std::move(bob.value());
        QVERIFY(m_bob->setCurrentAnnotator(QStringLiteral("bob")));
    }

    void cleanupTestCase()
    {
        window.reset();
        m_bob.reset();
    }

    void namesTheServerProjectWithoutItsUrl()
    {
        QVERIFY2(window->windowTitle().startsWith(QStringLiteral("team (local socket)")), qPrintable(window->windowTitle()));
        QCOMPARE(projectDisplayName(QStringLiteral("postgresql://ann:secret@db.lab:5433/ma52")), QStringLiteral("ma52 on db.lab:5433"));
        // The recent list keeps the URL without a password.
        const QStringList recent = m_fixture.settings->value(QStringLiteral("project/recent")).toStringList();
        QVERIFY(!recent.isEmpty());
        QVERIFY(recent.first().startsWith(QStringLiteral("postgresql://")));
        QVERIFY(!recent.first().contains(QStringLiteral("secret")));
    }

    void openServerProjectDialogRefusesANonUrl()
    {
        ServerProjectDialog dialog(QString(), window.get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.urlEdit(), QStringLiteral("/home/ann/study.mas"));
        QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
        QVERIFY(dialog.isVisible()); // refused in place, saying why
        QVERIFY(!dialog.findChild<QLabel*>(QStringLiteral("serverUrlError"))->text().isEmpty());
        dialog.urlEdit()->clear();
        QTest::keyClicks(dialog.urlEdit(), m_url);
        QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.url(), m_url);
    }

    void anotherAnnotatorsEditShowsWithinASecond()
    {
        // Bob adds a confirmed segment on the video alice has open (free frames 335..350).
        QElapsedTimer clock;
        clock.start();
        auto added = m_bob->addSegment(window->currentVideo(), 335, 350);
        QVERIFY2(added, qPrintable(added.error()));
        const int classId = m_bob->taxonomy().classByCode(QStringLiteral("A1"))->id;
        QVERIFY(m_bob->addLabel(added.value(), classId, store::LabelStatus::Confirmed));
        QTRY_VERIFY_WITH_TIMEOUT(window->workspace()->timelineModel().segment(added.value()).has_value(), 1000);
        QTRY_VERIFY_WITH_TIMEOUT(queue().model()->rowOfSegment(added.value()) >= 0, 1000);
        qInfo("bob's edit shown in alice's timeline and review queue after %lld ms", qint64(clock.elapsed()));
        QCOMPARE(segmentAt(335)->classId, classId);
    }

    void conflictingRejectIsRefusedNamingTheOtherAnnotator()
    {
        const auto prelabeled = segmentAt(150); // the model's pre-label C5, prediction C5
        QVERIFY(prelabeled.has_value());
        queue().setFilter({});
        clickQueueRow(prelabeled->id);
        store::Id prelabel = 0;
        const auto labels = m_bob->labelsOfSegment(prelabeled->id);
        QVERIFY(labels);
        for (const store::Label& l : labels.value())
            if (l.status == store::LabelStatus::Prelabeled)
                prelabel = l.id;
        QVERIFY(prelabel);
        // Bob confirms the pre-label; before alice's client hears of it, she presses R on what she saw.
        QVERIFY(m_bob->setLabelStatus(prelabel, store::LabelStatus::Confirmed));
        QTest::keyClick(queue().table(), Qt::Key_R);
        QCOMPARE(m_bob->label(prelabel)->status, store::LabelStatus::Confirmed); // nothing overwritten
        const QString shown = window->shellStatusBar().currentMessage();
        QVERIFY2(shown.contains(QStringLiteral("bob")), qPrintable(shown));
        // The queue refreshes to bob's verdict, still on the same clip.
        QTRY_COMPARE_WITH_TIMEOUT(queue().model()->clipRow(queue().model()->rowOfSegment(prelabeled->id)).status,
                                  store::SegmentStatus::Confirmed, 1000);
        QCOMPARE(queue().currentSegment(), prelabeled->id);
        screenshot(QStringLiteral("serverproject_conflict.png"));
    }

    void videosATeammateAddsOrRemovesShowInTheVideoList()
    {
        auto* list = window->findChild<QListWidget*>(QStringLiteral("videoList"));
        QVERIFY(list);
        const int before = list->count();
        const store::Id shown = window->currentVideo();
        store::Video v;
        v.path = QStringLiteral("bob_new_clip.mp4"); // on bob's disk only: alice's list marks it missing
        v.frameCount = 90;
        v.fpsNum = 30;
        v.fpsDen = 1;
        auto added = m_bob->addVideo(v);
        QVERIFY2(added, qPrintable(added.error()));
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), before + 1, 1000);
        QVERIFY(!list->findItems(QStringLiteral("bob_new_clip.mp4"), Qt::MatchStartsWith).isEmpty());
        QVERIFY(m_bob->removeVideo(added.value()));
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), before, 1000);
        QCOMPARE(window->currentVideo(), shown); // still on the video alice was watching
    }

    // Bob lengthens a segment; before alice's window hears of it she drags the segment as she saw it
    // on the timeline: the move is refused naming bob, bob's span stays, the timeline reloads.
    void aDragOnASegmentBobChangedIsRefused()
    {
        activateWindow();
        const auto segment = segmentAt(30); // A1 shaking body, frames 30-94, on the A body track
        QVERIFY(segment.has_value());
        QVERIFY(m_bob->updateSegment(segment->id, segment->startFrame, segment->endFrame + 5, QStringLiteral("bob: longer")));
        TimelineWidget& timeline = window->timeline();
        const TimelineGeometry g = timeline.geometry();
        const QPoint body(int(g.xOfFrame(60.5)), g.trackRect(0).center().y());
        const QPoint target(int(g.xOfFrame(70.5)), g.trackRect(0).center().y());
        QTest::mousePress(&timeline, Qt::LeftButton, Qt::NoModifier, body);
        QTest::mouseMove(&timeline, target);
        QTest::mouseRelease(&timeline, Qt::LeftButton, Qt::NoModifier, target);
        QVERIFY2(statusMessage().startsWith(QStringLiteral("Not saved: bob changed this segment at ")), qPrintable(statusMessage()));
        QCOMPARE(m_bob->segment(segment->id)->startFrame, segment->startFrame);
        QCOMPARE(m_bob->segment(segment->id)->endFrame, segment->endFrame + 5);
        QTRY_COMPARE_WITH_TIMEOUT(window->workspace()->timelineModel().segment(segment->id)->endFrame, int(segment->endFrame + 5), 1000);
        screenshot(QStringLiteral("serverproject_drag_conflict.png"));
    }

    // Alice notes a segment (typed, Enter), bob edits the same segment after her, alice presses
    // Ctrl+Z: undoing would overwrite bob's note, so it is refused naming bob, first thing in the
    // status bar, the step leaves the undo history and nothing of bob's is lost.
    void undoAfterATeammatesEditIsRefusedNamingHim()
    {
        const auto segment = segmentAt(335); // bob's confirmed A1 from above
        QVERIFY(segment.has_value());
        activateWindow();
        clickQueueRow(segment->id);
        QCOMPARE(window->panels()->labeling()->currentSegment(), segment->id);
        typeNote(QStringLiteral("alice: hand near face"));
        QCOMPARE(m_bob->segment(segment->id)->note, QStringLiteral("alice: hand near face"));
        QUndoStack& undo = window->workspace()->undoStack();
        const int steps = undo.count();

        QVERIFY(m_bob->updateSegment(segment->id, segment->startFrame, segment->endFrame, QStringLiteral("bob: both hands")));
        clickQueueRow(segment->id); // focus off the note field: Ctrl+Z is the window's undo again
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY2(statusMessage().startsWith(QStringLiteral("Not saved: bob changed this segment at ")), qPrintable(statusMessage()));
        QVERIFY2(statusMessage().contains(QStringLiteral("reloaded")), qPrintable(statusMessage()));
        QVERIFY2(!statusMessage().contains(QStringLiteral("postgresql://")), qPrintable(statusMessage()));
        QCOMPARE(window->shellStatusBar().saveStateText(), QStringLiteral("Last edit NOT saved"));
        QCOMPARE(m_bob->segment(segment->id)->note, QStringLiteral("bob: both hands")); // nothing overwritten
        QCOMPARE(undo.count(), steps - 1);
        // The labeling panel shows bob's note (reloaded).
        QTRY_COMPARE_WITH_TIMEOUT(window->findChild<QLineEdit*>(QStringLiteral("segmentNote"))->text(),
                                  QStringLiteral("bob: both hands"), 1000);
        qInfo("status bar: %s", qPrintable(statusMessage()));
        screenshot(QStringLiteral("serverproject_undo_conflict.png"));
    }

    // `pg_ctl stop -m fast`, a note typed, `pg_ctl start`, another note typed.
    void aNoteTypedWhileTheServerIsDownIsRefusedAndTheNextOneLands()
    {
        const auto segment = segmentAt(335);
        QVERIFY(segment.has_value());
        clickQueueRow(segment->id);
        const int queued = queue().model()->totalRows();
        QString error;
        QVERIFY2(m_pg->stopServer(&error), qPrintable(error));
        typeNote(QStringLiteral("typed while the server restarts"));
        // The review queue keeps the clips it last read (the refused edit reloads every view).
        QCOMPARE(queue().model()->totalRows(), queued);
        QVERIFY(queue().model()->rowOfSegment(segment->id) >= 0);
        // What matters first, under the title bar's short name; libpq's reason after it.
        QVERIFY2(statusMessage().startsWith(QStringLiteral("Cannot reach team (local socket) — your edit was not saved (")),
                 qPrintable(statusMessage()));
        QVERIFY2(!statusMessage().contains(QStringLiteral("postgresql://")), qPrintable(statusMessage()));
        QCOMPARE(window->shellStatusBar().saveStateText(), QStringLiteral("Last edit NOT saved"));
        QVERIFY(window->isVisible());
        qInfo("status bar while the server is down: %s", qPrintable(statusMessage()));
        screenshot(QStringLiteral("serverproject_server_down.png"));
        // Whatever view failed to reload meanwhile said so the same short way, not with the URL first.
        QVERIFY2(statusMessage().startsWith(QStringLiteral("Cannot reach team (local socket) — ")), qPrintable(statusMessage()));
        window->workspace()->remoteEdits().checkConnection(); // what the periodic check says meanwhile
        QVERIFY2(statusMessage().startsWith(
                     QStringLiteral("Cannot reach team (local socket) — edits are not saved until it answers again (")),
                 qPrintable(statusMessage()));
        queue().reload(); // as a teammate's edit or a filter change would: it keeps the clips and says so
        QCOMPARE(queue().model()->totalRows(), queued);
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("clipCount"))->text(),
                 QStringLiteral("%1 clip(s), as last read").arg(queued));

        QVERIFY2(m_pg->startServer(&error), qPrintable(error));
        typeNote(QStringLiteral("typed after the restart"));
        QVERIFY2(window->shellStatusBar().saveStateText().startsWith(QStringLiteral("All edits saved")),
                 qPrintable(window->shellStatusBar().saveStateText() + " / " + statusMessage()));
        QCOMPARE(m_bob->segment(segment->id)->note, QStringLiteral("typed after the restart"));
        // Alice's window hears bob again once its periodic check has reconnected.
        window->workspace()->remoteEdits().checkConnection();
        QCOMPARE(statusMessage(), QStringLiteral("Connected to team (local socket) again"));
        QTRY_COMPARE_WITH_TIMEOUT(window->findChild<QLabel*>(QStringLiteral("clipCount"))->text(),
                                  QStringLiteral("%1 clip(s)").arg(queued), 2000);
        QVERIFY(m_bob->updateSegment(segment->id, segment->startFrame, segment->endFrame, QStringLiteral("bob after restart")));
        QTRY_COMPARE_WITH_TIMEOUT(window->findChild<QLineEdit*>(QStringLiteral("segmentNote"))->text(),
                                  QStringLiteral("bob after restart"), 2000);
    }
};

QTEST_MAIN(TestServerProject)
#include "tst_serverproject.moc"
