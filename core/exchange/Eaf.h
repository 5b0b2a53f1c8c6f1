#pragma once
// ELAN annotation files (.eaf, EAF 3.0). Writing: one file per video, one tier per body part (per
// annotator and body part when several annotators labelled the video, with ANNOTATOR set), a
// time-alignable linguistic type tied to a controlled vocabulary of the taxonomy's classes (codes as
// CVE_IDs, names as values), children in the schema's order. Times are frames converted to
// milliseconds with the video's rate; the rate is kept in a PROPERTY so the file reads back exactly.
// Reading: every time-aligned annotation whose value names a class (name, code, id, or a CV entry
// whose id or description does) becomes a labelled segment; milliseconds round to the nearest frame,
// and annotations that collapse to zero length are reported. EAF carries no review status: labels
// read back as `options.status`.
#include "exchange/ExchangeTypes.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

#include <QDateTime>

namespace mas::exchange {

struct EafWriteOptions {
    QString mediaAbsolutePath;   // the video; written as a file URL
    QString relativeMediaUrl;    // relative to the .eaf, e.g. "./clip.mp4"; empty: derived from the file name
    QString mimeType = QStringLiteral("video/mp4");
    QString author;
    QDateTime date = QDateTime::currentDateTime();
    int fpsNum = 30;             // the video's frame rate (segments' own rate wins when set)
    int fpsDen = 1;
};

// `rows`: the segments of ONE video. Labels without a class in the taxonomy are left out.
QByteArray writeEaf(const QVector<SegmentRow>& rows, const Taxonomy& taxonomy, const EafWriteOptions& options);

struct EafReadOptions {
    int fpsNum = 0;              // the video's rate; 0: the file's mastudio fps PROPERTY, else 30
    int fpsDen = 1;
    QString videoPath;           // the project video these annotations belong to; empty: the media URL's file name
    QString defaultAnnotator;    // for tiers without ANNOTATOR
    LabelStatus status = LabelStatus::Confirmed;
};

ParsedFile parseEaf(const QByteArray& xml, const QString& fileName, const Taxonomy& taxonomy,
                    const EafReadOptions& options = {});
Result<ParsedFile> readEafFile(const QString& path, const Taxonomy& taxonomy, const EafReadOptions& options = {});

} // namespace mas::exchange
