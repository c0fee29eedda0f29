/* db_backup.c — SQLite online backup, 256 pages at a time. */
#include "db/db_backup.h"

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

static char *errdup(const char *what, sqlite3 *h)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", what, h ? sqlite3_errmsg(h) : "?");
    return xstrdup(msg);
}

int db_sqlite_backup(const char *path, const char *dest, bool progress, char **err)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = LN_EIO;
    if (access(path, R_OK) != 0) {
        *err = errdup("cannot read the database", NULL);
        return LN_NOTFOUND;
    }
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        *err = errdup("cannot open the database", src);
        goto out;
    }
    if (sqlite3_open(dest, &dst) != SQLITE_OK) {
        *err = errdup("cannot create the backup file", dst);
        goto out;
    }
    sqlite3_busy_timeout(src, 5000);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        *err = errdup("cannot start the backup", dst);
        goto out;
    }
    int step;
    do {
        step = sqlite3_backup_step(b, 256);
        if (progress) {
            int total = sqlite3_backup_pagecount(b), left = sqlite3_backup_remaining(b);
            fprintf(stderr, "\rbackup: %d / %d pages", total - left, total);
        }
        if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(50);
    } while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
    if (progress) fprintf(stderr, "\n");
    sqlite3_backup_finish(b);
    if (step != SQLITE_DONE) *err = errdup("backup failed", dst);
    else rc = LN_OK;
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc;
}
