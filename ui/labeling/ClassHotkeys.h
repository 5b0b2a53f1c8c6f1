#pragma once
// One key sequence per class: the taxonomy's default scheme, overridden by the user's choice saved
// in QSettings under "hotkeys/<class code>". Only differences from the default are stored, so a
// later taxonomy default still reaches users who never changed that key.
#include "taxonomy/Taxonomy.h"

#include <QHash>
#include <QKeySequence>
#include <QStringList>

class QSettings;

namespace mas::ui {

class ClassHotkeys {
public:
    static QString settingsKey(const ActionClass& actionClass);
    static QKeySequence defaultFor(const ActionClass& actionClass);
    // Class id -> key sequence (empty when the user cleared it).
    static QHash<int, QKeySequence> load(const QSettings& settings, const Taxonomy& taxonomy);
    static void save(QSettings& settings, const Taxonomy& taxonomy, const QHash<int, QKeySequence>& keys);
    // Human-readable lines naming sequences given to more than one class.
    static QStringList conflicts(const Taxonomy& taxonomy, const QHash<int, QKeySequence>& keys);
};

// The classes applied most recently, newest first, kept in QSettings ("labeling/recent").
class RecentClasses {
public:
    static constexpr int kMaxRecent = 8;
    static QVector<int> load(const QSettings& settings);
    static void push(QSettings& settings, int classId);
};

} // namespace mas::ui
