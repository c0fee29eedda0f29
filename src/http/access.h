/* access.h — the one place where who-may-do-what is decided.
 *
 * Before any handler runs, access_check() authenticates the request (bearer
 * token or session cookie), resolves {org} and the caller's role in it, and
 * enforces the route's flags (login, CSRF, role, platform administrator).
 * A handler only runs when the caller may use its route; organisation
 * scoping beyond that is r->org->id in every query.
 */
#ifndef LECTERN_ACCESS_H
#define LECTERN_ACCESS_H

#include "http/route.h"

#define SESSION_COOKIE "lectern_session"
#define ANON_COOKIE "lectern_anon"
#define LANG_COOKIE "lectern_lang"

/* Returns true when the handler may run; otherwise the answer is written. */
bool access_check(Req *r, const Route *route);
/* The CSRF token for forms on this page (sets the anonymous cookie when a
 * signed-out visitor has none yet). */
const char *access_csrf_token(Req *r);
/* Pick the language: signed-in user's, cookie, Accept-Language, "en". */
void access_pick_lang(Req *r);
/* The caller's role in organisation `org_id` (for resources reached by id
 * rather than through {org}): a token only in its own organisation, a
 * platform administrator (by session) as an administrator everywhere. */
Role access_role_in(Req *r, int64_t org_id);
/* True when the user may act as `min` or above in r->org. */
bool access_role_at_least(const Req *r, Role min);
/* Trainers, administrators and auditors of r->org: who may read every
 * learner's records in its runs (attendance, certificates, surveys). */
bool access_reader(const Req *r);

#endif
