// absence.test.mjs — absences and justifications (docs/attendance.md
// "Absences and justifications"): a session in the past (fixed times, never
// the time of day) whose absences are recorded at first read, a learner's
// own attendance page and API, justifying with a file (form) and by JSON,
// decisions by an administrator only, a new decision superseding the old
// one, the supporting file's access, every fact chained in the ledger, and
// other learners and organisations kept out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  attendanceCast, stopAll, apiError, csrfFrom, multipart, uniq, tmpDir,
} from './lib.mjs';

let srv, store, admin, trainer, elodie, francois, outsider, auditor, otherAdmin;
let runId, session, title, courseId;

async function ledgerOk() {
  const res = await admin.get('/api/v1/orgs/demo/ledger/verify');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().ok, true, res.text);
}

async function mine(who) {
  const res = await who.get('/api/v1/orgs/demo/me/absences');
  assert.equal(res.status, 200, res.text);
  return res.json().items.filter((a) => a.session_id === session);
}

before(async () => {
  ({ store, srv, admin, trainer, elodie, francois, outsider, auditor, otherAdmin, courseId, runId } =
    await attendanceCast('absence', 'ABS', 'Sécurité'));
  title = `Journée ${uniq()}`;
  // A whole day long past: closed whatever the clock says.
  const s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title, starts_at: '2026-03-02T09:00+01:00', ends_at: '2026-03-02T17:00+01:00', mode: 'room', place: 'Salle 2' });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json().status, 'closed');
  session = s.json().id;
});

after(async () => { await stopAll(srv); });

test('after the window, the expected learners who did not sign are absent, per half-day, recorded once', async () => {
  const mineE = await mine(elodie);
  assert.deepEqual(mineE.map((a) => a.half_day).sort(), ['am', 'pm']);
  assert.ok(mineE.every((a) => a.status === 'unjustified' && a.justification === null && a.session_title === title));
  assert.equal((await mine(elodie)).length, 2, 'recorded once');
  const all = await trainer.get(`/api/v1/orgs/demo/absences?session=${session}`);
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json().items.length, 4);
  assert.equal((await auditor.get(`/api/v1/orgs/demo/absences?session=${session}`)).json().items.length, 4);
  await ledgerOk();
});

test('a learner sees only their own absences; other learners and organisations are kept out', async () => {
  const [a] = await mine(elodie);
  assert.equal((await elodie.get(`/api/v1/orgs/demo/absences/${a.id}`)).status, 200);
  apiError(await francois.get(`/api/v1/orgs/demo/absences/${a.id}`), 404, 'not_found');
  apiError(await outsider.get(`/api/v1/orgs/demo/absences/${a.id}`), 404, 'not_found');
  assert.equal((await francois.get(`/o/demo/attendance/absences/${a.id}`)).status, 404);
  apiError(await francois.get('/api/v1/orgs/demo/absences'), 403, 'forbidden');
  assert.equal((await francois.get('/o/demo/attendance/absences')).status, 403);
  assert.equal((await otherAdmin.get(`/api/v1/orgs/demo/absences/${a.id}`)).status, 403);
  assert.equal((await otherAdmin.get(`/api/v1/orgs/other/absences/${a.id}`)).status, 404);
  const r = await francois.api('POST', `/api/v1/orgs/demo/absences/${a.id}/justifications`, { reason: 'Not mine' });
  assert.equal(r.status, 404);
});

test('my attendance page (French for Élodie) lists the session and the absences', async () => {
  const page = await elodie.get('/o/demo/attendance/mine');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(title));
  assert.match(page.text, /Mes absences/);
  assert.match(page.text, /Non justifiée/);
  assert.match(page.text, /2026-03-02 09:00–17:00/);
});

test('a learner justifies with a file through the form; a second one while pending is refused', async () => {
  const [am] = (await mine(elodie)).filter((a) => a.half_day === 'am');
  const page = await elodie.get(`/o/demo/attendance/absences/${am.id}`);
  assert.equal(page.status, 200);
  const csrf = csrfFrom(page.text);
  const body = multipart([
    { name: '_csrf', value: csrf },
    { name: 'reason', value: 'Arrêt maladie' },
    { name: 'file', value: Buffer.from('%PDF-1.4\n% certificat médical\n'), filename: 'certificat.pdf', type: 'application/pdf' },
  ]);
  const res = await elodie.post(`/o/demo/attendance/absences/${am.id}/justifications`, body);
  assert.equal(res.status, 303, res.text);
  const a = (await elodie.get(`/api/v1/orgs/demo/absences/${am.id}`)).json();
  assert.equal(a.status, 'pending');
  assert.equal(a.justification.reason, 'Arrêt maladie');
  assert.match(a.justification.file_url, /\/o\/demo\/attendance\/justifications\/\d+\/file$/);
  // the file: the learner and the readers, nobody else
  for (const who of [elodie, admin, auditor, trainer]) {
    const f = await who.get(a.justification.file_url);
    assert.equal(f.status, 200);
    assert.match(f.text, /certificat médical/);
    assert.match(f.headers.get('content-disposition'), /^attachment/);
  }
  assert.equal((await francois.get(a.justification.file_url)).status, 404);
  // pending: no second justification
  apiError(await elodie.api('POST', `/api/v1/orgs/demo/absences/${am.id}/justifications`, { reason: 'Encore' }), 409, 'already_justified');
  await ledgerOk();
});

test('justifying by JSON: a reason is required', async () => {
  const [pm] = (await mine(elodie)).filter((a) => a.half_day === 'pm');
  const bad = await elodie.api('POST', `/api/v1/orgs/demo/absences/${pm.id}/justifications`, { reason: '   ' });
  apiError(bad, 422);
  assert.equal(bad.json().error.field, 'reason');
  const ok = await elodie.api('POST', `/api/v1/orgs/demo/absences/${pm.id}/justifications`, { reason: 'Train annulé' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json().status, 'pending');
});

test('an administrator decides; a rejection needs a comment; a new decision supersedes; learners and trainers cannot decide', async () => {
  const [am] = (await mine(elodie)).filter((a) => a.half_day === 'am');
  const jid = am.justification.id;
  const url = `/api/v1/orgs/demo/justifications/${jid}/decisions`;
  assert.equal((await elodie.api('POST', url, { decision: 'accepted' })).status, 403);
  assert.equal((await trainer.api('POST', url, { decision: 'accepted' })).status, 403);
  assert.equal((await otherAdmin.api('POST', `/api/v1/orgs/other/justifications/${jid}/decisions`, { decision: 'accepted' })).status, 404);
  const noComment = await admin.api('POST', url, { decision: 'rejected' });
  apiError(noComment, 422);
  assert.equal(noComment.json().error.field, 'comment');
  apiError(await admin.api('POST', url, { decision: 'perhaps' }), 422);
  const rej = await admin.api('POST', url, { decision: 'rejected', comment: 'Illisible' });
  assert.equal(rej.status, 201, rej.text);
  assert.equal(rej.json().status, 'rejected');
  assert.equal(rej.json().decision.comment, 'Illisible');
  // rejected: the learner justifies again, and the old justification is closed to decisions
  const again = await elodie.api('POST', `/api/v1/orgs/demo/absences/${am.id}/justifications`, { reason: 'Nouveau certificat' });
  assert.equal(again.status, 201, again.text);
  apiError(await admin.api('POST', url, { decision: 'accepted' }), 409, 'conflict');
  const url2 = `/api/v1/orgs/demo/justifications/${again.json().justification.id}/decisions`;
  const acc = await admin.api('POST', url2, { decision: 'accepted' });
  assert.equal(acc.status, 201, acc.text);
  assert.equal(acc.json().status, 'accepted');
  // the form: a new decision supersedes (admin page in English)
  const page = await admin.get(`/o/demo/attendance/absences/${am.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Change the decision/);
  const res = await admin.post(`/o/demo/attendance/justifications/${again.json().justification.id}/decisions`,
    { form: { _csrf: csrfFrom(page.text.slice(page.text.indexOf('/decisions') - 300)), decision: 'rejected', comment: 'Erreur' } });
  assert.equal(res.status, 303, res.text);
  const after = (await elodie.get(`/api/v1/orgs/demo/absences/${am.id}`)).json();
  assert.equal(after.status, 'rejected');
  assert.equal(after.decision.comment, 'Erreur');
  const detail = await elodie.get(`/o/demo/attendance/absences/${am.id}`);
  assert.match(detail.text, /remplace la décision précédente/);
  await ledgerOk();
});

test('the queue: pending justifications for trainers, administrators and auditors', async () => {
  const pending = await admin.get('/api/v1/orgs/demo/absences?status=pending');
  assert.equal(pending.status, 200);
  assert.ok(pending.json().items.every((a) => a.status === 'pending'));
  assert.ok(pending.json().items.some((a) => a.session_id === session && a.half_day === 'pm'));
  apiError(await admin.get('/api/v1/orgs/demo/absences?status=nope'), 400, 'bad_request');
  const page = await admin.get('/o/demo/attendance/absences?status=pending');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(title));
  assert.match(page.text, /Élodie Learner/);
  assert.equal((await auditor.get('/o/demo/attendance/absences')).status, 200);
  // one session's, linked from its live view once closed
  const live = await trainer.get(`/o/demo/sessions/${session}`);
  assert.ok(live.text.includes(`/o/demo/attendance/absences?session=${session}`));
  const one = await trainer.get(`/o/demo/attendance/absences?status=&session=${session}`);
  assert.equal(one.status, 200);
  assert.equal((one.text.match(/<tr><td data-label="Learner"><a href="\/o\/demo\/runs\//g) || []).length, 4, 'the session\'s 4 absences');
});

async function pdfText(who, p) {
  const res = await fetch(srv.url + p, { headers: { cookie: who.cookieHeader() } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, text: '' };
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const file = path.join(tmpDir('absrec'), 'record.pdf');
  fs.writeFileSync(file, bytes);
  return { status: res.status, headers: res.headers, text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }) };
}

test('the connection record: the learner\'s own and the readers\' (screen, CSV, PDF, JSON)', async () => {
  const [a] = await mine(elodie);
  const base = `/o/demo/runs/${runId}/learners/${a.user_id}/record`;
  const page = await elodie.get(base);
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /Relevé de connexions/);
  assert.ok(page.text.includes(title));
  assert.match(page.text, /Séances en direct signées/);
  const mineP = await elodie.get('/o/demo/attendance/mine');
  assert.ok(mineP.text.includes(base), 'my attendance links to my record');
  assert.equal((await trainer.get(base)).status, 200);
  assert.equal((await auditor.get(base)).status, 200);
  assert.equal((await francois.get(base)).status, 404);
  assert.equal((await otherAdmin.get(base)).status, 403);
  assert.equal((await trainer.get(`/o/demo/runs/${runId}/learners/999999/record`)).status, 404);
  const csv = await trainer.get(`${base}.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.ok(csv.text.startsWith('section,start,end,item,detail,minutes,value\r\n'));
  assert.match(csv.text, /\r\nlearner,,,Élodie Learner,elodie@lectern\.test,,\r\n/);
  assert.equal(csv.text.split('\r\n').filter((l) => l.startsWith('absence,')).length, 2);
  const fr = await pdfText(elodie, `${base}.pdf`);
  assert.equal(fr.status, 200);
  assert.match(fr.headers.get('content-disposition'), /releve-connexions-/);
  assert.match(fr.text, /Relevé de connexions/);
  assert.match(fr.text, /Élodie Learner/);
  assert.match(fr.text, /Absences/);
  assert.match(fr.text, /Page 1 \/ 1/);
  const en = await pdfText(trainer, `${base}.pdf`);
  assert.match(en.text, /Connection record/);
  assert.match(en.text, /Assistance received/);
  assert.ok(en.text.includes(title.slice(0, 12)));
  assert.equal((await pdfText(francois, `${base}.pdf`)).status, 404);
  const api = await trainer.get(`/api/v1/orgs/demo/runs/${runId}/learners/${a.user_id}/record`);
  assert.equal(api.status, 200, api.text);
  assert.equal(api.json().absences.length, 2);
  assert.equal(api.json().name, 'Élodie Learner');
  apiError(await francois.get(`/api/v1/orgs/demo/runs/${runId}/learners/${a.user_id}/record`), 404, 'not_found');
});

test('the connection record per programme: every run of its courses, one CSV and one PDF', async () => {
  const p = await trainer.api('POST', '/api/v1/orgs/demo/programmes', { title: `Parcours ${uniq()}` });
  assert.equal(p.status, 201, p.text);
  const pid = p.json().id;
  const put = await trainer.api('PUT', `/api/v1/orgs/demo/programmes/${pid}/courses`, { course_ids: [courseId] });
  assert.equal(put.status, 200, put.text);
  const [a] = await mine(elodie);
  const base = `/o/demo/programmes/${pid}/learners/${a.user_id}/record`;
  const page = await elodie.get(base);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.text.includes(`/o/demo/runs/${runId}/learners/${a.user_id}/record`));
  assert.ok((await elodie.get('/o/demo/attendance/mine')).text.includes(base), 'linked from my attendance');
  assert.equal((await francois.get(base)).status, 404);
  assert.equal((await auditor.get(base)).status, 200);
  assert.equal((await trainer.get(`/o/demo/programmes/${pid}/learners/999999/record`)).status, 404);
  const csv = await trainer.get(`${base}.csv`);
  assert.equal(csv.status, 200);
  assert.equal(csv.text.split('\r\n').filter((l) => l.startsWith('section,')).length, 1, 'one header line');
  assert.equal(csv.text.split('\r\n').filter((l) => l.startsWith('absence,')).length, 2);
  const pdf = await pdfText(trainer, `${base}.pdf`);
  assert.equal(pdf.status, 200);
  assert.match(pdf.text, /Connection record/);
  assert.match(pdf.text, /Page 1 \/ 1/);
  const api = await elodie.get(`/api/v1/orgs/demo/programmes/${pid}/learners/${a.user_id}/record`);
  assert.equal(api.status, 200, api.text);
  assert.equal(api.json().runs.length, 1);
  assert.equal(api.json().runs[0].run_id, runId);
  assert.equal(api.json().runs[0].absences.length, 2);
  assert.equal((await francois.get(`/api/v1/orgs/demo/programmes/${pid}/learners/${a.user_id}/record`)).status, 404);
});
