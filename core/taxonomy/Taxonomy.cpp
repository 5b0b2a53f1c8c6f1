#include "taxonomy/Taxonomy.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStringList>

#include <algorithm>

namespace mas {
namespace {

// Colours for body parts of custom taxonomies that name none (same palette as MA-52's).
const char* const kDefaultPalette[] = {"#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#E15759",
                                       "#EDC948", "#76B7B2", "#FF9DA7", "#9C755F", "#BAB0AC"};

QString readResource(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

QStringList dataLines(const QString& text)
{
    QStringList out;
    for (QString line : text.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.startsWith('#'))
            continue;
        out << line;
    }
    return out;
}

int editDistance(const QString& a, const QString& b)
{
    QVector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

Taxonomy loadBuiltin()
{
    const QString classesText = readResource(QStringLiteral(":/mas/taxonomy/ma52.tsv"));
    Result<Taxonomy> t = Taxonomy::fromTsvText(classesText, QStringLiteral("built-in MA-52"),
                                               QStringLiteral("ma52-v1"));
    Q_ASSERT(t.ok());
    return t.ok() ? t.value() : Taxonomy();
}

} // namespace

const Taxonomy& Taxonomy::builtinMa52()
{
    static const Taxonomy taxonomy = loadBuiltin();
    return taxonomy;
}

Result<Taxonomy> Taxonomy::fromTsvFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read taxonomy file (%2)").arg(path, f.errorString())};
    return fromTsvText(QString::fromUtf8(f.readAll()), path,
                       QStringLiteral("custom:%1").arg(QFileInfo(path).completeBaseName()));
}

Result<Taxonomy> Taxonomy::fromTsvText(const QString& text, const QString& sourceName,
                                       const QString& version)
{
    const QStringList lines = dataLines(text);
    if (lines.isEmpty())
        return Error{QStringLiteral("%1: empty taxonomy").arg(sourceName)};
    const QStringList header = lines.first().split('\t');
    const QStringList required = {"id", "code", "name", "body_part_id", "body_part"};
    QHash<QString, int> col;
    for (int i = 0; i < header.size(); ++i)
        col.insert(header[i].trimmed(), i);
    for (const QString& r : required)
        if (!col.contains(r))
            return Error{QStringLiteral("%1: header lacks the column '%2' (need %3)")
                             .arg(sourceName, r, required.join(", "))};

    // MA-52 colours (and any custom colour column) come from the built-in body-part table.
    QHash<int, QColor> colours;
    QHash<int, QString> letters;
    for (const QString& line : dataLines(readResource(QStringLiteral(":/mas/taxonomy/body_parts.tsv"))).mid(1)) {
        const QStringList f = line.split('\t');
        if (f.size() >= 4) {
            colours.insert(f[0].toInt(), QColor(f[3]));
            letters.insert(f[0].toInt(), f[1]);
        }
    }

    Taxonomy t;
    t.m_version = version;
    QHash<int, QString> partNames;
    for (int n = 1; n < lines.size(); ++n) {
        const QStringList f = lines[n].split('\t');
        auto field = [&](const char* name) { return f.value(col.value(name)).trimmed(); };
        bool idOk = false, bpOk = false;
        ActionClass c;
        c.id = field("id").toInt(&idOk);
        c.code = field("code");
        c.name = field("name");
        c.bodyPartId = field("body_part_id").toInt(&bpOk);
        c.hotkey = col.contains("hotkey") ? field("hotkey") : QString();
        if (!idOk || !bpOk || c.code.isEmpty() || c.name.isEmpty() || c.bodyPartId < 0)
            return Error{QStringLiteral("%1: data row %2 is malformed: '%3'").arg(sourceName).arg(n).arg(lines[n])};
        if (c.id != t.m_classes.size())
            return Error{QStringLiteral("%1: data row %2 has id %3; ids must run 0,1,2,... in order")
                             .arg(sourceName).arg(n).arg(c.id)};
        if (t.classByCode(c.code))
            return Error{QStringLiteral("%1: code '%2' appears twice").arg(sourceName, c.code)};
        const QString partName = field("body_part");
        if (partNames.contains(c.bodyPartId) && partNames.value(c.bodyPartId) != partName)
            return Error{QStringLiteral("%1: body part %2 is named both '%3' and '%4'")
                             .arg(sourceName).arg(c.bodyPartId).arg(partNames.value(c.bodyPartId), partName)};
        partNames.insert(c.bodyPartId, partName);
        t.m_classes.push_back(c);
    }
    QList<int> partIds = partNames.keys();
    std::sort(partIds.begin(), partIds.end());
    for (int i = 0; i < partIds.size(); ++i) {
        if (partIds[i] != i)
            return Error{QStringLiteral("%1: body part ids must run 0,1,2,... (missing %2)").arg(sourceName).arg(i)};
        BodyPart p;
        p.id = i;
        p.name = partNames.value(i);
        p.colour = colours.value(i, QColor(kDefaultPalette[i % 10]));
        p.letter = letters.value(i, QString(QChar('A' + i)));
        t.m_bodyParts.push_back(p);
    }
    return t;
}

const ActionClass* Taxonomy::classById(int id) const
{
    return (id >= 0 && id < m_classes.size()) ? &m_classes[id] : nullptr;
}

const ActionClass* Taxonomy::classByCode(const QString& code) const
{
    for (const ActionClass& c : m_classes)
        if (c.code.compare(code, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

const ActionClass* Taxonomy::classByName(const QString& name) const
{
    const QString wanted = name.trimmed();
    for (const ActionClass& c : m_classes)
        if (c.name.compare(wanted, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

const BodyPart* Taxonomy::bodyPart(int id) const
{
    return (id >= 0 && id < m_bodyParts.size()) ? &m_bodyParts[id] : nullptr;
}

int Taxonomy::bodyPartOfClass(int classId) const
{
    const ActionClass* c = classById(classId);
    return c ? c->bodyPartId : -1;
}

QVector<int> Taxonomy::classesOfBodyPart(int bodyPartId) const
{
    QVector<int> out;
    for (const ActionClass& c : m_classes)
        if (c.bodyPartId == bodyPartId)
            out << c.id;
    return out;
}

const ActionClass* Taxonomy::nearestByName(const QString& text) const
{
    const ActionClass* best = nullptr;
    int bestDistance = INT_MAX;
    const QString wanted = text.trimmed().toLower();
    for (const ActionClass& c : m_classes) {
        const int d = editDistance(wanted, c.name.toLower());
        if (d < bestDistance) {
            bestDistance = d;
            best = &c;
        }
    }
    return best;
}

QString Taxonomy::toTsv() const
{
    QString out = QStringLiteral("id\tcode\tname\tbody_part_id\tbody_part\thotkey\n");
    for (const ActionClass& c : m_classes)
        out += QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\n")
                   .arg(c.id).arg(c.code, c.name).arg(c.bodyPartId)
                   .arg(m_bodyParts.value(c.bodyPartId).name, c.hotkey);
    return out;
}

} // namespace mas
