/* mail.h — the outbox: every message is a row first, delivered later by the
 * sender (SMTP through libcurl when configured, otherwise an .eml file under
 * DATA_DIR/mail/).  Failed sends are retried with back-off, never lost. */
#ifndef LECTERN_MAIL_H
#define LECTERN_MAIL_H

#include "http/app.h"

/* Queue a plain-text message (in the caller's transaction, if any). */
int mail_enqueue(Db *db, const char *to, const char *subject, const char *body, UsTime now);

/* Base URL for links in messages: --base-url, else http://LISTEN. */
const char *mail_base_url(Req *r);

/* Deliver what is due; returns how many were sent, or a negative LN_ code.
 * Safe to run from several processes at once (rows are claimed).  `lectern
 * serve` calls it from its tick (app_tick), once a second. */
int mail_deliver_due(App *app, Db *db, UsTime now);

/* Back-off after `attempts` failures, in seconds (30 s doubling, ≤ 6 h). */
int64_t mail_backoff_s(int attempts);

#endif
