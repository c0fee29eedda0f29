/* pages.h — handlers of the evidence ledger (HTML, text and JSON). */
#ifndef LECTERN_EVIDENCE_PAGES_H
#define LECTERN_EVIDENCE_PAGES_H

#include "http/req.h"

/* The "Evidence signing key" section of an organisation's public page
 * (nothing when it has no key yet). */
void evidence_key_section(Req *r);
void org_evidence_key_get(Req *r);

/* A learner's audit pack (pack.h), as a ZIP download, for pages and API alike. */
void audit_pack_get(Req *r);
void audit_pack_programme_get(Req *r);

/* JSON */
void api_ledger_key_get(Req *r);
void api_ledger_checkpoints_post(Req *r);
void api_ledger_verify_get(Req *r);

#endif
