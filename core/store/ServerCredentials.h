#pragma once
// Where a server project's password comes from when libpq's own sources (PGPASSWORD, ~/.pgpass,
// PGPASSFILE) have none: a prompt that the application installs (the CLI asks on its terminal, the
// GUI in a dialog). The answer lives only in this process's memory, for further connections to the
// same server and role; it is never written into the project, the URL or a file.
#include <QString>

#include <functional>

namespace mas::store {

// `prompt(urlWithoutPassword)` returns the password, or "" to give up. An empty function: no prompt.
void setServerPasswordPrompt(std::function<QString(const QString& url)> prompt);

namespace detail {
// Used by the connection: the password remembered or asked for `url` (""), and forgetting a wrong one.
QString serverPassword(const QString& url, bool ask);
void forgetServerPassword(const QString& url);
} // namespace detail

} // namespace mas::store
