/* ical.c — an iCalendar (RFC 5545) reader for live sessions: content lines,
 * VEVENTs, time zones (the system's TZif files, or the file's VTIMEZONE)
 * and daily/weekly repeats expanded into occurrences (ical.h).  No
 * database, no global state. */
#include "attendance/ical.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY 86400
#define LINE_MAX_BYTES (256 * 1024)
#define DEPTH_MAX 8
#define LOOP_MAX 200000                 /* days or weeks walked by one repeat */
#define EXDATES_MAX 10000               /* EXDATE values in a file */
#define ZONES_MAX 50                    /* distinct TZIDs in a file */
#define WORK_MAX (ICAL_OCCURRENCES_MAX * 20)  /* candidate occurrences in a file */
#define ZONEINFO "/usr/share/zoneinfo/"

/* ======================================================================
 * Civil dates (proleptic Gregorian, days since 1970-01-01)
 * ==================================================================== */

static int64_t civil_year(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* 0 Sunday .. 6 Saturday */
static int weekday(int64_t days) { return (int)(((days + 4) % 7 + 7) % 7); }

/* ======================================================================
 * Yearly daylight-saving rules: a POSIX TZ string's ",Mm.w.d/t,Mm.w.d/t",
 * or a VTIMEZONE's STANDARD and DAYLIGHT with RRULE:FREQ=YEARLY;BYMONTH;BYDAY
 * ==================================================================== */

typedef struct TzRule {
    int std_off, dst_off;               /* seconds east of UTC */
    bool dst;
    int smon, sweek, swday, stime;      /* DST starts: month, week 1..5 (5 last), weekday, local standard time */
    int emon, eweek, ewday, etime;      /* DST ends, in local daylight time */
} TzRule;

static int64_t rule_day(int64_t y, int mon, int week, int wday)
{
    if (week >= 5) {
        int64_t last = time_days_from_civil(y, mon, time_month_days(y, mon));
        return last - (weekday(last) - wday + 7) % 7;
    }
    int64_t first = time_days_from_civil(y, mon, 1);
    return first + (wday - weekday(first) + 7) % 7 + (int64_t)(week - 1) * 7;
}

static int rule_offset(const TzRule *r, int64_t t)
{
    if (!r->dst) return r->std_off;
    int64_t y = civil_year(floor_div(t + r->std_off, DAY));
    int64_t start = rule_day(y, r->smon, r->sweek, r->swday) * DAY + r->stime - r->std_off;
    int64_t end = rule_day(y, r->emon, r->eweek, r->ewday) * DAY + r->etime - r->dst_off;
    if (start < end) return t >= start && t < end ? r->dst_off : r->std_off;
    return t >= end && t < start ? r->std_off : r->dst_off;
}

/* [+-]hh[:mm[:ss]] → seconds; *s advanced. */
static bool posix_num(const char **s, int *out)
{
    const char *p = *s;
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    int v[3] = {0, 0, 0}, k = 0;
    for (;;) {
        if (*p < '0' || *p > '9') return false;
        int n = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 3) n = n * 10 + (*p++ - '0'), digits++;
        v[k++] = n;
        if (*p != ':' || k == 3) break;
        p++;
    }
    if (v[0] > 167 || v[1] > 59 || v[2] > 59) return false;
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    *s = p;
    return true;
}

static bool posix_name(const char **s)
{
    const char *p = *s;
    if (*p == '<') {
        while (*p && *p != '>') p++;
        if (*p != '>') return false;
        *s = p + 1;
        return true;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
    if (p - *s < 3) return false;
    *s = p;
    return true;
}

/* "Mm.w.d[/time]" */
static bool posix_date(const char **s, int *mon, int *week, int *wday, int *time)
{
    const char *p = *s;
    if (*p++ != 'M') return false;
    int v[3];
    for (int i = 0; i < 3; i++) {
        if (*p < '0' || *p > '9') return false;
        v[i] = 0;
        while (*p >= '0' && *p <= '9' && v[i] < 100) v[i] = v[i] * 10 + (*p++ - '0');
        if (i < 2 && *p++ != '.') return false;
    }
    if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6) return false;
    *mon = v[0], *week = v[1], *wday = v[2], *time = 7200;
    if (*p == '/' && (++p, !posix_num(&p, time))) return false;
    *s = p;
    return true;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3" (POSIX offsets are west of UTC). */
static bool posix_tz(const char *s, TzRule *r)
{
    memset(r, 0, sizeof *r);
    int off;
    if (!posix_name(&s) || !posix_num(&s, &off)) return false;
    r->std_off = r->dst_off = -off;
    if (!*s) return true;
    if (!posix_name(&s)) return false;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!posix_num(&s, &off)) return false;
        r->dst_off = -off;
    }
    if (*s++ != ',' || !posix_date(&s, &r->smon, &r->sweek, &r->swday, &r->stime) || *s++ != ','
        || !posix_date(&s, &r->emon, &r->eweek, &r->ewday, &r->etime) || *s)
        return false;
    r->dst = true;
    return true;
}

/* ======================================================================
 * Zones: TZif files of the system (read directly, no TZ variable) or rules
 * ==================================================================== */

typedef struct Zone {
    const char *name;
    int64_t *times;                     /* transitions, unix seconds */
    uint8_t *idx;                       /* type of each transition */
    int32_t *offs;                      /* offset of each type */
    int ntimes, ntypes;
    bool has_rule;                      /* after the last transition (or always, without any) */
    TzRule rule;
} Zone;

bool ical_zone_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64 || name[0] == '/' || name[n - 1] == '/') return false;
    const char *seg = name;
    for (const char *p = name;; p++) {
        if (*p == '/' || !*p) {
            if (p == seg || *seg == '.' || *seg == '-') return false;
            if (!*p) return true;
            seg = p + 1;
        } else if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'
                     || *p == '-' || *p == '+')) {
            return false;
        }
    }
}

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

static bool tzif_parse(Arena *a, const unsigned char *d, size_t n, Zone *z)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0) return false;
    bool v2 = d[4] >= '2';
    size_t off = 0, tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (off + 44 > n || memcmp(d + off, "TZif", 4) != 0) return false;
        uint32_t isut = be32(d + off + 20), isstd = be32(d + off + 24), leap = be32(d + off + 28);
        uint32_t timecnt = be32(d + off + 32), typecnt = be32(d + off + 36), charcnt = be32(d + off + 40);
        if (timecnt > 10000 || typecnt == 0 || typecnt > 256 || charcnt > 10000 || leap > 10000 || isut > 256
            || isstd > 256)
            return false;
        size_t body = timecnt * tsize + timecnt + typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
        if (off + 44 + body > n) return false;
        if (pass == 0 && v2) {
            off += 44 + body;
            tsize = 8;
            continue;
        }
        const unsigned char *p = d + off + 44;
        z->ntimes = (int)timecnt;
        z->ntypes = (int)typecnt;
        z->times = arena_alloc(a, sizeof *z->times * (timecnt + 1));
        z->idx = arena_alloc(a, timecnt + 1);
        z->offs = arena_alloc(a, sizeof *z->offs * typecnt);
        for (uint32_t i = 0; i < timecnt; i++) z->times[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
        p += timecnt * tsize;
        for (uint32_t i = 0; i < timecnt; i++) {
            z->idx[i] = p[i];
            if (p[i] >= typecnt) return false;
        }
        p += timecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            int32_t o = (int32_t)be32(p + i * 6);
            if (o < -26 * 3600 || o > 26 * 3600) return false;
            z->offs[i] = o;
        }
        off += 44 + body;
        if (v2 && off < n && d[off] == '\n') {     /* the footer: a POSIX TZ string for later times */
            const unsigned char *e = memchr(d + off + 1, '\n', n - off - 1);
            if (e) {
                char *tz = arena_strndup(a, (const char *)d + off + 1, (size_t)(e - d - off - 1));
                z->has_rule = posix_tz(tz, &z->rule);
            }
        }
        return true;
    }
    return false;
}

static bool zone_load(Arena *a, const char *name, Zone *z)
{
    memset(z, 0, sizeof *z);
    if (!ical_zone_name_ok(name)) return false;
    char path[128];
    snprintf(path, sizeof path, ZONEINFO "%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < 256 * 1024) {
        unsigned char *d = arena_alloc(a, (size_t)st.st_size);
        size_t got = 0;
        ssize_t k;
        while (got < (size_t)st.st_size && (k = read(fd, d + got, (size_t)st.st_size - got)) > 0) got += (size_t)k;
        ok = got == (size_t)st.st_size && tzif_parse(a, d, got, z);
    }
    close(fd);
    z->name = name;
    return ok;
}

static int zone_offset(const Zone *z, int64_t t)
{
    if (z->ntimes == 0 || t < z->times[0]) {
        if (z->ntimes == 0 && z->has_rule) return rule_offset(&z->rule, t);
        return z->offs[0];
    }
    int lo = 0, hi = z->ntimes - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (z->times[mid] <= t) lo = mid;
        else hi = mid - 1;
    }
    if (lo == z->ntimes - 1 && z->has_rule) return rule_offset(&z->rule, t);
    return z->offs[z->idx[lo]];
}

bool ical_zone_offset(const char *name, int64_t t, int *offset)
{
    Arena *a = arena_new();
    Zone z;
    bool ok = zone_load(a, name, &z);
    if (ok) *offset = zone_offset(&z, t);
    arena_free(a);
    return ok;
}

/* Local wall-clock seconds → UTC; *off gets the offset used.  In a gap the
 * time before the change is used; in an overlap, the first. */
static int64_t zone_utc(const Zone *z, int64_t local, int *off)
{
    int o = zone_offset(z, local - zone_offset(z, local));
    int64_t u = local - o;
    int o2 = zone_offset(z, u);
    if (o2 != o) u = local - o2;
    *off = zone_offset(z, u);
    return u;
}

/* ======================================================================
 * Content lines
 * ==================================================================== */

typedef struct Param { char *name, *value; } Param;
typedef struct Prop {
    int line;
    char *name, *value;
    Param *params;
    int nparams;
} Prop;
typedef enum { C_EVENT, C_STANDARD, C_DAYLIGHT, C_TIMEZONE } CompKind;
typedef struct Comp {
    CompKind kind;
    int line;
    int parent;                         /* STANDARD / DAYLIGHT: index of the VTIMEZONE */
    Prop *props;
    int nprops, cap;
} Comp;

typedef struct Ctx {
    Arena *a;
    const IcalOptions *opt;
    IcalCalendar *out;
    int cap_items, cap_errors;
    Comp *comps;
    int ncomps, cap_comps;
    Zone *zones;                        /* resolved, by name */
    char **zone_names;
    bool *zone_ok;
    int nzones, cap_zones;
    const char *cal_zone;               /* X-WR-TIMEZONE */
    bool over;                          /* too many occurrences */
    int exdates, work;                  /* EXDATE values read, dates walked: bounded */
    struct Event **ovs;                 /* the moved occurrences, by UID and RECURRENCE-ID */
    int novs;
} Ctx;

static void error_at(Ctx *c, int line, const char *msg, const char *detail)
{
    if (c->out->n_errors >= ICAL_ERRORS_MAX) return;
    c->out->errors = arena_grow(c->a, c->out->errors, c->out->n_errors, &c->cap_errors, sizeof *c->out->errors);
    IcalError *e = &c->out->errors[c->out->n_errors++];
    e->line = line;
    e->message = msg;
    e->detail = detail ? arena_strndup(c->a, detail, utf8_valid_prefix(detail, strlen(detail) > 80 ? 80 : strlen(detail)))
                       : NULL;
}

static bool name_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

/* NAME *(";" PARAM "=" VALUE *("," VALUE)) ":" VALUE — in place. */
static bool parse_line(Arena *a, char *s, Prop *p)
{
    memset(p, 0, sizeof *p);
    char *q = s;
    while (name_char(*q)) q++;
    if (q == s) return false;
    p->name = arena_strndup(a, s, (size_t)(q - s));
    for (char *u = p->name; *u; u++)
        if (*u >= 'a' && *u <= 'z') *u = (char)(*u - 32);
    int cap = 0;
    while (*q == ';') {
        char *n = ++q;
        while (name_char(*q)) q++;
        if (q == n || *q != '=') return false;
        p->params = arena_grow(a, p->params, p->nparams, &cap, sizeof *p->params);
        Param *pa = &p->params[p->nparams++];
        pa->name = arena_strndup(a, n, (size_t)(q - n));
        for (char *u = pa->name; *u; u++)
            if (*u >= 'a' && *u <= 'z') *u = (char)(*u - 32);
        q++;
        Buf v;
        buf_init(&v, 0);
        for (;;) {
            if (*q == '"') {
                char *e = strchr(q + 1, '"');
                if (!e) { buf_free(&v); return false; }
                buf_append(&v, q + 1, (size_t)(e - q - 1));
                q = e + 1;
            } else {
                char *e = q;
                while (*e && *e != ';' && *e != ':' && *e != ',' && *e != '"') e++;
                buf_append(&v, q, (size_t)(e - q));
                q = e;
            }
            if (*q != ',') break;
            buf_putc(&v, ',');
            q++;
        }
        pa->value = arena_strdup(a, buf_cstr(&v));
        buf_free(&v);
    }
    if (*q != ':') return false;
    p->value = q + 1;
    return true;
}

static const char *param(const Prop *p, const char *name)
{
    for (int i = 0; i < p->nparams; i++)
        if (str_eq(p->params[i].name, name)) return p->params[i].value;
    return NULL;
}

static Prop *prop(Comp *cp, const char *name)
{
    for (int i = 0; i < cp->nprops; i++)
        if (str_eq(cp->props[i].name, name)) return &cp->props[i];
    return NULL;
}

static const char *kept_props[] = {"UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS", "DTSTART",
                                   "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID", "ORGANIZER",
                                   "ATTENDEE", "TZID", "TZOFFSETTO", "TZOFFSETFROM", "X-GOOGLE-CONFERENCE",
                                   "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGCONFLINK"};

static bool kept(const char *name)
{
    for (size_t i = 0; i < LN_ARRAY_LEN(kept_props); i++)
        if (str_eq(name, kept_props[i])) return true;
    return false;
}

/* Split into logical lines, track components.  False (with an error) when
 * it is not an iCalendar file at all. */
static bool lex(Ctx *c, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    char *stack[DEPTH_MAX];
    int stack_line[DEPTH_MAX], stack_comp[DEPTH_MAX], depth = 0, phys = 0, last_line = 0;
    bool seen_calendar = false;
    Buf b;
    buf_init(&b, LINE_MAX_BYTES);
    while (p < end) {
        buf_reset(&b);
        int line = ++phys;
        for (;;) {                      /* one physical line, then its continuations */
            const char *e = memchr(p, '\n', (size_t)(end - p));
            const char *stop = e ? e : end;
            size_t n = (size_t)(stop - p);
            if (n && p[n - 1] == '\r') n--;
            buf_append(&b, p, n);
            p = e ? e + 1 : end;
            if (p < end && (*p == ' ' || *p == '\t')) {
                p++;
                phys++;
                continue;
            }
            break;
        }
        if (b.over) {
            error_at(c, line, "This line is too long (256 KB at most).", NULL);
            buf_free(&b);
            return false;
        }
        char *s = arena_strdup(c->a, buf_cstr(&b));
        if (!*s) continue;
        last_line = line;
        Prop pr;
        if (!parse_line(c->a, s, &pr)) {
            error_at(c, line, seen_calendar ? "This line is not NAME:VALUE." : "This is not an iCalendar file (it must start with BEGIN:VCALENDAR).", s);
            if (!seen_calendar) { buf_free(&b); return false; }
            continue;
        }
        pr.line = line;
        if (!seen_calendar) {
            if (!str_eq(pr.name, "BEGIN") || !str_ieq(pr.value, "VCALENDAR")) {
                error_at(c, line, "This is not an iCalendar file (it must start with BEGIN:VCALENDAR).", s);
                buf_free(&b);
                return false;
            }
            seen_calendar = true;
        }
        if (str_eq(pr.name, "BEGIN")) {
            if (depth == DEPTH_MAX) {
                error_at(c, line, "Components are nested too deeply.", pr.value);
                buf_free(&b);
                return false;
            }
            char *v = arena_strdup(c->a, pr.value);
            for (char *u = v; *u; u++)
                if (*u >= 'a' && *u <= 'z') *u = (char)(*u - 32);
            int comp = -1;
            const char *parent = depth ? stack[depth - 1] : "";
            CompKind k = C_EVENT;
            bool want = false;
            if (depth == 0 && !str_eq(v, "VCALENDAR")) error_at(c, line, "Everything must be inside BEGIN:VCALENDAR … END:VCALENDAR.", v);
            else if (depth == 1 && str_eq(v, "VEVENT")) k = C_EVENT, want = true;
            else if (depth == 1 && str_eq(v, "VTIMEZONE")) k = C_TIMEZONE, want = true;
            else if (str_eq(parent, "VTIMEZONE") && str_eq(v, "STANDARD")) k = C_STANDARD, want = true;
            else if (str_eq(parent, "VTIMEZONE") && str_eq(v, "DAYLIGHT")) k = C_DAYLIGHT, want = true;
            if (want) {
                c->comps = arena_grow(c->a, c->comps, c->ncomps, &c->cap_comps, sizeof *c->comps);
                comp = c->ncomps++;
                memset(&c->comps[comp], 0, sizeof c->comps[comp]);
                c->comps[comp].kind = k;
                c->comps[comp].line = line;
                c->comps[comp].parent = (k == C_STANDARD || k == C_DAYLIGHT) ? stack_comp[depth - 1] : -1;
            }
            stack[depth] = v;
            stack_line[depth] = line;
            stack_comp[depth++] = comp;
            continue;
        }
        if (str_eq(pr.name, "END")) {
            if (depth == 0 || !str_ieq(pr.value, stack[depth - 1])) {
                error_at(c, line, depth ? "This END does not close the component that is open." : "END without BEGIN.",
                         pr.value);
                continue;
            }
            depth--;
            continue;
        }
        if (depth == 1 && str_eq(pr.name, "X-WR-TIMEZONE")) {
            c->cal_zone = pr.value;
            continue;
        }
        int comp = depth ? stack_comp[depth - 1] : -1;
        if (comp < 0 || !kept(pr.name)) continue;
        Comp *cp = &c->comps[comp];
        cp->props = arena_grow(c->a, cp->props, cp->nprops, &cp->cap, sizeof *cp->props);
        cp->props[cp->nprops++] = pr;
    }
    buf_free(&b);
    if (!seen_calendar) {
        error_at(c, 1, "This is not an iCalendar file (it must start with BEGIN:VCALENDAR).", NULL);
        return false;
    }
    if (depth > 0) error_at(c, last_line ? last_line : stack_line[depth - 1], "The file ends before END of a component.", stack[depth - 1]);
    return true;
}

static char *unescape(Arena *a, const char *s, bool one_line)
{
    char *out = arena_alloc(a, strlen(s) + 1), *o = out;
    for (; *s; s++) {
        char ch = *s;
        if (ch == '\\' && s[1]) {
            ch = *++s;
            if (ch == 'n' || ch == 'N') ch = '\n';
        }
        if (one_line && (ch == '\n' || ch == '\r' || ch == '\t')) ch = ' ';
        *o++ = ch;
    }
    *o = 0;
    return out;
}

/* ======================================================================
 * Times
 * ==================================================================== */

typedef enum { T_UTC, T_FLOAT, T_ZONE, T_DATE } TimeKind;
typedef struct ITime {
    int64_t day;
    int sec;
    TimeKind kind;
    const char *tzid;
} ITime;

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_dt(const char *v, const char *tzid, ITime *t)
{
    int y, m, d, h = 0, mi = 0, s = 0;
    size_t n = strlen(v);
    if (n < 8 || !digits(v, 4, &y) || !digits(v + 4, 2, &m) || !digits(v + 6, 2, &d) || m < 1 || m > 12 || d < 1
        || d > time_month_days(y, m) || y < 1900 || y > 2200)
        return false;
    t->tzid = NULL;
    if (n == 8) {
        t->kind = T_DATE;
    } else {
        if ((n != 15 && n != 16) || v[8] != 'T' || !digits(v + 9, 2, &h) || !digits(v + 11, 2, &mi)
            || !digits(v + 13, 2, &s) || h > 23 || mi > 59 || s > 60)
            return false;
        if (n == 16 && v[15] != 'Z') return false;
        t->kind = n == 16 ? T_UTC : tzid ? T_ZONE : T_FLOAT;
        t->tzid = n == 16 ? NULL : tzid;
        if (s == 60) s = 59;
    }
    t->day = time_days_from_civil(y, m, d);
    t->sec = h * 3600 + mi * 60 + s;
    return true;
}

/* A zone by TZID: the system's (an IANA name, or a "/vendor/.../Area/City"
 * path ending in one), else the file's VTIMEZONE of that TZID.  NULL when
 * neither. */
static const Zone *vtimezone(Ctx *c, const char *tzid, Zone *z);

static const Zone *zone_get(Ctx *c, const char *tzid)
{
    for (int i = 0; i < c->nzones; i++)
        if (str_eq(c->zone_names[i], tzid)) return c->zone_ok[i] ? &c->zones[i] : NULL;
    if (c->nzones >= ZONES_MAX) return NULL;     /* reported by the caller as unknown */
    int cap = c->cap_zones;
    c->zones = arena_grow(c->a, c->zones, c->nzones, &cap, sizeof *c->zones);
    cap = c->cap_zones;
    c->zone_names = arena_grow(c->a, c->zone_names, c->nzones, &cap, sizeof *c->zone_names);
    cap = c->cap_zones;
    c->zone_ok = arena_grow(c->a, c->zone_ok, c->nzones, &cap, sizeof *c->zone_ok);
    c->cap_zones = cap;
    int i = c->nzones++;
    c->zone_names[i] = arena_strdup(c->a, tzid);
    Zone *z = &c->zones[i];
    bool ok = zone_load(c->a, tzid, z);
    for (const char *s = tzid; !ok && (s = strchr(s, '/')); s++)
        ok = s[1] && zone_load(c->a, s + 1, z);
    if (!ok) ok = vtimezone(c, tzid, z) != NULL;
    c->zone_ok[i] = ok;
    return ok ? z : NULL;
}

/* "+0100", "-0530", "+013000" → seconds */
static bool utc_offset(const char *v, int *out)
{
    int h, m, s = 0;
    size_t n = v ? strlen(v) : 0;
    if ((n != 5 && n != 7) || (v[0] != '+' && v[0] != '-') || !digits(v + 1, 2, &h) || !digits(v + 3, 2, &m)
        || (n == 7 && !digits(v + 5, 2, &s)) || h > 23 || m > 59 || s > 59)
        return false;
    *out = (v[0] == '-' ? -1 : 1) * (h * 3600 + m * 60 + s);
    return true;
}

/* BYMONTH=10;BYDAY=-1SU (or 2SU) of a yearly rule. */
static bool yearly(const char *rrule, int *mon, int *week, int *wday)
{
    static const char *days[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    *mon = *week = 0;
    *wday = -1;
    bool freq = false;
    const char *p = rrule;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 11 && strncmp(p, "FREQ=YEARLY", 11) == 0) freq = true;
        else if (n > 8 && strncmp(p, "BYMONTH=", 8) == 0) *mon = atoi(p + 8);
        else if (n > 6 && strncmp(p, "BYDAY=", 6) == 0) {
            const char *d = p + 6;
            int w = atoi(d);
            while (*d == '-' || *d == '+' || (*d >= '0' && *d <= '9')) d++;
            for (int i = 0; i < 7; i++)
                if (strncmp(d, days[i], 2) == 0) *wday = i;
            *week = w < 0 ? 5 : w;
        }
        p += n;
        if (*p) p++;
    }
    return freq && *mon >= 1 && *mon <= 12 && *week >= 1 && *week <= 5 && *wday >= 0;
}

static const Zone *vtimezone(Ctx *c, const char *tzid, Zone *z)
{
    int tz = -1;
    for (int i = 0; i < c->ncomps && tz < 0; i++) {
        Prop *p = c->comps[i].kind == C_TIMEZONE ? prop(&c->comps[i], "TZID") : NULL;
        if (p && str_eq(p->value, tzid)) tz = i;
    }
    if (tz < 0) return NULL;
    Comp *std = NULL, *dst = NULL;
    ITime best_std = {0}, best_dst = {0};
    for (int i = 0; i < c->ncomps; i++) {
        Comp *cp = &c->comps[i];
        if (cp->parent != tz) continue;
        Prop *ds = prop(cp, "DTSTART");
        ITime t = {0};
        if (ds) parse_dt(ds->value, NULL, &t);
        if (cp->kind == C_STANDARD && (!std || t.day >= best_std.day)) std = cp, best_std = t;
        if (cp->kind == C_DAYLIGHT && (!dst || t.day >= best_dst.day)) dst = cp, best_dst = t;
    }
    memset(z, 0, sizeof *z);
    z->name = tzid;
    z->has_rule = true;
    Prop *to;
    if (!std || !(to = prop(std, "TZOFFSETTO")) || !utc_offset(to->value, &z->rule.std_off)) {
        error_at(c, c->comps[tz].line, "This VTIMEZONE has no usable STANDARD part.", tzid);
        return NULL;
    }
    z->rule.dst_off = z->rule.std_off;
    if (!dst) return z;
    Prop *sr = prop(std, "RRULE"), *dr = prop(dst, "RRULE");
    if (!(to = prop(dst, "TZOFFSETTO")) || !utc_offset(to->value, &z->rule.dst_off) || !sr || !dr
        || !yearly(dr->value, &z->rule.smon, &z->rule.sweek, &z->rule.swday)
        || !yearly(sr->value, &z->rule.emon, &z->rule.eweek, &z->rule.ewday)) {
        error_at(c, dst->line, "Only yearly BYMONTH/BYDAY daylight-saving rules are understood in a VTIMEZONE.", tzid);
        return NULL;
    }
    z->rule.stime = best_dst.sec;
    z->rule.etime = best_std.sec;
    z->rule.dst = true;
    return z;
}

/* The calendar's own zone for floating times and UTC offsets: X-WR-TIMEZONE,
 * else the import's zone; NULL: a fixed offset. */
static const Zone *default_zone(Ctx *c)
{
    const Zone *z = NULL;
    if (c->cal_zone) z = zone_get(c, c->cal_zone);
    if (!z && c->opt && c->opt->zone && *c->opt->zone) z = zone_get(c, c->opt->zone);
    return z;
}

/* `t` (not a date) → UTC seconds and the local offset in seconds.  False
 * (with an error) when its zone is unknown. */
static bool to_utc(Ctx *c, const ITime *t, int line, int64_t *utc, int *off)
{
    int64_t local = t->day * DAY + t->sec;
    const Zone *z = NULL;
    int fixed = c->opt ? (int)c->opt->default_offset_min * 60 : 0;
    if (t->kind == T_ZONE) {
        if (!(z = zone_get(c, t->tzid))) {
            error_at(c, line, "Unknown time zone: neither a known zone name nor a VTIMEZONE of the file.", t->tzid);
            return false;
        }
        *utc = zone_utc(z, local, off);
        return true;
    }
    z = default_zone(c);
    if (t->kind == T_UTC) {
        *utc = local;
        *off = z ? zone_offset(z, local) : fixed;
        return true;
    }
    if (z) *utc = zone_utc(z, local, off);
    else *utc = local - fixed, *off = fixed;
    return true;
}

/* ======================================================================
 * Events
 * ==================================================================== */

typedef struct Event {
    Comp *cp;
    const char *uid, *rid;              /* rid: RECURRENCE-ID as a key, NULL for a master */
    bool cancelled, used, bad;
    int64_t start, end;                 /* UTC seconds (of the first occurrence) */
    int off;
    ITime st;
    int64_t *ex_utc, *ex_day;           /* EXDATEs, sorted */
    int n_ex_utc, n_ex_day;
} Event;

static char *utc_key(Arena *a, int64_t t)
{
    int64_t d = floor_div(t, DAY), s = t - d * DAY;
    int64_t z = d + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
    int64_t yy = yoe + era * 400 + (mm <= 2);
    return arena_printf(a, "%04lld%02lld%02lldT%02lld%02lld%02lldZ", (long long)yy, (long long)mm, (long long)dd,
                        (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
}

/* P[n]W or P[n]D[T[n]H[n]M[n]S] → seconds */
static bool duration(const char *v, int64_t *out)
{
    const char *p = v;
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (*p++ != 'P') return false;
    int64_t total = 0;
    bool time = false, any = false;
    while (*p) {
        if (*p == 'T') {
            if (time) return false;
            time = true;
            p++;
            continue;
        }
        int64_t n = 0;
        int k = 0;
        while (*p >= '0' && *p <= '9' && k < 7) n = n * 10 + (*p++ - '0'), k++;
        if (k == 0) return false;
        char u = *p++;
        if (!time && u == 'W') n *= 7 * DAY;
        else if (!time && u == 'D') n *= DAY;
        else if (time && u == 'H') n *= 3600;
        else if (time && u == 'M') n *= 60;
        else if (!(time && u == 'S')) return false;
        total += n;
        any = true;
    }
    *out = sign * total;
    return any;
}

static void add_email(Ctx *c, IcalOccurrence *o, int *cap, const char *v)
{
    if (strncasecmp(v, "mailto:", 7) != 0 || !v[7]) return;
    char *e = arena_strdup(c->a, v + 7);
    str_ascii_lower(e);
    for (int i = 0; i < o->n_emails; i++)
        if (str_eq(o->emails[i], e)) return;
    if (o->n_emails >= 50) return;
    o->emails = arena_grow(c->a, o->emails, o->n_emails, cap, sizeof *o->emails);
    o->emails[o->n_emails++] = e;
}

static void emit(Ctx *c, const Event *ev, const char *key, int64_t start, int64_t end, int off)
{
    if (c->out->n >= ICAL_OCCURRENCES_MAX) {
        c->over = true;
        return;
    }
    c->out->items = arena_grow(c->a, c->out->items, c->out->n, &c->cap_items, sizeof *c->out->items);
    IcalOccurrence *o = &c->out->items[c->out->n++];
    memset(o, 0, sizeof *o);
    Comp *cp = ev->cp;
    o->line = cp->line;
    o->uid = (char *)ev->uid;
    o->recurrence = (char *)key;
    o->starts_at = start * US_PER_SEC;
    o->ends_at = end * US_PER_SEC;
    o->utc_offset_min = off / 60;
    Prop *p;
    o->title = (p = prop(cp, "SUMMARY")) ? str_trim(c->a, unescape(c->a, p->value, true)) : "";
    o->description = (p = prop(cp, "DESCRIPTION")) ? unescape(c->a, p->value, false) : "";
    o->location = (p = prop(cp, "LOCATION")) ? str_trim(c->a, unescape(c->a, p->value, true)) : "";
    /* the virtual classroom: URL, else the meeting link Google or Outlook adds */
    static const char *links[] = {"URL", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL",
                                  "X-MICROSOFT-ONLINEMEETINGCONFLINK"};
    o->url = "";
    for (size_t i = 0; i < LN_ARRAY_LEN(links) && !*o->url; i++)
        if ((p = prop(cp, links[i]))) o->url = str_trim(c->a, p->value);
    int cap = 0;
    for (int i = 0; i < cp->nprops; i++)
        if (str_eq(cp->props[i].name, "ORGANIZER") || str_eq(cp->props[i].name, "ATTENDEE"))
            add_email(c, o, &cap, cp->props[i].value);
}

/* Read the event's own start and end; false (with errors) when unusable. */
static bool event_times(Ctx *c, Event *ev)
{
    Comp *cp = ev->cp;
    Prop *ds = prop(cp, "DTSTART"), *de = prop(cp, "DTEND"), *du = prop(cp, "DURATION");
    if (!ds) {
        error_at(c, cp->line, "This event has no DTSTART (start).", ev->uid);
        return false;
    }
    if (!parse_dt(ds->value, param(ds, "TZID"), &ev->st)) {
        error_at(c, ds->line, "This is not a date and time such as 20260302T090000 or 20260302T080000Z.", ds->value);
        return false;
    }
    if (ev->st.kind == T_DATE || str_ieq(param(ds, "VALUE"), "DATE")) {
        error_at(c, ds->line, "An all-day event cannot be a session: give it a start and an end time.", ds->value);
        return false;
    }
    if (!to_utc(c, &ev->st, ds->line, &ev->start, &ev->off)) return false;
    int64_t len = 0;
    if (de) {
        ITime et;
        int eoff;
        int64_t end;
        if (!parse_dt(de->value, param(de, "TZID"), &et) || et.kind == T_DATE) {
            error_at(c, de->line, "This is not a date and time such as 20260302T090000 or 20260302T080000Z.", de->value);
            return false;
        }
        if (!to_utc(c, &et, de->line, &end, &eoff)) return false;
        len = end - ev->start;
    } else if (du) {
        if (!duration(du->value, &len)) {
            error_at(c, du->line, "This is not a duration such as PT1H30M.", du->value);
            return false;
        }
    } else {
        error_at(c, ds->line, "This event has neither DTEND nor DURATION.", ev->uid);
        return false;
    }
    if (len <= 0) {
        error_at(c, (de ? de : du)->line, "The event must end after it starts.", NULL);
        return false;
    }
    ev->end = ev->start + len;
    return true;
}

typedef struct Rule {
    bool weekly;
    int interval, count, wkst;
    unsigned mask;                      /* BYDAY, bit 0 Sunday */
    bool has_until, until_date;
    int64_t until;                      /* UTC seconds, or a day number */
} Rule;

static bool rrule_parse(Ctx *c, const Prop *p, const Event *ev, Rule *r)
{
    static const char *days[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    memset(r, 0, sizeof *r);
    r->interval = 1;
    r->wkst = 1;
    bool freq = false;
    char *s = arena_strdup(c->a, p->value), *save = NULL;
    for (char *part = strtok_r(s, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
        char *v = strchr(part, '=');
        if (!v) goto bad;
        *v++ = 0;
        for (char *u = part; *u; u++)
            if (*u >= 'a' && *u <= 'z') *u = (char)(*u - 32);
        if (str_eq(part, "FREQ")) {
            if (!str_ieq(v, "DAILY") && !str_ieq(v, "WEEKLY")) {
                error_at(c, p->line, "Only daily and weekly repeats can be imported (FREQ=DAILY or FREQ=WEEKLY).", v);
                return false;
            }
            r->weekly = str_ieq(v, "WEEKLY");
            freq = true;
        } else if (str_eq(part, "INTERVAL")) {
            int64_t n;
            if (!str_to_i64(v, &n) || n < 1 || n > 366) goto bad;
            r->interval = (int)n;
        } else if (str_eq(part, "COUNT")) {
            int64_t n;
            if (!str_to_i64(v, &n) || n < 1 || n > ICAL_OCCURRENCES_MAX) goto bad;
            r->count = (int)n;
        } else if (str_eq(part, "UNTIL")) {
            ITime t;
            if (!parse_dt(v, NULL, &t)) goto bad;
            r->has_until = true;
            r->until_date = t.kind == T_DATE;
            if (r->until_date) {
                r->until = t.day;
            } else {
                int off;
                if (t.kind == T_FLOAT && ev->st.kind == T_ZONE) t.kind = T_ZONE, t.tzid = ev->st.tzid;
                if (!to_utc(c, &t, p->line, &r->until, &off)) return false;
            }
        } else if (str_eq(part, "BYDAY") || str_eq(part, "WKST")) {
            char *save2 = NULL;
            for (char *d = strtok_r(v, ",", &save2); d; d = strtok_r(NULL, ",", &save2)) {
                int k = -1;
                for (int i = 0; i < 7; i++)
                    if (str_ieq(d, days[i])) k = i;
                if (k < 0) {
                    error_at(c, p->line, "BYDAY takes days such as MO,WE (no numbers in a daily or weekly repeat).", d);
                    return false;
                }
                if (str_eq(part, "WKST")) r->wkst = k;
                else r->mask |= 1u << k;
            }
        } else {
            error_at(c, p->line, "This part of the repeat rule is not supported (only FREQ, INTERVAL, COUNT, UNTIL, BYDAY, WKST).", part);
            return false;
        }
    }
    if (!freq) goto bad;
    if (!r->count && !r->has_until) {
        error_at(c, p->line, "This event repeats forever: give the repeat an end (COUNT or UNTIL).", p->value);
        return false;
    }
    return true;
bad:
    error_at(c, p->line, "This repeat rule is not valid.", p->value);
    return false;
}

static int ov_cmp(const void *x, const void *y)
{
    const Event *p = *(Event *const *)x, *q = *(Event *const *)y;
    int k = strcmp(p->uid, q->uid);
    return k ? k : strcmp(p->rid, q->rid);
}

/* The event that moves or cancels occurrence `key` of `uid`, if any (marked used). */
static const Event *override_of(Ctx *c, const char *uid, const char *key)
{
    if (c->novs == 0) return NULL;
    Event probe = {.uid = uid, .rid = key}, *pp = &probe;
    Event **hit = bsearch(&pp, c->ovs, (size_t)c->novs, sizeof *c->ovs, ov_cmp);
    if (!hit) return NULL;
    (*hit)->used = true;
    return *hit;
}

static int i64_cmp(const void *x, const void *y)
{
    int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;
    return p < q ? -1 : p > q;
}

static bool in_sorted(const int64_t *v, int n, int64_t x)
{
    return n > 0 && bsearch(&x, v, (size_t)n, sizeof *v, i64_cmp) != NULL;
}

static bool excluded(const Event *ev, int64_t utc, int64_t local_day)
{
    return in_sorted(ev->ex_utc, ev->n_ex_utc, utc) || in_sorted(ev->ex_day, ev->n_ex_day, local_day);
}

/* Read the event's EXDATEs once (sorted, for bsearch); false with errors. */
static bool read_exdates(Ctx *c, Event *ev)
{
    bool ok = true;
    int cap_u = 0, cap_d = 0;
    Comp *cp = ev->cp;
    for (int i = 0; i < cp->nprops; i++) {
        Prop *p = &cp->props[i];
        if (!str_eq(p->name, "EXDATE")) continue;
        char *s = arena_strdup(c->a, p->value), *save = NULL;
        for (char *v = strtok_r(s, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
            ITime t;
            int64_t u;
            int off;
            if (++c->exdates > EXDATES_MAX) {
                error_at(c, p->line, "Too many EXDATE values in the file.", NULL);
                return false;
            }
            if (!parse_dt(v, param(p, "TZID"), &t)) {
                error_at(c, p->line, "This EXDATE is not a date or a date and time.", v);
                ok = false;
            } else if (t.kind == T_DATE) {
                ev->ex_day = arena_grow(c->a, ev->ex_day, ev->n_ex_day, &cap_d, sizeof *ev->ex_day);
                ev->ex_day[ev->n_ex_day++] = t.day;
            } else {
                if (t.kind == T_FLOAT && ev->st.kind == T_ZONE) t.kind = T_ZONE, t.tzid = ev->st.tzid;
                if (!to_utc(c, &t, p->line, &u, &off)) {
                    ok = false;
                    continue;
                }
                ev->ex_utc = arena_grow(c->a, ev->ex_utc, ev->n_ex_utc, &cap_u, sizeof *ev->ex_utc);
                ev->ex_utc[ev->n_ex_utc++] = u;
            }
        }
    }
    if (ev->n_ex_utc > 1) qsort(ev->ex_utc, (size_t)ev->n_ex_utc, sizeof *ev->ex_utc, i64_cmp);
    if (ev->n_ex_day > 1) qsort(ev->ex_day, (size_t)ev->n_ex_day, sizeof *ev->ex_day, i64_cmp);
    return ok;
}

/* One occurrence of master `ev` starting on local day `d` (time of day as
 * DTSTART's): its key, an override or EXDATE applied. */
static void occurrence(Ctx *c, const Event *ev, int64_t d)
{
    ITime t = ev->st;
    t.day = d;
    int64_t u;
    int off;
    if (++c->work > WORK_MAX) {
        c->over = true;
        return;
    }
    if (!to_utc(c, &t, ev->cp->line, &u, &off)) return;
    if (excluded(ev, u, d)) return;
    char *key = utc_key(c->a, u);
    const Event *ov = override_of(c, ev->uid, key);
    if (ov) {
        if (!ov->cancelled && !ov->bad) emit(c, ov, key, ov->start, ov->end, ov->off);
        return;
    }
    emit(c, ev, key, u, u + (ev->end - ev->start), off);
}

/* Is local day `d` past the rule's end?  (UNTIL is inclusive.) */
static bool past_until(Ctx *c, const Rule *r, const Event *ev, int64_t d)
{
    if (!r->has_until) return false;
    if (r->until_date) return d > r->until;
    ITime t = ev->st;
    t.day = d;
    int64_t u;
    int off;
    return !to_utc(c, &t, ev->cp->line, &u, &off) || u > r->until;
}

static void expand(Ctx *c, const Event *ev, const Rule *r)
{
    int64_t d0 = ev->st.day;
    int n = 0;
    if (!r->weekly) {
        for (int64_t k = 0; k < LOOP_MAX && !c->over; k++) {
            int64_t d = d0 + k * r->interval;
            if (past_until(c, r, ev, d)) return;
            if (r->mask && !(r->mask & (1u << weekday(d)))) continue;
            occurrence(c, ev, d);
            if (r->count && ++n >= r->count) return;
        }
        return;
    }
    unsigned mask = r->mask ? r->mask : 1u << weekday(d0);
    int64_t week0 = d0 - (weekday(d0) - r->wkst + 7) % 7;
    for (int64_t w = 0; w < LOOP_MAX && !c->over; w++) {
        for (int i = 0; i < 7; i++) {
            int64_t d = week0 + w * 7 * r->interval + i;
            if (d < d0 || !(mask & (1u << weekday(d)))) continue;
            if (past_until(c, r, ev, d)) return;
            occurrence(c, ev, d);
            if (r->count && ++n >= r->count) return;
        }
    }
}

static int occ_cmp(const void *x, const void *y)
{
    const IcalOccurrence *p = x, *q = y;
    if (p->starts_at != q->starts_at) return p->starts_at < q->starts_at ? -1 : 1;
    int k = strcmp(p->uid, q->uid);
    return k ? k : strcmp(p->recurrence, q->recurrence);
}

static int err_cmp(const void *x, const void *y)
{
    const IcalError *p = x, *q = y;
    return p->line != q->line ? (p->line < q->line ? -1 : 1) : strcmp(p->message, q->message);
}

void ical_sort_errors(IcalCalendar *cal)
{
    if (cal->n_errors > 1) qsort(cal->errors, (size_t)cal->n_errors, sizeof *cal->errors, err_cmp);
}

int ical_parse(Arena *a, const char *text, size_t len, const IcalOptions *opt, IcalCalendar *out)
{
    memset(out, 0, sizeof *out);
    Ctx c = {.a = a, .opt = opt, .out = out};
    if (len > ICAL_BYTES_MAX) return LN_ELIMIT;
    if (len == 0) {
        error_at(&c, 1, "The file is empty.", NULL);
        return LN_EINVAL;
    }
    if (!utf8_valid(text, len) || memchr(text, 0, len)) {
        error_at(&c, 1, "The file is not UTF-8 text.", NULL);
        return LN_EINVAL;
    }
    if (!lex(&c, text, len)) {
        ical_sort_errors(out);
        return LN_EINVAL;
    }
    Event *evs = arena_alloc(a, sizeof *evs * (size_t)(c.ncomps + 1));
    int nev = 0;
    for (int i = 0; i < c.ncomps; i++) {
        if (c.comps[i].kind != C_EVENT) continue;
        Event *ev = &evs[nev++];
        ev->cp = &c.comps[i];
        Prop *p = prop(ev->cp, "UID"), *st = prop(ev->cp, "STATUS"), *rid = prop(ev->cp, "RECURRENCE-ID");
        ev->uid = p ? p->value : NULL;
        ev->cancelled = st && str_ieq(st->value, "CANCELLED");
        if (!ev->uid || !*ev->uid) {
            error_at(&c, ev->cp->line, "This event has no UID: it is needed to import it only once.", NULL);
            ev->bad = true;
            continue;
        }
        if (rid) {
            ITime t;
            int64_t u;
            int off;
            if (!parse_dt(rid->value, param(rid, "TZID"), &t) || t.kind == T_DATE) {
                error_at(&c, rid->line, "This is not a date and time such as 20260302T090000 or 20260302T080000Z.", rid->value);
                ev->bad = true;
                continue;
            }
            if (!to_utc(&c, &t, rid->line, &u, &off)) {
                ev->bad = true;
                continue;
            }
            ev->rid = utc_key(a, u);
        }
        if (ev->cancelled) continue;
        if (!prop(ev->cp, "SUMMARY")) error_at(&c, ev->cp->line, "This event has no SUMMARY (its title).", ev->uid);
        if (!event_times(&c, ev)) ev->bad = true;
    }
    c.ovs = arena_alloc(a, sizeof *c.ovs * (size_t)(nev + 1));
    for (int i = 0; i < nev; i++)
        if (evs[i].rid && !evs[i].bad) c.ovs[c.novs++] = &evs[i];
    if (c.novs > 1) qsort(c.ovs, (size_t)c.novs, sizeof *c.ovs, ov_cmp);
    for (int i = 0; i < nev && !c.over; i++) {
        Event *ev = &evs[i];
        if (ev->bad || ev->rid || ev->cancelled) continue;
        Prop *rr = prop(ev->cp, "RRULE");
        if (!rr) {
            const Event *ov = override_of(&c, ev->uid, utc_key(a, ev->start));
            if (!ov) emit(&c, ev, "", ev->start, ev->end, ev->off);
            else if (!ov->cancelled && !ov->bad) emit(&c, ov, "", ov->start, ov->end, ov->off);
            continue;
        }
        Rule r;
        if (!rrule_parse(&c, rr, ev, &r) || !read_exdates(&c, ev)) continue;
        expand(&c, ev, &r);
    }
    for (int i = 0; i < nev && !c.over; i++)   /* a moved occurrence whose series is not in the file */
        if (evs[i].rid && !evs[i].used && !evs[i].cancelled && !evs[i].bad) emit(&c, &evs[i], evs[i].rid, evs[i].start, evs[i].end, evs[i].off);
    if (c.over) {
        ical_sort_errors(out);
        return LN_ELIMIT;
    }
    if (out->n > 1) qsort(out->items, (size_t)out->n, sizeof *out->items, occ_cmp);
    for (int i = 0; i < out->n; i++)     /* the same UID (and occurrence) twice */
        for (int j = i + 1; j < out->n; j++)
            if (str_eq(out->items[i].uid, out->items[j].uid) && str_eq(out->items[i].recurrence, out->items[j].recurrence)) {
                error_at(&c, out->items[j].line, "This event has the same UID as another one of the file.", out->items[j].uid);
                break;
            }
    ical_sort_errors(out);
    return LN_OK;
}
