/* lrs.h — the built-in xAPI Learning Record Store: storing and reading the
 * statements an external platform sends (docs/external.md).  Rules and SQL
 * only; the HTTP side is lrs_api.c.
 *
 * Statements are kept per organisation (the credential's).  A batch is
 * stored in one transaction: every statement as a row and a ledger entry
 * ("xapi.statement": its id, the SHA-256 of the statement as received, the
 * actor, verb, object and timestamp), so a statement changed or removed in
 * the database later is found by `lectern verify`.  A statement sent again
 * with the same id and the same content is not stored twice; with other
 * content it is a conflict.  A voiding statement marks its target voided:
 * voided statements are kept, but no longer count, and are read only by
 * voidedStatementId. */
#ifndef LECTERN_XAPI_LRS_H
#define LECTERN_XAPI_LRS_H

#include "db/db.h"
#include "attendance/facts.h"
#include "xapi/statement.h"

#define LRS_BATCH_MAX 1000          /* statements in one request */
#define LRS_LIMIT_DEFAULT 100       /* statements in one page of a query */
#define LRS_LIMIT_MAX 500

/* Who sends: the organisation; the API token (0 when a person imports a
 * report); the statements' "authority": its name and account name
 * ("token-12", "user-5") under the site's address (its homePage). */
typedef struct LrsSender {
    int64_t org_id, token_id;
    const char *name, *account, *base_url;
} LrsSender;

/* Store `n` statements `sts` (borrowed JSON objects).  Each is checked
 * first; nothing is stored unless all are good.  ids receives each
 * statement's id (the one given, or a new one).  LN_OK; LN_EINVAL with
 * *bad (the index) and *why (an English sentence, in `a`) for a bad
 * statement or an id given twice; LN_EEXIST with *bad for an id stored
 * already with other content; LN_ELIMIT for more than LRS_BATCH_MAX;
 * LN_EDB.  The work is done in `a` (the request's arena). */
int lrs_store(Db *db, Arena *a, const LrsSender *s, json_t *const *sts, int n, UsTime now,
              char (*ids)[XAPI_UUID_LEN + 1], int *bad, const char **why);

/* The statements stored about actor `email` (voided ones too), oldest
 * first, whose object `keep` accepts. */
typedef struct LrsOwned {
    Buf json;                       /* [{"statement_id", "voided", "body"}], each body the exact text
                                     * stored: the bytes its ledger entry's SHA-256 is of */
    char **ids;                     /* their ids, sorted (strcmp) */
    int n;
    int64_t first_seq;              /* the smallest of their ledger entries' seq; 0 when none */
} LrsOwned;
/* Fill `out` (ids in `a`; free out->json with buf_free). */
int lrs_statements_of(Db *db, Arena *a, int64_t org_id, const char *email, bool (*keep)(const char *object, void *ctx),
                      void *ctx, LrsOwned *out);

/* Is a statement with this id stored in the organisation (voided or not)? */
int lrs_has(Db *db, int64_t org_id, const char *statement_id, bool *has);

/* One stored statement as JSON text (arena): by id when `voided` is false
 * (a voided one is not found), by voidedStatementId when true (only a
 * voided one is found).  LN_OK, LN_NOTFOUND, LN_EDB. */
int lrs_get(Db *db, Arena *a, int64_t org_id, const char *statement_id, bool voided, char **body);

/* A query of the statements that are not voided (xAPI GET /statements
 * parameters).  NULL / 0 fields do not filter. */
typedef struct LrsQuery {
    const char *actor;              /* normalised identifier (XapiStatement.actor) */
    const char *verb, *activity, *registration;
    UsTime since, until;            /* on "stored": since < stored <= until */
    int limit;                      /* 1..LRS_LIMIT_MAX */
    bool ascending;
    UsTime after_stored;            /* the cursor of a "more" link: after (stored, id) */
    int64_t after_id;
} LrsQuery;
/* Append the page as a JSON array of statements to `out`; *more is set when
 * there are more, with the cursor of the last one in *next_stored and
 * *next_id. */
int lrs_query(Db *db, int64_t org_id, const LrsQuery *q, Buf *out, bool *more, UsTime *next_stored,
              int64_t *next_id);

/* `lectern verify`: every stored statement against its ledger entry (the
 * SHA-256 of the row's stored statement, its id, actor, verb, object and
 * time), and the entries counted against the rows.  LN_OK, LN_EINVAL
 * naming the first difference, LN_EDB. */
int lrs_facts_verify(Db *db, int64_t org_id, FactsReport *out);

#endif
