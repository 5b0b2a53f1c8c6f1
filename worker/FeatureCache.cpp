#include "FeatureCache.h"

#include "FolderProjectData.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

#include <cstring>

namespace mas::worker {

namespace {
constexpr char kMagic[4] = {'M', 'A', 'S', 'F'};

QString hashed(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex());
}
} // namespace

FeatureCache::FeatureCache(QString cacheDir, QString modelVersionId)
    : m_folder(cacheDir + "/features/" + hashed(modelVersionId).left(16))
{
}

QString FeatureCache::pathOf(const QString& itemKey) const
{
    return m_folder + '/' + hashed(itemKey) + ".f32";
}

bool FeatureCache::contains(const QString& itemKey) const
{
    return QFile::exists(pathOf(itemKey));
}

Status FeatureCache::store(const QString& itemKey, int64_t segments, int64_t featureDim, const float* values) const
{
    QByteArray bytes;
    bytes.append(kMagic, 4);
    const int32_t shape[2] = {int32_t(segments), int32_t(featureDim)};
    bytes.append(reinterpret_cast<const char*>(shape), sizeof shape);
    bytes.append(reinterpret_cast<const char*>(values), qsizetype(segments * featureDim * sizeof(float)));
    return writeFileAtomically(pathOf(itemKey), bytes);
}

Result<std::vector<float>> FeatureCache::load(const QString& itemKey, int64_t* segments, int64_t* featureDim) const
{
    const QString path = pathOf(itemKey);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path + ": no cached features for " + itemKey + " (" + f.errorString() + ")"};
    const QByteArray bytes = f.readAll();
    int32_t shape[2] = {0, 0};
    if (bytes.size() < 12 || std::memcmp(bytes.constData(), kMagic, 4) != 0)
        return Error{path + ": not a feature file"};
    std::memcpy(shape, bytes.constData() + 4, sizeof shape);
    const qsizetype expected = 12 + qsizetype(shape[0]) * shape[1] * qsizetype(sizeof(float));
    if (shape[0] <= 0 || shape[1] <= 0 || bytes.size() != expected)
        return Error{path + ": truncated feature file"};
    std::vector<float> v(size_t(shape[0]) * size_t(shape[1]));
    std::memcpy(v.data(), bytes.constData() + 12, v.size() * sizeof(float));
    if (segments)
        *segments = shape[0];
    if (featureDim)
        *featureDim = shape[1];
    return v;
}

Result<model::PooledFeatures> FeatureCache::loadMany(const QVector<QString>& itemKeys) const
{
    model::PooledFeatures out;
    for (const QString& key : itemKeys) {
        int64_t segments = 0, dim = 0;
        Result<std::vector<float>> one = load(key, &segments, &dim);
        if (!one)
            return Error{one.error()};
        if (out.batch == 0) {
            out.segments = segments;
            out.featureDim = dim;
            out.values.reserve(size_t(itemKeys.size()) * size_t(segments * dim));
        } else if (segments != out.segments || dim != out.featureDim) {
            return Error{pathOf(key) + ": features of another shape than the others"};
        }
        out.values.insert(out.values.end(), one->begin(), one->end());
        ++out.batch;
    }
    return out;
}

} // namespace mas::worker
