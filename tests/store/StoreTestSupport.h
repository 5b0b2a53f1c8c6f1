#pragma once
// Small helpers shared by the store tests: a fresh project in a temporary folder.
#include "store/ProjectStore.h"

#include <QTemporaryDir>
#include <QTest>

// QCOMPARE of store enums, by name (see statusName in StoreTypes.h).
#define QCOMPARE_STATUS(actual, expected) QCOMPARE(mas::store::statusName(actual), mas::store::statusName(expected))
#define QCOMPARE_SPLIT(actual, expected) QCOMPARE(mas::store::splitName(actual), mas::store::splitName(expected))

namespace mas::test {

inline std::unique_ptr<store::ProjectStore> createProject(const QString& path, const QString& annotator = "alice")
{
    Result<std::unique_ptr<store::ProjectStore>> s = store::ProjectStore::create(path, Taxonomy::builtinMa52(), annotator);
    if (!s.ok())
        qFatal("cannot create %s: %s", qPrintable(path), qPrintable(s.error()));
    return std::move(s).value();
}

// A video row that needs no file (tests of the store alone): 90 frames at 30/1.
inline store::Video fakeVideo(const QString& relativePath, store::Id participant = 0)
{
    store::Video v;
    v.path = relativePath;
    v.contentHash = "hash-of-" + relativePath;
    v.participantId = participant;
    v.durationSeconds = 3.0;
    v.fpsNum = 30;
    v.fpsDen = 1;
    v.frameCount = 90;
    v.width = 160;
    v.height = 120;
    return v;
}

} // namespace mas::test
