/* pool.c — question pools: the items of one GIFT category ($CATEGORY, or
 * the "Pool" field of the editor) form a pool.  With the setting
 * draw_per_pool, each attempt draws draw_count questions at random from
 * every pool (all of a smaller pool), and shows every question that has no
 * category; without it, draw_count questions from the whole quiz (quiz_draw).
 * Drawing uses quiz_draw (libsodium's randombytes_uniform): within a pool,
 * each set of questions is equally likely. */
#include "assess/quiz.h"

#include <sodium.h>
#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static bool same_pool(const Item *a, const Item *b)
{
    return a->category && b->category && str_eq(a->category, b->category);
}

/* Index of the first item of i's pool (i itself when it opens the pool). */
static int pool_head(const QuizItems *qi, int i)
{
    for (int k = 0; k < i; k++)
        if (same_pool(&qi->items[k].item, &qi->items[i].item)) return k;
    return i;
}

/* Without shuffling, `out` in the quiz's order; with it, in random order. */
static void arrange(int *out, int k, bool shuffle)
{
    qsort(out, (size_t)k, sizeof *out, cmp_int);
    if (!shuffle) return;
    for (int i = k - 1; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1);
        int t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
}

int quiz_draw_items(const QuizSettings *qs, const QuizItems *qi, int *out)
{
    int n = qi->n;
    if (!qs->draw_per_pool || qs->draw_count <= 0) return quiz_draw(n, (int)qs->draw_count, qs->shuffle, out);
    int *members = malloc(sizeof(int) * (size_t)(n + 1)), *picked = malloc(sizeof(int) * (size_t)(n + 1));
    if (!members || !picked) {
        free(members);
        free(picked);
        return quiz_draw(n, 0, qs->shuffle, out);
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        const Item *it = &qi->items[i].item;
        if (!it->category) {
            out[k++] = i;       /* not in a pool: always shown */
            continue;
        }
        if (pool_head(qi, i) != i) continue;
        int m = 0;
        for (int j = i; j < n; j++)
            if (j == i || same_pool(it, &qi->items[j].item)) members[m++] = j;
        int d = quiz_draw(m, (int)qs->draw_count, false, picked);
        for (int p = 0; p < d; p++) out[k++] = members[picked[p]];
    }
    free(members);
    free(picked);
    arrange(out, k, qs->shuffle);
    return k;
}

int quiz_drawn_count(const QuizSettings *qs, const QuizItems *qi)
{
    if (qs->draw_count <= 0) return qi->n;
    if (!qs->draw_per_pool) return qs->draw_count < qi->n ? (int)qs->draw_count : qi->n;
    int k = 0;
    for (int i = 0; i < qi->n; i++) {
        const Item *it = &qi->items[i].item;
        if (!it->category) k++;
        else if (pool_head(qi, i) == i) {
            int m = 0;
            for (int j = i; j < qi->n; j++) m += j == i || same_pool(it, &qi->items[j].item);
            k += m < qs->draw_count ? m : (int)qs->draw_count;
        }
    }
    return k;
}
