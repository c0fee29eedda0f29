/* api.h — JSON answers for /api/v1 (jansson). */
#ifndef LECTERN_API_H
#define LECTERN_API_H

#include <jansson.h>
#include "http/req.h"

/* Answer with `body` (reference stolen). */
void api_json(Req *r, int status, json_t *body);
/* {"error": {"code": code, "message": message}} */
void api_error(Req *r, int status, const char *code, const char *message);
/* {"error": {..., "field": field}} for a bad field */
void api_field_error(Req *r, const char *field, const char *message);

/* String member of `o`, or NULL when absent; answers 400 and sets *bad
 * when present but not a string. */
const char *api_str(Req *r, json_t *o, const char *key, bool *bad);
/* Integer member of `o` ≥ `min`, or `def` when absent (or null); answers
 * 400 naming the field and returns false otherwise. */
bool api_int(Req *r, json_t *o, const char *key, int64_t min, int64_t def, int64_t *out);
/* A time member: absent → -1 (unchanged), null → 0 (cleared), an ISO
 * date or date-time in UTC ("2026-12-01T09:00:00Z", see time_parse_iso) or
 * an integer of microseconds since the epoch.  Answers 400 naming the field
 * and returns false otherwise. */
bool api_time_in(Req *r, json_t *o, const char *key, UsTime *out);
/* "2026-11-28T18:06:31Z" or null */
json_t *api_time(Arena *a, int64_t us);
/* Members of stored JSON we wrote ourselves: a string ("" when absent or
 * not a string), an integer (def when absent or not an integer). */
const char *json_str_at(const json_t *o, const char *key);
int64_t json_int_at(const json_t *o, const char *key, int64_t def);
#endif
