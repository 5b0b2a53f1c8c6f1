#include "exchange/ExchangeTypes.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>

namespace mas::exchange {

int64_t secondsToFrame(double seconds, int fpsNum, int fpsDen)
{
    if (fpsNum <= 0 || fpsDen <= 0 || !std::isfinite(seconds))
        return 0;
    return int64_t(std::llround(seconds * fpsNum / fpsDen));
}

int64_t millisecondsToFrame(int64_t ms, int fpsNum, int fpsDen)
{
    if (fpsNum <= 0 || fpsDen <= 0)
        return 0;
    // Exact integer rounding (half up) of ms * num / (1000 * den).
    const __int128 num = __int128(ms) * fpsNum;
    const __int128 den = __int128(1000) * fpsDen;
    const __int128 q = (2 * num + den) / (2 * den);
    return int64_t(num >= 0 ? q : -((-2 * num + den) / (2 * den)));
}

int64_t frameToMilliseconds(int64_t frame, int fpsNum, int fpsDen)
{
    if (fpsNum <= 0 || fpsDen <= 0)
        return 0;
    const __int128 num = __int128(frame) * 1000 * fpsDen;
    const __int128 den = fpsNum;
    return int64_t(num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den)));
}

bool parseFrameRate(const QString& text, int* fpsNum, int* fpsDen)
{
    const QString t = text.trimmed();
    bool ok1 = false, ok2 = false;
    if (const int slash = t.indexOf(QLatin1Char('/')); slash > 0) {
        const qlonglong n = t.left(slash).toLongLong(&ok1);
        const qlonglong d = t.mid(slash + 1).toLongLong(&ok2);
        if (!ok1 || !ok2 || n <= 0 || d <= 0 || n > 1000000 || d > 1000000)
            return false;
        *fpsNum = int(n);
        *fpsDen = int(d);
        return true;
    }
    const double f = t.toDouble(&ok1);
    if (!ok1 || !std::isfinite(f) || f <= 0 || f > 10000)
        return false;
    if (std::abs(f - std::round(f)) < 1e-9) {
        *fpsNum = int(std::lround(f));
        *fpsDen = 1;
    } else if (std::abs(f * 1001 / 1000 - std::round(f * 1001 / 1000)) < 2e-3) {
        *fpsNum = int(std::lround(f * 1001 / 1000)) * 1000; // NTSC rates: 29.97 -> 30000/1001
        *fpsDen = 1001;
    } else {
        *fpsNum = int(std::lround(f * 1000));
        *fpsDen = 1000;
    }
    return true;
}

QString participantFromClipName(const QString& path)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^(\d{4})_\d{2}_\d{4})"));
    const QRegularExpressionMatch m = pattern.match(QFileInfo(path).fileName());
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace mas::exchange
