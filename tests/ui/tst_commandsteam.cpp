// The undo commands on a server project with a teammate (issue 13): alice edits through her
// EditContext and undo stack, bob through a second ProjectStore connection as another client.
// Every command writes on the row version alice saw (first redo) or the one her own last write left
// (undo, redo): a class change, a move, a removal or an undo after bob changed the row is refused
// naming bob ("Not saved: bob changed this label at 14:02 — reloaded"), nothing of bob's is
// overwritten, the step leaves the stack and the views are told to reload. A real throwaway
// PostgreSQL server (PgTestCluster); no mocks.
#include "PgTestCluster.h"
#include "StoreEnumCompare.h"

#include "commands/EditContext.h"
#include "commands/LabelCommands.h"
#include "commands/SegmentCommands.h"

#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

using namespace mas;
using namespace mas::ui;

class TestCommandsTeam : public QObject {
    Q_OBJECT
    std::unique_ptr<test::PgTestCluster> m_pg;
    std::unique_ptr<store::ProjectStore> alice, bob;
    std::unique_ptr<EditContext> context;
    std::unique_ptr<QUndoStack> stack;
    store::Id video = 0;
    int m_project = 0;

    store::Segment segmentOf(store::Id key) { return bob->segment(context->resolveSegment(key)).value(); }
    store::Label labelOf(store::Id key) { return bob->label(context->resolveLabel(key)).value(); }
    // Alice's segment with a confirmed label A1 by her (two undo steps).
    std::pair<store::Id, store::Id> labeledSegment(int64_t start, int64_t end)
    {
        auto* create = new CreateSegmentCommand(*context, video, start, end);
        stack->push(create);
        auto* label = new AddLabelCommand(*context, create->segmentId(), classOf("A1"));
        stack->push(label);
        return {create->segmentId(), label->labelId()};
    }
    int classOf(const char* code) { return alice->taxonomy().classByCode(QString::fromLatin1(code))->id; }

private Q_SLOTS:
    void initTestCase()
    {
        m_pg = std::make_unique<test::PgTestCluster>();
        if (!m_pg->ok())
            QSKIP(qPrintable(m_pg->why()));
    }

    void init()
    {
        const QString url = m_pg->url(QStringLiteral("commands%1").arg(++m_project));
        auto created = store::ProjectStore::create(url, Taxonomy::builtinMa52(), QStringLiteral("alice"));
        QVERIFY2(created, qPrintable(created.error()));
        alice = std::move(created.value());
        store::Video v;
        v.path = QStringLiteral("video.mp4"); // edits need no file
        v.frameCount = 1000;
        v.fpsNum = 30;
        auto id = alice->addVideo(v);
        QVERIFY2(id, qPrintable(id.error()));
        video = id.value();
        auto other = store::ProjectStore::open(url);
        QVERIFY2(other, qPrintable(other.error()));
        bob = std::move(other.value());
        QVERIFY(bob->setCurrentAnnotator(QStringLiteral("bob")));
        context = std::make_unique<EditContext>(*alice);
        stack = std::make_unique<QUndoStack>();
    }

    void cleanup()
    {
        stack.reset();
        context.reset();
        alice.reset();
        bob.reset();
    }

    // Alice picks another class for the label she saw; bob changed it first.
    void classChangeOnWhatAliceSawIsRefusedNamingBob()
    {
        const auto [segment, label] = labeledSegment(10, 40);
        const int64_t seen = labelOf(label).rowVersion;
        QVERIFY(bob->setLabelStatus(context->resolveLabel(label), store::LabelStatus::Disputed));
        QSignalSpy reload(context.get(), &EditContext::reloadRequested);
        const int steps = stack->count();
        QVERIFY(!pushEdit(*stack, new SetLabelClassCommand(*context, label, classOf("B2"), nullptr, seen)));
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this label at ")),
                 qPrintable(context->lastError()));
        QVERIFY2(context->lastError().contains(QStringLiteral("reloaded")), qPrintable(context->lastError()));
        QVERIFY2(!context->lastError().contains(QStringLiteral("postgresql://")), qPrintable(context->lastError()));
        qInfo("refused: %s", qPrintable(context->lastError()));
        QCOMPARE(labelOf(label).classId, classOf("A1"));                    // nothing overwritten
        QCOMPARE(labelOf(label).status, store::LabelStatus::Disputed);      // bob's edit stands
        QCOMPARE(stack->count(), steps);                                    // the refused edit is not on the stack
        QCOMPARE(reload.size(), 1);
        // Seen afresh (as the reloaded views show it), the same change goes through and undoes.
        QVERIFY(pushEdit(*stack, new SetLabelClassCommand(*context, label, classOf("B2"))));
        QCOMPARE(labelOf(label).classId, classOf("B2"));
        stack->undo();
        QCOMPARE(labelOf(label).classId, classOf("A1"));
        Q_UNUSED(segment);
    }

    // Alice drags a segment bob just resized: refused, bob's span stays.
    void moveOnWhatAliceSawIsRefusedNamingBob()
    {
        const auto [segment, label] = labeledSegment(100, 140);
        const int64_t seen = segmentOf(segment).rowVersion;
        QVERIFY(bob->updateSegment(context->resolveSegment(segment), 100, 160, QStringLiteral("longer")));
        QVERIFY(!pushEdit(*stack, new SetSegmentSpanCommand(*context, segment, 200, 240, 0, nullptr, seen)));
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this segment at ")),
                 qPrintable(context->lastError()));
        QCOMPARE(segmentOf(segment).startFrame, int64_t(100));
        QCOMPARE(segmentOf(segment).endFrame, int64_t(160));
        QCOMPARE(segmentOf(segment).note, QStringLiteral("longer"));
        Q_UNUSED(label);
    }

    // Alice moves a segment, bob edits its note, alice presses undo: the undo would put back the
    // span alice saw before bob's edit, so it is refused naming bob and leaves the stack.
    void undoAfterBobsChangeIsRefusedAndLeavesTheStack()
    {
        const auto [segment, label] = labeledSegment(300, 340);
        QVERIFY(pushEdit(*stack, new SetSegmentSpanCommand(*context, segment, 310, 350)));
        QVERIFY(bob->updateSegment(context->resolveSegment(segment), 310, 350, QStringLiteral("bob's note")));
        QSignalSpy reload(context.get(), &EditContext::reloadRequested);
        const int steps = stack->count();
        stack->undo();
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this segment at ")),
                 qPrintable(context->lastError()));
        QVERIFY2(context->lastError().contains(QStringLiteral("undo of")), qPrintable(context->lastError()));
        QCOMPARE(segmentOf(segment).startFrame, int64_t(310));
        QCOMPARE(segmentOf(segment).note, QStringLiteral("bob's note"));
        QCOMPARE(stack->count(), steps - 1); // taken off the history
        QCOMPARE(reload.size(), 1);
        // The steps before it are alice's alone and still undo.
        stack->undo(); // the label
        QCOMPARE(bob->labelsOfSegment(context->resolveSegment(segment))->size(), 0);
        Q_UNUSED(label);
    }

    // Undo and redo of a class change and a removal after bob changed the label.
    void undoAndRedoOfLabelEditsAfterBobsChangeAreRefused()
    {
        const auto [segment, label] = labeledSegment(400, 440);
        QVERIFY(pushEdit(*stack, new SetLabelClassCommand(*context, label, classOf("B2"))));
        QVERIFY(bob->setLabelStatus(context->resolveLabel(label), store::LabelStatus::Disputed));
        stack->undo();
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this label")),
                 qPrintable(context->lastError()));
        QCOMPARE(labelOf(label).classId, classOf("B2"));
        QCOMPARE(labelOf(label).status, store::LabelStatus::Disputed);

        // Removing the label, then bob re-creates nothing but edits the segment's other label:
        // redo of the removal after bob changed the label (undone and changed) is refused too.
        auto [other, otherLabel] = labeledSegment(500, 540);
        auto* remove = new RemoveLabelCommand(*context, otherLabel);
        QVERIFY(pushEdit(*stack, remove));
        stack->undo(); // the label is back (a new row, bound to the same key)
        QVERIFY(bob->setLabelClass(context->resolveLabel(otherLabel), classOf("C1")));
        stack->redo();
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this label")),
                 qPrintable(context->lastError()));
        QVERIFY2(context->lastError().contains(QStringLiteral("redo of")), qPrintable(context->lastError()));
        QCOMPARE(labelOf(otherLabel).classId, classOf("C1"));
        Q_UNUSED(segment);
        Q_UNUSED(other);
    }

    // Alice deletes a segment bob resized after she saw it: refused, bob's span stays.
    void deleteOfASegmentBobChangedIsRefused()
    {
        const auto [segment, label] = labeledSegment(600, 640);
        const store::Id row = context->resolveSegment(segment);
        auto* remove = new DeleteSegmentCommand(*context, segment);
        QVERIFY(bob->updateSegment(row, 600, 650, {}));
        QVERIFY(!pushEdit(*stack, remove));
        QVERIFY2(context->lastError().startsWith(QStringLiteral("Not saved: bob changed this segment")),
                 qPrintable(context->lastError()));
        QCOMPARE(segmentOf(segment).endFrame, int64_t(650));
        Q_UNUSED(label);
    }

    // Bob removed the label alice then relabels: refused, saying bob removed it.
    void relabelOfALabelBobRemovedSaysSo()
    {
        const auto [segment, label] = labeledSegment(800, 840);
        auto* relabel = new SetLabelClassCommand(*context, label, classOf("B2"));
        QVERIFY(bob->removeLabel(context->resolveLabel(label)));
        QVERIFY(!pushEdit(*stack, relabel));
        QVERIFY2(context->lastError().contains(QStringLiteral("no label with id")) // read before the write
                     || context->lastError().startsWith(QStringLiteral("Not saved: bob removed this label")),
                 qPrintable(context->lastError()));
        QCOMPARE(bob->labelsOfSegment(context->resolveSegment(segment))->size(), 0);
    }

    // Alice's own steps on one row interleave freely: undoing a note edit and then a move of the
    // same segment passes (each expects the version her own last write left), with no teammate.
    void ownInterleavedEditsOfOneRowStillUndo()
    {
        const auto [segment, label] = labeledSegment(700, 740);
        QVERIFY(pushEdit(*stack, new SetSegmentSpanCommand(*context, segment, 710, 750)));
        QVERIFY(pushEdit(*stack, new SetSegmentNoteCommand(*context, segment, QStringLiteral("mine"))));
        QVERIFY(pushEdit(*stack, new SetLabelClassCommand(*context, label, classOf("B2"))));
        QVERIFY(pushEdit(*stack, new SetLabelStatusCommand(*context, label, store::LabelStatus::Disputed)));
        const int failures = context->failureCount();
        while (stack->canUndo())
            stack->undo();
        QCOMPARE(context->failureCount(), failures);
        QCOMPARE(bob->segmentsOfVideo(video)->size(), 0);
        while (stack->canRedo())
            stack->redo();
        QCOMPARE(context->failureCount(), failures);
        QCOMPARE(segmentOf(segment).startFrame, int64_t(710));
        QCOMPARE(segmentOf(segment).note, QStringLiteral("mine"));
        QCOMPARE(labelOf(label).classId, classOf("B2"));
        QCOMPARE(labelOf(label).status, store::LabelStatus::Disputed);
    }
};

QTEST_GUILESS_MAIN(TestCommandsTeam)
#include "tst_commandsteam.moc"
