/* fuzz_xapi.c — xapi_statement_check over arbitrary JSON, and the duration
 * and timestamp parsers over the raw bytes (xapi/statement.c).
 *
 * It never crashes; an accepted statement has a verb IRI, an object and its
 * type, an id that is "" or a lower-case UUID, an actor with one of the
 * four identifier prefixes, an address that is "" or has an '@', durations,
 * booleans and a score in range; a refusal says why.  A parsed duration
 * formats and parses back to the same milliseconds. */
#include "xapi/statement.h"

#include <stdlib.h>
#include <string.h>

#define STATEMENTS_MAX 100
#define RAW_MAX 256
#define DURATION_MAX_MS (INT64_C(100) * 365 * 86400 * 1000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

static bool has_upper(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') return true;
    return false;
}

/* "" or a UUID in lower case. */
static bool uuid_or_empty(const char *s)
{
    return s && (!*s || (xapi_uuid_valid(s) && !has_upper(s)));
}

static void check_accepted(const XapiStatement *st)
{
    static const char *const TYPES[] = {"Activity", "Agent", "Group", "StatementRef", "SubStatement", NULL};
    check(uuid_or_empty(st->id));
    check(st->verb && xapi_iri_valid(st->verb));
    check(st->object && str_one_of(st->object_type, TYPES));
    if (str_eq(st->object_type, "Activity")) check(xapi_iri_valid(st->object));
    if (str_eq(st->object_type, "StatementRef")) check(uuid_or_empty(st->object) && *st->object);
    check(st->actor && (str_startswith(st->actor, "mailto:") || str_startswith(st->actor, "sha1:")
                        || str_startswith(st->actor, "openid:") || str_startswith(st->actor, "account:")));
    check(utf8_valid(st->actor, strlen(st->actor)));
    check(st->actor_email && (!*st->actor_email || strchr(st->actor_email, '@')));
    check(uuid_or_empty(st->registration));
    check(st->timestamp >= 0);
    check(st->duration_ms >= -1 && st->duration_ms <= DURATION_MAX_MS);
    check(st->completion >= -1 && st->completion <= 1 && st->success >= -1 && st->success <= 1);
    check(!st->has_score || (st->score_scaled >= -1 && st->score_scaled <= 1));
    check(!st->voids || (str_eq(st->object_type, "StatementRef") && str_eq(st->verb, XAPI_VERB_VOIDED)));
}

/* A duration that parses formats into a string that parses to it again. */
static void check_duration(const char *s)
{
    int64_t ms = -1, back = -1;
    char buf[32];
    if (!xapi_parse_duration(s, &ms)) return;
    check(ms >= 0 && ms <= DURATION_MAX_MS);
    xapi_format_duration(ms, buf, sizeof buf);
    check(strlen(buf) < sizeof buf - 1);
    check(xapi_parse_duration(buf, &back) && back == ms);
}

/* Check one statement; round-trip its result.duration when it has one. */
static void check_one(const json_t *j)
{
    Arena *a = arena_new();
    XapiStatement st;
    const char *why = (const char *)1;
    int rc = xapi_statement_check(a, j, &st, &why);
    check(rc == LN_OK || rc == LN_EINVAL);
    if (rc == LN_OK) {
        check(why == NULL);
        check_accepted(&st);
        const json_t *d = json_object_get(json_object_get(j, "result"), "duration");
        int64_t ms;
        if (json_is_string(d)) {
            check(xapi_parse_duration(json_string_value(d), &ms) && ms == st.duration_ms);
            check_duration(json_string_value(d));
        }
    } else {
        check(why != NULL && *why && utf8_valid(why, strlen(why)));
    }
    arena_free(a);
}

/* The first RAW_MAX bytes as one string through each string parser. */
static void check_raw(const uint8_t *data, size_t size)
{
    char s[RAW_MAX + 1];
    size_t n = size < RAW_MAX ? size : RAW_MAX;
    memcpy(s, data, n);
    s[n] = '\0';
    check_duration(s);
    UsTime t;
    if (xapi_parse_timestamp(s, &t)) check(t >= 0 && t < INT64_C(253402387200) * US_PER_SEC);  /* < 10000-01-02 */
    if (xapi_uuid_valid(s)) check(strlen(s) == XAPI_UUID_LEN);
    if (xapi_iri_valid(s)) check(strchr(s, ':') != NULL && strlen(s) <= XAPI_IRI_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_raw(data, size);
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!j) return 0;
    if (json_is_object(j)) check_one(j);
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x) {
        if (i >= STATEMENTS_MAX) break;
        check_one(x);
    }
    json_decref(j);
    return 0;
}
