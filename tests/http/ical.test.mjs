// ical.test.mjs — importing live sessions from an iCalendar file
// (docs/attendance.md, "Import from a calendar"): the API preview and
// import of a Google-style weekly course (DST change, an excluded date, a
// moved occurrence, the trainer matched by e-mail), an idempotent
// re-import, a malformed file refused whole with line numbers, the upload
// form with its preview and confirmation, and who may import.  Fixed dates
// in the files: nothing depends on the time of day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO, cli, demoStore, startServer, stopAll, signinApi, signinForm, apiError, csrfFrom, uniq, multipart, tableRows,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name) => fs.readFileSync(path.join(here, '../unit/ical', name), 'utf8');
// the Google-style file, with the demo trainer as organiser
const google = fixture('google.ics').replace('TRAINER@ical.test', DEMO.trainer.email.toUpperCase());
const malformed = fixture('malformed.ics');

let srv, store, trainer, elodie, otherAdmin, runId, courseId;
const ics = { 'content-type': 'text/calendar; charset=utf-8' };
const url = () => `/api/v1/orgs/demo/runs/${runId}/sessions/ical`;
const sessions = async () => (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/sessions`)).json().items;

before(async () => {
  store = demoStore('ical');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  srv = await startServer(store);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const course = await trainer.api('POST', '/api/v1/orgs/demo/courses', { code: `ICS-${uniq()}`, title: 'Excel avancé', published: true });
  assert.equal(course.status, 201, course.text);
  const run = await trainer.api('POST', `/api/v1/orgs/demo/courses/${course.json().id}/runs`, { title: 'Printemps', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  runId = run.json().id;
  courseId = course.json().id;
});

after(async () => { await stopAll(srv); });

test('API: preview, import, and the same file again imports nothing twice', async () => {
  const prev = await trainer.req('POST', url(), { body: google, headers: ics, csrf: true });
  assert.equal(prev.status, 200, prev.text);
  const p = prev.json();
  assert.equal(p.applied, false);
  assert.equal(p.added, 5);
  assert.deepEqual(p.sessions.map((s) => s.starts_at), [
    '2026-03-23T08:00:00Z', '2026-03-30T07:00:00Z', '2026-04-02T12:00:00Z', '2026-04-06T07:00:00Z', '2026-04-08T07:00:00Z']);
  assert.deepEqual(p.sessions.map((s) => s.utc_offset), ['+01:00', '+02:00', '+02:00', '+02:00', '+02:00']);
  assert.equal(p.sessions[0].title, 'Excel avancé — matin');
  assert.equal(p.sessions[0].place, 'Salle Lovelace, 2e étage');
  assert.equal(p.sessions[0].mode, 'room');
  assert.equal(p.sessions[0].trainer_ids.length, 1, 'the organiser is the demo trainer');
  assert.equal(p.sessions[2].recurrence, '20260401T070000Z');
  assert.equal((await sessions()).length, 0, 'a preview writes nothing');

  const app = await trainer.req('POST', `${url()}?apply=1`, { body: google, headers: ics, csrf: true });
  assert.equal(app.status, 201, app.text);
  assert.equal(app.json().added, 5);
  assert.ok(app.json().sessions.every((s) => s.session_id > 0));
  const items = await sessions();
  assert.equal(items.length, 5);
  const moved = items.find((s) => s.starts_at === '2026-04-02T12:00:00Z');
  assert.equal(moved.title, "Excel avancé — déplacé à l'après-midi");

  const again = await trainer.req('POST', `${url()}?apply=1`, { body: google, headers: ics, csrf: true });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json().added, 0);
  assert.equal(again.json().unchanged, 5);
  assert.equal((await sessions()).length, 5);
});

test('API: a malformed file is refused whole, with its errors by line', async () => {
  const before = (await sessions()).length;
  const res = await trainer.req('POST', `${url()}?apply=1`, { body: malformed, headers: ics, csrf: true });
  const e = apiError(res, 422, 'invalid');
  assert.deepEqual(e.lines.map((l) => l.line), [6, 11, 19, 24, 30, 33, 43, 45]);
  assert.match(e.lines[3].message, /Unknown time zone/);
  assert.equal(e.lines[3].text, 'Mars/Olympus');
  assert.equal((await sessions()).length, before);
  apiError(await trainer.req('POST', url(), { body: 'title,starts_at\n', headers: ics, csrf: true }), 422, 'invalid');
  apiError(await trainer.req('POST', `${url()}?zone=Nowhere/Town`, { body: google, headers: ics, csrf: true }), 422, 'invalid');
});

test('API: only the organisation\'s staff import', async () => {
  const res = await elodie.req('POST', `${url()}?apply=1`, { body: google, headers: ics, csrf: true });
  assert.equal(res.status, 403, res.text);
  const other = await otherAdmin.req('POST', `${url()}?apply=1`, { body: google, headers: ics, csrf: true });
  assert.ok([403, 404].includes(other.status), other.text);
  const res2 = await trainer.req('POST', `/api/v1/orgs/demo/runs/999999/sessions/ical`, { body: google, headers: ics, csrf: true });
  assert.equal(res2.status, 404);
});

test('page: upload an .ics, see the preview, confirm; errors listed by line', async () => {
  const web = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await web.get(`/o/demo/runs/${runId}/sessions`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Import sessions from a calendar/);
  assert.match(page.text, new RegExp(`action="/o/demo/runs/${runId}/sessions/ical"`));
  const apple = fixture('apple.ics');
  const mp = multipart([
    { name: '_csrf', value: csrfFrom(page.text) },
    { name: 'file', filename: 'cours.ics', type: 'text/calendar', value: apple },
    { name: 'zone', value: 'Europe/Paris' },
    { name: 'utc_offset', value: '+01:00' },
  ]);
  const prev = await web.post(`/o/demo/runs/${runId}/sessions/ical`, { body: mp.body, headers: mp.headers });
  assert.equal(prev.status, 200, prev.text.slice(0, 400));
  const rows = tableRows(prev.text);
  assert.equal(rows.length, 2);
  assert.match(rows[0][0], /^2026-09-15 09:00–12:30 \(UTC\+02:00\)$/);
  assert.match(rows[0][2], /https:\/\/visio\.example\.org\/classe-virtuelle/);
  assert.equal(rows[0][5], 'to create');
  const before = (await sessions()).length;
  const confirm = await web.post(`/o/demo/runs/${runId}/sessions/ical`,
    { form: { _csrf: csrfFrom(prev.text), apply: '1', zone: 'Europe/Paris', utc_offset: '+01:00', ics: apple } });
  assert.equal(confirm.status, 303, confirm.text.slice(0, 300));
  assert.equal((await sessions()).length, before + 2);
  // the same again: nothing new, said so
  const again = await web.post(`/o/demo/runs/${runId}/sessions/ical`,
    { form: { _csrf: csrfFrom(prev.text), zone: 'Europe/Paris', ics: apple } });
  assert.equal(again.status, 200);
  assert.match(again.text, /Nothing new to import/);
  assert.ok(tableRows(again.text).every((r) => r[5] === 'already imported'));
  // errors
  const bad = await web.post(`/o/demo/runs/${runId}/sessions/ical`, { form: { _csrf: csrfFrom(prev.text), ics: malformed } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /nothing was imported/);
  assert.match(bad.text, /Line 24: Unknown time zone/);
  assert.match(bad.text, /<code>Mars\/Olympus<\/code>/);
  // a bad zone, no file: the form again, the error next to its field
  const zone = await web.post(`/o/demo/runs/${runId}/sessions/ical`, { form: { _csrf: csrfFrom(prev.text), zone: 'Nowhere/Town', ics: apple } });
  assert.equal(zone.status, 422);
  assert.match(zone.text, /aria-invalid="true" aria-describedby="e-zone"/);
  assert.match(zone.text, /<p class="field-error" id="e-zone">Unknown time zone/);
  assert.match(zone.text, /value="Nowhere\/Town"/);
  const none = await web.post(`/o/demo/runs/${runId}/sessions/ical`, { form: { _csrf: csrfFrom(prev.text), ics: '' } });
  assert.equal(none.status, 422);
  assert.match(none.text, /<p class="field-error" id="e-file">Choose an \.ics file/);
});

test('feed: a learner subscribes to the run\'s sessions by a secret link of their own', async () => {
  const web = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await web.get(`/runs/${runId}/calendar`)).status, 404, 'not enrolled yet');
  const enrol = await trainer.req('POST', `/api/v1/orgs/demo/runs/${runId}/enrolments/import?apply=1`,
    { body: `${DEMO.elodie.email}\n`, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(enrol.status, 201, enrol.text);
  const page = await web.get(`/runs/${runId}/calendar`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`action="/runs/${runId}/calendar"`));
  const made = await web.post(`/runs/${runId}/calendar`, { form: { _csrf: csrfFrom(page.text) } });
  assert.equal(made.status, 200, made.text.slice(0, 300));
  const url = made.text.match(/value="(http[^"]*\/calendar\/[A-Za-z0-9_-]{43}\.ics)"/)[1];
  const feedPath = new URL(url).pathname;
  assert.match(made.text, /href="webcal:\/\//);
  const feed = await fetch(srv.url + feedPath);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const text = await feed.text();
  assert.match(text, /^BEGIN:VCALENDAR\r\n/);
  const count = (await sessions()).length;
  assert.equal((text.match(/^BEGIN:VEVENT\r$/gm) || []).length, count);
  assert.match(text, /SUMMARY:Excel avancé — matin\r\n/);
  assert.match(text, /DTSTART:20260323T080000Z\r\n/);
  assert.match(text, /URL:https:\/\/visio\.example\.org\/classe-virtuelle\r\n/);
  // a new link replaces the old one
  const again = await web.post(`/runs/${runId}/calendar`, { form: { _csrf: csrfFrom(made.text) } });
  assert.equal(again.status, 200);
  assert.equal((await fetch(srv.url + feedPath)).status, 404);
  const url2 = again.text.match(/value="(http[^"]*\/calendar\/[A-Za-z0-9_-]{43}\.ics)"/)[1];
  assert.equal((await fetch(srv.url + new URL(url2).pathname)).status, 200);
  assert.equal((await fetch(`${srv.url}/calendar/${'x'.repeat(43)}.ics`)).status, 404);
  // the same by the API
  const api = await elodie.api('POST', `/api/v1/runs/${runId}/calendar-feed`);
  assert.equal(api.status, 201, api.text);
  assert.match(api.json().url, /\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  assert.match(api.json().webcal, /^webcal:\/\//);
  assert.equal((await fetch(srv.url + new URL(url2).pathname)).status, 404, 'the API link replaced the page\'s');
  assert.equal((await fetch(srv.url + new URL(api.json().url).pathname)).status, 200);
  apiError(await otherAdmin.api('POST', `/api/v1/runs/${runId}/calendar-feed`), 404, 'not_found');
  // someone of another organisation does not get a link for this run
  const boss = await signinForm(srv, 'boss@other.test', 'other-boss-pass');
  assert.equal((await boss.get(`/runs/${runId}/calendar`)).status, 404);
});

test('CLI: lectern sessions import-ical previews, then creates with --apply, once', async () => {
  const run = await trainer.api('POST', `/api/v1/orgs/demo/courses/${courseId}/runs`, { title: 'Automne', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  const id = String(run.json().id);
  const file = path.join(here, '../unit/ical/outlook.ics');
  const prev = cli(store, 'sessions', 'import-ical', id, file, '--org', 'demo');
  assert.match(prev, /^new +2026-10-22T13:30-17:00  Gestion de projet  \(room Salle B12\)$/m);
  assert.match(prev, /7 new, 0 unchanged, 0 changed \(not updated\): preview only/);
  assert.match(cli(store, 'sessions', 'import-ical', id, file, '--org', 'demo', '--apply', '--as', DEMO.trainer.email), /7 new.*: created/);
  assert.match(cli(store, 'sessions', 'import-ical', id, file, '--org', 'demo', '--apply'), /0 new, 7 unchanged/);
  const items = (await trainer.get(`/api/v1/orgs/demo/runs/${id}/sessions`)).json().items;
  assert.equal(items.length, 7);
  assert.throws(() => cli(store, 'sessions', 'import-ical', id, path.join(here, '../unit/ical/malformed.ics'), '--org', 'demo', '--apply'),
    /malformed\.ics:24: Unknown time zone.*Mars\/Olympus/);
  assert.throws(() => cli(store, 'sessions', 'import-ical', '999999', file, '--org', 'demo'), /no run 999999/);
});
