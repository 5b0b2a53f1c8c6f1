// LabelingPanel on a real project file: hotkeys (default and user-edited) label the selected segment,
// several labels per segment, undo/redo, search filtering as you type, recently used first, the note.
#include "PanelTestProject.h"
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "commands/EditContext.h"
#include "labeling/ClassHotkeys.h"
#include "labeling/LabelingPanel.h"

#include <QLineEdit>
#include <QListWidget>
#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

using namespace mas;

class TestLabelingPanel : public QObject {
    Q_OBJECT

private:
    test::PanelTestProject m_project;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<ui::EditContext> m_context;
    std::unique_ptr<QUndoStack> m_stack;
    std::unique_ptr<ui::LabelingPanel> m_panel;

    QVector<store::Label> labelsOf(store::Id segmentId)
    {
        auto labels = m_project.store->labelsOfSegment(segmentId);
        return labels.ok() ? labels.value() : QVector<store::Label>();
    }
    int classIdOf(const QString& code) { return Taxonomy::builtinMa52().classByCode(code)->id; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_project.build(2, 8), qPrintable(m_project.error));
        m_settings = std::make_unique<QSettings>(m_project.dir.filePath("settings.ini"), QSettings::IniFormat);
        m_context = std::make_unique<ui::EditContext>(*m_project.store);
        m_stack = std::make_unique<QUndoStack>();
        m_panel = std::make_unique<ui::LabelingPanel>(*m_context, m_stack.get(), Taxonomy::builtinMa52(), m_settings.get());
        m_panel->resize(380, 720);
        m_panel->show();
        QApplication::setActiveWindow(m_panel.get());
        QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
    }

    void defaultHotkeyLabelsSelectedSegment()
    {
        const store::Id segment = m_project.segmentIds[0]; // unlabeled
        QVERIFY(labelsOf(segment).isEmpty());
        m_panel->setCurrentSegment(segment);
        // A3 "sitting straightly": Alt+A, 3
        QTest::keyClick(m_panel.get(), Qt::Key_A, Qt::AltModifier);
        QTest::keyClick(m_panel.get(), Qt::Key_3);
        const auto labels = labelsOf(segment);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].classId, classIdOf("A3"));
        QCOMPARE(labels[0].status, store::LabelStatus::Confirmed);
        QCOMPARE(labels[0].annotatorId, m_project.humanId);
        QCOMPARE(m_project.store->segment(segment)->status, store::SegmentStatus::Confirmed);
        QCOMPARE(m_panel->findChild<QListWidget*>("segmentLabels")->count(), 1);
    }

    void secondLabelAndUndoRedo()
    {
        const store::Id segment = m_project.segmentIds[0];
        QTest::keyClick(m_panel.get(), Qt::Key_B, Qt::AltModifier);
        QTest::keyClick(m_panel.get(), Qt::Key_1); // B1 nodding
        QCOMPARE(labelsOf(segment).size(), 2);
        QCOMPARE(labelsOf(segment).last().classId, classIdOf("B1"));
        QCOMPARE(m_panel->findChild<QListWidget*>("segmentLabels")->count(), 2);
        m_stack->undo();
        QCOMPARE(labelsOf(segment).size(), 1);
        QCOMPARE(m_panel->findChild<QListWidget*>("segmentLabels")->count(), 1);
        m_stack->redo();
        QCOMPARE(labelsOf(segment).size(), 2);
        // The same class again by the same annotator adds nothing.
        QTest::keyClick(m_panel.get(), Qt::Key_B, Qt::AltModifier);
        QTest::keyClick(m_panel.get(), Qt::Key_1);
        QCOMPARE(labelsOf(segment).size(), 2);
    }

    void recentlyUsedFirst()
    {
        auto* tree = m_panel->findChild<QTreeWidget*>("classTree");
        QTreeWidgetItem* recent = tree->topLevelItem(0);
        QVERIFY(recent->childCount() >= 2);
        QVERIFY(recent->child(0)->text(0).startsWith("B1"));
        QVERIFY(recent->child(1)->text(0).startsWith("A3"));
        QCOMPARE(ui::RecentClasses::load(*m_settings).first(), classIdOf("B1"));
    }

    void searchFiltersAsYouType()
    {
        QLineEdit* search = m_panel->searchBox();
        search->setFocus();
        QTest::keyClicks(search, "nod");
        QCOMPARE(m_panel->visibleClasses(), QVector<int>{classIdOf("B1")});
        search->clear();
        QTest::keyClicks(search, "f1");
        QCOMPARE(m_panel->visibleClasses(), (QVector<int>{classIdOf("F1"), classIdOf("F10")}));
        search->clear();
        QTest::keyClicks(search, "scratching");
        QCOMPARE(m_panel->visibleClasses().size(), 10); // C6, E1-E3, E6, F2, F4, F7, G3, G4
        QTest::qWait(20);
        m_panel->grab().save(test::artifactPath("labeling_search.png"));
        search->clear();
        QTest::keyClicks(search, "zzz");
        QVERIFY(m_panel->visibleClasses().isEmpty());
        search->clear();
        QCOMPARE(m_panel->visibleClasses().size(), 52);
    }

    void enterInSearchAppliesFirstMatch()
    {
        const store::Id segment = m_project.segmentIds[4];
        QVERIFY(labelsOf(segment).isEmpty());
        m_panel->setCurrentSegment(segment);
        QLineEdit* search = m_panel->searchBox();
        search->setFocus();
        QTest::keyClicks(search, "shrug");
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(labelsOf(segment).size(), 1);
        QCOMPARE(labelsOf(segment)[0].classId, classIdOf("A4"));
        search->clear();
    }

    void userEditedHotkeyIsSavedAndUsed()
    {
        QHash<int, QKeySequence> keys = ui::ClassHotkeys::load(*m_settings, Taxonomy::builtinMa52());
        keys[classIdOf("G4")] = QKeySequence(Qt::CTRL | Qt::Key_4);
        ui::ClassHotkeys::save(*m_settings, Taxonomy::builtinMa52(), keys);
        QCOMPARE(m_settings->value("hotkeys/G4").toString(), QString("Ctrl+4"));
        QVERIFY(!m_settings->contains("hotkeys/G3")); // defaults are not stored
        m_panel->reloadHotkeys();
        const store::Id segment = m_project.segmentIds[4];
        m_panel->setFocus();
        QTest::keyClick(m_panel.get(), Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(labelsOf(segment).size(), 2);
        QCOMPARE(labelsOf(segment).last().classId, classIdOf("G4"));
    }

    void removeLabelWithDelete()
    {
        const store::Id segment = m_project.segmentIds[4];
        auto* list = m_panel->findChild<QListWidget*>("segmentLabels");
        list->setFocus();
        list->setCurrentRow(1);
        QTest::keyClick(list, Qt::Key_Delete);
        QCOMPARE(labelsOf(segment).size(), 1);
        m_stack->undo();
        QCOMPARE(labelsOf(segment).size(), 2);
    }

    void noteIsSaved()
    {
        const store::Id segment = m_project.segmentIds[0];
        m_panel->setCurrentSegment(segment);
        auto* note = m_panel->findChild<QLineEdit*>("segmentNote");
        note->setFocus();
        QTest::keyClicks(note, "looks away first");
        QTest::keyClick(note, Qt::Key_Return);
        QCOMPARE(m_project.store->segment(segment)->note, QString("looks away first"));
        m_panel->grab().save(test::artifactPath("labeling_panel.png"));
    }

    void noSegmentSelectedDoesNothing()
    {
        m_panel->setCurrentSegment(0);
        QSignalSpy messages(m_panel.get(), &ui::LabelingPanel::statusMessage);
        const int before = m_stack->count();
        QTest::keyClick(m_panel.get(), Qt::Key_A, Qt::AltModifier);
        QTest::keyClick(m_panel.get(), Qt::Key_1);
        QCOMPARE(m_stack->count(), before);
        QCOMPARE(messages.count(), 1);
    }

    void cleanupTestCase()
    {
        m_panel.reset();
        m_context.reset();
        m_stack.reset();
    }
};

QTEST_MAIN(TestLabelingPanel)
#include "tst_labelingpanel.moc"
