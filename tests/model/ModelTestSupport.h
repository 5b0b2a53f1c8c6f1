#pragma once
// Helpers for the model tests: running the PyTorch reference script with /usr/bin/python3 (torch 1.13),
// and reading the raw float32 files it writes.
#include "RelativeDifference.h"

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <vector>

namespace mas::test {

inline QString referenceScript()
{
    return qEnvironmentVariable("MAS_SOURCE_DIR", QStringLiteral(MAS_SOURCE_DIR_FALLBACK)) + "/tests/model/reference_manet.py";
}

// Empty when /usr/bin/python3 with torch and numpy can run; else why not (the test QSKIPs with it).
inline QString referencePythonMissing()
{
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import torch, numpy"});
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return "needs /usr/bin/python3 with torch and numpy for the reference outputs (" +
               QString::fromUtf8(p.readAllStandardError()).trimmed() + p.errorString() + ")";
    return {};
}

// Peak resident memory of this process (VmHWM), in bytes; -1 when unknown.
inline int64_t peakRss()
{
    QFile f("/proc/self/status");
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    return -1;
}

// The memory bound the hostile-input tests hold: 1 GiB. Under AddressSanitizer the process also carries the
// quarantine of freed blocks (256 MiB by default) and shadow memory, so the bound grows by 1 GiB there.
inline int64_t rssBound()
{
#if defined(__SANITIZE_ADDRESS__)
    return int64_t(2) << 30;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return int64_t(2) << 30;
#endif
#endif
    return int64_t(1) << 30;
}

// In CI (the CI variable set) a missing reference is a failure: a skipped parity test proves nothing, and CI
// must not turn a broken /usr/bin/python3 into a pass. Elsewhere the test skips with the reason.
inline bool referenceRequired() { return qEnvironmentVariableIsSet("CI"); }

// Use at the start of a test function that needs the reference.
#define MAS_REQUIRE_REFERENCE_PYTHON()                                                                              \
    do {                                                                                                             \
        if (const QString missing_ = mas::test::referencePythonMissing(); !missing_.isEmpty()) {                     \
            if (mas::test::referenceRequired())                                                                      \
                QFAIL(qPrintable("CI is set and " + missing_));                                                      \
            QSKIP(qPrintable(missing_));                                                                             \
        }                                                                                                            \
    } while (false)

// Runs reference_manet.py; returns its stderr on failure.
inline QString runReference(const QStringList& args)
{
    QProcess p;
    p.start("/usr/bin/python3", QStringList{referenceScript()} + args);
    if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return "reference_manet.py failed: " + QString::fromUtf8(p.readAllStandardError()) + p.errorString();
    return {};
}

inline std::vector<float> readFloats(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    std::vector<float> v(static_cast<size_t>(bytes.size()) / sizeof(float));
    std::memcpy(v.data(), bytes.constData(), v.size() * sizeof(float));
    return v;
}


} // namespace mas::test
