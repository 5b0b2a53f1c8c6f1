#pragma once
// BORIS project files (`.boris`, JSON; BORIS project format 7/8), read and written from the format as
// BORIS documents it (no BORIS code):
//   top level   project_name, project_date, project_description, project_format_version, time_format,
//               behaviors_conf {"0": {type, key, code, description, color, category, modifiers, excluded,
//               "coding map"}}, behavioral_categories [names], behavioral_categories_config
//               {"0": {name, color}}, subjects_conf {"0": {key, name, description}}, observations {id: obs},
//               independent_variables, coding_map, behaviors_coding_map, converters
//   observation type "MEDIA" | "LIVE" | "IMAGES", file {"1": [paths], "2": [], ...}, "time offset",
//               media_info {length: {path: s}, fps: {path: rate}, hasVideo, hasAudio, offset {"1": s}},
//               events [[time_s, subject, code, modifier, comment, frame_index], ...] in time order
// Types: "State event" (START/STOP pairs: the same subject and code seen twice) or "Point event"
// (and their "with coding map" forms).
//
// Mapping to this app:
//   ethogram behaviours (and categories)  <-> taxonomy classes (and body parts); a behaviour matches a class
//                                             by code ("B1"), else by name ("nodding", case-insensitive)
//   subjects                              <-> participants (a video's participant: its observation's subject)
//   observations' media (player 1)        <-> videos
//   state events: START/STOP pairs        <-> segments [START frame, STOP frame)
//   point events                          <-> one-frame segments
//   modifiers (and comments)              <-> notes: "modifiers: <modifier>" on the first line, the comment after
// What cannot be mapped is reported row by row (file, event row, reason): behaviours outside the taxonomy,
// unpaired START/STOP, live or image observations, media of players 2..8, events before the media starts,
// segments without a class or frame rate, overlapping segments of one class (BORIS pairs them by order).
#include "exchange/ExchangeTypes.h"
#include "store/ProjectStore.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QVector>

namespace mas::exchange {

inline constexpr char kBorisModifierPrefix[] = "modifiers: ";

struct BorisReadOptions {
    QString annotator;          // labels' annotator ("" = the project's current one)
    LabelStatus status = LabelStatus::Confirmed;
    // A video's frame rate when the file's media_info has none (e.g. the project's probed rate); may be empty.
    std::function<bool(const QString& absoluteVideoPath, int* fpsNum, int* fpsDen)> frameRateOfVideo;
};

// Rows (one per segment; video paths absolute, resolved against the .boris file's folder) and issues.
ParsedFile parseBoris(const QByteArray& json, const QString& fileName, const Taxonomy& taxonomy,
                      const BorisReadOptions& options = {});

struct BorisWriteOptions {
    QString projectName;
    QVector<int> pointEventClasses; // classes written as BORIS point events (their segments: one frame each)
    QString mediaDir;               // media paths are written relative to this folder ("" = absolute)
};

struct BorisExport {
    QByteArray json;
    int events = 0;
    int observations = 0;
    QVector<ImportIssue> issues;    // segments left out, one per row
};

// A BORIS project of `rows` (each row's human labels, not rejected; one observation per video).
// `videos` gives the media facts (length, rate, audio) by the rows' video paths (absolute).
BorisExport writeBoris(const QVector<SegmentRow>& rows, const QVector<store::Video>& videos,
                       const QVector<store::Participant>& participants, const Taxonomy& taxonomy,
                       const BorisWriteOptions& options = {});

// The project side: import a .boris into the store (through importRows), or export the project.
struct BorisImportReport {
    int rowsRead = 0;
    int segmentsAdded = 0;
    int labelsAdded = 0;
    int videosAdded = 0;
    QVector<ImportIssue> issues;
    QString summary() const;
};
Result<BorisImportReport> importBoris(store::ProjectStore& store, const QString& path,
                                      const BorisReadOptions& options = {}, const ExchangeControl& control = {});
Result<BorisExport> exportBoris(const store::ProjectStore& store, const QString& path,
                                const BorisWriteOptions& options = {}, const ExchangeControl& control = {});

} // namespace mas::exchange
