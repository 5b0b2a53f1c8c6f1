#include "ProjectData.h"

namespace mas::worker {

Result<std::optional<ModelVersionRecord>> ProjectData::modelVersion(const QString& idOrName)
{
    Result<std::vector<ModelVersionRecord>> all = modelVersions();
    if (!all)
        return Error{all.error()};
    for (const ModelVersionRecord& v : all.value())
        if (v.id == idOrName || v.name == idOrName)
            return std::optional<ModelVersionRecord>(v);
    return std::optional<ModelVersionRecord>();
}

Result<std::optional<ModelVersionRecord>> ProjectData::activeModelVersion()
{
    Result<std::vector<ModelVersionRecord>> all = modelVersions();
    if (!all)
        return Error{all.error()};
    for (const ModelVersionRecord& v : all.value())
        if (v.active)
            return std::optional<ModelVersionRecord>(v);
    return std::optional<ModelVersionRecord>();
}

Result<QString> ProjectData::rollBack()
{
    Result<std::optional<ModelVersionRecord>> active = activeModelVersion();
    if (!active)
        return Error{active.error()};
    if (!active.value())
        return Error{"no model version is active: nothing to roll back"};
    const ModelVersionRecord& current = *active.value();
    if (current.parentId.isEmpty())
        return Error{QString("model version %1 has no parent to roll back to").arg(current.name)};
    const Status s = setActiveModelVersion(current.parentId);
    if (!s)
        return Error{s.error()};
    return current.parentId;
}

} // namespace mas::worker
