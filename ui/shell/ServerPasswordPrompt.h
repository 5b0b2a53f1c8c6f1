#pragma once
// The GUI's answer to ServerCredentials' prompt: when libpq has no password for a server project
// (no PGPASSWORD, no ~/.pgpass line), a password dialog over `parent`. Always shown on the GUI
// thread: a connection opened on a worker thread waits for the answer. The password stays in the
// store's memory only (ServerCredentials).
class QWidget;

namespace mas::ui {

void installServerPasswordPrompt(QWidget* parent);
void removeServerPasswordPrompt();

} // namespace mas::ui
