#pragma once
// The label set a project annotates with: classes in official id order, grouped into body parts.
// The built-in one is MA-52 (52 classes, 7 body parts); a lab may supply its own TSV.
#include "util/Result.h"

#include <QColor>
#include <QString>
#include <QVector>

namespace mas {

struct BodyPart {
    int id = 0;
    QString letter; // A..G for MA-52: the first character of its classes' codes
    QString name;
    QColor colour;
};

struct ActionClass {
    int id = 0;        // official id: the index training code and benchmark files use
    QString code;      // A1..G4
    QString name;
    int bodyPartId = 0;
    QString hotkey;    // default key sequence, QKeySequence text form
};

class Taxonomy {
public:
    // MA-52, compiled into the binary.
    static const Taxonomy& builtinMa52();
    // A user-supplied TSV with the columns id, code, name, body_part_id, body_part [, hotkey].
    static Result<Taxonomy> fromTsvFile(const QString& path);
    static Result<Taxonomy> fromTsvText(const QString& text, const QString& sourceName,
                                        const QString& version);

    QString version() const { return m_version; }
    const QVector<ActionClass>& classes() const { return m_classes; }
    const QVector<BodyPart>& bodyParts() const { return m_bodyParts; }
    int classCount() const { return m_classes.size(); }
    int bodyPartCount() const { return m_bodyParts.size(); }

    const ActionClass* classById(int id) const;
    const ActionClass* classByCode(const QString& code) const;
    const ActionClass* classByName(const QString& name) const; // case-insensitive
    const BodyPart* bodyPart(int id) const;
    int bodyPartOfClass(int classId) const; // -1 when unknown
    QVector<int> classesOfBodyPart(int bodyPartId) const;
    // The class whose name is closest to `text` (edit distance), for "did you mean" messages.
    const ActionClass* nearestByName(const QString& text) const;

    // The TSV text this taxonomy round-trips through (what a project stores).
    QString toTsv() const;

private:
    QString m_version;
    QVector<ActionClass> m_classes;
    QVector<BodyPart> m_bodyParts;
};

} // namespace mas
