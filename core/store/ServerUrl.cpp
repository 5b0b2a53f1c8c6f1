#include "store/ServerUrl.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace mas::store {

bool isServerUrl(const QString& name)
{
    return name.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
        || name.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

Result<ServerUrl> ServerUrl::parse(const QString& text)
{
    if (!isServerUrl(text))
        return Error{QStringLiteral("%1: not a postgresql:// URL").arg(text)};
    // libpq takes a socket folder percent-encoded as the host (postgresql://%2Frun%2Fpostgresql/db),
    // which QUrl refuses as a host name: it is moved to ?host= first.
    QString normalised = text;
    QString socketHost;
    static const QRegularExpression encodedHost(QStringLiteral("^(postgres(?:ql)?://)((?:[^/?#@]*@)?)(%2F[^/?#:]*)((?::\\d+)?)(.*)$"),
                                                QRegularExpression::CaseInsensitiveOption);
    if (const QRegularExpressionMatch m = encodedHost.match(text); m.hasMatch()) {
        socketHost = QUrl::fromPercentEncoding(m.captured(3).toUtf8());
        normalised = m.captured(1) + m.captured(2) + QStringLiteral("localhost") + m.captured(4) + m.captured(5);
    }
    const QUrl url(normalised, QUrl::StrictMode);
    // Shown without its password in any error.
    QUrl shown = url;
    shown.setPassword(QString());
    // Errors name the URL as given, with any password cut out (user:PASSWORD@ and ?password=).
    static const QRegularExpression userPassword(QStringLiteral("(://[^/@:?]*):[^/@?]*@"));
    static const QRegularExpression queryPassword(QStringLiteral("([?&]password=)[^&]*"));
    QString name = url.isValid() ? shown.toString() : text;
    name.replace(userPassword, QStringLiteral("\\1@"));
    name.replace(queryPassword, QStringLiteral("\\1***"));
    if (!url.isValid()) {
        QString why = url.errorString(); // quotes the URL: its password goes too
        why.replace(userPassword, QStringLiteral("\\1@"));
        why.replace(queryPassword, QStringLiteral("\\1***"));
        return Error{QStringLiteral("%1: not a valid URL (%2)").arg(name, why)};
    }
    ServerUrl s;
    s.host = socketHost.isEmpty() ? url.host(QUrl::FullyDecoded) : socketHost;
    s.port = url.port(-1);
    s.user = url.userName(QUrl::FullyDecoded);
    s.dbname = url.path(QUrl::FullyDecoded);
    if (s.dbname.startsWith('/'))
        s.dbname.remove(0, 1);
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("host"))
            s.host = value; // a socket folder, e.g. ?host=/run/postgresql
        else if (key == QLatin1String("port"))
            s.port = value.toInt();
        else if (key == QLatin1String("user"))
            s.user = value;
        else if (key == QLatin1String("dbname"))
            s.dbname = value;
        else if (key == QLatin1String("sslmode"))
            s.sslmode = value;
        else if (key == QLatin1String("connect_timeout"))
            s.connectTimeout = value;
        else if (key == QLatin1String("password"))
            continue; // never kept: use PGPASSWORD or ~/.pgpass
        else
            return Error{QStringLiteral("%1: unknown URL parameter '%2' (known: host, port, user, dbname, sslmode, "
                                        "connect_timeout)").arg(name, key)};
    }
    static const QRegularExpression sslModes(QStringLiteral("^(disable|allow|prefer|require|verify-ca|verify-full)$"));
    if (!s.sslmode.isEmpty() && !sslModes.match(s.sslmode).hasMatch())
        return Error{QStringLiteral("%1: unknown sslmode '%2'").arg(name, s.sslmode)};
    if (s.dbname.isEmpty())
        return Error{QStringLiteral("%1: names no database (postgresql://host/DBNAME)").arg(name)};
    return s;
}

QString ServerUrl::display() const
{
    // Rebuilt from the parts, so no password can slip through; a socket folder goes in ?host=.
    auto enc = [](const QString& t) { return QString::fromLatin1(QUrl::toPercentEncoding(t, "._-~")); };
    QString out = QStringLiteral("postgresql://");
    if (!user.isEmpty() && !host.startsWith('/'))
        out += enc(user) + '@';
    if (!host.startsWith('/'))
        out += host.contains(':') ? '[' + host + ']' : enc(host);
    if (port > 0 && !host.startsWith('/'))
        out += ':' + QString::number(port);
    out += '/' + enc(dbname);
    QStringList query;
    if (host.startsWith('/'))
        query << QStringLiteral("host=") + QString::fromLatin1(QUrl::toPercentEncoding(host, "/._-~"));
    if (port > 0 && host.startsWith('/'))
        query << QStringLiteral("port=") + QString::number(port);
    if (!user.isEmpty() && host.startsWith('/'))
        query << QStringLiteral("user=") + enc(user);
    if (!sslmode.isEmpty())
        query << QStringLiteral("sslmode=") + sslmode;
    if (!query.isEmpty())
        out += '?' + query.join('&');
    return out;
}

ServerUrl ServerUrl::withDatabase(const QString& name) const
{
    ServerUrl s = *this;
    s.dbname = name;
    return s;
}

QString ServerUrl::cacheKey() const
{
    const QByteArray id = QStringLiteral("%1|%2|%3|%4").arg(host).arg(port).arg(dbname, user).toUtf8();
    const QString hash = QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha256).toHex().left(12));
    QString readable = (host.startsWith('/') || host.isEmpty() ? QStringLiteral("local") : host) + '_' + dbname;
    readable.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return readable.left(48) + '_' + hash;
}

} // namespace mas::store
