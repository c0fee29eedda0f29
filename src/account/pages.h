/* pages.h — handlers of the account domain (HTML and JSON). */
#ifndef LECTERN_ACCOUNT_PAGES_H
#define LECTERN_ACCOUNT_PAGES_H

#include "http/req.h"

void home_page(Req *r);
void signin_page(Req *r);
void signin_post(Req *r);
void signout_post(Req *r);
void lang_post(Req *r);
void signup_page(Req *r);
void signup_post(Req *r);
void forgot_page(Req *r);
void forgot_post(Req *r);
void reset_page(Req *r);
void reset_post(Req *r);
void account_page(Req *r);
void account_profile_post(Req *r);
void account_password_post(Req *r);

/* Shared by pages and API: return the field in error ("" for a failure on
 * our side) and set *msg, or NULL on success. */
const char *signup_apply(Req *r, const char *email, const char *name, const char *password, const char **msg);
const char *account_change_password(Req *r, const char *current, const char *password, const char **msg);

/* JSON */
void api_session_post(Req *r);
void api_session_delete(Req *r);
void api_me_get(Req *r);
void api_me_patch(Req *r);
void api_me_password_post(Req *r);
void api_signup_post(Req *r);
void api_password_forgot_post(Req *r);
void api_password_reset_post(Req *r);

#endif
