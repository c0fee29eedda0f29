/* statement.h — xAPI 1.0.3 statements: checking one as received by the LRS
 * and reading out the fields Lectern files it under (docs/external.md).
 * Pure functions: no database, no I/O.
 *
 * A statement is accepted when it is a JSON object with
 *   - "actor": an Agent (or an identified Group) with exactly one inverse
 *     functional identifier: "mbox" ("mailto:" + address), "mbox_sha1sum"
 *     (40 hex digits), "openid" (an absolute IRI) or "account"
 *     ({"homePage": absolute IRI, "name": non-empty string});
 *   - "verb": {"id": absolute IRI, "display"?: language map};
 *   - "object": an Activity ({"id": absolute IRI, "objectType"?: "Activity",
 *     "definition"?: object}), an Agent/Group (as the actor), a
 *     StatementRef ({"objectType": "StatementRef", "id": UUID}) or a
 *     SubStatement (actor, verb and object, itself not a SubStatement);
 *   - optional "id" (UUID, any case; stored in lower case), "timestamp"
 *     (see xapi_parse_timestamp), "result" (object: "duration" see
 *     xapi_parse_duration, "completion"/"success" booleans, "score" with
 *     "scaled" a number in [-1, 1], "raw"/"min"/"max" numbers with
 *     min <= raw <= max when given), "context" and "attachments" (objects /
 *     arrays, not inspected), "version" starting with "1.0";
 *   - no other top-level member.  "stored" and "authority" sent by the
 *     client are ignored (the LRS sets them).
 * A voiding statement (verb XAPI_VERB_VOIDED) must have a StatementRef
 * object.
 *
 * All strings must be valid UTF-8 (jansson guarantees it when it parsed the
 * text) and IRIs at most XAPI_IRI_MAX bytes.
 */
#ifndef LECTERN_XAPI_STATEMENT_H
#define LECTERN_XAPI_STATEMENT_H

#include <jansson.h>
#include "core/core.h"

#define XAPI_VERSION "1.0.3"
#define XAPI_IRI_MAX 2000                   /* bytes of an IRI we keep */
#define XAPI_UUID_LEN 36
#define XAPI_VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"

typedef struct XapiStatement {
    char id[XAPI_UUID_LEN + 1];     /* lower case; "" when the statement has none */
    const char *actor;              /* the identifier, normalised: "mailto:" + lower-case address,
                                     * "sha1:" + lower-case hex, "openid:" + IRI,
                                     * "account:" + homePage + "|" + name (arena) */
    const char *actor_email;        /* lower-case address from mbox, or from account.name when
                                     * it is an address; "" otherwise (arena) */
    const char *verb;               /* verb IRI (borrowed from the JSON) */
    const char *object;             /* object id: activity IRI, statement UUID (lower case), or
                                     * the agent's normalised identifier (arena or borrowed) */
    const char *object_type;        /* "Activity", "Agent", "Group", "StatementRef", "SubStatement" */
    const char *registration;       /* context.registration UUID in lower case, or "" */
    UsTime timestamp;               /* 0 when absent */
    int64_t duration_ms;            /* result.duration; -1 when absent */
    int completion, success;        /* result.completion / success: 1, 0; -1 when absent */
    bool has_score;
    double score_scaled;            /* result.score.scaled when has_score */
    bool voids;                     /* verb is XAPI_VERB_VOIDED: object is the voided statement's id */
} XapiStatement;

/* Check `st` and fill `out` (strings in `a` or borrowed from `st`).
 * LN_OK, or LN_EINVAL with *why: an English sentence naming the member at
 * fault by its path ("actor.mbox must start with \"mailto:\""). */
int xapi_statement_check(Arena *a, const json_t *st, XapiStatement *out, const char **why);

/* An Agent (or identified Group) alone, as the actor of a statement or the
 * "agent" parameter of a query: its identifier and address as in
 * XapiStatement.actor and .actor_email.  LN_OK, or LN_EINVAL with *why. */
int xapi_agent_check(Arena *a, const json_t *agent, const char **actor, const char **actor_email, const char **why);

/* ISO 8601 duration as xAPI uses it: "P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]"
 * with at least one part, a fraction only on seconds; years count 365 days,
 * months 30.  Into milliseconds (fractions below a millisecond dropped).
 * false when malformed or beyond 100 years. */
bool xapi_parse_duration(const char *s, int64_t *ms);
/* "P" + the shortest form of `ms` ("PT1H30M", "PT0.5S", "PT0S"), into buf
 * (at least 32 bytes). */
void xapi_format_duration(int64_t ms, char *buf, size_t n);

/* ISO 8601 / RFC 3339 date-time: "2026-11-28T09:30:00Z",
 * "2026-11-28T09:30:00.123+01:00", "...-0500"; seconds required, fractions
 * of any length (kept to the microsecond), zone required ("Z" or ±HH:MM or
 * ±HHMM).  Into UTC microseconds.  false when malformed or out of range
 * (years 1970 to 9999). */
bool xapi_parse_timestamp(const char *s, UsTime *out);

/* A UUID in 8-4-4-4-12 hex form, any case. */
bool xapi_uuid_valid(const char *s);
/* A fresh random (version 4) UUID in lower case into out[XAPI_UUID_LEN + 1]. */
void xapi_uuid_random(char out[XAPI_UUID_LEN + 1]);
/* An absolute IRI: a scheme ([A-Za-z][A-Za-z0-9+.-]*), ':', then at least one
 * character, no space or control character, at most XAPI_IRI_MAX bytes. */
bool xapi_iri_valid(const char *s);

#endif
