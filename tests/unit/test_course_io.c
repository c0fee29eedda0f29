/* test_course_io.c — a course as files: export → import → export gives the
 * same bytes (folder and .tar.gz); a malformed package is refused with
 * "path:line: message" and adds no row.  Runs on SQLite and PostgreSQL
 * (LECTERN_TEST_DB). */
#include "testutil.h"
#include "content/course_io.h"
#include "assess/assess_io.h"
#include "assess/gift.h"
#include "org/org.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <sys/stat.h>

static App app;
static Db *db;
static char data_dir[64];
static int64_t org_src, org_a, org_b, org_bad, course_src;
static char tmpl_dir[128];      /* an export of the source course, the base of the broken packages */

static const char text_body[] =
    "# Bienvenue\r\n"
    "Line with trailing spaces   \r\n"
    "\r\n"
    "Été – naïve café ✓ 日本語\n"
    "\n"
    "\tTabbed line\n"
    "key: value that is not a header\n"
    "\n"
    "\n"
    "final line without newline";
static const char vtt_en[] = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n";
static const char vtt_fr[] = "\xEF\xBB\xBFWEBVTT\n\n00:00.000 --> 00:02.000\nBonjour.\n";
static const char transcript[] = "Hello. Bonjour.\n";
static const char video[] = "\x00\x00\x00\x18" "ftypmp42 not really a video";
static const char checklist1[] = "[ ] one\n[ ] two\n";
static const char checklist2[] = "[ ] another list with the same name\n";
static const char quiz_gift[] =
    "$CATEGORY: Géographie\n\n"
    "::Capital::What is the capital of France? {=Paris#yes ~Lyon#no ~Nice#no ####general}\n\n"
    "::Year::When did the Bastille fall? {#1789:0#FB-YEAR}\n\n"
    "::River::Which river flows through Bordeaux? {=Garonne#right =%50%Gironde#half}\n\n"
    "::Pairs::Match them. {=Italy -> Rome =Spain -> Madrid =Japan -> Tokyo}\n\n"
    "::Essay::Tell us about France\\: in 100 words. {}\n";
static const char rubric_json[] =
    "{\"criteria\": [{\"title\": \"Argument\", \"description\": \"Is it sound?\", \"levels\": [{\"title\": \"Weak\","
    " \"points\": 0}, {\"title\": \"Strong\", \"points\": 2}]}, {\"title\": \"Sources\", \"levels\":"
    " [{\"title\": \"None\", \"points\": 0}, {\"title\": \"Cited\", \"points\": 3}]}]}";
static int64_t quiz_src, assignment_src;
#define S3 "sections/03-evaluations"

/* ---- helpers ------------------------------------------------------------ */

static int64_t count(const char *table)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, ""), DB_ROW);
    return n;
}

typedef struct Counts { int64_t course, section, unit, media, track; } Counts;

static Counts counts(void)
{
    return (Counts){count("course"), count("section"), count("unit"), count("media"), count("unit_track")};
}

static void assert_same_counts(Counts a, Counts b)
{
    assert_int_equal(a.course, b.course);
    assert_int_equal(a.section, b.section);
    assert_int_equal(a.unit, b.unit);
    assert_int_equal(a.media, b.media);
    assert_int_equal(a.track, b.track);
}

static char *path_of(Arena *a, const char *name)
{
    return arena_printf(a, "%s/%s", data_dir, name);
}

static char *slurp(Arena *a, const char *path, size_t *len)
{
    char *m = test_slurp(path, len);
    char *out = m ? arena_strndup(a, m, *len) : NULL;
    free(m);
    return out;
}

static void spit(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Replace the first `from` in the file by `to`. */
static void edit(Arena *a, const char *path, const char *from, const char *to)
{
    size_t len;
    char *s = slurp(a, path, &len);
    assert_non_null(s);
    char *at = strstr(s, from);
    assert_non_null(at);
    Buf b;
    buf_init(&b, 0);
    buf_append(&b, s, (size_t)(at - s));
    buf_puts(&b, to);
    buf_append(&b, at + strlen(from), len - (size_t)(at - s) - strlen(from));
    spit(path, b.data, b.len);
    buf_free(&b);
}

/* Every file of `dir`, recursively, as sorted relative paths. */
static void list_tree(Arena *a, const char *dir, const char *rel, char ***v, int *n)
{
    char *full = rel[0] ? arena_printf(a, "%s/%s", dir, rel) : arena_strdup(a, dir);
    DIR *d = opendir(full);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char *r = rel[0] ? arena_printf(a, "%s/%s", rel, de->d_name) : arena_strdup(a, de->d_name);
        struct stat sb;
        assert_int_equal(lstat(arena_printf(a, "%s/%s", dir, r), &sb), 0);
        char **more = arena_alloc(a, sizeof(char *) * (size_t)(*n + 1));
        if (*n) memcpy(more, *v, sizeof(char *) * (size_t)*n);
        more[(*n)++] = S_ISDIR(sb.st_mode) ? arena_printf(a, "%s/", r) : r;
        *v = more;
        if (S_ISDIR(sb.st_mode)) list_tree(a, dir, r, v, n);
    }
    closedir(d);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void assert_same_tree(const char *d1, const char *d2)
{
    Arena *a = arena_new();
    char **v1 = NULL, **v2 = NULL;
    int n1 = 0, n2 = 0;
    list_tree(a, d1, "", &v1, &n1);
    list_tree(a, d2, "", &v2, &n2);
    qsort(v1, (size_t)n1, sizeof(char *), str_cmp);
    qsort(v2, (size_t)n2, sizeof(char *), str_cmp);
    assert_int_equal(n1, n2);
    for (int i = 0; i < n1; i++) {
        assert_string_equal(v1[i], v2[i]);
        if (v1[i][strlen(v1[i]) - 1] == '/') continue;
        size_t l1, l2;
        char *b1 = slurp(a, arena_printf(a, "%s/%s", d1, v1[i]), &l1);
        char *b2 = slurp(a, arena_printf(a, "%s/%s", d2, v2[i]), &l2);
        if (l1 != l2 || memcmp(b1, b2, l1) != 0) fail_msg("%s differs", v1[i]);
    }
    arena_free(a);
}

static void assert_same_file(const char *f1, const char *f2)
{
    Arena *a = arena_new();
    size_t l1, l2;
    char *b1 = slurp(a, f1, &l1), *b2 = slurp(a, f2, &l2);
    assert_non_null(b1);
    assert_non_null(b2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    arena_free(a);
}

static bool tmp_is_empty(void)
{
    Arena *a = arena_new();
    DIR *d = opendir(path_of(a, "tmp"));
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    if (d) closedir(d);
    arena_free(a);
    return n == 0;
}

/* ---- the source course ---------------------------------------------------- */

static int64_t add_unit(const Course *c, int64_t section, const char *kind, const char *title, const char *body,
                        const char *url, int64_t media, int64_t threshold, int required, int64_t duration_s)
{
    UnitInput in = {.kind = kind, .title = title, .body = body, .url = url, .section_id = section, .minutes = 4,
                    .duration_s = duration_s, .threshold = threshold, .required = required, .media_id = media};
    int64_t id = 0;
    assert_int_equal(unit_create(db, c, &in, time_now_us(), &id), LN_OK);
    return id;
}

static int64_t store(Arena *a, int64_t org, const char *data, size_t len, const char *name)
{
    Media m;
    assert_int_equal(media_store_bytes(&app, db, a, org, data, len, name, 0, &m), LN_OK);
    return m.id;
}

static void track(int64_t unit, const char *kind, const char *lang, int64_t media)
{
    Unit u = {.id = unit, .org_id = org_src};
    assert_int_equal(unit_track_set(db, &u, kind, lang, media), LN_OK);
}

static void build_course(void)
{
    Arena *a = arena_new();
    CourseInput in = {.code = "IO-101", .title = "Sécurité au travail — l'essentiel",
                      .summary = "A summary\r\nover two lines with trailing spaces  \n",
                      .objectives = "Spot hazards.\nReact well.\n\nReport incidents", .lang = "fr",
                      .estimated_minutes = 95, .published = 1};
    assert_int_equal(course_create(db, org_src, &in, 0, time_now_us(), &course_src), LN_OK);
    Course c = {.id = course_src, .org_id = org_src};
    int64_t s1, s2;
    SectionInput si = {.title = "Bienvenue à bord", .release_days = -1};
    assert_int_equal(section_create(db, &c, &si, time_now_us(), &s1), LN_OK);
    si = (SectionInput){.title = "Vidéo & ressources", .release_days = 7};
    assert_int_equal(section_create(db, &c, &si, time_now_us(), &s2), LN_OK);

    add_unit(&c, s1, "text", "Le texte", text_body, NULL, 0, 45, 1, 0);
    add_unit(&c, s1, "text", "  An empty text\twith a tab  ", "", NULL, 0, -1, 0, 0);
    add_unit(&c, s1, "link", "Further reading", "Read it: *now*.", "https://example.org/a?b=c&d=é", 0, -1, 1, 0);
    int64_t list1 = store(a, org_src, checklist1, strlen(checklist1), "Liste de contrôle.txt");
    int64_t list2 = store(a, org_src, checklist2, strlen(checklist2), "liste de contrôle.txt");
    add_unit(&c, s2, "resource", "Checklist", "Print it.\n", NULL, list1, -1, 1, 0);
    int64_t v = store(a, org_src, video, sizeof video - 1, "tour.mp4");
    int64_t vid = add_unit(&c, s2, "video", "The tour", "Watch.\n", NULL, v, 90, 0, 24);
    track(vid, "captions", "en", store(a, org_src, vtt_en, strlen(vtt_en), "tour.en.vtt"));
    track(vid, "captions", "fr", store(a, org_src, vtt_fr, strlen(vtt_fr), "tour.fr.vtt"));
    track(vid, "transcript", "en", store(a, org_src, transcript, strlen(transcript), "transcript.txt"));
    add_unit(&c, s2, "resource", "Another checklist", "", NULL, list2, -1, 1, 0);

    /* A quiz (GIFT questions, and a cloze and an ordering between them) and
     * a peer-assessed assignment, in a third section. */
    int64_t s3;
    si = (SectionInput){.title = "Évaluations", .release_days = -1};
    assert_int_equal(section_create(db, &c, &si, time_now_us(), &s3), LN_OK);
    quiz_src = add_unit(&c, s3, "quiz", "Quiz de fin", "Answer *all* of them.\n", NULL, 0, -1, 1, 0);
    ItemBank g;
    GiftError ge;
    assert_int_equal(gift_parse(a, quiz_gift, strlen(quiz_gift), &g, &ge), LN_OK);
    Choice cz[] = {{.text = "4", .weight = 1000, .gap = 0, .gap_type = ITEM_NUMERIC, .num_value = 4000000},
                   {.text = "Paris", .weight = 1000, .gap = 1, .gap_type = ITEM_SINGLE, .feedback = "oui"},
                   {.text = "Lyon", .weight = 0, .gap = 1, .gap_type = ITEM_SINGLE}};
    Choice od[] = {{.text = "one", .weight = 1000}, {.text = "two", .weight = 1000}, {.text = "three", .weight = 1000}};
    ItemBank bank = {arena_alloc(a, sizeof(Item) * 7), 7};
    bank.items[0] = g.items[0];
    bank.items[1] = (Item){.type = ITEM_CLOZE, .text = "2+2={#0}; capital {#1}", .choices = cz, .nchoices = 3,
                           .ngaps = 2, .points = 2500, .text_match = TEXT_PATTERN};
    for (int i = 1; i < 4; i++) bank.items[i + 1] = g.items[i];
    bank.items[5] = (Item){.type = ITEM_ORDERING, .text = "Count", .choices = od, .nchoices = 3, .points = 1000};
    bank.items[6] = g.items[4];
    assert_int_equal(quiz_items_replace(db, org_src, quiz_src, &bank, time_now_us()), LN_OK);
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.purpose = "final";
    qs.attempts_allowed = 3;
    qs.time_limit_s = 900;
    qs.opens_at = INT64_C(1800000000123456);            /* with microseconds */
    qs.closes_at = INT64_C(1800086400000000);
    qs.draw_count = 2;
    qs.draw_per_pool = true;                            /* 2 from each pool (GIFT category) */
    qs.shuffle = true;
    qs.pass_mark = 625;
    qs.feedback_when = "after_close";
    qs.grade_policy = "average";
    assert_int_equal(quiz_settings_set(db, org_src, quiz_src, &qs, time_now_us()), LN_OK);

    assignment_src = add_unit(&c, s3, "assignment", "Essai critique", "", NULL, 0, -1, 1, 0);
    PeerSettings ps;
    peer_settings_default(&ps);
    ps.unit_id = assignment_src;
    ps.instructions = "Write **one** page.\r\nCite your sources.  \n";
    ps.submit_by = INT64_C(1800000000000000);
    ps.review_by = INT64_C(1800604800000000);
    ps.reviewers = 2;
    ps.self_assessment = true;
    ps.late_policy = "penalty";
    ps.late_penalty = 150;
    ps.no_review_policy = "withhold";
    ps.grade_method = "mean";
    json_t *rj = json_loads(rubric_json, 0, NULL);
    const char *rerr;
    assert_int_equal(peer_rubric_from_json(a, rj, &ps.rubric, &rerr), LN_OK);
    json_decref(rj);
    assert_int_equal(peer_settings_set(db, org_src, &ps, time_now_us()), LN_OK);

    /* The gradebook: the quiz counts double, the assignment not at all, a
     * pass mark of 65 % that completion needs. */
    assert_int_equal(gb_weight_set(db, org_src, course_src, quiz_src, 2000, time_now_us()), LN_OK);
    assert_int_equal(gb_weight_set(db, org_src, course_src, assignment_src, 0, time_now_us()), LN_OK);
    GbSettings gs = {.pass_mark = 650, .require_grade = true};
    assert_int_equal(gb_settings_set(db, org_src, course_src, &gs, time_now_us()), LN_OK);
    arena_free(a);
}

static char *item_canon(Arena *a, const Item *it)
{
    json_t *j = item_to_json(it);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    char *out = arena_strdup(a, s);
    free(s);
    return out;
}

/* The imported quiz and assignment are the source's. */
static void assert_same_assessments(Arena *a, int64_t quiz, int64_t assignment)
{
    QuizItems x, y;
    assert_int_equal(quiz_items_load(db, a, quiz_src, &x), LN_OK);
    assert_int_equal(quiz_items_load(db, a, quiz, &y), LN_OK);
    assert_int_equal(x.n, 7);
    assert_int_equal(y.n, 7);
    assert_int_equal(y.items[1].item.type, ITEM_CLOZE);
    assert_int_equal(y.items[5].item.type, ITEM_ORDERING);
    for (int i = 0; i < 7; i++) assert_string_equal(item_canon(a, &x.items[i].item), item_canon(a, &y.items[i].item));
    QuizSettings p, q;
    assert_int_equal(quiz_settings_get(db, a, quiz_src, &p), LN_OK);
    assert_int_equal(quiz_settings_get(db, a, quiz, &q), LN_OK);
    assert_string_equal(q.purpose, "final");
    assert_int_equal(q.opens_at, p.opens_at);
    assert_int_equal(q.closes_at, p.closes_at);
    assert_int_equal(q.attempts_allowed, 3);
    assert_int_equal(q.time_limit_s, 900);
    assert_int_equal(q.draw_count, 2);
    assert_true(q.draw_per_pool);
    assert_true(q.shuffle);
    assert_int_equal(q.pass_mark, 625);
    assert_string_equal(q.feedback_when, "after_close");
    assert_string_equal(q.grade_policy, "average");
    PeerSettings s;
    assert_int_equal(peer_settings_get(db, a, assignment, &s), LN_OK);
    assert_string_equal(s.instructions, "Write **one** page.\r\nCite your sources.  \n");
    assert_int_equal(s.submit_by, INT64_C(1800000000000000));
    assert_int_equal(s.review_by, INT64_C(1800604800000000));
    assert_int_equal(s.reviewers, 2);
    assert_true(s.self_assessment);
    assert_string_equal(s.late_policy, "penalty");
    assert_int_equal(s.late_penalty, 150);
    assert_string_equal(s.no_review_policy, "withhold");
    assert_string_equal(s.grade_method, "mean");
    assert_int_equal(s.rubric.n, 2);
    assert_int_equal(peer_rubric_max(&s.rubric), 5);
    assert_string_equal(s.rubric.criteria[0].description, "Is it sound?");
    int64_t w;
    assert_int_equal(gb_weight_get(db, quiz, &w), LN_OK);
    assert_int_equal(w, 2000);
    assert_int_equal(gb_weight_get(db, assignment, &w), LN_OK);
    assert_int_equal(w, 0);
}

static int64_t mk_org(const char *name)
{
    char slug[48];
    snprintf(slug, sizeof slug, "cio-%s-%d", name, (int)getpid());
    int64_t id = 0;
    if (org_create(db, slug, name, false, time_now_us(), &id) != LN_OK) return 0;
    return id;
}

static int setup(void **state)
{
    snprintf(data_dir, sizeof data_dir, "/tmp/lectern-cio-XXXXXX");
    if (!mkdtemp(data_dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", data_dir);
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    org_src = mk_org("src");
    org_a = mk_org("a");
    org_b = mk_org("b");
    org_bad = mk_org("bad");
    if (!org_src || !org_a || !org_b || !org_bad) return -1;
    build_course();
    snprintf(tmpl_dir, sizeof tmpl_dir, "%s/template", data_dir);
    if (course_export(&app, db, course_src, tmpl_dir, &err) != LN_OK) {
        fprintf(stderr, "export: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    db_close(db);
    rm_tree(data_dir);
    config_free(&app.cfg);
    return 0;
}

/* ---- the parser ------------------------------------------------------------ */

static void test_header_parse(void **state)
{
    Arena *a = arena_new();
    CourseHeader h;
    int line;
    const char in[] = "\xEF\xBB\xBFkind: text\r\n# a comment\r\ntitle:   Été  \t\r\nempty:\r\n \t\r\nbody\r\nmore";
    assert_null(course_header_parse(a, in, sizeof in - 1, &h, &line));
    assert_int_equal(h.n, 3);
    assert_string_equal(h.fields[0].key, "kind");
    assert_string_equal(h.fields[1].value, "Été");
    assert_int_equal(h.fields[1].line, 3);
    assert_string_equal(h.fields[2].value, "");
    assert_int_equal(h.body_line, 6);
    assert_int_equal(h.body_len, 10);
    assert_memory_equal(h.body, "body\r\nmore", 10);

    const char no_body[] = "title: x";
    assert_null(course_header_parse(a, no_body, sizeof no_body - 1, &h, &line));
    assert_null(h.body);

    static const struct { const char *in; int line; const char *msg; } bad[] = {
        {"title: a\ntitle: b\n\n", 2, "key \"title\" given twice"},
        {"title a\n", 1, "expected \"key: value\""},
        {"kind: text\nTitle: x\n", 2, "unknown key \"Title\" (keys are lower-case letters, digits, . and _)"},
        {"title: a\x01" "b\n", 1, "control characters are not allowed in a value"},
        {"title: \xC3\n", 1, "not valid UTF-8"},
        {"title: a\n\nok\nstill ok\nbad \xFF\n", 5, "not valid UTF-8"},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        const char *msg = course_header_parse(a, bad[i].in, strlen(bad[i].in), &h, &line);
        assert_non_null(msg);
        assert_string_equal(msg, bad[i].msg);
        assert_int_equal(line, bad[i].line);
    }
    const char nul[] = "title: a\n\nx\0y";
    assert_string_equal(course_header_parse(a, nul, sizeof nul - 1, &h, &line), "not valid UTF-8");
    assert_int_equal(line, 3);

    const char ok[] = "kind: text\ncolour: red\n";
    assert_null(course_header_parse(a, ok, sizeof ok - 1, &h, &line));
    static const char *const known[] = {"kind", "title", NULL};
    assert_string_equal(course_header_known(a, &h, known, &line), "unknown key \"colour\"");
    assert_int_equal(line, 2);
    arena_free(a);
}

static void test_slug(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(course_slug(a, "Sécurité au travail — l'essentiel!", "x"), "securite-au-travail-l-essentiel");
    assert_string_equal(course_slug(a, "  ***  ", "unit"), "unit");
    assert_string_equal(course_slug(a, "日本語", "unit"), "unit");
    char *s = course_slug(a, "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddd eeee", "x");
    assert_true(strlen(s) <= 40);
    assert_string_equal(s, "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-ddddddd");     /* cut at 40 */
    s = course_slug(a, "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddd eeee", "x");
    assert_string_equal(s, "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddd");      /* never ends on a dash */
    arena_free(a);
}

/* ---- round trips ---------------------------------------------------------- */

static void progress_count(void *ctx, const char *verb, int done, int total)
{
    int *last = ctx;
    assert_true(done >= 1 && done <= total);
    *last = done == total ? -total : done;
}

static void test_export_layout(void **state)
{
    Arena *a = arena_new();
    size_t len;
    char *course = slurp(a, arena_printf(a, "%s/course.txt", tmpl_dir), &len);
    assert_non_null(course);
    assert_string_equal(course, "code: IO-101\ntitle: Sécurité au travail — l'essentiel\nlang: fr\n"
                                "estimated_minutes: 95\npublished: yes\npass_mark: 650\nrequire_grade: yes\n\n"
                                "A summary\r\nover two lines with trailing spaces  \n");
    char *obj = slurp(a, arena_printf(a, "%s/objectives.txt", tmpl_dir), &len);
    assert_string_equal(obj, "Spot hazards.\nReact well.\n\nReport incidents");
    char *text = slurp(a, arena_printf(a, "%s/sections/01-bienvenue-a-bord/01-le-texte.md", tmpl_dir), &len);
    assert_non_null(text);
    char *want = arena_printf(a, "kind: text\ntitle: Le texte\nminutes: 4\nrequired: yes\nthreshold: 45\n\n%s", text_body);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(text, want, len);
    char *empty = slurp(a, arena_printf(a, "%s/sections/01-bienvenue-a-bord/02-an-empty-text-with-a-tab.md", tmpl_dir), &len);
    assert_string_equal(empty, "kind: text\ntitle: An empty text with a tab\nminutes: 4\nrequired: no\nthreshold: 30\n\n");
    char *sec = slurp(a, arena_printf(a, "%s/sections/02-video-ressources/section.txt", tmpl_dir), &len);
    assert_string_equal(sec, "title: Vidéo & ressources\nrelease_days: 7\n");
    char *vid = slurp(a, arena_printf(a, "%s/sections/02-video-ressources/02-the-tour.md", tmpl_dir), &len);
    assert_string_equal(vid, "kind: video\ntitle: The tour\nminutes: 4\nrequired: no\nthreshold: 90\nfile: tour.mp4\n"
                             "duration_s: 24\ncaptions.en: tour.en.vtt\ncaptions.fr: tour.fr.vtt\n"
                             "transcript.en: transcript.txt\n\nWatch.\n");
    /* Two stored files share a name (but for case): the second is made unique. */
    char *res2 = slurp(a, arena_printf(a, "%s/sections/02-video-ressources/03-another-checklist.md", tmpl_dir), &len);
    assert_non_null(strstr(res2, "\nfile: liste de contrôle-2.txt\n"));
    char *bytes = slurp(a, arena_printf(a, "%s/files/liste de contrôle-2.txt", tmpl_dir), &len);
    assert_int_equal(len, strlen(checklist2));
    bytes = slurp(a, arena_printf(a, "%s/files/tour.mp4", tmpl_dir), &len);
    assert_int_equal(len, sizeof video - 1);
    assert_memory_equal(bytes, video, len);

    /* A quiz: settings in the header, GIFT questions, the others as item JSON with their positions. */
    char *quiz = slurp(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md", tmpl_dir), &len);
    assert_string_equal(quiz, "kind: quiz\ntitle: Quiz de fin\nminutes: 4\nrequired: yes\npurpose: final\n"
                              "attempts_allowed: 3\ntime_limit_s: 900\nopens_at: 2027-01-15T08:00:00.123456Z\n"
                              "closes_at: 2027-01-16T08:00:00Z\ndraw_count: 2\ndraw_per_pool: yes\nshuffle: yes\npass_mark: 625\n"
                              "feedback_when: after_close\ngrade_policy: average\nweight: 2000\n\nAnswer *all* of them.\n");
    char *gift = slurp(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.gift", tmpl_dir), &len);
    ItemBank g;
    GiftError ge;
    assert_int_equal(gift_parse(a, gift, len, &g, &ge), LN_OK);
    assert_int_equal(g.n, 5);                                   /* Moodle can read it */
    assert_non_null(strstr(gift, "$CATEGORY: Géographie"));
    char *items = slurp(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.items.json", tmpl_dir), &len);
    json_t *j = json_loads(items, 0, NULL);
    assert_non_null(j);
    json_t *arr = json_object_get(j, "items");
    assert_int_equal(json_array_size(arr), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "position")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(arr, 0), "item"), "type")),
                        "cloze");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 1), "position")), 6);
    json_decref(j);
    /* An assignment: settings in the header, the rubric, the instructions byte for byte. */
    char *asg = slurp(a, arena_printf(a, "%s/" S3 "/02-essai-critique.md", tmpl_dir), &len);
    assert_string_equal(asg, "kind: assignment\ntitle: Essai critique\nminutes: 4\nrequired: yes\n"
                             "submit_by: 2027-01-15T08:00:00Z\nreview_by: 2027-01-22T08:00:00Z\nreviewers: 2\n"
                             "self_assessment: yes\nlate_policy: penalty\nlate_penalty: 150\nno_review_policy: withhold\n"
                             "no_review_penalty: 0\ngrade_method: mean\nweight: 0\n\n");
    char *ins = slurp(a, arena_printf(a, "%s/" S3 "/02-essai-critique.instructions.md", tmpl_dir), &len);
    assert_string_equal(ins, "Write **one** page.\r\nCite your sources.  \n");
    char *rub = slurp(a, arena_printf(a, "%s/" S3 "/02-essai-critique.rubric.json", tmpl_dir), &len);
    assert_non_null(strstr(rub, "\"Cited\""));
    arena_free(a);
}

static void test_roundtrip_dir(void **state)
{
    Arena *a = arena_new();
    char *err = NULL;
    char *d1 = path_of(a, "rt1"), *d2 = path_of(a, "rt2"), *d3 = path_of(a, "rt3");
    assert_int_equal(course_export(&app, db, course_src, d1, &err), LN_OK);
    int last = 0;
    int64_t id = 0;
    /* a trailing slash on the folder is fine */
    assert_int_equal(course_import_progress(&app, db, org_a, arena_printf(a, "%s/", d1), NULL, &id, progress_count,
                                            &last, &err), LN_OK);
    assert_null(err);
    assert_true(last < 0);      /* the last call said done == total */
    assert_true(id > 0 && id != course_src);
    assert_int_equal(course_export(&app, db, id, d2, &err), LN_OK);
    assert_same_tree(d1, d2);
    assert_same_tree(tmpl_dir, d2);
    /* a second export of the same course is the same too */
    assert_int_equal(course_export(&app, db, course_src, d3, &err), LN_OK);
    assert_same_tree(d1, d3);

    /* what was stored is what was written, byte for byte */
    Course c;
    assert_int_equal(course_load(db, a, id, &c), LN_OK);
    assert_int_equal(c.org_id, org_a);
    assert_string_equal(c.code, "IO-101");
    assert_string_equal(c.summary, "A summary\r\nover two lines with trailing spaces  \n");
    assert_true(c.published);
    GbSettings gs;
    assert_int_equal(gb_settings_get(db, id, &gs), LN_OK);
    assert_int_equal(gs.pass_mark, 650);
    assert_true(gs.require_grade);
    Outline o;
    assert_int_equal(outline_load(db, a, id, &o), LN_OK);
    assert_int_equal(o.n, 3);
    assert_int_equal(o.units, 8);
    assert_same_assessments(a, o.sections[2].units[0].id, o.sections[2].units[1].id);
    assert_string_equal(o.sections[0].units[0].body, text_body);
    assert_int_equal(o.sections[0].release_days, -1);
    assert_int_equal(o.sections[1].release_days, 7);
    Unit *v = &o.sections[1].units[1];
    assert_string_equal(v->kind, "video");
    assert_int_equal(v->threshold, 90);
    assert_false(v->required);
    assert_int_equal(v->duration_s, 24);
    assert_int_equal(v->media.org_id, org_a);
    Track *t;
    int n;
    assert_int_equal(unit_tracks(db, a, v->id, &t, &n), LN_OK);
    assert_int_equal(n, 3);

    /* exporting into a folder that is not empty is refused */
    assert_int_not_equal(course_export(&app, db, course_src, d1, &err), LN_OK);
    assert_non_null(strstr(err, "not an empty folder"));
    free(err);
    arena_free(a);
}

static void test_roundtrip_targz(void **state)
{
    Arena *a = arena_new();
    char *err = NULL;
    char *t1 = path_of(a, "one.tar.gz"), *t2 = path_of(a, "two.tar.gz"), *t3 = path_of(a, "three.tgz");
    assert_int_equal(course_export(&app, db, course_src, t1, &err), LN_OK);
    int64_t id = 0;
    assert_int_equal(course_import(&app, db, org_b, t1, NULL, &id, &err), LN_OK);
    assert_int_equal(course_export(&app, db, id, t2, &err), LN_OK);
    assert_same_file(t1, t2);
    assert_int_equal(course_export(&app, db, course_src, t3, &err), LN_OK);
    assert_same_file(t1, t3);
    assert_true(tmp_is_empty());    /* the unpacked copy is gone */

    /* a copy in the same organisation under another code */
    int64_t copy = 0;
    assert_int_equal(course_import(&app, db, org_src, t1, "IO-101-copy", &copy, &err), LN_OK);
    Course c;
    assert_int_equal(course_load(db, a, copy, &c), LN_OK);
    assert_string_equal(c.code, "IO-101-copy");
    assert_true(tmp_is_empty());
    arena_free(a);
}

/* ---- refusals ------------------------------------------------------------- */

/* A fresh copy of the template package. */
static char *package(Arena *a, const char *name)
{
    char *dir = path_of(a, name);
    char *err = NULL;
    assert_int_equal(course_export(&app, db, course_src, dir, &err), LN_OK);
    return dir;
}

/* The import is refused with exactly `want` (prefixed by the folder) and
 * no row is added. */
static void refused(Arena *a, int64_t org, const char *src, const char *code, const char *want, int want_rc)
{
    Counts before = counts();
    char *err = NULL;
    int64_t id = 0;
    int rc = course_import(&app, db, org, src, code, &id, &err);
    assert_non_null(err);
    if (strcmp(err, want) != 0) fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
    assert_int_equal(rc, want_rc);
    assert_int_equal(id, 0);
    assert_same_counts(before, counts());
    assert_true(tmp_is_empty());
    free(err);
}

#define S1 "sections/01-bienvenue-a-bord"
#define S2 "sections/02-video-ressources"

static void test_refused_headers(void **state)
{
    Arena *a = arena_new();
    char *d;

    d = package(a, "bad-key");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "title:", "colour: red\ntitle:");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/01-le-texte.md:2: unknown key \"colour\"", d), LN_EINVAL);

    d = package(a, "no-title");
    edit(a, arena_printf(a, "%s/" S1 "/section.txt", d), "title: Bienvenue à bord\n", "release_days: 3\n");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/section.txt:1: title: A title is required.", d), LN_EINVAL);

    d = package(a, "no-unit-title");
    edit(a, arena_printf(a, "%s/" S2 "/01-checklist.md", d), "title: Checklist\n", "");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S2 "/01-checklist.md:1: title: A title is required.", d),
            LN_EINVAL);

    d = package(a, "live-kind");     /* a kind the format does not hold yet */
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "kind: text", "kind: live");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/01-le-texte.md:1: kind: live units cannot be imported from"
                                              " files yet (text, video, resource, link, quiz, assignment and discussion can)", d),
            LN_EINVAL);

    d = package(a, "bad-kind");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "kind: text", "kind: hologram");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/01-le-texte.md:1: kind: Choose the kind of unit.", d),
            LN_EINVAL);

    d = package(a, "no-url");
    edit(a, arena_printf(a, "%s/" S1 "/03-further-reading.md", d), "url: https://example.org/a?b=c&d=é\n", "");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S1 "/03-further-reading.md:1: url: Give an address starting with https:// or http://.",
                         d), LN_EINVAL);

    d = package(a, "bad-url");
    edit(a, arena_printf(a, "%s/" S1 "/03-further-reading.md", d), "url: https", "url: ftp");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S1 "/03-further-reading.md:5: url: Give an address starting with https:// or http://.",
                         d), LN_EINVAL);

    d = package(a, "bad-number");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "minutes: 4", "minutes: four");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S1 "/01-le-texte.md:3: minutes: a whole number (0 or more) is expected", d), LN_EINVAL);

    d = package(a, "big-number");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "minutes: 4", "minutes: 10001");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S1 "/01-le-texte.md:3: minutes: The duration must be between 0 and 10000 minutes.", d),
            LN_EINVAL);

    d = package(a, "bad-yes");
    edit(a, arena_printf(a, "%s/course.txt", d), "published: yes", "published: true");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/course.txt:5: published: \"yes\" or \"no\" is expected", d), LN_EINVAL);

    d = package(a, "bad-lang");
    edit(a, arena_printf(a, "%s/course.txt", d), "lang: fr", "lang: de");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/course.txt:3: lang: The language must be en or fr.", d), LN_EINVAL);

    d = package(a, "url-on-text");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "threshold: 45\n", "threshold: 45\nurl: https://x.org/\n");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/01-le-texte.md:6: url: only link units have an address", d),
            LN_EINVAL);
    arena_free(a);
}

static void test_refused_files(void **state)
{
    Arena *a = arena_new();
    char *d;

    d = package(a, "missing-file");
    assert_int_equal(unlink(arena_printf(a, "%s/files/tour.mp4", d)), 0);
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S2 "/02-the-tour.md:6: file: files/tour.mp4 is missing", d),
            LN_EINVAL);

    d = package(a, "unused-file");
    spit(arena_printf(a, "%s/files/extra.pdf", d), "%PDF", 4);
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/files/extra.pdf: not used by any unit (remove it or name it in a unit's header)", d),
            LN_EINVAL);

    d = package(a, "climbing-file");
    edit(a, arena_printf(a, "%s/" S2 "/02-the-tour.md", d), "file: tour.mp4", "file: ../course.txt");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S2 "/02-the-tour.md:6: file: \"../course.txt\" is not a file name of files/"
                            " (no /, no leading dot)", d), LN_EINVAL);

    d = package(a, "linked-file");
    char *target = arena_printf(a, "%s/files/tour.mp4", d);
    assert_int_equal(unlink(target), 0);
    assert_int_equal(symlink("/etc/passwd", target), 0);
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S2 "/02-the-tour.md:6: file: files/tour.mp4 is a link (links are not allowed)", d),
            LN_EINVAL);
    /* a link in files/ that no unit names is refused too */
    d = package(a, "linked-extra");
    assert_int_equal(symlink("/etc/passwd", arena_printf(a, "%s/files/passwd", d)), 0);
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/files/passwd: links are not allowed", d), LN_EINVAL);

    d = package(a, "not-vtt");
    spit(arena_printf(a, "%s/files/tour.fr.vtt", d), "not captions", 12);
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S2 "/02-the-tour.md:9: captions.fr: captions must be a WebVTT file"
                            " (it starts with WEBVTT)", d), LN_EINVAL);

    d = package(a, "bad-utf8");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "\tTabbed", "\tTab\xFF" "bed");
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/" S1 "/01-le-texte.md:12: not valid UTF-8", d), LN_EINVAL);

    d = package(a, "stray-file");
    spit(arena_printf(a, "%s/" S1 "/notes.txt", d), "x", 1);
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/" S1 "/notes.txt: a section holds section.txt and units named NN-title.md", d),
            LN_EINVAL);

    d = package(a, "no-course");
    assert_int_equal(unlink(arena_printf(a, "%s/course.txt", d)), 0);
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/course.txt: missing", d), LN_EINVAL);
    arena_free(a);
}

/* Quiz and assignment units: a malformed setting, GIFT file, item JSON or
 * rubric is refused with its path and line, and nothing is imported (no
 * quiz, question or assignment row either). */
static void refused_assess(Arena *a, const char *src, const char *want)
{
    int64_t q = count("quiz"), qi = count("quiz_item"), as = count("assignment");
    refused(a, org_bad, src, NULL, want, LN_EINVAL);
    assert_int_equal(count("quiz"), q);
    assert_int_equal(count("quiz_item"), qi);
    assert_int_equal(count("assignment"), as);
}

static void test_refused_assessments(void **state)
{
    Arena *a = arena_new();
    char *d;
    d = package(a, "bad-gift");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.gift", d), "\t=1789#FB-YEAR\n}", "\t=1789#FB-YEAR\n");
    char *got = NULL;
    int64_t id = 0;
    assert_int_equal(course_import(&app, db, org_bad, d, NULL, &id, &got), LN_EINVAL);
    assert_non_null(strstr(got, "/" S3 "/01-quiz-de-fin.gift:"));
    assert_non_null(strstr(got, ": column "));
    free(got);
    d = package(a, "bad-gift2");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.gift", d), "\t=1789#FB-YEAR\n}", "\t=1789#FB-YEAR\n");
    {
        Counts before = counts();
        int64_t qi = count("quiz_item");
        assert_int_equal(course_import(&app, db, org_bad, d, NULL, &id, &got), LN_EINVAL);
        free(got);
        assert_same_counts(before, counts());
        assert_int_equal(count("quiz_item"), qi);
    }

    d = package(a, "bad-policy");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md", d), "grade_policy: average", "grade_policy: worst");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md:15: grade_policy: Choose the grade policy:"
                                         " best, last or average.", d));
    d = package(a, "bad-time");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md", d), "closes_at: 2027-01-16T08:00:00Z", "closes_at: tomorrow");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md:9: closes_at: give a UTC time such as"
                                         " 2026-12-01T09:00:00Z", d));
    d = package(a, "quiz-key-on-text");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "threshold: 45\n", "threshold: 45\npass_mark: 500\n");
    refused_assess(a, d, arena_printf(a, "%s/" S1 "/01-le-texte.md:6: pass_mark: only quiz units have this setting",
                                    d));
    d = package(a, "weight-on-text");
    edit(a, arena_printf(a, "%s/" S1 "/01-le-texte.md", d), "threshold: 45\n", "threshold: 45\nweight: 500\n");
    refused_assess(a, d, arena_printf(a, "%s/" S1 "/01-le-texte.md:6: weight: only quiz and assignment units have"
                                         " a weight", d));
    d = package(a, "bad-weight");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md", d), "weight: 2000", "weight: 1000001");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md:16: weight: give a weight from 0 to 1000000"
                                         " (1000 is the default; 0 leaves the unit out of the course grade)", d));
    d = package(a, "negative-weight");
    edit(a, arena_printf(a, "%s/" S3 "/02-essai-critique.md", d), "weight: 0", "weight: -1");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/02-essai-critique.md:14: weight: give a whole number, 0 or more", d));
    d = package(a, "bad-course-pass-mark");
    edit(a, arena_printf(a, "%s/course.txt", d), "pass_mark: 650", "pass_mark: 1500");
    refused_assess(a, d, arena_printf(a, "%s/course.txt:6: pass_mark: give the course's pass mark in thousandths:"
                                         " 0 to 1000", d));
    d = package(a, "bad-require-grade");
    edit(a, arena_printf(a, "%s/course.txt", d), "require_grade: yes", "require_grade: maybe");
    refused_assess(a, d, arena_printf(a, "%s/course.txt:7: require_grade: give yes or no", d));
    d = package(a, "peer-key-on-quiz");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md", d), "shuffle: yes\n", "shuffle: yes\nreviewers: 2\n");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.md:13: reviewers: only assignment units have this"
                                         " setting", d));
    d = package(a, "bad-position");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.items.json", d), "\"position\": 6", "\"position\": 9");
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.items.json:1: items[1]: position 9: positions go up,"
                                         " from 1 to 7 (the questions of the GIFT file fill the others)", d));
    d = package(a, "bad-json");
    edit(a, arena_printf(a, "%s/" S3 "/01-quiz-de-fin.items.json", d), "\"items\": [", "\"items\": [,");
    got = NULL;
    assert_int_equal(course_import(&app, db, org_bad, d, NULL, &id, &got), LN_EINVAL);
    assert_non_null(strstr(got, "/" S3 "/01-quiz-de-fin.items.json:2: column "));
    free(got);
    d = package(a, "bad-rubric");
    edit(a, arena_printf(a, "%s/" S3 "/02-essai-critique.rubric.json", d), "\"points\": 3", "\"points\": -3");
    got = NULL;
    assert_int_equal(course_import(&app, db, org_bad, d, NULL, &id, &got), LN_EINVAL);
    assert_non_null(strstr(got, "/" S3 "/02-essai-critique.rubric.json:1: "));
    free(got);
    d = package(a, "stray-gift");
    spit(arena_printf(a, "%s/" S3 "/05-lost.gift", d), "Q {T}\n", 6);
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/05-lost.gift: not the questions, rubric or instructions of a quiz or"
                                         " assignment unit of this folder (NN-title.md of that kind)", d));
    d = package(a, "gift-on-assignment");
    spit(arena_printf(a, "%s/" S3 "/02-essai-critique.gift", d), "Q {T}\n", 6);
    refused_assess(a, d, arena_printf(a, "%s/" S3 "/02-essai-critique.gift:1: only a quiz unit has questions", d));
    arena_free(a);
}

static void test_refused_code(void **state)
{
    Arena *a = arena_new();
    char *d = package(a, "dup-code");
    refused(a, org_src, d, NULL,
            arena_printf(a, "%s/course.txt:1: code: the organisation already has a course IO-101;"
                            " import a copy under another code (--code NEW-CODE)", d), LN_EEXIST);
    refused(a, org_src, d, "IO-101-copy", "--code: the organisation already has a course IO-101-copy; choose another code",
            LN_EEXIST);
    refused(a, org_bad, d, "no spaces",
            "--code: The course code needs 2 to 40 letters, digits, dots, hyphens or underscores.", LN_EINVAL);
    edit(a, arena_printf(a, "%s/course.txt", d), "code: IO-101", "code: I");
    refused(a, org_bad, d, NULL,
            arena_printf(a, "%s/course.txt:1: code: The course code needs 2 to 40 letters, digits, dots, hyphens"
                            " or underscores.", d), LN_EINVAL);
    arena_free(a);
}

static void test_limits(void **state)
{
    Arena *a = arena_new();
    char *d = package(a, "many-sections");
    for (int i = 3; i <= COURSE_IO_MAX_SECTIONS + 1; i++) {
        char *s = arena_printf(a, "%s/sections/%03d-more", d, i);
        assert_int_equal(mkdir(s, 0755), 0);
        spit(arena_printf(a, "%s/section.txt", s), "title: More\n", 12);
    }
    refused(a, org_bad, d, NULL, arena_printf(a, "%s/sections: more than 200 sections", d), LN_ELIMIT);
    arena_free(a);
}

/* A failure in the writing phase (here: the media folder cannot be made)
 * rolls the whole transaction back. */
static void test_rollback(void **state)
{
    Arena *a = arena_new();
    App broken = {0};
    config_defaults(&broken.cfg);
    config_set(&broken.cfg, "data", path_of(a, "broken-data"));
    assert_int_equal(mkdir(broken.cfg.data_dir, 0700), 0);
    spit(arena_printf(a, "%s/media", broken.cfg.data_dir), "a file, not a folder", 20);
    Counts before = counts();
    char *err = NULL;
    int64_t id = 0;
    int rc = course_import(&broken, db, org_bad, tmpl_dir, NULL, &id, &err);
    assert_int_equal(rc, LN_EIO);
    assert_non_null(err);
    assert_true(str_startswith(err, arena_printf(a, "%s/files/", tmpl_dir)));
    assert_non_null(strstr(err, "cannot store it"));
    free(err);
    assert_same_counts(before, counts());
    /* the copy made for media_store is gone */
    DIR *d = opendir(arena_printf(a, "%s/tmp", broken.cfg.data_dir));
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) assert_true(de->d_name[0] == '.');
    closedir(d);
    config_free(&broken.cfg);
    arena_free(a);
}

/* ---- archives ------------------------------------------------------------- */

typedef struct TarItem { const char *path, *data, *link; } TarItem;

static void make_tar(const char *path, const TarItem *items, int n)
{
    struct archive *w = archive_write_new();
    archive_write_add_filter_gzip(w);
    archive_write_set_format_pax_restricted(w);
    assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    for (int i = 0; i < n; i++) {
        archive_entry_clear(e);
        archive_entry_set_pathname(e, items[i].path);
        archive_entry_set_perm(e, 0644);
        if (items[i].link) {
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, items[i].link);
        } else {
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)strlen(items[i].data));
        }
        assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
        if (!items[i].link) archive_write_data(w, items[i].data, strlen(items[i].data));
    }
    archive_entry_free(e);
    archive_write_close(w);
    archive_write_free(w);
}

static const char course_txt[] = "code: EVIL-1\ntitle: Evil\n\nSummary.\n";

static void test_refused_archives(void **state)
{
    Arena *a = arena_new();
    char *t = path_of(a, "evil.tar.gz");
    TarItem climb[] = {{"pkg/course.txt", course_txt, NULL}, {"../evil", "gotcha", NULL}};
    make_tar(t, climb, 2);
    refused(a, org_bad, t, NULL, arena_printf(a, "%s: ../evil: the path leaves the package (absolute or with ..)", t),
            LN_EINVAL);
    struct stat sb;
    assert_int_not_equal(lstat(path_of(a, "evil"), &sb), 0);

    TarItem deep[] = {{"pkg/course.txt", course_txt, NULL}, {"pkg/files/../../../evil2", "gotcha", NULL}};
    make_tar(t, deep, 2);
    refused(a, org_bad, t, NULL,
            arena_printf(a, "%s: pkg/files/../../../evil2: the path leaves the package (absolute or with ..)", t),
            LN_EINVAL);

    TarItem abs[] = {{"/tmp/evil3", "gotcha", NULL}};
    make_tar(t, abs, 1);
    refused(a, org_bad, t, NULL, arena_printf(a, "%s: /tmp/evil3: the path leaves the package (absolute or with ..)", t),
            LN_EINVAL);

    TarItem link[] = {{"pkg/course.txt", course_txt, NULL}, {"pkg/files/passwd", NULL, "/etc/passwd"}};
    make_tar(t, link, 2);
    refused(a, org_bad, t, NULL, arena_printf(a, "%s: pkg/files/passwd: links and special files are not allowed", t),
            LN_EINVAL);

    TarItem twice[] = {{"pkg/course.txt", course_txt, NULL}, {"pkg/course.txt", course_txt, NULL}};
    make_tar(t, twice, 2);
    refused(a, org_bad, t, NULL, arena_printf(a, "%s: pkg/course.txt: given twice", t), LN_EINVAL);

    TarItem none[] = {{"a/x.txt", "x", NULL}, {"b/y.txt", "y", NULL}};
    make_tar(t, none, 2);
    refused(a, org_bad, t, NULL, arena_printf(a, "%s: no course.txt at the top or in a single top folder", t),
            LN_EINVAL);

    /* an error inside an archive names the file as it is in the archive */
    TarItem bad[] = {{"pkg/course.txt", "code: EVIL-1\ntitle: Evil\nsize: 3\n", NULL}};
    make_tar(t, bad, 1);
    refused(a, org_bad, t, NULL, "pkg/course.txt:3: unknown key \"size\"", LN_EINVAL);

    char *junk = path_of(a, "junk.tar.gz");
    spit(junk, "not gzip at all", 15);
    Counts before = counts();
    char *err = NULL;
    int64_t id = 0;
    assert_int_equal(course_import(&app, db, org_bad, junk, NULL, &id, &err), LN_EINVAL);
    assert_true(str_startswith(err, junk));
    free(err);
    assert_same_counts(before, counts());

    /* a minimal hand-made archive with the course at the top is fine */
    TarItem good[] = {{"course.txt", course_txt, NULL}, {"sections/1-a/section.txt", "title: A\n", NULL},
                      {"sections/1-a/1-b.md", "kind: text\ntitle: B\n\nHello", NULL}};
    make_tar(t, good, 3);
    assert_int_equal(course_import(&app, db, org_bad, t, NULL, &id, &err), LN_OK);
    Outline o;
    assert_int_equal(outline_load(db, a, id, &o), LN_OK);
    assert_int_equal(o.units, 1);
    assert_int_equal(o.sections[0].units[0].threshold, 30);    /* the kind's default */
    assert_true(o.sections[0].units[0].required);
    assert_true(tmp_is_empty());
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parse),
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_export_layout),
        cmocka_unit_test(test_roundtrip_dir),
        cmocka_unit_test(test_roundtrip_targz),
        cmocka_unit_test(test_refused_headers),
        cmocka_unit_test(test_refused_files),
        cmocka_unit_test(test_refused_assessments),
        cmocka_unit_test(test_refused_code),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_refused_archives),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
