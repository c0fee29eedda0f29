/* pages.h — handlers of the organisation domain (HTML and JSON). */
#ifndef LECTERN_ORG_PAGES_H
#define LECTERN_ORG_PAGES_H

#include "http/req.h"

void org_page(Req *r);
void org_users_page(Req *r);
void org_invite_post(Req *r);
void org_role_post(Req *r);
void org_invite_revoke_post(Req *r);
void org_settings_page(Req *r);
void org_settings_post(Req *r);
void org_import_page(Req *r);
void org_import_post(Req *r);
void org_tokens_page(Req *r);
void org_token_post(Req *r);
void org_token_revoke_post(Req *r);
void invite_page(Req *r);
void invite_post(Req *r);
void admin_orgs_page(Req *r);
void admin_orgs_post(Req *r);

/* JSON */
void api_orgs_get(Req *r);
void api_orgs_post(Req *r);
void api_org_get(Req *r);
void api_members_get(Req *r);
void api_member_role_put(Req *r);
void api_member_delete(Req *r);
void api_invitations_post(Req *r);
void api_import_post(Req *r);
void api_org_patch(Req *r);
void api_invitations_get(Req *r);
void api_invitation_delete(Req *r);
void api_tokens_get(Req *r);
void api_tokens_post(Req *r);
void api_token_delete(Req *r);

#endif
