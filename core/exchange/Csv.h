#pragma once
// RFC 4180 CSV: fields separated by commas, quoted with '"' when they hold a comma, quote, CR or LF,
// quotes doubled inside; CRLF or LF line ends; UTF-8 (a leading BOM is skipped).
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace mas::exchange {

struct CsvRecord {
    int line = 0;           // 1-based line where the record starts
    QStringList fields;
};

struct CsvParse {
    QVector<CsvRecord> records;
    QString error;          // "line N: unterminated quoted field" etc.; records before it are kept
    int errorLine = 0;
};

CsvParse parseCsv(const QString& text);

// One field, quoted only when needed.
QString csvField(const QString& value);
// A line of fields, ending in CRLF (RFC 4180).
QString csvLine(const QStringList& fields);

// Locale-independent decimal text: dot separator, shortest form that reads back the same.
QString decimal(double value, int maxDecimals = 6);

} // namespace mas::exchange
