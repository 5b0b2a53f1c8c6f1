// PreferencesDialog and ShortcutSheetDialog over a real QSettings file: values typed in the dialog
// are saved on Apply/OK (not on Cancel), hotkeys edited with the keyboard are stored as differences
// from the taxonomy's scheme, conflicts are named, and the shortcut sheet shows and filters them.
#include "TestSupport.h"

#include "ModelCatalog.h"

#include "labeling/ClassHotkeys.h"
#include "prefs/Preferences.h"
#include "prefs/PreferencesDialog.h"
#include "prefs/ShortcutSheetDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <fstream>
#include <string>

using namespace mas;

class TestPreferences : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    const Taxonomy& taxonomy() { return Taxonomy::builtinMa52(); }
    int classId(const QString& code) { return taxonomy().classByCode(code)->id; }

    static void typeInto(QSpinBox* box, const QString& text)
    {
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, text);
        QTest::keyClick(box, Qt::Key_Tab);
    }

private Q_SLOTS:
    void init()
    {
        m_settings = std::make_unique<QSettings>(m_dir.filePath("prefs.ini"), QSettings::IniFormat);
        m_settings->clear();
    }

    void defaultsWithoutSettings()
    {
        const ui::Preferences p = ui::Preferences::load(*m_settings);
        QCOMPARE(p.frameCacheMB, 512);
        QCOMPARE(p.device, QString("cpu"));
        QCOMPARE(p.theme, QString("light"));
        QCOMPARE(p.windowFrames, 60);
        QCOMPARE(p.strideFrames, 30);
    }

    void generalValuesSavedOnApply()
    {
        ui::PreferencesDialog dialog(m_settings.get(), taxonomy());
        dialog.show();
        QApplication::setActiveWindow(&dialog);
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QSignalSpy changed(&dialog, &ui::PreferencesDialog::preferencesChanged);
        typeInto(dialog.findChild<QSpinBox*>("frameCacheMB"), "2048");
        typeInto(dialog.findChild<QSpinBox*>("windowFrames"), "48");
        typeInto(dialog.findChild<QSpinBox*>("strideFrames"), "12");
        auto* device = dialog.findChild<QComboBox*>("device");
        device->setFocus();
        QTest::keyClick(device, Qt::Key_Down);
        // The second choice is whatever this machine offers after the CPU (CUDA, else bf16, else none).
        const QString secondDevice = device->itemData(std::min(1, device->count() - 1)).toString();
        auto* theme = dialog.findChild<QComboBox*>("theme");
        theme->setFocus();
        QTest::keyClick(theme, Qt::Key_Down);
        QVERIFY(!m_settings->contains("prefs/device")); // nothing written before Apply
        dialog.grab().save(test::artifactPath("preferences_general.png"));
        dialog.apply();
        QCOMPARE(changed.count(), 1);
        const ui::Preferences p = ui::Preferences::load(*m_settings);
        QCOMPARE(p.frameCacheMB, 2048);
        QCOMPARE(p.device, secondDevice);
        QCOMPARE(p.theme, QString("dark"));
        QCOMPARE(p.windowFrames, 48);
        QCOMPARE(p.strideFrames, 12);
        QCOMPARE(ui::paletteForTheme("dark", QPalette()).color(QPalette::Window).lightness() < 80, true);
    }

    // Where the CPU computes bf16 natively, a third choice pre-labels in bfloat16; it survives a reload.
    void bfloat16ChoiceWhereTheCpuHasIt()
    {
        ui::PreferencesDialog dialog(m_settings.get(), taxonomy());
        dialog.show();
        auto* device = dialog.findChild<QComboBox*>("device");
        const worker::ComputeCapabilities compute = worker::computeCapabilities();
        // CUDA is offered only where a device is present.
        QCOMPARE(device->findData("cuda") >= 0, compute.cuda);
        if (!compute.cpuBFloat16) {
            QCOMPARE(device->findData("cpu-bf16"), -1);
            QSKIP("this CPU lacks AVX512-BF16: the choice is not offered");
        }
        QCOMPARE(device->count(), compute.cuda ? 3 : 2);
        // The choice says what to expect from this CPU: faster on AMX, maybe not without it (checked against
        // /proc/cpuinfo read here, not against the app's own reading of it).
        std::ifstream cpuinfo("/proc/cpuinfo");
        std::string line;
        bool amx = false;
        while (std::getline(cpuinfo, line))
            if (line.rfind("flags", 0) == 0) {
                amx = (line + " ").find(" amx_bf16 ") != std::string::npos;
                break;
            }
        QCOMPARE(compute.cpuAmxBFloat16, amx);
        const QString text = device->itemText(device->findData("cpu-bf16"));
        QVERIFY2(text.contains(amx ? "AMX units" : "no AMX"), qPrintable(text));
        device->setFocus();
        QTest::keyClick(device, Qt::Key_End);
        dialog.apply();
        QCOMPARE(ui::Preferences::load(*m_settings).device, QString("cpu-bf16"));
    }

    void cancelWritesNothing()
    {
        ui::PreferencesDialog dialog(m_settings.get(), taxonomy());
        dialog.show();
        typeInto(dialog.findChild<QSpinBox*>("frameCacheMB"), "4096");
        dialog.reject();
        QVERIFY(!m_settings->contains("prefs/frameCacheMB"));
    }

    void hotkeyEditedWithTheKeyboard()
    {
        ui::PreferencesDialog dialog(m_settings.get(), taxonomy());
        dialog.show();
        QApplication::setActiveWindow(&dialog);
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        dialog.findChild<QTabWidget*>()->setCurrentIndex(1);
        auto* edit = dialog.findChild<QKeySequenceEdit*>("hotkey_A1");
        QVERIFY(edit);
        edit->setFocus();
        edit->clear();
        QTest::keyClick(edit, Qt::Key_9, Qt::ControlModifier);
        QCOMPARE(dialog.shownHotkeys().value(classId("A1")), QKeySequence(Qt::CTRL | Qt::Key_9));
        // Giving G1 the default key of G2 is named as a conflict.
        dialog.setShownHotkey(classId("G1"), ui::ClassHotkeys::defaultFor(*taxonomy().classByCode("G2")));
        auto* conflicts = dialog.findChild<QLabel*>("hotkeyConflicts");
        QVERIFY(conflicts->isVisible());
        QVERIFY(conflicts->text().contains("G1") && conflicts->text().contains("G2"));
        dialog.grab().save(test::artifactPath("preferences_hotkeys.png"));
        dialog.setShownHotkey(classId("G1"), ui::ClassHotkeys::defaultFor(*taxonomy().classByCode("G1")));
        QVERIFY(!conflicts->isVisible());
        dialog.accept();
        QCOMPARE(m_settings->value("hotkeys/A1").toString(), QString("Ctrl+9"));
        QVERIFY(!m_settings->contains("hotkeys/G1"));
        QCOMPARE(ui::ClassHotkeys::load(*m_settings, taxonomy()).value(classId("A1")), QKeySequence(Qt::CTRL | Qt::Key_9));

        ui::PreferencesDialog again(m_settings.get(), taxonomy());
        QCOMPARE(again.shownHotkeys().value(classId("A1")), QKeySequence(Qt::CTRL | Qt::Key_9));
        again.restoreDefaultHotkeys();
        again.apply();
        QVERIFY(!m_settings->contains("hotkeys/A1"));
    }

    void shortcutSheetListsAndFilters()
    {
        QHash<int, QKeySequence> keys = ui::ClassHotkeys::load(*m_settings, taxonomy());
        keys[classId("B1")] = QKeySequence(Qt::CTRL | Qt::Key_N);
        ui::ClassHotkeys::save(*m_settings, taxonomy(), keys);
        ui::ShortcutSheetDialog sheet(m_settings.get(), taxonomy());
        sheet.addSection("Player", {{"Space", "Play / pause"}, {"Left / Right", "Previous / next frame"}});
        sheet.show();
        QVERIFY(sheet.visibleEntryCount() >= 52 + 2 + 4);
        QTest::qWait(20);
        sheet.grab().save(test::artifactPath("shortcut_sheet.png"));
        auto* filter = sheet.findChild<QLineEdit*>("shortcutFilter");
        QTest::keyClicks(filter, "nodding");
        QCOMPARE(sheet.visibleEntryCount(), 1);
        QTreeWidget* tree = sheet.tree();
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            if (!tree->topLevelItem(i)->isHidden() && !tree->topLevelItem(i)->isFirstColumnSpanned())
                QCOMPARE(tree->topLevelItem(i)->text(0), QKeySequence(Qt::CTRL | Qt::Key_N).toString(QKeySequence::NativeText));
        filter->clear();
        QTest::keyClicks(filter, "play");
        QVERIFY(sheet.visibleEntryCount() >= 2); // the shell's section and "playing objects"
    }
};

QTEST_MAIN(TestPreferences)
#include "tst_prefsdialog.moc"
