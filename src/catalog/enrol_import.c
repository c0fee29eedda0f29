/* enrol_import.c — enrolling learners in a session in bulk from CSV: one
 * e-mail per line (more columns are ignored), preview first, then applied
 * in one transaction. */
#include "catalog/catalog.h"
#include "account/account.h"
#include "core/csv.h"
#include "org/org.h"

#include <string.h>

/* A line's fate, from the accounts and enrolments as they are now. */
static void check_line(Req *r, const RunRef *run, EnrolLine *l, const char *email, int64_t *taken)
{
    User u;
    l->email = email_normal(r->arena, email);
    l->action = ENROL_ERROR;
    if ((l->message = check_email(l->email))) return;
    if (user_by_email(r->db, r->arena, l->email, &u) != LN_OK) {
        l->message = "No account uses this e-mail address: invite the person first.";
        return;
    }
    l->user_id = u.id;
    if (str_eq(run->visibility, "corporate") && member_role(r->db, run->org_id, u.id) == ROLE_NONE) {
        l->message = "This corporate session is for the organisation's members only.";
    } else if (enrolled(r->db, run->id, u.id)) {
        l->action = ENROL_SKIP;
        l->message = "Already enrolled.";
    } else if (run->capacity > 0 && *taken >= run->capacity) {
        l->message = "This session is full.";
    } else {
        l->action = ENROL_ADD;
        (*taken)++;
    }
}

static bool seen_before(const EnrolReport *rep, int64_t user_id)
{
    for (int i = 0; i < rep->n; i++)
        if (rep->lines[i].action == ENROL_ADD && rep->lines[i].user_id == user_id) return true;
    return false;
}

int run_import_csv(Req *r, const RunRef *run, const char *csv, size_t len, bool apply, EnrolReport *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8_valid(csv, len)) return LN_EINVAL;
    int64_t taken = 0;
    db_query_i64(r->db, &taken, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'", "i", run->id);
    const char *p = csv, *end = csv + len;
    char *fields[1];
    int nf, lineno = 0, cap = 64;
    bool bad = false;
    out->lines = arena_alloc(r->arena, sizeof(EnrolLine) * (size_t)cap);
    while ((nf = csv_record(r->arena, &p, end, fields, 1, &bad)) > 0) {
        lineno++;
        if (fields[0][0] == 0 || (lineno == 1 && str_ieq(fields[0], "email"))) { bad = false; continue; }
        if (out->n == ENROL_IMPORT_MAX) return LN_ELIMIT;
        if (out->n == cap) {
            EnrolLine *bigger = arena_alloc(r->arena, sizeof(EnrolLine) * (size_t)cap * 2);
            memcpy(bigger, out->lines, sizeof(EnrolLine) * (size_t)cap);
            out->lines = bigger;
            cap *= 2;
        }
        EnrolLine *l = &out->lines[out->n];
        l->line = lineno;
        if (bad) {
            l->email = fields[0];
            l->action = ENROL_ERROR;
            l->message = "This line is not valid CSV.";
        } else {
            check_line(r, run, l, fields[0], &taken);
            if (l->action == ENROL_ADD && seen_before(out, l->user_id)) {
                l->action = ENROL_ERROR;
                l->message = "This e-mail address is on an earlier line.";
                taken--;
            }
        }
        out->n++;
        bad = false;
        if (l->action == ENROL_ADD) out->added++;
        else if (l->action == ENROL_SKIP) out->skipped++;
        else out->errors++;
    }
    if (!apply) return LN_OK;
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < out->n; i++)
        if (out->lines[i].action == ENROL_ADD)
            rc = enrol_insert(r->db, run, out->lines[i].user_id, now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}
