#include "shell/ProjectDialogs.h"

#include "shell/ProjectName.h"
#include "store/ServerUrl.h"
#include "store/VideoFolderImport.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QSettings>
#include <QtConcurrent>

namespace mas::ui {

QStringList recentProjects(const QSettings& settings)
{
    return settings.value(QStringLiteral("project/recent")).toStringList();
}

void rememberRecentProject(QSettings& settings, const QString& path)
{
    const QString absolute = projectRecentKey(path); // a server URL without its password
    if (absolute.isEmpty())
        return;
    QStringList list = recentProjects(settings);
    list.removeAll(absolute);
    list.prepend(absolute);
    settings.setValue(QStringLiteral("project/recent"), list.mid(0, 10));
}

static QString lastFolder(const QSettings& settings)
{
    for (const QString& recent : recentProjects(settings))
        if (!store::isServerUrl(recent)) // a server project has no folder
            return QFileInfo(recent).absolutePath();
    return QDir::homePath();
}

QString askProjectToOpen(QWidget* parent, const QSettings& settings)
{
    return QFileDialog::getOpenFileName(parent, QObject::tr("Open project"), lastFolder(settings),
                                        QObject::tr("MicroAction Studio projects (*.mas)"));
}

QString askNewProjectPath(QWidget* parent, const QSettings& settings)
{
    QString path = QFileDialog::getSaveFileName(parent, QObject::tr("New project"), lastFolder(settings),
                                                QObject::tr("MicroAction Studio projects (*.mas)"));
    if (!path.isEmpty() && !path.endsWith(QStringLiteral(".mas")))
        path += QStringLiteral(".mas");
    return path;
}

void importVideosInteractively(QWidget* parent, store::ProjectStore& store, QObject* context,
                               std::function<void(const QString&)> done)
{
    const QString dir = QFileDialog::getExistingDirectory(parent, QObject::tr("Import a folder of videos"), store.projectDir());
    if (dir.isEmpty())
        return;
    bool ok = false;
    const QString pattern = QInputDialog::getText(
        parent, QObject::tr("Participant from the file name"),
        QObject::tr("Regular expression on the file's base name; its first group is the participant code:"),
        QLineEdit::Normal, QString::fromLatin1(store::kMa52FileNamePattern), &ok);
    if (!ok)
        return;
    // SQLite connections are per thread: the import opens its own on the worker thread.
    auto* watcher = new QFutureWatcher<QString>(context);
    QObject::connect(watcher, &QFutureWatcher<QString>::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    auto connection = &store;
    watcher->setFuture(QtConcurrent::run([connection, dir, pattern]() -> QString {
        auto own = connection->openAnotherConnection();
        if (!own)
            return own.error();
        store::VideoFolderImportOptions options;
        options.participantPattern = pattern;
        auto report = store::importVideoFolder(*own.value(), dir, options);
        if (!report)
            return report.error();
        QString text = QObject::tr("Imported %1 of %2 videos from %3 (%4 segments added, %5 already in the project).")
                           .arg(report->imported).arg(report->found).arg(dir).arg(report->segmentsAdded).arg(report->alreadyInProject);
        if (!report->skipped.isEmpty())
            text += QObject::tr(" Skipped: %1").arg(report->skipped.join(QStringLiteral("; ")));
        return text;
    }));
}

QString relinkVideosInteractively(QWidget* parent, store::ProjectStore& store)
{
    const QString dir = QFileDialog::getExistingDirectory(parent, QObject::tr("Folder holding the moved videos"), store.projectDir());
    if (dir.isEmpty())
        return {};
    auto report = store.relinkFolder(dir);
    if (!report)
        return report.error();
    return QObject::tr("Relinked %1 videos, %2 still missing. %3")
        .arg(report->relinked).arg(report->stillMissing).arg(report->messages.join(QStringLiteral("; ")));
}

QString projectInfoText(const store::ProjectStore& store)
{
    auto counts = store.counts();
    if (!counts)
        return counts.error();
    const store::ProjectCounts& c = counts.value();
    return QObject::tr("%1\n\nVideos: %2 (%3 missing)\nParticipants: %4\nSegments: %5\nLabels: %6 "
                       "(%7 prelabeled, %8 confirmed, %9 disputed, %10 rejected)\nModel versions: %11\nPredictions: %12\n"
                       "Taxonomy: %13\nEdit log entries: %14")
        .arg(store.path()).arg(c.videos).arg(c.missingVideos).arg(c.participants).arg(c.segments).arg(c.labels)
        .arg(c.labelsByStatus[0]).arg(c.labelsByStatus[1]).arg(c.labelsByStatus[2]).arg(c.labelsByStatus[3])
        .arg(c.modelVersions).arg(c.predictions).arg(store.taxonomy().version()).arg(c.editLogEntries);
}

} // namespace mas::ui
