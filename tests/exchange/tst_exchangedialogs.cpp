// The GUI side of data exchange, headless: the Data menu follows the open project (disabled without
// one, imports off when read-only), the split planner saves a named plan and shows its report, the
// agreement dialog computes over the project's annotators.
#include "exchange/AgreementDialog.h"
#include "exchange/ExchangeMenu.h"
#include "exchange/SplitPlanDialog.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace mas;
using namespace mas::exchange;

namespace {

std::unique_ptr<store::ProjectStore> projectWithTwoAnnotators(const QString& path)
{
    auto created = store::ProjectStore::create(path, Taxonomy::builtinMa52(), "tester");
    if (!created.ok())
        qFatal("%s", qPrintable(created.error()));
    ParsedFile p;
    for (int part = 0; part < 12; ++part)
        for (int k = 0; k < 6; ++k) {
            SegmentRow r;
            r.videoPath = QStringLiteral("v/%1_00_%2.mp4").arg(part, 4, 10, QChar('0')).arg(k, 4, 10, QChar('0'));
            r.participant = QStringLiteral("%1").arg(part, 4, 10, QChar('0'));
            r.endFrame = 30;
            r.labels = {{k % 3, "alice", store::LabelStatus::Confirmed}, {k % 3 == 2 ? 1 : k % 3, "bob", store::LabelStatus::Confirmed}};
            p.rows << r;
        }
    if (Result<ImportReport> r = importRows(*created.value(), p); !r.ok())
        qFatal("%s", qPrintable(r.error()));
    return std::move(created.value());
}

} // namespace

class TestExchangeDialogs : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void menuFollowsTheProject()
    {
        auto store = projectWithTwoAnnotators(m_tmp.path() + "/menu.mas");
        ui::ExchangeMenu menu;
        QVERIFY(!menu.importAction("ma52-list")->isEnabled());
        QVERIFY(!menu.exportAction("mmaction")->isEnabled());
        menu.setStore(store.get());
        for (const char* f : {"ma52-list", "predictions", "eaf", "csv", "json"})
            QVERIFY2(menu.importAction(f)->isEnabled(), f);
        for (const char* k : {"mmaction", "csv", "json", "eaf", "predictions"})
            QVERIFY2(menu.exportAction(k)->isEnabled(), k);
        QVERIFY(menu.splitAction()->isEnabled() && menu.agreementAction()->isEnabled());
        const QString path = store->path();
        store.reset();
        auto readOnly = store::ProjectStore::open(path, store::OpenMode::ReadOnly);
        QVERIFY(readOnly.ok());
        menu.setStore(readOnly.value().get());
        QVERIFY(!menu.importAction("csv")->isEnabled());
        QVERIFY(!menu.splitAction()->isEnabled());
        QVERIFY(menu.exportAction("csv")->isEnabled());
        menu.setStore(nullptr);
        QVERIFY(!menu.agreementAction()->isEnabled());
    }

    void splitPlannerSavesANamedPlan()
    {
        auto store = projectWithTwoAnnotators(m_tmp.path() + "/split.mas");
        ui::SplitPlanDialog dialog(*store);
        QSignalSpy saved(&dialog, &ui::SplitPlanDialog::planSaved);
        QVERIFY(dialog.reportText().contains("No split plan yet"));
        QPushButton* plan = nullptr;
        for (QPushButton* b : dialog.findChildren<QPushButton*>())
            if (b->text() == "Plan and save")
                plan = b;
        QVERIFY(plan);
        plan->click();
        QCOMPARE(saved.count(), 1);
        QCOMPARE(saved.first().first().toString(), QString("by participant"));
        Result<QVector<store::SplitPlan>> plans = store->splitPlans();
        QCOMPARE(plans->size(), 1);
        QCOMPARE(plans->first().name, QString("by participant"));
        QVERIFY2(dialog.reportText().contains("leakage: none"), qPrintable(dialog.reportText()));
    }

    void agreementDialogComputes()
    {
        auto store = projectWithTwoAnnotators(m_tmp.path() + "/agreement.mas");
        ui::AgreementDialog dialog(*store);
        QVERIFY(dialog.compute());
        QVERIFY2(dialog.resultText().contains("alice") && dialog.resultText().contains("bob"), qPrintable(dialog.resultText()));
    }
};

QTEST_MAIN(TestExchangeDialogs)
#include "tst_exchangedialogs.moc"
