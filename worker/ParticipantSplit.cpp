#include "ParticipantSplit.h"

#include <QMap>

#include <algorithm>
#include <random>

namespace mas::worker {

DataSplit splitByParticipant(const std::vector<ClipItem>& items, double validationFraction, uint64_t seed)
{
    QMap<QString, std::vector<const ClipItem*>> byParticipant;
    size_t labelled = 0;
    for (const ClipItem& item : items) {
        if (item.label < 0)
            continue;
        byParticipant[item.participant.isEmpty() ? "file:" + item.videoPath : item.participant].push_back(&item);
        ++labelled;
    }
    QStringList participants = byParticipant.keys();
    std::mt19937_64 rng(seed);
    std::shuffle(participants.begin(), participants.end(), rng);
    DataSplit split;
    const double wanted = validationFraction * double(labelled);
    size_t taken = 0;
    for (const QString& p : participants) {
        const bool toValidation = participants.size() > 1 && validationFraction > 0 &&
                                  (split.validationParticipants.isEmpty() ||
                                   (double(taken) < wanted && split.validationParticipants.size() + 1 < participants.size()));
        for (const ClipItem* item : byParticipant[p])
            (toValidation ? split.validation : split.training).push_back(*item);
        if (toValidation) {
            split.validationParticipants << p;
            taken += byParticipant[p].size();
        }
    }
    return split;
}

std::vector<float> balancedClassWeights(const std::vector<ClipItem>& items, int numClasses)
{
    std::vector<double> counts(size_t(std::max(numClasses, 0)), 0);
    for (const ClipItem& i : items)
        if (i.label >= 0 && i.label < numClasses)
            counts[size_t(i.label)] += 1;
    int present = 0;
    double sumInverse = 0;
    for (double c : counts)
        if (c > 0) {
            ++present;
            sumInverse += 1.0 / c;
        }
    std::vector<float> weights(counts.size(), 0.f);
    for (size_t k = 0; k < counts.size(); ++k)
        if (counts[k] > 0)
            weights[k] = float((1.0 / counts[k]) * present / sumInverse);
    return weights;
}

} // namespace mas::worker
