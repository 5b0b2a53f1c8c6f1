#include "store/ServerCredentials.h"

#include <QHash>
#include <QMutex>

namespace mas::store {
namespace {

struct Credentials {
    QMutex mutex;
    std::function<QString(const QString&)> prompt;
    QHash<QString, QString> remembered; // by URL without password; this process only
};

Credentials& credentials()
{
    static Credentials c;
    return c;
}

} // namespace

void setServerPasswordPrompt(std::function<QString(const QString& url)> prompt)
{
    QMutexLocker lock(&credentials().mutex);
    credentials().prompt = std::move(prompt);
}

namespace detail {

QString serverPassword(const QString& url, bool ask)
{
    Credentials& c = credentials();
    QMutexLocker lock(&c.mutex);
    if (const auto it = c.remembered.constFind(url); it != c.remembered.constEnd())
        return it.value();
    if (!ask || !c.prompt)
        return {};
    const QString password = c.prompt(url);
    if (!password.isEmpty())
        c.remembered.insert(url, password);
    return password;
}

void forgetServerPassword(const QString& url)
{
    QMutexLocker lock(&credentials().mutex);
    credentials().remembered.remove(url);
}

} // namespace detail
} // namespace mas::store
