/* import.c — adding users in bulk from CSV (email,name,role). */
#include "org/org.h"
#include "account/account.h"
#include "core/csv.h"

#include <string.h>

#define MAX_FIELDS 8

static void check_line(Req *r, int64_t org_id, ImportLine *l, int nf, char **fields, bool bad)
{
    l->email = email_normal(r->arena, nf > 0 ? fields[0] : "");
    l->name = nf > 1 ? fields[1] : "";
    const char *role = nf > 2 && fields[2][0] ? fields[2] : "learner";
    l->role = role_parse(role);
    l->action = IMPORT_ERROR;
    if (bad || nf > 3) l->message = "This line is not valid CSV with three columns: email,name,role.";
    else if (!utf8_valid(l->name, strlen(l->name))) l->message = "This line is not valid UTF-8.";
    else if ((l->message = check_email(l->email))) {}
    else if ((l->message = check_role(role))) {}
    else {
        User u;
        if (user_by_email(r->db, r->arena, l->email, &u) == LN_OK) {
            if (member_role(r->db, org_id, u.id) != ROLE_NONE) {
                l->action = IMPORT_SKIP;
                l->message = "Already a member.";
            } else {
                l->action = IMPORT_ADD;
            }
        } else if (l->name[0] && check_name(l->name)) {
            l->message = check_name(l->name);
        } else {
            l->action = IMPORT_INVITE;
        }
    }
}

/* Later lines repeating an e-mail address are refused. */
static bool seen_before(const ImportReport *rep, const char *email)
{
    for (int i = 0; i < rep->n; i++)
        if (rep->lines[i].action != IMPORT_ERROR && str_eq(rep->lines[i].email, email)) return true;
    return false;
}

static int apply_lines(Req *r, int64_t org_id, ImportReport *rep)
{
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < rep->n; i++) {
        ImportLine *l = &rep->lines[i];
        if (l->action == IMPORT_ADD) {
            User u;
            rc = user_by_email(r->db, r->arena, l->email, &u);
            if (rc == LN_OK) rc = member_set(r->db, org_id, u.id, l->role, now);
        } else if (l->action == IMPORT_INVITE) {
            rc = invite_insert(r, org_id, l->email, l->role, now);
        }
    }
    if (rc == LN_OK)
        admin_log(r->db, org_id, r->user ? r->user->id : 0, "import",
                  arena_printf(r->arena, "%d added, %d invited", rep->added, rep->invited), now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

int org_import_csv(Req *r, int64_t org_id, const char *csv, size_t len, bool apply, ImportReport *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8_valid(csv, len)) return LN_EINVAL;
    const char *p = csv, *end = csv + len;
    int cap = 64, lineno = 0;
    out->lines = arena_alloc(r->arena, sizeof(ImportLine) * (size_t)cap);
    char *fields[MAX_FIELDS];
    int nf;
    bool bad = false;
    while ((nf = csv_record(r->arena, &p, end, fields, MAX_FIELDS, &bad)) > 0) {
        lineno++;
        if (nf == 1 && fields[0][0] == 0) { bad = false; continue; }   /* blank line */
        if (lineno == 1 && str_ieq(fields[0], "email")) { bad = false; continue; }
        if (out->n == IMPORT_MAX_LINES) return LN_ELIMIT;
        if (out->n == cap) {
            ImportLine *bigger = arena_alloc(r->arena, sizeof(ImportLine) * (size_t)cap * 2);
            memcpy(bigger, out->lines, sizeof(ImportLine) * (size_t)cap);
            out->lines = bigger;
            cap *= 2;
        }
        ImportLine *l = &out->lines[out->n];
        l->line = lineno;
        check_line(r, org_id, l, nf, fields, bad);
        if (l->action != IMPORT_ERROR && seen_before(out, l->email)) {
            l->action = IMPORT_ERROR;
            l->message = "This e-mail address is on an earlier line.";
        }
        out->n++;
        bad = false;
        switch (l->action) {
        case IMPORT_ADD: out->added++; break;
        case IMPORT_INVITE: out->invited++; break;
        case IMPORT_SKIP: out->skipped++; break;
        case IMPORT_ERROR: out->errors++; break;
        }
    }
    return apply ? apply_lines(r, org_id, out) : LN_OK;
}
