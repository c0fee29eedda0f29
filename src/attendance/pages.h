/* pages.h — handlers of live sessions and attendance (HTML in
 * attendance_page.c, JSON in attendance_api.c). */
#ifndef LECTERN_ATTENDANCE_PAGES_H
#define LECTERN_ATTENDANCE_PAGES_H

#include "attendance/attendance.h"

/* staff pages */
void att_run_sessions_page(Req *r);
void att_run_sessions_post(Req *r);
void att_run_sessions_import_post(Req *r);
void att_session_page(Req *r);
void att_session_qr_get(Req *r);
void att_sheet_pdf_get(Req *r);
void att_session_links_post(Req *r);
void att_kiosk_page(Req *r);
void att_kiosk_sign_page(Req *r);
void att_kiosk_sign_post(Req *r);
void att_trainer_sign_page(Req *r);
void att_trainer_sign_post(Req *r);
void att_signature_image_get(Req *r);
void att_signals_page(Req *r);

/* learner pages */
void att_link_page(Req *r);
void att_link_post(Req *r);
void att_qr_page(Req *r);
void att_qr_post(Req *r);

/* JSON */
void api_att_run_sessions_get(Req *r);
void api_att_run_sessions_post(Req *r);
void api_att_run_sessions_import_post(Req *r);
void api_att_attendance_get(Req *r);
void api_att_qr_get(Req *r);
void api_att_links_post(Req *r);
void api_att_signatures_post(Req *r);
void api_att_signals_get(Req *r);

/* absences and justifications (absence_page.c, absence_api.c) */
void abs_mine_page(Req *r);
void abs_absence_page(Req *r);
void abs_justify_post(Req *r);
void abs_decision_post(Req *r);
void abs_justification_file_get(Req *r);
void abs_queue_page(Req *r);
void api_abs_mine_get(Req *r);
void api_abs_list_get(Req *r);
void api_abs_get(Req *r);
void api_abs_justify_post(Req *r);
void api_abs_decision_post(Req *r);
/* The label of an absence's status. */
const char *abs_status_label(Req *r, const char *status);
/* Store the request's uploaded "file" part, if any, in the media store:
 * LN_OK with *media_id (0: no file). */
int abs_store_upload(Req *r, int64_t *media_id);

/* the public verification of a sheet (verify_page.c) */
void att_verify_page(Req *r);
void api_att_verify_get(Req *r);
void att_verify_programme_page(Req *r);
/* BASE/verify/sessions/ID/TOKEN: what the sheet's QR code holds. */
char *att_sheet_verify_url(Req *r, int64_t session_id);

/* the connection record (record_page.c) */
void rec_page(Req *r);
void rec_csv_get(Req *r);
void rec_pdf_get(Req *r);
void api_rec_get(Req *r);
void rec_programme_page(Req *r);
void rec_programme_csv_get(Req *r);
void rec_programme_pdf_get(Req *r);
void api_rec_programme_get(Req *r);

/* all the sheets of a run as a ZIP (sheets_page.c) */
void sheets_post(Req *r);
void sheets_job_page(Req *r);
void sheets_job_download(Req *r);
void api_sheets_post(Req *r);
void api_sheets_job_get(Req *r);

/* For the unit player: the sessions of a live-session unit (when, where,
 * the virtual classroom's link). */
void att_unit_render(Req *r, const RunRef *run, int64_t unit_id);

/* Shared by the pages and the API (attendance_page.c). */
/* The base URL a learner opens to sign by QR for session `id` now. */
char *att_qr_url(Req *r, int64_t session_id, char token[ATT_QR_TOKEN_LEN + 1], int64_t *window);
/* HTTP status and code for an attendance_sign() refusal. */
int att_refusal_status(int rc, const char *why, const char **code);

/* The signature pad form (a canvas the script turns into strokes), the
 * session's heading, a refusal of attendance_sign() as a page, a time at the
 * session's offset (attendance_page.c; used by departure_page.c). */
void att_pad_form(Req *r, const char *action, const char *hidden, const char *value, const char *button);
void att_session_head(Req *r, const LiveSession *s);
/* "2026-03-02 09:00–12:30 (UTC+01:00)" at the session's own UTC offset. */
void att_when(Req *r, const LiveSession *s);
void att_refuse_page(Req *r, const LiveSession *s, int rc, const char *why);
const char *att_clock_at(Req *r, const LiveSession *s, UsTime t);
/* The path's session {id} of the organisation, else 404; the path's
 * expected learner {uid}, else 404 (attendance_page.c). */
bool att_org_session_or_404(Req *r, LiveSession *s);
bool att_kiosk_learner(Req *r, const LiveSession *s, Attendee *who);

/* early departures (departure_page.c) */
void att_depart_page(Req *r);
void att_depart_post(Req *r);
void api_att_departures_post(Req *r);
void att_kiosk_depart_page(Req *r);
void att_kiosk_depart_post(Req *r);
/* a learner's attendance sheet over a programme (progsheet_page.c) */
void att_programme_sheet_pdf_get(Req *r);
void api_att_programme_sheet_get(Req *r);
/* signing windows and signatures of distance units (unitsign_page.c) */
void att_unit_windows_page(Req *r);
void att_unit_windows_post(Req *r);
void att_unit_windows_remove_post(Req *r);
void api_att_unit_window_delete(Req *r);
/* For the unit player: the unit's start/end signatures for an enrolled learner. */
void unitsign_render(Req *r, const RunRef *run, int64_t unit_id);
void att_unit_sign_post(Req *r);
void api_att_unit_windows_put(Req *r);
void api_att_unit_signatures_post(Req *r);

#endif
