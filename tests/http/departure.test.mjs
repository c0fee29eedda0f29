// departure.test.mjs — early departures, a learner's attendance sheet over a
// programme, and the start/end signatures of distance units
// (docs/attendance.md): refusals with clear codes and nothing recorded, the
// departure time on both sheets (pdftotext, accented names), the programme
// sheet's access (own, readers, not another learner or organisation), unit
// signing windows set by the trainer and shown in the connection record,
// every fact chained in the ledger.  Live sessions are placed around the
// current instant (never a time of day) or on a fixed day long past.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  attendanceCast, DEMO, Client, stopAll, signinForm, apiError, csrfFrom, uniq, tmpDir,
} from './lib.mjs';

const sql = (stmt) => (store.db
  ? execFileSync('psql', [store.db, '-qAtc', stmt], { encoding: 'utf8' })
  : execFileSync('sqlite3', [path.join(store.data, 'lectern.db'), stmt], { encoding: 'utf8' }));

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const iso = (ms) => new Date(ms).toISOString();
const STROKES = [[[10, 20, 0], [40, 60, 16], [90, 30, 32]]];
let srv, store, admin, trainer, elodie, francois, outsider, auditor, otherAdmin;
let runId, courseId, live, past, pid, elodieId;

async function pdfText(who, p) {
  const res = await fetch(srv.url + p, { headers: { cookie: who.cookieHeader() } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, text: '' };
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const file = path.join(tmpDir('depart'), `${uniq()}.pdf`);
  fs.writeFileSync(file, bytes);
  return { status: res.status, text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), bytes };
}

async function ledgerOk() {
  const res = await admin.get('/api/v1/orgs/demo/ledger/verify');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().ok, true, res.text);
}

const depart = (who, id) => who.api('POST', `/api/v1/sessions/${id}/departures`, { strokes: STROKES });

before(async () => {
  ({ store, srv, admin, trainer, elodie, francois, outsider, auditor, otherAdmin, courseId, runId } =
    await attendanceCast('departure', 'DEP', 'Sécurité électrique'));
  const now = Date.now();
  let s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title: `Pratique ${uniq()}`, starts_at: iso(now - 10 * MIN), ends_at: iso(now + 2 * HOUR), mode: 'room', place: 'Salle Érable' });
  assert.equal(s.status, 201, s.text);
  live = s.json().id;
  s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title: `Théorie ${uniq()}`, starts_at: '2026-03-02T09:00+01:00', ends_at: '2026-03-02T12:00+01:00', mode: 'room' });
  assert.equal(s.status, 201, s.text);
  past = s.json().id;
  const p = await trainer.api('POST', '/api/v1/orgs/demo/programmes', { title: `Parcours habilitation ${uniq()}` });
  assert.equal(p.status, 201, p.text);
  pid = p.json().id;
  assert.equal((await trainer.api('PUT', `/api/v1/orgs/demo/programmes/${pid}/courses`, { course_ids: [courseId] })).status, 200);
});

after(async () => { await stopAll(srv); });

test('early departure: refused before the arrival, for others and after the window; once; arrival untouched', async () => {
  apiError(await depart(elodie, live), 403, 'no_arrival');
  const qr = (await trainer.get(`/api/v1/orgs/demo/sessions/${live}/qr`)).json();
  const arrived = await elodie.api('POST', `/api/v1/sessions/${live}/signatures`, { qr: qr.token, strokes: STROKES });
  assert.equal(arrived.status, 201, arrived.text);
  apiError(await depart(outsider, live), 403, 'not_expected');
  const noArrival = await francois.get(`/sessions/${live}/depart`);
  assert.equal(noArrival.status, 403);
  assert.match(noArrival.text, /Signez d’abord votre arrivée|Sign your arrival first/);
  apiError(await depart(elodie, past), 403, 'too_late');
  apiError(await elodie.api('POST', `/api/v1/sessions/${live}/departures`, { strokes: [] }), 422, 'invalid');
  const page = await elodie.get(`/sessions/${live}/depart`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-signature/);
  const res = await depart(elodie, live);
  assert.equal(res.status, 201, res.text);
  const d = res.json();
  elodieId = d.user_id;
  assert.equal(d.method, 'online');
  apiError(await depart(elodie, live), 409, 'already_departed');
  assert.equal((await elodie.get(`/sessions/${live}/depart`)).status, 409, 'no pad once departed');
  const att = (await trainer.get(`/api/v1/orgs/demo/sessions/${live}/attendance`)).json();
  const mine = att.signatures.filter((g) => g.user_id === elodieId);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].signed_at, arrived.json().signed_at, 'the arrival signature is unchanged');
  assert.deepEqual(att.departures.map((x) => [x.user_id, x.signed_at]), [[elodieId, d.signed_at]]);
  // the session's sheet shows the time of departure (the session is at UTC)
  const sheet = await pdfText(trainer, `/o/demo/sessions/${live}/sheet.pdf`);
  assert.equal(sheet.status, 200);
  assert.ok(sheet.text.includes(`left at ${d.signed_at.slice(11, 16)}`), sheet.text);
  assert.match(sheet.text, /Élodie Learner/);
  await ledgerOk();
});

test('on the trainer\'s device (kiosk): a learner who signed in signs out; the list offers it once', async () => {
  const kiosk = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const att = (await trainer.get(`/api/v1/orgs/demo/sessions/${live}/attendance`)).json();
  const fr = att.learners.find((l) => /François/.test(l.name));
  assert.ok(fr, JSON.stringify(att.learners));
  const base = `/o/demo/sessions/${live}/kiosk/${fr.user_id}`;
  assert.equal((await kiosk.get(`${base}/depart`)).status, 403, 'no departure before the arrival');
  const pad = await kiosk.get(base);
  const arrived = await kiosk.post(base, { form: { _csrf: csrfFrom(pad.text), strokes: JSON.stringify(STROKES) } });
  assert.equal(arrived.status, 303, arrived.text);
  const list = await kiosk.get(`/o/demo/sessions/${live}/kiosk`);
  assert.ok(list.text.includes(`${base}/depart`), 'the list offers the departure');
  const page = await kiosk.get(`${base}/depart`);
  assert.equal(page.status, 200);
  const res = await kiosk.post(`${base}/depart`, { form: { _csrf: csrfFrom(page.text), strokes: JSON.stringify(STROKES) } });
  assert.equal(res.status, 303, res.text);
  const after = (await trainer.get(`/api/v1/orgs/demo/sessions/${live}/attendance`)).json();
  const d = after.departures.find((x) => x.user_id === fr.user_id);
  assert.equal(d.method, 'kiosk');
  assert.ok(!(await kiosk.get(`/o/demo/sessions/${live}/kiosk`)).text.includes(`${base}/depart`), 'offered once');
  assert.equal((await kiosk.get(`/o/demo/sessions/${live}/kiosk/999999/depart`)).status, 404);
  await ledgerOk();
});

test('the public verification of the session\'s sheet covers the departures: one changed in the database fails it', async () => {
  const page = await trainer.get(`/o/demo/sessions/${live}`);
  const m = page.text.match(/href="https?:\/\/[^"/]+(\/verify\/sessions\/\d+\/[A-Za-z0-9_-]{22})" data-verify/);
  assert.ok(m, 'a link to the verification page');
  const anon = new Client(srv);
  let j = (await anon.get(`/api/v1${m[1]}`)).json();
  assert.equal(j.verdict === 'failed', false, JSON.stringify(j));
  assert.ok(j.entries.some((e) => e.kind === 'attendance.departure'));
  sql(`UPDATE departure SET signed_at = signed_at - 60000000 WHERE session_id = ${live}`);
  j = (await anon.get(`/api/v1${m[1]}`)).json();
  assert.equal(j.verdict, 'failed');
  assert.equal(j.fault, 'signature_differs');
  sql(`UPDATE departure SET signed_at = signed_at + 60000000 WHERE session_id = ${live}`);
  assert.notEqual((await anon.get(`/api/v1${m[1]}`)).json().verdict, 'failed');
});

test('the live-session unit offers the departure to a learner who signed in, not before', async () => {
  const apiBase = `/api/v1/orgs/demo/courses/${courseId}`;
  const sec = await trainer.api('POST', `${apiBase}/sections`, { title: 'En salle' });
  assert.equal(sec.status, 201, sec.text);
  const u = await trainer.api('POST', `${apiBase}/units`, { section_id: sec.json().sections.at(-1).id, kind: 'live', title: 'Atelier en salle' });
  assert.equal(u.status, 201, u.text);
  const unit = u.json().sections.flatMap((x) => x.units).find((x) => x.title === 'Atelier en salle').id;
  const now = Date.now();
  const s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title: `Atelier ${uniq()}`, starts_at: iso(now - 5 * MIN), ends_at: iso(now + HOUR), mode: 'room', unit_id: unit });
  assert.equal(s.status, 201, s.text);
  const id = s.json().id;
  const link = `/sessions/${id}/depart`;
  assert.ok(!(await elodie.get(`/runs/${runId}/units/${unit}`)).text.includes(link), 'not before the arrival');
  const qr = (await trainer.get(`/api/v1/orgs/demo/sessions/${id}/qr`)).json();
  assert.equal((await elodie.api('POST', `/api/v1/sessions/${id}/signatures`, { qr: qr.token, strokes: STROKES })).status, 201);
  assert.ok((await elodie.get(`/runs/${runId}/units/${unit}`)).text.includes(link), 'offered after the arrival');
});

test('the attendance sheet over a programme: own, readers; not another learner or organisation', async () => {
  const base = `/o/demo/programmes/${pid}/learners/${elodieId}/sheet.pdf`;
  const own = await pdfText(elodie, base);
  assert.equal(own.status, 200);
  assert.match(own.text, /Élodie Learner/);
  assert.match(own.text, /Sécurité électrique/);
  assert.match(own.text, /Parcours habilitation/);
  assert.match(own.text, /Absente?|Absent/);
  assert.match(own.text, /Page 1 \/ 1/);
  const byAuditor = await pdfText(auditor, base);
  assert.equal(byAuditor.status, 200);
  assert.match(byAuditor.text, /not justified/);
  assert.match(byAuditor.text, /left at \d\d:\d\d/);
  assert.equal((await pdfText(francois, base)).status, 404);
  assert.equal((await otherAdmin.get(base)).status, 403);
  assert.equal((await trainer.get(`/o/demo/programmes/${pid}/learners/999999/sheet.pdf`)).status, 404);
  const rec = await elodie.get(`/o/demo/programmes/${pid}/learners/${elodieId}/record`);
  assert.ok(rec.text.includes(base), 'linked from the programme record');
  const api = await trainer.get(`/api/v1/orgs/demo/programmes/${pid}/learners/${elodieId}/sheet`);
  assert.equal(api.status, 200, api.text);
  const j = api.json();
  assert.equal(j.sessions.length, 3);
  const p = j.sessions.find((s) => s.session_id === past);
  assert.equal(p.halves[0].status, 'absent');
  assert.equal(p.halves[0].justification, 'unjustified');
  const l = j.sessions.find((s) => s.session_id === live);
  assert.ok(l.departure && l.departure.method === 'online');
  assert.ok(l.halves.some((h) => h.status === 'present'));
  apiError(await francois.get(`/api/v1/orgs/demo/programmes/${pid}/learners/${elodieId}/sheet`), 404, 'not_found');
  // The sheet's QR code (its link) opens the public verification of each of its sessions, no sign-in, no names.
  const m = own.bytes.toString('latin1').match(/\/verify\/programmes\/(\d+)\/learners\/(\d+)\/([A-Za-z0-9_-]+)/);
  assert.ok(m, 'the sheet carries its verification link');
  assert.deepEqual([Number(m[1]), Number(m[2])], [pid, elodieId]);
  const pub = await fetch(srv.url + m[0]);
  assert.equal(pub.status, 200);
  const html = await pub.text();
  assert.equal((html.match(/<tr data-verdict="/g) || []).length, 3, 'one row per session');
  assert.match(html, /\/verify\/sessions\/\d+\//);
  assert.doesNotMatch(html, /Élodie/);
  assert.equal((await fetch(srv.url + m[0].replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAA'))).status, 404);
  assert.equal((await fetch(srv.url + `/verify/programmes/${pid}/learners/${elodieId + 1}/${m[3]}`)).status, 404);
});

test('signatures of a distance unit: the trainer sets the windows; inside only, once; in the connection record', async () => {
  const apiBase = `/api/v1/orgs/demo/courses/${courseId}`;
  const sec = await trainer.api('POST', `${apiBase}/sections`, { title: 'Module à distance' });
  assert.equal(sec.status, 201, sec.text);
  const secId = sec.json().sections.at(-1).id;
  const u = await trainer.api('POST', `${apiBase}/units`, { section_id: secId, kind: 'text', title: 'Lecture guidée' });
  assert.equal(u.status, 201, u.text);
  const unit = u.json().sections.flatMap((s) => s.units).find((x) => x.title === 'Lecture guidée').id;
  const win = `/api/v1/orgs/demo/runs/${runId}/units/${unit}/sign-windows`;
  const now = Date.now();
  apiError(await trainer.api('POST', win, { kind: 'start', opens_at: iso(now + HOUR), closes_at: iso(now) }), 422, 'invalid');
  apiError(await elodie.api('POST', win, { kind: 'start', opens_at: iso(now - HOUR), closes_at: iso(now + HOUR) }), 403, 'forbidden');
  assert.equal((await trainer.api('POST', win, { kind: 'start', opens_at: iso(now - HOUR), closes_at: iso(now + HOUR) })).status, 200);
  assert.equal((await trainer.api('POST', win, { kind: 'end', opens_at: iso(now + 24 * HOUR), closes_at: iso(now + 48 * HOUR) })).status, 200);
  const setPage = await trainer.get(`/o/demo/runs/${runId}/unit-signing`);
  assert.equal(setPage.status, 200);
  assert.match(setPage.text, /Lecture guidée/);
  // the form: a missing date is answered next to its field, with what was typed kept
  const form = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const bad = await form.postForm(`/o/demo/runs/${runId}/unit-signing`,
    { unit_id: String(unit), kind: 'end', opens_at: '2031-01-05T09:00', closes_at: '', utc_offset: '+01:00' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<div class="field has-error"><label for="us-closes_at">[^<]*<\/label><input id="us-closes_at"[^>]*aria-invalid="true"/);
  assert.match(bad.text, /Give the date and time the window closes\./);
  assert.match(bad.text, /id="us-opens_at" name="opens_at" type="datetime-local" required value="2031-01-05T09:00"/);
  const sign = (who, kind) => who.api('POST', `/api/v1/runs/${runId}/units/${unit}/signatures`, { kind, strokes: STROKES });
  const unitPage = await elodie.get(`/runs/${runId}/units/${unit}`);
  assert.equal(unitPage.status, 200);
  assert.ok(unitPage.text.includes(`/runs/${runId}/units/${unit}/sign`), 'the pad is on the unit page');
  assert.match(unitPage.text, /Signature ouverte à partir du|Signing opens on/, 'the end window is announced');
  const early = await sign(elodie, 'end');
  apiError(early, 403, 'outside_window');
  assert.match(early.json().error.message, /pas encore ouvert|not opened yet/);
  apiError(await sign(outsider, 'start'), 404, 'not_found');
  const ok = await sign(elodie, 'start');
  assert.equal(ok.status, 201, ok.text);
  apiError(await sign(elodie, 'start'), 409, 'already_signed');
  const rec = await trainer.get(`/api/v1/orgs/demo/runs/${runId}/learners/${elodieId}/record`);
  assert.equal(rec.status, 200, rec.text);
  assert.equal(rec.json().unit_signatures.length, 1);
  assert.equal(rec.json().unit_signatures[0].kind, 'start');
  const page = await trainer.get(`/o/demo/runs/${runId}/learners/${elodieId}/record`);
  assert.match(page.text, /Lecture guidée/);
  // the trainer removes the end window: no more signing there; what was signed stays
  apiError(await elodie.req('DELETE', `${win}/end`, { csrf: true }), 403, 'forbidden');
  assert.equal((await trainer.req('DELETE', `${win}/end`, { csrf: true })).status, 200);
  apiError(await trainer.req('DELETE', `${win}/end`, { csrf: true }), 404, 'not_found');
  apiError(await sign(elodie, 'end'), 404, 'not_found');
  assert.equal((await trainer.get(`/api/v1/orgs/demo/runs/${runId}/learners/${elodieId}/record`)).json().unit_signatures.length, 1);
  await ledgerOk();
});
