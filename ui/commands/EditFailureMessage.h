#pragma once
// What the user is told when an edit of the undo stack could not be written. A short sentence comes
// first, the details after it, and the project is named as the title bar names it:
//   "Not saved: bob changed this label at 14:02 — reloaded (Relabel as A1 ...; team on db.lab)"
//   "Cannot reach team on db.lab — your edit was not saved (Move segment ...; why)"
// The store's own messages start with the project's path or full URL (ProjectStore::Impl::error).
#include <QString>

namespace mas::ui {

// A store refusal because a teammate changed or removed the row since it was read.
bool isEditConflict(const QString& storeError);

// The store's "Cannot reach URL: why — your edit was not saved" (ServerConnection.h): the server is away.
// `why` gets libpq's reason, which is long and goes last in what the user reads.
bool isServerUnreachable(const QString& storeError, QString* why = nullptr);

// Text carrying that store error (a view that could not reload, a video list): the error said as
// "Cannot reach team on db.lab — edits are not saved until it answers again (why)"; other text as it is.
QString serverAwaySaidShortly(const QString& text);

enum class EditStep { FirstRedo, Undo, Redo };
// `projectPath`: the store's path(); `commandText`: the command's text ("Move segment to ...").
QString editFailureMessage(EditStep step, const QString& commandText, const QString& projectPath,
                           const QString& storeError);

} // namespace mas::ui
