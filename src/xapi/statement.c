/* statement.c — checking an xAPI 1.0.3 statement and reading out the fields
 * the LRS files it under; ISO 8601 durations and date-times; UUIDs and IRIs
 * (statement.h).  Pure functions: no database, no I/O, no global state.
 *
 * The checker never trusts the JSON's shape: every member's type is tested
 * before it is read, since the input comes from any LRS client (and from
 * fuzz/fuzz_xapi.c). */
#include "xapi/statement.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DAY_MS (INT64_C(86400) * 1000)
#define DURATION_MAX_MS (INT64_C(100) * 365 * DAY_MS)   /* 100 years */
#define NAME_MAX_BYTES XAPI_IRI_MAX                     /* account.name */
#define KEY_SHOWN_MAX 64        /* longest unknown member name quoted in a message */

/* ======================================================================
 * Small checks on strings
 * ==================================================================== */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A space or a control character: C0, DEL, or C1 (U+0080..U+009F, which
 * UTF-8 writes as 0xC2 0x80..0x9F) at s[i]. */
static bool is_space_or_control(const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c == 0x7f) return true;
    return c == 0xc2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f;
}

bool xapi_uuid_valid(const char *s)
{
    if (!s) return false;
    for (int i = 0; i < XAPI_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return s[XAPI_UUID_LEN] == '\0';
}

void xapi_uuid_random(char out[XAPI_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);     /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

bool xapi_iri_valid(const char *s)
{
    if (!s || !is_alpha(s[0])) return false;
    size_t i = 1;
    while (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-') i++;
    if (s[i] != ':' || s[i + 1] == '\0') return false;
    for (i++; s[i]; i++)
        if (i >= XAPI_IRI_MAX || is_space_or_control(s, i)) return false;
    return true;
}

/* An e-mail address as we accept it: exactly one '@' with something on
 * each side, no space or control character, at most XAPI_IRI_MAX bytes;
 * with `need_dot`, a '.' in the domain too. */
static bool address_valid(const char *s, bool need_dot)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || at[1] == '\0' || strchr(at + 1, '@')) return false;
    if (need_dot && !strchr(at + 1, '.')) return false;
    for (size_t i = 0; s[i]; i++)
        if (i >= XAPI_IRI_MAX || is_space_or_control(s, i)) return false;
    return true;
}

static char *lower_dup(Arena *a, const char *s)
{
    char *d = arena_strdup(a, s);
    str_ascii_lower(d);
    return d;
}

/* ======================================================================
 * Durations: "P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]"
 * ==================================================================== */

typedef struct DurUnit {
    char letter;
    int64_t ms;
} DurUnit;

static const DurUnit DATE_UNITS[] = {{'Y', 365 * DAY_MS}, {'M', 30 * DAY_MS}, {'W', 7 * DAY_MS}, {'D', DAY_MS}};
static const DurUnit TIME_UNITS[] = {{'H', 3600000}, {'M', 60000}, {'S', 1000}};

/* Digits at *p into *n, stopping with false once the value passes `max`
 * (so a digit string of any length cannot overflow). */
static bool dur_number(const char **p, int64_t max, int64_t *n)
{
    const char *s = *p;
    if (!is_digit(*s)) return false;
    *n = 0;
    for (; is_digit(*s); s++) {
        *n = *n * 10 + (*s - '0');
        if (*n > max) return false;
    }
    *p = s;
    return true;
}

/* ".f" at *p (at least one digit) into milliseconds, finer digits dropped. */
static bool dur_fraction(const char **p, int64_t *ms)
{
    const char *s = *p + 1;
    if (!is_digit(*s)) return false;
    int64_t scale = 100;
    *ms = 0;
    for (; is_digit(*s); s++, scale /= 10) *ms += (*s - '0') * scale;
    *p = s;
    return true;
}

/* One "n[.f]X" part at *p: X must be one of units[*next..], which then
 * moves past it. */
static bool dur_part(const char **p, const DurUnit *units, int nunits, int *next, int64_t *ms)
{
    int64_t n, frac = 0;
    if (!dur_number(p, DURATION_MAX_MS, &n)) return false;
    bool has_frac = **p == '.';
    if (has_frac && !dur_fraction(p, &frac)) return false;
    int k = *next;
    while (k < nunits && units[k].letter != **p) k++;
    if (k == nunits || (has_frac && units[k].letter != 'S')) return false;
    if (n > DURATION_MAX_MS / units[k].ms) return false;
    *ms = n * units[k].ms + frac;
    *next = k + 1;
    (*p)++;
    return true;
}

bool xapi_parse_duration(const char *s, int64_t *ms)
{
    if (!s || *s++ != 'P') return false;
    int64_t total = 0, part;
    int next = 0, parts = 0;
    while (*s && *s != 'T') {
        if (!dur_part(&s, DATE_UNITS, (int)LN_ARRAY_LEN(DATE_UNITS), &next, &part)) return false;
        total += part, parts++;
    }
    if (*s == 'T') {
        s++, next = 0;
        if (!*s) return false;                  /* "PT", "P1DT" */
        while (*s) {
            if (!dur_part(&s, TIME_UNITS, (int)LN_ARRAY_LEN(TIME_UNITS), &next, &part)) return false;
            total += part, parts++;
        }
    }
    /* At most 7 parts each within the cap: the sum cannot overflow. */
    if (parts == 0 || total > DURATION_MAX_MS) return false;
    *ms = total;
    return true;
}

void xapi_format_duration(int64_t ms, char *buf, size_t n)
{
    if (ms <= 0) {
        snprintf(buf, n, "PT0S");
        return;
    }
    /* Days at most: years and months are calendar units to other readers. */
    int64_t d = ms / DAY_MS, h = ms / 3600000 % 24, m = ms / 60000 % 60;
    int64_t s = ms / 1000 % 60, f = ms % 1000;
    char day[32] = "", hour[8] = "", min[8] = "", sec[16] = "";
    if (d) snprintf(day, sizeof day, "%lldD", (long long)d);
    if (h) snprintf(hour, sizeof hour, "%lldH", (long long)h);
    if (m) snprintf(min, sizeof min, "%lldM", (long long)m);
    if (f) {
        /* ".5" rather than ".500" */
        int digits = f % 100 == 0 ? 1 : f % 10 == 0 ? 2 : 3;
        int64_t shown = digits == 1 ? f / 100 : digits == 2 ? f / 10 : f;
        snprintf(sec, sizeof sec, "%lld.%0*lldS", (long long)s, digits, (long long)shown);
    } else if (s) {
        snprintf(sec, sizeof sec, "%lldS", (long long)s);
    }
    bool time = h || m || s || f;
    snprintf(buf, n, "P%s%s%s%s%s", day, time ? "T" : "", hour, min, sec);
}

/* ======================================================================
 * Date-times: "YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM|±HHMM)"
 * ==================================================================== */

/* Exactly `n` digits at *p into *v. */
static bool ts_digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i])) return false;
        *v = *v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return true;
}

/* The character c (or, when given, alt) at *p, then past it. */
static bool ts_char(const char **p, char c, char alt)
{
    if (**p != c && (!alt || **p != alt)) return false;
    (*p)++;
    return true;
}

/* ".f" of any length into microseconds, finer digits dropped; none is 0. */
static bool ts_fraction(const char **p, int64_t *us)
{
    *us = 0;
    if (**p != '.') return true;
    const char *s = *p + 1;
    if (!is_digit(*s)) return false;
    int64_t scale = 100000;
    for (; is_digit(*s); s++, scale /= 10) *us += (*s - '0') * scale;
    *p = s;
    return true;
}

/* "Z", "±HH:MM" or "±HHMM" ending the string, into seconds east of UTC. */
static bool ts_zone(const char *p, int *offset)
{
    int h, m;
    *offset = 0;
    if (ts_char(&p, 'Z', 'z')) return *p == '\0';
    int sign = *p == '-' ? -1 : 1;
    if (!ts_char(&p, '+', '-') || !ts_digits(&p, 2, &h)) return false;
    ts_char(&p, ':', 0);
    if (!ts_digits(&p, 2, &m) || *p != '\0' || h > 23 || m > 59) return false;
    *offset = sign * (h * 3600 + m * 60);
    return true;
}

bool xapi_parse_timestamp(const char *s, UsTime *out)
{
    if (!s) return false;
    const char *p = s;
    int y, mo, d, h, mi, sec, offset;
    int64_t us;
    if (!ts_digits(&p, 4, &y) || !ts_char(&p, '-', 0) || !ts_digits(&p, 2, &mo)
        || !ts_char(&p, '-', 0) || !ts_digits(&p, 2, &d) || !ts_char(&p, 'T', 't')
        || !ts_digits(&p, 2, &h) || !ts_char(&p, ':', 0) || !ts_digits(&p, 2, &mi)
        || !ts_char(&p, ':', 0) || !ts_digits(&p, 2, &sec) || !ts_fraction(&p, &us)
        || !ts_zone(p, &offset))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > time_month_days(y, mo) || h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t t = time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    if (t < 0) return false;                    /* before 1970 in UTC */
    *out = t * US_PER_SEC + us;
    return true;
}

/* ======================================================================
 * The statement checker
 * ==================================================================== */

/* What a check carries: the arena for results and, on refusal, why. */
typedef struct Chk {
    Arena *a;
    const char *why;
} Chk;

/* Refuse with a message; always false. */
static bool bad(Chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(Chk *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->why = arena_vprintf(c->a, fmt, ap);
    va_end(ap);
    return false;
}

/* `pfx` + `name`: the path of a member for messages ("object." "actor"). */
static const char *path(Chk *c, const char *pfx, const char *name)
{
    return arena_printf(c->a, "%s%s", pfx, name);
}

/* The value of a string member when it is a string of valid UTF-8 without
 * NUL, else NULL (absent, another type, or a string built without checks). */
static const char *str_of(const json_t *v)
{
    if (!json_is_string(v)) return NULL;
    const char *s = json_string_value(v);
    return utf8_valid(s, json_string_length(v)) ? s : NULL;
}

/* A required string member that must pass `ok`; *out on success. */
static bool need_str(Chk *c, const json_t *o, const char *p, const char *key,
                     bool (*ok)(const char *), const char *what, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = str_of(v);
    if (!v) return bad(c, "%s.%s is missing", p, key);
    if (!*out || !ok(*out)) return bad(c, "%s.%s must be %s", p, key, what);
    return true;
}

/* A language map: an object whose members are all strings. */
static bool lang_map_valid(const json_t *v)
{
    const char *k;
    const json_t *x;
    if (!json_is_object(v)) return false;
    json_object_foreach((json_t *)v, k, x)
        if (!str_of(x)) return false;
    return true;
}

/* ---- agents and groups -------------------------------------------------- */

static const char *const IFI_KEYS[] = {"mbox", "mbox_sha1sum", "openid", "account", NULL};

static bool sha1_valid(const char *s)
{
    for (int i = 0; i < 40; i++)
        if (!is_hex(s[i])) return false;
    return s[40] == '\0';
}

static bool mbox_ifi(Chk *c, const char *p, const json_t *v, const char **id, const char **email)
{
    const char *s = str_of(v);
    if (!s || strncasecmp(s, "mailto:", 7) != 0) return bad(c, "%s.mbox must start with \"mailto:\"", p);
    if (!address_valid(s + 7, false))
        return bad(c, "%s.mbox must be \"mailto:\" followed by an e-mail address", p);
    *email = lower_dup(c->a, s + 7);
    *id = arena_printf(c->a, "mailto:%s", *email);
    return true;
}

/* account: {"homePage": IRI, "name": non-empty string}.  '|' joins the two
 * in the identifier, so a homePage may not hold one (IRIs never do). */
static bool account_ifi(Chk *c, const char *p, const json_t *v, const char **id, const char **email)
{
    if (!json_is_object(v)) return bad(c, "%s.account must be an object with homePage and name", p);
    const char *home = str_of(json_object_get(v, "homePage"));
    if (!home || !xapi_iri_valid(home) || strchr(home, '|'))
        return bad(c, "%s.account.homePage must be an absolute IRI", p);
    const char *name = str_of(json_object_get(v, "name"));
    if (!name || !*name || strlen(name) > NAME_MAX_BYTES)
        return bad(c, "%s.account.name must be a non-empty string of at most %d bytes", p, NAME_MAX_BYTES);
    *id = arena_printf(c->a, "account:%s|%s", home, name);
    if (address_valid(name, true)) *email = lower_dup(c->a, name);
    return true;
}

/* The one inverse functional identifier of the agent or group `o` at path
 * `p`, normalised into *id; *email when it gives an address. */
static bool agent_ifi(Chk *c, const char *p, const json_t *o, bool group, const char **id, const char **email)
{
    int n = 0;
    for (int i = 0; IFI_KEYS[i]; i++) n += json_object_get(o, IFI_KEYS[i]) != NULL;
    if (n == 0 && group && json_object_get(o, "member"))
        return bad(c, "%s is an anonymous Group (members but no identifier): it must have one of "
                   "mbox, mbox_sha1sum, openid, account", p);
    if (n != 1) return bad(c, "%s must have exactly one of mbox, mbox_sha1sum, openid, account", p);
    *email = "";
    const json_t *v;
    if ((v = json_object_get(o, "mbox"))) return mbox_ifi(c, p, v, id, email);
    if ((v = json_object_get(o, "account"))) return account_ifi(c, p, v, id, email);
    const char *s;
    if ((v = json_object_get(o, "mbox_sha1sum"))) {
        if (!(s = str_of(v)) || !sha1_valid(s)) return bad(c, "%s.mbox_sha1sum must be 40 hexadecimal digits", p);
        *id = arena_printf(c->a, "sha1:%s", lower_dup(c->a, s));
        return true;
    }
    s = str_of(json_object_get(o, "openid"));
    if (!s || !xapi_iri_valid(s)) return bad(c, "%s.openid must be an absolute IRI", p);
    *id = arena_printf(c->a, "openid:%s", s);
    return true;
}

static bool check_agent(Chk *c, const char *p, const json_t *o, bool group_ok, const char **id,
                        const char **email, const char **type);

/* A group's optional "member": an array of Agents (not Groups). */
static bool check_members(Chk *c, const char *p, const json_t *m)
{
    if (!json_is_array(m)) return bad(c, "%s.member must be an array of Agents", p);
    size_t i;
    const json_t *x;
    json_array_foreach((json_t *)m, i, x) {
        const char *id, *email, *type;
        const char *mp = arena_printf(c->a, "%s.member[%zu]", p, i);
        if (!check_agent(c, mp, x, false, &id, &email, &type)) return false;
    }
    return true;
}

/* An identified Agent (or Group when `group_ok`) at path `p`: its
 * identifier, the address it gives ("" if none) and its objectType. */
static bool check_agent(Chk *c, const char *p, const json_t *o, bool group_ok, const char **id,
                        const char **email, const char **type)
{
    if (!json_is_object(o)) return bad(c, "%s must be an object", p);
    const json_t *t = json_object_get(o, "objectType");
    *type = "Agent";
    if (t && str_eq(str_of(t), "Group") && group_ok) *type = "Group";
    else if (t && !str_eq(str_of(t), "Agent"))
        return bad(c, group_ok ? "%s.objectType must be \"Agent\" or \"Group\""
                               : "%s.objectType must be \"Agent\" (a group member is an Agent)", p);
    const json_t *name = json_object_get(o, "name");
    if (name && !str_of(name)) return bad(c, "%s.name must be a string", p);
    bool group = str_eq(*type, "Group");
    if (!agent_ifi(c, p, o, group, id, email)) return false;
    const json_t *m = json_object_get(o, "member");
    if (m && !group) return bad(c, "%s.member is only allowed in a Group", p);
    return !m || check_members(c, p, m);
}

/* ---- verb, object -------------------------------------------------------- */

static bool check_verb(Chk *c, const char *pfx, const json_t *v, const char **verb)
{
    const char *p = path(c, pfx, "verb");
    if (!v) return bad(c, "%s is missing", p);
    if (!json_is_object(v)) return bad(c, "%s must be an object", p);
    if (!need_str(c, v, p, "id", xapi_iri_valid, "an absolute IRI", verb)) return false;
    const json_t *d = json_object_get(v, "display");
    if (d && !lang_map_valid(d)) return bad(c, "%s.display must be a language map (an object of strings)", p);
    return true;
}

static bool check_sub(Chk *c, const json_t *o, XapiStatement *out);

static bool check_activity(Chk *c, const char *p, const json_t *o, XapiStatement *out)
{
    if (!need_str(c, o, p, "id", xapi_iri_valid, "an absolute IRI", &out->object)) return false;
    const json_t *d = json_object_get(o, "definition");
    if (d && !json_is_object(d)) return bad(c, "%s.definition must be an object", p);
    return true;
}

/* The object at path `p`; a SubStatement only when `sub_ok`. */
static bool check_object(Chk *c, const char *pfx, const json_t *o, bool sub_ok, XapiStatement *out)
{
    const char *p = path(c, pfx, "object");
    if (!o) return bad(c, "%s is missing", p);
    if (!json_is_object(o)) return bad(c, "%s must be an object", p);
    const json_t *tj = json_object_get(o, "objectType");
    const char *t = tj ? str_of(tj) : "Activity";
    static const char *const TYPES[] = {"Activity", "Agent", "Group", "StatementRef", "SubStatement", NULL};
    if (!str_one_of(t, TYPES))
        return bad(c, "%s.objectType must be Activity, Agent, Group, StatementRef or SubStatement", p);
    out->object_type = str_one_of(t, TYPES);
    if (str_eq(t, "Activity")) return check_activity(c, p, o, out);
    if (str_eq(t, "StatementRef")) {
        const char *id;
        if (!need_str(c, o, p, "id", xapi_uuid_valid, "a UUID", &id)) return false;
        out->object = lower_dup(c->a, id);
        return true;
    }
    if (str_eq(t, "SubStatement")) {
        if (!sub_ok) return bad(c, "%s cannot be a SubStatement (a SubStatement does not nest)", p);
        return check_sub(c, o, out);
    }
    const char *email, *type;
    return check_agent(c, p, o, true, &out->object, &email, &type);
}

/* ---- result, context, the rest ------------------------------------------ */

/* An optional number member of score into *v; *has says whether given. */
static bool score_number(Chk *c, const char *p, const json_t *score, const char *key, bool *has, double *v)
{
    const json_t *x = json_object_get(score, key);
    *has = x != NULL;
    if (!x) return true;
    if (!json_is_number(x) || !isfinite(json_number_value(x))) return bad(c, "%s.score.%s must be a number", p, key);
    *v = json_number_value(x);
    return true;
}

static bool check_score(Chk *c, const char *p, const json_t *s, XapiStatement *out)
{
    if (!json_is_object(s)) return bad(c, "%s.score must be an object", p);
    bool has_raw, has_min, has_max;
    double raw = 0, min = 0, max = 0;
    const json_t *sc = json_object_get(s, "scaled");
    if (sc) {
        double v = json_is_number(sc) ? json_number_value(sc) : NAN;
        if (!(v >= -1 && v <= 1)) return bad(c, "%s.score.scaled must be a number from -1 to 1", p);
        out->has_score = true;
        out->score_scaled = v;
    }
    if (!score_number(c, p, s, "raw", &has_raw, &raw) || !score_number(c, p, s, "min", &has_min, &min)
        || !score_number(c, p, s, "max", &has_max, &max))
        return false;
    if (has_min && has_max && min > max)
        return bad(c, "%s.score.min must not be greater than %s.score.max", p, p);
    if (has_raw && ((has_min && raw < min) || (has_max && raw > max)))
        return bad(c, "%s.score.raw must be between %s.score.min and %s.score.max", p, p, p);
    return true;
}

/* An optional boolean member into *out: 1, 0, or -1 when absent. */
static bool result_bool(Chk *c, const char *p, const json_t *r, const char *key, int *out)
{
    const json_t *v = json_object_get(r, key);
    if (v && !json_is_boolean(v)) return bad(c, "%s.%s must be true or false", p, key);
    *out = v ? json_is_true(v) : -1;
    return true;
}

static bool check_result(Chk *c, const char *pfx, const json_t *r, XapiStatement *out)
{
    if (!r) return true;
    const char *p = path(c, pfx, "result");
    if (!json_is_object(r)) return bad(c, "%s must be an object", p);
    const json_t *d = json_object_get(r, "duration");
    if (d && (!str_of(d) || !xapi_parse_duration(str_of(d), &out->duration_ms)))
        return bad(c, "%s.duration must be an ISO 8601 duration such as \"PT1H30M\" (at most 100 years)", p);
    if (!result_bool(c, p, r, "completion", &out->completion) || !result_bool(c, p, r, "success", &out->success))
        return false;
    const json_t *s = json_object_get(r, "score");
    return !s || check_score(c, p, s, out);
}

static bool check_context(Chk *c, const char *pfx, const json_t *x, XapiStatement *out)
{
    if (!x) return true;
    const char *p = path(c, pfx, "context");
    if (!json_is_object(x)) return bad(c, "%s must be an object", p);
    const json_t *reg = json_object_get(x, "registration");
    if (!reg) return true;
    if (!xapi_uuid_valid(str_of(reg))) return bad(c, "%s.registration must be a UUID", p);
    out->registration = lower_dup(c->a, str_of(reg));
    return true;
}

static bool check_timestamp(Chk *c, const char *pfx, const json_t *t, XapiStatement *out)
{
    if (!t || (str_of(t) && xapi_parse_timestamp(str_of(t), &out->timestamp))) return true;
    return bad(c, "%s must be an ISO 8601 date-time with a zone, such as \"2026-11-28T09:30:00Z\" "
               "(years 1970 to 9999)", path(c, pfx, "timestamp"));
}

/* The members a statement and a SubStatement share, each under `pfx`. */
static bool check_body(Chk *c, const char *pfx, const json_t *st, bool sub_ok, XapiStatement *out)
{
    const char *email, *type;
    const char *ap = path(c, pfx, "actor");
    const json_t *actor = json_object_get(st, "actor");
    if (!actor) return bad(c, "%s is missing", ap);
    if (!check_agent(c, ap, actor, true, &out->actor, &email, &type)) return false;
    out->actor_email = email;
    const json_t *att = json_object_get(st, "attachments");
    if (att && !json_is_array(att)) return bad(c, "%s must be an array", path(c, pfx, "attachments"));
    return check_verb(c, pfx, json_object_get(st, "verb"), &out->verb)
        && check_object(c, pfx, json_object_get(st, "object"), sub_ok, out)
        && check_result(c, pfx, json_object_get(st, "result"), out)
        && check_context(c, pfx, json_object_get(st, "context"), out)
        && check_timestamp(c, pfx, json_object_get(st, "timestamp"), out);
}

/* Every member of `o` is in `allowed`; else refuse with `what` and the
 * first that is not (quoted when it can be: short and valid UTF-8). */
static bool known_members(Chk *c, const json_t *o, const char *const *allowed, const char *what)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if (str_one_of(k, allowed)) continue;
        size_t n = strlen(k);
        if (n <= KEY_SHOWN_MAX && utf8_valid(k, n)) return bad(c, "%s \"%s\"", what, k);
        return bad(c, "%s", what);
    }
    return true;
}

static void statement_init(XapiStatement *out)
{
    memset(out, 0, sizeof *out);
    out->actor_email = "";
    out->registration = "";
    out->duration_ms = -1;
    out->completion = out->success = -1;
}

/* A SubStatement object: checked in full; the statement files it under its
 * object's id (an activity IRI or a statement UUID), "" for an agent. */
static bool check_sub(Chk *c, const json_t *o, XapiStatement *out)
{
    static const char *const ALLOWED[] = {"objectType", "actor", "verb", "object", "result",
                                          "context", "timestamp", "attachments", NULL};
    XapiStatement sub;
    statement_init(&sub);
    if (!known_members(c, o, ALLOWED, "object (a SubStatement) has an unknown member")
        || !check_body(c, "object.", o, false, &sub))
        return false;
    bool has_id = str_eq(sub.object_type, "Activity") || str_eq(sub.object_type, "StatementRef");
    out->object = has_id ? sub.object : "";
    return true;
}

static bool check_statement(Chk *c, const json_t *st, XapiStatement *out)
{
    static const char *const ALLOWED[] = {"id", "actor", "verb", "object", "result", "context", "timestamp",
                                          "stored", "authority", "version", "attachments", NULL};
    if (!json_is_object(st)) return bad(c, "a statement must be a JSON object");
    if (!known_members(c, st, ALLOWED, "unknown top-level member")) return false;
    const json_t *id = json_object_get(st, "id");
    if (id && !xapi_uuid_valid(str_of(id))) return bad(c, "id must be a UUID");
    if (id) memcpy(out->id, lower_dup(c->a, str_of(id)), XAPI_UUID_LEN + 1);
    if (!check_body(c, "", st, true, out)) return false;
    const json_t *ver = json_object_get(st, "version");
    const char *v = str_of(ver);
    if (ver && !(v && str_startswith(v, "1.0") && (v[3] == '\0' || v[3] == '.')))
        return bad(c, "version must be a 1.0.x version such as \"" XAPI_VERSION "\"");
    out->voids = str_eq(out->verb, XAPI_VERB_VOIDED);
    if (out->voids && !str_eq(out->object_type, "StatementRef"))
        return bad(c, "a voiding statement (verb " XAPI_VERB_VOIDED ") must have a StatementRef object");
    return true;
}

int xapi_statement_check(Arena *a, const json_t *st, XapiStatement *out, const char **why)
{
    Chk c = {.a = a, .why = NULL};
    statement_init(out);
    *why = NULL;
    if (check_statement(&c, st, out)) return LN_OK;
    *why = c.why;
    return LN_EINVAL;
}

int xapi_agent_check(Arena *a, const json_t *agent, const char **actor, const char **actor_email, const char **why)
{
    Chk c = {.a = a, .why = NULL};
    const char *type;
    if (check_agent(&c, "agent", agent, true, actor, actor_email, &type)) return LN_OK;
    *why = c.why;
    return LN_EINVAL;
}
