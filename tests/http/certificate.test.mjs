// certificate.test.mjs — completion certificates (docs/certificates.md)
// against the real binary: the figures counted from the evidence (the
// demo's 21 minutes of reading, a live session signed now), issuing by API
// and by form, once, refusals with nothing written, who may read what, the
// PDF, the public verification page before and after a checkpoint,
// revoking, and the ledger still verifying.  Run on SQLite and PostgreSQL
// (scripts/test.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinApi, signinForm, apiError, cli, uniq, csrfFrom, waitForMail } from './lib.mjs';

const MIN = 60 * 1000;
let store, srv, safeId, admin, trainer, elodie, francois, auditor, otherAdmin, runId, elodieId, francoisId;
let cert;                       // Élodie's certificate, as the API answered it

before(async () => {
  store = demoStore('certificate');
  cli(store, 'user', 'add', 'audit@lectern.test', 'Aude Auditrice', '--password', 'auditor-pass', '--org', 'demo', '--role', 'auditor');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  srv = await startServer(store);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  auditor = await signinApi(srv, 'audit@lectern.test', 'auditor-pass');
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const safe = (await new Client(srv).get('/api/v1/courses')).json().items.find((c) => c.code === 'SAFE-101');
  safeId = safe.id;
  runId = (await new Client(srv).get(`/api/v1/courses/${safe.id}`)).json().runs[0].id;
  elodieId = (await elodie.get('/api/v1/me')).json().id;
  francoisId = (await francois.get('/api/v1/me')).json().id;
  assert.equal((await francois.api('POST', `/api/v1/runs/${runId}/enrolment`)).status, 201);
});

after(async () => { await stopAll(srv); });

const figuresPath = (uid) => `/api/v1/orgs/demo/runs/${runId}/learners/${uid}/certificate`;

test('the figures are counted from the evidence: the demo\'s reading time, then a live session signed now', async () => {
  let f = await trainer.get(figuresPath(elodieId));
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(f.json().figures, { live_minutes: 0, distance_minutes: 21, external_minutes: 0, total_minutes: 21, live_sessions: 0,
    connection_sessions: 2, attempts: 0 });
  assert.equal(f.json().learner, 'Élodie Learner');

  // a session from 30 minutes ago to 90 minutes from now, signed by QR now: the half-day that holds
  // "now" counts, at least 30 minutes (from the start) and at most the whole session
  const now = Date.now();
  const s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`, { title: `Visite ${uniq()}`,
    starts_at: new Date(now - 30 * MIN).toISOString(), ends_at: new Date(now + 90 * MIN).toISOString(), mode: 'room', place: 'Atelier' });
  assert.equal(s.status, 201, s.text);
  const code = (await trainer.get(`/api/v1/orgs/demo/sessions/${s.json().id}/qr`)).json();
  const strokes = [[[10, 20, 0], [60, 80, 16], [120, 60, 32]], [[200, 100, 48], [260, 140, 64]]];
  const signed = await elodie.api('POST', `/api/v1/sessions/${s.json().id}/signatures`, { qr: code.token, strokes });
  assert.equal(signed.status, 201, signed.text);
  f = (await admin.get(figuresPath(elodieId))).json().figures;
  assert.equal(f.live_sessions, 1);
  assert.ok(f.live_minutes >= 30 && f.live_minutes <= 120, `live minutes ${f.live_minutes}`);
  assert.equal(f.total_minutes, f.live_minutes + 21);

  // who may read the figures: staff and auditors of the organisation, not a learner, not another organisation
  assert.equal((await auditor.get(figuresPath(elodieId))).status, 200);
  apiError(await elodie.get(figuresPath(elodieId)), 404, 'not_found');
  assert.ok([403, 404].includes((await otherAdmin.get(figuresPath(elodieId))).status));
  apiError(await admin.get(figuresPath(999999)), 404, 'not_found');
});

test('an administrator issues a certificate once; refusals write nothing', async () => {
  const before = (await admin.get(`/api/v1/orgs/demo/runs/${runId}/certificates`)).json();
  assert.ok(before.learners.every((l) => l.certificate === null));
  // refused: a trainer (only administrators issue), a bad type, a learner without hours, a stranger
  assert.equal((await trainer.api('POST', figuresPath(elodieId), { action_type: 'training' })).status, 403);
  apiError(await admin.api('POST', figuresPath(elodieId), { action_type: 'webinar' }), 422, 'invalid');
  apiError(await admin.api('POST', figuresPath(elodieId), { employer: 'x'.repeat(201) }), 422, 'invalid');
  apiError(await admin.api('POST', figuresPath(francoisId), { action_type: 'training' }), 409, 'no_evidence');
  apiError(await admin.api('POST', figuresPath(999999), {}), 404, 'not_found');
  assert.ok([403, 404].includes((await otherAdmin.api('POST', figuresPath(elodieId), {})).status));
  const still = (await admin.get(`/api/v1/orgs/demo/runs/${runId}/certificates`)).json();
  assert.ok(still.learners.every((l) => l.certificate === null));

  const res = await admin.api('POST', figuresPath(elodieId), { action_type: 'training', employer: ' Acme Logistique ' });
  assert.equal(res.status, 201, res.text);
  cert = res.json();
  assert.match(cert.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(cert.employer, 'Acme Logistique');
  assert.equal(cert.learner, 'Élodie Learner');
  assert.equal(cert.course, 'Workplace safety essentials');
  assert.equal(cert.figures.distance_minutes, 21);
  assert.equal(cert.revoked_at, null);
  assert.ok(cert.verify_url.endsWith(`/verify/certificates/${cert.id}`));
  apiError(await admin.api('POST', figuresPath(elodieId), { action_type: 'training' }), 409, 'conflict');
  // Élodie is told, in French, with her certificate's links
  const mail = await waitForMail(store.data, DEMO.elodie.email, { match: /certificat de réalisation/, timeoutMs: 30000 });
  assert.ok(mail.body.includes(`/o/demo/certificates/${cert.id}`), mail.body);
  assert.ok(mail.body.includes(`/verify/certificates/${cert.id}`), mail.body);

  const list = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/certificates`)).json();
  assert.equal(list.learners.find((l) => l.user_id === elodieId).certificate.id, cert.id);
  assert.equal(list.learners.find((l) => l.user_id === francoisId).certificate, null);
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const html = (await page.get(`/o/demo/runs/${runId}/certificates`)).text;
  assert.ok(html.includes(`/o/demo/certificates/${cert.id}`));
  assert.match(html, /See the hours/, 'a trainer sees the hours, not the issue button');
});

test('the learner reads their certificate and its PDF; others do not', async () => {
  const mine = await elodie.get(`/api/v1/orgs/demo/certificates/${cert.id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json().ledger_seq, cert.ledger_seq);
  assert.deepEqual((await elodie.get('/api/v1/me/certificates')).json().certificates.map((c) => c.id), [cert.id]);
  apiError(await francois.get(`/api/v1/orgs/demo/certificates/${cert.id}`), 404, 'not_found');
  assert.ok([403, 404].includes((await otherAdmin.get(`/api/v1/orgs/demo/certificates/${cert.id}`)).status));
  assert.deepEqual((await francois.get('/api/v1/me/certificates')).json().certificates, []);

  const pdf = await fetch(`${srv.url}/api/v1/orgs/demo/certificates/${cert.id}/certificate.pdf`,
    { headers: { cookie: elodie.cookieHeader() } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.length > 5000);
  const html = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const page = await html.get('/me/certificates');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`/o/demo/certificates/${cert.id}`));
  const one = await html.get(`/o/demo/certificates/${cert.id}`);
  assert.equal(one.status, 200);
  assert.match(one.text, /Acme Logistique/);
  assert.doesNotMatch(one.text, /name="reason"/, 'no revoke form for a learner');
  // the course's page leads to it (Élodie reads in French)
  assert.ok((await html.get(`/courses/${safeId}`)).text.includes(`href="/o/demo/certificates/${cert.id}">Votre certificat</a>`));
});

test('anyone verifies it from its QR code: issued, then covered by a signed checkpoint', async () => {
  const anon = new Client(srv);
  let v = await anon.get(`/api/v1/verify/certificates/${cert.id}`);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json().verdict, 'not_checkpointed');
  assert.equal(v.json().learner, 'Élodie Learner');
  assert.match(v.json().entry_hash, /^[0-9a-f]{64}$/);
  assert.equal((await admin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {})).status, 201);
  v = (await anon.get(`/api/v1/verify/certificates/${cert.id}`)).json();
  assert.equal(v.verdict, 'verified');
  assert.ok(v.checkpoint_seq >= cert.ledger_seq);
  assert.ok(v.public_key);
  const page = await anon.get(`/verify/certificates/${cert.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-verdict="verified"/);
  assert.match(page.text, /Élodie Learner/);
  assert.equal((await anon.get('/verify/certificates/AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
  assert.equal((await anon.get('/verify/certificates/nope')).status, 404);
});

test('revoking by form: marked on the verification page, a correction in the ledger, and a new one may be issued', async () => {
  const page = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  const form = await page.get(`/o/demo/certificates/${cert.id}`);
  assert.match(form.text, /name="reason"/);
  // without a reason: refused, still valid
  let res = await page.post(`/o/demo/certificates/${cert.id}/revoke`, { form: { _csrf: csrfFrom(form.text), reason: ' ' } });
  assert.equal(res.status, 422);
  assert.equal((await new Client(srv).get(`/api/v1/verify/certificates/${cert.id}`)).json().verdict, 'verified');
  // a learner cannot revoke
  assert.equal((await elodie.api('POST', `/api/v1/orgs/demo/certificates/${cert.id}/revoke`, { reason: 'no' })).status, 403);
  res = await page.post(`/o/demo/certificates/${cert.id}/revoke`,
    { form: { _csrf: csrfFrom(form.text), reason: 'Heures saisies sur la mauvaise session' } });
  assert.equal(res.status, 303, res.text);
  const v = (await new Client(srv).get(`/api/v1/verify/certificates/${cert.id}`)).json();
  assert.equal(v.verdict, 'revoked');
  assert.ok(v.revoked_at);
  apiError(await admin.api('POST', `/api/v1/orgs/demo/certificates/${cert.id}/revoke`, { reason: 'again' }), 409, 'conflict');

  // a new one, through the form this time
  const issue = await page.get(`/o/demo/runs/${runId}/learners/${elodieId}/certificate`);
  assert.match(issue.text, /name="action_type"/);
  res = await page.post(`/o/demo/runs/${runId}/learners/${elodieId}/certificate`,
    { form: { _csrf: csrfFrom(issue.text), action_type: 'skills_assessment', employer: '' } });
  assert.equal(res.status, 303, res.text);
  const id = res.location.split('/').pop();
  assert.notEqual(id, cert.id);
  const again = (await admin.get(`/api/v1/orgs/demo/certificates/${id}`)).json();
  assert.equal(again.action_type, 'skills_assessment');
  assert.equal(again.revoked_at, null);
  const mine = (await elodie.get('/api/v1/me/certificates')).json().certificates;
  assert.deepEqual(mine.map((c) => c.id).sort(), [cert.id, id].sort());
  // the form refuses a second one with the reason on the page
  res = await page.post(`/o/demo/runs/${runId}/learners/${elodieId}/certificate`,
    { form: { _csrf: csrfFrom(issue.text), action_type: 'training' } });
  assert.equal(res.status, 409);
  assert.match(res.text, /already has a certificate/);

  const ledger = (await admin.get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true);
  // lectern verify compares both certificates with their entries
  assert.match(cli(store, 'verify', '--org', 'demo'), /demo: ok — .*, 2 certificates, 3 xAPI statements and 0 external records match their entries/);
});

test('all the certificates of the run as a ZIP, made in the background with progress; the missing ones issued first', async () => {
  const jobs = `/api/v1/orgs/demo/runs/${runId}/certificates/jobs`;
  // issuing is for administrators; a trainer may only download
  assert.equal((await trainer.api('POST', jobs, { issue: true })).status, 403);
  apiError(await admin.api('POST', jobs, { issue: 'yes' }), 422, 'invalid');
  apiError(await admin.api('POST', jobs, { issue: true, action_type: 'webinar' }), 422, 'invalid');
  assert.ok([403, 404].includes((await otherAdmin.api('POST', jobs, {})).status));
  const wait = async (who, id) => {
    for (let i = 0; i < 100; i++) {
      const j = (await who.get(`${jobs}/${id}`)).json();
      if (j.status === 'done' || j.status === 'failed') return j;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the job did not end in 20 s');
  };
  let res = await trainer.api('POST', jobs, {});
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json().total, 2);          // Élodie and François
  let j = await wait(trainer, res.json().id);
  assert.equal(j.status, 'done');
  assert.deepEqual([j.done, j.in_zip, j.issued, j.no_hours], [2, 1, 0, 0]);
  const zip = await fetch(`${srv.url}${j.download_url}`, { headers: { cookie: trainer.cookieHeader() } });
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  const bytes = Buffer.from(await zip.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  assert.ok(bytes.includes(Buffer.from('certificates.csv')));
  apiError(await elodie.get(`${jobs}/${j.id}`), 404, 'not_found');

  // through the form, as the administrator: François has no hour to certify, nothing else is missing
  const page = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  const list = await page.get(`/o/demo/runs/${runId}/certificates`);
  assert.match(list.text, /name="issue"/);
  res = await page.post(`/o/demo/runs/${runId}/certificates/jobs`, { form: { _csrf: csrfFrom(list.text), issue: '1', action_type: 'training' } });
  assert.equal(res.status, 303, res.text);
  const id = res.location.split('/').pop();
  j = await wait(admin, id);
  assert.deepEqual([j.in_zip, j.issued, j.no_hours], [1, 0, 1]);
  const done = await page.get(res.location);
  assert.equal(done.status, 200);
  assert.match(done.text, /data-status="done"/);
  assert.match(done.text, /certificates\/jobs\/\d+\/download/);
  // a trainer's form cannot ask to issue
  const tpage = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const tlist = await tpage.get(`/o/demo/runs/${runId}/certificates`);
  assert.doesNotMatch(tlist.text, /name="issue"/);
  res = await tpage.post(`/o/demo/runs/${runId}/certificates/jobs`, { form: { _csrf: csrfFrom(tlist.text), issue: '1' } });
  assert.equal(res.status, 403);
});

test('lectern certificate zip writes the same ZIP from the command line', async () => {
  const out = `${store.data}/cli-certificates.zip`;
  assert.match(cli(store, 'certificate', 'zip', String(runId), out), /1 certificate of run \d+ written to .* \(2 learners; issued now: 0; without hours to certify: 0\)/);
  assert.throws(() => cli(store, 'certificate', 'zip', String(runId), out, '--as', DEMO.elodie.email, '--issue'),
    /not an administrator/);
});
