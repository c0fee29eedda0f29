/* ical_feed.h — a run's live sessions as an iCalendar feed that people
 * subscribe to in their calendar, by a secret URL of their own
 * (docs/attendance.md, "Subscribe from a calendar"). */
#ifndef LECTERN_ICAL_FEED_H
#define LECTERN_ICAL_FEED_H

#include "attendance/attendance.h"

#define ICAL_FEED_TOKEN_LEN 43          /* base64url of 32 random bytes */

/* The VCALENDAR text (CRLF lines folded at 75 octets, text escaped): one
 * VEVENT per session, UID "session-ID@ORG.lectern", times in UTC, the room
 * as LOCATION, a virtual classroom's link as URL and LOCATION.  `now` is
 * the DTSTAMP. */
char *ical_feed_write(Arena *a, const char *calname, const char *org_slug, const LiveSessionList *l, UsTime now);

/* A new secret token for (user, run), replacing any older one. */
int ical_feed_create(Db *db, int64_t user_id, int64_t run_id, UsTime now, char token[ICAL_FEED_TOKEN_LEN + 1]);
/* When (user, run) made their current token; 0: none. */
UsTime ical_feed_created_at(Db *db, int64_t user_id, int64_t run_id);
/* The (user, run) of `token`; LN_NOTFOUND. */
int ical_feed_lookup(Db *db, const char *token, int64_t *user_id, int64_t *run_id);

#endif
