/* evidence_page.c — the organisation's evidence signing key (public page
 * section, .pub file, API), checkpoints on demand and verification. */
#include "evidence/ledger.h"
#include "evidence/pages.h"
#include "http/access.h"
#include "http/app.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

/* Part of GET /o/{org} (org_page). */
void evidence_key_section(Req *r)
{
    LedgerKeyList kl;
    if (ledger_keys(r->db, r->arena, r->org->id, &kl) != LN_OK || kl.n == 0) return;
    hprintf(r, "<section class=\"card\" id=\"evidence-key\"><h2>%s</h2><p>%s</p>"
               "<p><code class=\"evidence-key\">%s</code></p><p class=\"muted\">Ed25519 · %s ",
            T(r, "Evidence signing key"),
            T(r, "This organisation signs its evidence ledger with this public key. Keep a copy: with it, "
                 "an auditor can check exported evidence without having to trust this site."),
            kl.items[0].public_key, T(r, "in use since"));
    html_date(r, kl.items[0].valid_from);
    hprintf(r, "</p><p><a href=\"/o/%s/evidence-key.pub\" download>%s</a></p></section>\n", r->org->slug,
            T(r, "Download the public key"));
}

/* ROUTE: GET /o/{org}/evidence-key.pub — every key, newest first, one a
 * line: "ed25519 KEY key-id=N valid-from=ISO valid-until=ISO|current". */
void org_evidence_key_get(Req *r)
{
    LedgerKeyList kl;
    if (ledger_keys(r->db, r->arena, r->org->id, &kl) != LN_OK) {
        req_text(r, 500, "The keys cannot be read now.\n");
        return;
    }
    if (kl.n == 0) {
        req_text(r, 404, "This organisation has no evidence signing key yet.\n");
        return;
    }
    Buf *b = &r->out;
    buf_reset(b);
    buf_printf(b, "# Evidence signing keys of organisation %s (/o/%s), newest first.\n"
                  "# algorithm public-key(base64) key-id valid-from valid-until; see docs/evidence.md\n",
               r->org->name, r->org->slug);
    for (int i = 0; i < kl.n; i++) {
        const LedgerKey *k = &kl.items[i];
        buf_printf(b, "ed25519 %s key-id=%lld valid-from=%s valid-until=%s\n", k->public_key, (long long)k->id,
                   time_iso(r->arena, k->valid_from), k->valid_until ? time_iso(r->arena, k->valid_until) : "current");
    }
    r->status = 200;
    r->content_type = "text/plain; charset=utf-8";
    req_set_header(r, "Content-Disposition",
                   arena_printf(r->arena, "attachment; filename=\"%s-evidence-key.pub\"", r->org->slug));
}

/* ROUTE: GET /api/v1/orgs/{org}/ledger/key — public. */
void api_ledger_key_get(Req *r)
{
    LedgerKeyList kl;
    if (ledger_keys(r->db, r->arena, r->org->id, &kl) != LN_OK) {
        api_error(r, 500, "internal", "the keys cannot be read on our side");
        return;
    }
    if (kl.n == 0) {
        api_error(r, 404, "not_found", "this organisation has no evidence signing key yet");
        return;
    }
    json_t *keys = json_array();
    for (int i = 0; i < kl.n; i++)
        json_array_append_new(keys, json_pack("{s:I,s:s,s:s,s:o,s:o}", "key_id", (json_int_t)kl.items[i].id,
                                              "algorithm", "Ed25519", "public_key", kl.items[i].public_key,
                                              "valid_from", api_time(r->arena, kl.items[i].valid_from),
                                              "valid_until", api_time(r->arena, kl.items[i].valid_until)));
    api_json(r, 200, json_pack("{s:s,s:I,s:s,s:s,s:o}", "org", r->org->slug, "key_id", (json_int_t)kl.items[0].id,
                               "algorithm", "Ed25519", "public_key", kl.items[0].public_key, "keys", keys));
}

/* ROUTE: POST /api/v1/orgs/{org}/ledger/checkpoints — admin: sign the head now. */
void api_ledger_checkpoints_post(Req *r)
{
    int64_t seq = 0;
    int rc = ledger_checkpoint(r->db, r->app, r->org->id, &seq);
    if (rc == LN_EINVAL) {
        api_error(r, 409, "ledger_invalid", "the ledger does not verify: nothing was signed; see GET .../ledger/verify");
        return;
    }
    if (rc == LN_NOTFOUND || rc == LN_EPERM) {
        api_error(r, 503, "key_unavailable", "the organisation's secret signing key cannot be read on the server (see its log)");
        return;
    }
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "the checkpoint failed on our side");
        return;
    }
    LedgerCheckpoint c;
    if (ledger_checkpoint_last(r->db, r->arena, r->org->id, &c) != LN_OK) {
        api_error(r, 500, "internal", "the checkpoint cannot be read back");
        return;
    }
    /* org_id and at_us (exact microseconds) are what the signed bytes hold */
    json_t *j = json_pack("{s:I,s:I,s:I,s:s,s:o,s:I,s:I,s:s}", "id", (json_int_t)c.id, "org_id", (json_int_t)r->org->id,
                          "seq", (json_int_t)c.seq, "hash", c.hash, "at", api_time(r->arena, c.at), "at_us",
                          (json_int_t)c.at, "key_id", (json_int_t)c.key_id, "signature", c.signature);
    api_json(r, 201, j);
}

/* ROUTE: GET /api/v1/orgs/{org}/ledger/verify — administrators and
 * auditors.  The route is A_MEMBER (no flag means "admin or auditor"); the
 * role is checked here. */
void api_ledger_verify_get(Req *r)
{
    if (!access_role_at_least(r, ROLE_AUDITOR)) {
        api_error(r, 403, "forbidden", "only the organisation's administrators and auditors may verify its ledger");
        return;
    }
    LedgerReport rep;
    int rc = ledger_verify(r->db, r->org->id, &rep);
    if (rc != LN_OK && rc != LN_EINVAL) {
        api_error(r, 500, "internal", "the verification failed on our side");
        return;
    }
    json_t *first_bad = rep.fault == LEDGER_OK ? json_null()
        : json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)rep.bad_seq, "reason", ledger_fault_code(rep.fault),
                    "detail", rep.detail);
    api_json(r, 200, json_pack("{s:s,s:b,s:I,s:I,s:{s:I,s:s},s:{s:I,s:o},s:s?,s:o}",
                               "org", r->org->slug, "ok", rep.fault == LEDGER_OK,
                               "entries", (json_int_t)rep.entries, "checkpoints", (json_int_t)rep.checkpoints,
                               "head", "seq", (json_int_t)rep.head_seq, "hash", rep.head_seq ? rep.head_hash : "",
                               "last_checkpoint", "seq", (json_int_t)rep.last_checkpoint_seq, "at",
                               api_time(r->arena, rep.last_checkpoint_at),
                               "public_key", rep.public_key[0] ? rep.public_key : NULL,
                               "first_bad", first_bad));
}
