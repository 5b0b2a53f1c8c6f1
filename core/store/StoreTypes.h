#pragma once
// Plain values the project store reads and writes. No SQL and no Qt SQL types leak out of the
// store: the GUI, exchange code and the model worker see only these structs.
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

namespace mas::store {

// Row id of any entity (SQLite rowid; BIGINT in a server back end). 0 means "none".
using Id = int64_t;

// The schema this build writes; older files are migrated forward when opened read-write.
constexpr int kCurrentSchemaVersion = 4;

enum class OpenMode {
    ReadWrite,       // refuse when another process holds the project
    ReadOnly,        // never writes (not even missing-video flags)
    PreferReadWrite, // read-write, or read-only with a notice when another process holds it
};

// A label's place in review. Several labels may sit on one segment (one per annotator or model).
enum class LabelStatus { Prelabeled = 0, Confirmed = 1, Disputed = 2, Rejected = 3 };

// What the clip browser shows for a segment, derived from its labels (see ProjectStore::verdictRule).
enum class SegmentStatus { Unlabeled = -1, Prelabeled = 0, Confirmed = 1, Disputed = 2, Rejected = 3 };

// What a member of a server project may do (PostgreSQL group roles mas_annotator, mas_curator,
// mas_admin; see ServerRoles.h). A project file has one user, who is Admin.
enum class ProjectRole {
    Annotator = 0, // adds, changes and removes their own segments and labels
    Curator = 1,   // also confirms others' labels, resolves disputes, splits, models, assignments, imports
    Admin = 2,     // everything: also removes videos and grants roles
};
QString toString(ProjectRole role); // "annotator", "curator", "admin"
std::optional<ProjectRole> projectRoleFromString(const QString& text);

enum class SplitSet { Train = 0, Val = 1, Test = 2 };
enum class SplitUnit { Participant = 0, Segment = 1 };

QString toString(LabelStatus status);    // "prelabeled", "confirmed", "disputed", "rejected"
QString toString(SegmentStatus status);  // as above, plus "unlabeled"
QString toString(SplitSet set);          // "train", "val", "test"
// The same names. (Tests compare these: QCOMPARE on the enums themselves finds the toString above by
// argument-dependent lookup and fails to compile, as it expects one returning char*.)
inline QString statusName(LabelStatus status) { return toString(status); }
inline QString statusName(SegmentStatus status) { return toString(status); }
inline QString splitName(SplitSet set) { return toString(set); }
std::optional<LabelStatus> labelStatusFromString(const QString& text);
std::optional<SegmentStatus> segmentStatusFromString(const QString& text);
std::optional<SplitSet> splitSetFromString(const QString& text);

struct ProjectMeta {
    int schemaVersion = 0;
    QString appVersion;        // the app version that created the file
    QString lastAppVersion;    // the app version that last opened it read-write
    QString taxonomyVersion;
    QDateTime created;         // UTC
};

struct Annotator {
    Id id = 0;
    QString name;              // unique; models prelabel as "model:<version name>"
    QDateTime created;
};

struct Participant {
    Id id = 0;
    QString code;              // unique, e.g. "0010" for MA-52
    QString note;
};

struct Video {
    Id id = 0;
    QString path;              // relative to the project file's folder (forward slashes) when stored;
                               // absolute or relative to the project when passed to addVideo
    QString contentHash;       // mas::contentHash(); empty when unknown
    Id participantId = 0;      // 0 when the file name names none
    double durationSeconds = 0;
    int fpsNum = 0;            // frame rate as a rational; 0/1 when unknown
    int fpsDen = 1;
    int64_t frameCount = 0;
    int width = 0;             // as displayed (after rotation)
    int height = 0;
    int rotationDegrees = 0;   // clockwise: 0, 90, 180, 270
    bool hasAudio = false;
    bool missing = false;      // the file was not found when the project was last opened or checked
    QDateTime added;
    double fps() const { return fpsDen > 0 ? double(fpsNum) / fpsDen : 0.0; }
};

struct Segment {
    Id id = 0;
    Id videoId = 0;
    int64_t startFrame = 0;
    int64_t endFrame = 0;      // EXCLUSIVE: frames startFrame .. endFrame-1
    QString note;
    Id createdBy = 0;          // annotator id (0 = unknown)
    QDateTime created;
    // Derived from the segment's labels and kept in step by the store.
    SegmentStatus status = SegmentStatus::Unlabeled;
    int classId = -1;          // the class the verdict stands for; -1 when unlabeled
    int64_t rowVersion = 1;    // bumped by every change of the row: an edit names the one it read
    int64_t frameLength() const { return endFrame - startFrame; }
};

struct Label {
    Id id = 0;
    Id segmentId = 0;
    int classId = -1;
    Id annotatorId = 0;
    LabelStatus status = LabelStatus::Prelabeled;
    QDateTime time;            // when it was set or last changed (UTC)
    int64_t rowVersion = 1;    // bumped by every change of the row: an edit names the one it read
};

struct ModelVersion {
    Id id = 0;
    QString name;              // unique
    Id parentId = 0;           // the version it was fine-tuned from; 0 for none
    QString kind;              // e.g. "pretrained", "fine-tuned", "imported"
    QString hyperParamsJson;   // free-form JSON object
    QString metricsJson;       // free-form JSON object
    QString checkpointPath;    // relative to the project folder (usually under the cache folder)
    QDateTime created;
    bool active = false;       // at most one version is active
};

struct ClassScore {
    int classId = -1;
    float score = 0;
};

struct Prediction {
    Id id = 0;
    Id segmentId = 0;
    Id modelVersionId = 0;
    QVector<ClassScore> topK;        // best first
    QVector<float> bodyPartScores;   // indexed by body part id; may be empty
    QDateTime created;
};

struct SplitPlan {
    Id id = 0;
    QString name;              // unique
    SplitUnit unit = SplitUnit::Participant;
    QString note;
    QDateTime created;
};

struct SplitAssignment {
    Id entityId = 0;           // participant id or segment id, as the plan's unit says
    SplitSet set = SplitSet::Train;
};

// Work a curator gave an annotator: one participant (all their videos) or one video.
struct Assignment {
    Id id = 0;
    Id annotatorId = 0;
    QString annotatorName;
    Id participantId = 0;      // 0 when a video is assigned
    QString participantCode;
    Id videoId = 0;            // 0 when a participant is assigned
    QString videoPath;         // relative to the project
    QString assignedBy;        // the assigning annotator's name, or the server user
    QDateTime assigned;        // UTC
};

// One row of the append-only provenance log.
struct EditLogEntry {
    Id id = 0;
    QString who;               // annotator name, or "" when none was set
    QDateTime when;
    QString action;            // e.g. "label.add", "label.status", "segment.update", "import.videos"
    QString entity;            // e.g. "label", "segment", "video"
    Id entityId = 0;
    QString beforeJson;        // "" for creations
    QString afterJson;         // "" for deletions
};

// One row of the clip browser: everything it shows without a second query.
struct ClipRow {
    Id segmentId = 0;
    Id videoId = 0;
    QString videoPath;         // relative to the project
    Id participantId = 0;
    QString participantCode;
    int64_t startFrame = 0;
    int64_t endFrame = 0;      // exclusive
    SegmentStatus status = SegmentStatus::Unlabeled;
    int classId = -1;          // the human verdict's class; -1 when unlabeled
    int predictedClassId = -1; // top-1 of the active model version; -1 when none
    float predictedScore = 0;
};

// Filters of the clip browser; unset fields do not filter.
struct ClipFilter {
    std::optional<SegmentStatus> status;
    std::optional<int> classId;           // the verdict's class
    std::optional<int> bodyPartId;        // the verdict's class's body part
    std::optional<int> predictedClassId;  // top-1 of the active model
    std::optional<Id> participantId;
    std::optional<Id> videoId;
    std::optional<float> minScore;        // top-1 score of the active model, inclusive
    std::optional<float> maxScore;
    // "My work": clips of videos assigned to this annotator, directly or through their participant.
    std::optional<Id> assignedTo;
    int limit = -1;                       // -1: all rows
    int offset = 0;
};

struct ProjectCounts {
    int videos = 0;
    int missingVideos = 0;
    int participants = 0;
    int segments = 0;
    int labels = 0;
    int labelsByStatus[4] = {0, 0, 0, 0};     // indexed by LabelStatus
    int segmentsByStatus[5] = {0, 0, 0, 0, 0}; // indexed by SegmentStatus + 1 (unlabeled first)
    QVector<int> segmentsPerBodyPart;         // verdicts per body part id (taxonomy's body parts)
    QVector<int> segmentsPerClass;            // verdicts per class id
    int modelVersions = 0;
    int predictions = 0;
    int splitPlans = 0;
    int editLogEntries = 0;
};

// Controls of bulk methods: one transaction per call; a cancel rolls the whole batch back.
struct BatchControl {
    std::function<void(int64_t done, int64_t total)> progress; // may be empty; called on the caller's thread
    const std::atomic_bool* cancel = nullptr;                  // polled between rows
};

// Bulk inputs.
struct NewSegment {
    Id videoId = 0;
    int64_t startFrame = 0;
    int64_t endFrame = 0;      // exclusive
    QString note;
};

// A probed video to import with its participant (by code, created when new) and, for whole clips,
// one segment spanning all its frames.
struct NewVideo {
    Video video;
    QString participantCode;   // "" for none
    bool wholeClipSegment = false;
};

struct NewLabel {
    Id segmentId = 0;
    int classId = -1;
    Id annotatorId = 0;
    LabelStatus status = LabelStatus::Prelabeled;
};

struct RelinkReport {
    int relinked = 0;
    int stillMissing = 0;
    QStringList messages;      // one line per video relinked or ambiguous
};

} // namespace mas::store
