/* cli.h — the `lectern` commands. */
#ifndef LECTERN_CLI_H
#define LECTERN_CLI_H

#include "http/app.h"

#include <stdio.h>

typedef struct Cli {
    Config cfg;
    int argc;           /* positional arguments after the command */
    char **argv;
    Params opts;        /* command options not known to Config (--role ...) */
    Arena *arena;
} Cli;

typedef struct Command {
    const char *name;       /* "user add" */
    int (*run)(Cli *c);
    const char *usage;      /* "EMAIL NAME [--password PW] [--platform-admin]" */
    const char *help;
} Command;

extern const Command commands[];

/* An option of the command (--name value), or NULL. */
const char *cli_opt(Cli *c, const char *name);
bool cli_flag(Cli *c, const char *name);
/* Open the database named by the configuration, migrated.  NULL on failure
 * (message printed). */
Db *cli_db(Cli *c);
/* Open the whole App (pool, writer) for commands that run handlers. */
int cli_app(Cli *c, App *app);

/* "importing 12/40 files…" on one line of a terminal, rewritten at most
 * ten times a second; nothing when stderr is a file, to keep logs short
 * (cmd_course.c).  ctx is a CliProgress; end with cli_progress_end. */
typedef struct CliProgress {
    bool tty, shown;
    UsTime last;
} CliProgress;
void cli_progress(void *ctx, const char *verb, int done, int total);
void cli_progress_end(CliProgress *p);

int cmd_serve(Cli *c);
int cmd_migrate(Cli *c);
int cmd_org_add(Cli *c);
int cmd_user_add(Cli *c);
int cmd_user_passwd(Cli *c);
int cmd_user_role(Cli *c);
int cmd_token_create(Cli *c);
int cmd_demo(Cli *c);
/* The demo course's sections, units, files and a learner's progress. */
struct Course;
int demo_content(Cli *cli, Db *db, const struct Course *c, int64_t run_id, int64_t learner_id, UsTime now);
/* An external activity in that run and the learner's xAPI statements for it. */
int demo_external(Db *db, int64_t org_id, int64_t run_id, int64_t trainer_id, const char *learner_email, UsTime now);
/* The demo's second course, FIRE-201 (share/demo/FIRE-201): a quiz, a live
 * drill, a peer-assessed assignment and a forum, nobody enrolled. */
int demo_fire(Cli *cli, Db *db, int64_t org_id, int64_t trainer_id, UsTime now);
int cmd_course_export(Cli *c);
int cmd_course_import(Cli *c);
int cmd_backup(Cli *c);
int cmd_test_request(Cli *c);
int cmd_mail_flush(Cli *c);
int cmd_cache_clear(Cli *c);

/* The opening every bench seed command shares (bench_seed.c): the lines file
 * `out_path`, the database, which must not hold organisation `slug` yet,
 * fast unsafe writes for this connection only (SQLite), the site secret and
 * its CSRF key.  0, or the exit code after printing why (`cmd` names the
 * command). */
typedef struct BenchSeed {
    FILE *out;
    Db *db;
    char secret[128];
    unsigned char csrf_key[32];
} BenchSeed;
int bench_seed_open(Cli *c, const char *cmd, const char *out_path, const char *slug, BenchSeed *b);
void bench_seed_close(BenchSeed *b);
int cmd_verify(Cli *c);
int cmd_checkpoint(Cli *c);
int cmd_audit_pack(Cli *c);
int cmd_key_show(Cli *c);
int cmd_key_rotate(Cli *c);
int cmd_routes(Cli *c);
int cmd_bench_seed(Cli *c);
int cmd_bench_seed_gradebook(Cli *c);
int cmd_bench_quiz_seed(Cli *c);
int cmd_bench_seed_forum(Cli *c);
int cmd_bench_attendance_seed(Cli *c);
int cmd_attendance_sheets(Cli *c);
int cmd_certificate_zip(Cli *c);
int cmd_sessions_import_ical(Cli *c);

#endif
