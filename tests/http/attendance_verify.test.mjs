// attendance_verify.test.mjs — the public verification page of an attendance
// sheet (docs/attendance.md "Verifying a printed sheet"): the sheet's QR code
// (a link in the PDF too) points at /verify/sessions/ID/TOKEN; signed out,
// the page shows the session, how many signed, the ledger entries' hashes and
// whether they verify up to a checkpoint signed with the organisation's key;
// a wrong token is 404; a signature changed in SQL, or its ledger entry, is
// caught.  Runs on SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, DEMO, apiError, cli, csrfFrom, demoStore, startServer, stopAll, signinApi, sleep, tmpDir, uniq } from './lib.mjs';

let srv, store, admin, trainer, elodie, session, title, verifyPath, runId;

const sql = (stmt) => (store.db
  ? execFileSync('psql', [store.db, '-qAtc', stmt], { encoding: 'utf8' })
  : execFileSync('sqlite3', [path.join(store.data, 'lectern.db'), stmt], { encoding: 'utf8' }));

function strokes(seed) {
  const st = [];
  for (let i = 0; i < 20; i++) st.push([(50 + i * 7 + seed) % 600, 100 + Math.round(30 * Math.sin(i / 2 + seed)), i * 16]);
  return [st];
}

before(async () => {
  store = demoStore('attverify');
  srv = await startServer(store);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const course = await trainer.api('POST', '/api/v1/orgs/demo/courses', { code: `VER-${uniq()}`, title: 'Habilitation électrique', published: true });
  assert.equal(course.status, 201, course.text);
  const run = await trainer.api('POST', `/api/v1/orgs/demo/courses/${course.json().id}/runs`, { title: 'Avril', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  runId = run.json().id;
  const enrol = await trainer.req('POST', `/api/v1/orgs/demo/runs/${runId}/enrolments/import?apply=1`,
    { body: `${DEMO.elodie.email}\n${DEMO.francois.email}\n`, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(enrol.status, 201, enrol.text);
  title = `Séance vérifiée ${uniq()}`;
  const now = Date.now();
  const s = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title, starts_at: new Date(now).toISOString(), ends_at: new Date(now + 3600e3).toISOString(), mode: 'room' });
  assert.equal(s.status, 201, s.text);
  session = s.json().id;
  const qr = (await trainer.get(`/api/v1/orgs/demo/sessions/${session}/qr`)).json();
  const g = await elodie.api('POST', `/api/v1/sessions/${session}/signatures`, { qr: qr.token, strokes: strokes(3) });
  assert.equal(g.status, 201, g.text);
});

after(async () => { await stopAll(srv); });

test('the live view links to the public page, and the sheet PDF carries it as its QR code link', async () => {
  const page = await trainer.get(`/o/demo/sessions/${session}`);
  assert.equal(page.status, 200);
  const m = page.text.match(/href="https?:\/\/[^"/]+(\/verify\/sessions\/(\d+)\/([A-Za-z0-9_-]{22}))" data-verify/);
  assert.ok(m, 'a link to the verification page');
  assert.equal(Number(m[2]), session);
  verifyPath = m[1];
  const res = await fetch(`${srv.url}/o/demo/sessions/${session}/sheet.pdf`, { headers: { cookie: trainer.cookieHeader() } });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = path.join(tmpDir('attverify'), 'sheet.pdf');
  fs.writeFileSync(file, bytes);
  assert.ok(bytes.includes(Buffer.from(verifyPath)), 'the QR code is a link to the verification page');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(title));
  assert.match(text, /Verify this sheet|Vérifier cette feuille/);
});

test('signed out, the page shows the session, the count and the entries; verified once a checkpoint is signed', async () => {
  const anon = new Client(srv);
  const cp = await admin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {});
  assert.ok([200, 201].includes(cp.status), cp.text);
  const page = await anon.get(verifyPath);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.text.includes(title));
  assert.match(page.text, /1 \/ 2/);
  assert.match(page.text, /data-verdict="verified"/);
  assert.match(page.text, /attendance\.signature/);
  assert.match(page.text, /<code class="hash">[0-9a-f]{64}<\/code>/);
  assert.ok(!page.text.includes('Élodie'), 'no names');
  assert.match(page.text, /href="\/o\/demo\/evidence-key\.pub"/);
  const api = await anon.get(`/api/v1${verifyPath}`);
  assert.equal(api.status, 200, api.text);
  const j = api.json();
  assert.equal(j.verdict, 'verified');
  assert.equal(j.learners_signed, 1);
  assert.equal(j.expected, 2);
  assert.equal(j.entries.length, 1);
  assert.match(j.entries[0].hash, /^[0-9a-f]{64}$/);
  const key = (await anon.get('/api/v1/orgs/demo/ledger/key')).json();
  assert.ok(JSON.stringify(key).includes(j.public_key), 'the key that signed is the organisation\'s published key');
  // French for a French reader
  const fr = await anon.get(verifyPath, { headers: { 'accept-language': 'fr' } });
  assert.match(fr.text, /Vérification de la feuille d’émargement/);
});

test('a wrong token, or the token of another session, is 404', async () => {
  const anon = new Client(srv);
  const tok = verifyPath.split('/').pop();
  assert.equal((await anon.get(`/verify/sessions/${session}/${'A'.repeat(22)}`)).status, 404);
  assert.equal((await anon.get(`/verify/sessions/${session + 1}/${tok}`)).status, 404);
  assert.equal((await anon.get(`/verify/sessions/${session}/short`)).status, 404);
  assert.equal((await anon.get(`/api/v1/verify/sessions/${session}/${'B'.repeat(22)}`)).status, 404);
});

test('a signature changed in the database, or its ledger entry, fails the verification', async () => {
  const anon = new Client(srv);
  sql(`UPDATE signature SET signed_at = signed_at + 1000000 WHERE session_id = ${session}`);
  let j = (await anon.get(`/api/v1${verifyPath}`)).json();
  assert.equal(j.verdict, 'failed');
  assert.equal(j.fault, 'signature_differs');
  assert.match((await anon.get(verifyPath)).text, /data-verdict="failed"/);
  sql(`UPDATE signature SET signed_at = signed_at - 1000000 WHERE session_id = ${session}`);
  assert.equal((await anon.get(`/api/v1${verifyPath}`)).json().verdict, 'verified');
  const seq = j.entries[0].seq;
  sql(`UPDATE ledger_entry SET at = at + 1 WHERE seq = ${seq} AND kind = 'attendance.signature' AND subject LIKE 'session:${session} %'`);
  j = (await anon.get(`/api/v1${verifyPath}`)).json();
  assert.equal(j.verdict, 'failed');
  assert.equal(j.fault, 'hash_mismatch');
  assert.equal(j.bad_seq, seq);
  sql(`UPDATE ledger_entry SET at = at - 1 WHERE seq = ${seq} AND kind = 'attendance.signature' AND subject LIKE 'session:${session} %'`);
  assert.equal((await anon.get(`/api/v1${verifyPath}`)).json().verdict, 'verified');
});

const zipList = (file) => execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');

test('all the sheets of a run as a ZIP: made in the background with its progress, then downloaded', async () => {
  assert.equal((await elodie.api('POST', `/api/v1/orgs/demo/runs/${runId}/sheets`, {})).status, 403);
  const runPage = await trainer.get(`/o/demo/runs/${runId}/sessions`);
  const form = runPage.text.match(/<form method="post" action="(\/o\/demo\/runs\/\d+\/sheets)"[\s\S]*?name="_csrf" value="([^"]*)"/);
  assert.ok(form, 'a button on the run\'s sessions page');
  const start = await trainer.post(form[1], { form: { _csrf: form[2] } });
  assert.equal(start.status, 303, start.text);
  const jobPath = start.location;
  assert.match(jobPath, /^\/o\/demo\/runs\/\d+\/sheets\/\d+$/);
  const page = await trainer.get(jobPath);
  assert.equal(page.status, 200);
  assert.match(page.text, /<progress max="1" value="[01]"/);
  const apiPath = `/api/v1/orgs/demo/runs/${runId}/sheets/${jobPath.split('/').pop()}`;
  let job;
  for (let i = 0; i < 100; i++) {       // the tick of the server makes it (every few seconds)
    job = (await trainer.get(apiPath)).json();
    if (job.status === 'done' || job.status === 'failed') break;
    assert.equal(page.headers.get('refresh'), '2', 'the page refreshes itself while the job runs');
    await sleep(300);
  }
  assert.equal(job.status, 'done');
  assert.equal(job.done, 1);
  assert.equal(job.total, 1);
  const done = await trainer.get(jobPath);
  assert.equal(done.headers.get('refresh'), null);
  assert.ok(done.text.includes(job.download_url));
  const res = await fetch(srv.url + job.download_url, { headers: { cookie: trainer.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const file = path.join(tmpDir('attzip'), 'sheets.zip');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const names = zipList(file);
  assert.equal(names.length, 1);
  assert.match(names[0], new RegExp(`^001-\\d{4}-\\d{2}-\\d{2}-attendance-sheet-${session}\\.pdf$`));
  const text = execFileSync('sh', ['-c', 'unzip -p "$1" "$2" | pdftotext - -', 'sh', file, names[0]], { encoding: 'utf8' });
  assert.ok(text.includes(title));
  // others: learners, other organisations
  assert.equal((await elodie.get(jobPath)).status, 403);
  assert.equal((await elodie.get(job.download_url)).status, 403);
  const api = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sheets`, {});
  assert.equal(api.status, 202, api.text);
  assert.match(api.json().status, /^(queued|running|done)$/);
  assert.equal(api.json().format, 'zip');
});

test('all the sheets of a run in one PDF, to print: the second button, the API and the command line', async () => {
  const runPage = await trainer.get(`/o/demo/runs/${runId}/sessions`);
  const form = runPage.text.match(/<form method="post" action="(\/o\/demo\/runs\/\d+\/sheets)"><input type="hidden" name="_csrf" value="([^"]*)"><input type="hidden" name="format" value="pdf">/);
  assert.ok(form, 'the PDF button on the run\'s sessions page');
  assert.match(runPage.text, /All the sheets in one PDF, to print/);
  const start = await trainer.post(form[1], { form: { _csrf: form[2], format: 'pdf' } });
  assert.equal(start.status, 303, start.text);
  const apiPath = `/api/v1/orgs/demo/runs/${runId}/sheets/${start.location.split('/').pop()}`;
  let job;
  for (let i = 0; i < 100; i++) {
    job = (await trainer.get(apiPath)).json();
    if (job.status === 'done' || job.status === 'failed') break;
    await sleep(300);
  }
  assert.equal(job.status, 'done');
  assert.equal(job.format, 'pdf');
  assert.match((await trainer.get(start.location)).text, /Download the PDF/);
  const res = await fetch(srv.url + job.download_url, { headers: { cookie: trainer.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), new RegExp(`attendance-sheets-${runId}\\.pdf`));
  const file = path.join(tmpDir('attpdf'), 'sheets.pdf');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  assert.ok(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).includes(title));
  // The API: ?format=pdf; another format is refused.
  let api = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sheets?format=pdf`, {});
  assert.equal(api.status, 202, api.text);
  assert.equal(api.json().format, 'pdf');
  apiError(await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sheets?format=docx`, {}), 422, 'invalid');
  // The command line: a .pdf name.
  const out = path.join(tmpDir('attpdfcli'), 'run.pdf');
  assert.match(cli(store, 'attendance', 'sheets', String(runId), out), /1 attendance sheet of run \d+ written to/);
  assert.ok(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }).includes(title));
});

test('the command line writes the same ZIP with its progress', async () => {
  const file = path.join(tmpDir('attzipcli'), 'run.zip');
  const out = cli(store, 'attendance', 'sheets', String(runId), file, '--lang', 'fr');
  assert.match(out, /1 attendance sheet of run \d+ written to/);
  const names = zipList(file);
  assert.equal(names.length, 1);
  assert.match(names[0], /feuille-emargement/);
  assert.throws(() => cli(store, 'attendance', 'sheets', '999999', file), /no run 999999/);
});
