#include "labeling/ClassHotkeys.h"

#include <QSettings>

namespace mas::ui {

QString ClassHotkeys::settingsKey(const ActionClass& actionClass)
{
    return QStringLiteral("hotkeys/") + actionClass.code;
}

QKeySequence ClassHotkeys::defaultFor(const ActionClass& actionClass)
{
    return QKeySequence(actionClass.hotkey, QKeySequence::PortableText);
}

QHash<int, QKeySequence> ClassHotkeys::load(const QSettings& settings, const Taxonomy& taxonomy)
{
    QHash<int, QKeySequence> keys;
    for (const ActionClass& c : taxonomy.classes()) {
        const QString key = settingsKey(c);
        keys.insert(c.id, settings.contains(key)
                              ? QKeySequence(settings.value(key).toString(), QKeySequence::PortableText)
                              : defaultFor(c));
    }
    return keys;
}

void ClassHotkeys::save(QSettings& settings, const Taxonomy& taxonomy, const QHash<int, QKeySequence>& keys)
{
    for (const ActionClass& c : taxonomy.classes()) {
        const QKeySequence chosen = keys.value(c.id, defaultFor(c));
        if (chosen == defaultFor(c))
            settings.remove(settingsKey(c));
        else
            settings.setValue(settingsKey(c), chosen.toString(QKeySequence::PortableText));
    }
}

QStringList ClassHotkeys::conflicts(const Taxonomy& taxonomy, const QHash<int, QKeySequence>& keys)
{
    QHash<QString, QStringList> owners;
    for (const ActionClass& c : taxonomy.classes()) {
        const QKeySequence seq = keys.value(c.id);
        if (!seq.isEmpty())
            owners[seq.toString(QKeySequence::NativeText)] << c.code;
    }
    QStringList lines;
    for (auto it = owners.cbegin(); it != owners.cend(); ++it)
        if (it.value().size() > 1)
            lines << QObject::tr("%1 is given to %2").arg(it.key(), it.value().join(QStringLiteral(", ")));
    lines.sort();
    return lines;
}

QVector<int> RecentClasses::load(const QSettings& settings)
{
    QVector<int> ids;
    const QStringList stored = settings.value(QStringLiteral("labeling/recent")).toStringList();
    for (const QString& s : stored) {
        bool ok = false;
        const int id = s.toInt(&ok);
        if (ok && !ids.contains(id))
            ids << id;
    }
    return ids;
}

void RecentClasses::push(QSettings& settings, int classId)
{
    QVector<int> ids = load(settings);
    ids.removeAll(classId);
    ids.prepend(classId);
    QStringList stored;
    for (int i = 0; i < ids.size() && i < kMaxRecent; ++i)
        stored << QString::number(ids[i]);
    settings.setValue(QStringLiteral("labeling/recent"), stored);
}

} // namespace mas::ui
