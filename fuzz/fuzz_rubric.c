/* fuzz_rubric.c — peer_rubric_from_json over arbitrary JSON (assess/peer.c),
 * the rubric a trainer sends through the API or the web form.
 *
 * A refusal names its problem; an accepted rubric holds 0..20 criteria of
 * 2..10 levels with titles of valid UTF-8 and whole points 0..1000, some
 * level of each criterion giving points; written back to JSON it reads
 * again to the same rubric, and writing that gives the same text. */
#include "assess/peer.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

static void check_rubric(const PeerRubric *r)
{
    check(r->n >= 0 && r->n <= PEER_MAX_CRITERIA);
    for (int i = 0; i < r->n; i++) {
        const PeerCriterion *c = &r->criteria[i];
        check(c->title && *c->title && utf8_valid(c->title, strlen(c->title)));
        check(c->nlevels >= 2 && c->nlevels <= PEER_MAX_LEVELS);
        int64_t best = 0;
        for (int k = 0; k < c->nlevels; k++) {
            check(c->levels[k].title && *c->levels[k].title);
            check(c->levels[k].points >= 0 && c->levels[k].points <= PEER_MAX_POINTS);
            if (c->levels[k].points > best) best = c->levels[k].points;
        }
        check(best > 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!j) return 0;
    Arena *a = arena_new();
    PeerRubric r;
    const char *err = NULL;
    if (peer_rubric_from_json(a, j, &r, &err) != LN_OK) check(err && *err);
    else {
        check_rubric(&r);
        json_t *out = peer_rubric_to_json(&r);
        char *t1 = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
        PeerRubric back;
        check(peer_rubric_from_json(a, out, &back, &err) == LN_OK && back.n == r.n);
        json_t *out2 = peer_rubric_to_json(&back);
        char *t2 = json_dumps(out2, JSON_COMPACT | JSON_SORT_KEYS);
        check(t1 && t2 && strcmp(t1, t2) == 0);
        free(t1);
        free(t2);
        json_decref(out);
        json_decref(out2);
    }
    json_decref(j);
    arena_free(a);
    return 0;
}
