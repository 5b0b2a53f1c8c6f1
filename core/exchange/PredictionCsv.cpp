#include "exchange/PredictionCsv.h"

#include "exchange/AtomicFile.h"
#include "exchange/Csv.h"

#include <QSet>

namespace mas::exchange {
namespace {

QStringList expectedHeader()
{
    QStringList h{QStringLiteral("vid")};
    for (int i = 1; i <= kBenchmarkTopK; ++i)
        h << QStringLiteral("action_pred_%1").arg(i);
    for (int i = 1; i <= kBenchmarkTopK; ++i)
        h << QStringLiteral("body_pred_%1").arg(i);
    return h;
}

} // namespace

ParsedFile parsePredictionCsv(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                              const QString& modelVersion)
{
    ParsedFile out;
    const CsvParse csv = parseCsv(text);
    if (!csv.error.isEmpty())
        out.issues.push_back({fileName, csv.errorLine, csv.error.section(QLatin1String(": "), 1), {}});
    if (csv.records.isEmpty()) {
        out.issues.push_back({fileName, 0, QStringLiteral("no header row"), {}});
        return out;
    }
    QStringList header;
    for (const QString& f : csv.records[0].fields)
        header << f.trimmed().toLower();
    if (header != expectedHeader()) {
        out.issues.push_back({fileName, csv.records[0].line,
                              QStringLiteral("header is not `%1`").arg(expectedHeader().join(QLatin1Char(','))), {}});
        return out;
    }
    QSet<QString> seen;
    for (int r = 1; r < csv.records.size(); ++r) {
        const CsvRecord& rec = csv.records[r];
        auto issue = [&](const QString& reason) { out.issues.push_back({fileName, rec.line, reason, {}}); };
        if (rec.fields.size() != 1 + 2 * kBenchmarkTopK) {
            issue(QStringLiteral("expected %1 fields, found %2").arg(1 + 2 * kBenchmarkTopK).arg(rec.fields.size()));
            continue;
        }
        const QString vid = rec.fields[0].trimmed();
        if (vid.isEmpty()) {
            issue(QStringLiteral("empty vid"));
            continue;
        }
        PredictionEntry prediction;
        prediction.modelVersion = modelVersion;
        bool bad = false;
        for (int k = 0; k < kBenchmarkTopK && !bad; ++k) {
            bool ok = false;
            const QString field = rec.fields[1 + k].trimmed();
            const int id = field.toInt(&ok);
            if (!ok || !taxonomy.classById(id)) {
                issue(QStringLiteral("action_pred_%1 '%2' is not a class id").arg(k + 1).arg(field));
                bad = true;
                break;
            }
            for (const ScoredClass& s : prediction.top)
                if (s.classId == id) {
                    issue(QStringLiteral("class %1 is ranked twice").arg(id));
                    bad = true;
                }
            // Ranks only: scores decrease with rank so "best first" survives a sort.
            prediction.top.push_back({id, 0.0});
        }
        if (bad)
            continue;
        for (int k = 0; k < kBenchmarkTopK; ++k) {
            bool ok = false;
            const QString field = rec.fields[1 + kBenchmarkTopK + k].trimmed();
            const int body = field.toInt(&ok);
            const int expected = taxonomy.bodyPartOfClass(prediction.top[k].classId);
            if (!ok || body != expected) {
                issue(QStringLiteral("body_pred_%1 '%2' is not the body part of class %3 (%4); the class is kept")
                          .arg(k + 1).arg(field).arg(prediction.top[k].classId).arg(expected));
                break;
            }
        }
        if (seen.contains(vid)) {
            issue(QStringLiteral("%1 is listed twice; the first row is kept").arg(vid));
            continue;
        }
        seen.insert(vid);
        SegmentRow row;
        row.videoPath = vid;
        row.participant = participantFromClipName(vid);
        row.prediction = std::move(prediction);
        row.sourceFile = fileName;
        row.sourceLine = rec.line;
        out.rows.push_back(std::move(row));
    }
    return out;
}

Result<ParsedFile> readPredictionCsvFile(const QString& path, const Taxonomy& taxonomy, const QString& modelVersion)
{
    Result<QString> text = readTextFile(path);
    if (!text.ok())
        return Error{text.error()};
    return parsePredictionCsv(text.value(), path, taxonomy, modelVersion);
}

Result<QString> writePredictionCsv(const QVector<PredictionCsvRow>& rows, const Taxonomy& taxonomy)
{
    QString out = csvLine(expectedHeader());
    for (const PredictionCsvRow& row : rows) {
        QVector<int> top;
        for (int id : row.topClassIds) {
            if (!taxonomy.classById(id))
                return Error{QStringLiteral("prediction of %1: class id %2 is not in the taxonomy").arg(row.vid).arg(id)};
            if (!top.contains(id) && top.size() < kBenchmarkTopK)
                top << id;
        }
        for (const ActionClass& c : taxonomy.classes())
            if (top.size() < kBenchmarkTopK && !top.contains(c.id))
                top << c.id;
        QStringList fields{row.vid};
        for (int id : top)
            fields << QString::number(id);
        for (int id : top)
            fields << QString::number(taxonomy.bodyPartOfClass(id));
        out += csvLine(fields);
    }
    return out;
}

} // namespace mas::exchange
