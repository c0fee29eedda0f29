/* ticker.h — a background thread of `lectern serve` that calls a function
 * once a second with a pooled database connection, until stopped.  Two run:
 * the tick (mail, evidence checkpoints, signing links, reminders, quiz
 * expiry; app_tick) and the jobs (course exports and imports, all the sheets
 * of a run; app_jobs_tick), so that a long job never delays a signing link
 * or a message. */
#ifndef LECTERN_TICKER_H
#define LECTERN_TICKER_H

#include "http/app.h"

typedef void (*TickFn)(App *app, Db *db);
typedef struct Ticker Ticker;

/* NULL when the thread cannot start. */
Ticker *ticker_start(App *app, TickFn fn);
/* Wake it, let the call in progress finish, join it. */
void ticker_stop(Ticker *t);

#endif
