#include "exchange/Eaf.h"

#include "exchange/ClassLookup.h"
#include "exchange/SegmentTable.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QSet>
#include <QUrl>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <map>

namespace mas::exchange {
namespace {

constexpr char kCvId[] = "MA-52 micro-actions";
constexpr char kTypeId[] = "micro-action";
constexpr char kFpsProperty[] = "mastudio:fps";

struct TierKey {
    QString annotator;
    int bodyPartId = 0;
    bool operator<(const TierKey& o) const
    {
        return bodyPartId != o.bodyPartId ? bodyPartId < o.bodyPartId : annotator < o.annotator;
    }
};

struct OutAnnotation {
    int64_t startMs = 0;
    int64_t endMs = 0;
    QString value;
};

} // namespace

QByteArray writeEaf(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy, const EafWriteOptions& options)
{
    int fpsNum = options.fpsNum > 0 ? options.fpsNum : 30, fpsDen = options.fpsNum > 0 ? options.fpsDen : 1;
    for (const SegmentRow& r : rows)
        if (r.fpsNum > 0) {
            fpsNum = r.fpsNum;
            fpsDen = r.fpsDen;
            break;
        }
    QSet<QString> annotators;
    std::map<TierKey, QVector<OutAnnotation>> tiers;
    QSet<int64_t> times;
    for (const SegmentRow& r : rows) {
        if (!r.lengthKnown())
            continue; // a clip of unknown length has no end time to write
        const int64_t startMs = frameToMilliseconds(r.startFrame, fpsNum, fpsDen);
        const int64_t endMs = frameToMilliseconds(r.endFrame, fpsNum, fpsDen);
        for (const LabelEntry& l : r.labels) {
            const ActionClass* c = taxonomy.classById(l.classId);
            if (!c)
                continue;
            annotators.insert(l.annotator);
            tiers[TierKey{l.annotator, c->bodyPartId}].push_back({startMs, endMs, c->name});
            times.insert(startMs);
            times.insert(endMs);
        }
    }
    // Always one tier per body part, so an annotator can start in ELAN on an empty tier.
    if (annotators.isEmpty())
        annotators.insert(QString());
    for (const QString& a : std::as_const(annotators))
        for (const BodyPart& b : taxonomy.bodyParts())
            tiers[TierKey{a, b.id}];
    QVector<int64_t> sortedTimes(times.begin(), times.end());
    std::sort(sortedTimes.begin(), sortedTimes.end());
    QHash<int64_t, QString> slotOf;
    for (int i = 0; i < sortedTimes.size(); ++i)
        slotOf.insert(sortedTimes[i], QStringLiteral("ts%1").arg(i + 1));
    int annotationCount = 0;
    for (const auto& [key, list] : tiers)
        annotationCount += list.size();

    QByteArray out;
    QXmlStreamWriter w(&out);
    w.setAutoFormatting(true);
    w.setAutoFormattingIndent(4);
    w.writeStartDocument(QStringLiteral("1.0"));
    w.writeStartElement(QStringLiteral("ANNOTATION_DOCUMENT"));
    w.writeAttribute(QStringLiteral("AUTHOR"), options.author);
    w.writeAttribute(QStringLiteral("DATE"), options.date.toOffsetFromUtc(options.date.offsetFromUtc()).toString(Qt::ISODate));
    w.writeAttribute(QStringLiteral("FORMAT"), QStringLiteral("3.0"));
    w.writeAttribute(QStringLiteral("VERSION"), QStringLiteral("3.0"));
    w.writeNamespace(QStringLiteral("http://www.w3.org/2001/XMLSchema-instance"), QStringLiteral("xsi"));
    w.writeAttribute(QStringLiteral("http://www.w3.org/2001/XMLSchema-instance"), QStringLiteral("noNamespaceSchemaLocation"),
                     QStringLiteral("http://www.mpi.nl/tools/elan/EAFv3.0.xsd"));

    w.writeStartElement(QStringLiteral("HEADER"));
    w.writeAttribute(QStringLiteral("MEDIA_FILE"), QString());
    w.writeAttribute(QStringLiteral("TIME_UNITS"), QStringLiteral("milliseconds"));
    if (!options.mediaAbsolutePath.isEmpty()) {
        w.writeEmptyElement(QStringLiteral("MEDIA_DESCRIPTOR"));
        w.writeAttribute(QStringLiteral("MEDIA_URL"), QUrl::fromLocalFile(QFileInfo(options.mediaAbsolutePath).absoluteFilePath()).toString());
        w.writeAttribute(QStringLiteral("MIME_TYPE"), options.mimeType);
        w.writeAttribute(QStringLiteral("RELATIVE_MEDIA_URL"),
                         options.relativeMediaUrl.isEmpty() ? QStringLiteral("./") + QFileInfo(options.mediaAbsolutePath).fileName()
                                                            : options.relativeMediaUrl);
    }
    w.writeStartElement(QStringLiteral("PROPERTY"));
    w.writeAttribute(QStringLiteral("NAME"), QStringLiteral("lastUsedAnnotationId"));
    w.writeCharacters(QString::number(annotationCount));
    w.writeEndElement();
    w.writeStartElement(QStringLiteral("PROPERTY"));
    w.writeAttribute(QStringLiteral("NAME"), QLatin1String(kFpsProperty));
    w.writeCharacters(fpsDen == 1 ? QString::number(fpsNum) : QStringLiteral("%1/%2").arg(fpsNum).arg(fpsDen));
    w.writeEndElement();
    w.writeEndElement(); // HEADER

    w.writeStartElement(QStringLiteral("TIME_ORDER"));
    for (int64_t t : sortedTimes) {
        w.writeEmptyElement(QStringLiteral("TIME_SLOT"));
        w.writeAttribute(QStringLiteral("TIME_SLOT_ID"), slotOf.value(t));
        w.writeAttribute(QStringLiteral("TIME_VALUE"), QString::number(t));
    }
    w.writeEndElement();

    const bool severalAnnotators = annotators.size() > 1;
    // The person filmed (ELAN's tier PARTICIPANT); read back as the segments' participant.
    QString participant;
    for (const SegmentRow& r : rows)
        if (participant.isEmpty())
            participant = r.participant;
    int nextId = 1;
    for (const auto& [key, list] : tiers) {
        const BodyPart* b = taxonomy.bodyPart(key.bodyPartId);
        const QString bodyName = b ? b->name : QString::number(key.bodyPartId);
        w.writeStartElement(QStringLiteral("TIER"));
        w.writeAttribute(QStringLiteral("LINGUISTIC_TYPE_REF"), QLatin1String(kTypeId));
        if (!key.annotator.isEmpty())
            w.writeAttribute(QStringLiteral("ANNOTATOR"), key.annotator);
        if (!participant.isEmpty())
            w.writeAttribute(QStringLiteral("PARTICIPANT"), participant);
        w.writeAttribute(QStringLiteral("TIER_ID"), severalAnnotators ? QStringLiteral("%1 - %2").arg(bodyName, key.annotator) : bodyName);
        QVector<OutAnnotation> sorted = list;
        std::stable_sort(sorted.begin(), sorted.end(), [](const OutAnnotation& a, const OutAnnotation& c) {
            return a.startMs != c.startMs ? a.startMs < c.startMs : a.endMs < c.endMs;
        });
        for (const OutAnnotation& a : sorted) {
            w.writeStartElement(QStringLiteral("ANNOTATION"));
            w.writeStartElement(QStringLiteral("ALIGNABLE_ANNOTATION"));
            w.writeAttribute(QStringLiteral("ANNOTATION_ID"), QStringLiteral("a%1").arg(nextId++));
            w.writeAttribute(QStringLiteral("TIME_SLOT_REF1"), slotOf.value(a.startMs));
            w.writeAttribute(QStringLiteral("TIME_SLOT_REF2"), slotOf.value(a.endMs));
            w.writeTextElement(QStringLiteral("ANNOTATION_VALUE"), a.value);
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    w.writeEmptyElement(QStringLiteral("LINGUISTIC_TYPE"));
    w.writeAttribute(QStringLiteral("CONTROLLED_VOCABULARY_REF"), QLatin1String(kCvId));
    w.writeAttribute(QStringLiteral("GRAPHIC_REFERENCES"), QStringLiteral("false"));
    w.writeAttribute(QStringLiteral("LINGUISTIC_TYPE_ID"), QLatin1String(kTypeId));
    w.writeAttribute(QStringLiteral("TIME_ALIGNABLE"), QStringLiteral("true"));

    w.writeEmptyElement(QStringLiteral("LOCALE"));
    w.writeAttribute(QStringLiteral("COUNTRY_CODE"), QStringLiteral("US"));
    w.writeAttribute(QStringLiteral("LANGUAGE_CODE"), QStringLiteral("en"));
    w.writeEmptyElement(QStringLiteral("LANGUAGE"));
    w.writeAttribute(QStringLiteral("LANG_DEF"), QStringLiteral("http://cdb.iso.org/lg/CDB-00138502-001"));
    w.writeAttribute(QStringLiteral("LANG_ID"), QStringLiteral("eng"));
    w.writeAttribute(QStringLiteral("LANG_LABEL"), QStringLiteral("English (eng)"));

    const struct {
        const char* stereotype;
        const char* description;
    } constraints[] = {
        {"Time_Subdivision", "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval"},
        {"Symbolic_Subdivision", "Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered"},
        {"Symbolic_Association", "1-1 association with a parent annotation"},
        {"Included_In", "Time alignable annotations within the parent annotation's time interval, gaps are allowed"},
    };
    for (const auto& c : constraints) {
        w.writeEmptyElement(QStringLiteral("CONSTRAINT"));
        w.writeAttribute(QStringLiteral("DESCRIPTION"), QLatin1String(c.description));
        w.writeAttribute(QStringLiteral("STEREOTYPE"), QLatin1String(c.stereotype));
    }

    w.writeStartElement(QStringLiteral("CONTROLLED_VOCABULARY"));
    w.writeAttribute(QStringLiteral("CV_ID"), QLatin1String(kCvId));
    w.writeStartElement(QStringLiteral("DESCRIPTION"));
    w.writeAttribute(QStringLiteral("LANG_REF"), QStringLiteral("eng"));
    w.writeCharacters(QStringLiteral("MA-52 micro-action classes (taxonomy %1); CVE_ID is the class code").arg(taxonomy.version()));
    w.writeEndElement();
    for (const ActionClass& c : taxonomy.classes()) {
        w.writeStartElement(QStringLiteral("CV_ENTRY_ML"));
        w.writeAttribute(QStringLiteral("CVE_ID"), c.code);
        w.writeStartElement(QStringLiteral("CVE_VALUE"));
        w.writeAttribute(QStringLiteral("DESCRIPTION"), QStringLiteral("%1 (id %2)").arg(c.code).arg(c.id));
        w.writeAttribute(QStringLiteral("LANG_REF"), QStringLiteral("eng"));
        w.writeCharacters(c.name);
        w.writeEndElement();
        w.writeEndElement();
    }
    w.writeEndElement(); // CONTROLLED_VOCABULARY
    w.writeEndElement(); // ANNOTATION_DOCUMENT
    w.writeEndDocument();
    return out;
}

namespace {

struct InAnnotation {
    int line = 0;
    QString tierId;
    QString ts1, ts2, value;
};

struct InTier {
    QString annotator;
    QString participant;
};

} // namespace

ParsedFile parseEaf(const QByteArray& xml, const QString& fileName, const Taxonomy& taxonomy, const EafReadOptions& options)
{
    ParsedFile out;
    QXmlStreamReader r(xml);
    QHash<QString, std::optional<int64_t>> slots;
    QHash<QString, InTier> tiers;
    QVector<InAnnotation> annotations;
    QHash<QString, QString> cvValueToKey; // CVE_VALUE text -> CVE_ID / DESCRIPTION candidates
    QString mediaUrl, relativeMediaUrl, fpsProperty, currentTier, currentCveId, currentCveDescription;
    int refAnnotations = 0;
    bool sawRoot = false;
    while (!r.atEnd()) {
        r.readNext();
        if (r.isDTD()) {
            // ELAN never writes one; a DOCTYPE only brings entity declarations (expansion bombs,
            // external files) into what should be plain annotation data.
            out.issues.push_back({fileName, int(r.lineNumber()),
                                  QStringLiteral("has a DOCTYPE declaration (entities), which ELAN files never have; nothing imported"),
                                  {}});
            out.rows.clear();
            return out;
        }
        if (!r.isStartElement()) {
            if (r.isEndElement() && r.name() == QLatin1String("TIER"))
                currentTier.clear();
            continue;
        }
        const QStringView name = r.name();
        const QXmlStreamAttributes a = r.attributes();
        if (!sawRoot) {
            if (name != QLatin1String("ANNOTATION_DOCUMENT")) {
                out.issues.push_back({fileName, int(r.lineNumber()), QStringLiteral("not an ELAN file (root element %1)").arg(name), {}});
                return out;
            }
            sawRoot = true;
        } else if (name == QLatin1String("MEDIA_DESCRIPTOR")) {
            if (mediaUrl.isEmpty()) {
                mediaUrl = a.value(QLatin1String("MEDIA_URL")).toString();
                relativeMediaUrl = a.value(QLatin1String("RELATIVE_MEDIA_URL")).toString();
            }
        } else if (name == QLatin1String("PROPERTY")) {
            const bool isFps = a.value(QLatin1String("NAME")) == QLatin1String(kFpsProperty);
            const QString text = r.readElementText();
            if (isFps)
                fpsProperty = text.trimmed();
        } else if (name == QLatin1String("TIME_SLOT")) {
            const QString id = a.value(QLatin1String("TIME_SLOT_ID")).toString();
            std::optional<int64_t> value;
            if (a.hasAttribute(QLatin1String("TIME_VALUE"))) {
                bool ok = false;
                const qlonglong v = a.value(QLatin1String("TIME_VALUE")).toLongLong(&ok);
                if (ok && v >= 0 && v < (qlonglong(1) << 40))
                    value = v;
                else
                    out.issues.push_back({fileName, int(r.lineNumber()),
                                          QStringLiteral("time slot %1 has no valid TIME_VALUE").arg(id), {}});
            }
            slots.insert(id, value);
        } else if (name == QLatin1String("TIER")) {
            currentTier = a.value(QLatin1String("TIER_ID")).toString();
            tiers.insert(currentTier, {a.value(QLatin1String("ANNOTATOR")).toString(), a.value(QLatin1String("PARTICIPANT")).toString()});
        } else if (name == QLatin1String("ALIGNABLE_ANNOTATION")) {
            InAnnotation an;
            an.line = int(r.lineNumber());
            an.tierId = currentTier;
            an.ts1 = a.value(QLatin1String("TIME_SLOT_REF1")).toString();
            an.ts2 = a.value(QLatin1String("TIME_SLOT_REF2")).toString();
            while (r.readNextStartElement()) {
                if (r.name() == QLatin1String("ANNOTATION_VALUE"))
                    an.value = r.readElementText();
                else
                    r.skipCurrentElement();
            }
            annotations.push_back(an);
        } else if (name == QLatin1String("REF_ANNOTATION")) {
            ++refAnnotations;
        } else if (name == QLatin1String("CV_ENTRY_ML") || name == QLatin1String("CV_ENTRY")) {
            currentCveId = a.value(QLatin1String("CVE_ID")).toString();
            currentCveDescription = a.value(QLatin1String("DESCRIPTION")).toString();
            if (name == QLatin1String("CV_ENTRY")) { // EAF 2.x: the value is the element's text
                const QString value = r.readElementText().trimmed();
                cvValueToKey.insert(value, currentCveId + QLatin1Char('\x1f') + currentCveDescription);
            }
        } else if (name == QLatin1String("CVE_VALUE")) {
            const QString description = a.value(QLatin1String("DESCRIPTION")).toString();
            const QString value = r.readElementText().trimmed();
            cvValueToKey.insert(value, currentCveId + QLatin1Char('\x1f') + description + QLatin1Char('\x1f') + currentCveDescription);
        }
    }
    if (r.hasError()) {
        out.issues.push_back({fileName, int(r.lineNumber()), QStringLiteral("not well-formed XML (%1); nothing imported").arg(r.errorString()), {}});
        out.rows.clear();
        return out;
    }
    if (!sawRoot) {
        out.issues.push_back({fileName, 0, QStringLiteral("empty file"), {}});
        return out;
    }
    int fpsNum = options.fpsNum, fpsDen = options.fpsDen;
    if (fpsNum <= 0 && !parseFrameRate(fpsProperty, &fpsNum, &fpsDen)) {
        fpsNum = 30;
        fpsDen = 1;
    }
    QString video = options.videoPath;
    if (video.isEmpty()) {
        const QString url = !relativeMediaUrl.isEmpty() ? relativeMediaUrl : mediaUrl;
        video = QFileInfo(QUrl(url).isLocalFile() ? QUrl(url).toLocalFile() : url).fileName();
    }
    if (video.isEmpty())
        video = QFileInfo(fileName).completeBaseName() + QStringLiteral(".mp4");
    if (refAnnotations > 0)
        out.issues.push_back({fileName, 0, QStringLiteral("%1 annotations on dependent (symbolic) tiers have no times of their own; not imported").arg(refAnnotations), {}});

    QVector<SegmentRow> rows;
    for (const InAnnotation& an : annotations) {
        auto issue = [&](const QString& reason, const QString& suggestion = {}) {
            out.issues.push_back({fileName, an.line, reason, suggestion});
        };
        const std::optional<int64_t> t1 = slots.value(an.ts1), t2 = slots.value(an.ts2);
        if (!slots.contains(an.ts1) || !slots.contains(an.ts2)) {
            issue(QStringLiteral("annotation refers to an undeclared time slot (%1, %2)").arg(an.ts1, an.ts2));
            continue;
        }
        if (!t1 || !t2) {
            issue(QStringLiteral("annotation on an unaligned time slot; not imported"));
            continue;
        }
        const QString value = an.value.trimmed();
        ClassLookup found = lookupClass(value, taxonomy);
        if (found.classId < 0 && cvValueToKey.contains(value))
            for (const QString& key : cvValueToKey.value(value).split(QLatin1Char('\x1f'), Qt::SkipEmptyParts)) {
                const ClassLookup viaCv = lookupClass(key.section(QLatin1Char(' '), 0, 0), taxonomy);
                const ClassLookup viaCvWhole = lookupClass(key, taxonomy);
                if (viaCvWhole.classId >= 0 || viaCv.classId >= 0) {
                    found = viaCvWhole.classId >= 0 ? viaCvWhole : viaCv;
                    break;
                }
            }
        if (found.classId < 0) {
            issue(found.reason, found.suggestion);
            continue;
        }
        const int64_t start = millisecondsToFrame(*t1, fpsNum, fpsDen);
        const int64_t end = millisecondsToFrame(*t2, fpsNum, fpsDen);
        if (end <= start) {
            issue(QStringLiteral("annotation %1..%2 ms collapses to zero length at %3 fps; not imported")
                      .arg(*t1).arg(*t2).arg(double(fpsNum) / fpsDen));
            continue;
        }
        const InTier tier = tiers.value(an.tierId);
        SegmentRow row;
        row.videoPath = video;
        row.sourceFile = fileName;
        row.sourceLine = an.line;
        row.participant = tier.participant.isEmpty() ? participantFromClipName(video) : tier.participant;
        row.startFrame = start;
        row.endFrame = end;
        row.fpsNum = fpsNum;
        row.fpsDen = fpsDen;
        row.labels.push_back({found.classId, tier.annotator.isEmpty() ? options.defaultAnnotator : tier.annotator, options.status});
        rows.push_back(std::move(row));
    }
    out.rows = mergeSameSegments(std::move(rows));
    return out;
}

Result<ParsedFile> readEafFile(const QString& path, const Taxonomy& taxonomy, const EafReadOptions& options)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())};
    return parseEaf(f.readAll(), path, taxonomy, options);
}

} // namespace mas::exchange
