// Roles of a server project, on a real throwaway PostgreSQL cluster: LOGIN roles that are members
// of mas_annotator or mas_curator connect as themselves (trust on the socket) and find what their
// role allows done, and the rest refused by the store (naming the role needed) and by the database
// itself (table privileges). Also: the SQL printed when the creator may not create roles, a
// superuser's create making them, `grant`, and assignments carried by push and pull.
#include "StoreTestSupport.h"

#include <QtTest>

using namespace mas;
using namespace mas::store;

#define QCOMPARE_ROLE(actual, expected) QCOMPARE(mas::store::toString(actual), mas::store::toString(expected))

class TestStoreRoles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void creatorWhoMayNotCreateRolesGetsTheSqlToRun();
    void annotatorLabelsOwnWorkButCannotCurate();
    void curatorConfirmsSplitsModelsAndAssignsButRemovesNoVideo();
    void grantIsForAdminsAndSetsOneRole();
    void superuserCreateMakesTheRolesItself();
    void pushAndPullCarryAssignments();

private:
    std::unique_ptr<ProjectStore> openAs(const QString& user, const QString& annotator = {},
                                         OpenMode mode = OpenMode::ReadWrite);
    // psql as `user` on the team database: "" when it ran, else the server's refusal.
    QString sqlAs(const QString& user, const QString& sql);

    std::unique_ptr<test::PgTestCluster> m_pg;
    QTemporaryDir m_dir;
    Id m_aliceSegment = 0, m_aliceLabel = 0, m_video = 0, m_participant = 0;
};

void TestStoreRoles::initTestCase()
{
    m_pg = std::make_unique<test::PgTestCluster>();
    if (!m_pg->ok())
        QSKIP(qPrintable(m_pg->why()));
    qputenv("MAS_VIDEO_ROOT", m_dir.path().toUtf8());
}

void TestStoreRoles::cleanupTestCase() { m_pg.reset(); }

std::unique_ptr<ProjectStore> TestStoreRoles::openAs(const QString& user, const QString& annotator, OpenMode mode)
{
    Result<std::unique_ptr<ProjectStore>> s = ProjectStore::open(m_pg->url("team", user), mode);
    if (!s.ok())
        qFatal("opening team as %s: %s", qPrintable(user), qPrintable(s.error()));
    if (!annotator.isEmpty())
        if (Result<Id> a = s.value()->setCurrentAnnotator(annotator); !a.ok())
            qFatal("%s", qPrintable(a.error()));
    return std::move(s).value();
}

QString TestStoreRoles::sqlAs(const QString& user, const QString& sql)
{
    QString error;
    return m_pg->psql("team", sql, nullptr, &error, user) ? QString() : error;
}

void TestStoreRoles::creatorWhoMayNotCreateRolesGetsTheSqlToRun()
{
    // The cluster's `mas` has CREATEDB but not CREATEROLE: it owns the project (admin) and is told
    // what a server administrator must run.
    auto owner = test::createProject(m_pg->url("team"));
    QCOMPARE_ROLE(owner->role(), ProjectRole::Admin);
    const QString sql = owner->roleSetupSql();
    QVERIFY2(sql.contains("CREATE ROLE mas_annotator") && sql.contains("CREATE ROLE mas_curator")
                 && sql.contains("CREATE ROLE mas_admin") && sql.contains("GRANT") && sql.contains("team"),
             qPrintable(sql));
    QString error;
    QVERIFY2(m_pg->psql("team", sql, nullptr, &error), qPrintable(error));
    QVERIFY2(owner->roleSetupSql().isEmpty(), qPrintable(owner->roleSetupSql()));

    // Alice's work, which the annotator below may not take over.
    m_participant = owner->ensureParticipant("0010").value();
    m_video = owner->addVideo(test::fakeVideo("clip.mp4", m_participant)).value();
    m_aliceSegment = owner->addSegment(m_video, 0, 30).value();
    m_aliceLabel = owner->addLabel(m_aliceSegment, 5, LabelStatus::Prelabeled).value();
    QVERIFY2(m_pg->psql("postgres", "CREATE ROLE ann1 LOGIN IN ROLE mas_annotator; CREATE ROLE cur1 LOGIN IN ROLE mas_curator",
                        nullptr, &error),
             qPrintable(error));
}

void TestStoreRoles::annotatorLabelsOwnWorkButCannotCurate()
{
    auto ann = openAs("ann1", "ann1");
    QVERIFY(!ann->isReadOnly());
    QCOMPARE_ROLE(ann->role(), ProjectRole::Annotator);

    // Own work: a segment, a label, its status, and removing them.
    Result<Id> segment = ann->addSegment(m_video, 30, 60);
    QVERIFY2(segment.ok(), qPrintable(segment.error()));
    Result<Id> label = ann->addLabel(segment.value(), 7, LabelStatus::Confirmed);
    QVERIFY2(label.ok(), qPrintable(label.error()));
    QVERIFY(ann->addLabel(m_aliceSegment, 5, LabelStatus::Confirmed).ok()); // a second opinion on alice's clip
    Status s = ann->setLabelStatus(label.value(), LabelStatus::Disputed);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    s = ann->updateSegment(segment.value(), 30, 59, "shorter");
    QVERIFY2(s.ok(), qPrintable(s.error()));

    // Curating: refused by the store, naming the role and the project.
    s = ann->setLabelStatus(m_aliceLabel, LabelStatus::Confirmed);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().contains("needs the curator role; you are an annotator on postgresql://")
                 && s.error().contains("team") && s.error().contains("another annotator's label"),
             qPrintable(s.error()));
    QVERIFY(!ann->removeLabel(m_aliceLabel).ok());
    QVERIFY(!ann->updateSegment(m_aliceSegment, 0, 20, {}).ok());
    QVERIFY(!ann->addLabel(m_aliceSegment, 5, LabelStatus::Confirmed, 1 /* alice */).ok());
    Result<Id> plan = ann->createSplitPlan("p", SplitUnit::Participant);
    QVERIFY2(!plan.ok() && plan.error().contains("making a split plan needs the curator role"), qPrintable(plan.error()));
    ModelVersion v;
    v.name = "m1";
    Result<Id> model = ann->addModelVersion(v);
    QVERIFY2(!model.ok() && model.error().contains("curator"), qPrintable(model.error()));
    Result<Id> assigned = ann->assign(ann->currentAnnotatorId(), m_participant, 0);
    QVERIFY2(!assigned.ok() && assigned.error().contains("assigning work needs the curator role"), qPrintable(assigned.error()));
    QVERIFY(!ann->importVideos({NewVideo{test::fakeVideo("other.mp4"), {}, false}}).ok());
    QCOMPARE_STATUS(ann->label(m_aliceLabel).value().status, LabelStatus::Prelabeled);

    // ... and by the database itself, whatever the client.
    QVERIFY(sqlAs("ann1", "INSERT INTO split_plans(name, unit, created_ms) VALUES('raw', 0, 1)").contains("permission denied"));
    QVERIFY(sqlAs("ann1", "INSERT INTO model_versions(name, created_ms) VALUES('raw', 1)").contains("permission denied"));
    QVERIFY(sqlAs("ann1", "DELETE FROM videos").contains("permission denied"));
    QVERIFY(sqlAs("ann1", "UPDATE project_meta SET value = 'x' WHERE key = 'taxonomy_version'").contains("permission denied"));
    QCOMPARE(sqlAs("ann1", "SELECT count(*) FROM segments"), QString());
}

void TestStoreRoles::curatorConfirmsSplitsModelsAndAssignsButRemovesNoVideo()
{
    auto cur = openAs("cur1", "cur1");
    QCOMPARE_ROLE(cur->role(), ProjectRole::Curator);
    Status s = cur->setLabelStatus(m_aliceLabel, LabelStatus::Confirmed);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    Result<Id> plan = cur->createSplitPlan("p", SplitUnit::Participant);
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY(cur->setSplitAssignments(plan.value(), {{m_participant, SplitSet::Train}}).ok());
    ModelVersion v;
    v.name = "m1";
    Result<Id> model = cur->addModelVersion(v);
    QVERIFY2(model.ok(), qPrintable(model.error()));
    const Id ann1 = cur->ensureAnnotator("ann1").value();
    Result<Id> assigned = cur->assign(ann1, m_participant, 0);
    QVERIFY2(assigned.ok(), qPrintable(assigned.error()));
    QCOMPARE(cur->assignments().value().first().assignedBy, QString("cur1"));
    Result<Id> imported = cur->addVideo(test::fakeVideo("curated.mp4"));
    QVERIFY2(imported.ok(), qPrintable(imported.error()));

    s = cur->removeVideo(imported.value());
    QVERIFY2(!s.ok() && s.error().contains("removing a video needs the admin role; you are a curator"), qPrintable(s.error()));
    QVERIFY(sqlAs("cur1", "DELETE FROM videos").contains("permission denied"));

    // The annotator's "My work" now holds the participant's clips.
    auto ann = openAs("ann1", "ann1", OpenMode::ReadOnly);
    ClipFilter mine;
    mine.assignedTo = ann1;
    QCOMPARE(ann->clipRows(mine).value().size(), 2);
    QCOMPARE(ann->assignments(ann1).value().size(), 1);

    auto owner = openAs({});
    QVERIFY(owner->removeVideo(imported.value()).ok()); // the owner is admin
}

void TestStoreRoles::grantIsForAdminsAndSetsOneRole()
{
    QString error;
    QVERIFY2(m_pg->psql("postgres", "CREATE ROLE newbie LOGIN", nullptr, &error), qPrintable(error));
    Result<std::unique_ptr<ProjectStore>> none = ProjectStore::open(m_pg->url("team", "newbie"), OpenMode::ReadOnly);
    QVERIFY(!none.ok()); // no table rights yet: not even reading
    QVERIFY2(none.error().contains("team") && none.error().contains("permission denied"), qPrintable(none.error()));

    Status s = openAs("ann1")->grantRole("newbie", ProjectRole::Curator);
    QVERIFY2(!s.ok() && s.error().contains("granting roles needs the admin role; you are an annotator"), qPrintable(s.error()));

    // The creator (mas, who ran none of the SQL) may grant: the setup SQL made it an admin with ADMIN OPTION.
    s = openAs({})->grantRole("newbie", ProjectRole::Curator);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    auto admin = openAs("postgres"); // a superuser is admin
    QCOMPARE_ROLE(admin->role(), ProjectRole::Admin);
    QCOMPARE_ROLE(openAs("newbie")->role(), ProjectRole::Curator);
    s = admin->grantRole("newbie", ProjectRole::Annotator); // one role: the curator's goes
    QVERIFY2(s.ok(), qPrintable(s.error()));
    QCOMPARE_ROLE(openAs("newbie")->role(), ProjectRole::Annotator);
    // An owner without ADMIN OPTION on the roles (its project came after them) is told what to ask for.
    QVERIFY2(m_pg->psql("postgres", "CREATE ROLE late LOGIN CREATEDB", nullptr, &error), qPrintable(error));
    auto late = ProjectStore::create(m_pg->url("late", "late"), Taxonomy::builtinMa52());
    QVERIFY2(late.ok(), qPrintable(late.error()));
    QVERIFY(late.value()->roleSetupSql().isEmpty()); // the roles exist; its tables got their privileges
    s = late.value()->grantRole("newbie", ProjectRole::Curator);
    QVERIFY2(!s.ok() && s.error().contains("GRANT mas_admin TO \"late\" WITH ADMIN OPTION"), qPrintable(s.error()));
    s = admin->grantRole("nobody", ProjectRole::Curator);
    QVERIFY2(!s.ok() && s.error().contains("nobody") && s.error().contains("team"), qPrintable(s.error()));

    Result<std::unique_ptr<ProjectStore>> file = ProjectStore::create(m_dir.filePath("solo.mas"), Taxonomy::builtinMa52());
    QVERIFY(file.ok());
    QCOMPARE_ROLE(file.value()->role(), ProjectRole::Admin);
    QVERIFY(!file.value()->grantRole("newbie", ProjectRole::Curator).ok());
}

void TestStoreRoles::superuserCreateMakesTheRolesItself()
{
    test::PgTestCluster fresh; // no team roles yet
    QVERIFY2(fresh.ok(), qPrintable(fresh.why()));
    Result<std::unique_ptr<ProjectStore>> s = ProjectStore::create(fresh.url("made", "postgres"), Taxonomy::builtinMa52());
    QVERIFY2(s.ok(), qPrintable(s.error()));
    QVERIFY2(s.value()->roleSetupSql().isEmpty(), qPrintable(s.value()->roleSetupSql()));
    QString out, error;
    QVERIFY2(fresh.psql("made", "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'mas\\_%'",
                        &out, &error),
             qPrintable(error));
    QCOMPARE(out, QString("mas_admin,mas_annotator,mas_curator"));
    QVERIFY2(fresh.psql("made", "SELECT has_table_privilege('mas_annotator', 'labels', 'UPDATE')::text || "
                                "has_table_privilege('mas_annotator', 'split_plans', 'INSERT')::text",
                        &out, &error),
             qPrintable(error));
    QCOMPARE(out, QString("truefalse"));
    // A member of mas_admin grants the lower roles.
    QVERIFY2(fresh.psql("postgres", "CREATE ROLE boss LOGIN IN ROLE mas_admin; CREATE ROLE worker LOGIN", nullptr, &error),
             qPrintable(error));
    Result<std::unique_ptr<ProjectStore>> boss = ProjectStore::open(fresh.url("made", "boss"));
    QVERIFY2(boss.ok(), qPrintable(boss.error()));
    QCOMPARE_ROLE(boss.value()->role(), ProjectRole::Admin);
    const Status granted = boss.value()->grantRole("worker", ProjectRole::Curator);
    QVERIFY2(granted.ok(), qPrintable(granted.error()));
    Result<std::unique_ptr<ProjectStore>> worker = ProjectStore::open(fresh.url("made", "worker"));
    QVERIFY2(worker.ok(), qPrintable(worker.error()));
    QCOMPARE_ROLE(worker.value()->role(), ProjectRole::Curator);
}

void TestStoreRoles::pushAndPullCarryAssignments()
{
    auto file = test::createProject(m_dir.filePath("assigned.mas"));
    const Id p = file->ensureParticipant("0042").value();
    const Id v = file->addVideo(test::fakeVideo("a.mp4", p)).value();
    const Id bob = file->ensureAnnotator("bob").value();
    QVERIFY(file->assign(bob, p, 0).ok());
    QVERIFY(file->assign(bob, 0, v).ok());
    Result<std::unique_ptr<ProjectStore>> pushed = file->copyTo(m_pg->url("assigned"));
    QVERIFY2(pushed.ok(), qPrintable(pushed.error()));
    Result<std::unique_ptr<ProjectStore>> pulled = pushed.value()->copyTo(m_dir.filePath("back.mas"));
    QVERIFY2(pulled.ok(), qPrintable(pulled.error()));
    for (ProjectStore* copy : {pushed.value().get(), pulled.value().get()}) {
        const QVector<Assignment> a = file->assignments().value(), b = copy->assignments().value();
        QCOMPARE(b.size(), a.size());
        for (int i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].id, a[i].id);
            QCOMPARE(b[i].annotatorName, a[i].annotatorName);
            QCOMPARE(b[i].participantCode, a[i].participantCode);
            QCOMPARE(b[i].videoPath, a[i].videoPath);
            QCOMPARE(b[i].assignedBy, a[i].assignedBy);
            QCOMPARE(b[i].assigned, a[i].assigned);
        }
    }
    // The server's id sequence continues after the copied rows.
    QVERIFY(pushed.value()->assign(pushed.value()->ensureAnnotator("carol").value(), p, 0).ok());
}

QTEST_GUILESS_MAIN(TestStoreRoles)
#include "tst_storeroles.moc"
