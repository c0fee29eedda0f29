/* pack.c — the audit pack of one learner in one course run (pack.h). */
#include "evidence/pack.h"
#include "account/account.h"
#include "attendance/record.h"
#include "attendance/sheets.h"
#include "catalog/catalog.h"
#include "certificate/certificate.h"
#include "content/content.h"
#include "core/embed.h"
#include "evidence/ledger.h"
#include "http/app.h"
#include "web/i18n.h"
#include "xapi/external.h"
#include "xapi/lrs.h"

#include <archive.h>
#include <sodium.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PACK_FORMAT "lectern-audit-pack-1"

/* ---- which entries are the learner's ------------------------------------------ */

typedef struct Mine {
    char user_tok[40];
    const int64_t *runs;
    char **run_toks;                /* "run:ID" of each */
    int nruns;
    ExtActivity *acts;              /* of every run */
    int nacts;
    LrsOwned statements;            /* the learner's, under those activities */
} Mine;

static int by_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* `tok` is one of the space-separated words of `subject`. */
static bool has_token(const char *subject, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = subject; (p = strstr(p, tok)); p += n)
        if ((p == subject || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return true;
    return false;
}

static bool is_mine(const Mine *m, const char *kind, const char *subject, const char *payload)
{
    json_t *j = json_loads(payload, 0, NULL);
    bool mine = false;
    if (str_eq(kind, "xapi.statement")) {     /* one of the learner's statements (found by their address) */
        const char *id = json_string_value(json_object_get(j, "statement_id"));
        mine = id && m->statements.n
            && bsearch(&id, m->statements.ids, (size_t)m->statements.n, sizeof *m->statements.ids, by_str);
    } else if (has_token(subject, m->user_tok)) {
        json_t *run = json_object_get(j, "run_id");
        for (int i = 0; !mine && i < m->nruns; i++)
            mine = has_token(subject, m->run_toks[i]) || (json_is_integer(run) && json_integer_value(run) == m->runs[i]);
    }
    json_decref(j);
    return mine;
}

/* The first entry that may be the learner's (subjects: a superset, checked
 * exactly by is_mine; statements: their entries' first seq). */
static int first_candidate(Db *db, int64_t org_id, const Mine *m, int64_t *seq)
{
    *seq = 0;
    Arena *a = arena_new();
    int rc = db_query_i64(db, seq, "SELECT COALESCE(min(seq), 0) FROM ledger_entry WHERE org_id = $1 AND (subject = $2"
                                   " OR subject LIKE $3 OR subject LIKE $4 OR subject LIKE $5)", "itttt",
                          org_id, m->user_tok, arena_printf(a, "%s %%", m->user_tok),
                          arena_printf(a, "%% %s", m->user_tok), arena_printf(a, "%% %s %%", m->user_tok));
    arena_free(a);
    if (m->statements.first_seq && (!*seq || m->statements.first_seq < *seq)) *seq = m->statements.first_seq;
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

/* ---- evidence.json --------------------------------------------------------------- */

static void put_json_string(Buf *b, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    buf_puts(b, t ? t : "\"\"");
    free(t);
    json_decref(j);
}

typedef struct Counts { int64_t assistance, activity, assessment, live, survey, certificate, other; } Counts;

static void count_kind(Counts *c, const char *kind)
{
    if (str_startswith(kind, "assistance.")) c->assistance++;
    else if (str_startswith(kind, "assessment.")) c->assessment++;
    else if (str_eq(kind, "attendance.unit_signature")) c->activity++;
    else if (str_startswith(kind, "attendance.")) c->live++;
    else if (str_startswith(kind, "survey.")) c->survey++;
    else if (str_startswith(kind, "certificate.")) c->certificate++;
    else if (str_startswith(kind, "enrolment.") || str_startswith(kind, "unit.") || str_startswith(kind, "connection.")
             || str_startswith(kind, "xapi.") || str_startswith(kind, "external."))
        c->activity++;
    else c->other++;
}

/* The chain from `first` to the checkpoint, the learner's entries in full,
 * the others by their digest (or in full when of format 1, which needs
 * their bytes); and an index of the learner's entries. */
static int write_chain(Db *db, Arena *a, int64_t org_id, const Mine *m, int64_t first, const LedgerCheckpoint *ck,
                       int64_t digest_from, Buf *chain, Buf *index, Counts *counts, PackSummary *sum)
{
    int64_t after = first - 1;
    int rc = DB_DONE;
    Buf bytes;
    buf_init(&bytes, 0);
    buf_puts(chain, "[");
    buf_puts(index, "[");
    while (after < ck->seq) {
        DbStmt *st = db_prepare_bound(db, "SELECT seq, at, kind, subject, payload FROM ledger_entry WHERE org_id = $1"
                                          " AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT 1000", "iii", org_id, after,
                                      ck->seq);
        if (!st) return LN_EDB;
        int got = 0;
        while ((rc = db_step(st)) == DB_ROW) {
            got++;
            int64_t seq = db_col_i64(st, 0);
            UsTime at = db_col_i64(st, 1);
            const char *kind = db_col_text(st, 2), *subject = db_col_text(st, 3), *payload = db_col_text(st, 4);
            bool mine = is_mine(m, kind, subject, payload);
            buf_printf(chain, "%s\n{\"seq\":%lld,", sum->chain++ ? "," : "", (long long)seq);
            if (mine || seq < digest_from) {
                bytes.len = 0;
                if (ledger_entry_bytes(org_id, seq, kind, subject, at, payload, &bytes) != LN_OK) rc = DB_ERROR;
                buf_puts(chain, mine ? "\"mine\":true,\"bytes\":" : "\"mine\":false,\"bytes\":");
                sum->others_in_full += !mine;
                put_json_string(chain, buf_cstr(&bytes));
            } else {
                char d[LEDGER_HEX_LEN + 1];
                if (ledger_entry_digest(org_id, seq, kind, subject, at, payload, d) != LN_OK) rc = DB_ERROR;
                buf_printf(chain, "\"digest\":\"%s\"", d);
            }
            buf_putc(chain, '}');
            if (mine) {
                buf_printf(index, "%s\n{\"seq\":%lld,\"kind\":", sum->entries++ ? "," : "", (long long)seq);
                put_json_string(index, kind);
                buf_printf(index, ",\"at\":\"%s\",\"subject\":", time_iso(a, at));
                put_json_string(index, subject);
                buf_putc(index, '}');
                count_kind(counts, kind);
            }
            after = seq;
        }
        db_done(st);
        if (rc != DB_DONE || !got) break;
    }
    buf_free(&bytes);
    buf_puts(chain, "]");
    buf_puts(index, "]");
    return rc == DB_DONE && after == ck->seq ? LN_OK : LN_EDB;
}

/* ---- the documents ------------------------------------------------------------ */

static json_t *course_json(Db *db, Arena *a, const Course *c)
{
    Outline o;
    json_t *sections = json_array();
    if (outline_load(db, a, c->id, &o) == LN_OK)
        for (int i = 0; i < o.n; i++) {
            json_t *units = json_array();
            for (int k = 0; k < o.sections[i].n; k++) {
                const Unit *u = &o.sections[i].units[k];
                json_array_append_new(units, json_pack("{s:s,s:s,s:I,s:b}", "title", u->title, "kind", u->kind,
                                                       "minutes", (json_int_t)u->minutes, "required", u->required));
            }
            json_array_append_new(sections, json_pack("{s:s,s:o}", "title", o.sections[i].title, "units", units));
        }
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:o}", "code", c->code, "title", c->title, "summary",
                     c->summary ? c->summary : "", "objectives", c->objectives ? c->objectives : "",
                     "estimated_minutes", (json_int_t)c->estimated_minutes, "lang", c->lang ? c->lang : "",
                     "sections", sections);
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* A file of the pack, listed in `docs` with its SHA-256. */
static int add_doc(struct archive *w, json_t *docs, const char *name, const char *what, const Buf *b, UsTime now)
{
    char sha[65];
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)(b->data ? b->data : ""), b->len);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    json_array_append_new(docs, json_pack("{s:s,s:s,s:s}", "file", name, "what", what, "sha256", sha));
    return zip_add(w, name, b, now);
}

static int add_text(struct archive *w, json_t *docs, const char *name, const char *what, char *text, UsTime now)
{
    Buf b = {.data = text, .len = text ? strlen(text) : 0};
    int rc = text ? add_doc(w, docs, name, what, &b, now) : LN_EIO;
    free(text);
    return rc;
}

/* The external activities of the runs: each record, and the files sent. */
static int external_docs(Db *db, App *app, Arena *a, const PackInput *in, const Mine *m, struct archive *w, json_t *docs)
{
    json_t *acts = json_array();
    int rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < m->nacts; i++) {
        const ExtActivity *x = &m->acts[i];
        ExtRecord r;
        if (ext_record(db, a, x, in->user_id, &r) != LN_OK) continue;     /* withdrawn: no record */
        json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s}", "run_id", (json_int_t)x->run_id, "title", x->title,
                              "platform", x->platform, "url", x->url, "iri", x->iri, "declared_minutes",
                              (json_int_t)x->minutes, "statements", (json_int_t)r.statements, "reported_ms",
                              (json_int_t)r.reported_ms, "verdict", ext_verdict_code(r.verdict));
        if (r.validation_id)
            json_object_set_new(o, "validation", json_pack("{s:I,s:s,s:s,s:s,s:I}", "minutes", (json_int_t)r.accepted_minutes,
                                                           "note", r.note ? r.note : "", "by", r.validated_by ? r.validated_by : "",
                                                           "at", time_iso(a, r.validated_at), "ledger_seq",
                                                           (json_int_t)r.ledger_seq));
        ExtAttestation t;
        if (r.attestation_id && ext_attestation_load(db, a, r.attestation_id, &t) == LN_OK) {
            char *name = arena_printf(a, "external/%lld-%s", (long long)t.id, t.media.filename);
            FILE *f = fopen(media_path(app, a, t.media.sha256), "rb");
            Buf b;
            buf_init(&b, 0);
            char chunk[8192];
            size_t n;
            while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
            if (f) fclose(f);
            if (f) rc = add_doc(w, docs, name, "the certificate the learner sent from the platform", &b, in->now);
            buf_free(&b);
            json_object_set_new(o, "attestation", json_pack("{s:s,s:s}", "file", name, "at", time_iso(a, t.at)));
        }
        json_array_append_new(acts, o);
    }
    if (rc == LN_OK && json_array_size(acts))
        rc = add_text(w, docs, "external.json", "the external activities: records, validations, certificates sent",
                      dump(json_pack("{s:o}", "activities", acts)), in->now);
    else json_decref(acts);
    return rc;
}

/* ---- README.txt ----------------------------------------------------------------- */

typedef struct Scope Scope;
static char *readme(Arena *a, const PackInput *in, const Scope *sc, const LedgerCheckpoint *ck, const char *key,
                    const Counts *n, const PackSummary *sum);

/* ---- the pack -------------------------------------------------------------------- */

/* A checkpoint covering the head, made now when there is none. */
static int covering_checkpoint(Db *db, App *app, Arena *a, int64_t org_id, LedgerCheckpoint *ck, char **key)
{
    int64_t head = 0, ck_seq = 0, made;
    UsTime ck_at;
    int rc = ledger_status(db, org_id, &head, &ck_seq, &ck_at);
    if (rc == LN_OK && head > ck_seq) rc = ledger_checkpoint(db, app, org_id, &made);
    if (rc == LN_OK) rc = ledger_checkpoint_last(db, a, org_id, ck);
    LedgerKeyList keys;
    *key = "";
    if (rc == LN_OK && ledger_keys(db, a, org_id, &keys) == LN_OK)
        for (int i = 0; i < keys.n; i++)
            if (keys.items[i].id == ck->key_id) *key = arena_strdup(a, keys.items[i].public_key);
    return rc;
}

/* What the pack is about: the learner, and their run or their runs of a programme. */
typedef struct Scope {
    User learner;
    RunRef *runs;
    Course *courses;                /* of each run */
    int n;
    Programme programme;            /* id 0: one run */
    const char *title;              /* "Course — run", or the programme's title */
} Scope;

static int scope_load(Db *db, Arena *a, const PackInput *in, Scope *sc)
{
    int64_t ids[PROGRAMME_RUNS_MAX];
    int n = 0, rc = LN_OK;
    memset(sc, 0, sizeof *sc);
    if (in->programme_id) {
        rc = programme_load_in(db, a, in->org_id, in->programme_id, &sc->programme);
        if (rc == LN_OK) rc = programme_runs_of(db, in->org_id, in->programme_id, in->user_id, ids, &n);
    } else {
        int64_t k = 0;
        if (db_query_i64(db, &k, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2 AND org_id = $3", "iii",
                         in->run_id, in->user_id, in->org_id) != DB_ROW)
            return LN_EDB;
        ids[0] = in->run_id;
        n = k > 0;
    }
    if (rc == LN_OK && !n) rc = LN_NOTFOUND;
    if (rc == LN_OK) rc = user_load(db, a, in->user_id, &sc->learner);
    sc->runs = arena_alloc(a, sizeof *sc->runs * (size_t)(n ? n : 1));
    sc->courses = arena_alloc(a, sizeof *sc->courses * (size_t)(n ? n : 1));
    for (int i = 0; rc == LN_OK && i < n; i++) {
        rc = run_ref(db, a, in->org_id, ids[i], &sc->runs[i]);
        if (rc == LN_OK) rc = course_load(db, a, sc->runs[i].course_id, &sc->courses[i]);
    }
    sc->n = n;
    if (rc == LN_OK)
        sc->title = in->programme_id ? sc->programme.title
                                     : arena_printf(a, "%s (%s)", sc->courses[0].title, sc->runs[0].title);
    return rc;
}

static bool covered(const char *object, void *ctx)
{
    const Mine *m = ctx;
    for (int i = 0; i < m->nacts; i++)
        if (ext_iri_covers(m->acts[i].iri, object)) return true;
    return false;
}

/* The learner's entries' markers, and the runs' external activities. */
static int mine_of(Db *db, Arena *a, const Scope *sc, Mine *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->user_tok, sizeof m->user_tok, "user:%lld", (long long)sc->learner.id);
    int64_t *runs = arena_alloc(a, sizeof *runs * (size_t)sc->n);
    m->run_toks = arena_alloc(a, sizeof *m->run_toks * (size_t)sc->n);
    for (int i = 0; i < sc->n; i++) {
        runs[i] = sc->runs[i].id;
        m->run_toks[i] = arena_printf(a, "run:%lld", (long long)runs[i]);
    }
    m->runs = runs;
    m->nruns = sc->n;
    for (int i = 0; i < sc->n; i++) {
        ExtActivity *acts;
        int k;
        if (ext_list(db, a, sc->runs[i].org_id, sc->runs[i].id, &acts, &k) != LN_OK) return LN_EDB;
        ExtActivity *all = arena_alloc(a, sizeof *all * (size_t)(m->nacts + k + 1));
        if (m->nacts) memcpy(all, m->acts, sizeof *all * (size_t)m->nacts);
        if (k) memcpy(all + m->nacts, acts, sizeof *all * (size_t)k);
        m->acts = all;
        m->nacts += k;
    }
    return lrs_statements_of(db, a, sc->runs[0].org_id, sc->learner.email, covered, m, &m->statements);
}


/* The learner's xAPI statements as stored, the bytes their ledger entries
 * hash (verify.py checks each one against its entry). */
static int statement_docs(const PackInput *in, const Mine *m, struct archive *w, json_t *docs)
{
    return m->statements.n ? add_doc(w, docs, "xapi-statements.json",
                                     "the learner's xAPI statements as stored, each checked against its ledger entry",
                                     &m->statements.json, in->now)
                           : LN_OK;
}

/* The documents made from the records: connection records, certificates,
 * courses (and the programme), external activities. */
static int documents(Db *db, App *app, Arena *a, const PackInput *in, const Scope *sc, const Mine *m,
                     struct archive *w, json_t *docs)
{
    int rc = LN_OK;
    ConnRecord *recs = arena_alloc(a, sizeof *recs * (size_t)sc->n);
    int nrec = 0;
    for (int i = 0; i < sc->n; i++)
        if (conn_record_load(db, a, in->org_id, sc->runs[i].id, in->user_id, in->now, &recs[nrec]) == LN_OK) nrec++;
    Buf pdf;
    buf_init(&pdf, 0);
    if (nrec && conn_records_pdf(a, recs, nrec, in->lang, &pdf) == LN_OK)
        rc = add_doc(w, docs, "connection-record.pdf", "the connection record: sessions, active time, units, assessments",
                     &pdf, in->now);
    char base[300];
    for (int i = 0; rc == LN_OK && i < sc->n; i++) {
        Certificate cert;
        pdf.len = 0;
        if (cert_current(db, a, sc->runs[i].id, in->user_id, &cert) == LN_OK
            && cert_pdf(a, &cert, in->lang, cert_verify_url(a, app_base_url(app, base, sizeof base), cert.public_id),
                        &pdf) == LN_OK)
            rc = add_doc(w, docs, in->programme_id ? arena_printf(a, "certificate-run-%lld.pdf", (long long)sc->runs[i].id)
                                                   : "certificate.pdf",
                         "the certificate of completion", &pdf, in->now);
    }
    buf_free(&pdf);
    if (rc == LN_OK && !in->programme_id)
        rc = add_text(w, docs, "course.json", "the course: objectives, units and their estimated time",
                      dump(course_json(db, a, &sc->courses[0])), in->now);
    if (rc == LN_OK && in->programme_id) {
        json_t *courses = json_array();
        for (int i = 0; i < sc->n; i++) {
            json_t *c = course_json(db, a, &sc->courses[i]);
            json_object_set_new(c, "run", json_pack("{s:I,s:s}", "id", (json_int_t)sc->runs[i].id, "title",
                                                    sc->runs[i].title));
            json_array_append_new(courses, c);
        }
        const Programme *p = &sc->programme;
        rc = add_text(w, docs, "programme.json", "the programme: objectives, prerequisites, assistance, estimated time",
                      dump(json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "title", p->title, "objectives",
                                     p->objectives ? p->objectives : "", "prerequisites",
                                     p->prerequisites ? p->prerequisites : "", "assistance",
                                     p->assistance ? p->assistance : "", "estimated_minutes",
                                     (json_int_t)p->estimated_minutes, "response_hours", (json_int_t)p->response_hours)),
                      in->now);
        if (rc == LN_OK)
            rc = add_text(w, docs, "courses.json", "the programme's courses the learner followed: units and estimated time",
                          dump(courses), in->now);
        else json_decref(courses);
    }
    if (rc == LN_OK) rc = external_docs(db, app, a, in, m, w, docs);
    if (rc == LN_OK) rc = statement_docs(in, m, w, docs);
    return rc;
}

/* README.txt, in the requester's language. */
static char *readme(Arena *a, const PackInput *in, const Scope *sc, const LedgerCheckpoint *ck, const char *key,
                    const Counts *n, const PackSummary *sum)
{
    const char *l = in->lang;
    Buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s — %s — %s\n%s, %s %s\n\n", i18n_get(l, "Audit pack"), sc->learner.name, sc->title, in->org_name,
               i18n_get(l, "generated on"), time_text(a, in->now));
    for (int i = 0; in->programme_id && i < sc->n; i++)
        buf_printf(&b, "  - %s (%s)\n", sc->courses[i].title, sc->runs[i].title);
    if (in->programme_id) buf_putc(&b, '\n');
    buf_printf(&b, "%s\n\n", i18n_get(l, "What this pack holds, after Article D6313-3-1 of the French Labour Code (distance training):"));
    buf_printf(&b, "1. %s %lld\n", i18n_get(l, "Technical and pedagogical assistance: the trainers' replies (ledger entries assistance.*):"),
               (long long)n->assistance);
    buf_printf(&b, "2. %s %lld\n", i18n_get(l, "The activities and their duration: course.json (the units and their estimated time), connection-record.pdf (connection sessions, active time), external.json (external activities); ledger entries enrolment.*, unit.*, connection.*, xapi.*, external.*:"),
               (long long)n->activity);
    buf_printf(&b, "3. %s %lld\n", i18n_get(l, "The assessments: ledger entries assessment.*:"), (long long)n->assessment);
    buf_printf(&b, "%s %lld · %s %lld · %s %lld\n\n", i18n_get(l, "Also: live sessions (attendance.*):"), (long long)n->live,
               i18n_get(l, "satisfaction (survey.*):"), (long long)n->survey,
               i18n_get(l, "certificate (certificate.*, certificate.pdf):"), (long long)n->certificate);
    if (ck->seq)
        buf_printf(&b, "%s %lld · %s %lld · %s %lld (%s), %s %s\n\n",
                   i18n_get(l, "evidence.json holds the learner's ledger entries in full:"), (long long)sum->entries,
                   i18n_get(l, "entries of the chain:"), (long long)sum->chain,
                   i18n_get(l, "up to the checkpoint"), (long long)ck->seq, time_text(a, ck->at),
                   i18n_get(l, "signed with the organisation's key"), key);
    else
        buf_printf(&b, "%s\n\n", i18n_get(l, "The ledger holds no entry about this learner in this course run."));
    buf_printf(&b, "%s\n\n    python3 verify.py\n\n%s\n", i18n_get(l, "To check it, in this folder:"),
               i18n_get(l, "It recomputes every hash of the chain from the learner's entries and the other entries' digests, and checks the checkpoint's Ed25519 signature (with the cryptography module, or the openssl command). Compare the public key it prints with the one the organisation publishes on its page. The PDF and JSON documents are views of the records made when the pack was generated; the ledger entries are the evidence."));
    buf_printf(&b, "\n%s\n", sum->others_in_full
        ? i18n_get(l, "Some entries of other people are in full in evidence.json: entries written before the ledger's format 2, which cannot be checked from a digest. Share this pack as you would share those records.")
        : i18n_get(l, "The other entries are given by their digest only: nobody else's data is in this pack."));
    char *text = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return text;
}

/* evidence.json: who and what, the documents, the learner's entries and the chain. */
static void evidence_json(Buf *e, Arena *a, const PackInput *in, const Scope *sc, json_t *docs, int64_t first,
                          int64_t digest_from, const char *prev, const LedgerCheckpoint *ck, const char *key,
                          const Buf *chain, const Buf *index)
{
    const User *u = &sc->learner;
    json_t *runs = json_array();
    for (int i = 0; i < sc->n; i++)
        json_array_append_new(runs, json_pack("{s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)sc->runs[i].id, "title",
                                              sc->runs[i].title, "course_id", (json_int_t)sc->courses[i].id,
                                              "course_code", sc->courses[i].code, "course", sc->courses[i].title));
    json_t *head = json_pack("{s:s,s:s,s:s,s:{s:I,s:s,s:s},s:{s:I,s:s,s:s},s:o,s:o,s:O}", "format", PACK_FORMAT,
                             "generated_at", time_iso(a, in->now), "title", sc->title, "organisation", "id",
                             (json_int_t)in->org_id, "slug", in->org_slug, "name", in->org_name, "learner", "id",
                             (json_int_t)u->id, "name", u->name, "email", u->email, "runs", runs, "programme",
                             in->programme_id ? json_pack("{s:I,s:s}", "id", (json_int_t)sc->programme.id, "title",
                                                          sc->programme.title) : json_null(),
                             "documents", docs);
    char *h = json_dumps(head, JSON_COMPACT);
    json_decref(head);
    buf_append(e, h, strlen(h) - 1);        /* open: the ledger follows */
    free(h);
    if (!first) {
        buf_puts(e, ",\n\"learner_entries\":[],\n\"ledger\":null}\n");
        return;
    }
    buf_puts(e, ",\n\"learner_entries\":");
    buf_append(e, index->data, index->len);
    buf_printf(e, ",\n\"ledger\":{\"org\":%lld,\"digest_from\":%lld,\"first_seq\":%lld,\"prev_hash\":\"%s\","
                  "\n\"checkpoint\":{\"seq\":%lld,\"hash\":\"%s\",\"at\":%lld,\"key_id\":%lld,\"signature\":\"%s\","
                  "\"public_key\":\"%s\"},\n\"chain\":",
               (long long)in->org_id, (long long)digest_from, (long long)first,
               prev ? prev : "0000000000000000000000000000000000000000000000000000000000000000", (long long)ck->seq,
               ck->hash, (long long)ck->at, (long long)ck->key_id, ck->signature, key);
    buf_append(e, chain->data, chain->len);
    buf_puts(e, "}}\n");
}

int audit_pack_write(Db *db, App *app, const PackInput *in, const char *path, PackSummary *out, const char **why)
{
    memset(out, 0, sizeof *out);
    *why = "The audit pack cannot be made now.";
    Arena *a = arena_new();
    Scope sc;
    Mine m = {0};
    int rc = scope_load(db, a, in, &sc);
    if (rc == LN_NOTFOUND)
        *why = in->programme_id ? "This person was never enrolled in a course run of this programme."
                                : "This person was never enrolled in this course run.";
    if (rc == LN_OK) rc = mine_of(db, a, &sc, &m);
    /* the documents first: making the connection records records closed sessions in the ledger */
    struct archive *w = rc == LN_OK ? archive_write_new() : NULL;
    char *tmp = arena_printf(a, "%s.tmp", path);
    json_t *docs = json_array();
    if (w) {
        archive_write_set_format_zip(w);
        if (archive_write_open_filename(w, tmp) != ARCHIVE_OK) rc = LN_EIO;
    }
    if (rc == LN_OK) rc = documents(db, app, a, in, &sc, &m, w, docs);
    out->documents = (int)json_array_size(docs);

    /* then the ledger: a checkpoint over everything, the span checked, the chain written */
    LedgerCheckpoint ck = {0};
    char *key = "", *prev = NULL;
    int64_t first = 0, digest_from = 1;
    LedgerSpanReport span;
    if (rc == LN_OK) rc = first_candidate(db, in->org_id, &m, &first);
    if (rc == LN_OK && first) rc = covering_checkpoint(db, app, a, in->org_id, &ck, &key);
    if (rc == LN_OK && first) rc = ledger_digest_from(db, in->org_id, &digest_from);
    if (rc == LN_OK && first) {
        rc = ledger_verify_span(db, in->org_id, first, ck.seq, PACK_SPAN_MAX, &span);
        if (rc == LN_OK && span.too_long) {
            *why = "The ledger span of this learner is too long for one pack.";
            rc = LN_ELIMIT;
        } else if (rc == LN_EINVAL) *why = "The ledger does not verify: run lectern verify.";
    }
    Buf chain, index, e;
    buf_init(&chain, 0);
    buf_init(&index, 0);
    buf_init(&e, 0);
    Counts counts = {0};
    if (rc == LN_OK && first) {
        prev = first > 1 ? db_query_text(db, a, "SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii",
                                         in->org_id, first - 1) : NULL;
        rc = write_chain(db, a, in->org_id, &m, first, &ck, digest_from, &chain, &index, &counts, out);
        out->checkpoint_seq = ck.seq;
    }
    if (rc == LN_OK) {
        evidence_json(&e, a, in, &sc, docs, first, digest_from, prev, &ck, key, &chain, &index);
        rc = zip_add(w, "evidence.json", &e, in->now);
    }
    buf_free(&e);
    buf_free(&chain);
    buf_free(&index);
    const EmbeddedFile *vf = embed_find("share/audit/verify.py");
    if (rc == LN_OK) {
        Buf v = {.data = (char *)(vf ? vf->data : (const unsigned char *)""), .len = vf ? vf->len : 0};
        rc = vf ? zip_add(w, "verify.py", &v, in->now) : LN_EIO;
    }
    if (rc == LN_OK) {
        char *text = readme(a, in, &sc, &ck, key, &counts, out);
        Buf t = {.data = text, .len = strlen(text)};
        rc = zip_add(w, "README.txt", &t, in->now);
    }
    json_decref(docs);
    buf_free(&m.statements.json);
    if (w) {
        if (archive_write_close(w) != ARCHIVE_OK && rc == LN_OK) rc = LN_EIO;
        archive_write_free(w);
    }
    if (rc == LN_OK && rename(tmp, path) != 0) rc = LN_EIO;
    if (rc != LN_OK) unlink(tmp);
    arena_free(a);
    return rc;
}
