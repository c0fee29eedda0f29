/* test_content.c — the rules of course content and progress: outline order
 * and its checks, unit kinds, deletion kept for evidence, video segments,
 * completion of units and course, heartbeat caps and connection sessions.
 * Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "content/content.h"
#include "account/account.h"
#include "org/org.h"

static Db *db;
static Course course;
static int64_t learner, run_id;
static RunRef run;
static Arena *arena;

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48], email[64];
    snprintf(slug, sizeof slug, "content-%d", (int)getpid());
    snprintf(email, sizeof email, "learner-%d@content.test", (int)getpid());
    UsTime now = time_now_us();
    int64_t org = 0, cid = 0;
    CourseInput in = {.code = "C-1", .title = "Content rules", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Content", false, now, &org) != LN_OK
        || user_create(db, email, "Lea Rner", "a-long-password", "en", false, now, &learner) != LN_OK
        || course_create(db, org, &in, 0, now, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Run", "mooc", now, 0, 0, now, &run_id) != LN_OK
        || run_ref(db, arena, org, run_id, &run) != LN_OK || enrol_insert(db, &run, learner, now) != LN_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t add_section(const char *title)
{
    SectionInput in = {.title = title, .release_days = -1};
    int64_t id = 0;
    assert_int_equal(section_create(db, &course, &in, time_now_us(), &id), LN_OK);
    return id;
}

static int64_t add_unit(int64_t section, const char *kind, const char *title, const char *url)
{
    UnitInput in = {.kind = kind, .title = title, .url = url, .section_id = section, .minutes = 5,
                    .duration_s = -1, .threshold = -1, .required = 1};
    int64_t id = 0;
    assert_int_equal(unit_create(db, &course, &in, time_now_us(), &id), LN_OK);
    return id;
}

static void ids_of(Outline *o, int64_t *out, int *n)
{
    *n = 0;
    for (int i = 0; i < o->n; i++)
        for (int j = 0; j < o->sections[i].n; j++) out[(*n)++] = o->sections[i].units[j].id;
}

/* Sections and units keep their order; moves, reorder and their checks. */
static void test_outline_order(void **state)
{
    int64_t s1 = add_section("One"), s2 = add_section("Two");
    int64_t a = add_unit(s1, "text", "A", NULL), b = add_unit(s1, "link", "B", "https://example.org/"),
            c = add_unit(s2, "resource", "C", NULL);
    Outline o;
    int64_t ids[8];
    int n;
    assert_int_equal(outline_load(db, arena, course.id, &o), LN_OK);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.units, 3);
    assert_int_equal(o.required, 3);
    ids_of(&o, ids, &n);
    assert_true(n == 3 && ids[0] == a && ids[1] == b && ids[2] == c);

    assert_int_equal(unit_move(db, &course, b, -1), LN_OK);
    assert_int_equal(unit_move(db, &course, b, -1), LN_OK);      /* already first: stays */
    outline_load(db, arena, course.id, &o);
    ids_of(&o, ids, &n);
    assert_true(ids[0] == b && ids[1] == a);
    assert_int_equal(section_move(db, &course, s2, -1), LN_OK);
    outline_load(db, arena, course.id, &o);
    assert_int_equal(o.sections[0].id, s2);

    /* The whole order at once: every section and unit exactly once. */
    int64_t u1[] = {c, a}, u2[] = {b}, dup[] = {a, a}, none[] = {0};
    const int64_t *lists[] = {u1, u2};
    int counts[] = {2, 1};
    int64_t secs[] = {s1, s2};
    assert_int_equal(outline_reorder(db, &course, secs, 2, lists, counts, time_now_us()), LN_OK);
    outline_load(db, arena, course.id, &o);
    ids_of(&o, ids, &n);
    assert_true(o.sections[0].id == s1 && ids[0] == c && ids[1] == a && ids[2] == b);
    const int64_t *bad1[] = {dup, u2};
    assert_int_equal(outline_reorder(db, &course, secs, 2, bad1, counts, time_now_us()), LN_EINVAL);
    int64_t twice[] = {s1, s1};
    assert_int_equal(outline_reorder(db, &course, twice, 2, lists, counts, time_now_us()), LN_EINVAL);
    const int64_t *bad2[] = {u1, none};
    int counts2[] = {2, 0};
    assert_int_equal(outline_reorder(db, &course, secs, 2, bad2, counts2, time_now_us()), LN_EINVAL);
    int64_t foreign[] = {c, 999999};
    const int64_t *bad3[] = {foreign, u2};
    assert_int_equal(outline_reorder(db, &course, secs, 2, bad3, counts, time_now_us()), LN_EINVAL);
    outline_load(db, arena, course.id, &o);        /* refused orders changed nothing */
    ids_of(&o, ids, &n);
    assert_true(ids[0] == c && ids[1] == a && ids[2] == b);

    /* Only an empty section can be deleted. */
    assert_int_equal(section_delete(db, &course, s1), LN_EINVAL);
    int64_t s3 = add_section("Empty");
    assert_int_equal(section_delete(db, &course, s3), LN_OK);
}

/* What each kind needs; what a change may do. */
static void test_unit_checks(void **state)
{
    const char *msg;
    UnitInput in = {.kind = "hologram", .title = "x"};
    assert_string_equal(unit_check(&in, true, &msg), "kind");
    in = (UnitInput){.kind = "link", .title = "x", .url = "javascript:alert(1)"};
    assert_string_equal(unit_check(&in, true, &msg), "url");
    in.url = "https://example.org/a b";
    assert_string_equal(unit_check(&in, true, &msg), "url");
    in.url = NULL;      /* created without its address (quick add) */
    assert_null(unit_check(&in, true, &msg));
    in = (UnitInput){.kind = "video", .title = "x", .threshold = 101};
    assert_string_equal(unit_check(&in, true, &msg), "threshold");
    in = (UnitInput){.kind = "text", .title = ""};
    assert_string_equal(unit_check(&in, true, &msg), "title");
    in = (UnitInput){.kind = "text", .title = "ok", .body = "\xff\xfe"};
    assert_string_equal(unit_check(&in, true, &msg), "body");
    /* A change without a kind is checked against the unit's kind. */
    Outline o;
    outline_load(db, arena, course.id, &o);
    int64_t text = 0;
    for (int i = 0; i < o.n; i++)
        for (int j = 0; j < o.sections[i].n; j++)
            if (str_eq(o.sections[i].units[j].kind, "text")) text = o.sections[i].units[j].id;
    UnitInput change = {.threshold = 4000, .minutes = -1, .duration_s = -1, .required = -1};
    assert_string_equal(unit_check_update(db, &course, text, &change, &msg), "threshold");
    change.threshold = 10;
    assert_int_equal(unit_update(db, &course, text, &change, time_now_us()), LN_OK);
}

static void test_segments(void **state)
{
    char *c;
    assert_true(segments_parse(arena, "12.5-17,0-3,2-4", &c));
    assert_string_equal(c, "0-4000,12500-17000");
    assert_true(segments_parse(arena, "", &c));
    assert_string_equal(c, "");
    assert_true(segments_parse(arena, "5-5", &c));       /* empty stretches vanish */
    assert_string_equal(c, "");
    assert_false(segments_parse(arena, "5-4", &c));
    assert_true(segments_parse(arena, "1-2,", &c));     /* a trailing comma is tolerated */
    assert_string_equal(c, "1000-2000");
    assert_false(segments_parse(arena, "a-b", &c));
    assert_false(segments_parse(arena, "1.-2", &c));
    assert_false(segments_parse(arena, "9999999-1", &c));
    assert_false(segments_parse(arena, "1-2;3-4", &c));
    char many[1024] = "";
    for (int i = 0; i < BEAT_MAX_SEGMENTS + 1; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s%d-%d.5", i ? "," : "", i * 2, i * 2);
    assert_false(segments_parse(arena, many, &c));
    const char *lists[] = {"0-10000", "5000-15000", "30000-31000"};
    assert_int_equal(segments_cover_ms(lists, 3, 0), 16000);
    assert_int_equal(segments_cover_ms(lists, 3, 12000), 12000);   /* clipped to the video's length */
    assert_string_equal(segments_trim(arena, "0-10000,20000-30000", 12000), "0-10000,20000-22000");
    assert_string_equal(segments_trim(arena, "0-10000", 0), "");
}

static void test_beat_caps(void **state)
{
    TimeRules t = {30, 480};
    UsTime now = time_now_us();
    assert_int_equal(beat_cap_active(&t, 0, now, 100000), 30000);                     /* first of a session */
    assert_int_equal(beat_cap_active(&t, now - 10 * US_PER_SEC, now, 100000), 15000); /* 10 s + slack */
    assert_int_equal(beat_cap_active(&t, now - 10 * US_PER_SEC, now, 4000), 4000);
    assert_int_equal(beat_cap_active(&t, now - 600 * US_PER_SEC, now, 999999), BEAT_MAX_ACTIVE_MS);
    assert_int_equal(beat_cap_active(&t, now - 3600 * US_PER_SEC, now, 100000), 30000); /* a new session */
    assert_int_equal(beat_cap_active(&t, now, now, -5), 0);
    const char *msg;
    TimeRules bad = {0, 480};
    assert_string_equal(time_rules_check(&bad, &msg), "idle_minutes");
    bad = (TimeRules){30, 5};
    assert_string_equal(time_rules_check(&bad, &msg), "session_cap_minutes");
}

static void beat_at(int64_t unit, UsTime at, int64_t active_ms, const char *segs)
{
    assert_int_equal(db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms, segments, ip)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, '127.0.0.1')", "iiiiiit", run_id, unit, learner,
                            course.org_id, at, active_ms, segs), DB_DONE);
}

/* Completion: the video by what was played, the course when every
 * required unit is done; sessions and caps from the heartbeats. */
static void test_progress_and_sessions(void **state)
{
    int64_t s = add_section("Video");
    UnitInput in = {.kind = "video", .title = "V", .section_id = s, .minutes = 1, .duration_s = 100,
                    .threshold = 80, .required = 1};
    int64_t vid;
    assert_int_equal(unit_create(db, &course, &in, time_now_us(), &vid), LN_OK);
    Outline o;
    outline_load(db, arena, course.id, &o);
    Unit *v = outline_find(&o, vid, NULL);
    assert_non_null(v);
    UsTime t0 = time_now_us() - 86400 * US_PER_SEC;
    beat_at(vid, t0, 10000, "0-50000");
    beat_at(vid, t0 + 10 * US_PER_SEC, 10000, "0-50000");     /* watched again: counts once */
    assert_false(beat_rule_met(db, &run, v, learner));
    beat_at(vid, t0 + 20 * US_PER_SEC, 10000, "50000-79000");
    assert_false(beat_rule_met(db, &run, v, learner));         /* 79 % */
    beat_at(vid, t0 + 7200 * US_PER_SEC, 10000, "79000-81000");   /* two hours later: a new session */
    assert_true(beat_rule_met(db, &run, v, learner));

    bool course_done = true;
    assert_int_equal(progress_complete(db, &run, v, learner, time_now_us(), &course_done), LN_OK);
    assert_false(course_done);                                  /* the other required units are not done */
    for (int i = 0; i < o.n; i++)
        for (int j = 0; j < o.sections[i].n; j++)
            progress_complete(db, &run, &o.sections[i].units[j], learner, time_now_us(), &course_done);
    int64_t completed = 0;
    db_query_i64(db, &completed, "SELECT COALESCE(completed_at, 0) FROM enrolment WHERE run_id = $1 AND user_id = $2",
                 "ii", run_id, learner);
    assert_true(completed > 0);
    assert_int_equal(progress_load(db, run_id, learner, &o), LN_OK);
    assert_int_equal(o.done, o.required);

    TimeRules t = {30, 480};
    Activity act;
    assert_int_equal(activity_load(db, arena, &t, run_id, learner, &act), LN_OK);
    assert_int_equal(act.nsessions, 2);
    assert_int_equal(act.sessions[0].beats, 3);
    assert_int_equal(act.sessions[0].active_ms, 30000);
    assert_int_equal(act.active_ms, 40000);
    assert_int_equal(activity_unit_ms(&act, vid, NULL), 40000);
    t.session_cap_minutes = 0;      /* not a valid setting, but shows the cap at work */
    activity_load(db, arena, &t, run_id, learner, &act);
    assert_true(act.sessions[0].capped);
    assert_int_equal(act.active_ms, 0);

    /* A unit a learner opened is kept. */
    assert_int_equal(unit_delete(db, &course, vid), LN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outline_order),
        cmocka_unit_test(test_unit_checks),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_beat_caps),
        cmocka_unit_test(test_progress_and_sessions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
