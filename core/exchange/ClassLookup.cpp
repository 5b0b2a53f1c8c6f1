#include "exchange/ClassLookup.h"

namespace mas::exchange {

ClassLookup lookupClass(const QString& text, const Taxonomy& taxonomy, ClassTextKind kind)
{
    ClassLookup out;
    const QString t = text.trimmed();
    if (t.isEmpty()) {
        out.reason = QStringLiteral("empty class");
        return out;
    }
    if (kind == ClassTextKind::Any || kind == ClassTextKind::Id) {
        bool ok = false;
        const int id = t.toInt(&ok);
        if (ok) {
            if (taxonomy.classById(id))
                out.classId = id;
            else
                out.reason = QStringLiteral("class id %1 is outside 0..%2").arg(id).arg(taxonomy.classCount() - 1);
            return out;
        }
        if (kind == ClassTextKind::Id) {
            out.reason = QStringLiteral("'%1' is not a class id").arg(t);
            return out;
        }
    }
    if (kind == ClassTextKind::Any || kind == ClassTextKind::Code)
        if (const ActionClass* c = taxonomy.classByCode(t.toUpper())) {
            out.classId = c->id;
            return out;
        }
    if (kind == ClassTextKind::Any || kind == ClassTextKind::Name) {
        if (const ActionClass* c = taxonomy.classByName(t.simplified())) {
            out.classId = c->id;
            return out;
        }
        if (const ActionClass* near = taxonomy.nearestByName(t))
            out.suggestion = QStringLiteral("did you mean '%1' (%2)?").arg(near->name, near->code);
    }
    out.reason = QStringLiteral("unknown class '%1'").arg(t);
    return out;
}

} // namespace mas::exchange
