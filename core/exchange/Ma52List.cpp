#include "exchange/Ma52List.h"

#include "exchange/AtomicFile.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

namespace mas::exchange {

QString splitFromListFileName(const QString& fileName)
{
    const QString base = QFileInfo(fileName).fileName().toLower();
    if (base.startsWith(QLatin1String("train")))
        return QStringLiteral("train");
    if (base.startsWith(QLatin1String("val")))
        return QStringLiteral("val");
    if (base.startsWith(QLatin1String("test")))
        return QStringLiteral("test");
    return QString();
}

ParsedFile parseMa52List(const QString& text, const QString& fileName, const Taxonomy& taxonomy,
                         const Ma52ListOptions& options)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    static const QRegularExpression hiddenTestName(QStringLiteral(R"(^test\d+\.\w+$)"),
                                                   QRegularExpression::CaseInsensitiveOption);
    ParsedFile out;
    const QString split = options.split.isEmpty() ? splitFromListFileName(fileName) : options.split;
    QSet<QString> seen;
    const QVector<QStringView> lines = QStringView(text).split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        const QString line = lines[i].trimmed().toString(); // drops the CR of CRLF files
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList tokens = line.split(whitespace, Qt::SkipEmptyParts);
        auto issue = [&](const QString& reason) { out.issues.push_back({fileName, lineNo, reason, {}}); };
        if (tokens.size() < 2) {
            issue(QStringLiteral("expected `path label`, found no label"));
            continue;
        }
        const QString path = QString(tokens[0]).replace(QLatin1Char('\\'), QLatin1Char('/'));
        if (path.startsWith(QLatin1Char('/')) || path.contains(QLatin1String("../"))) {
            issue(QStringLiteral("the path %1 is not relative to the data root").arg(path));
            continue;
        }
        QVector<int> ids;
        bool bad = false;
        for (int t = 1; t < tokens.size(); ++t) {
            bool ok = false;
            const int id = tokens[t].toInt(&ok);
            if (!ok) {
                issue(QStringLiteral("label '%1' is not a class id").arg(tokens[t]));
                bad = true;
                break;
            }
            if (!taxonomy.classById(id)) {
                issue(QStringLiteral("class id %1 is outside 0..%2").arg(id).arg(taxonomy.classCount() - 1));
                bad = true;
                break;
            }
            if (!ids.contains(id))
                ids << id;
        }
        if (bad)
            continue;
        if (seen.contains(path)) {
            issue(QStringLiteral("%1 is listed twice; the first line is kept").arg(path));
            continue;
        }
        seen.insert(path);
        SegmentRow row;
        row.videoPath = path;
        row.participant = participantFromClipName(path);
        row.split = split;
        row.sourceFile = fileName;
        row.sourceLine = lineNo;
        const bool hidden = options.hiddenTestLabels && hiddenTestName.match(QFileInfo(path).fileName()).hasMatch();
        if (!hidden)
            for (int id : ids)
                row.labels.push_back({id, options.annotator, options.status});
        out.rows.push_back(std::move(row));
    }
    return out;
}

Result<ParsedFile> readMa52ListFile(const QString& path, const Taxonomy& taxonomy, const Ma52ListOptions& options)
{
    Result<QString> text = readTextFile(path);
    if (!text.ok())
        return Error{text.error()};
    return parseMa52List(text.value(), path, taxonomy, options);
}

QString writeMmactionList(const QVector<MmactionEntry>& entries, bool multiLabel)
{
    QString out;
    out.reserve(entries.size() * 24);
    for (const MmactionEntry& e : entries) {
        if (e.classIds.isEmpty())
            continue;
        out += e.path;
        const int count = multiLabel ? e.classIds.size() : 1;
        for (int i = 0; i < count; ++i) {
            out += QLatin1Char(' ');
            out += QString::number(e.classIds[i]);
        }
        out += QLatin1Char('\n');
    }
    return out;
}

QString labelMapTsv(const Taxonomy& taxonomy)
{
    QString out = QStringLiteral("id\tcode\tname\tbody_part_id\tbody_part\n");
    for (const ActionClass& c : taxonomy.classes()) {
        const BodyPart* b = taxonomy.bodyPart(c.bodyPartId);
        out += QStringLiteral("%1\t%2\t%3\t%4\t%5\n").arg(c.id).arg(c.code, c.name).arg(c.bodyPartId).arg(b ? b->name : QString());
    }
    return out;
}

QString labelMapTxt(const Taxonomy& taxonomy)
{
    QString out;
    for (const ActionClass& c : taxonomy.classes())
        out += c.name + QLatin1Char('\n');
    return out;
}

} // namespace mas::exchange
