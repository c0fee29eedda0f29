/* ticker.c — a function called once a second in a thread (ticker.h). */
#include "http/ticker.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct Ticker {
    App *app;
    TickFn fn;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void *ticker_main(void *arg)
{
    Ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        pthread_mutex_unlock(&t->mu);
        Db *db = db_pool_get(t->app->pool);
        t->fn(t->app, db);
        db_pool_put(t->app->pool, db);
        pthread_mutex_lock(&t->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        if (!t->stop) pthread_cond_timedwait(&t->cv, &t->mu, &ts);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

Ticker *ticker_start(App *app, TickFn fn)
{
    Ticker *t = xcalloc(1, sizeof *t);
    t->app = app;
    t->fn = fn;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return NULL;
    }
    return t;
}

void ticker_stop(Ticker *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
