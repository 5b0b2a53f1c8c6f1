#pragma once
// QCOMPARE on the store's status enums. Without these, QTest's generic qCompare finds
// mas::store::toString (which returns QString) by argument-dependent lookup where it expects a
// char*, and does not compile. Comparing the words also prints them when a check fails.
#include "store/StoreTypes.h"

#include <QTest>

namespace QTest {

inline bool qCompare(mas::store::LabelStatus actual, mas::store::LabelStatus expected, const char* actualText,
                     const char* expectedText, const char* file, int line)
{
    return qCompare(mas::store::toString(actual), mas::store::toString(expected), actualText, expectedText, file, line);
}

inline bool qCompare(mas::store::SegmentStatus actual, mas::store::SegmentStatus expected, const char* actualText,
                     const char* expectedText, const char* file, int line)
{
    return qCompare(mas::store::toString(actual), mas::store::toString(expected), actualText, expectedText, file, line);
}

inline bool qCompare(mas::store::SplitSet actual, mas::store::SplitSet expected, const char* actualText,
                     const char* expectedText, const char* file, int line)
{
    return qCompare(mas::store::toString(actual), mas::store::toString(expected), actualText, expectedText, file, line);
}

} // namespace QTest
