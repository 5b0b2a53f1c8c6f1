#pragma once
// Reads a class written as an official id, a code (B1) or a name (nodding), for importers; when
// nothing matches, says which class the text is closest to.
#include "taxonomy/Taxonomy.h"

#include <QString>

namespace mas::exchange {

enum class ClassTextKind { Any, Id, Code, Name };

struct ClassLookup {
    int classId = -1;          // -1 when not found
    QString reason;            // why not, when not found
    QString suggestion;        // "did you mean 'nodding' (B1)?" when a name was close
};

ClassLookup lookupClass(const QString& text, const Taxonomy& taxonomy, ClassTextKind kind = ClassTextKind::Any);

} // namespace mas::exchange
