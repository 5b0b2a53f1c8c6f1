// mastudio: the GUI. Only wiring lives here; the window is built in ui/.
#include <QApplication>
#include <QLabel>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MicroAction Studio"));
    QApplication::setOrganizationName(QStringLiteral("MicroActionStudio"));
    QLabel placeholder(QStringLiteral("MicroAction Studio " MAS_VERSION));
    placeholder.show();
    return app.exec();
}
