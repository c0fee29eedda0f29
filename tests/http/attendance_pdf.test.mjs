// attendance_pdf.test.mjs — the attendance sheet of a live session as a PDF
// (docs/attendance.md "The attendance sheet"): signed by QR, the sheet lists
// the learners with accents, the signature times and methods, "absent" once
// the window closed, the course; staff and auditors may fetch it, a learner
// and another organisation may not; 80 expected learners span several pages
// with "page N / M".  The first page is rendered to
// tests/browser/out/attendance-sheet.png for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIN, DEMO, cli, csrfFrom, demoStore, startServer, stopAll, signinApi, signinForm, tmpDir, uniq, sleep,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '../browser/out');
const MIN = 60 * 1000;
let srv, store, trainer, elodie, auditor, otherAdmin, frTrainer;
let runId, bigRunId;
const COURSE = 'Sécurité électrique — habilitation B0';

function strokes(seed, n = 3, per = 24) {
  const out = [];
  let t = 0;
  for (let s = 0; s < n; s++) {
    const st = [];
    for (let i = 0; i < per; i++) {
      st.push([(60 + s * 140 + i * 5 + seed * 3) % 600, 100 + Math.round(45 * Math.sin(i / 3 + seed + s)), t]);
      t += 16;
    }
    out.push(st);
  }
  return out;
}

const iso = (ms) => new Date(ms).toISOString();

/** GET as `client` and return {status, headers, bytes}. */
async function getBytes(client, p) {
  const headers = {};
  if (client.jar.size) headers.cookie = client.cookieHeader();
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  const res = await fetch(client.base + p, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function pdfText(bytes) {
  const dir = tmpDir('attpdf');
  const file = path.join(dir, 'sheet.pdf');
  fs.writeFileSync(file, bytes);
  return { file, text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }) };
}

async function createSession(run, title, startMs, endMs, extra = {}) {
  const res = await trainer.api('POST', `/api/v1/orgs/demo/runs/${run}/sessions`,
    { title, starts_at: iso(startMs), ends_at: iso(endMs), mode: 'room', place: 'Salle Érable, 2e étage', ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json().id;
}

async function enrol(run, emails) {
  const res = await trainer.req('POST', `/api/v1/orgs/demo/runs/${run}/enrolments/import?apply=1`,
    { body: `${emails.join('\n')}\n`, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(res.status, 201, res.text);
}

before(async () => {
  store = demoStore('attpdf');
  cli(store, 'user', 'add', 'audrey@lectern.test', 'Audrey Auditrice', '--password', 'auditor-pass-1', '--org', 'demo', '--role', 'auditor');
  cli(store, 'user', 'add', 'formatrice@lectern.test', 'Gaëlle Formatrice', '--password', 'formatrice-pass', '--org', 'demo', '--role', 'trainer');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  // 80 learners, ten accounts at a time (each hashes a password)
  const execAsync = promisify(execFile);
  const where = ['--data', store.data, ...(store.db ? ['--db', store.db] : [])];
  for (let i = 1; i <= 80; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => {
      const n = String(i + k).padStart(2, '0');
      return execAsync(BIN, ['user', 'add', `p${n}@lectern.test`, `Stagiaire ${n} Bérénice-Anne de la Fontaine-Dupré`,
        '--password', 'learner-pass-80', '--org', 'demo', '--role', 'learner', ...where]);
    }));
  }
  srv = await startServer({ ...store });
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  auditor = await signinApi(srv, 'audrey@lectern.test', 'auditor-pass-1');
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  frTrainer = await signinApi(srv, 'formatrice@lectern.test', 'formatrice-pass');
  const course = await trainer.api('POST', '/api/v1/orgs/demo/courses', { code: `PDF-${uniq()}`, title: COURSE, published: true });
  assert.equal(course.status, 201, course.text);
  const run = await trainer.api('POST', `/api/v1/orgs/demo/courses/${course.json().id}/runs`, { title: 'Session de printemps', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  runId = run.json().id;
  await enrol(runId, [DEMO.elodie.email, DEMO.francois.email]);
  const big = await trainer.api('POST', `/api/v1/orgs/demo/courses/${course.json().id}/runs`, { title: 'Grand groupe', visibility: 'corporate' });
  assert.equal(big.status, 201, big.text);
  bigRunId = big.json().id;
  await enrol(bigRunId, Array.from({ length: 80 }, (_, i) => `p${String(i + 1).padStart(2, '0')}@lectern.test`));
});

after(async () => { await stopAll(srv); });

test('the sheet of a signed session: names with accents, times, method, absent, the course; a PNG of page 1', async () => {
  // a session that closes in a few seconds (no grace): Élodie signs by QR, François does not
  // It starts at most ten minutes ago but not before the last noon or midnight (UTC, the demo's zone), so
  // that both signatures fall in the same half-day whatever the time of day the suite runs.
  const now = Date.now();
  const halfDay = now - (now % (12 * 60 * MIN));
  const id = await createSession(runId, 'Matinée pratique', Math.max(now - 10 * MIN, halfDay), now + 6000, { grace_minutes: 0 });
  const code = (await trainer.get(`/api/v1/orgs/demo/sessions/${id}/qr`)).json();
  const signed = await elodie.api('POST', `/api/v1/sessions/${id}/signatures`, { qr: code.token, strokes: strokes(1) });
  assert.equal(signed.status, 201, signed.text);
  // the trainer signs too, from the live view's form
  const tform = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const mine = await tform.get(`/o/demo/sessions/${id}/sign`);
  assert.equal(mine.status, 200);
  const t = await tform.post(`/o/demo/sessions/${id}/sign`, { form: { _csrf: csrfFrom(mine.text), strokes: JSON.stringify(strokes(7, 2, 30)) } });
  assert.equal(t.status, 303, t.text.slice(0, 300));
  const page = await trainer.get(`/o/demo/sessions/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`href="/o/demo/sessions/${id}/sheet\\.pdf"`), 'a link to the sheet on the live view');
  // while open, the unsigned learner is "not signed"
  const open = await getBytes(trainer, `/o/demo/sessions/${id}/sheet.pdf`);
  assert.equal(open.status, 200);
  assert.match(pdfText(open.bytes).text, /Not signed/);
  while (Date.now() < now + 6500) await sleep(200);

  const res = await getBytes(trainer, `/o/demo/sessions/${id}/sheet.pdf`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/pdf/);
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="[a-z-]+-\d+\.pdf"$/);
  assert.equal(res.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const { text } = pdfText(res.bytes);
  assert.match(text, /Élodie Learner/);
  assert.match(text, /François Learner/);
  assert.match(text, /Absent/i, 'the unsigned learner is absent once the window closed');
  assert.ok(text.includes(COURSE), 'the course title');
  assert.match(text, /Matinée pratique/);
  assert.match(text, /Salle Érable/);
  assert.match(text, /QR code/, 'the signing method');
  assert.match(text, /UTC\+00:00/, 'the time with its offset');
  assert.match(text, /Page 1 \/ 1/);
  assert.match(text, /Attendance sheet/);
  assert.doesNotMatch(text, /Théo Formateur\s+Not signed/, 'the trainer signed');

  // in French for a French-speaking trainer: the "feuille d'émargement", rendered to PNG for a person to look at
  assert.equal((await frTrainer.api('PATCH', '/api/v1/me', { lang: 'fr' })).status, 200);
  const fr = await getBytes(frTrainer, `/o/demo/sessions/${id}/sheet.pdf`);
  assert.equal(fr.status, 200);
  assert.match(fr.headers.get('content-disposition'), /filename="feuille-emargement-\d+\.pdf"/);
  const frPdf = pdfText(fr.bytes);
  assert.match(frPdf.text, /Feuille d[’']émargement/);
  assert.match(frPdf.text, /Élodie Learner/);
  assert.match(frPdf.text, /François Learner/);
  assert.match(frPdf.text, /Absent/);
  assert.match(frPdf.text, /Formation/);
  assert.ok(frPdf.text.includes(COURSE));
  assert.match(frPdf.text, /Page 1 \/ 1/);
  fs.mkdirSync(OUT, { recursive: true });
  const prefix = path.join(path.dirname(frPdf.file), 'page');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', frPdf.file, prefix]);
  fs.copyFileSync(`${prefix}.png`, path.join(OUT, 'attendance-sheet.png'));
  assert.ok(fs.statSync(path.join(OUT, 'attendance-sheet.png')).size > 1000);

  // an auditor may read it; a learner may not; another organisation may not
  assert.equal((await getBytes(auditor, `/o/demo/sessions/${id}/sheet.pdf`)).status, 200);
  assert.equal((await getBytes(elodie, `/o/demo/sessions/${id}/sheet.pdf`)).status, 403);
  assert.ok([403, 404].includes((await getBytes(otherAdmin, `/o/demo/sessions/${id}/sheet.pdf`)).status));
  assert.ok([403, 404].includes((await getBytes(otherAdmin, `/o/other/sessions/${id}/sheet.pdf`)).status));
  assert.equal((await getBytes(trainer, '/o/demo/sessions/999999/sheet.pdf')).status, 404);
});

test('80 expected learners: several pages, the table header repeated, page N / M', async () => {
  const now = Date.now();
  const id = await createSession(bigRunId, 'Journée complète', now - 2 * MIN, now + 60 * MIN);
  const res = await getBytes(frTrainer, `/o/demo/sessions/${id}/sheet.pdf`);
  assert.equal(res.status, 200);
  assert.equal(res.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const { file, text } = pdfText(res.bytes);
  fs.mkdirSync(OUT, { recursive: true });
  const prefix = path.join(path.dirname(file), 'page2');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '2', '-l', '2', '-singlefile', file, prefix]);
  fs.copyFileSync(`${prefix}.png`, path.join(OUT, 'attendance-sheet-page2.png'));
  const pages = text.split('\f').filter((p) => p.trim());
  assert.ok(pages.length >= 3, `80 rows span several pages (got ${pages.length})`);
  assert.match(text, /2 \/ \d/);
  const m = text.match(/Page 1 \/ (\d+)/);
  assert.ok(m && Number(m[1]) === pages.length, 'M is the page count');
  for (let i = 1; i <= 80; i++) assert.ok(text.includes(`Stagiaire ${String(i).padStart(2, '0')}`), `learner ${i} listed`);
  assert.ok(pages.slice(0, -1).every((p) => /Learner|Apprenant/.test(p)), 'the table header on every page of learners');
});
