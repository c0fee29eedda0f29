/* forum.h — the forum of a course run (docs/forum.md): threads of kind
 * question or discussion, posts in Markdown with one level of nesting,
 * upvotes, a trainer's endorsement and "answered" mark, and the record of
 * trainer assistance (first trainer reply to each question, in the
 * evidence ledger as "assistance.reply"). */
#ifndef LECTERN_FORUM_H
#define LECTERN_FORUM_H

#include "catalog/pages.h"

#define FORUM_TITLE_MAX 200             /* characters */
#define FORUM_BODY_MAX 20000            /* characters */
#define FORUM_EDIT_WINDOW_US (30LL * 60 * 1000000)
#define FORUM_DEFAULT_RESPONSE_HOURS 48
#define FORUM_CATEGORY_MAX 80           /* characters */
#define FORUM_POSTS_PER_MINUTE 20       /* threads and replies by one user, all forums */

/* ---- attachments (attach.c) ---- */
#define FORUM_ATTACH_MAX_FILES 5                        /* per post */
#define FORUM_ATTACH_FILE_MAX (INT64_C(10) << 20)       /* bytes, per file */
#define FORUM_ATTACH_POST_MAX (INT64_C(20) << 20)       /* bytes, all the files of a post */
/* Files stored in the media store, to attach to the post being written. */
typedef struct ForumFile { int64_t media_id, size; const char *filename, *mime; } ForumFile;
typedef struct ForumFiles { ForumFile items[FORUM_ATTACH_MAX_FILES]; int n; } ForumFiles;

/* Who is asking, for run `run_id`. */
typedef struct ForumCtx {
    RunRef run;
    Course course;
    bool staff, learner;
    bool banned;                        /* from posting (moderation) */
    const ForumFiles *files;            /* attached to the next thread or reply written (NULL: none) */
    bool separate;                      /* separate forums per cohort group (groups.c) */
    int64_t group_id;                   /* the caller's group in the run (0: none) */
    int64_t post_group_id;              /* staff: the group of the next thread they start (0: none) */
} ForumCtx;
/* Load run `run_id` for the caller: its enrolled learners and its course's
 * staff (the rule of learn_load).  Answers 401/403/404 and returns false
 * otherwise. */
bool forum_access(Req *r, int64_t run_id, ForumCtx *f);

typedef struct ForumThread {
    int64_t id, run_id, org_id, unit_id, author_id;
    char *kind, *title, *author_name;
    UsTime created_at, last_activity_at, answered_at, first_trainer_reply_at;
    int64_t answered_by, first_trainer_reply_by;
    char *first_trainer_name;
    bool pinned, closed;
    int64_t replies, votes;
    int64_t category_id;                /* 0: none */
    char *category_name;                /* "" when none */
    char *unit_title;                   /* "" when none */
    bool unread;                        /* new activity since the viewer last read it (lists only) */
    int64_t group_id;                   /* cohort group (0: none) */
} ForumThread;
typedef struct ForumThreadList { ForumThread *items; int n; } ForumThreadList;

typedef struct ForumPost {
    int64_t id, thread_id, parent_id, author_id, run_id;
    char *author_name, *body, *author_role;     /* role in the organisation, "" when none */
    char *hidden_reason;                        /* "" unless hidden */
    UsTime created_at, edited_at, deleted_at, hidden_at;
    bool endorsed, voted;                       /* voted: by the viewer */
    int64_t votes;
} ForumPost;
typedef struct ForumPostList { ForumPost *items; int n; } ForumPostList;

/* NULL when fine, else an English message (a msgid). */
const char *forum_check_title(const char *title);
const char *forum_check_body(const char *body);

/* sort: "recent" (default), "votes", "unanswered" (open questions only);
 * category_id, unit_id 0: all; unread markers for viewer_id. */
int forum_threads(Db *db, Arena *a, int64_t run_id, const char *sort, int64_t category_id, int64_t unit_id,
                  int64_t viewer_id, ForumThreadList *out);
/* The same, only the threads of group `group_id` (0: of no group; -1: all). */
int forum_threads_of_group(Db *db, Arena *a, int64_t run_id, const char *sort, int64_t category_id, int64_t unit_id,
                           int64_t viewer_id, int64_t group_id, ForumThreadList *out);
int forum_thread_load(Db *db, Arena *a, int64_t run_id, int64_t id, ForumThread *out);
/* The posts in order: the opening post first, then each top-level reply
 * followed by its replies. */
int forum_posts(Db *db, Arena *a, int64_t thread_id, int64_t viewer_id, ForumPostList *out);
int forum_post_load(Db *db, Arena *a, int64_t thread_id, int64_t id, ForumPost *out);

/* Whether `user_id` may post at `now`: fewer than FORUM_POSTS_PER_MINUTE
 * posts in the minute before. */
bool forum_rate_ok(Db *db, int64_t user_id, UsTime now);

/* The viewer has read the thread up to `now` (unread markers). */
int forum_mark_read(Db *db, int64_t thread_id, int64_t user_id, UsTime now);

/* Categories of a run's forum (managed by staff). */
typedef struct ForumCategory { int64_t id; char *name; int64_t threads; } ForumCategory;
typedef struct ForumCategoryList { ForumCategory *items; int n; } ForumCategoryList;
const char *forum_check_category(const char *name);
int forum_categories(Db *db, Arena *a, int64_t run_id, ForumCategoryList *out);
/* LN_EEXIST when the run has a category of that name. */
int forum_category_create(Db *db, const RunRef *run, const char *name, UsTime now, int64_t *id);

/* Appends a moderation action to forum_mod_action (append-only). */
int forum_mod_record(Db *db, int64_t run_id, int64_t org_id, int64_t actor_id, const char *action, int64_t thread_id,
                     int64_t post_id, int64_t user_id, const char *reason, UsTime now);
/* Staff: what "pinned" or "closed" (value 0/1) or "category" (an id of
 * the run's, 0 for none: LN_NOTFOUND otherwise), recorded as a moderation
 * action (pin/unpin, close/reopen, move) in the same transaction. */
int forum_thread_set(Db *db, const ForumThread *t, int64_t actor_id, const char *what, int64_t value, UsTime now);

/* A new thread (category_id 0: none; unit_id 0: none, else a unit of the
 * run's course, the unit's discussion; LN_NOTFOUND when either is not the
 * run's) and its opening post, in one transaction.  LN_EPERM when banned, LN_ELIMIT
 * past the rate limit (forum_rate_ok); forum_reply too. */
int forum_thread_create(Db *db, const ForumCtx *f, int64_t user_id, const char *kind, int64_t category_id,
                        int64_t unit_id, const char *title, const char *body, UsTime now, int64_t *thread_id);
/* The title of unit `unit_id` when it belongs to the run's course, else NULL. */
const char *forum_unit_title(Db *db, Arena *a, const ForumCtx *f, int64_t unit_id);
/* A reply (parent_id 0: top level; a reply to a reply attaches to its
 * top-level reply).  When `staff` answers a question for the first time,
 * records the first trainer reply and appends "assistance.reply" to the
 * ledger in the same transaction.  LN_NOTFOUND for a parent not in the
 * thread, LN_EINVAL when the thread is closed. */
int forum_reply(Db *db, const ForumCtx *f, const ForumThread *t, int64_t user_id, bool staff, int64_t parent_id,
                const char *body, UsTime now, int64_t *post_id);
/* Whether the viewer may read the body of `p` (and its history): staff
 * always; others unless deleted, and unless hidden (its author still). */
bool forum_post_visible(const ForumCtx *f, const ForumPost *p, int64_t viewer_id);
/* Whether `user_id` may edit or delete `p` at `now`: its author, within
 * FORUM_EDIT_WINDOW_US of posting, unless deleted or hidden. */
bool forum_can_change(const ForumPost *p, int64_t user_id, UsTime now);
/* The author edits (forum_can_change, else LN_EPERM); the replaced version
 * is kept in forum_post_revision in the same transaction. */
int forum_edit(Db *db, const ForumPost *p, int64_t user_id, const char *body, UsTime now);
/* The author deletes (forum_can_change, else LN_EPERM): the post is marked
 * deleted, never erased (a trainer's reply stays evidence). */
int forum_delete(Db *db, const ForumPost *p, int64_t user_id, UsTime now);
typedef struct ForumRev { char *body; UsTime written_at, replaced_at; } ForumRev;
typedef struct ForumRevList { ForumRev *items; int n; } ForumRevList;
/* Earlier versions of a post, the latest first. */
int forum_revisions(Db *db, Arena *a, int64_t post_id, ForumRevList *out);
/* Once per user: LN_EEXIST when already voted. */
int forum_vote(Db *db, const ForumPost *p, int64_t user_id, UsTime now);
int forum_endorse(Db *db, const ForumPost *p, bool endorsed);
/* LN_EINVAL when the thread is not a question. */
int forum_mark_answered(Db *db, const ForumThread *t, int64_t user_id, UsTime now);

/* The response-time report of a run. */
typedef struct ForumAssist {
    int64_t thread_id;
    char *title, *author_name, *trainer_name;
    UsTime asked_at, replied_at;        /* replied_at 0: not yet */
    int64_t delay_s;                    /* to the reply, or to now when none */
    bool overdue;
} ForumAssist;
typedef struct ForumAssistList { ForumAssist *items; int n; int64_t response_hours; } ForumAssistList;
/* Overdue questions first, then by time asked. */
int forum_assistance(Db *db, Arena *a, const RunRef *run, UsTime now, ForumAssistList *out);

/* ---- following and notifications (notify.c) ---- */
int forum_follow(Db *db, int64_t thread_id, int64_t user_id, bool on, UsTime now);
bool forum_following(Db *db, int64_t thread_id, int64_t user_id);
/* Following a whole forum (a run's): every new post in it. */
int forum_follow_forum(Db *db, int64_t run_id, int64_t user_id, bool on, UsTime now);
bool forum_following_forum(Db *db, int64_t run_id, int64_t user_id);
/* A notification of post `post_id` for each follower of the thread or of
 * its forum but the post's author, who may still read the forum (in the
 * caller's transaction). */
int forum_notify_followers(Db *db, const ForumThread *t, int64_t post_id, int64_t author_id, UsTime now);
typedef struct ForumNote {
    int64_t id, run_id, thread_id, post_id;
    char *title, *author_name;
    UsTime created_at, read_at;
} ForumNote;
typedef struct ForumNoteList { ForumNote *items; int n; int64_t unread; } ForumNoteList;
/* The latest `limit` notifications of a user, and how many are unread. */
int forum_notifications(Db *db, Arena *a, int64_t user_id, int limit, ForumNoteList *out);
/* How many notifications the user has not read (the site header shows it). */
int64_t forum_unread_count(Db *db, int64_t user_id);
/* Marks read the user's notifications of a thread (0: all). */
int forum_notifications_read(Db *db, int64_t user_id, int64_t thread_id, UsTime now);
/* "immediate" (the default), "digest" or "off". */
const char *forum_mail_mode(Db *db, Arena *a, int64_t user_id);
int forum_mail_mode_set(Db *db, int64_t user_id, const char *mode, UsTime now);
/* The one-click unsubscribe token of a user: HMAC-SHA256 keyed with the
 * site secret, base64url. */
char *forum_unsub_token(Arena *a, const char *secret, int64_t user_id);
bool forum_unsub_check(Arena *a, const char *secret, int64_t user_id, const char *token);
/* E-mails pending notifications through the outbox: one message each for
 * "immediate", one digest a day for "digest", none for "off" (marked
 * anyway).  Returns how many users were handled, or a negative LN_ code. */
int forum_mail_due(Db *db, const char *base_url, const char *secret, UsTime now);
/* From app_tick: forum_mail_due every 2 seconds. */
void forum_tick(App *app, Db *db);

/* ---- moderation (moderation.c) ---- */
#define FORUM_REASON_MAX 500            /* characters */
const char *forum_check_reason(const char *reason);
/* A reader reports a post; LN_EEXIST when they have an open report on it. */
int forum_report(Db *db, const ForumPost *p, int64_t org_id, int64_t reporter_id, const char *reason, UsTime now,
                 int64_t *id);
typedef struct ForumReport {
    int64_t id, post_id, thread_id, author_id;
    char *title, *body, *author_name, *reporter_name, *reason;
    UsTime created_at;
    bool hidden;
} ForumReport;
typedef struct ForumReportList { ForumReport *items; int n; } ForumReportList;
/* The open reports of a run, oldest first (the moderation queue). */
int forum_reports(Db *db, Arena *a, int64_t run_id, ForumReportList *out);
/* Staff hide a post with a reason (closing its open reports) or show it
 * again; LN_EEXIST when it already is so. Recorded. */
int forum_hide(Db *db, const ForumPost *p, int64_t org_id, int64_t actor_id, bool hide, const char *reason, UsTime now);
/* Staff dismiss an open report of the run (LN_NOTFOUND otherwise). Recorded. */
int forum_dismiss(Db *db, int64_t run_id, int64_t org_id, int64_t report_id, int64_t actor_id, UsTime now);
/* Ban a learner of the run from posting in its forum (LN_NOTFOUND: not a
 * learner of the run; LN_EPERM: staff; LN_EEXIST: already) or lift the ban
 * (LN_NOTFOUND: none). Recorded. */
int forum_ban(Db *db, const RunRef *run, int64_t user_id, int64_t actor_id, bool ban, const char *reason, UsTime now);
bool forum_banned(Db *db, int64_t run_id, int64_t user_id);
typedef struct ForumBan { int64_t user_id; char *name, *reason; UsTime created_at; } ForumBan;
typedef struct ForumBanList { ForumBan *items; int n; } ForumBanList;
int forum_bans(Db *db, Arena *a, int64_t run_id, ForumBanList *out);
typedef struct ForumMod {
    int64_t id, thread_id, post_id, user_id;
    char *action, *actor_name, *user_name, *reason;
    UsTime created_at;
} ForumMod;
typedef struct ForumModList { ForumMod *items; int n; } ForumModList;
/* The latest `limit` moderation actions of a run. */
int forum_mod_log(Db *db, Arena *a, int64_t run_id, int limit, ForumModList *out);

/* Whether a sniffed type may be attached (images: PNG, JPEG, GIF, WebP;
 * files: PDF, plain text, CSV, ZIP, office documents), and shown inline. */
bool forum_attach_type_ok(const char *mime);
bool forum_attach_is_image(const char *mime);
/* Attaches `files` to post `post_id` of thread `t` (in the caller's
 * transaction): LN_ELIMIT when the post would exceed
 * FORUM_ATTACH_MAX_FILES or FORUM_ATTACH_POST_MAX with its earlier ones,
 * LN_EINVAL for a type not allowed. */
int forum_attach(Db *db, int64_t run_id, int64_t org_id, int64_t thread_id, int64_t post_id, const ForumFiles *files,
                 UsTime now);
typedef struct ForumAttachment { int64_t id, post_id, media_id, size; char *filename, *mime; } ForumAttachment;
typedef struct ForumAttachmentList { ForumAttachment *items; int n; } ForumAttachmentList;
/* The attachments of a thread's posts, by post then position. */
int forum_attachments(Db *db, Arena *a, int64_t thread_id, ForumAttachmentList *out);
/* The multipart parts named "file" of the request, checked (count, sizes,
 * sniffed type: nothing is stored when one fails, and the request is
 * answered 413/415/422) then stored in the media store of the run's
 * organisation.  Existing: the files the post already has. */
bool forum_files_from_request(Req *r, const ForumCtx *f, int existing_n, int64_t existing_bytes, ForumFiles *out);
/* The viewer's list of a post's attachments: images inline with their name
 * as alt text, other files as download links. */
void forum_attachments_html(Req *r, const ForumThread *t, const ForumAttachmentList *l, int64_t post_id);
struct json_t *forum_attachments_json(Req *r, const ForumThread *t, const ForumAttachmentList *l, int64_t post_id);
void forum_attachment_get(Req *r);
void api_forum_attachments_post(Req *r);

/* ---- cohort groups (groups.c) ---- */
#define FORUM_GROUP_NAME_MAX 80         /* characters */
/* Whether the run's forum is separated by group, and `user_id`'s group in
 * it (0: none). */
void forum_group_view(Db *db, int64_t run_id, int64_t user_id, bool *separate, int64_t *group_id);
/* Whether the caller may read thread `t`: always unless the forum is
 * separated, then staff, or a learner of the thread's group (a learner
 * without a group: the threads of no group). */
bool forum_thread_readable(const ForumCtx *f, const ForumThread *t);
/* forum_thread_load of the caller's run, LN_NOTFOUND when not readable. */
int forum_thread_for(Req *r, const ForumCtx *f, int64_t tid, ForumThread *t);
/* The threads the caller may read (forum_threads_of_group): with separate
 * forums, a learner's group's only; staff's filter `only` when not 0. */
int forum_threads_for(Db *db, Arena *a, const ForumCtx *f, const char *sort, int64_t category_id, int64_t unit_id,
                      int64_t viewer_id, int64_t only, ForumThreadList *out);
typedef struct ForumGroupMember { int64_t user_id; char *name, *email; } ForumGroupMember;
typedef struct ForumGroup { int64_t id; char *name; ForumGroupMember *members; int n; } ForumGroup;
typedef struct ForumGroupList { ForumGroup *items; int n; bool separate; } ForumGroupList;
int forum_groups(Db *db, Arena *a, int64_t run_id, ForumGroupList *out);
int forum_groups_separate(Db *db, const RunRef *run, bool on, UsTime now);
/* Puts each learner (by e-mail) in a group (by name, created when new; ""
 * takes the learner out of their group), all or nothing.  LN_NOTFOUND when
 * an e-mail is not an active learner of the run, LN_EINVAL for a bad group
 * name; *bad is then the index of the faulty pair.  `separate` 0 or 1 sets
 * "separate forums" in the same transaction (-1: unchanged). */
int forum_groups_assign(Db *db, const RunRef *run, char *const *emails, char *const *groups, int n, int separate,
                        UsTime now, int *bad);
/* The group `group_id` of the run, or 0. */
bool forum_group_in_run(Db *db, int64_t run_id, int64_t group_id);
void forum_groups_page(Req *r);
void forum_groups_post(Req *r);
void api_forum_groups_get(Req *r);
void api_forum_groups_patch(Req *r);

/* ---- full-text search (forum_search.c) ---- */
/* (Re)indexes post `post_id` (thread title for the opening post, the text
 * of its Markdown); removes it when deleted.  In the caller's transaction. */
int forum_search_index(Db *db, int64_t post_id);
/* Indexes posts older than the index (start-up); returns how many. */
int forum_search_backfill(Db *db);
typedef struct ForumHit {
    int64_t post_id, thread_id;
    char *title, *text, *author_name;  /* text: the post as plain text */
    UsTime created_at;
} ForumHit;
typedef struct ForumHitList { ForumHit *items; int n; } ForumHitList;
/* Posts of run `run_id` matching `q` (all words, the last a prefix; accents
 * and case ignored), best first, at most 50; deleted and hidden posts never. */
int forum_search(Db *db, Arena *a, int64_t run_id, const char *q, ForumHitList *out);
typedef struct ForumSpan { const char *text; size_t start, len; bool mark; } ForumSpan;
/* Cuts `text` into plain and marked segments (words starting with a word of
 * `q`, folded like the index); `snippet`: only a window around the first
 * match, with ellipses.  Returns the number of segments. */
int forum_highlight(Arena *a, const char *text, const char *q, bool snippet, ForumSpan **spans);
/* Writes segments through hprintf: <mark> around marked ones, all escaped. */
void forum_spans_html(Req *r, const ForumSpan *s, int n);
/* Keeps in `l` the hits of threads the caller may read (cohort groups). */
void forum_hits_keep(Db *db, const ForumCtx *f, ForumHitList *l);

/* A "discussion" unit in the unit player: the threads attached to the unit
 * and a form to start one.  Posting once there (a thread or a reply)
 * completes the unit for a learner, in the same transaction as the post. */
void forum_unit_discussion(Req *r, const RunRef *run, int64_t unit_id, bool staff, bool learner);

/* handlers (forum_page.c, forum_api.c) */
void forum_index_page(Req *r);
void forum_thread_new_post(Req *r);
void forum_thread_page(Req *r);
void forum_reply_post(Req *r);
void forum_vote_post(Req *r);
void forum_endorse_post(Req *r);
void forum_answered_post(Req *r);
void forum_assistance_page(Req *r);
void forum_edit_page(Req *r);
void forum_edit_post(Req *r);
void forum_delete_post(Req *r);
void forum_history_page(Req *r);
void api_forum_post_delete(Req *r);
void forum_category_post(Req *r);
void forum_pin_post(Req *r);
void forum_close_post(Req *r);
void forum_move_post(Req *r);
void api_forum_categories_get(Req *r);
void api_forum_categories_post(Req *r);
void api_forum_thread_patch(Req *r);
void forum_notifications_page(Req *r);
void forum_notifications_read_post(Req *r);
void forum_mail_pref_post(Req *r);
void forum_unsubscribe_page(Req *r);
void forum_follow_post(Req *r);
void forum_follow_form(Req *r, const ForumThread *t);   /* follow / stop following, on the thread page */
void forum_follow_forum_form(Req *r, int64_t run_id);   /* the same for the whole forum, on its page */
void api_forum_notifications_get(Req *r);
void api_forum_notifications_read_post(Req *r);
void api_forum_mail_get(Req *r);
void api_forum_mail_put(Req *r);
void api_forum_follow(Req *r);
void forum_follow_forum_post(Req *r);
void api_forum_follow_forum(Req *r);
void forum_report_post(Req *r);
void forum_hide_post(Req *r);
void forum_dismiss_post(Req *r);
void forum_ban_post(Req *r);
void forum_moderation_page(Req *r);
void api_forum_report_post(Req *r);
void api_forum_hide_post(Req *r);
void api_forum_reports_get(Req *r);
void api_forum_dismiss_post(Req *r);
void api_forum_bans_get(Req *r);
void api_forum_bans_post(Req *r);
void api_forum_ban_delete(Req *r);
void api_forum_mod_log_get(Req *r);
void forum_search_page(Req *r);
void api_forum_search_get(Req *r);
void api_forum_post_history_get(Req *r);
void api_forum_threads_get(Req *r);
void api_forum_threads_post(Req *r);
void api_forum_thread_get(Req *r);
void api_forum_posts_post(Req *r);
void api_forum_post_patch(Req *r);
void api_forum_vote_post(Req *r);
void api_forum_endorse_post(Req *r);
void api_forum_answered_post(Req *r);
void api_forum_assistance_get(Req *r);

#endif
