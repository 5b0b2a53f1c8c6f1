#pragma once
// A project is a file (`*.mas`, SQLite) or a database on a PostgreSQL server named by a
// `postgresql://` URL (see ServerUrl.h); open() and create() take either, and everything below works
// the same on both. What follows describes the file; a server does its own locking and durability.
//
// The project file (`*.mas`): one SQLite database per project holding videos (by path relative to
// the project file), segments, labels, model versions, predictions, split plans and an append-only
// edit log. Big blobs (frame indexes, thumbnails, features, checkpoints) live in files under
// cacheDir(), never in rows.
//
// Durability: WAL journal with synchronous=FULL, so every edit method has committed and synced its
// own transaction (edit + edit-log row) before it returns. Bulk methods use one transaction per call
// and roll back entirely when cancelled or failing.
//
// Threads: a ProjectStore is one SQLite connection and must be used on the thread that opened it;
// another thread calls openAnotherConnection() (on that thread) for its own.
//
// Processes: a read-write store holds an exclusive flock on the sidecar `P.mas.lock` (with its pid
// in it). A second process asking for ReadWrite is refused naming that pid; PreferReadWrite opens
// read-only with notice() saying so. The lock dies with its process (kill -9 included).
#include "store/StoreTypes.h"
#include "taxonomy/Taxonomy.h"
#include "util/Result.h"

#include <QString>
#include <QVector>

#include <functional>
#include <memory>

namespace mas::store {

class ProjectStore {
public:
    ~ProjectStore();
    ProjectStore(const ProjectStore&) = delete;
    ProjectStore& operator=(const ProjectStore&) = delete;

    // A new project file (refuses to overwrite one); `annotator` (may be empty) becomes the
    // current annotator and the first row of annotators.
    static Result<std::unique_ptr<ProjectStore>> create(const QString& path, const Taxonomy& taxonomy,
                                                        const QString& annotator = {});
    // Opens an existing project; migrates an older schema forward when writable. Errors name the
    // file: missing, not a SQLite file, not a MicroAction Studio project, truncated or damaged,
    // made by a newer MicroAction Studio, locked by another process (ReadWrite).
    static Result<std::unique_ptr<ProjectStore>> open(const QString& path, OpenMode mode = OpenMode::ReadWrite);
    // Another connection to the same file for the calling thread (shares this process's lock).
    Result<std::unique_ptr<ProjectStore>> openAnotherConnection() const;

    // A copy of this whole project at `destination`, a new file or an empty (or missing) server
    // database: every row of every table with its id, the edit log and meta included, so that the
    // copy's exports are byte-identical (`project push` / `project pull`). A server copy finds its
    // videos under this project's folder (its video root). Returns the copy, open read-write.
    Result<std::unique_ptr<ProjectStore>> copyTo(const QString& destination) const;

    // --- the file ---------------------------------------------------------------------------
    QString path() const;            // absolute path of the .mas file
    QString projectDir() const;      // the folder video paths are relative to
    QString cacheDir() const;        // `P.mas.cache/` next to the file (created on first call)
    // Read-only when asked, when another process holds it (PreferReadWrite), and always for a file on
    // read-only media or marked read-only (then notice() says so).
    bool isReadOnly() const;
    QString notice() const;          // why it was opened read-only, or ""
    // The connection's settings as SQLite reports them, for `project info` and tests:
    // "journal_mode=wal synchronous=2 mmap_size=... trusted_schema=0 defensive=1 triggers=0 views=0 ..."
    QString connectionSettings() const;
    ProjectMeta meta() const;
    const Taxonomy& taxonomy() const;
    // "ok", or what `PRAGMA integrity_check` reports.
    Result<QString> integrityCheck() const;

    // The annotator recorded as "who" in the edit log and as creator of new segments.
    Result<Id> setCurrentAnnotator(const QString& name); // creates the annotator when new
    Id currentAnnotatorId() const;

    // --- roles (server projects; a file's one user is Admin) -----------------------------------
    // What this connection's user may do: from the PostgreSQL group roles mas_annotator,
    // mas_curator, mas_admin (superuser or database owner: Admin), read when opened. Operations
    // above the role are refused naming the role needed (see ServerRoles.h for who may do what).
    ProjectRole role() const;
    // Makes server user `user` a member of `role`'s group role only (admin only); creates the group
    // roles and their table privileges first when missing and allowed.
    Status grantRole(const QString& user, ProjectRole role);
    // For a server whose group roles are missing (the creator could not create roles): the SQL an
    // administrator runs in this database; "" otherwise and for a file.
    QString roleSetupSql() const;

    // --- assignments: work a curator gives annotators ------------------------------------------
    // Assigns one participant (all their videos) or one video: exactly one of `participantId` and
    // `videoId` is non-zero. Assigning it again returns the existing assignment. Curator only.
    Result<Id> assign(Id annotatorId, Id participantId, Id videoId);
    Status unassign(Id assignmentId); // curator only
    // Every assignment, or those of one annotator; by annotator name, then participants (by code) before videos (by path).
    Result<QVector<Assignment>> assignments(Id annotatorId = 0) const;

    // --- annotators and participants ----------------------------------------------------------
    Result<Id> ensureAnnotator(const QString& name);
    Result<QVector<Annotator>> annotators() const;
    Result<Id> ensureParticipant(const QString& code);
    Result<QVector<Participant>> participants() const;

    // --- videos -------------------------------------------------------------------------------
    // Stores `video.path` relative to projectDir(); refuses a path already in the project.
    Result<Id> addVideo(const Video& video);
    Result<int> addVideos(const QVector<Video>& videos, const BatchControl& control = {}, QVector<Id>* ids = nullptr);
    // The bulk import: participants, videos and whole-clip segments in one transaction (all or none).
    Result<int> importVideos(const QVector<NewVideo>& videos, const BatchControl& control = {}, QVector<Id>* ids = nullptr);
    Result<Video> video(Id id) const;
    Result<QVector<Video>> videos() const;
    std::optional<Id> videoIdByPath(const QString& path) const; // absolute or project-relative
    QString absoluteVideoPath(const Video& video) const;
    Result<QString> absoluteVideoPath(Id videoId) const;
    // Checks every video file and stores the missing flags; returns how many are missing.
    // (Called by open() when writable.)
    Result<int> refreshMissingFlags();
    // Points a video at its file's new place; refuses a file whose content hash differs from the
    // stored one unless `allowDifferentContent`.
    Status relinkVideo(Id videoId, const QString& newPath, bool allowDifferentContent = false);
    // Finds moved files of missing videos under `dir` (recursively) by file name, confirmed by
    // content hash when one is stored, or by content hash alone when the name changed.
    Result<RelinkReport> relinkFolder(const QString& dir);
    Status removeVideo(Id videoId); // with its segments, labels and predictions

    // --- segments -----------------------------------------------------------------------------
    Result<Id> addSegment(Id videoId, int64_t startFrame, int64_t endFrame, const QString& note = {});
    Result<int> addSegments(const QVector<NewSegment>& segments, const BatchControl& control = {},
                            QVector<Id>* ids = nullptr);
    // Optimistic concurrency (segments and labels): `expectedRowVersion` is the rowVersion the caller
    // read (0: the one read now). When another connection or client changed or removed the row since,
    // the edit is refused with an error naming who did it (from the edit log); nothing is overwritten.
    Status updateSegment(Id segmentId, int64_t startFrame, int64_t endFrame, const QString& note,
                         int64_t expectedRowVersion = 0);
    Status removeSegment(Id segmentId, int64_t expectedRowVersion = 0); // with its labels and predictions
    Result<Segment> segment(Id segmentId) const;
    Result<QVector<Segment>> segmentsOfVideo(Id videoId) const;

    // --- labels -------------------------------------------------------------------------------
    Result<Id> addLabel(Id segmentId, int classId, LabelStatus status, Id annotatorId = 0 /* current */);
    Result<int> addLabels(const QVector<NewLabel>& labels, const BatchControl& control = {});
    Status setLabelStatus(Id labelId, LabelStatus status, int64_t expectedRowVersion = 0);
    Status setLabelClass(Id labelId, int classId, int64_t expectedRowVersion = 0);
    Status removeLabel(Id labelId, int64_t expectedRowVersion = 0);
    Result<Label> label(Id labelId) const;
    Result<QVector<Label>> labelsOfSegment(Id segmentId) const;

    // --- model versions and predictions --------------------------------------------------------
    Result<Id> addModelVersion(const ModelVersion& version); // checkpointPath made project-relative
    Status setActiveModelVersion(Id versionId);              // 0: none active
    Status updateModelMetrics(Id versionId, const QString& metricsJson);
    // A new unique name (refuses an empty or taken one).
    Status renameModelVersion(Id versionId, const QString& newName);
    // Removes the version with its predictions (not its checkpoint file: the caller's); its children get its
    // parent as theirs; deleting the active version leaves none active. Returns the removed row.
    Result<ModelVersion> removeModelVersion(Id versionId);
    Result<ModelVersion> modelVersion(Id versionId) const;
    Result<QVector<ModelVersion>> modelVersions() const;
    std::optional<ModelVersion> activeModelVersion() const;
    // Replaces any earlier prediction of the same (segment, model version).
    Result<int> storePredictions(const QVector<Prediction>& predictions, const BatchControl& control = {});
    Result<QVector<Prediction>> predictionsOfSegment(Id segmentId) const;
    Result<QVector<Prediction>> predictionsOfVersion(Id modelVersionId) const; // one query, by segment

    // --- proposals of long footage (sliding-window pre-label) --------------------------------
    struct ProposedRow {
        int64_t startFrame = 0;
        int64_t endFrame = 0;  // exclusive
        int classId = -1;
        float score = 0;
        QString note;
    };
    // One video's proposals by one model version in ONE transaction: the segments, a prelabel by
    // `annotatorId` and a prediction for each, and the marker that the video is done for the
    // version (proposalsCommitted); all of it or nothing.
    Status commitProposals(Id videoId, Id modelVersionId, Id annotatorId, const QVector<ProposedRow>& rows);
    Result<bool> proposalsCommitted(Id videoId, Id modelVersionId) const;

    // --- splits -------------------------------------------------------------------------------
    Result<Id> createSplitPlan(const QString& name, SplitUnit unit, const QString& note = {});
    Result<QVector<SplitPlan>> splitPlans() const;
    // Replaces the plan's assignments in one transaction.
    Status setSplitAssignments(Id planId, const QVector<SplitAssignment>& assignments, const BatchControl& control = {});
    Result<QVector<SplitAssignment>> splitAssignments(Id planId) const;
    Status removeSplitPlan(Id planId);

    // Runs `work` (calls of this store's edit and bulk methods) as ONE transaction: the methods'
    // own transactions become savepoints inside it, and everything is committed when `work`
    // succeeds, or rolled back when it fails (imports that must not be left half done).
    Status inOneTransaction(const std::function<Status()>& work);

    // --- queries for the GUI, exchange and `project info` --------------------------------------
    Result<QVector<ClipRow>> clipRows(const ClipFilter& filter = {}) const;
    Result<ProjectCounts> counts() const;
    // Newest first; `beforeId` 0 starts at the newest.
    Result<QVector<EditLogEntry>> editLog(int limit = 100, Id beforeId = 0) const;

    // How a segment's status and class follow from its labels (documented for the GUI's help):
    // any disputed label, or confirmed labels that disagree -> disputed; else any confirmed ->
    // confirmed (latest confirmed class); else any prelabeled -> prelabeled (latest); else only
    // rejected labels -> rejected; no labels -> unlabeled.
    static QString verdictRule();

    // Calls `listener(entity, id)` ("segment", "label", "video", "model_version", ...; id 0 for bulk
    // edits) for every edit another client commits to this server project (PostgreSQL LISTEN/NOTIFY,
    // channel mas_edits), on this store's thread while its event loop runs. An empty listener stops.
    // False for a project file (one writing process: nothing to hear) or when LISTEN failed.
    bool setChangeListener(std::function<void(const QString& entity, Id id)> listener);
    // A server project whose connection was lost (the server restarted) reconnects once and LISTENs
    // again (every statement outside a transaction does the same by itself). Returns how often this
    // connection was re-opened so far: when the count grows, edits made meanwhile were not heard and
    // a caller reloads what it shows. Error "Cannot reach URL: ..." while the server is away; 0 for a file.
    Result<int> keepServerConnection();

    struct Impl;

private:
    explicit ProjectStore(std::unique_ptr<Impl> impl);
    static Result<std::unique_ptr<ProjectStore>> createOnServer(const QString& url, const Taxonomy& taxonomy,
                                                                const QString& annotator);
    static Result<std::unique_ptr<ProjectStore>> openOnServer(const QString& url, OpenMode mode);
    std::unique_ptr<Impl> d;
};

} // namespace mas::store
