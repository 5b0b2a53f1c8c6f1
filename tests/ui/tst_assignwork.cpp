// Project > Assign work, on the real dialog: a curator gives a participant to one annotator and a video to
// another with the keyboard and the mouse, each saved at once (seen from a second connection), the
// assignee's My work in the review queue comes alive, Delete takes one back, a missing name is refused
// without saving, and a read-only project or an annotator on a team server (a real PostgreSQL started by
// the test) sees the list without the controls, told why.
#include "PanelTestProject.h"
#include "PgTestCluster.h"
#include "TestSupport.h"

#include "commands/EditContext.h"
#include "review/ReviewQueueWidget.h"
#include "team/AssignWorkDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

using namespace mas;

class TestAssignWork : public QObject {
    Q_OBJECT

    test::PanelTestProject m_project;
    std::unique_ptr<ui::EditContext> m_context;
    std::unique_ptr<QUndoStack> m_stack;
    std::unique_ptr<ui::ReviewQueueWidget> m_queue;

    QString projectPath() const { return m_project.dir.filePath(QStringLiteral("test.mas")); }

    // The assignments as another connection reads them from the file.
    QVector<store::Assignment> savedAssignments()
    {
        auto other = store::ProjectStore::open(projectPath(), store::OpenMode::ReadOnly);
        if (!other.ok())
            qFatal("%s", qPrintable(other.error()));
        return other.value()->assignments().value();
    }

    static void chooseTarget(QComboBox* target, int index)
    {
        target->setFocus();
        for (int i = 0; i < target->count(); ++i) // to the first entry (Home edits the text in an editable combo)
            QTest::keyClick(target, Qt::Key_Up);
        for (int i = 0; i < index; ++i)
            QTest::keyClick(target, Qt::Key_Down);
        QCOMPARE(target->currentIndex(), index);
    }

    static void typeAnnotator(QComboBox* annotator, const QString& name)
    {
        annotator->lineEdit()->setFocus();
        annotator->lineEdit()->selectAll();
        QTest::keyClicks(annotator->lineEdit(), name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_project.build(8, 40), qPrintable(m_project.error));
        m_context = std::make_unique<ui::EditContext>(*m_project.store);
        m_stack = std::make_unique<QUndoStack>();
        m_queue = std::make_unique<ui::ReviewQueueWidget>(*m_context, m_stack.get());
        m_queue->resize(800, 500);
        m_queue->show();
    }

    void curatorAssignsAndTakesBack()
    {
        store::ProjectStore& s = *m_project.store;
        ui::AssignWorkDialog dialog(s);
        connect(&dialog, &ui::AssignWorkDialog::assignmentsChanged, m_queue.get(), &ui::ReviewQueueWidget::refreshKeepingPlace);
        QSignalSpy changed(&dialog, &ui::AssignWorkDialog::assignmentsChanged);
        dialog.show();
        QApplication::setActiveWindow(&dialog);
        QVERIFY(QTest::qWaitForWindowActive(&dialog));

        auto* table = dialog.findChild<QTableWidget*>("assignments");
        auto* target = dialog.findChild<QComboBox*>("target");
        auto* annotator = dialog.findChild<QComboBox*>("annotator");
        auto* assign = dialog.findChild<QPushButton*>("assign");
        auto* message = dialog.findChild<QLabel*>("message");
        QVERIFY(table && target && annotator && assign && message);
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(assign->isEnabled());
        // 4 participants, then the 8 videos; the model's annotator is not offered as a person.
        QCOMPARE(target->count(), 12);
        QCOMPARE(annotator->findText("model:v1"), -1);
        QVERIFY(annotator->findText("alice") >= 0);

        // No name: refused, nothing saved.
        chooseTarget(target, 2);
        typeAnnotator(annotator, QString());
        QTest::mouseClick(assign, Qt::LeftButton);
        QVERIFY2(message->text().contains("Name the annotator"), qPrintable(message->text()));
        QCOMPARE(savedAssignments().size(), 0);
        QCOMPARE(changed.count(), 0);

        // Participant 0012 to bob, a new annotator, with the mouse on Assign.
        typeAnnotator(annotator, "bob");
        QTest::mouseClick(assign, Qt::LeftButton);
        QVERIFY2(message->text().contains("Saved"), qPrintable(message->text()));
        QCOMPARE(changed.count(), 1);
        QVector<store::Assignment> saved = savedAssignments();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved[0].annotatorName, QString("bob"));
        QCOMPARE(saved[0].participantCode, QString("0012"));
        QCOMPARE(table->rowCount(), 1);
        QVERIFY(annotator->findText("bob") >= 0); // bob is offered from now on

        // A name typed into the work field is found among the entries; text that names none assigns nothing.
        target->lineEdit()->setFocus();
        target->lineEdit()->selectAll();
        QTest::keyClicks(target->lineEdit(), "no such clip");
        QTest::mouseClick(assign, Qt::LeftButton);
        QVERIFY2(message->text().contains("not one"), qPrintable(message->text()));
        QCOMPARE(savedAssignments().size(), 1);

        // The current annotator's My work is off while nothing is hers ...
        auto* myWork = m_queue->findChild<QCheckBox*>("myWorkToggle");
        QVERIFY(myWork && !myWork->isEnabled());
        // ... then the second video goes to alice with Enter in the name field, and it comes alive.
        // The video typed in, in any case, as a user who knows the file name would.
        const QString video = target->itemText(4 + 1);
        target->lineEdit()->setFocus();
        target->lineEdit()->selectAll();
        QTest::keyClicks(target->lineEdit(), video.toLower());
        typeAnnotator(annotator, "alice");
        QTest::keyClick(annotator->lineEdit(), Qt::Key_Return);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(target->currentText(), video);
        QVERIFY2(message->text().contains(video), qPrintable(message->text()));
        saved = savedAssignments();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(myWork->isEnabled());
        QVERIFY2(myWork->toolTip().contains("assigned to you"), qPrintable(myWork->toolTip()));
        dialog.grab().save(test::artifactPath("assign_work.png"));

        // bob's row (rows are by annotator name: alice first), selected with the mouse, Delete takes it back.
        const int bobRow = table->item(0, 0)->text() == "bob" ? 0 : 1;
        const QRect cell = table->visualItemRect(table->item(bobRow, 1));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QVERIFY(dialog.findChild<QPushButton*>("remove")->isEnabled());
        QTest::keyClick(table, Qt::Key_Delete);
        QCOMPARE(changed.count(), 3);
        saved = savedAssignments();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved[0].annotatorName, QString("alice"));
        QVERIFY2(video.endsWith(saved[0].videoPath.section('/', -1)), qPrintable(video));
        QCOMPARE(table->rowCount(), 1);
        QVERIFY2(message->text().contains("taken back"), qPrintable(message->text()));
    }

    // A read-only project: the list is there, nothing can change it, and the dialog says why.
    void readOnlyProjectShowsTheListOnly()
    {
        auto readOnly = store::ProjectStore::open(projectPath(), store::OpenMode::ReadOnly);
        QVERIFY2(readOnly.ok(), qPrintable(readOnly.error()));
        ui::AssignWorkDialog dialog(*readOnly.value());
        dialog.show();
        QCOMPARE(dialog.findChild<QTableWidget*>("assignments")->rowCount(), 1);
        QVERIFY(!dialog.findChild<QPushButton*>("assign")->isEnabled());
        QVERIFY(!dialog.findChild<QPushButton*>("remove")->isEnabled());
        QVERIFY(!dialog.findChild<QComboBox*>("annotator")->isEnabled());
        const QString text = dialog.findChild<QLabel*>("message")->text();
        QVERIFY2(text.contains("read-only"), qPrintable(text));
        auto* table = dialog.findChild<QTableWidget*>("assignments");
        table->selectRow(0);
        QTest::keyClick(table, Qt::Key_Delete);
        QCOMPARE(savedAssignments().size(), 1);
    }

    // On a team server an annotator (PostgreSQL role mas_annotator) sees who has what, and may not change it.
    void annotatorOnAServerSeesTheListOnly()
    {
        test::PgTestCluster pg;
        if (!pg.ok())
            QSKIP(qPrintable(pg.why()));
        auto owner = store::ProjectStore::create(pg.url("team"), Taxonomy::builtinMa52(), "carol");
        QVERIFY2(owner.ok(), qPrintable(owner.error()));
        QString error;
        QVERIFY2(pg.psql("team", owner.value()->roleSetupSql(), nullptr, &error), qPrintable(error));
        QVERIFY2(pg.psql("postgres", "CREATE ROLE ann1 LOGIN IN ROLE mas_annotator", nullptr, &error), qPrintable(error));
        const auto participant = owner.value()->ensureParticipant("0010");
        const auto ann1 = owner.value()->ensureAnnotator("ann1");
        QVERIFY(participant.ok() && ann1.ok());
        QVERIFY(owner.value()->assign(ann1.value(), participant.value(), 0).ok());

        auto annotator = store::ProjectStore::open(pg.url("team", "ann1"));
        QVERIFY2(annotator.ok(), qPrintable(annotator.error()));
        QVERIFY(!annotator.value()->isReadOnly());
        ui::AssignWorkDialog dialog(*annotator.value());
        dialog.show();
        auto* table = dialog.findChild<QTableWidget*>("assignments");
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QString("ann1"));
        QVERIFY(!dialog.findChild<QPushButton*>("assign")->isEnabled());
        const QString text = dialog.findChild<QLabel*>("message")->text();
        QVERIFY2(text.contains("Only curators assign work; your role here is annotator"), qPrintable(text));
        table->selectRow(0);
        QTest::keyClick(table, Qt::Key_Delete);
        QCOMPARE(owner.value()->assignments().value().size(), 1);
        dialog.grab().save(test::artifactPath("assign_work_annotator.png"));
    }

    void cleanupTestCase()
    {
        m_queue.reset();
    }
};

QTEST_MAIN(TestAssignWork)
#include "tst_assignwork.moc"
