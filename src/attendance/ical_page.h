/* ical_page.h — importing live sessions from an iCalendar file: the form on
 * the run's sessions page, the preview, the JSON API (ical_page.c). */
#ifndef LECTERN_ICAL_PAGE_H
#define LECTERN_ICAL_PAGE_H

#include "attendance/attendance.h"

/* The upload form, a card for the run's sessions page. */
void ical_import_form(Req *r, const RunRef *run);

void att_run_sessions_ical_post(Req *r);
void api_att_run_sessions_ical_post(Req *r);
void att_run_calendar_page(Req *r);
void att_run_calendar_post(Req *r);
void att_calendar_feed_get(Req *r);
void api_run_calendar_feed_post(Req *r);

#endif
