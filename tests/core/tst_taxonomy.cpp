// The built-in MA-52 taxonomy: the ids training code uses, codes, body parts, and custom TSVs.
#include "TestSupport.h"
#include "taxonomy/Taxonomy.h"

#include <QFile>
#include <QKeySequence>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using mas::Taxonomy;

class TaxonomyTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsPerBodyPart()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        QCOMPARE(t.classCount(), 52);
        QCOMPARE(t.bodyPartCount(), 7);
        const QVector<int> expected{5, 6, 13, 8, 6, 10, 4};
        for (int bp = 0; bp < 7; ++bp)
            QCOMPARE(t.classesOfBodyPart(bp).size(), expected[bp]);
    }

    void codesAreUniqueAndMatchTheirBodyPart()
    {
        const Taxonomy& t = Taxonomy::builtinMa52();
        QSet<QString> codes;
        for (const mas::ActionClass& c : t.classes()) {
            QVERIFY2(!codes.contains(c.code), qPrintable(c.code));
            codes.insert(c.code);
            QCOMPARE(c.code.left(1), t.bodyPart(c.bodyPartId)->letter);
        }
        QCOMPARE(t.classByCode("B1")->name, QStringLiteral("nodding"));
        QCOMPARE(t.classByCode("B1")->id, 9);
        QCOMPARE(t.classByName("Covering Face")->id, 45);
    }

    void hotkeysAreValidAndDistinct()
    {
        QSet<QString> seen;
        for (const mas::ActionClass& c : Taxonomy::builtinMa52().classes()) {
            const QKeySequence seq(c.hotkey);
            QVERIFY2(!seq.isEmpty(), qPrintable(c.code));
            QVERIFY2(!seen.contains(seq.toString()), qPrintable(c.hotkey));
            seen.insert(seq.toString());
        }
    }

    void bodyPartsHaveDistinctColours()
    {
        QSet<QRgb> colours;
        for (const mas::BodyPart& p : Taxonomy::builtinMa52().bodyParts())
            colours.insert(p.colour.rgb());
        QCOMPARE(colours.size(), 7);
    }

    void matchesOfficialLabelMap()
    {
        const QString shared = mas::test::sharedDir();
        if (shared.isEmpty())
            QSKIP("../shared not present: skipping the check against ma52/label_map.tsv");
        QFile f(shared + "/ma52/label_map.tsv");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts).mid(1);
        const Taxonomy& t = Taxonomy::builtinMa52();
        QCOMPARE(lines.size(), t.classCount());
        for (const QString& line : lines) {
            const QStringList f = line.trimmed().split('\t');
            const mas::ActionClass* c = t.classById(f[0].toInt());
            QVERIFY(c);
            QCOMPARE(c->code, f[1]);
            QCOMPARE(c->name, f[2]);
            QCOMPARE(c->bodyPartId, f[3].toInt());
            QCOMPARE(t.bodyPart(c->bodyPartId)->name, f[4]);
        }
    }

    void customTaxonomyFromTsv()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("lab.tsv");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("id\tcode\tname\tbody_part_id\tbody_part\r\n0\tX1\tblinking\t0\teyes\r\n1\tY1\tsmiling\t1\tmouth\r\n");
        f.close();
        auto t = Taxonomy::fromTsvFile(path);
        QVERIFY2(t.ok(), qPrintable(t.error()));
        QCOMPARE(t->classCount(), 2);
        QCOMPARE(t->bodyPart(1)->name, QStringLiteral("mouth"));
        QVERIFY(t->version().startsWith("custom:"));
        // The stored form round-trips.
        auto again = Taxonomy::fromTsvText(t->toTsv(), "stored", t->version());
        QVERIFY(again.ok());
        QCOMPARE(again->classByCode("Y1")->name, QStringLiteral("smiling"));
    }

    void malformedTaxonomyNamesTheProblem()
    {
        auto missingColumn = Taxonomy::fromTsvText("id\tcode\tname\n0\tA1\tx\n", "bad.tsv", "v");
        QVERIFY(!missingColumn.ok());
        QVERIFY(missingColumn.error().contains("bad.tsv"));
        QVERIFY(missingColumn.error().contains("body_part_id"));
        auto gap = Taxonomy::fromTsvText("id\tcode\tname\tbody_part_id\tbody_part\n0\tA1\tx\t0\tb\n2\tA2\ty\t0\tb\n", "gap.tsv", "v");
        QVERIFY(!gap.ok());
        QVERIFY(gap.error().contains("ids must run"));
    }

    void nearestNameSuggestion()
    {
        QCOMPARE(Taxonomy::builtinMa52().nearestByName("noding")->code, QStringLiteral("B1"));
    }
};

QTEST_MAIN(TaxonomyTest)
#include "tst_taxonomy.moc"
