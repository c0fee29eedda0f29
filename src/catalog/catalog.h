/* catalog.h — courses and their runs, the public catalog.  Rules and SQL
 * only; pages in catalog_page.c, JSON in catalog_api.c.
 *
 * Visibility of a run: "mooc" (public catalog, open), "spoc" (private: never
 * listed), "corporate" (listed to the organisation's members only).  A course
 * is seen in the catalog when it is published and has a run the viewer may
 * see; its organisation's trainers and admins see it always.
 */
#ifndef LECTERN_CATALOG_H
#define LECTERN_CATALOG_H

#include "http/req.h"

#define COURSE_TEXT_MAX 20000

typedef struct Course {
    int64_t id, org_id;
    char *code, *title, *summary, *objectives, *lang;
    char *org_slug, *org_name;
    int64_t estimated_minutes;
    bool published;
    UsTime created_at, updated_at;
} Course;

typedef struct CourseList { Course *items; int n; } CourseList;

typedef struct CourseRun {
    int64_t id, course_id;
    char *title, *visibility, *pacing;
    UsTime starts_at, ends_at;
    int64_t trainer_id;             /* the named trainer; 0: none */
    char *trainer_name;             /* NULL: none */
} CourseRun;

typedef struct RunList { CourseRun *items; int n; } RunList;

/* The fields a person may set; NULL leaves a field as it is on update. */
typedef struct CourseInput {
    const char *code, *title, *summary, *objectives, *lang;
    int64_t estimated_minutes;      /* < 0: unchanged */
    int published;                  /* -1: unchanged */
} CourseInput;

/* NULL when fine, else the field in error and *msg (an English msgid). */
const char *course_check(const CourseInput *in, bool creating, const char **msg);
int course_create(Db *db, int64_t org_id, const CourseInput *in, int64_t user_id, UsTime now, int64_t *id);
int course_update(Db *db, int64_t org_id, int64_t id, const CourseInput *in, UsTime now);
/* Any course by id (with its organisation's slug and name). */
int course_load(Db *db, Arena *a, int64_t id, Course *out);
/* The same, only when the course belongs to organisation `org_id`. */
int course_load_in(Db *db, Arena *a, int64_t org_id, int64_t id, Course *out);
/* Courses of one organisation, drafts included (for its staff). */
int course_list_org(Db *db, Arena *a, int64_t org_id, CourseList *out);

/* The public catalog for `viewer` (0 when signed out): published courses
 * with a MOOC run, or a corporate run of an organisation the viewer belongs
 * to.  `q` is a full-text search (search.h): every word a prefix, all
 * required, accents and case ignored, in code, title, summary, objectives,
 * section and unit titles and unit text; results by relevance (bm25 on
 * SQLite, ts_rank on PostgreSQL), then title.  Without words: by title. */
#define CATALOG_PAGE 24
typedef struct CatalogQuery {
    const char *q;              /* words; NULL or "" for all */
    const char *lang;           /* "en", "fr" or NULL */
    const char *org;            /* organisation slug or NULL */
    const char *mode;           /* "mooc", "corporate" or NULL */
    int64_t max_minutes;        /* 0: any duration */
    int offset;
} CatalogQuery;
/* Read the filters from the request's query string (q, lang, org, mode,
 * max_minutes); false with *bad set to the parameter when one is invalid. */
bool catalog_query_parse(Req *r, CatalogQuery *cq, const char **bad);
int catalog_search(Db *db, Arena *a, int64_t viewer, const CatalogQuery *cq, CourseList *out);
/* Bring course `course_id`'s row of the search index up to date (search.c):
 * call it after any change to the course's text, sections or units, in the
 * same transaction when there is one (it runs one statement, no BEGIN of its
 * own).  LN_OK; LN_NOTFOUND when the course is gone (its row is removed);
 * LN_EDB (logged). */
int course_search_index(Db *db, int64_t course_id);
/* Index the courses that have no row yet (after migration 007); at
 * start-up.  The number indexed, or LN_EDB. */
int course_search_backfill(Db *db);
/* May `viewer` see this course's page? */
bool course_visible(Db *db, const Course *c, int64_t viewer, bool staff);

const char *run_check(const char *title, const char *visibility, const char **msg);
/* capacity 0 = no limit; starts/ends 0 = not set. */
int run_create(Db *db, const Course *c, const char *title, const char *visibility, UsTime starts,
               UsTime ends, int64_t capacity, UsTime now, int64_t *id);
/* Runs of a course; with `all` false only those `viewer` may see. */
int run_list(Db *db, Arena *a, const Course *c, int64_t viewer, bool all, RunList *out);

/* ---- programmes: a training plan of ordered courses ---- */
typedef struct Programme {
    int64_t id, org_id;
    char *title, *objectives, *assistance, *org_slug, *org_name;
    char *prerequisites;
    int64_t estimated_minutes, response_hours;
} Programme;
typedef struct ProgrammeList { Programme *items; int n; } ProgrammeList;

typedef struct ProgrammeInput {
    const char *title, *objectives, *assistance, *prerequisites;
    int64_t estimated_minutes, response_hours;     /* < 0: unchanged / default */
} ProgrammeInput;

const char *programme_check(const ProgrammeInput *in, const char **msg);
/* Fields left NULL (numbers < 0) stay as they are. */
int programme_update(Db *db, const Programme *p, const ProgrammeInput *in, UsTime now);
int programme_create(Db *db, int64_t org_id, const ProgrammeInput *in, UsTime now, int64_t *id);
int programme_load(Db *db, Arena *a, int64_t id, Programme *out);
int programme_load_in(Db *db, Arena *a, int64_t org_id, int64_t id, Programme *out);
int programme_list_org(Db *db, Arena *a, int64_t org_id, ProgrammeList *out);
/* Make `course_ids` (courses of the same organisation) the programme's
 * courses, in that order; courses left out leave the programme.  One
 * transaction.  LN_EINVAL when an id is not a course of the organisation. */
int programme_set_courses(Db *db, const Programme *p, const int64_t *course_ids, int n, UsTime now);
/* The programme's courses in order (drafts included: filter for display). */
int programme_courses(Db *db, Arena *a, const Programme *p, CourseList *out);

/* ---- enrolment ---- */
typedef struct RunRef {
    int64_t id, org_id, course_id, capacity;
    char *title, *visibility, *pacing;
    bool published;                 /* its course's */
    UsTime enrol_from, enrol_until; /* 0: open */
    UsTime starts_at, ends_at;      /* 0: not set */
    char *join_code;                /* SPOC: "K7QF-29XD"; NULL: none yet */
    bool approval;                  /* SPOC: joining needs a trainer's approval */
    int64_t trainer_id;             /* the named trainer; 0: none */
} RunRef;
/* Run `id`, of organisation `org_id` (0: any); LN_NOTFOUND otherwise. */
int run_ref(Db *db, Arena *a, int64_t org_id, int64_t id, RunRef *out);

/* A change to a run's settings: NULL / -1 leaves a field as it is; 0
 * clears a date or the capacity. */
typedef struct RunInput {
    const char *title, *pacing;             /* pacing: "self" | "instructor" */
    UsTime starts_at, ends_at, enrol_from, enrol_until;
    int64_t capacity;
} RunInput;
#define RUN_INPUT_UNCHANGED {NULL, NULL, -1, -1, -1, -1, -1}
/* NULL when fine (checked against the run's current values), else the
 * field in error and *msg (an English msgid). */
const char *run_input_check(const RunInput *in, const RunRef *cur, const char **msg);
int run_update(Db *db, const RunRef *run, const RunInput *in, UsTime now);

typedef struct Enrolment {
    int64_t id, run_id, course_id, org_id;
    char *course_title, *run_title, *org_name;
    UsTime enrolled_at, starts_at, ends_at;
    UsTime completed_at;            /* 0: not yet */
    int64_t last_unit_id;           /* where to resume; 0: not started */
    int64_t units_required, units_done;
} Enrolment;
typedef struct EnrolmentList { Enrolment *items; int n; } EnrolmentList;

/* Enrol `user` in run `run_id`: MOOC runs take anyone signed in, corporate
 * runs the organisation's members; SPOC runs only through their join code
 * (spoc_join below).
 * The enrolment window and capacity are enforced.  LN_OK (also when already
 * enrolled), LN_NOTFOUND (no such run visible to the user), LN_EPERM (not
 * open to this user, or closed), LN_ELIMIT (full). */
int enrol(Db *db, const RunRef *run, int64_t user_id, UsTime now, const char **why);
/* The enrolment row alone (active again if withdrawn); no checks: the
 * caller decided and holds the transaction. */
int enrol_insert(Db *db, const RunRef *run, int64_t user_id, UsTime now);
/* Inside a transaction: hold the run's row until the commit, so that two
 * enrolments cannot both take the last seat (PostgreSQL; SQLite's BEGIN
 * IMMEDIATE already serialises writers). */
int run_lock(Db *db, int64_t run_id);
int enrol_withdraw(Db *db, int64_t run_id, int64_t user_id, UsTime now);
bool enrolled(Db *db, int64_t run_id, int64_t user_id);
/* The name of `user_id` when enrolled in run `run_id` (any status), in the
 * arena; NULL when not. */
char *enrolled_name(Db *db, Arena *a, int64_t run_id, int64_t user_id);
/* When the learner completed the run's course (0: not yet, or not enrolled). */
UsTime enrol_completed_at(Db *db, int64_t run_id, int64_t user_id);
/* The user's active enrolments, newest first. */
int enrolment_list(Db *db, Arena *a, int64_t user_id, EnrolmentList *out);

/* ---- coming up (upcoming.c) ---- */
/* What is coming in the next UPCOMING_DAYS for a person, soonest first:
 * the live sessions of the runs they follow and those they lead as a
 * trainer (until they end), assignments not yet submitted, reviews still to
 * give, quizzes that close with no finished attempt.  At most `limit`. */
#define UPCOMING_DAYS 60
typedef struct Upcoming {
    const char *kind;               /* "session" | "lead" | "submit" | "review" | "quiz" */
    UsTime at, ends_at;             /* the start, or the deadline (then ends_at = at) */
    const char *title, *course_title;
    int64_t run_id, unit_id, session_id, org_id;  /* unit_id 0: a session without its unit */
    const char *org_slug;
    int64_t utc_offset_min;         /* a session's */
} Upcoming;
typedef struct UpcomingList { Upcoming *items; int n; } UpcomingList;
int upcoming_list(Db *db, Arena *a, int64_t user_id, UsTime now, int limit, UpcomingList *out);

/* ---- bulk enrolment from CSV ---- */

typedef enum { ENROL_ADD, ENROL_SKIP, ENROL_ERROR } EnrolAction;
typedef struct EnrolLine {
    int line;
    char *email;
    int64_t user_id;
    EnrolAction action;
    const char *message;    /* English msgid */
} EnrolLine;
typedef struct EnrolReport { EnrolLine *lines; int n, added, skipped, errors; } EnrolReport;
#define ENROL_IMPORT_MAX 10000
/* One e-mail per line (a header line "email" is skipped).  Staff enrol
 * existing accounts: the enrolment window and SPOC invitations do not apply,
 * the capacity and corporate membership do.  With apply, one transaction. */
int run_import_csv(Req *r, const RunRef *run, const char *csv, size_t len, bool apply, EnrolReport *out);

/* ======================================================================
 * SPOC: private sessions joined by invitation (spoc.c)
 *
 * A SPOC run has a join code, "K7QF-29XD" (8 characters drawn with
 * libsodium from 31 that cannot be mistaken for one another: no 0, O, 1, I,
 * L); its invitation link is BASE/join/CODE.  A new code replaces the old
 * one, which stops working.  Joining enrols at once (the enrolment window
 * and the capacity hold, as in enrol()), or, when the run has `approval`,
 * makes a request that the organisation's trainers and administrators
 * approve (capacity enforced then) or refuse; both sides get an e-mail.
 * A refused request stays refused for that session.
 * ==================================================================== */

#define JOIN_CODE_LEN 9                 /* "K7QF-29XD" */
/* The canonical code for what a person typed (case ignored, dashes and
 * spaces optional) into out; false when it cannot be a code. */
bool join_code_normal(const char *typed, char out[JOIN_CODE_LEN + 1]);
/* Give SPOC run `run_id` a new random code (the old one stops working). */
int spoc_code_rotate(Db *db, int64_t run_id, UsTime now, char out[JOIN_CODE_LEN + 1]);
/* The SPOC run whose code is `typed` (any organisation); LN_NOTFOUND. */
int spoc_run_by_code(Db *db, Arena *a, const char *typed, RunRef *out);

/* Enrol through the invitation path: enrol() without the SPOC refusal.
 * Only for spoc.c, once the code has been checked. */
int enrol_invited(Db *db, const RunRef *run, int64_t user_id, UsTime now, const char **why);

typedef enum { JOIN_ENROLLED, JOIN_PENDING, JOIN_REFUSED, JOIN_CLOSED } JoinResult;
/* Join `run` (found by its code) as the signed-in user, with an optional
 * note for the trainers.  LN_OK with *res ENROLLED or PENDING (also when
 * already enrolled or already waiting); LN_NOTFOUND when the course is not
 * published; LN_EPERM with *res CLOSED or REFUSED (refused before), or
 * LN_ELIMIT (full), with *why, an English msgid; LN_EINVAL when the note is
 * too long.  A new request queues the trainers' e-mail in its transaction. */
int spoc_join(Req *r, const RunRef *run, const char *message, JoinResult *res, const char **why);

typedef struct JoinRequest {
    int64_t id, run_id, course_id, user_id, org_id;
    char *status;                   /* "pending", "approved", "refused" */
    char *message, *reply;          /* the learner's note, the decider's answer */
    char *user_name, *user_email, *decided_by_name;
    char *course_title, *run_title, *org_name;
    UsTime created_at, decided_at;
} JoinRequest;
typedef struct JoinRequestList { JoinRequest *items; int n; } JoinRequestList;
#define JOIN_REQUEST_MESSAGE_MAX 2000

/* Requests of run `run_id` with `status` (NULL: all), oldest first for
 * pending ones, newest decisions first otherwise; at most 500. */
int spoc_requests(Db *db, Arena *a, int64_t run_id, const char *status, JoinRequestList *out);
/* The request of `user_id` for run `run_id`; LN_NOTFOUND when none. */
int spoc_request_of(Db *db, Arena *a, int64_t run_id, int64_t user_id, JoinRequest *out);
/* The user's requests still waiting for a decision, newest first. */
int spoc_my_pending(Db *db, Arena *a, int64_t user_id, JoinRequestList *out);
/* How many requests of the run wait for a decision. */
int64_t spoc_pending_count(Db *db, int64_t run_id);
/* Approve (enrols; the capacity holds: LN_ELIMIT) or refuse request `id`
 * of `run`, with an optional answer; one transaction with the learner's
 * e-mail.  LN_NOTFOUND when the run has no such request, LN_EEXIST when it
 * was already decided. */
int spoc_decide(Req *r, const RunRef *run, int64_t id, bool approve, const char *reply, JoinRequest *out);

/* The session's settings: approval (-1: unchanged) and named trainer
 * (-1: unchanged, 0: none).  LN_EINVAL when the trainer is not a trainer or
 * administrator of the run's organisation. */
int spoc_settings(Db *db, const RunRef *run, int approval, int64_t trainer_id, UsTime now);

/* People who may be a session's named trainer: the organisation's trainers
 * and administrators, by name. */
typedef struct Person { int64_t id; char *name, *email; } Person;
typedef struct PersonList { Person *items; int n; } PersonList;
int run_trainer_choices(Db *db, Arena *a, int64_t org_id, PersonList *out);
/* A user's name, or NULL. */
char *user_name_of(Db *db, Arena *a, int64_t user_id);

#endif
