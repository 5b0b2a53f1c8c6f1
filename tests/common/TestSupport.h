#pragma once
// Helpers shared by the Qt Test executables: where ../shared and the artifact folder are,
// and generating small media with the ffmpeg program.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace mas::test {

// ../shared when present, else an empty string (tests then QSKIP with a message).
inline QString sharedDir()
{
    const QString dir = qEnvironmentVariable("MAS_SHARED_DIR");
    return (!dir.isEmpty() && QFileInfo(dir + "/ma52/label_map.tsv").exists()) ? QDir(dir).absolutePath() : QString();
}

inline QString artifactPath(const QString& fileName)
{
    QString dir = qEnvironmentVariable("MAS_TEST_ARTIFACTS");
    if (dir.isEmpty())
        dir = QDir::tempPath() + "/mas-test-artifacts";
    QDir().mkpath(dir);
    return dir + '/' + fileName;
}

// Runs the ffmpeg program (quiet, overwrite); returns its stderr on failure in *error.
inline bool runFfmpeg(const QStringList& args, QString* error = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("ffmpeg"), QStringList{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"} + args);
    if (!p.waitForFinished(300000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = QString::fromUtf8(p.readAllStandardError()) + p.errorString();
        return false;
    }
    return true;
}

// A small test-pattern video: `frames` frames of WxH at `fps`, GOP `gop`, libx264 if present else mpeg4.
inline bool makeTestVideo(const QString& path, int frames, int width = 160, int height = 120,
                          int fps = 30, int gop = 250, bool withAudio = false, QString* error = nullptr)
{
    QStringList args{"-f", "lavfi", "-i",
                     QStringLiteral("testsrc2=size=%1x%2:rate=%3").arg(width).arg(height).arg(fps)};
    if (withAudio)
        args << "-f" << "lavfi" << "-i" << "sine=frequency=440:sample_rate=48000";
    args << "-frames:v" << QString::number(frames) << "-g" << QString::number(gop) << "-pix_fmt" << "yuv420p";
    if (withAudio)
        args << "-c:a" << "aac" << "-shortest";
    args << path;
    return runFfmpeg(args, error);
}

} // namespace mas::test
