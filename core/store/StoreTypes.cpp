#include "store/StoreTypes.h"

namespace mas::store {
namespace {
const char* const kLabelStatusNames[] = {"prelabeled", "confirmed", "disputed", "rejected"};
const char* const kSplitNames[] = {"train", "val", "test"};
const char* const kRoleNames[] = {"annotator", "curator", "admin"};
} // namespace

QString toString(LabelStatus status) { return QString::fromLatin1(kLabelStatusNames[int(status)]); }

QString toString(SegmentStatus status)
{
    return status == SegmentStatus::Unlabeled ? QStringLiteral("unlabeled")
                                              : QString::fromLatin1(kLabelStatusNames[int(status)]);
}

QString toString(SplitSet set) { return QString::fromLatin1(kSplitNames[int(set)]); }

std::optional<LabelStatus> labelStatusFromString(const QString& text)
{
    for (int i = 0; i < 4; ++i)
        if (text.compare(QLatin1String(kLabelStatusNames[i]), Qt::CaseInsensitive) == 0)
            return LabelStatus(i);
    return std::nullopt;
}

std::optional<SegmentStatus> segmentStatusFromString(const QString& text)
{
    if (text.compare(QLatin1String("unlabeled"), Qt::CaseInsensitive) == 0)
        return SegmentStatus::Unlabeled;
    if (std::optional<LabelStatus> s = labelStatusFromString(text))
        return SegmentStatus(int(*s));
    return std::nullopt;
}

std::optional<SplitSet> splitSetFromString(const QString& text)
{
    for (int i = 0; i < 3; ++i)
        if (text.compare(QLatin1String(kSplitNames[i]), Qt::CaseInsensitive) == 0)
            return SplitSet(i);
    return std::nullopt;
}

QString toString(ProjectRole role) { return QString::fromLatin1(kRoleNames[int(role)]); }

std::optional<ProjectRole> projectRoleFromString(const QString& text)
{
    for (int i = 0; i < 3; ++i)
        if (text.compare(QLatin1String(kRoleNames[i]), Qt::CaseInsensitive) == 0)
            return ProjectRole(i);
    return std::nullopt;
}

} // namespace mas::store
