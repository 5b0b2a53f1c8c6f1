// The GUI on a server project (issue 13): the demo project pushed to a throwaway PostgreSQL server
// (PgTestCluster), the main window open on its URL as "alice", and a second real ProjectStore client
// as "bob" on the same database. Bob's edits show in alice's timeline and review queue within a second
// (LISTEN/NOTIFY); alice's reject of a pre-label bob changed after she read it is refused, naming bob,
// and nothing of bob's is overwritten. Real widgets, driven by mouse and keys; no mocks.
#include "PgTestCluster.h"
#include "ShellTestSupport.h"
#include "StoreEnumCompare.h"

#include "review/ClipBrowserModel.h"
#include "review/ReviewQueueWidget.h"
#include "shell/PanelDocks.h"
#include "shell/ProjectName.h"
#include "shell/ServerProjectDialog.h"
#include "shell/ShellStatusBar.h"
#include "timeline/TimelineWidget.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
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
};

QTEST_MAIN(TestServerProject)
#include "tst_serverproject.moc"
