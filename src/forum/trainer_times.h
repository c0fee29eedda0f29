/* trainer_times.h — the assistance record's response times per trainer
 * (docs/forum.md, "Response times per trainer"): for the questions of a run,
 * or of all an organisation's runs, asked in a date range, each trainer's
 * first replies: how many, median and 90th percentile of the delay, how many
 * within the programme's promised delay, how many late; and the questions
 * still waiting (overdue ones among them). */
#ifndef LECTERN_FORUM_TRAINER_TIMES_H
#define LECTERN_FORUM_TRAINER_TIMES_H

#include "http/req.h"

typedef struct ForumTrainerTimes {
    int64_t trainer_id;
    char *name;
    int answered;               /* questions whose first trainer reply was theirs */
    int64_t median_s, p90_s;    /* nearest rank over their delays */
    int within;                 /* answered within the promised delay */
    int late;                   /* answered after it: the question was overdue */
} ForumTrainerTimes;

typedef struct ForumTrainerReport {
    ForumTrainerTimes *items;   /* by name */
    int n;
    int questions;              /* asked in the range */
    int waiting;                /* not answered yet */
    int overdue;                /* waiting past the promised delay at `now` */
} ForumTrainerReport;

/* Questions of org_id's runs (only run_id's when not 0) asked in [from, to)
 * (0: no bound).  The promised delay is each question's course programme's
 * response_hours (FORUM_DEFAULT_RESPONSE_HOURS without a programme). */
int forum_trainer_times(Db *db, Arena *a, int64_t org_id, int64_t run_id, UsTime from, UsTime to, UsTime now,
                        ForumTrainerReport *out);

void forum_trainer_times_page(Req *r);      /* GET /o/{org}/assistance/trainers */
void forum_trainer_times_csv(Req *r);       /* GET /o/{org}/assistance/trainers.csv */
void api_forum_trainer_times(Req *r);       /* GET /api/v1/orgs/{org}/assistance/trainers */

#endif
