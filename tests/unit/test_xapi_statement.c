/* test_xapi_statement.c — checking xAPI statements and the ISO 8601,
 * UUID and IRI helpers (src/xapi/statement.c).  Pure: no database. */
#include "testutil.h"
#include "xapi/statement.h"

#include <sodium.h>

static int arena_setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int arena_teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* The pieces most statements share. */
#define ACTOR "\"actor\":{\"mbox\":\"mailto:alice@example.org\"}"
#define VERB "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/completed\",\"display\":{\"en-US\":\"completed\"}}"
#define OBJECT "\"object\":{\"id\":\"https://lectern.example/courses/7\"}"
#define UUID_UP "A1B2C3D4-E5F6-4789-8ABC-DEF012345678"
#define UUID_LOW "a1b2c3d4-e5f6-4789-8abc-def012345678"

/* Parse `text` (the test's own JSON: it must parse), check it; the JSON is
 * released with the arena so borrowed strings stay valid. */
static int check_text(Arena *a, const char *text, XapiStatement *st, const char **why)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!j) fail_msg("test JSON does not parse: %s: %s", err.text, text);
    arena_on_free(a, (ArenaCleanup)json_decref, j);
    return xapi_statement_check(a, j, st, why);
}

static void accepted(Arena *a, const char *text, XapiStatement *st)
{
    const char *why;
    int rc = check_text(a, text, st, &why);
    if (rc != LN_OK) fail_msg("refused (%s): %s", why ? why : "no reason", text);
    assert_null(why);
}

/* Refused, with `want` somewhere in the reason. */
static void refused(Arena *a, const char *text, const char *want)
{
    XapiStatement st;
    const char *why = NULL;
    int rc = check_text(a, text, &st, &why);
    if (rc != LN_EINVAL) fail_msg("accepted (rc %d), expected \"%s\": %s", rc, want, text);
    if (!why || !strstr(why, want)) fail_msg("reason \"%s\" lacks \"%s\" for %s", why ? why : "(null)", want, text);
}

/* ======================================================================
 * Accepted statements
 * ==================================================================== */

static void test_mbox_full(void **state)
{
    XapiStatement st;
    accepted(*state,
             "{\"id\":\"" UUID_UP "\",\"actor\":{\"name\":\"Alice\",\"mbox\":\"mailto:Alice.Martin@Example.ORG\"},"
             VERB "," OBJECT ",\"result\":{\"duration\":\"PT1H30M\",\"completion\":true,\"success\":false,"
             "\"score\":{\"scaled\":0.85,\"raw\":17,\"min\":0,\"max\":20},\"response\":\"x\"},"
             "\"context\":{\"registration\":\"" UUID_UP "\",\"language\":\"fr\"},"
             "\"timestamp\":\"2026-11-28T10:00:00+01:00\",\"stored\":\"whatever\",\"authority\":{},"
             "\"version\":\"1.0.3\",\"attachments\":[]}",
             &st);
    assert_string_equal(st.id, UUID_LOW);
    assert_string_equal(st.actor, "mailto:alice.martin@example.org");
    assert_string_equal(st.actor_email, "alice.martin@example.org");
    assert_string_equal(st.verb, "http://adlnet.gov/expapi/verbs/completed");
    assert_string_equal(st.object, "https://lectern.example/courses/7");
    assert_string_equal(st.object_type, "Activity");
    assert_string_equal(st.registration, UUID_LOW);
    UsTime t;
    assert_true(xapi_parse_timestamp("2026-11-28T09:00:00Z", &t));
    assert_int_equal(st.timestamp, t);
    assert_int_equal(st.duration_ms, 90 * 60 * 1000);
    assert_int_equal(st.completion, 1);
    assert_int_equal(st.success, 0);
    assert_true(st.has_score);
    assert_true(st.score_scaled > 0.8499 && st.score_scaled < 0.8501);
    assert_false(st.voids);
}

static void test_minimal_defaults(void **state)
{
    XapiStatement st;
    accepted(*state, "{" ACTOR "," VERB "," OBJECT "}", &st);
    assert_string_equal(st.id, "");
    assert_string_equal(st.registration, "");
    assert_int_equal(st.timestamp, 0);
    assert_int_equal(st.duration_ms, -1);
    assert_int_equal(st.completion, -1);
    assert_int_equal(st.success, -1);
    assert_false(st.has_score);
    assert_false(st.voids);
    /* An integer score and a result without one. */
    accepted(*state, "{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"scaled\":1}}}", &st);
    assert_true(st.has_score);
    assert_true(st.score_scaled == 1.0);
    accepted(*state, "{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"raw\":3.5}}}", &st);
    assert_false(st.has_score);
    accepted(*state, "{" ACTOR "," VERB "," OBJECT ",\"version\":\"1.0\"}", &st);
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"Activity\",\"id\":\"urn:x\","
             "\"definition\":{\"name\":{\"en\":\"X\"}}}}", &st);
}

static void test_account(void **state)
{
    XapiStatement st;
    accepted(*state, "{\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"https://lectern.example\","
             "\"name\":\"Bob.Durand@Example.com\"}}," VERB "," OBJECT "}", &st);
    assert_string_equal(st.actor, "account:https://lectern.example|Bob.Durand@Example.com");
    assert_string_equal(st.actor_email, "bob.durand@example.com");
    /* A name that is not an address gives none. */
    accepted(*state, "{\"actor\":{\"account\":{\"homePage\":\"https://lectern.example\",\"name\":\"u1234\"}},"
             VERB "," OBJECT "}", &st);
    assert_string_equal(st.actor, "account:https://lectern.example|u1234");
    assert_string_equal(st.actor_email, "");
    /* No dot in the domain, two '@', a space: not addresses either. */
    const char *names[] = {"bob@localhost", "a@b@c.org", "bob smith@x.org", "@x.org"};
    for (size_t i = 0; i < LN_ARRAY_LEN(names); i++) {
        char *text = arena_printf(*state, "{\"actor\":{\"account\":{\"homePage\":\"https://h.example\","
                                  "\"name\":\"%s\"}}," VERB "," OBJECT "}", names[i]);
        accepted(*state, text, &st);
        assert_string_equal(st.actor_email, "");
    }
}

static void test_openid_sha1(void **state)
{
    XapiStatement st;
    accepted(*state, "{\"actor\":{\"openid\":\"https://id.example/alice\"}," VERB "," OBJECT "}", &st);
    assert_string_equal(st.actor, "openid:https://id.example/alice");
    assert_string_equal(st.actor_email, "");
    accepted(*state, "{\"actor\":{\"mbox_sha1sum\":\"ABCDEF0123456789ABCDEF0123456789ABCDEF01\"},"
             VERB "," OBJECT "}", &st);
    assert_string_equal(st.actor, "sha1:abcdef0123456789abcdef0123456789abcdef01");
    assert_string_equal(st.actor_email, "");
}

static void test_groups(void **state)
{
    XapiStatement st;
    accepted(*state, "{\"actor\":{\"objectType\":\"Group\",\"name\":\"Team\",\"mbox\":\"mailto:team@example.org\","
             "\"member\":[{\"mbox\":\"mailto:a@example.org\"},{\"objectType\":\"Agent\",\"openid\":\"https://i.example/b\"}]},"
             VERB "," OBJECT "}", &st);
    assert_string_equal(st.actor, "mailto:team@example.org");
    /* An agent or a group as the object. */
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"Agent\",\"mbox\":\"mailto:Bob@Example.org\"}}", &st);
    assert_string_equal(st.object_type, "Agent");
    assert_string_equal(st.object, "mailto:bob@example.org");
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"Group\",\"account\":"
             "{\"homePage\":\"https://h.example\",\"name\":\"g1\"}}}", &st);
    assert_string_equal(st.object_type, "Group");
    assert_string_equal(st.object, "account:https://h.example|g1");
}

static void test_statement_ref_and_voiding(void **state)
{
    XapiStatement st;
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" UUID_UP "\"}}", &st);
    assert_string_equal(st.object_type, "StatementRef");
    assert_string_equal(st.object, UUID_LOW);
    assert_false(st.voids);
    accepted(*state, "{" ACTOR ",\"verb\":{\"id\":\"" XAPI_VERB_VOIDED "\"},"
             "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" UUID_UP "\"}}", &st);
    assert_true(st.voids);
    assert_string_equal(st.object, UUID_LOW);
}

static void test_substatement(void **state)
{
    XapiStatement st;
    accepted(*state, "{" ACTOR ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/planned\"},"
             "\"object\":{\"objectType\":\"SubStatement\",\"actor\":{\"mbox\":\"mailto:Carol@example.org\"},"
             "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/attended\"},"
             "\"object\":{\"id\":\"https://lectern.example/sessions/3\"},"
             "\"result\":{\"duration\":\"PT2H\"},\"timestamp\":\"2026-12-01T14:00:00Z\"}}", &st);
    assert_string_equal(st.object_type, "SubStatement");
    assert_string_equal(st.object, "https://lectern.example/sessions/3");
    /* The outer statement keeps its own actor, result and timestamp. */
    assert_string_equal(st.actor, "mailto:alice@example.org");
    assert_string_equal(st.verb, "http://adlnet.gov/expapi/verbs/planned");
    assert_int_equal(st.duration_ms, -1);
    assert_int_equal(st.timestamp, 0);
    /* A SubStatement about an agent is filed under no id. */
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB ","
             "\"object\":{\"objectType\":\"Agent\",\"mbox\":\"mailto:d@example.org\"}}}", &st);
    assert_string_equal(st.object, "");
    /* About a statement: its UUID in lower case. */
    accepted(*state, "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB ","
             "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" UUID_UP "\"}}}", &st);
    assert_string_equal(st.object, UUID_LOW);
}

/* ======================================================================
 * Refused statements
 * ==================================================================== */

typedef struct Refusal {
    const char *json;
    const char *why;
} Refusal;

static const Refusal REFUSALS[] = {
    /* shape and top level */
    {"[]", "must be a JSON object"},
    {"{" VERB "," OBJECT "}", "actor is missing"},
    {"{" ACTOR "," OBJECT "}", "verb is missing"},
    {"{" ACTOR "," VERB "}", "object is missing"},
    {"{" ACTOR "," VERB "," OBJECT ",\"foo\":1}", "unknown top-level member \"foo\""},
    {"{" ACTOR "," VERB "," OBJECT ",\"Actor\":1}", "unknown top-level member \"Actor\""},
    {"{\"id\":\"1234\"," ACTOR "," VERB "," OBJECT "}", "id must be a UUID"},
    {"{\"id\":\"" UUID_LOW "x\"," ACTOR "," VERB "," OBJECT "}", "id must be a UUID"},
    {"{\"id\":7," ACTOR "," VERB "," OBJECT "}", "id must be a UUID"},
    {"{" ACTOR "," VERB "," OBJECT ",\"version\":\"2.0.0\"}", "version must be a 1.0.x version"},
    {"{" ACTOR "," VERB "," OBJECT ",\"version\":\"1.05\"}", "version must be a 1.0.x version"},
    {"{" ACTOR "," VERB "," OBJECT ",\"version\":103}", "version must be a 1.0.x version"},
    {"{" ACTOR "," VERB "," OBJECT ",\"attachments\":{}}", "attachments must be an array"},
    /* actor */
    {"{\"actor\":\"alice\"," VERB "," OBJECT "}", "actor must be an object"},
    {"{\"actor\":{\"name\":\"Alice\"}," VERB "," OBJECT "}",
     "actor must have exactly one of mbox, mbox_sha1sum, openid, account"},
    {"{\"actor\":{\"mbox\":\"mailto:a@example.org\",\"openid\":\"https://i.example/a\"}," VERB "," OBJECT "}",
     "actor must have exactly one of mbox, mbox_sha1sum, openid, account"},
    {"{\"actor\":{\"mbox\":\"a@example.org\"}," VERB "," OBJECT "}", "actor.mbox must start with \"mailto:\""},
    {"{\"actor\":{\"mbox\":\"mailto:a.example.org\"}," VERB "," OBJECT "}", "actor.mbox must be \"mailto:\" followed"},
    {"{\"actor\":{\"mbox\":\"mailto:a@b@example.org\"}," VERB "," OBJECT "}", "actor.mbox must be \"mailto:\" followed"},
    {"{\"actor\":{\"mbox\":\"mailto:@example.org\"}," VERB "," OBJECT "}", "actor.mbox must be \"mailto:\" followed"},
    {"{\"actor\":{\"mbox\":\"mailto:a@\"}," VERB "," OBJECT "}", "actor.mbox must be \"mailto:\" followed"},
    {"{\"actor\":{\"mbox\":\"mailto:a b@example.org\"}," VERB "," OBJECT "}", "actor.mbox must be \"mailto:\" followed"},
    {"{\"actor\":{\"mbox\":[\"mailto:a@example.org\"]}," VERB "," OBJECT "}", "actor.mbox must start with"},
    {"{\"actor\":{\"mbox_sha1sum\":\"abc\"}," VERB "," OBJECT "}", "actor.mbox_sha1sum must be 40 hexadecimal digits"},
    {"{\"actor\":{\"openid\":\"alice\"}," VERB "," OBJECT "}", "actor.openid must be an absolute IRI"},
    {"{\"actor\":{\"account\":\"x\"}," VERB "," OBJECT "}", "actor.account must be an object"},
    {"{\"actor\":{\"account\":{\"homePage\":\"lectern.example\",\"name\":\"u\"}}," VERB "," OBJECT "}",
     "actor.account.homePage must be an absolute IRI"},
    {"{\"actor\":{\"account\":{\"homePage\":\"https://h.example|x\",\"name\":\"u\"}}," VERB "," OBJECT "}",
     "actor.account.homePage must be an absolute IRI"},
    {"{\"actor\":{\"account\":{\"homePage\":\"https://h.example\",\"name\":\"\"}}," VERB "," OBJECT "}",
     "actor.account.name must be a non-empty string"},
    {"{\"actor\":{\"account\":{\"homePage\":\"https://h.example\"}}," VERB "," OBJECT "}",
     "actor.account.name must be a non-empty string"},
    {"{\"actor\":{\"objectType\":\"Person\",\"mbox\":\"mailto:a@example.org\"}," VERB "," OBJECT "}",
     "actor.objectType must be \"Agent\" or \"Group\""},
    {"{\"actor\":{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.org\"}]}," VERB "," OBJECT "}",
     "actor is an anonymous Group"},
    {"{\"actor\":{\"objectType\":\"Group\",\"mbox\":\"mailto:t@example.org\",\"member\":[{\"name\":\"x\"}]},"
     VERB "," OBJECT "}", "actor.member[0] must have exactly one of"},
    {"{\"actor\":{\"objectType\":\"Group\",\"mbox\":\"mailto:t@example.org\",\"member\":{}}," VERB "," OBJECT "}",
     "actor.member must be an array"},
    {"{\"actor\":{\"mbox\":\"mailto:t@example.org\",\"member\":[]}," VERB "," OBJECT "}",
     "actor.member is only allowed in a Group"},
    {"{\"actor\":{\"mbox\":\"mailto:t@example.org\",\"name\":5}," VERB "," OBJECT "}", "actor.name must be a string"},
    /* verb */
    {"{" ACTOR ",\"verb\":{\"display\":{\"en\":\"did\"}}," OBJECT "}", "verb.id is missing"},
    {"{" ACTOR ",\"verb\":{\"id\":\"completed\"}," OBJECT "}", "verb.id must be an absolute IRI"},
    {"{" ACTOR ",\"verb\":{\"id\":\"/verbs/completed\"}," OBJECT "}", "verb.id must be an absolute IRI"},
    {"{" ACTOR ",\"verb\":{\"id\":\"http://x.example/a b\"}," OBJECT "}", "verb.id must be an absolute IRI"},
    {"{" ACTOR ",\"verb\":\"http://x.example/v\"," OBJECT "}", "verb must be an object"},
    {"{" ACTOR ",\"verb\":{\"id\":\"http://x.example/v\",\"display\":{\"en\":1}}," OBJECT "}",
     "verb.display must be a language map"},
    /* object */
    {"{" ACTOR "," VERB ",\"object\":{\"id\":\"courses/7\"}}", "object.id must be an absolute IRI"},
    {"{" ACTOR "," VERB ",\"object\":{}}", "object.id is missing"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"Course\",\"id\":\"urn:x\"}}", "object.objectType must be"},
    {"{" ACTOR "," VERB ",\"object\":{\"id\":\"urn:x\",\"definition\":[]}}", "object.definition must be an object"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"StatementRef\",\"id\":\"urn:x\"}}", "object.id must be a UUID"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"Agent\",\"name\":\"x\"}}", "object must have exactly one of"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB ","
     "\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB "," OBJECT "}}}",
     "object.object cannot be a SubStatement"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," VERB "," OBJECT "}}",
     "object.actor is missing"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR ",\"verb\":{\"id\":\"v\"}," OBJECT "}}",
     "object.verb.id must be an absolute IRI"},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\",\"id\":\"" UUID_LOW "\"," ACTOR "," VERB ","
     OBJECT "}}", "unknown member \"id\""},
    {"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB "," OBJECT
     ",\"result\":{\"duration\":\"1h\"}}}", "object.result.duration must be an ISO 8601 duration"},
    /* result */
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":[]}", "result must be an object"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"scaled\":1.5}}}",
     "result.score.scaled must be a number from -1 to 1"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"scaled\":-2}}}",
     "result.score.scaled must be a number from -1 to 1"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"scaled\":\"0.5\"}}}",
     "result.score.scaled must be a number from -1 to 1"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"raw\":21,\"min\":0,\"max\":20}}}",
     "result.score.raw must be between result.score.min and result.score.max"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"raw\":-1,\"min\":0}}}",
     "result.score.raw must be between"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"min\":5,\"max\":2}}}",
     "result.score.min must not be greater than result.score.max"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":{\"raw\":\"3\"}}}", "result.score.raw must be a number"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"score\":5}}", "result.score must be an object"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"completion\":\"yes\"}}", "result.completion must be true or false"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"success\":1}}", "result.success must be true or false"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"duration\":\"P1H\"}}", "result.duration must be an ISO 8601 duration"},
    {"{" ACTOR "," VERB "," OBJECT ",\"result\":{\"duration\":3600}}", "result.duration must be an ISO 8601 duration"},
    /* context, timestamp */
    {"{" ACTOR "," VERB "," OBJECT ",\"context\":{\"registration\":\"abc\"}}", "context.registration must be a UUID"},
    {"{" ACTOR "," VERB "," OBJECT ",\"context\":\"x\"}", "context must be an object"},
    {"{" ACTOR "," VERB "," OBJECT ",\"timestamp\":\"2026-11-28T09:30:00\"}", "timestamp must be an ISO 8601 date-time"},
    {"{" ACTOR "," VERB "," OBJECT ",\"timestamp\":\"2027-02-29T09:30:00Z\"}", "timestamp must be an ISO 8601 date-time"},
    {"{" ACTOR "," VERB "," OBJECT ",\"timestamp\":1764322200}", "timestamp must be an ISO 8601 date-time"},
    /* voiding */
    {"{" ACTOR ",\"verb\":{\"id\":\"" XAPI_VERB_VOIDED "\"}," OBJECT "}",
     "a voiding statement (verb " XAPI_VERB_VOIDED ") must have a StatementRef object"},
    {"{" ACTOR ",\"verb\":{\"id\":\"" XAPI_VERB_VOIDED "\"},\"object\":{\"objectType\":\"SubStatement\","
     ACTOR "," VERB ",\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" UUID_LOW "\"}}}",
     "must have a StatementRef object"},
};

static void test_refusals(void **state)
{
    for (size_t i = 0; i < LN_ARRAY_LEN(REFUSALS); i++) refused(*state, REFUSALS[i].json, REFUSALS[i].why);
}

/* What JSON text cannot say: a NUL inside a string, a non-object. */
static void test_refusals_built(void **state)
{
    Arena *a = *state;
    XapiStatement st;
    const char *why;
    json_t *j = json_pack("{s:{s:s},s:{s:s%},s:{s:s}}", "actor", "mbox", "mailto:a@example.org", "verb", "id",
                          "http://x.example/v\0http", (size_t)22, "object", "id", "urn:x");
    assert_non_null(j);
    assert_int_equal(xapi_statement_check(a, j, &st, &why), LN_EINVAL);
    assert_non_null(strstr(why, "verb.id must be an absolute IRI"));
    json_decref(j);
    j = json_integer(3);
    assert_int_equal(xapi_statement_check(a, j, &st, &why), LN_EINVAL);
    assert_non_null(why);
    json_decref(j);
    /* A member name too long to quote is still refused. */
    char key[200];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    refused(a, arena_printf(a, "{" ACTOR "," VERB "," OBJECT ",\"%s\":1}", key), "unknown top-level member");
}

/* An IRI may be XAPI_IRI_MAX bytes long, not one more. */
static void test_iri_length(void **state)
{
    Arena *a = *state;
    char *iri = arena_alloc(a, XAPI_IRI_MAX + 2);
    memcpy(iri, "urn:", 4);
    memset(iri + 4, 'x', XAPI_IRI_MAX - 4);
    assert_true(xapi_iri_valid(iri));
    XapiStatement st;
    accepted(a, arena_printf(a, "{" ACTOR "," VERB ",\"object\":{\"id\":\"%s\"}}", iri), &st);
    iri[XAPI_IRI_MAX] = 'x';
    assert_false(xapi_iri_valid(iri));
    refused(a, arena_printf(a, "{" ACTOR "," VERB ",\"object\":{\"id\":\"%s\"}}", iri), "object.id must be an absolute IRI");
}

/* ======================================================================
 * Durations
 * ==================================================================== */

#define SEC INT64_C(1000)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static void test_duration_valid(void **state)
{
    static const struct {
        const char *s;
        int64_t ms;
    } ok[] = {
        {"PT0S", 0},
        {"P0D", 0},
        {"P4W", 28 * DAY},
        {"P1D", DAY},
        {"PT1H30M", HOUR + 30 * MIN},
        {"PT90M", 90 * MIN},
        {"PT7.891S", 7891},
        {"PT0.5S", 500},
        {"PT0.0001S", 0},
        {"PT1.23456789S", 1234},
        {"P1M", 30 * DAY},
        {"PT1M", MIN},
        {"P1Y", 365 * DAY},
        {"P1Y2M3W4DT5H6M7.891S", 365 * DAY + 60 * DAY + 21 * DAY + 4 * DAY + 5 * HOUR + 6 * MIN + 7891},
        {"P100Y", 36500 * DAY},
        {"PT3153600000S", 36500 * DAY},
        {"P00000000000000000000000000001D", DAY},
        {"PT0000000000000000000000000000000000S", 0},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(ok); i++) {
        int64_t ms = -2;
        if (!xapi_parse_duration(ok[i].s, &ms)) fail_msg("\"%s\" refused", ok[i].s);
        if (ms != ok[i].ms) fail_msg("\"%s\": %lld ms, expected %lld", ok[i].s, (long long)ms, (long long)ok[i].ms);
    }
}

static void test_duration_invalid(void **state)
{
    static const char *const bad[] = {
        "", "P", "PT", "P1DT", "P1H", "P1S", "T1H", "1D", "-P1D", "P-1D", "PT-1S", "p1d", "PT1h",
        "P1.5D", "PT1.5M", "PT1.S", "PT.5S", "PT1,5S", "P1D1Y", "P1Y1Y", "PT1S1H", "PT1H1H", "P1DT1H1D",
        "P1 D", " P1D", "P1D ", "PTS", "PT1HT1M", "P1W1Y",
        "P101Y", "P36501D", "PT3153600001S", "P100Y1D",              /* beyond 100 years */
        "P99999999999999999999999999999999999999D",                  /* overflow-length digit strings */
        "PT99999999999999999999999999999999999999999999999999999S",
        "PT9223372036854775807S", "PT9223372036854775808H", "P18446744073709551617Y",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        int64_t ms = -2;
        if (xapi_parse_duration(bad[i], &ms)) fail_msg("\"%s\" accepted as %lld ms", bad[i], (long long)ms);
    }
    int64_t ms;
    assert_false(xapi_parse_duration(NULL, &ms));
}

static void test_duration_format(void **state)
{
    static const struct {
        int64_t ms;
        const char *s;
    } cases[] = {
        {0, "PT0S"},           {500, "PT0.5S"},         {50, "PT0.05S"},     {1, "PT0.001S"},
        {1230, "PT1.23S"},     {HOUR + 30 * MIN, "PT1H30M"}, {DAY, "P1D"}, {DAY + SEC, "P1DT1S"},
        {2 * HOUR, "PT2H"},    {59 * SEC + 999, "PT59.999S"}, {36500 * DAY, "P36500D"},
        {-5, "PT0S"},
    };
    char buf[32];
    for (size_t i = 0; i < LN_ARRAY_LEN(cases); i++) {
        xapi_format_duration(cases[i].ms, buf, sizeof buf);
        assert_string_equal(buf, cases[i].s);
    }
    /* Round trips, the largest too. */
    static const int64_t ms[] = {0, 1, 999, 1000, 61001, HOUR - 1, DAY - 1, 7 * DAY + 3 * HOUR + 7, 36500 * DAY,
                                 36500 * DAY - 1, 123456789012};
    for (size_t i = 0; i < LN_ARRAY_LEN(ms); i++) {
        int64_t back = -1;
        xapi_format_duration(ms[i], buf, sizeof buf);
        if (!xapi_parse_duration(buf, &back) || back != ms[i])
            fail_msg("%lld → \"%s\" → %lld", (long long)ms[i], buf, (long long)back);
    }
    xapi_format_duration(INT64_MAX, buf, sizeof buf);
    assert_true(strlen(buf) < sizeof buf - 1);
}

/* ======================================================================
 * Timestamps
 * ==================================================================== */

static UsTime ts(const char *s)
{
    UsTime t = -1;
    if (!xapi_parse_timestamp(s, &t)) fail_msg("\"%s\" refused", s);
    return t;
}

static void test_timestamp_valid(void **state)
{
    assert_int_equal(ts("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(ts("1970-01-01T00:00:01Z"), US_PER_SEC);
    /* 2026-11-28T09:00:00Z = 1795856400 (days_from_civil checked by hand: 20785 days). */
    assert_int_equal(ts("2026-11-28T09:00:00Z"), INT64_C(1795856400) * US_PER_SEC);
    assert_int_equal(ts("2026-11-28T10:00:00+01:00"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28T10:00:00+0100"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28T04:00:00-0500"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28T04:00:00-05:00"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28T09:00:00-00:00"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28t09:00:00z"), ts("2026-11-28T09:00:00Z"));
    assert_int_equal(ts("2026-11-28T23:30:00-23:59"), ts("2026-11-29T23:29:00Z"));
    assert_int_equal(ts("2026-11-28T09:00:00.5Z"), ts("2026-11-28T09:00:00Z") + 500000);
    assert_int_equal(ts("2026-11-28T09:00:00.123456789Z"), ts("2026-11-28T09:00:00Z") + 123456);
    assert_int_equal(ts("2026-11-28T09:00:00.000001+01:00"), ts("2026-11-28T08:00:00Z") + 1);
    assert_int_equal(ts("2028-02-29T12:00:00Z") + 12 * 3600 * US_PER_SEC, ts("2028-03-01T00:00:00Z"));
    assert_int_equal(ts("2000-02-29T00:00:00Z") + 86400 * US_PER_SEC, ts("2000-03-01T00:00:00Z"));
    assert_int_equal(ts("2026-12-31T23:59:59Z") + US_PER_SEC, ts("2027-01-01T00:00:00Z"));
    assert_true(ts("9999-12-31T23:59:59.999999-23:59") > ts("9999-01-01T00:00:00Z"));
}

static void test_timestamp_invalid(void **state)
{
    static const char *const bad[] = {
        "", "2026-11-28T09:30:00", "2026-11-28", "2026-11-28T09:30Z", "2026-11-28 09:30:00Z",
        "2027-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-11-28T24:00:00Z",
        "2026-11-28T23:60:00Z", "2026-11-28T23:59:60Z", "2026-11-28T09:30:00+24:00", "2026-11-28T09:30:00+01:60",
        "2026-11-28T09:30:00+01", "2026-11-28T09:30:00+1:00", "2026-11-28T09:30:00+01:00:00",
        "2026-11-28T09:30:00.Z", "2026-11-28T09:30:00,5Z", "2026-11-28T09:30:00ZZ", "2026-11-28T09:30:00Z ",
        " 2026-11-28T09:30:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:30:00+01:00", "10000-01-01T00:00:00Z",
        "026-11-28T09:30:00Z", "2026-1-28T09:30:00Z", "2026-11-28T9:30:00Z", "+2026-11-28T09:30:00Z",
        "2026-11-28T09:30:00+01:0", "2026-11-28T09:30:00+0100Z", "2026/11/28T09:30:00Z",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        UsTime t;
        if (xapi_parse_timestamp(bad[i], &t)) fail_msg("\"%s\" accepted", bad[i]);
    }
    UsTime t;
    assert_false(xapi_parse_timestamp(NULL, &t));
}

/* ======================================================================
 * UUIDs and IRIs
 * ==================================================================== */

static void test_uuid(void **state)
{
    assert_true(xapi_uuid_valid(UUID_LOW));
    assert_true(xapi_uuid_valid(UUID_UP));
    assert_false(xapi_uuid_valid(NULL));
    assert_false(xapi_uuid_valid(""));
    assert_false(xapi_uuid_valid("a1b2c3d4e5f6-4789-8abc-def012345678a"));
    assert_false(xapi_uuid_valid("a1b2c3d4-e5f6-4789-8abc-def01234567"));
    assert_false(xapi_uuid_valid("a1b2c3d4-e5f6-4789-8abc-def0123456789"));
    assert_false(xapi_uuid_valid("g1b2c3d4-e5f6-4789-8abc-def012345678"));
    assert_false(xapi_uuid_valid("{a1b2c3d4-e5f6-4789-8abc-def01234567}"));
    char seen[64][XAPI_UUID_LEN + 1];
    for (int i = 0; i < 64; i++) {
        xapi_uuid_random(seen[i]);
        assert_true(xapi_uuid_valid(seen[i]));
        assert_int_equal(seen[i][14], '4');
        assert_non_null(strchr("89ab", seen[i][19]));
        for (const char *p = seen[i]; *p; p++) assert_false(*p >= 'A' && *p <= 'F');
        for (int j = 0; j < i; j++) assert_string_not_equal(seen[i], seen[j]);
    }
}

static void test_iri(void **state)
{
    static const char *const ok[] = {"http://adlnet.gov/expapi/verbs/completed", "urn:uuid:" UUID_LOW, "a:b",
                                     "mailto:x@example.org", "x-y.z+1:opaque", "https://exemple.fr/événement"};
    static const char *const bad[] = {NULL, "", "completed", "/verbs/x", "1http://x", "http:", ":x",
                                      "http ://x", "http://x y", "http://x\ty", "ht_tp://x",
                                      "http://x\x7f", "http://x\xc2\x85y"};
    for (size_t i = 0; i < LN_ARRAY_LEN(ok); i++)
        if (!xapi_iri_valid(ok[i])) fail_msg("\"%s\" refused", ok[i]);
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++)
        if (xapi_iri_valid(bad[i])) fail_msg("\"%s\" accepted", bad[i]);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_mbox_full),
        T(test_minimal_defaults),
        T(test_account),
        T(test_openid_sha1),
        T(test_groups),
        T(test_statement_ref_and_voiding),
        T(test_substatement),
        T(test_refusals),
        T(test_refusals_built),
        T(test_iri_length),
        T(test_duration_valid),
        T(test_duration_invalid),
        T(test_duration_format),
        T(test_timestamp_valid),
        T(test_timestamp_invalid),
        T(test_uuid),
        T(test_iri),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
