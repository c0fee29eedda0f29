/* db_backup.h — online backup of a SQLite database (sqlite3_backup). */
#ifndef LECTERN_DB_BACKUP_H
#define LECTERN_DB_BACKUP_H
#include "core/core.h"
/* Copy the live database at `path` to `dest` while it stays in use,
 * printing progress on stderr when `progress`.  *err is malloc'd. */
int db_sqlite_backup(const char *path, const char *dest, bool progress, char **err);
#endif
