// mastudio: the GUI. Only wiring lives here; the window is built in ui/.
//   mastudio [PROJECT.mas] [--demo] [--annotator NAME]
#include "shell/AnnotatorPrompt.h"
#include "shell/DemoProject.h"
#include "shell/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MicroAction Studio"));
    QApplication::setOrganizationName(QStringLiteral("MicroActionStudio"));
    QApplication::setApplicationVersion(QStringLiteral(MAS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/mas/icons/mastudio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Annotate and review micro-actions in video."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo project (made on first use)."));
    QCommandLineOption annotatorOption(QStringLiteral("annotator"), QStringLiteral("Annotate as NAME (no prompt)."),
                                       QStringLiteral("NAME"));
    parser.addOptions({demo, annotatorOption});
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file (.mas) to open."), QStringLiteral("[PROJECT.mas]"));
    parser.process(app);

    QSettings settings;
    QString annotator = parser.value(annotatorOption).trimmed();
    if (annotator.isEmpty())
        annotator = mas::ui::askAnnotatorName(nullptr, settings);
    else
        mas::ui::rememberAnnotator(settings, annotator);
    if (annotator.isEmpty())
        annotator = mas::ui::recentAnnotators(settings).value(0);

    mas::ui::MainWindow window(settings, annotator);
    window.show();

    QString project = parser.positionalArguments().value(0);
    if (parser.isSet(demo)) {
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
        auto demoProject = mas::ui::ensureDemoProject(folder);
        if (!demoProject)
            QMessageBox::warning(&window, QObject::tr("Demo project"), demoProject.error());
        else
            project = demoProject.value();
    }
    if (!project.isEmpty())
        if (mas::Status s = window.openProject(project); !s)
            QMessageBox::warning(&window, QObject::tr("Open project"), s.error());
    return app.exec();
}
