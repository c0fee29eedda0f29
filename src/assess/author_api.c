/* author_api.c — the JSON API of authoring questions one by one: add,
 * replace (retire + insert) and remove an item, order the items.  Bodies are
 * items as item_json.c stores them; the same item_check as the pages. */
#include "assess/author.h"
#include "assess/pages.h"
#include "web/api.h"

/* The body as an item, checked; false when answered (400/422). */
static bool body_item(Req *r, Item *it)
{
    json_t *b = req_json_or_400(r);
    const char *err = NULL, *field;
    if (!b) return false;
    if (item_from_json(r->arena, b, it, &err) != LN_OK) {
        api_field_error(r, "item", err ? err : "malformed item");
        return false;
    }
    if ((field = item_check(it, &err))) {
        api_field_error(r, field, err);
        return false;
    }
    return true;
}

static void answer(Req *r, int rc, int status, int64_t unit_id, int64_t id)
{
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such question in this quiz");
    else if (rc == LN_ELIMIT) api_error(r, 422, "too_many", "a quiz holds at most 1000 questions");
    else if (rc == LN_EINVAL) api_field_error(r, "items", "\"items\" must name every current question once");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else {
        if (id) req_set_header(r, "X-Lectern-Quiz-Item", arena_printf(r->arena, "%lld", (long long)id));
        quiz_answer_staff(r, status, unit_id);
    }
}

/* POST /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/items */
void api_quiz_item_post(Req *r)
{
    Course c;
    Unit *u;
    Item it;
    int64_t id = 0;
    if (!quiz_staff_unit(r, &c, &u) || !body_item(r, &it)) return;
    int rc = quiz_item_add(r->db, c.org_id, u->id, &it, time_now_us(), &id);
    answer(r, rc, 201, u->id, id);
}

/* PUT …/quiz/items/{qid} — the new version gets a new quiz_item_id */
void api_quiz_item_put(Req *r)
{
    Course c;
    Unit *u;
    Item it;
    int64_t qid, id = 0;
    if (!quiz_staff_unit(r, &c, &u) || !req_path_id_or_404(r, "qid", &qid) || !body_item(r, &it)) return;
    int rc = quiz_item_edit(r->db, c.org_id, u->id, qid, &it, time_now_us(), &id);
    answer(r, rc, 200, u->id, id);
}

/* DELETE …/quiz/items/{qid} */
void api_quiz_item_delete(Req *r)
{
    Course c;
    Unit *u;
    int64_t qid;
    if (!quiz_staff_unit(r, &c, &u) || !req_path_id_or_404(r, "qid", &qid)) return;
    answer(r, quiz_item_remove(r->db, u->id, qid, time_now_us()), 200, u->id, 0);
}

/* PUT …/quiz/order {"items": [quiz_item_id, ...]} */
void api_quiz_order_put(Req *r)
{
    Course c;
    Unit *u;
    json_t *b;
    if (!quiz_staff_unit(r, &c, &u) || !(b = req_json_or_400(r))) return;
    json_t *items = json_object_get(b, "items");
    size_t n = json_array_size(items);
    if (!json_is_array(items) || n > QUIZ_MAX_ITEMS) {
        api_field_error(r, "items", "\"items\" must be an array of question ids");
        return;
    }
    int64_t *ids = arena_alloc(r->arena, sizeof(int64_t) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(items, i);
        if (!json_is_integer(v)) {
            api_field_error(r, "items", "\"items\" must be an array of question ids");
            return;
        }
        ids[i] = (int64_t)json_integer_value(v);
    }
    answer(r, quiz_item_order(r->db, u->id, ids, (int)n), 200, u->id, 0);
}
