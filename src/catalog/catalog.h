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
 * to.  `q` filters on title, summary and code (accents and case ignored). */
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
    int64_t estimated_minutes, response_hours;
} Programme;
typedef struct ProgrammeList { Programme *items; int n; } ProgrammeList;

typedef struct ProgrammeInput {
    const char *title, *objectives, *assistance;
    int64_t estimated_minutes, response_hours;     /* < 0: unchanged / default */
} ProgrammeInput;

const char *programme_check(const ProgrammeInput *in, const char **msg);
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
} RunRef;
/* Run `id`, of organisation `org_id` (0: any); LN_NOTFOUND otherwise. */
int run_ref(Db *db, Arena *a, int64_t org_id, int64_t id, RunRef *out);

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
 * runs the organisation's members; SPOC runs need an invitation (later).
 * The enrolment window and capacity are enforced.  LN_OK (also when already
 * enrolled), LN_NOTFOUND (no such run visible to the user), LN_EPERM (not
 * open to this user, or closed), LN_ELIMIT (full). */
int enrol(Db *db, const RunRef *run, int64_t user_id, UsTime now, const char **why);
/* The enrolment row alone (active again if withdrawn); no checks: the
 * caller decided and holds the transaction. */
int enrol_insert(Db *db, const RunRef *run, int64_t user_id, UsTime now);
int enrol_withdraw(Db *db, int64_t run_id, int64_t user_id, UsTime now);
bool enrolled(Db *db, int64_t run_id, int64_t user_id);
/* The user's active enrolments, newest first. */
int enrolment_list(Db *db, Arena *a, int64_t user_id, EnrolmentList *out);

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

#endif
