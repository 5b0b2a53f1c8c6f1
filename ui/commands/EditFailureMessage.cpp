#include "commands/EditFailureMessage.h"

#include "shell/ProjectName.h"

#include <QDateTime>
#include <QObject>
#include <QRegularExpression>

namespace mas::ui {
namespace {

// The wording of the store's conflictError (core/store/ProjectStoreAnnotations.cpp):
//   "segment 5 was changed by bob at 2026-12-03T14:02:11Z after you read it (version 3, now 4); ..."
//   "label 9 was removed by bob at 2026-12-03T14:02:11Z; the edit was not made"
// ("another annotator" and no time when the log does not say).
const QRegularExpression& conflictPattern()
{
    static const QRegularExpression pattern(QStringLiteral(
        R"((segment|label) \d+ was (changed|removed) by (.+?)(?: at (\d{4}-\d\d-\d\dT[0-9:.]+Z?))?(?: after you read it|; the edit was not made))"));
    return pattern;
}

// "bob changed this label at 14:02" (the teammate's time in this computer's clock).
QString conflictSentence(const QRegularExpressionMatch& m)
{
    const QString who = m.captured(3);
    const QString entity = m.captured(1) == QLatin1String("label") ? QObject::tr("label") : QObject::tr("segment");
    const bool removed = m.captured(2) == QLatin1String("removed");
    QString sentence = removed ? QObject::tr("%1 removed this %2").arg(who, entity)
                               : QObject::tr("%1 changed this %2").arg(who, entity);
    const QDateTime when = QDateTime::fromString(m.captured(4), Qt::ISODate);
    if (when.isValid())
        sentence += QObject::tr(" at %1").arg(when.toLocalTime().toString(QStringLiteral("HH:mm")));
    return sentence;
}

// The store's message with its leading full path or URL replaced by the project's short name.
QString withShortProjectName(const QString& storeError, const QString& projectPath)
{
    const QString prefix = projectPath + QStringLiteral(": ");
    if (projectPath.isEmpty() || !storeError.startsWith(prefix))
        return storeError;
    return projectDisplayName(projectPath) + QStringLiteral(": ") + storeError.mid(prefix.size());
}

// The wording of reconnectServer's failure (core/store/ServerConnection.cpp):
//   "Cannot reach postgresql://db.lab/team: why — your edit was not saved"
// The URL has no spaces; the message may come after a prefix of a caller's.
const QRegularExpression& serverAwayPattern()
{
    static const QRegularExpression pattern(QStringLiteral("Cannot reach (\\S+): (.*) — your edit was not saved"),
                                            QRegularExpression::DotMatchesEverythingOption);
    return pattern;
}

} // namespace

bool isEditConflict(const QString& storeError)
{
    return conflictPattern().match(storeError).hasMatch();
}

bool isServerUnreachable(const QString& storeError, QString* why)
{
    const QRegularExpressionMatch m = serverAwayPattern().match(storeError);
    // The whole message, not one quoted inside another.
    const bool whole = m.hasMatch() && m.capturedStart(0) == 0 && m.capturedEnd(0) == storeError.size();
    if (whole && why)
        *why = m.captured(2).simplified();
    return whole;
}

QString serverAwaySaidShortly(const QString& text)
{
    const QRegularExpressionMatch m = serverAwayPattern().match(text);
    if (!m.hasMatch())
        return text;
    QString said = text;
    said.replace(m.capturedStart(0), m.capturedLength(0),
                 QObject::tr("Cannot reach %1 — edits are not saved until it answers again (%2)")
                     .arg(projectDisplayName(m.captured(1)), m.captured(2).simplified()));
    return said;
}

QString editFailureMessage(EditStep step, const QString& commandText, const QString& projectPath, const QString& storeError)
{
    const QString project = projectDisplayName(projectPath);
    if (const QRegularExpressionMatch m = conflictPattern().match(storeError); m.hasMatch()) {
        const QString headline = QObject::tr("Not saved: %1 — reloaded").arg(conflictSentence(m));
        switch (step) {
        case EditStep::FirstRedo: return QObject::tr("%1 (%2; %3)").arg(headline, commandText, project);
        case EditStep::Undo:
            return QObject::tr("%1; undo of \"%2\" was taken off the undo history (%3)").arg(headline, commandText, project);
        case EditStep::Redo:
            return QObject::tr("%1; redo of \"%2\" was taken off the undo history (%3)").arg(headline, commandText, project);
        }
    }
    // The server is away: what the user must know first, under the project's short name; libpq's long
    // reason last, where a narrow status bar may cut it.
    if (QString why; isServerUnreachable(storeError, &why))
        return QObject::tr("Cannot reach %1 — your edit was not saved (%2; %3)").arg(project, commandText, why);
    const QString error = withShortProjectName(storeError, projectPath);
    switch (step) {
    case EditStep::FirstRedo: return QObject::tr("%1: %2; nothing was changed").arg(commandText, error);
    case EditStep::Undo:
        return QObject::tr("Undo of \"%1\" failed: %2; the edit stays as the project file has it and was taken off "
                           "the undo history").arg(commandText, error);
    case EditStep::Redo:
        return QObject::tr("Redo of \"%1\" failed: %2; the project stays as it was and the step was taken off the "
                           "undo history").arg(commandText, error);
    }
    return error;
}

} // namespace mas::ui
