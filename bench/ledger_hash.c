/* ledger_hash.c — the ceiling of `make bench` part "verify" (built by
 * bench/run.sh).
 *
 *   ledger_hash DB ORG_SLUG
 *       Reads organisation ORG_SLUG's ledger entries from DB in seq order,
 *       as `lectern verify` does (the same SELECT, pages of 256 rows), and
 *       for each: checks that seq follows and prev_hash is the previous
 *       hash, writes the entry's canonical bytes
 *       {"at":..,"kind":..,"org":..,"payload":..,"seq":..,"subject":..}
 *       with one snprintf (the seeded kinds and subjects need no escaping;
 *       the payload is taken as stored, not parsed), and recomputes the
 *       format-2 hash, SHA-256(previous hash || SHA-256(those bytes)), 32
 *       raw bytes each, with libsodium,
 *       comparing it with the stored hash.  No JSON parsing, no
 *       canonical-form check of the payload: what is left is reading and
 *       hashing.  Prints "entries N seconds S entries_per_s R hash_seconds H
 *       cpu_seconds C" (H: the time spent in SHA-256 alone; C: the process's
 *       CPU time) and exits 1 at the first mismatch.
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3 || sodium_init() < 0) {
        fprintf(stderr, "usage: ledger_hash DB ORG_SLUG\n");
        return 2;
    }
    sqlite3 *h;
    sqlite3_stmt *org, *page;
    if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(h, "SELECT id FROM org WHERE slug = ?1", -1, &org, NULL)
        || sqlite3_prepare_v2(h, "SELECT seq, at, kind, subject, payload, prev_hash, hash FROM ledger_entry"
                                 " WHERE org_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT 256", -1, &page, NULL)) {
        fprintf(stderr, "ledger_hash: %s\n", sqlite3_errmsg(h));
        return 1;
    }
    sqlite3_bind_text(org, 1, argv[2], -1, SQLITE_STATIC);
    if (sqlite3_step(org) != SQLITE_ROW) {
        fprintf(stderr, "ledger_hash: no organisation %s\n", argv[2]);
        return 1;
    }
    int64_t org_id = sqlite3_column_int64(org, 0), seq = 0, n = 0;
    sqlite3_finalize(org);
    char prev_hex[65], hex[65], *bytes = malloc(70000);
    unsigned char prev[32], md[32];
    memset(prev_hex, '0', 64);
    prev_hex[64] = 0;
    memset(prev, 0, sizeof prev);
    double t0 = now_s(), c0 = cpu_s(), hash_s = 0;
    for (;;) {
        sqlite3_bind_int64(page, 1, org_id);
        sqlite3_bind_int64(page, 2, seq);
        sqlite3_bind_int64(page, 3, INT64_MAX);
        int got = 0;
        while (sqlite3_step(page) == SQLITE_ROW) {
            got++;
            int64_t s = sqlite3_column_int64(page, 0), at = sqlite3_column_int64(page, 1);
            const char *kind = (const char *)sqlite3_column_text(page, 2), *subject = (const char *)sqlite3_column_text(page, 3);
            const char *payload = (const char *)sqlite3_column_text(page, 4), *ph = (const char *)sqlite3_column_text(page, 5);
            const char *stored = (const char *)sqlite3_column_text(page, 6);
            if (s != seq + 1 || strcmp(ph, prev_hex) != 0) {
                fprintf(stderr, "ledger_hash: the chain breaks at %lld\n", (long long)s);
                return 1;
            }
            int len = snprintf(bytes, 70000, "{\"at\":%lld,\"kind\":\"%s\",\"org\":%lld,\"payload\":%s,\"seq\":%lld,\"subject\":\"%s\"}",
                               (long long)at, kind, (long long)org_id, payload, (long long)s, subject);
            double h0 = now_s();
            unsigned char two[64];          /* format 2: SHA-256(prev || SHA-256(bytes)) */
            memcpy(two, prev, 32);
            crypto_hash_sha256(two + 32, (const unsigned char *)bytes, (unsigned long long)len);
            crypto_hash_sha256(md, two, sizeof two);
            hash_s += now_s() - h0;
            sodium_bin2hex(hex, sizeof hex, md, sizeof md);
            if (strcmp(hex, stored) != 0) {
                fprintf(stderr, "ledger_hash: entry %lld does not hash to its stored hash\n", (long long)s);
                return 1;
            }
            memcpy(prev, md, sizeof prev);
            memcpy(prev_hex, hex, sizeof prev_hex);
            seq = s;
            n++;
        }
        sqlite3_reset(page);
        if (got < 256) break;
    }
    double t = now_s() - t0, c = cpu_s() - c0;
    printf("entries %lld seconds %.2f entries_per_s %.0f hash_seconds %.3f cpu_seconds %.2f\n", (long long)n, t,
           n / (t > 0 ? t : 1), hash_s, c);
    sqlite3_finalize(page);
    sqlite3_close(h);
    free(bytes);
    return 0;
}
