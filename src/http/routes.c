/* routes.c — the one route table.  Every state change carries A_CSRF (a
 * test walks this table to make sure); {org} routes are scoped to the
 * caller's role in that organisation by access.c. */
#include "http/route.h"
#include "account/pages.h"
#include "catalog/pages.h"
#include "content/pages.h"
#include "event/event.h"
#include "evidence/pages.h"
#include "obs/ops.h"
#include "org/pages.h"
#include "web/static.h"

#define GET M_GET
#define POST M_POST
#define PUT M_PUT
#define PATCH M_PATCH
#define DELETE M_DELETE
#define ROUTE(m, path, handler, access) {m, path, handler, access, {0}},

#define FORM (A_CSRF)
#define API (A_API)
#define API_W (A_API | A_CSRF)

Route routes[] = {
/*    method  path                                         handler                 access */
ROUTE(GET,    "/healthz",                                   ops_healthz,            A_NOLOG | A_NODB)
ROUTE(GET,    "/readyz",                                    ops_readyz,             A_NOLOG)
ROUTE(GET,    "/metrics",                                   ops_metrics,            A_NOLOG | A_NODB)
ROUTE(GET,    "/static/{file}",                             static_get,             A_NODB)

/* pages: account */
ROUTE(GET,    "/",                                          home_page,              A_PUBLIC)
ROUTE(GET,    "/signin",                                    signin_page,            A_PUBLIC)
ROUTE(POST,   "/signin",                                    signin_post,            FORM)
ROUTE(POST,   "/signout",                                   signout_post,           FORM)
ROUTE(POST,   "/lang",                                      lang_post,              FORM)
ROUTE(GET,    "/password/forgot",                           forgot_page,            A_PUBLIC)
ROUTE(POST,   "/password/forgot",                           forgot_post,            FORM)
ROUTE(GET,    "/password/reset",                            reset_page,             A_PUBLIC)
ROUTE(POST,   "/password/reset",                            reset_post,             FORM)
ROUTE(GET,    "/account",                                   account_page,           A_LOGIN)
ROUTE(POST,   "/account/profile",                           account_profile_post,   A_LOGIN | FORM)
ROUTE(POST,   "/account/password",                          account_password_post,  A_LOGIN | FORM)
ROUTE(GET,    "/invite/{token}",                            invite_page,            A_PUBLIC)
ROUTE(POST,   "/invite/{token}",                            invite_post,            FORM)

/* pages: catalog */
ROUTE(GET,    "/courses",                                   catalog_page,           A_PUBLIC)
ROUTE(GET,    "/courses/{id}",                              course_page,            A_PUBLIC)
ROUTE(GET,    "/programmes/{id}",                           programme_page,         A_PUBLIC)
ROUTE(POST,   "/runs/{id}/enrol",                           run_enrol_post,         A_LOGIN | FORM)
ROUTE(POST,   "/runs/{id}/withdraw",                        run_withdraw_post,      A_LOGIN | FORM)
ROUTE(GET,    "/join",                                      join_page,              A_PUBLIC)
ROUTE(GET,    "/join/{code}",                               join_code_page,         A_PUBLIC)
ROUTE(POST,   "/join/{code}",                               join_code_post,         A_LOGIN | FORM)

/* pages: learning */
ROUTE(GET,    "/runs/{id}/learn",                           learn_resume_page,      A_LOGIN)
ROUTE(GET,    "/runs/{id}/units/{unit}",                    learn_unit_page,        A_LOGIN)
ROUTE(GET,    "/runs/{id}/units/{unit}/file",               learn_file_get,         A_LOGIN)
ROUTE(GET,    "/runs/{id}/units/{unit}/tracks/{track}",     learn_track_get,        A_LOGIN)
ROUTE(GET,    "/runs/{id}/units/{unit}/open",               learn_open_get,         A_LOGIN)
ROUTE(POST,   "/runs/{id}/units/{unit}/beat",               learn_beat_post,        A_LOGIN | FORM)
ROUTE(GET,    "/runs/{id}/activity",                        my_activity_page,       A_LOGIN)

/* pages: organisations */
ROUTE(GET,    "/o/{org}",                                   org_page,               A_PUBLIC)
ROUTE(GET,    "/o/{org}/signup",                            signup_page,            A_PUBLIC)
ROUTE(POST,   "/o/{org}/signup",                            signup_post,            FORM)
ROUTE(GET,    "/o/{org}/admin/users",                       org_users_page,         A_ADMIN)
ROUTE(POST,   "/o/{org}/admin/invite",                      org_invite_post,        A_ADMIN | FORM)
ROUTE(POST,   "/o/{org}/admin/users/{id}/role",             org_role_post,          A_ADMIN | FORM)
ROUTE(POST,   "/o/{org}/admin/invitations/{id}/revoke",   org_invite_revoke_post, A_ADMIN | FORM)
ROUTE(GET,    "/o/{org}/admin/settings",                    org_settings_page,      A_ADMIN)
ROUTE(POST,   "/o/{org}/admin/settings",                    org_settings_post,      A_ADMIN | FORM)
ROUTE(GET,    "/o/{org}/admin/import",                      org_import_page,        A_ADMIN)
ROUTE(POST,   "/o/{org}/admin/import",                      org_import_post,        A_ADMIN | FORM)
ROUTE(GET,    "/o/{org}/admin/tokens",                      org_tokens_page,        A_ADMIN)
ROUTE(POST,   "/o/{org}/admin/tokens",                      org_token_post,         A_ADMIN | FORM)
ROUTE(POST,   "/o/{org}/admin/tokens/{id}/revoke",          org_token_revoke_post,  A_ADMIN | FORM)
ROUTE(GET,    "/o/{org}/programmes",                        org_programmes_page,    A_STAFF)
ROUTE(POST,   "/o/{org}/programmes",                        org_programmes_post,    A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/programmes/{id}/courses",           org_programme_courses_post, A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/runs/{id}/enrol-csv",               org_run_enrol_csv_page, A_STAFF)
ROUTE(POST,   "/o/{org}/runs/{id}/enrol-csv",               org_run_enrol_csv_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/runs/{id}/code",                    org_run_code_post,      A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/runs/{id}/settings",                org_run_settings_post,  A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/runs/{id}/requests",                org_run_requests_page,  A_STAFF)
ROUTE(POST,   "/o/{org}/runs/{id}/requests/{rid}/approve",  org_run_request_approve_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/runs/{id}/requests/{rid}/refuse",   org_run_request_refuse_post, A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/courses",                           org_courses_page,       A_STAFF)
ROUTE(POST,   "/o/{org}/courses",                           org_courses_post,       A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/publish",              org_course_publish_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/runs",                 org_course_run_post,    A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/runs/{id}/progress",                run_progress_page,      A_STAFF)
ROUTE(GET,    "/o/{org}/runs/{id}/progress.csv",            run_progress_csv,       A_STAFF)
ROUTE(GET,    "/o/{org}/runs/{id}/learners/{uid}",          run_learner_page,       A_STAFF)
ROUTE(GET,    "/o/{org}/admin/time",                        time_rules_page,        A_ADMIN)
ROUTE(POST,   "/o/{org}/admin/time",                        time_rules_post,        A_ADMIN | FORM)
ROUTE(GET,    "/o/{org}/courses/{id}/edit",                 course_edit_page,       A_STAFF)
ROUTE(POST,   "/o/{org}/courses/{id}/edit",                 course_edit_post,       A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/runs/{id}/edit",                    run_edit_page,          A_STAFF)
ROUTE(POST,   "/o/{org}/runs/{id}/edit",                    run_edit_post,          A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/programmes/{id}/edit",              programme_edit_page,    A_STAFF)
ROUTE(POST,   "/o/{org}/programmes/{id}/edit",              programme_edit_post,    A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/courses/{id}/outline",              outline_page,           A_STAFF)
ROUTE(POST,   "/o/{org}/courses/{id}/sections",             outline_section_post,   A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/sections/{sid}",       outline_section_edit_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/sections/{sid}/move",  outline_section_move_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/sections/{sid}/delete", outline_section_delete_post, A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/units",                outline_unit_post,      A_STAFF | FORM)
ROUTE(GET,    "/o/{org}/courses/{id}/units/{uid}",          unit_edit_page,         A_STAFF)
ROUTE(POST,   "/o/{org}/courses/{id}/units/{uid}",          unit_edit_post,         A_STAFF | FORM | A_UPLOAD)
ROUTE(POST,   "/o/{org}/courses/{id}/units/{uid}/move",     unit_move_post,         A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/units/{uid}/delete",   unit_delete_post,       A_STAFF | FORM)
ROUTE(POST,   "/o/{org}/courses/{id}/units/{uid}/tracks",   unit_track_post,        A_STAFF | FORM | A_UPLOAD)
ROUTE(POST,   "/o/{org}/courses/{id}/units/{uid}/tracks/{tid}/delete", unit_track_delete_post, A_STAFF | FORM)
ROUTE(GET,    "/admin/orgs",                                admin_orgs_page,        A_PLATFORM)
ROUTE(POST,   "/admin/orgs",                                admin_orgs_post,        A_PLATFORM | FORM)

/* JSON API */
ROUTE(POST,   "/api/v1/session",                            api_session_post,       API_W)
ROUTE(DELETE, "/api/v1/session",                            api_session_delete,     API_W)
ROUTE(GET,    "/api/v1/me",                                 api_me_get,             API | A_LOGIN)
ROUTE(PATCH,  "/api/v1/me",                                 api_me_patch,           API_W | A_LOGIN)
ROUTE(POST,   "/api/v1/me/password",                        api_me_password_post,   API_W | A_LOGIN)
ROUTE(POST,   "/api/v1/password/forgot",                    api_password_forgot_post, API_W)
ROUTE(POST,   "/api/v1/password/reset",                     api_password_reset_post, API_W)
ROUTE(GET,    "/api/v1/orgs",                               api_orgs_get,           API | A_LOGIN)
ROUTE(POST,   "/api/v1/orgs",                               api_orgs_post,          API_W | A_PLATFORM)
ROUTE(GET,    "/api/v1/orgs/{org}",                         api_org_get,            API | A_MEMBER)
ROUTE(PATCH,  "/api/v1/orgs/{org}",                         api_org_patch,          API_W | A_ADMIN)
ROUTE(POST,   "/api/v1/orgs/{org}/signup",                  api_signup_post,        API_W)
ROUTE(GET,    "/api/v1/orgs/{org}/members",                 api_members_get,        API | A_ADMIN)
ROUTE(PUT,    "/api/v1/orgs/{org}/members/{id}/role",       api_member_role_put,    API_W | A_ADMIN)
ROUTE(DELETE, "/api/v1/orgs/{org}/members/{id}",            api_member_delete,      API_W | A_ADMIN)
ROUTE(POST,   "/api/v1/orgs/{org}/members/import",          api_import_post,        API_W | A_ADMIN)
ROUTE(GET,    "/api/v1/orgs/{org}/invitations",             api_invitations_get,    API | A_ADMIN)
ROUTE(POST,   "/api/v1/orgs/{org}/invitations",             api_invitations_post,   API_W | A_ADMIN)
ROUTE(DELETE, "/api/v1/orgs/{org}/invitations/{id}",        api_invitation_delete,  API_W | A_ADMIN)
ROUTE(GET,    "/api/v1/orgs/{org}/tokens",                  api_tokens_get,         API | A_ADMIN)
ROUTE(POST,   "/api/v1/orgs/{org}/tokens",                  api_tokens_post,        API_W | A_ADMIN)
ROUTE(DELETE, "/api/v1/orgs/{org}/tokens/{id}",             api_token_delete,       API_W | A_ADMIN)
ROUTE(GET,    "/api/v1/courses",                            api_catalog_get,        API)
ROUTE(GET,    "/api/v1/courses/{id}",                       api_course_get,         API)
ROUTE(POST,   "/api/v1/runs/{id}/enrolment",                api_enrolment_post,     API_W | A_LOGIN)
ROUTE(DELETE, "/api/v1/runs/{id}/enrolment",                api_enrolment_delete,   API_W | A_LOGIN)
ROUTE(GET,    "/api/v1/me/enrolments",                      api_my_enrolments_get,  API | A_LOGIN)
ROUTE(GET,    "/api/v1/programmes/{id}",                    api_programme_get,      API)
ROUTE(GET,    "/api/v1/orgs/{org}/programmes",              api_org_programmes_get, API | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/programmes",              api_org_programmes_post, API_W | A_STAFF)
ROUTE(PATCH,  "/api/v1/orgs/{org}/programmes/{id}",         api_org_programme_patch, API_W | A_STAFF)
ROUTE(PUT,    "/api/v1/orgs/{org}/programmes/{id}/courses", api_org_programme_courses_put, API_W | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/runs/{id}/enrolments/import", api_org_run_enrol_import_post, API_W | A_STAFF)
ROUTE(POST,   "/api/v1/join",                               api_join_post,          API_W | A_LOGIN)
ROUTE(GET,    "/api/v1/me/requests",                        api_my_requests_get,    API | A_LOGIN)
ROUTE(GET,    "/api/v1/orgs/{org}/runs/{id}",               api_org_run_get,        API | A_STAFF)
ROUTE(PATCH,  "/api/v1/orgs/{org}/runs/{id}",               api_org_run_patch,      API_W | A_STAFF)
ROUTE(GET,    "/api/v1/orgs/{org}/runs/{id}/requests",      api_org_run_requests_get, API | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/runs/{id}/requests/{rid}/approve", api_org_run_request_approve_post, API_W | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/runs/{id}/requests/{rid}/refuse", api_org_run_request_refuse_post, API_W | A_STAFF)
ROUTE(GET,    "/api/v1/orgs/{org}/courses",                 api_org_courses_get,    API | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/courses",                 api_org_courses_post,   API_W | A_STAFF)
ROUTE(PATCH,  "/api/v1/orgs/{org}/courses/{id}",            api_org_course_patch,   API_W | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/courses/{id}/runs",       api_org_course_runs_post, API_W | A_STAFF)
ROUTE(GET,    "/api/v1/courses/{id}/outline",               api_outline_get,        API)
ROUTE(GET,    "/api/v1/runs/{id}/progress",                 api_my_progress_get,    API | A_LOGIN)
ROUTE(GET,    "/api/v1/runs/{id}/activity",                 api_my_activity_get,    API | A_LOGIN)
ROUTE(GET,    "/api/v1/orgs/{org}/runs/{id}/progress",      api_run_progress_get,   API | A_STAFF)
ROUTE(GET,    "/api/v1/orgs/{org}/runs/{id}/learners/{uid}/activity", api_learner_activity_get, API | A_STAFF)
ROUTE(GET,    "/api/v1/orgs/{org}/time-rules",              api_time_rules_get,     API | A_ADMIN)
ROUTE(PUT,    "/api/v1/orgs/{org}/time-rules",              api_time_rules_put,     API_W | A_ADMIN)
ROUTE(POST,   "/api/v1/runs/{id}/units/{unit}/heartbeat",   learn_beat_post,        API_W | A_LOGIN)
ROUTE(POST,   "/api/v1/orgs/{org}/media",                   api_media_post,         API_W | A_STAFF | A_UPLOAD)
ROUTE(POST,   "/api/v1/orgs/{org}/courses/{id}/sections",   api_sections_post,      API_W | A_STAFF)
ROUTE(PATCH,  "/api/v1/orgs/{org}/courses/{id}/sections/{sid}", api_section_patch,  API_W | A_STAFF)
ROUTE(DELETE, "/api/v1/orgs/{org}/courses/{id}/sections/{sid}", api_section_delete, API_W | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/courses/{id}/units",      api_units_post,         API_W | A_STAFF)
ROUTE(PATCH,  "/api/v1/orgs/{org}/courses/{id}/units/{uid}", api_unit_patch,        API_W | A_STAFF)
ROUTE(DELETE, "/api/v1/orgs/{org}/courses/{id}/units/{uid}", api_unit_delete,       API_W | A_STAFF)
ROUTE(PUT,    "/api/v1/orgs/{org}/courses/{id}/outline",    api_outline_put,        API_W | A_STAFF)
ROUTE(PUT,    "/api/v1/orgs/{org}/courses/{id}/units/{uid}/tracks/{kind}/{lang}", api_unit_track_put, API_W | A_STAFF)
ROUTE(POST,   "/api/v1/orgs/{org}/events",                  api_events_post,        API_W | A_MEMBER)

/* evidence ledger (verify: A_MEMBER, the handler admits administrators and auditors only) */
ROUTE(GET,    "/o/{org}/evidence-key.pub",                  org_evidence_key_get,   A_PUBLIC)
ROUTE(GET,    "/api/v1/orgs/{org}/ledger/key",              api_ledger_key_get,     API)
ROUTE(POST,   "/api/v1/orgs/{org}/ledger/checkpoints",      api_ledger_checkpoints_post, API_W | A_ADMIN)
ROUTE(GET,    "/api/v1/orgs/{org}/ledger/verify",           api_ledger_verify_get,  API | A_MEMBER)
};

const int route_count = (int)(sizeof routes / sizeof routes[0]);
