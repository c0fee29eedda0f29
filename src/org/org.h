/* org.h — organisations, memberships and roles, invitations, API tokens,
 * bulk import of users.  Rules and SQL only. */
#ifndef LECTERN_ORG_H
#define LECTERN_ORG_H

#include "http/req.h"

/* ---- organisations ---- */
const char *check_slug(const char *slug);   /* NULL or an English message */
int org_create(Db *db, const char *slug, const char *name, bool allow_signup, UsTime now,
               int64_t *id);
const char *org_create_apply(Req *r, const char *slug, const char *name, bool allow_signup,
                             const char *admin_email, const char **msg, int64_t *id_out);
int org_by_slug(Db *db, Arena *a, const char *slug, Org *out);
const char *org_settings_apply(Req *r, const char *name, bool allow_signup, const char *domains,
                               const char **msg);
int org_update(Db *db, int64_t id, const char *name, bool allow_signup,
               const char *signup_domains);

typedef struct OrgList { Org *items; int n; } OrgList;
/* The organisations `viewer` belongs to, or all of them when `all`; each
 * with the viewer's role in it (ROLE_NONE when not a member). */
int org_list(Db *db, Arena *a, int64_t viewer, bool all, OrgList *out);

/* ---- memberships ---- */
Role member_role(Db *db, int64_t org_id, int64_t user_id);
/* Insert or change the role. */
int member_set(Db *db, int64_t org_id, int64_t user_id, Role role, UsTime now);
/* True when `user_id` is the organisation's only administrator: demoting or
 * removing them would leave nobody to run it. */
bool member_is_last_admin(Db *db, int64_t org_id, int64_t user_id);
int member_remove(Db *db, int64_t org_id, int64_t user_id);

typedef struct Member {
    int64_t user_id;
    char *email, *name;
    Role role;
    UsTime since;
} Member;
typedef struct MemberList { Member *items; int n; int total; } MemberList;
/* One page of members, ordered by name; `q` filters on name or e-mail. */
int member_list(Db *db, Arena *a, int64_t org_id, const char *q, int offset, int limit,
                MemberList *out);

/* ---- invitations: an e-mailed link to join with a role ---- */
#define INVITE_DAYS 14
typedef struct Invitation {
    int64_t id, org_id;
    char *email, *org_name, *org_slug;
    Role role;
    UsTime expires_at, accepted_at;
} Invitation;
/* Creates the invitation and queues its e-mail.  LN_EINVAL on a bad
 * address, LN_EEXIST when already a member. */
int invite_create(Req *r, int64_t org_id, const char *email, Role role);
/* The row and its e-mail only; the caller holds the transaction. */
int invite_insert(Req *r, int64_t org_id, const char *email, Role role, UsTime now);
int invite_lookup(Db *db, Arena *a, const char *token, UsTime now, Invitation *out);
/* Accept: joins `user_id`, or creates the account from name + password when
 * user_id is 0.  *uid_out is the member.  Runs in one transaction. */
int invite_accept(Db *db, const char *token, int64_t user_id, const char *name,
                  const char *password, UsTime now, int64_t *uid_out);

typedef struct InviteList { Invitation *items; int n; } InviteList;
/* Pending invitations (not accepted, not expired), newest first. */
int invite_list(Db *db, Arena *a, int64_t org_id, UsTime now, InviteList *out);
/* Withdraw a pending invitation: its link stops working.  LN_NOTFOUND when
 * there is no such pending invitation in this organisation. */
int invite_revoke(Db *db, int64_t org_id, int64_t id, UsTime now);

/* ---- API tokens: bearer tokens acting for a user in one organisation ---- */
typedef struct ApiToken {
    int64_t id, org_id, user_id;
    char *name, *prefix, *user_email;
    Role role;
    UsTime created_at, last_used_at, revoked_at;
} ApiToken;
/* token_out gets "lct_" + TOKEN_CHARS + NUL (48 bytes). */
int apitoken_create(Db *db, int64_t org_id, int64_t user_id, const char *name, Role role,
                    UsTime now, char *token_out, int64_t *id);
/* LN_OK with the token's user and organisation, or LN_NOTFOUND. */
int apitoken_lookup(Db *db, Arena *a, const char *token, UsTime now, User *user,
                    ApiToken *tok);
int apitoken_revoke(Db *db, int64_t org_id, int64_t id, UsTime now);
typedef struct ApiTokenList { ApiToken *items; int n; } ApiTokenList;
int apitoken_list(Db *db, Arena *a, int64_t org_id, ApiTokenList *out);

/* ---- bulk import from CSV: email,name,role (header optional) ---- */
typedef enum { IMPORT_ADD, IMPORT_INVITE, IMPORT_SKIP, IMPORT_ERROR } ImportAction;
typedef struct ImportLine {
    int line;
    char *email, *name;
    Role role;
    ImportAction action;
    const char *message;        /* English msgid for errors and skips */
} ImportLine;
typedef struct ImportReport {
    ImportLine *lines;
    int n, added, invited, skipped, errors;
} ImportReport;
#define IMPORT_MAX_LINES 10000
/* Parse and check `csv`; with apply, add existing accounts and invite the
 * others (one transaction).  Without apply, only the preview. */
int org_import_csv(Req *r, int64_t org_id, const char *csv, size_t len, bool apply,
                   ImportReport *out);

/* Record an administrative action. */
void admin_log(Db *db, int64_t org_id, int64_t actor, const char *action, const char *subject,
               UsTime now);

#endif
