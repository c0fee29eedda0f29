/* api.c — JSON answers. */
#include "web/api.h"

#include <stdlib.h>
#include <string.h>

void api_json(Req *r, int status, json_t *body)
{
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    buf_reset(&r->out);
    char *s = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(body);
    if (s) {
        buf_puts(&r->out, s);
        free(s);
    }
    buf_putc(&r->out, '\n');
}

void api_error(Req *r, int status, const char *code, const char *message)
{
    api_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}

void api_field_error(Req *r, const char *field, const char *message)
{
    api_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid", "message",
                               message, "field", field));
}

const char *api_str(Req *r, json_t *o, const char *key, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        if (!*bad) {
            char *m = arena_printf(r->arena, "\"%s\" must be a string", key);
            api_json(r, 400, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "bad_request",
                                       "message", m, "field", key));
        }
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

json_t *api_time(Arena *a, int64_t us)
{
    return us ? json_string(time_iso(a, us)) : json_null();
}

bool api_int(Req *r, json_t *o, const char *key, int64_t min, int64_t def, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min) {
        api_field_error(r, key, arena_printf(r->arena, "\"%s\" must be a whole number ≥ %lld", key, (long long)min));
        return false;
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

bool api_time_in(Req *r, json_t *o, const char *key, UsTime *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) *out = -1;
    else if (json_is_null(v)) *out = 0;
    else if (json_is_integer(v) && json_integer_value(v) > 0) *out = (UsTime)json_integer_value(v);
    else if (!json_is_string(v) || !time_parse_iso(json_string_value(v), out)) {
        api_field_error(r, key, arena_printf(r->arena, "\"%s\" must be a date such as \"2026-12-01T09:00:00Z\"", key));
        return false;
    }
    return true;
}

const char *json_str_at(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

int64_t json_int_at(const json_t *o, const char *key, int64_t def)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}
