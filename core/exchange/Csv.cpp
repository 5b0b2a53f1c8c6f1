#include "exchange/Csv.h"

#include <cmath>

namespace mas::exchange {

CsvParse parseCsv(const QString& text)
{
    CsvParse out;
    int pos = 0;
    const int n = text.size();
    if (n > 0 && text[0] == QChar(0xFEFF))
        pos = 1;
    int line = 1;
    while (pos < n) {
        CsvRecord record;
        record.line = line;
        QString field;
        bool recordDone = false;
        while (!recordDone) {
            field.clear();
            if (pos < n && text[pos] == QLatin1Char('"')) {
                ++pos;
                const int startLine = line;
                bool closed = false;
                while (pos < n) {
                    const QChar c = text[pos];
                    if (c == QLatin1Char('"')) {
                        if (pos + 1 < n && text[pos + 1] == QLatin1Char('"')) {
                            field += QLatin1Char('"');
                            pos += 2;
                            continue;
                        }
                        ++pos;
                        closed = true;
                        break;
                    }
                    if (c == QLatin1Char('\n'))
                        ++line;
                    field += c;
                    ++pos;
                }
                if (!closed) {
                    out.error = QStringLiteral("line %1: unterminated quoted field").arg(startLine);
                    out.errorLine = startLine;
                    return out;
                }
                // After a closing quote only a separator or line end may follow.
                if (pos < n && text[pos] != QLatin1Char(',') && text[pos] != QLatin1Char('\r')
                    && text[pos] != QLatin1Char('\n')) {
                    out.error = QStringLiteral("line %1: text after a closing quote").arg(line);
                    out.errorLine = line;
                    return out;
                }
            } else {
                const int start = pos;
                while (pos < n && text[pos] != QLatin1Char(',') && text[pos] != QLatin1Char('\r')
                       && text[pos] != QLatin1Char('\n'))
                    ++pos;
                field = text.mid(start, pos - start);
            }
            record.fields << field;
            if (pos >= n) {
                recordDone = true;
            } else if (text[pos] == QLatin1Char(',')) {
                ++pos;
            } else {
                if (text[pos] == QLatin1Char('\r'))
                    ++pos;
                if (pos < n && text[pos] == QLatin1Char('\n'))
                    ++pos;
                ++line;
                recordDone = true;
            }
        }
        // Blank lines are not records.
        if (!(record.fields.size() == 1 && record.fields[0].trimmed().isEmpty()))
            out.records << record;
    }
    return out;
}

QString csvField(const QString& value)
{
    bool needsQuotes = false;
    for (const QChar c : value)
        if (c == QLatin1Char(',') || c == QLatin1Char('"') || c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            needsQuotes = true;
            break;
        }
    if (!needsQuotes)
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString csvLine(const QStringList& fields)
{
    QString line;
    for (int i = 0; i < fields.size(); ++i) {
        if (i)
            line += QLatin1Char(',');
        line += csvField(fields[i]);
    }
    return line + QStringLiteral("\r\n");
}

QString decimal(double value, int maxDecimals)
{
    if (!std::isfinite(value))
        return QString();
    // QString::number is locale-independent (always '.').
    QString s = QString::number(value, 'f', maxDecimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    if (s == QLatin1String("-0"))
        s = QStringLiteral("0");
    return s;
}

} // namespace mas::exchange
