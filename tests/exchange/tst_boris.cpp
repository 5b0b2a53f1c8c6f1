// BORIS interchange: a project file written by hand from BORIS's documented format is read with
// every unmappable row reported, imported into a real project, exported again, and survives the
// round trip (the same events, subjects, media and notes), through the functions and the CLI.
#include "exchange/Boris.h"
#include "exchange/ProjectExchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

namespace {

QByteArray fixture()
{
    QFile f(qEnvironmentVariable("MAS_SOURCE_DIR") + "/tests/exchange/data/handmade_study.boris");
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const Taxonomy& ma52() { return Taxonomy::builtinMa52(); }
int classOf(const char* code) { return ma52().classByCode(code)->id; }

// (video file name, start, end, class code, participant, note) per row: what must survive.
QStringList summary(const QVector<SegmentRow>& rows)
{
    QStringList out;
    for (const SegmentRow& r : rows)
        for (const LabelEntry& l : r.labels)
            out << QStringLiteral("%1 [%2,%3) %4 %5 %6").arg(QFileInfo(r.videoPath).fileName()).arg(r.startFrame).arg(r.endFrame)
                       .arg(ma52().classById(l.classId)->code, r.participant, QString(r.note).replace('\n', '|'));
    out.sort();
    return out;
}

const QStringList kExpected{"clip1.mp4 [100,101) A1 0010 ", "clip1.mp4 [25,75) B1 0010 ",
                            "clip1.mp4 [50,150) C13 0010 modifiers: slow|hands low", "clip2.mp4 [15,45) B1 0011 "};

} // namespace

class TestBoris : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(!fixture().isEmpty(), "tests/exchange/data/handmade_study.boris not found (MAS_SOURCE_DIR)"); }

    void readsAndReportsRowByRow()
    {
        const ParsedFile parsed = parseBoris(fixture(), "/study/handmade_study.boris", ma52());
        QCOMPARE(summary(parsed.rows), kExpected);
        QCOMPARE(parsed.rows.first().videoPath.left(13), QStringLiteral("/study/media/"));
        QCOMPARE(parsed.rows.first().fpsNum, 25);
        QCOMPARE(parsed.rows.last().fpsNum, 30000); // 29.97002997 -> 30000/1001
        QCOMPARE(parsed.rows.last().fpsDen, 1001);
        QStringList reasons;
        for (const ImportIssue& i : parsed.issues)
            reasons << QStringLiteral("%1: %2").arg(i.line).arg(i.reason);
        const QString all = reasons.join('\n');
        QCOMPARE(parsed.issues.size(), 7);
        QVERIFY2(all.contains("0: ethogram behaviour \"sniff\" is not a class"), qPrintable(all));
        QVERIFY2(all.contains("5: observation \"interview 1\", event 5: behaviour \"sniff\" at 5 s is not a class"), qPrintable(all));
        QVERIFY2(all.contains("7: observation \"interview 1\", event 7: state event \"B1\" STARTs and never STOPs"), qPrintable(all));
        QVERIFY2(all.contains("observation \"live session\" is a live observation"), qPrintable(all));
        QVERIFY2(all.contains("media/side.mp4 of player 2 is not imported"), qPrintable(all));
        QVERIFY2(all.contains("3: observation \"interview 2\", event 3: behaviour \"C13\" is not in the ethogram"), qPrintable(all));
        QVERIFY2(all.contains("4: observation \"interview 2\", event 4: behaviour \"C13\" is not in the ethogram"), qPrintable(all));
    }

    void notABorisFileIsAnError()
    {
        const ParsedFile parsed = parseBoris("{\"hello\": 1}", "x.boris", ma52());
        QVERIFY(parsed.rows.isEmpty());
        QVERIFY(parsed.issues.first().reason.startsWith("not a BORIS project"));
    }

    void projectSurvivesTheRoundTrip()
    {
        QTemporaryDir dir;
        const QString borisPath = dir.filePath("handmade_study.boris");
        {
            QFile f(borisPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(fixture());
        }
        auto created = store::ProjectStore::create(dir.filePath("study.mas"), ma52(), "coder");
        QVERIFY2(created.ok(), qPrintable(created.error()));
        store::ProjectStore& project = *created.value();
        Result<BorisImportReport> imported = importBoris(project, borisPath);
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        QCOMPARE(imported->segmentsAdded, 4);
        QCOMPARE(imported->videosAdded, 2);
        QCOMPARE(imported->issues.size(), 7);
        // Subjects are participants (the one without events too); each video belongs to its observation's subject.
        Result<QVector<store::Participant>> participants = project.participants();
        QStringList codes;
        for (const store::Participant& p : participants.value())
            codes << p.code;
        codes.sort();
        QCOMPARE(codes, (QStringList{"0010", "0011", "0012"}));
        Result<QVector<SegmentRow>> rows = projectRows(project);
        QVERIFY(rows.ok());
        QCOMPARE(summary(rows.value()), kExpected);
        for (const SegmentRow& r : rows.value())
            QCOMPARE(r.labels.first().annotator, QStringLiteral("coder"));
        // The media are not on this disk: their length and rate come from BORIS's media_info.
        // Kept in a variable: a range-for over a temporary Result's value() would read a destroyed list.
        const Result<QVector<store::Video>> videos = project.videos();
        QVERIFY(videos.ok());
        for (const store::Video& v : videos.value()) {
            QVERIFY(v.missing);
            QCOMPARE(v.durationSeconds, v.path.endsWith("clip1.mp4") ? 20.0 : 10.0);
            QCOMPARE(v.frameCount, v.path.endsWith("clip1.mp4") ? int64_t(500) : int64_t(300));
        }

        // Export (A1 as a point event, as the ethogram had it), read back: the same events.
        BorisWriteOptions o;
        o.pointEventClasses = {classOf("A1")};
        const QString outPath = dir.filePath("exported.boris");
        Result<BorisExport> exported = exportBoris(project, outPath, o);
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        QCOMPARE(exported->observations, 2);
        QCOMPARE(exported->events, 7); // three START/STOP pairs and one point
        QVERIFY(exported->issues.isEmpty());
        QFile out(outPath);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QByteArray json = out.readAll();
        const ParsedFile again = parseBoris(json, outPath, ma52());
        QCOMPARE(summary(again.rows), kExpected);
        QVERIFY(again.issues.isEmpty());

        // The file is what BORIS reads: ethogram with types and categories, subjects, media per player, events.
        const QJsonObject root = QJsonDocument::fromJson(json).object();
        QCOMPARE(root.value("project_format_version").toString(), QStringLiteral("7.0"));
        const QJsonObject ethogram = root.value("behaviors_conf").toObject();
        QCOMPARE(ethogram.size(), ma52().classCount());
        const QJsonObject a1 = ethogram.value(QString::number(classOf("A1"))).toObject();
        QCOMPARE(a1.value("type").toString(), QStringLiteral("Point event"));
        QCOMPARE(a1.value("category").toString(), QStringLiteral("body"));
        const QJsonObject c13 = ethogram.value(QString::number(classOf("C13"))).toObject();
        QCOMPARE(c13.value("type").toString(), QStringLiteral("State event"));
        QCOMPARE(c13.value("modifiers").toObject().value("0").toObject().value("values").toArray().first().toString(), QStringLiteral("slow"));
        QCOMPARE(root.value("subjects_conf").toObject().size(), 3);
        const QJsonObject obs = root.value("observations").toObject().value("clip1").toObject();
        QCOMPARE(obs.value("file").toObject().value("1").toArray().first().toString(), QStringLiteral("media/clip1.mp4"));
        const QJsonArray events = obs.value("events").toArray();
        QCOMPARE(events.size(), 5);
        QCOMPARE(events[0].toArray()[0].toDouble(), 1.0);                   // B1 START at 1 s
        QCOMPARE(events[0].toArray()[1].toString(), QStringLiteral("0010")); // subject
        QCOMPARE(events[1].toArray()[3].toString(), QStringLiteral("slow")); // C13's modifier
        QCOMPARE(events[1].toArray()[4].toString(), QStringLiteral("hands low"));

        // And into a second project: the same segments.
        auto second = store::ProjectStore::create(dir.filePath("second.mas"), ma52(), "coder");
        QVERIFY(second.ok());
        QVERIFY(importBoris(*second.value(), outPath).ok());
        QCOMPARE(summary(projectRows(*second.value()).value()), kExpected);
    }

    void exportReportsWhatBorisCannotHold()
    {
        QVector<SegmentRow> rows(3);
        for (SegmentRow& r : rows) {
            r.videoPath = "/v/a.mp4";
            r.fpsNum = 25;
        }
        rows[0].startFrame = 0, rows[0].endFrame = 50, rows[0].labels = {{classOf("B1"), "ann", store::LabelStatus::Confirmed}};
        rows[1].startFrame = 25, rows[1].endFrame = 75, rows[1].labels = {{classOf("B1"), "ann", store::LabelStatus::Confirmed}};
        rows[2].startFrame = 80, rows[2].endFrame = 90; // no label
        const BorisExport out = writeBoris(rows, {}, {}, ma52());
        QCOMPARE(out.events, 2);
        QCOMPARE(out.issues.size(), 2);
        QVERIFY(out.issues[0].reason.contains("overlaps another B1 segment"));
        QVERIFY(out.issues[1].reason.contains("no class"));
    }

#ifdef MASTUDIO_CLI
    void cliVerbs()
    {
        QTemporaryDir dir;
        const QString borisPath = dir.filePath("handmade_study.boris");
        QVERIFY(QFile::copy(qEnvironmentVariable("MAS_SOURCE_DIR") + "/tests/exchange/data/handmade_study.boris", borisPath));
        QProcess cli;
        cli.start(MASTUDIO_CLI, {"project", "create", dir.filePath("p.mas")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        cli.start(MASTUDIO_CLI, {"import", "boris", dir.filePath("p.mas"), borisPath});
        QVERIFY(cli.waitForFinished(60000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(err));
        QCOMPARE(err.count("not mapped:"), 7);
        cli.start(MASTUDIO_CLI, {"export", "boris", dir.filePath("p.mas"), dir.filePath("out.boris")});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile out(dir.filePath("out.boris"));
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(summary(parseBoris(out.readAll(), out.fileName(), ma52()).rows), kExpected);
    }
#endif
};

QTEST_GUILESS_MAIN(TestBoris)
#include "tst_boris.moc"
