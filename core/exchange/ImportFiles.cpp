// importFiles: read exchange files with what the project knows, then import them in one go.
#include "exchange/ImportFiles.h"

#include "exchange/AtomicFile.h"
#include "exchange/Eaf.h"
#include "exchange/MiniZip.h"
#include "exchange/PredictionCsv.h"
#include "exchange/SegmentTable.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>

namespace mas::exchange {

using namespace mas::store;

std::optional<ImportFormat> importFormatFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("ma52-list") || n == QLatin1String("ma52") || n == QLatin1String("list"))
        return ImportFormat::Ma52List;
    if (n == QLatin1String("predictions"))
        return ImportFormat::Predictions;
    if (n == QLatin1String("eaf") || n == QLatin1String("elan"))
        return ImportFormat::Eaf;
    if (n == QLatin1String("csv"))
        return ImportFormat::Csv;
    if (n == QLatin1String("json"))
        return ImportFormat::Json;
    return std::nullopt;
}

QString importFormatName(ImportFormat format)
{
    switch (format) {
    case ImportFormat::Ma52List: return QStringLiteral("ma52-list");
    case ImportFormat::Predictions: return QStringLiteral("predictions");
    case ImportFormat::Eaf: return QStringLiteral("eaf");
    case ImportFormat::Csv: return QStringLiteral("csv");
    case ImportFormat::Json: return QStringLiteral("json");
    }
    return QString();
}

QString importFormatFilter(ImportFormat format)
{
    switch (format) {
    case ImportFormat::Ma52List: return QStringLiteral("MA-52 / mmaction2 list files (*.txt *.list);;All files (*)");
    case ImportFormat::Predictions: return QStringLiteral("Benchmark prediction CSV (*.csv *.zip);;All files (*)");
    case ImportFormat::Eaf: return QStringLiteral("ELAN annotation files (*.eaf);;All files (*)");
    case ImportFormat::Csv: return QStringLiteral("CSV files (*.csv *.tsv *.txt);;All files (*)");
    case ImportFormat::Json: return QStringLiteral("MicroAction Studio JSON (*.json);;All files (*)");
    }
    return QString();
}

namespace {

// Frame rates of the project's videos, by project-relative path and by (unique) file name.
class ProjectRates {
public:
    ProjectRates(const ProjectStore& store, const QString& dataRoot) : m_projectDir(store.projectDir())
    {
        m_root = dataRoot.isEmpty() ? m_projectDir : QDir(dataRoot).absolutePath();
        if (Result<QVector<Video>> videos = store.videos(); videos.ok())
            for (const Video& v : videos.value()) {
                if (v.fpsNum <= 0)
                    continue;
                m_byPath.insert(v.path, v);
                m_byName[QFileInfo(v.path).fileName()] << v;
            }
    }
    const Video* find(const QString& videoPath) const
    {
        const QString relative
            = QDir::cleanPath(QDir(m_projectDir).relativeFilePath(QDir(m_root).absoluteFilePath(videoPath)));
        if (auto it = m_byPath.find(relative); it != m_byPath.end())
            return &*it;
        if (auto it = m_byName.find(QFileInfo(videoPath).fileName()); it != m_byName.end() && it->size() == 1)
            return &it->first();
        return nullptr;
    }

private:
    QString m_projectDir, m_root;
    QHash<QString, Video> m_byPath;
    QHash<QString, QVector<Video>> m_byName;
};

Result<ParsedFile> readPredictions(const QString& path, const Taxonomy& taxonomy, const QString& modelVersion)
{
    if (!path.endsWith(QLatin1String(".zip"), Qt::CaseInsensitive))
        return readPredictionCsvFile(path, taxonomy, modelVersion);
    // A submission zip: its prediction.csv.
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())};
    Result<QVector<ZipEntry>> entries = readStoredZip(f.readAll());
    if (!entries.ok())
        return Error{path + QStringLiteral(": ") + entries.error()};
    for (const ZipEntry& e : entries.value())
        if (QFileInfo(e.name).fileName().compare(QLatin1String("prediction.csv"), Qt::CaseInsensitive) == 0)
            return parsePredictionCsv(QString::fromUtf8(e.data), path + QStringLiteral(":prediction.csv"), taxonomy,
                                      modelVersion);
    return Error{path + QStringLiteral(": the zip holds no prediction.csv")};
}

Result<ParsedFile> readOne(const ProjectStore& store, const ProjectRates& rates, ImportFormat format, const QString& path,
                           const ImportFilesOptions& options)
{
    const Taxonomy& taxonomy = store.taxonomy();
    switch (format) {
    case ImportFormat::Ma52List: {
        Ma52ListOptions o;
        if (!options.annotator.isEmpty())
            o.annotator = options.annotator;
        o.split = options.split;
        return readMa52ListFile(path, taxonomy, o);
    }
    case ImportFormat::Predictions:
        return readPredictions(path, taxonomy, options.modelVersion);
    case ImportFormat::Eaf: {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())};
        const QByteArray xml = f.readAll();
        EafReadOptions o;
        o.defaultAnnotator = options.annotator;
        o.fpsNum = options.defaultFpsNum;
        o.fpsDen = options.defaultFpsDen;
        ParsedFile first = parseEaf(xml, path, taxonomy, o);
        // Milliseconds become frames at the project video's own rate when the video is known.
        const Video* video = first.rows.isEmpty() ? nullptr : rates.find(first.rows.first().videoPath);
        if (!video || (first.rows.first().fpsNum == video->fpsNum && first.rows.first().fpsDen == video->fpsDen))
            return first;
        o.fpsNum = video->fpsNum;
        o.fpsDen = video->fpsDen;
        return parseEaf(xml, path, taxonomy, o);
    }
    case ImportFormat::Csv: {
        SegmentCsvOptions o;
        o.defaultAnnotator = options.annotator;
        o.defaultFpsNum = options.defaultFpsNum;
        o.defaultFpsDen = options.defaultFpsDen;
        o.frameRateOfVideo = [&rates](const QString& videoPath, int* num, int* den) {
            const Video* v = rates.find(videoPath);
            if (!v)
                return false;
            *num = v->fpsNum;
            *den = v->fpsDen;
            return true;
        };
        return readSegmentCsvFile(path, taxonomy, o);
    }
    case ImportFormat::Json: {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())};
        return parseSegmentJson(f.readAll(), path, taxonomy);
    }
    }
    return Error{path + QStringLiteral(": unknown import format")};
}

} // namespace

Result<ParsedFile> readImportFiles(const ProjectStore& store, ImportFormat format, const QStringList& paths,
                                   const ImportFilesOptions& options)
{
    if (paths.isEmpty())
        return Error{QStringLiteral("no files to import")};
    if (format == ImportFormat::Predictions && options.modelVersion.trimmed().isEmpty())
        return Error{QStringLiteral("predictions need the name of the model version they come from")};
    const ProjectRates rates(store, options.project.dataRoot);
    ParsedFile all;
    for (const QString& path : paths) {
        Result<ParsedFile> one = readOne(store, rates, format, path, options);
        if (!one.ok())
            return Error{one.error()};
        all.rows += one->rows;
        all.issues += one->issues;
    }
    return all;
}

Result<ImportReport> importFiles(ProjectStore& store, ImportFormat format, const QStringList& paths,
                                 const ImportFilesOptions& options, const ExchangeControl& control)
{
    Result<ParsedFile> parsed = readImportFiles(store, format, paths, options);
    if (!parsed.ok())
        return Error{parsed.error()};
    if (control.cancelled())
        return Error{store.path() + QStringLiteral(": import cancelled; nothing was imported")};
    ProjectImportOptions project = options.project;
    // Prediction files name videos by file name only; they attach to the project's videos, and a
    // row naming none is reported rather than adding an empty video.
    if (format == ImportFormat::Predictions) {
        project.matchByFileName = true;
        project.createVideos = false;
    }
    return importRows(store, parsed.value(), project, control);
}

} // namespace mas::exchange
