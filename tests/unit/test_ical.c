/* test_ical.c — the iCalendar import of live sessions (src/attendance/ical*.c):
 * time zones from the system's database and from a VTIMEZONE, exports in
 * the style of Google Calendar, Outlook and Apple Calendar (tests/unit/ical/)
 * with their repeats, exceptions and moved occurrences, malformed files and
 * their line numbers, and on the database: the mapping to sessions, the
 * trainers matched by e-mail, all-or-nothing and idempotent re-imports.
 * Fixed dates only.  Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "attendance/ical_import.h"
#include "attendance/ical_feed.h"
#include "account/account.h"
#include "org/org.h"

#define T(s) (INT64_C(s) * US_PER_SEC)

static Db *db;
static Arena *arena;
static int64_t org, trainer, learner;
static RunRef run, run2;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *s = arena_alloc(arena, 1 << 20);
    *len = fread(s, 1, (1 << 20) - 1, f);
    fclose(f);
    return s;
}

static IcalCalendar parse_file(const char *name, const IcalOptions *opt, int expect)
{
    char path[128];
    snprintf(path, sizeof path, "tests/unit/ical/%s", name);
    size_t len = 0;
    char *s = slurp(path, &len);
    assert_non_null(s);
    IcalCalendar cal;
    int rc = ical_parse(arena, s, len, opt, &cal);
    for (int i = 0; rc != expect && i < cal.n_errors; i++)
        fprintf(stderr, "%s:%d: %s (%s)\n", name, cal.errors[i].line, cal.errors[i].message,
                cal.errors[i].detail ? cal.errors[i].detail : "");
    assert_int_equal(rc, expect);
    return cal;
}

static int64_t user(const char *email, const char *name, Role role)
{
    int64_t id = 0;
    User u;
    if (user_create(db, email, name, "a-long-password", "fr", false, time_now_us(), &id) != LN_OK) {
        if (user_by_email(db, arena, email, &u) != LN_OK) return 0;
        id = u.id;
    }
    if (member_set(db, org, id, role, time_now_us()) != LN_OK) return 0;
    return id;
}

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48];
    snprintf(slug, sizeof slug, "ical-%d", (int)getpid());
    UsTime now = time_now_us();
    int64_t cid = 0, rid = 0, rid2 = 0;
    Course course;
    CourseInput in = {.code = "ICAL-1", .title = "Calendars", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Calendars", false, now, &org) != LN_OK) return -1;
    trainer = user("trainer@ical.test", "Camille Formatrice", ROLE_TRAINER);
    learner = user("learner@ical.test", "Léa Martin", ROLE_LEARNER);
    if (!trainer || !learner) return -1;
    if (course_create(db, org, &in, trainer, now, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Spring", "corporate", 0, 0, 0, now, &rid) != LN_OK
        || run_create(db, &course, "Autumn", "corporate", 0, 0, 0, now, &rid2) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK || run_ref(db, arena, org, rid2, &run2) != LN_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

/* ---- zones ---------------------------------------------------------------- */

static void test_zones(void **state)
{
    int off = 0;
    assert_true(ical_zone_offset("Europe/Paris", 1768478400, &off));    /* 2026-01-15 */
    assert_int_equal(off, 3600);
    assert_true(ical_zone_offset("Europe/Paris", 1784116800, &off));    /* 2026-07-15 */
    assert_int_equal(off, 7200);
    assert_true(ical_zone_offset("America/New_York", 1784116800, &off));
    assert_int_equal(off, -4 * 3600);
    assert_true(ical_zone_offset("Europe/Paris", INT64_C(2500000000), &off));  /* 2049: the file's footer rule */
    assert_true(off == 3600 || off == 7200);
    assert_true(ical_zone_offset("UTC", 1784116800, &off));
    assert_int_equal(off, 0);
    assert_false(ical_zone_offset("Mars/Olympus", 0, &off));
    assert_false(ical_zone_name_ok("../../etc/passwd"));
    assert_false(ical_zone_name_ok("Europe/../../x"));
    assert_false(ical_zone_name_ok("/etc/localtime"));
    assert_false(ical_zone_name_ok(""));
    assert_true(ical_zone_name_ok("America/Argentina/Buenos_Aires"));
    assert_true(ical_zone_name_ok("Etc/GMT+5"));
}

/* ---- real-world style files ----------------------------------------------- */

static void test_google(void **state)
{
    IcalCalendar cal = parse_file("google.ics", NULL, LN_OK);
    assert_int_equal(cal.n_errors, 0);
    /* MO,WE × 6 from Monday 23 March: 23, (25 excluded), 30, (1 April moved to the 2nd, afternoon), 6, 8 */
    assert_int_equal(cal.n, 5);
    assert_int_equal(cal.items[0].starts_at, T(1774252800));            /* 09:00 +01:00 */
    assert_int_equal(cal.items[0].ends_at, T(1774252800) + T(12600));
    assert_int_equal(cal.items[0].utc_offset_min, 60);
    assert_int_equal(cal.items[1].starts_at, T(1774854000));            /* 09:00 +02:00 after the change */
    assert_int_equal(cal.items[1].utc_offset_min, 120);
    assert_int_equal(cal.items[2].starts_at, T(1775131200));            /* the moved one: 14:00 +02:00 */
    assert_string_equal(cal.items[2].title, "Excel avancé — déplacé à l'après-midi");
    assert_string_equal(cal.items[2].location, "Salle Turing");
    assert_string_equal(cal.items[2].recurrence, "20260401T070000Z");
    assert_int_equal(cal.items[3].starts_at, T(1775458800));
    assert_int_equal(cal.items[4].starts_at, T(1775631600));
    IcalOccurrence *o = &cal.items[0];
    assert_string_equal(o->uid, "7kq1v3l2m0s9r8e6gtb5c4d3a2@google.com");
    assert_string_equal(o->recurrence, "20260323T080000Z");
    assert_string_equal(o->title, "Excel avancé — matin");
    assert_string_equal(o->location, "Salle Lovelace, 2e étage");
    assert_string_equal(o->description, "Ordre du jour : tableaux croisés, macros; pause à 10h30.\nApportez votre ordinateur.");
    assert_int_equal(o->n_emails, 2);
    assert_string_equal(o->emails[0], "trainer@ical.test");
    assert_string_equal(o->emails[1], "learner@ical.test");
}

static void test_outlook(void **state)
{
    /* Windows zone name, resolved by the file's VTIMEZONE; CRLF; DAILY on weekdays until a UTC time */
    IcalCalendar cal = parse_file("outlook.ics", NULL, LN_OK);
    assert_int_equal(cal.n_errors, 0);
    assert_int_equal(cal.n, 7);           /* Thu 22, Fri 23, Mon 26 … Fri 30 October */
    assert_int_equal(cal.items[0].starts_at, T(1792668600));            /* 13:30 +02:00 */
    assert_int_equal(cal.items[0].utc_offset_min, 120);
    assert_int_equal(cal.items[6].starts_at, T(1793363400));            /* 13:30 +01:00 after the change */
    assert_int_equal(cal.items[6].utc_offset_min, 60);
    assert_int_equal(cal.items[6].ends_at - cal.items[6].starts_at, T(12600));
    assert_string_equal(cal.items[2].title, "Gestion de projet");
    assert_string_equal(cal.items[2].location, "Salle B12");
    for (int i = 1; i < cal.n; i++) assert_true(cal.items[i].starts_at > cal.items[i - 1].starts_at);
}

static void test_apple_and_floating(void **state)
{
    IcalOptions paris = {.zone = "Europe/Paris", .default_offset_min = 0};
    IcalCalendar cal = parse_file("apple.ics", &paris, LN_OK);
    assert_int_equal(cal.n_errors, 0);
    assert_int_equal(cal.n, 2);           /* the cancelled one is left out */
    assert_int_equal(cal.items[0].starts_at, T(1789455600));
    assert_int_equal(cal.items[0].ends_at, T(1789455600) + T(12600));   /* DURATION:PT3H30M */
    assert_int_equal(cal.items[0].utc_offset_min, 120);                 /* a UTC time shown in the import's zone */
    assert_string_equal(cal.items[0].url, "https://visio.example.org/classe-virtuelle");
    assert_string_equal(cal.items[0].title, "Classe virtuelle, module 1");
    assert_int_equal(cal.items[1].starts_at, T(1789542000));            /* floating 09:00 in Paris */
    /* the meeting link Google or Outlook adds is the virtual classroom when there is no URL */
    const char *meet = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:m1\r\nSUMMARY:Meet\r\nDTSTART:20260302T090000Z\r\n"
                       "DURATION:PT1H\r\nX-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\r\nEND:VEVENT\r\n"
                       "BEGIN:VEVENT\r\nUID:m2\r\nSUMMARY:Teams\r\nDTSTART:20260303T090000Z\r\nDURATION:PT1H\r\n"
                       "LOCATION:Réunion Microsoft Teams\r\nX-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/19%3a\r\n"
                       " meeting_x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_int_equal(ical_parse(arena, meet, strlen(meet), &paris, &cal), LN_OK);
    assert_int_equal(cal.n, 2);
    assert_string_equal(cal.items[0].url, "https://meet.google.com/abc-defg-hij");
    assert_string_equal(cal.items[1].url, "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x");
    assert_string_equal(cal.items[1].location, "Réunion Microsoft Teams");
    /* without a zone, floating times use the offset */
    IcalOptions plus1 = {.zone = NULL, .default_offset_min = 60};
    cal = parse_file("apple.ics", &plus1, LN_OK);
    assert_int_equal(cal.items[1].starts_at, T(1789545600));
    assert_int_equal(cal.items[1].utc_offset_min, 60);
}

static void expect_error(const IcalCalendar *cal, int i, int line, const char *start)
{
    assert_true(i < cal->n_errors);
    if (cal->errors[i].line != line || !str_startswith(cal->errors[i].message, start))
        fprintf(stderr, "error %d: line %d: %s\n", i, cal->errors[i].line, cal->errors[i].message);
    assert_int_equal(cal->errors[i].line, line);
    assert_true(str_startswith(cal->errors[i].message, start));
}

static void test_malformed(void **state)
{
    IcalCalendar cal = parse_file("malformed.ics", NULL, LN_OK);
    assert_int_equal(cal.n_errors, 7);
    expect_error(&cal, 0, 6, "This event has neither DTEND nor DURATION.");
    expect_error(&cal, 1, 11, "This is not a date and time");
    expect_error(&cal, 2, 19, "Only daily and weekly repeats");
    expect_error(&cal, 3, 24, "Unknown time zone");
    expect_error(&cal, 4, 30, "An all-day event");
    expect_error(&cal, 5, 33, "This event has no UID");
    expect_error(&cal, 6, 43, "This event repeats forever");

    const char *not_ical = "Subject,Start Date\nCours,2026-03-02\n";
    assert_int_equal(ical_parse(arena, not_ical, strlen(not_ical), NULL, &cal), LN_EINVAL);
    expect_error(&cal, 0, 1, "This is not an iCalendar file");
    assert_int_equal(ical_parse(arena, "BEGIN:VCALENDAR\n\xff\n", 18, NULL, &cal), LN_EINVAL);
    const char *unclosed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:s\nDTSTART:20260302T090000Z\nDURATION:PT1H\n"
                           "END:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, unclosed, strlen(unclosed), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 2);
    expect_error(&cal, 0, 7, "The file ends before END");
    expect_error(&cal, 1, 7, "This END does not close");
    const char *garbage = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is not a property\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_int_equal(ical_parse(arena, garbage, strlen(garbage), NULL, &cal), LN_OK);
    expect_error(&cal, 0, 2, "This event has no UID");
    expect_error(&cal, 1, 3, "This line is not NAME:VALUE.");
    /* folded lines count: the error is on the physical line of DTSTART */
    const char *folded = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:f\nSUMMARY:A long\n  title\nDESCRIPTION:x\n y\nDTSTART:2026\n"
                         "DTEND:20260302T100000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, folded, strlen(folded), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 1);
    expect_error(&cal, 0, 8, "This is not a date and time");
    /* the same UID twice */
    const char *twice = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nSUMMARY:a\nDTSTART:20260302T090000Z\nDURATION:PT1H\nEND:VEVENT\n"
                        "BEGIN:VEVENT\nUID:u\nSUMMARY:b\nDTSTART:20260303T090000Z\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, twice, strlen(twice), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 1);
    expect_error(&cal, 0, 8, "This event has the same UID");
}

static void test_repeats(void **state)
{
    /* weekly every 2 weeks on TU,TH until a date (inclusive), INTERVAL, EXDATE as a date */
    const char *s = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:r\nSUMMARY:Bi\nDTSTART:20260303T090000Z\nDTEND:20260303T100000Z\n"
                    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20260402\nEXDATE;VALUE=DATE:20260317\nEND:VEVENT\nEND:VCALENDAR\n";
    IcalCalendar cal;
    assert_int_equal(ical_parse(arena, s, strlen(s), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 0);
    /* Tue 3, Thu 5, (Tue 17 excluded), Thu 19, Tue 31 March, Thu 2 April */
    assert_int_equal(cal.n, 5);
    assert_int_equal(cal.items[4].starts_at, T(1775120400));            /* 2026-04-02T09:00Z */
    /* daily, COUNT counts excluded occurrences too (RFC 5545) */
    const char *d = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:d\nSUMMARY:D\nDTSTART:20260302T090000Z\nDURATION:PT2H\n"
                    "RRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260303T090000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, d, strlen(d), NULL, &cal), LN_OK);
    assert_int_equal(cal.n, 2);
    /* a cancelled occurrence */
    const char *c = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c\nSUMMARY:C\nDTSTART:20260302T090000Z\nDURATION:PT2H\n"
                    "RRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\nBEGIN:VEVENT\nUID:c\nRECURRENCE-ID:20260303T090000Z\n"
                    "STATUS:CANCELLED\nDTSTART:20260303T090000Z\nDURATION:PT2H\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, c, strlen(c), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 0);
    assert_int_equal(cal.n, 2);
    /* too many occurrences */
    const char *many = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:m\nSUMMARY:M\nDTSTART:20260302T090000Z\nDURATION:PT1H\n"
                       "RRULE:FREQ=DAILY;UNTIL=20400101T000000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_int_equal(ical_parse(arena, many, strlen(many), NULL, &cal), LN_ELIMIT);
    /* a hostile file's work is bounded: too many EXDATE values is an error */
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:X\nDTSTART:20260302T090000Z\nDURATION:PT1H\n"
                 "RRULE:FREQ=DAILY;COUNT=5\nEXDATE:20260302T090000Z");
    for (int i = 0; i < 10000; i++) buf_puts(&b, ",20260303T090000Z");
    buf_puts(&b, "\nEND:VEVENT\nEND:VCALENDAR\n");
    assert_int_equal(ical_parse(arena, buf_cstr(&b), b.len, NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 1);
    expect_error(&cal, 0, 8, "Too many EXDATE values");
    buf_free(&b);
}

/* ---- on the database -------------------------------------------------------- */

static IcalReport import(const RunRef *r, const char *name, bool apply, int expect)
{
    char path[128];
    snprintf(path, sizeof path, "tests/unit/ical/%s", name);
    size_t len = 0;
    char *s = slurp(path, &len);
    assert_non_null(s);
    IcalReport rep;
    IcalOptions paris = {.zone = "Europe/Paris"};
    assert_int_equal(attendance_import_ical(db, arena, r, trainer, s, len, &paris, apply, T(1772000000), &rep), expect);
    return rep;
}

static int64_t count_sessions(const RunRef *r)
{
    LiveSessionList l;
    assert_int_equal(attendance_session_list(db, arena, r->id, &l), LN_OK);
    return l.n;
}

static void test_import(void **state)
{
    IcalReport rep = import(&run, "google.ics", false, LN_OK);         /* preview: nothing written */
    assert_int_equal(rep.n, 5);
    assert_int_equal(rep.added, 5);
    assert_int_equal(count_sessions(&run), 0);
    assert_string_equal(rep.sessions[0].in.mode, "room");
    assert_int_equal(rep.sessions[0].n_trainers, 1);                   /* the learner's e-mail is not a trainer */
    assert_int_equal(rep.sessions[0].trainer_ids[0], trainer);

    rep = import(&run, "google.ics", true, LN_OK);
    assert_int_equal(rep.added, 5);
    assert_int_equal(count_sessions(&run), 5);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, rep.sessions[2].session_id, &s), LN_OK);
    assert_string_equal(s.title, "Excel avancé — déplacé à l'après-midi");
    assert_int_equal(s.utc_offset_min, 120);
    assert_string_equal(attendance_half_day(&s, s.starts_at), "pm");
    assert_true(attendance_is_trainer(db, s.id, trainer));
    assert_int_equal(attendance_session_load(db, arena, org, rep.sessions[0].session_id, &s), LN_OK);
    assert_string_equal(attendance_half_day(&s, s.starts_at), "am");

    /* idempotent: the same file again creates nothing */
    rep = import(&run, "google.ics", true, LN_OK);
    assert_int_equal(rep.added, 0);
    assert_int_equal(rep.same, 5);
    assert_int_equal(count_sessions(&run), 5);
    /* another run gets its own sessions */
    rep = import(&run2, "google.ics", true, LN_OK);
    assert_int_equal(rep.added, 5);
    assert_int_equal(count_sessions(&run2), 5);

    /* virtual classrooms: URL, or a LOCATION that is a link */
    rep = import(&run, "apple.ics", true, LN_OK);
    assert_int_equal(rep.added, 2);
    assert_string_equal(rep.sessions[0].in.mode, "virtual");
    assert_string_equal(rep.sessions[0].in.place, "https://visio.example.org/classe-virtuelle");
    assert_string_equal(rep.sessions[1].in.mode, "virtual");
    assert_string_equal(rep.sessions[1].in.place, "https://meet.example.org/atelier");
    assert_int_equal(count_sessions(&run), 7);
}

static void test_import_all_or_nothing(void **state)
{
    int64_t before = count_sessions(&run);
    IcalReport rep = import(&run, "malformed.ics", true, LN_EINVAL);
    assert_int_equal(rep.cal.n_errors, 8);                             /* the 7 of the parser and "lasts at most 24 hours" */
    assert_int_equal(rep.cal.errors[7].line, 45);
    assert_string_equal(rep.cal.errors[7].message, "A session lasts at most 24 hours: add one session per day.");
    assert_int_equal(count_sessions(&run), before);

    /* a changed event is reported, not applied */
    const char *v1 = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:chg\nSUMMARY:Before\nDTSTART:20260302T090000Z\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n";
    const char *v2 = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:chg\nSUMMARY:After\nDTSTART:20260302T090000Z\nDURATION:PT1H\nEND:VEVENT\n"
                     "BEGIN:VEVENT\nUID:new\nSUMMARY:New\nDTSTART:20260303T090000Z\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n";
    IcalOptions o = {0};
    assert_int_equal(attendance_import_ical(db, arena, &run, trainer, v1, strlen(v1), &o, true, T(1772000000), &rep), LN_OK);
    assert_int_equal(rep.added, 1);
    assert_int_equal(attendance_import_ical(db, arena, &run, trainer, v2, strlen(v2), &o, true, T(1772000000), &rep), LN_OK);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.changed, 1);
    assert_int_equal(rep.sessions[0].status, ICAL_CHANGED);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, rep.sessions[0].session_id, &s), LN_OK);
    assert_string_equal(s.title, "Before");
    assert_int_equal(count_sessions(&run), before + 2);
}

/* ---- the feed ------------------------------------------------------------- */

static void test_feed(void **state)
{
    /* a long accented title and a virtual classroom, beside the imported sessions */
    char title[ATT_TITLE_MAX * 2 + 1] = "";
    for (int i = 0; i < 90; i++) strcat(title, i % 10 == 9 ? "," : "é");
    SessionInput in = {.title = title, .mode = "virtual", .place = "https://meet.example.org/a;b,c", .grace_minutes = -1,
                       .starts_at = T(1789455600), .ends_at = T(1789459200), .utc_offset_min = 120};
    int64_t id;
    assert_int_equal(attendance_session_create(db, &run2, &in, trainer, T(1772000000), &id), LN_OK);
    LiveSessionList l;
    assert_int_equal(attendance_session_list(db, arena, run2.id, &l), LN_OK);
    assert_true(l.n >= 6);
    char *ics = ical_feed_write(arena, "Calendars — Autumn", "ical", &l, T(1772000000));
    assert_true(str_startswith(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(ics, "DTSTAMP:20260225T061320Z\r\n"));
    for (const char *p = ics; *p;) {                    /* lines of at most 75 octets, CRLF, valid UTF-8 */
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        assert_true(e - p <= 75);
        p = e + 2;
    }
    assert_true(utf8_valid(ics, strlen(ics)));
    /* it reads back as the same sessions */
    IcalCalendar cal;
    assert_int_equal(ical_parse(arena, ics, strlen(ics), NULL, &cal), LN_OK);
    assert_int_equal(cal.n_errors, 0);
    assert_int_equal(cal.n, l.n);
    for (int i = 0; i < l.n; i++) {
        assert_int_equal(cal.items[i].starts_at, l.items[i].starts_at);
        assert_int_equal(cal.items[i].ends_at, l.items[i].ends_at);
        assert_string_equal(cal.items[i].title, l.items[i].title);
        assert_string_equal(cal.items[i].location, l.items[i].place);
    }
    int k = -1;
    for (int i = 0; i < cal.n; i++)
        if (str_eq(cal.items[i].title, title)) k = i;
    assert_true(k >= 0);
    assert_string_equal(cal.items[k].url, "https://meet.example.org/a;b,c");
    assert_string_equal(cal.items[k].uid, arena_printf(arena, "session-%lld@ical.lectern", (long long)id));

    /* secret tokens: a new one replaces the old */
    char t1[ICAL_FEED_TOKEN_LEN + 1], t2[ICAL_FEED_TOKEN_LEN + 1];
    int64_t u = 0, r = 0;
    assert_int_equal(ical_feed_created_at(db, learner, run2.id), 0);
    assert_int_equal(ical_feed_create(db, learner, run2.id, T(1772000000), t1), LN_OK);
    assert_int_equal(strlen(t1), ICAL_FEED_TOKEN_LEN);
    assert_int_equal(ical_feed_lookup(db, t1, &u, &r), LN_OK);
    assert_int_equal(u, learner);
    assert_int_equal(r, run2.id);
    assert_int_equal(ical_feed_created_at(db, learner, run2.id), T(1772000000));
    assert_int_equal(ical_feed_create(db, learner, run2.id, T(1772000001), t2), LN_OK);
    assert_string_not_equal(t1, t2);
    assert_int_equal(ical_feed_lookup(db, t1, &u, &r), LN_NOTFOUND);
    assert_int_equal(ical_feed_lookup(db, t2, &u, &r), LN_OK);
    assert_int_equal(ical_feed_lookup(db, "short", &u, &r), LN_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_google),
        cmocka_unit_test(test_outlook),
        cmocka_unit_test(test_apple_and_floating),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_import),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_feed),
    };
    return cmocka_run_group_tests_name("ical", tests, setup, teardown);
}
