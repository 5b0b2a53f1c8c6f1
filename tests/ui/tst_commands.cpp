// The undo commands on a real project file: each redo/undo writes the store at once; ids survive
// delete/undo cycles through the EditContext; drags merge into one step; labels record who.
// Failure injection: an SQLite error raised in the middle of a split, a merge, an undo or a redo
// (a connection-local trigger on the store's own connection, as a full disk aborts a statement)
// leaves the store as it was before that step and the undo stack without the failed step, tells
// the user and makes the views reload; on a full tmpfs (when the test may mount one) every edit
// fails the same way and works again once there is room.
#include "StoreEnumCompare.h"
#include "TestSupport.h"

#include "commands/EditContext.h"
#include "commands/LabelCommands.h"
#include "commands/SegmentCommands.h"

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "../store/StoreFailureInjection.h"

#include <unistd.h>

using namespace mas;
using namespace mas::ui;
using mas::test::clearFailure;
using mas::test::injectFailure;

class TestCommands : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::unique_ptr<store::ProjectStore> project;
    std::unique_ptr<EditContext> context;
    std::unique_ptr<QUndoStack> stack;
    store::Id video = 0;

    int segmentCount() { return project->segmentsOfVideo(video)->size(); }
    store::Segment seg(store::Id firstId) { return project->segment(context->resolveSegment(firstId)).value(); }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        auto created = store::ProjectStore::create(dir.filePath(QStringLiteral("c%1.mas").arg(++n)), Taxonomy::builtinMa52(),
                                                   QStringLiteral("alice"));
        QVERIFY2(created.ok(), qPrintable(created.error()));
        project = std::move(created.value());
        store::Video v;
        v.path = dir.filePath(QStringLiteral("video.mp4")); // the file need not exist for edits
        v.frameCount = 1000;
        v.fpsNum = 30;
        auto id = project->addVideo(v);
        QVERIFY2(id.ok(), qPrintable(id.error()));
        video = id.value();
        context = std::make_unique<EditContext>(*project);
        stack = std::make_unique<QUndoStack>();
    }
    void cleanup()
    {
        stack.reset();
        context.reset();
        project.reset();
    }

    void createUndoRedo()
    {
        QSignalSpy changed(context.get(), &EditContext::segmentChanged);
        auto* create = new CreateSegmentCommand(*context, video, 10, 40, 2);
        stack->push(create);
        QVERIFY(create->isValid());
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(create->segmentId()).startFrame, int64_t(10));
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(40));
        QCOMPARE(seg(create->segmentId()).createdBy, project->currentAnnotatorId());
        QCOMPARE(context->bodyPartHint(create->segmentId()), 2);
        QCOMPARE(changed.size(), 1);
        stack->undo();
        QCOMPARE(segmentCount(), 0);
        stack->redo();
        QCOMPARE(segmentCount(), 1);
        // Re-created with a new row id; the command's id still resolves to it, hint kept.
        const store::Id now = context->resolveSegment(create->segmentId());
        QVERIFY(project->segment(now).ok());
        QCOMPARE(context->bodyPartHint(now), 2);
    }

    void deleteRestoresLabelsAndLaterCommandsStillWork()
    {
        auto* create = new CreateSegmentCommand(*context, video, 100, 150);
        stack->push(create);
        const store::Id first = create->segmentId();
        auto* label = new AddLabelCommand(*context, first, 7);
        stack->push(label);
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(first))->size(), 1);
        QCOMPARE(project->label(context->resolveLabel(label->labelId()))->annotatorId, project->currentAnnotatorId());
        QCOMPARE(seg(first).classId, 7);
        stack->push(new SetSegmentSpanCommand(*context, first, 100, 160));
        stack->push(new DeleteSegmentCommand(*context, first));
        QCOMPARE(segmentCount(), 0);
        stack->undo(); // delete undone: new id, same span and label
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(first).endFrame, int64_t(160));
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(first))->size(), 1);
        QCOMPARE(seg(first).classId, 7);
        stack->undo(); // span undone on the re-created row
        QCOMPARE(seg(first).endFrame, int64_t(150));
        stack->undo(); // label removed (found through the label remap)
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(first))->size(), 0);
        stack->undo(); // creation undone
        QCOMPARE(segmentCount(), 0);
        while (stack->canRedo())
            stack->redo();
        QCOMPARE(segmentCount(), 0); // redo to the end: deleted again
        stack->undo();
        QCOMPARE(seg(first).endFrame, int64_t(160));
    }

    void dragStepsMergeIntoOneUndoStep()
    {
        auto* create = new CreateSegmentCommand(*context, video, 0, 30);
        stack->push(create);
        const int steps = stack->count();
        for (int end = 31; end <= 40; ++end)
            stack->push(new SetSegmentSpanCommand(*context, create->segmentId(), 0, end, /*gesture*/ 7));
        QCOMPARE(stack->count(), steps + 1);
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(40));
        stack->undo();
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(30));
        // Without a gesture id each edit is its own step.
        stack->push(new SetSegmentSpanCommand(*context, create->segmentId(), 5, 35));
        stack->push(new SetSegmentSpanCommand(*context, create->segmentId(), 6, 36));
        QCOMPARE(stack->count(), steps + 2);
    }

    void splitCopiesLabelsAndMergeJoins()
    {
        auto* create = new CreateSegmentCommand(*context, video, 200, 300);
        stack->push(create);
        stack->push(new AddLabelCommand(*context, create->segmentId(), 3));
        auto* split = new SplitSegmentCommand(*context, create->segmentId(), 240);
        stack->push(split);
        QVERIFY(split->isValid());
        QCOMPARE(segmentCount(), 2);
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(240));
        QCOMPARE(seg(split->rightSegmentId()).startFrame, int64_t(240));
        QCOMPARE(seg(split->rightSegmentId()).endFrame, int64_t(300));
        QCOMPARE(seg(split->rightSegmentId()).classId, 3);

        auto* merge = new MergeSegmentsCommand(*context, {create->segmentId(), split->rightSegmentId()});
        stack->push(merge);
        QVERIFY(merge->isValid());
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(300));
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(create->segmentId()))->size(), 1); // no duplicate
        stack->undo();
        QCOMPARE(segmentCount(), 2);
        QCOMPARE(seg(split->rightSegmentId()).classId, 3);
        stack->undo();
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(300));

        // A split outside the segment is refused with a message, nothing changes, and the stack
        // drops the command (a push, even a failed one, ends the redo history as any push does).
        QSignalSpy failed(context.get(), &EditContext::editFailed);
        const int steps = stack->index();
        QVERIFY(!pushEdit(*stack, new SplitSegmentCommand(*context, create->segmentId(), 500)));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(stack->count(), steps);
    }

    // SQLite gives the highest freed row id to the next new row. Split, merge, delete, then undo
    // all three: the restored merged segment gets the right half's old id, and the right half is
    // restored after it; each command must still find its own segment.
    void undoFindsTheRightRowWhenIdsAreReused()
    {
        auto* create = new CreateSegmentCommand(*context, video, 190, 231);
        stack->push(create);
        const store::Id left = create->segmentId();
        stack->push(new CreateSegmentCommand(*context, video, 500, 510)); // an id between left and right
        auto* split = new SplitSegmentCommand(*context, left, 205);
        stack->push(split);
        const store::Id rightRow = context->resolveSegment(split->rightSegmentId());
        stack->push(new MergeSegmentsCommand(*context, {left, split->rightSegmentId()}));
        stack->push(new DeleteSegmentCommand(*context, left));
        QCOMPARE(segmentCount(), 1);
        stack->undo(); // delete
        QCOMPARE(context->resolveSegment(left), rightRow); // the freed id came back: the situation tested
        QCOMPARE(seg(left).endFrame, int64_t(231));
        stack->undo(); // merge
        QCOMPARE(segmentCount(), 3);
        QCOMPARE(seg(left).endFrame, int64_t(205));
        QCOMPARE(seg(split->rightSegmentId()).startFrame, int64_t(205));
        stack->undo(); // split
        QCOMPARE(segmentCount(), 2);
        QCOMPARE(seg(left).startFrame, int64_t(190));
        QCOMPARE(seg(left).endFrame, int64_t(231));
        while (stack->canRedo())
            stack->redo();
        QCOMPARE(segmentCount(), 1);
        stack->undo();
        QCOMPARE(seg(left).endFrame, int64_t(231));
    }

    void labelStatusClassAndNote()
    {
        auto* create = new CreateSegmentCommand(*context, video, 0, 10);
        stack->push(create);
        auto* add = new AddLabelCommand(*context, create->segmentId(), 12, store::LabelStatus::Prelabeled);
        stack->push(add);
        QCOMPARE(seg(create->segmentId()).status, store::SegmentStatus::Prelabeled);
        stack->push(new SetLabelStatusCommand(*context, add->labelId(), store::LabelStatus::Confirmed));
        QCOMPARE(seg(create->segmentId()).status, store::SegmentStatus::Confirmed);
        stack->push(new SetLabelClassCommand(*context, add->labelId(), 13));
        QCOMPARE(project->label(context->resolveLabel(add->labelId()))->classId, 13);
        stack->push(new SetSegmentNoteCommand(*context, create->segmentId(), QStringLiteral("n")));
        stack->push(new SetSegmentNoteCommand(*context, create->segmentId(), QStringLiteral("note")));
        QCOMPARE(seg(create->segmentId()).note, QStringLiteral("note"));
        stack->undo(); // both note edits: one step
        QCOMPARE(seg(create->segmentId()).note, QString());
        stack->undo();
        QCOMPARE(project->label(context->resolveLabel(add->labelId()))->classId, 12);
        stack->undo();
        QCOMPARE(seg(create->segmentId()).status, store::SegmentStatus::Prelabeled);
        stack->push(new RemoveLabelCommand(*context, add->labelId()));
        QCOMPARE(seg(create->segmentId()).status, store::SegmentStatus::Unlabeled);
        stack->undo();
        QCOMPARE(seg(create->segmentId()).classId, 12);
        // The edit log records who did it.
        auto log = project->editLog(5);
        QVERIFY(log.ok() && !log->isEmpty());
        QCOMPARE(log->front().who, QStringLiteral("alice"));
    }

    // --- failure injection ------------------------------------------------------------------

    // The right half cannot be written: the left half is not shortened either (before: it was,
    // and the right half was lost), and the split is not on the stack.
    void aFailedSplitChangesNothingAndIsNotOnTheStack()
    {
        auto* create = new CreateSegmentCommand(*context, video, 100, 300);
        stack->push(create);
        const store::Id segment = create->segmentId();
        stack->push(new AddLabelCommand(*context, segment, 7));
        const int steps = stack->count();
        QSignalSpy failed(context.get(), &EditContext::editFailed);
        QSignalSpy changed(context.get(), &EditContext::segmentChanged);
        QVERIFY(injectFailure("AFTER INSERT ON segments"));
        QVERIFY(!pushEdit(*stack, new SplitSegmentCommand(*context, segment, 200)));
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.front().front().toString().contains("nothing was changed"), qPrintable(failed.front().front().toString()));
        QVERIFY2(failed.front().front().toString().contains("disk is full"), qPrintable(failed.front().front().toString()));
        QCOMPARE(changed.size(), 0); // no view was told of a change that did not happen
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(segment).endFrame, int64_t(300));
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(segment))->size(), 1);
        QCOMPARE(stack->count(), steps);
        QCOMPARE(stack->index(), steps);
        clearFailure();
        // Once the store can be written again, the same split works and undoes.
        auto* split = new SplitSegmentCommand(*context, segment, 200);
        QVERIFY(pushEdit(*stack, split));
        QCOMPARE(segmentCount(), 2);
        QCOMPARE(seg(split->rightSegmentId()).classId, 7);
        stack->undo();
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(segment).endFrame, int64_t(300));
    }

    // Removing the second segment fails after the first label was copied onto the kept one: no
    // label copied, no span changed, nothing removed.
    void aFailedMergeChangesNothing()
    {
        auto* a = new CreateSegmentCommand(*context, video, 0, 50);
        stack->push(a);
        auto* b = new CreateSegmentCommand(*context, video, 60, 90);
        stack->push(b);
        stack->push(new AddLabelCommand(*context, a->segmentId(), 3));
        stack->push(new AddLabelCommand(*context, b->segmentId(), 4));
        const int steps = stack->count();
        QVERIFY(injectFailure("AFTER DELETE ON segments"));
        QVERIFY(!pushEdit(*stack, new MergeSegmentsCommand(*context, {a->segmentId(), b->segmentId()})));
        QCOMPARE(segmentCount(), 2);
        QCOMPARE(seg(a->segmentId()).endFrame, int64_t(50));
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(a->segmentId()))->size(), 1);
        QCOMPARE(project->labelsOfSegment(context->resolveSegment(b->segmentId()))->size(), 1);
        QCOMPARE(stack->count(), steps);
        clearFailure();
        QVERIFY(pushEdit(*stack, new MergeSegmentsCommand(*context, {a->segmentId(), b->segmentId()})));
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(a->segmentId()).endFrame, int64_t(90));
    }

    // A second connection to the same file as another annotator (what a teammate's client is on a
    // server): alice's undo of a move after bob edited the segment is refused naming bob, the
    // message comes first and names the project by its file name, and bob's edit stays.
    void undoAfterAnotherConnectionsEditIsRefusedNamingWhoChangedIt()
    {
        auto other = project->openAnotherConnection();
        QVERIFY2(other.ok(), qPrintable(other.error()));
        store::ProjectStore& bob = *other.value();
        QVERIFY(bob.setCurrentAnnotator(QStringLiteral("bob")));
        auto* create = new CreateSegmentCommand(*context, video, 10, 40);
        stack->push(create);
        QVERIFY(pushEdit(*stack, new SetSegmentSpanCommand(*context, create->segmentId(), 20, 50)));
        const store::Id row = context->resolveSegment(create->segmentId());
        QVERIFY(bob.updateSegment(row, 20, 60, QStringLiteral("bob's")));
        const int steps = stack->count();
        stack->undo();
        const QString message = context->lastError();
        QVERIFY2(message.startsWith(QStringLiteral("Not saved: bob changed this segment at ")), qPrintable(message));
        QVERIFY2(message.contains(QFileInfo(project->path()).fileName()) && !message.contains(project->path()), qPrintable(message));
        QCOMPARE(stack->count(), steps - 1);
        QCOMPARE(seg(create->segmentId()).endFrame, int64_t(60));
        QCOMPARE(seg(create->segmentId()).note, QStringLiteral("bob's"));
    }

    // Undo of a delete re-creates the segment, then fails on its labels: the segment is not
    // half restored (no segment without its labels), the delete stays as the store has it, the step
    // leaves the stack, the user is told and the views reload. Redo of a split that fails likewise.
    void aFailedUndoOrRedoKeepsTheStoreAndDropsTheStep()
    {
        auto* create = new CreateSegmentCommand(*context, video, 10, 80);
        stack->push(create);
        stack->push(new AddLabelCommand(*context, create->segmentId(), 12));
        stack->push(new AddLabelCommand(*context, create->segmentId(), 13, store::LabelStatus::Disputed));
        stack->push(new DeleteSegmentCommand(*context, create->segmentId()));
        QCOMPARE(segmentCount(), 0);
        const auto labelsBefore = project->counts()->labels;
        QSignalSpy failed(context.get(), &EditContext::editFailed);
        QSignalSpy reload(context.get(), &EditContext::reloadRequested);
        QVERIFY(injectFailure("AFTER INSERT ON labels"));
        const int steps = stack->count();
        stack->undo();
        QCOMPARE(segmentCount(), 0);
        QCOMPARE(project->counts()->labels, labelsBefore);
        QCOMPARE(stack->count(), steps - 1);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.front().front().toString().startsWith("Undo of"), qPrintable(failed.front().front().toString()));
        QCOMPARE(reload.size(), 1);
        clearFailure();
        QVERIFY(!stack->canRedo()); // the failed step is gone, not waiting to be redone

        // Redo: a split undone, then its redo fails.
        auto* other = new CreateSegmentCommand(*context, video, 200, 400);
        stack->push(other);
        stack->push(new SplitSegmentCommand(*context, other->segmentId(), 300));
        QCOMPARE(segmentCount(), 2);
        stack->undo();
        QCOMPARE(segmentCount(), 1);
        QVERIFY(injectFailure("AFTER INSERT ON segments"));
        const int before = stack->count();
        stack->redo();
        clearFailure();
        QCOMPARE(segmentCount(), 1);
        QCOMPARE(seg(other->segmentId()).endFrame, int64_t(400));
        QCOMPARE(stack->count(), before - 1);
        QVERIFY(!stack->canRedo());
        QCOMPARE(reload.size(), 2);
        // The rest of the history still works.
        stack->undo();
        QCOMPARE(segmentCount(), 0);
        QCOMPARE(project->integrityCheck().value(), QString("ok"));
    }

    // A real full disk: a project on a small tmpfs filled to the last byte. Every edit fails whole,
    // nothing is half written, and edits work again once there is room.
    void aFullDiskFailsEditsWhole()
    {
        if (geteuid() != 0)
            QSKIP("mounting a tmpfs needs root");
        const QString mnt = dir.filePath("full");
        QDir().mkpath(mnt);
        if (QProcess::execute("mount", {"-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt}) != 0)
            QSKIP("could not mount a tmpfs");
        cleanup();
        {
            auto created = store::ProjectStore::create(mnt + "/full.mas", Taxonomy::builtinMa52(), "alice");
            QVERIFY2(created.ok(), qPrintable(created.error()));
            project = std::move(created.value());
            store::Video v;
            v.path = mnt + "/video.mp4";
            v.frameCount = 100000;
            v.fpsNum = 30;
            video = project->addVideo(v).value();
            context = std::make_unique<EditContext>(*project);
            stack = std::make_unique<QUndoStack>();
            auto* create = new CreateSegmentCommand(*context, video, 0, 1000);
            stack->push(create);
            for (int i = 0; i < 5; ++i)
                stack->push(new AddLabelCommand(*context, create->segmentId(), 20 + i));
            // Fill the disk.
            QFile filler(mnt + "/filler");
            QVERIFY(filler.open(QIODevice::WriteOnly));
            const QByteArray block(4096, 'x');
            while (filler.write(block) == block.size() && filler.flush()) {
            }
            const auto countsBefore = project->counts().value();
            const int steps = stack->count();
            int failures = 0;
            for (int i = 0; i < 40; ++i) { // splits until one fails for lack of room
                const bool ok = pushEdit(*stack, new SplitSegmentCommand(*context, create->segmentId(), 500 - i * 10));
                if (!ok) {
                    ++failures;
                    break;
                }
            }
            QVERIFY2(failures == 1, "the disk never filled up");
            QVERIFY2(context->lastError().contains("full"), qPrintable(context->lastError()));
            // Every step on the stack is in the store, and nothing else: undo all, the counts come back.
            const int pushed = stack->count() - steps;
            filler.remove();
            for (int i = 0; i < pushed; ++i)
                stack->undo();
            QCOMPARE(project->counts()->segments, countsBefore.segments);
            QCOMPARE(project->counts()->labels, countsBefore.labels);
            QCOMPARE(seg(create->segmentId()).endFrame, int64_t(1000));
            QCOMPARE(project->integrityCheck().value(), QString("ok"));
        }
        cleanup();
        QProcess::execute("umount", {mnt});
    }
};

QTEST_MAIN(TestCommands)
#include "tst_commands.moc"
