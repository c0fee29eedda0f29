/* bench_seed.c — what the bench seed commands share (cli.h BenchSeed). */
#include "cli/cli.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

int bench_seed_open(Cli *c, const char *cmd, const char *out_path, const char *slug, BenchSeed *b)
{
    memset(b, 0, sizeof *b);
    if (!(b->out = fopen(out_path, "w"))) {
        perror(out_path);
        return 1;
    }
    if (!(b->db = cli_db(c))) {
        bench_seed_close(b);
        return 1;
    }
    int64_t existing = 0;
    db_query_i64(b->db, &existing, "SELECT count(*) FROM org WHERE slug = $1", "t", slug);
    if (existing) {
        fprintf(stderr, "lectern %s: this database was seeded already: seed an empty one\n", cmd);
        bench_seed_close(b);
        return 1;
    }
    if (db_kind(b->db) == DB_SQLITE)
        db_exec(b->db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY");
    if (site_secret_load(b->db, b->secret, sizeof b->secret) != LN_OK) {
        fprintf(stderr, "lectern %s: cannot read the site secret: %s\n", cmd, db_errmsg(b->db));
        bench_seed_close(b);
        return 1;
    }
    csrf_key_of(b->secret, b->csrf_key);
    return 0;
}

void bench_seed_close(BenchSeed *b)
{
    if (b->out) fclose(b->out);
    if (b->db) db_close(b->db);
    b->out = NULL;
    b->db = NULL;
}
