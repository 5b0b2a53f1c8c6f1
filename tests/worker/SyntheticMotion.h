#pragma once
// A small synthetic micro-action dataset made with the ffmpeg program: every clip shows a square that NODS (moves up-down), SHAKES (left-right), GROWS
// (pulses in size) or stays STILL. Background, colours, size and position vary per participant and the
// motion phase per clip, so no single frame tells the class: only motion over time does.
// Shared by tests/worker and tests/bench/worker.
#include "TestSupport.h"
#include "WorkTypes.h"

#include <QDir>
#include <QString>
#include <QStringList>

#include <memory>
#include <random>
#include <vector>

namespace mas::test {

enum SyntheticMotionClass { Nod = 0, Shake = 1, Grow = 2, Still = 3 };
constexpr int kSyntheticClasses = 4;

struct SyntheticDatasetOptions {
    int participants = 8;
    int clipsPerClass = 3;      // per participant
    int framesPerClip = 24;
    int size = 64;              // square frames
    int fps = 30;
    uint32_t seed = 7;
};

// Every clip is its own small file (one simple geq expression per clip keeps ffmpeg fast); files are made
// by up to 4 ffmpeg processes at once. Participant codes "P01"...; clip keys "P01#3".
inline std::vector<worker::ClipItem> makeSyntheticDataset(const QString& folder, const SyntheticDatasetOptions& o,
                                                          QString* error = nullptr)
{
    QDir().mkpath(folder);
    std::mt19937 rng(o.seed);
    auto uniform = [&rng](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    std::vector<worker::ClipItem> items;
    std::vector<QStringList> commands;
    for (int p = 0; p < o.participants; ++p) {
        const QString participant = QString("P%1").arg(p + 1, 2, 10, QChar('0'));
        // Per participant: background, square colour, size, rest position.
        const int bg[3] = {int(uniform(0, 110)), int(uniform(0, 110)), int(uniform(0, 110))};
        const int fg[3] = {int(uniform(150, 255)), int(uniform(150, 255)), int(uniform(150, 255))};
        const double half = uniform(0.1, 0.15) * o.size;
        const double cx = o.size / 2.0 + uniform(-0.1, 0.1) * o.size, cy = o.size / 2.0 + uniform(-0.1, 0.1) * o.size;
        std::vector<int> classes;
        for (int k = 0; k < kSyntheticClasses; ++k)
            for (int i = 0; i < o.clipsPerClass; ++i)
                classes.push_back(k);
        std::shuffle(classes.begin(), classes.end(), rng);
        for (size_t i = 0; i < classes.size(); ++i) {
            const double amplitude = uniform(0.15, 0.2) * o.size, frequency = uniform(1.6, 2.4), phase = uniform(0, 6.283);
            const QString wave = QString("sin(6.283*%1*T+%2)").arg(frequency).arg(phase);
            QString x = QString::number(cx), y = QString::number(cy), h = QString::number(half);
            if (classes[i] == Nod)
                y = QString("(%1+%2*%3)").arg(cy).arg(amplitude).arg(wave);
            else if (classes[i] == Shake)
                x = QString("(%1+%2*%3)").arg(cx).arg(amplitude).arg(wave);
            else if (classes[i] == Grow)
                h = QString("(%1*(1+0.6*%2))").arg(half).arg(wave);
            const QString inside = QString("lt(abs(X-%1),%3)*lt(abs(Y-%2),%3)").arg(x, y, h);
            const QString geq = QString("geq=r='if(%1,%2,%3)':g='if(%1,%4,%5)':b='if(%1,%6,%7)'")
                                    .arg(inside).arg(fg[0]).arg(bg[0]).arg(fg[1]).arg(bg[1]).arg(fg[2]).arg(bg[2]);
            const QString path = QString("%1/%2_%3.mp4").arg(folder, participant).arg(i, 2, 10, QChar('0'));
            commands.push_back({"-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                                QString("color=c=black:s=%1x%1:r=%2,format=gbrp,%3").arg(o.size).arg(o.fps).arg(geq),
                                "-frames:v", QString::number(o.framesPerClip), "-pix_fmt", "yuv420p", path});
            items.push_back(worker::ClipItem{QString("%1#%2").arg(participant).arg(i), path, 0, o.framesPerClip,
                                             classes[i], participant});
        }
    }
    // Up to 4 at once.
    std::vector<std::unique_ptr<QProcess>> running;
    size_t next = 0;
    while (next < commands.size() || !running.empty()) {
        while (next < commands.size() && running.size() < 4) {
            running.push_back(std::make_unique<QProcess>());
            running.back()->start("ffmpeg", commands[next++]);
        }
        std::unique_ptr<QProcess> p = std::move(running.front());
        running.erase(running.begin());
        if (!p->waitForFinished(120000) || p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0) {
            if (error)
                *error = "ffmpeg: " + QString::fromUtf8(p->readAllStandardError()) + p->errorString();
            for (auto& r : running)
                r->waitForFinished(120000);
            return {};
        }
    }
    return items;
}

} // namespace mas::test
