/* main.c — `lectern COMMAND [OPTIONS] [ARGS]`.
 *
 * Options valid for every command: --db URL, --data DIR, --listen ADDR,
 * --config FILE, and the rest of Config (see `lectern --help`).  They are
 * read after the config file and LECTERN_* environment variables.
 */
#include "cli/cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "Lectern — an open-source MOOC platform with the evidence layer built in.\n\n"
               "Usage: lectern COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
    for (const Command *cmd = commands; cmd->name; cmd++)
        fprintf(f, "  %-14s %s\n", cmd->name, cmd->help);
    fprintf(f, "\nOptions for every command (also LECTERN_DB, LECTERN_DATA, ... or a config file):\n"
               "  --db URL          sqlite:PATH (default sqlite:DATA/lectern.db) or postgres://...\n"
               "  --data DIR        data directory: database, mail/, uploads (default ./var)\n"
               "  --config FILE     \"key = value\" lines (default DATA/lectern.conf when present)\n"
               "  --listen ADDR     HTTP address (default 127.0.0.1:8080)\n"
               "  --base-url URL    public address used in e-mailed links\n"
               "  --smtp URL        smtp://host:port; without it mail goes to DATA/mail/*.eml\n"
               "  --threads N       HTTP worker threads (default: number of cores)\n"
               "  --sync full|normal  SQLite durability (default full)\n"
               "  --access-log -|off|FILE\n"
               "  --max-body BYTES, --max-upload BYTES, --max-header BYTES, --timeout SECONDS\n\n"
               "Run `lectern COMMAND --help` for a command's arguments.\n");
}

static const Command *find_command(int argc, char **argv, int *used)
{
    for (const Command *cmd = commands; cmd->name; cmd++) {
        const char *sp = strchr(cmd->name, ' ');
        if (!sp && str_eq(argv[1], cmd->name)) { *used = 2; return cmd; }
        if (sp && argc > 2 && strncmp(argv[1], cmd->name, (size_t)(sp - cmd->name)) == 0
            && strlen(argv[1]) == (size_t)(sp - cmd->name) && str_eq(argv[2], sp + 1)) {
            *used = 3;
            return cmd;
        }
    }
    return NULL;
}

static bool is_config_key(const char *k)
{
    static const char *const keys[] = {"db", "listen", "data", "base-url", "smtp", "mail-from", "access-log",
                                       "threads", "db-pool", "max-body", "max-upload", "max-header", "timeout",
                                       "sync", "checkpoint-minutes", NULL};
    for (int i = 0; keys[i]; i++)
        if (str_eq(k, keys[i])) return true;
    return false;
}

/* Split argv into Config options, command options and positionals. */
static int parse_args(Cli *c, int argc, char **argv, const Command *cmd)
{
    c->argv = arena_alloc(c->arena, sizeof(char *) * (size_t)(argc + 1));
    /* Where the config file is: --config, LECTERN_CONFIG, else in the data
     * directory named by --data or LECTERN_DATA. */
    const char *config = getenv("LECTERN_CONFIG"), *data = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (str_eq(a, "--config")) config = next;
        else if (str_startswith(a, "--config=")) config = a + 9;
        else if (str_eq(a, "--data")) data = next;
        else if (str_startswith(a, "--data=")) data = a + 7;
    }
    config_from_env(&c->cfg);
    char *err = NULL;
    const char *file = config ? config
                              : arena_printf(c->arena, "%s/lectern.conf", data ? data : c->cfg.data_dir);
    int rc = config_load_file(&c->cfg, file, &err);
    if (rc == LN_EINVAL || (rc == LN_NOTFOUND && config)) {
        fprintf(stderr, "lectern: %s\n", err ? err : "cannot read the config file");
        free(err);
        return 2;
    }
    config_from_env(&c->cfg);   /* environment wins over the file */
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (!str_startswith(a, "--")) { c->argv[c->argc++] = a; continue; }
        char *key = arena_strdup(c->arena, a + 2), *val = NULL;
        char *eq = strchr(key, '=');
        if (eq) { *eq = 0; val = eq + 1; }
        bool takes_value = is_config_key(key) || str_eq(key, "config") || (cmd && strstr(cmd->usage, arena_printf(c->arena, "--%s ", key)));
        if (takes_value && !val) {
            if (i + 1 >= argc) { fprintf(stderr, "lectern: --%s needs a value\n", key); return 2; }
            val = argv[++i];
        }
        if (str_eq(key, "config")) continue;
        if (is_config_key(key)) {
            if (config_set(&c->cfg, key, val) != LN_OK) {
                fprintf(stderr, "lectern: --%s %s: not a valid value\n", key, val);
                return 2;
            }
        } else {
            params_add(c->arena, &c->opts, key, val ? val : "1", val ? strlen(val) : 1);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "lectern: libsodium failed to start\n");
        return 1;
    }
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h") || str_eq(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    int used = 0;
    const Command *cmd = find_command(argc, argv, &used);
    if (!cmd) {
        fprintf(stderr, "lectern: unknown command \"%s\"\n\n", argv[1]);
        usage(stderr);
        return 2;
    }
    Cli c = {.arena = arena_new()};
    config_defaults(&c.cfg);
    int rc = parse_args(&c, argc - used, argv + used, cmd);
    if (rc == 0 && cli_flag(&c, "help")) {
        printf("Usage: lectern %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->help);
        rc = -1;
    }
    if (rc == 0) rc = cmd->run(&c);
    config_free(&c.cfg);
    arena_free(c.arena);
    return rc < 0 ? 0 : rc;
}
