#include "store/Schema.h"

namespace mas::store::schema {
namespace {

// Version 1: the entities of the first release.
QStringList version1()
{
    return {
        "CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE annotators (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL)",
        "CREATE TABLE participants (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, note TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE videos ("
        " id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL DEFAULT '',"
        " participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,"
        " duration_s REAL NOT NULL DEFAULT 0, fps_num INTEGER NOT NULL DEFAULT 0, fps_den INTEGER NOT NULL DEFAULT 1,"
        " frame_count INTEGER NOT NULL DEFAULT 0, width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,"
        " rotation INTEGER NOT NULL DEFAULT 0, has_audio INTEGER NOT NULL DEFAULT 0, missing INTEGER NOT NULL DEFAULT 0,"
        " added_ms INTEGER NOT NULL)",
        "CREATE INDEX videos_participant ON videos(participant_id)",
        "CREATE INDEX videos_hash ON videos(content_hash)",
        "CREATE TABLE segments ("
        " id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,"
        " start_frame INTEGER NOT NULL, end_frame INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '',"
        " created_by INTEGER REFERENCES annotators(id) ON DELETE SET NULL, created_ms INTEGER NOT NULL,"
        " CHECK (start_frame >= 0 AND end_frame > start_frame))",
        "CREATE INDEX segments_video ON segments(video_id, start_frame)",
        "CREATE TABLE labels ("
        " id INTEGER PRIMARY KEY, segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,"
        " class_id INTEGER NOT NULL, annotator_id INTEGER REFERENCES annotators(id) ON DELETE SET NULL,"
        " status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3), time_ms INTEGER NOT NULL)",
        "CREATE INDEX labels_segment ON labels(segment_id)",
        "CREATE INDEX labels_class ON labels(class_id)",
        "CREATE INDEX labels_status ON labels(status)",
        "CREATE TABLE model_versions ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        " parent_id INTEGER REFERENCES model_versions(id) ON DELETE SET NULL, kind TEXT NOT NULL DEFAULT '',"
        " hyper_params_json TEXT NOT NULL DEFAULT '{}', metrics_json TEXT NOT NULL DEFAULT '{}',"
        " checkpoint_path TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE predictions ("
        " id INTEGER PRIMARY KEY, segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,"
        " model_version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,"
        " top1_class_id INTEGER NOT NULL, top1_score REAL NOT NULL, topk_json TEXT NOT NULL,"
        " body_part_scores_json TEXT NOT NULL DEFAULT '[]', created_ms INTEGER NOT NULL,"
        " UNIQUE (segment_id, model_version_id))",
        "CREATE INDEX predictions_model_class ON predictions(model_version_id, top1_class_id, top1_score)",
    };
}

// 1 -> 2: each segment carries its verdict (status and class, kept in step with its labels) so
// that the clip browser filters by an index; the append-only edit log; split plans.
QStringList migration1to2()
{
    return {
        "ALTER TABLE segments ADD COLUMN status INTEGER NOT NULL DEFAULT -1",
        "ALTER TABLE segments ADD COLUMN class_id INTEGER NOT NULL DEFAULT -1",
        "CREATE INDEX segments_status ON segments(status, class_id)",
        "CREATE INDEX segments_class ON segments(class_id)",
        "CREATE TABLE edit_log ("
        " id INTEGER PRIMARY KEY, who TEXT NOT NULL DEFAULT '', time_ms INTEGER NOT NULL, action TEXT NOT NULL,"
        " entity TEXT NOT NULL, entity_id INTEGER NOT NULL DEFAULT 0,"
        " before_json TEXT NOT NULL DEFAULT '', after_json TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX edit_log_entity ON edit_log(entity, entity_id)",
        "CREATE TABLE split_plans ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, unit INTEGER NOT NULL CHECK (unit IN (0, 1)),"
        " note TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL)",
        "CREATE TABLE split_assignments ("
        " plan_id INTEGER NOT NULL REFERENCES split_plans(id) ON DELETE CASCADE, entity_id INTEGER NOT NULL,"
        " split INTEGER NOT NULL CHECK (split BETWEEN 0 AND 2), PRIMARY KEY (plan_id, entity_id))",
    };
}

// 2 -> 3: optimistic concurrency. Every change of a segment or label bumps its row version, and an
// edit names the version it read, so two annotators never overwrite each other silently.
QStringList migration2to3()
{
    return {
        "ALTER TABLE segments ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE labels ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1",
    };
}

// 3 -> 4: a curator assigns work to annotators, a participant (all their videos) or one video
// per row; "My work" in the review queue lists the clips so assigned.
QStringList migration3to4()
{
    return {
        "CREATE TABLE assignments ("
        " id INTEGER PRIMARY KEY, annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,"
        " participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,"
        " video_id INTEGER REFERENCES videos(id) ON DELETE CASCADE,"
        " assigned_by TEXT NOT NULL DEFAULT '', assigned_ms INTEGER NOT NULL,"
        " CHECK ((participant_id IS NULL) <> (video_id IS NULL)))",
        "CREATE INDEX assignments_annotator ON assignments(annotator_id)",
    };
}

} // namespace

QStringList createStatements(int version)
{
    QStringList statements = version1();
    for (int v = 1; v < version; ++v)
        statements += migrationStatements(v);
    return statements;
}

QStringList migrationStatements(int fromVersion)
{
    switch (fromVersion) {
    case 1:
        return migration1to2();
    case 2:
        return migration2to3();
    case 3:
        return migration3to4();
    default:
        return {};
    }
}

} // namespace mas::store::schema
