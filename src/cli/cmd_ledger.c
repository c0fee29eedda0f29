/* cmd_ledger.c — `lectern verify`, `lectern checkpoint`, `lectern key show`
 * and `lectern key rotate`: the evidence ledger from the command line
 * (docs/evidence.md). */
#include "cli/cli.h"
#include "attendance/facts.h"
#include "certificate/certificate.h"
#include "evidence/ledger.h"
#include "evidence/pack.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "org/org.h"
#include "xapi/external.h"
#include "xapi/lrs.h"

#include <stdio.h>
#include <string.h>

/* The organisations named by --org, or all of them. */
static int pick_orgs(Cli *c, Db *db, bool slug_required, OrgList *out)
{
    const char *slug = cli_opt(c, "org");
    if (!slug && slug_required) {
        fprintf(stderr, "lectern: --org SLUG is needed\n");
        return 2;
    }
    if (!slug) {
        if (org_list(db, c->arena, 0, true, out) != LN_OK) {
            fprintf(stderr, "lectern: cannot list the organisations: %s\n", db_errmsg(db));
            return 1;
        }
        return 0;
    }
    out->items = arena_alloc(c->arena, sizeof(Org));
    out->n = 1;
    if (org_by_slug(db, c->arena, slug, &out->items[0]) != LN_OK) {
        fprintf(stderr, "lectern: no organisation %s\n", slug);
        return 1;
    }
    return 0;
}

/* The App the ledger needs: only the configuration (data directory, key
 * files, checkpoint-minutes). */
static void ledger_app(Cli *c, App *app)
{
    memset(app, 0, sizeof *app);
    app->cfg = c->cfg;
}

/* The rows the sheets, certificates and external records are drawn from,
 * each against its ledger entries; `what` names them in the summary. */
static const struct {
    int (*verify)(Db *db, int64_t org_id, FactsReport *out);
    const char *what;
} fact_checks[] = {
    {attendance_facts_verify, "attendance row"},
    {cert_facts_verify, "certificate"},
    {lrs_facts_verify, "xAPI statement"},
    {ext_facts_verify, "external record"},
};
#define N_FACT_CHECKS (int)LN_ARRAY_LEN(fact_checks)

/* Run every fact check: LN_OK with the counts in reps, or the first
 * failure's code with its report in *bad. */
static int verify_facts(Db *db, int64_t org_id, FactsReport reps[N_FACT_CHECKS], FactsReport **bad)
{
    for (int i = 0; i < N_FACT_CHECKS; i++) {
        int rc = fact_checks[i].verify(db, org_id, &reps[i]);
        if (rc != LN_OK) {
            *bad = &reps[i];
            return rc;
        }
    }
    return LN_OK;
}

int cmd_verify(Cli *c)
{
    Db *db = cli_db(c);
    if (!db) return 1;
    OrgList ol;
    int rc = pick_orgs(c, db, false, &ol);
    int bad = 0;
    for (int i = 0; rc == 0 && i < ol.n; i++) {
        const Org *o = &ol.items[i];
        LedgerReport rep;
        int v = ledger_verify(db, o->id, &rep);
        FactsReport reps[N_FACT_CHECKS], *failed = NULL;
        int fv = v == LN_OK ? verify_facts(db, o->id, reps, &failed) : LN_OK;
        if (fv == LN_EINVAL) {
            bad++;
            printf("%s: FAILED: %s (%s %lld) — the chain itself verifies: %lld entr%s and %lld checkpoint%s\n", o->slug,
                   failed->detail, failed->table, (long long)failed->bad_id, (long long)rep.entries,
                   rep.entries == 1 ? "y" : "ies", (long long)rep.checkpoints, rep.checkpoints == 1 ? "" : "s");
        } else if (fv != LN_OK) {
            bad++;
            printf("%s: cannot be verified: database error: %s\n", o->slug, db_errmsg(db));
        } else if (v == LN_OK) {
            printf("%s: ok — %lld entr%s and %lld checkpoint%s verified", o->slug, (long long)rep.entries,
                   rep.entries == 1 ? "y" : "ies", (long long)rep.checkpoints, rep.checkpoints == 1 ? "" : "s");
            if (rep.head_seq) printf("; head %lld %s", (long long)rep.head_seq, rep.head_hash);
            if (rep.public_key[0]) printf("; key %s", rep.public_key);
            for (int k = 0; k < N_FACT_CHECKS; k++)
                printf("%s%lld %s%s", k ? (k == N_FACT_CHECKS - 1 ? " and " : ", ") : "; ", (long long)reps[k].checked,
                       fact_checks[k].what, reps[k].checked == 1 ? "" : "s");
            printf(" match their entries\n");
        } else if (v == LN_EINVAL) {
            bad++;
            printf("%s: FAILED at seq %lld (%s): %s — %lld entr%s and %lld checkpoint%s verified before it\n", o->slug,
                   (long long)rep.bad_seq, ledger_fault_code(rep.fault), rep.detail, (long long)rep.entries,
                   rep.entries == 1 ? "y" : "ies", (long long)rep.checkpoints, rep.checkpoints == 1 ? "" : "s");
        } else {
            bad++;
            printf("%s: cannot be verified: database error: %s\n", o->slug, db_errmsg(db));
        }
    }
    db_close(db);
    if (rc) return rc;
    return bad ? 1 : 0;
}

int cmd_checkpoint(Cli *c)
{
    Db *db = cli_db(c);
    if (!db) return 1;
    App app;
    ledger_app(c, &app);
    OrgList ol;
    bool one = cli_opt(c, "org") != NULL;
    int rc = pick_orgs(c, db, false, &ol);
    int failed = 0;
    for (int i = 0; rc == 0 && i < ol.n; i++) {
        const Org *o = &ol.items[i];
        int64_t head = 0, ck = 0, seq = 0;
        UsTime at = 0;
        if (ledger_status(db, o->id, &head, &ck, &at) != LN_OK) {
            failed++;
            continue;
        }
        /* All organisations: only those whose head moved; one: always. */
        if (!one && (head == 0 || ck >= head)) {
            if (head) printf("%s: up to date (entry %lld signed at %s)\n", o->slug, (long long)ck, time_iso(c->arena, at));
            continue;
        }
        int r = ledger_checkpoint(db, &app, o->id, &seq);
        if (r == LN_OK) {
            printf("%s: checkpoint of entry %lld signed\n", o->slug, (long long)seq);
        } else {
            failed++;
            printf("%s: no checkpoint: %s\n", o->slug,
                   r == LN_EINVAL ? "the ledger does not verify (run lectern verify)"
                   : r == LN_NOTFOUND || r == LN_EPERM ? "its secret key cannot be read (see above)"
                   : "database error");
        }
    }
    db_close(db);
    if (rc) return rc;
    return failed ? 1 : 0;
}

static int key_cmd(Cli *c, bool rotate)
{
    Db *db = cli_db(c);
    if (!db) return 1;
    App app;
    ledger_app(c, &app);
    OrgList ol;
    int rc = pick_orgs(c, db, true, &ol);
    if (rc == 0) {
        LedgerKey k;
        bool created = false;
        int r = rotate ? ledger_key_rotate(db, &app, ol.items[0].id, &k)
                       : ledger_key_ensure(db, &app, ol.items[0].id, &k, &created);
        if (r == LN_OK) {
            printf("%s\n", k.public_key);
            if (rotate || created)
                fprintf(stderr, "new Ed25519 key %lld of %s; its secret is in %s/keys/ (back it up)\n", (long long)k.id,
                        ol.items[0].slug, c->cfg.data_dir);
        } else {
            fprintf(stderr, "lectern: cannot %s the key (see above)\n", rotate ? "rotate" : "read or make");
            rc = 1;
        }
    }
    db_close(db);
    return rc;
}

int cmd_key_show(Cli *c) { return key_cmd(c, false); }
int cmd_key_rotate(Cli *c) { return key_cmd(c, true); }

int cmd_audit_pack(Cli *c)
{
    int64_t run_id = 0;     /* or the programme's id, with --programme ID */
    const char *lang = cli_opt(c, "lang"), *pid = cli_opt(c, "programme");
    bool programme = pid != NULL;
    int at = programme ? 0 : 1;     /* where the e-mail is among the arguments */
    if (c->argc < at + 2 || !str_to_i64(programme ? pid : c->argv[0], &run_id) || run_id <= 0) {
        fprintf(stderr, "lectern: audit-pack needs --org SLUG, a run id (or --programme ID), the learner's e-mail and a"
                        " .zip file (see --help)\n");
        return 2;
    }
    const char *email = c->argv[at], *file = c->argv[at + 1];
    if (lang && !str_eq(lang, "en") && !str_eq(lang, "fr")) {
        fprintf(stderr, "lectern: --lang is en or fr\n");
        return 2;
    }
    App app;
    if (cli_app(c, &app) != 0) return 1;
    Db *db = db_pool_get(app.pool);
    OrgList ol;
    User u;
    RunRef run;
    int rc = pick_orgs(c, db, true, &ol);
    if (!rc && user_by_email(db, c->arena, email, &u) != LN_OK) {
        fprintf(stderr, "lectern: no account %s\n", email);
        rc = 1;
    }
    if (!rc && !programme && run_ref(db, c->arena, ol.items[0].id, run_id, &run) != LN_OK) {
        fprintf(stderr, "lectern: no run %lld in %s\n", (long long)run_id, ol.items[0].slug);
        rc = 1;
    }
    if (!rc) {
        PackInput in = {.org_id = ol.items[0].id, .run_id = programme ? 0 : run_id, .user_id = u.id,
                        .programme_id = programme ? run_id : 0, .org_slug = ol.items[0].slug,
                        .org_name = ol.items[0].name, .lang = lang ? lang : "en", .now = time_now_us()};
        PackSummary sum;
        const char *why;
        int w = audit_pack_write(db, &app, &in, file, &sum, &why);
        if (w == LN_OK)
            printf("audit pack of %s in %s %lld written to %s: %lld of the learner's entries in full, a chain of %lld "
                   "to checkpoint %lld, %d document%s; to check it, unzip it and run python3 verify.py\n", u.email,
                   programme ? "programme" : "run", (long long)run_id, file, (long long)sum.entries, (long long)sum.chain,
                   (long long)sum.checkpoint_seq, sum.documents, sum.documents == 1 ? "" : "s");
        else fprintf(stderr, "lectern: %s\n", why);
        rc = w == LN_OK ? 0 : 1;
    }
    db_pool_put(app.pool, db);
    app_close(&app);
    return rc;
}
