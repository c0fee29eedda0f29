/* report.c — a platform's CSV report imported as xAPI statements (report.h). */
#include "xapi/report.h"
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#define COLS_MAX 64
#define VERBS "http://adlnet.gov/expapi/verbs/"

enum { C_EMAIL, C_MINUTES, C_COMPLETED, C_SCORE, C_PASSED, C_N };

/* The column a header names, or -1. */
static int column_of(const char *name)
{
    static const struct { const char *name; int col; } names[] = {
        {"email", C_EMAIL}, {"e-mail", C_EMAIL}, {"mail", C_EMAIL},
        {"minutes", C_MINUTES}, {"time_minutes", C_MINUTES}, {"time spent", C_MINUTES},
        {"completed_at", C_COMPLETED}, {"completed", C_COMPLETED}, {"completion_date", C_COMPLETED},
        {"score", C_SCORE}, {"grade", C_SCORE},
        {"passed", C_PASSED}, {"success", C_PASSED},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(names); i++)
        if (str_ieq(name, names[i].name)) return names[i].col;
    return -1;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.') || strlen(s) > 254) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ') return false;
    return true;
}

/* "85", "85.5", "85,5": percent × 10, rounded; false outside 0..100. */
static bool score_of(const char *s, int64_t *out)
{
    int64_t whole = 0, tenths = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        if (++digits > 3) return false;
        else whole = whole * 10 + (*s - '0');
    if (!digits) return false;
    if (*s == '.' || *s == ',') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        tenths = *s - '0';
        int round = s[1] >= '5' && s[1] <= '9';
        for (s++; *s >= '0' && *s <= '9'; s++) {}
        tenths += round;
    }
    if (*s == '%') s++;
    *out = whole * 10 + tenths;
    return !*s && *out <= 1000;
}

static int passed_of(const char *s)
{
    static const char *const yes[] = {"yes", "true", "1", "pass", "passed", "oui", NULL};
    static const char *const no[] = {"no", "false", "0", "fail", "failed", "non", NULL};
    for (int i = 0; yes[i]; i++)
        if (str_ieq(s, yes[i])) return 1;
    for (int i = 0; no[i]; i++)
        if (str_ieq(s, no[i])) return 0;
    return -1;
}

/* One line's values from its fields; l->error when one is wrong. */
static void line_of(Arena *a, char **f, int nf, const int *col, ReportLine *l)
{
    const char *v[C_N] = {0};
    for (int c = 0; c < C_N; c++) v[c] = col[c] >= 0 && col[c] < nf ? f[col[c]] : "";
    char *email = arena_strdup(a, v[C_EMAIL]);
    str_ascii_lower(email);
    l->email = email;
    l->minutes = l->score_milli = -1;
    l->passed = -1;
    if (!email_ok(email)) l->error = "This line has no valid e-mail address.";
    else if (!str_empty(v[C_MINUTES]) && (!str_to_i64(v[C_MINUTES], &l->minutes) || l->minutes < 0 || l->minutes > 100000))
        l->error = "The minutes must be a whole number from 0 to 100000.";
    else if (!str_empty(v[C_COMPLETED]) && !time_parse_iso(v[C_COMPLETED], &l->completed_at)
             && !xapi_parse_timestamp(v[C_COMPLETED], &l->completed_at))
        l->error = "The completion date must be a date (2026-11-20) or a date and time with a zone.";
    else if (!str_empty(v[C_SCORE]) && !score_of(v[C_SCORE], &l->score_milli))
        l->error = "The score must be a percentage from 0 to 100.";
    else if (!str_empty(v[C_PASSED]) && (l->passed = passed_of(v[C_PASSED])) < 0)
        l->error = "Passed must be yes or no.";
}

int report_parse(Arena *a, const char *csv, size_t len, Report *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8_valid(csv, len)) {
        out->error = "The file is not UTF-8 text.";
        return LN_EINVAL;
    }
    const char *p = csv, *end = csv + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;     /* a spreadsheet's byte order mark */
    char *f[COLS_MAX];
    bool bad = false;
    int nf = csv_record(a, &p, end, f, COLS_MAX, &bad), col[C_N];
    for (int c = 0; c < C_N; c++) col[c] = -1;
    for (int i = 0; !bad && i < nf && i < COLS_MAX; i++) {
        int c = column_of(f[i]);
        if (c >= 0 && col[c] < 0) col[c] = i;
    }
    if (bad || col[C_EMAIL] < 0) {
        out->error = "The first line must name the columns, with one called email.";
        return LN_EINVAL;
    }
    int cap = 0;
    for (int line = 2; (nf = csv_record(a, &p, end, f, COLS_MAX, &bad)) > 0; line++) {
        if (nf == 1 && str_empty(f[0]) && !bad) continue;      /* an empty line */
        if (out->n == REPORT_LINES_MAX) return LN_ELIMIT;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            ReportLine *grown = arena_alloc(a, sizeof *grown * (size_t)cap);
            if (out->n) memcpy(grown, out->lines, sizeof *grown * (size_t)out->n);
            out->lines = grown;
        }
        ReportLine *l = &out->lines[out->n++];
        memset(l, 0, sizeof *l);
        l->line = line;
        if (bad) {
            l->email = "";
            l->error = "This line is not valid CSV.";
            bad = false;
        } else {
            line_of(a, f, nf, col, l);
        }
        out->errors += l->error != NULL;
    }
    return LN_OK;
}

/* ---- importing ------------------------------------------------------------------ */

/* A UUID from the activity and the line's values: the same line of the
 * same report always gives the same statement. */
static void line_uuid(const ExtActivity *act, const ReportLine *l, char out[XAPI_UUID_LEN + 1])
{
    char key[2400], hex[65];
    snprintf(key, sizeof key, "lectern-report|%s|%s|%lld|%lld|%lld|%d", act->iri, l->email, (long long)l->minutes,
             (long long)l->completed_at, (long long)l->score_milli, l->passed);
    sha256_hex(key, hex);
    hex[12] = '5';                                          /* version 5: name-based */
    hex[16] = "89ab"[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];    /* the variant */
    snprintf(out, XAPI_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static json_t *line_statement(Arena *a, const ExtActivity *act, const ReportLine *l, const char *id)
{
    const char *word = !l->completed_at ? "progressed" : l->passed == 1 ? "passed" : l->passed == 0 ? "failed"
                     : "completed";
    json_t *result = json_pack("{s:b}", "completion", l->completed_at != 0);
    if (l->minutes >= 0) json_object_set_new(result, "duration", json_string(arena_printf(a, "PT%lldM", (long long)l->minutes)));
    if (l->passed >= 0) json_object_set_new(result, "success", json_boolean(l->passed));
    if (l->score_milli >= 0) json_object_set_new(result, "score", json_pack("{s:f}", "scaled", (double)l->score_milli / 1000));
    json_t *st = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:{s:s}}, s:{s:s, s:s, s:{s:{s:s}}}, s:o, s:{s:s}}",
                           "id", id, "actor", "objectType", "Agent", "mbox", arena_printf(a, "mailto:%s", l->email),
                           "verb", "id", arena_printf(a, VERBS "%s", word), "display", "en-US", word,
                           "object", "objectType", "Activity", "id", act->iri, "definition", "name", "en-US", act->title,
                           "result", result, "context", "platform", act->platform);
    if (st && l->completed_at) json_object_set_new(st, "timestamp", json_string(time_iso(a, l->completed_at)));
    return st;
}

static int by_email(const void *x, const void *y)
{
    return strcmp((*(ExtRecord *const *)x)->email, (*(ExtRecord *const *)y)->email);
}

int report_import(Db *db, Arena *a, const ExtActivity *act, const LrsSender *s, const Report *rep, bool apply,
                  UsTime now, ReportResult *out)
{
    memset(out, 0, sizeof *out);
    out->actions = arena_alloc(a, sizeof *out->actions * (size_t)(rep->n ? rep->n : 1));
    out->names = arena_alloc(a, sizeof *out->names * (size_t)(rep->n ? rep->n : 1));
    ExtRecord *recs;
    int n;
    int64_t unknown;
    int rc = ext_records(db, a, act, &recs, &n, &unknown);
    if (rc != LN_OK) return rc;
    ExtRecord **sorted = arena_alloc(a, sizeof *sorted * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) sorted[i] = &recs[i];
    qsort(sorted, (size_t)n, sizeof *sorted, by_email);
    json_t **sts = arena_alloc(a, sizeof *sts * (size_t)(rep->n ? rep->n : 1));
    int k = 0;
    for (int i = 0; rc == LN_OK && i < rep->n; i++) {
        const ReportLine *l = &rep->lines[i];
        ExtRecord key = {.email = (char *)l->email}, *kp = &key, **hit;
        char id[XAPI_UUID_LEN + 1];
        if (l->error) {
            out->actions[i] = REPORT_ERROR;
            out->errors++;
        } else if (!(hit = n ? bsearch(&kp, sorted, (size_t)n, sizeof *sorted, by_email) : NULL)) {
            out->actions[i] = REPORT_NOT_LEARNER;
            out->not_learners++;
        } else {
            out->names[i] = (*hit)->name;
            line_uuid(act, l, id);
            bool had;
            rc = lrs_has(db, s->org_id, id, &had);
            out->actions[i] = had ? REPORT_ALREADY : REPORT_STORE;
            if (had) out->already++;
            else {
                out->stored++;
                sts[k++] = line_statement(a, act, l, id);
            }
        }
    }
    /* in batches of the LRS's size: each one transaction; a retry stores only what is missing */
    for (int from = 0; rc == LN_OK && apply && !out->errors && from < k; from += LRS_BATCH_MAX) {
        int m = k - from < LRS_BATCH_MAX ? k - from : LRS_BATCH_MAX, bad;
        const char *why;
        char(*ids)[XAPI_UUID_LEN + 1] = arena_alloc(a, sizeof *ids * (size_t)m);
        rc = lrs_store(db, a, s, sts + from, m, now, ids, &bad, &why);
        if (rc != LN_OK && rc != LN_EDB) rc = LN_EINVAL;
    }
    for (int i = 0; i < k; i++) json_decref(sts[i]);
    return rc;
}
