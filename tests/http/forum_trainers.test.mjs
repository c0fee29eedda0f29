// forum_trainers.test.mjs — response times per trainer (issue 5; docs/forum.md,
// "Response times per trainer"): the API, the page in English and French, the
// CSV, a date range, bad dates, and who may read it (staff of the organisation
// only; another organisation's run is 404).  No timing assertion: the delays
// are whatever they are, only their presence and the counts are checked.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, cli, csrfFrom } from './lib.mjs';

const store = demoStore('forum-trainers');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
const srv = await startServer(store);
after(() => stopAll(srv));

const RUN = 1;
const API = '/api/v1/orgs/demo/assistance/trainers';
let trainer, elodie, trainerId;

test('a trainer\'s first reply counts in their row, per run and across the organisation', async () => {
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const before = (await trainer.get(`${API}?run=${RUN}`)).json();
  const q = await elodie.api('POST', `/api/v1/runs/${RUN}/forum/threads`, { kind: 'question', title: 'Per trainer?', body: 'Asked.' });
  assert.equal(q.status, 201, q.text);
  const waiting = (await trainer.get(`${API}?run=${RUN}`)).json();
  assert.equal(waiting.questions, before.questions + 1);
  assert.equal(waiting.waiting, before.waiting + 1);
  const rep = await trainer.api('POST', `/api/v1/runs/${RUN}/forum/threads/${q.json().id}/posts`, { body: 'Answered.' });
  assert.equal(rep.status, 201, rep.text);
  trainerId = rep.json().author_id;

  const res = await trainer.get(`${API}?run=${RUN}`);
  assert.equal(res.status, 200, res.text);
  const j = res.json();
  assert.equal(j.run_id, RUN);
  assert.equal(j.waiting, before.waiting);
  const row = j.items.find((x) => x.trainer_id === trainerId);
  assert.ok(row, res.text);
  const was = before.items.find((x) => x.trainer_id === trainerId);
  assert.equal(row.answered, (was ? was.answered : 0) + 1);
  for (const k of ['median_seconds', 'p90_seconds', 'within', 'late', 'within_share']) assert.equal(typeof row[k], 'number', k);
  assert.ok(row.p90_seconds >= row.median_seconds);
  assert.equal(row.within + row.late, row.answered);

  const all = (await trainer.get(API)).json();
  assert.equal(all.run_id, null);
  assert.ok(all.items.find((x) => x.trainer_id === trainerId).answered >= row.answered);
  // a range long past: nothing
  const none = (await trainer.get(`${API}?from=2001-01-01&to=2001-01-31`)).json();
  assert.equal(none.questions, 0);
  assert.deepEqual(none.items, []);
  assert.equal(none.from, '2001-01-01');
});

test('bad filters are refused, naming the field; another organisation\'s run is 404', async () => {
  apiError(await trainer.get(`${API}?from=yesterday`), 422);
  assert.equal((await trainer.get(`${API}?from=yesterday`)).json().error.field, 'from');
  assert.equal((await trainer.get(`${API}?from=2026-02-01&to=2026-01-01`)).json().error.field, 'to');
  apiError(await trainer.get(`${API}?run=999999`), 404);
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const bad = await page.get('/o/demo/assistance/trainers?to=31/12/2026');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /class="field-error">Enter a date as YYYY-MM-DD\./);
});

test('the page (English, French) and the CSV', async () => {
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const en = await page.get(`/o/demo/assistance/trainers?run=${RUN}`);
  assert.equal(en.status, 200);
  assert.match(en.text, /<h1>Response times per trainer<\/h1>/);
  assert.match(en.text, /Median first response/);
  assert.match(en.text, /data-seconds="\d+"/);
  assert.match(en.text, new RegExp(`href="/o/demo/assistance/trainers.csv\\?run=${RUN}&amp;from=&amp;to="`));
  assert.match((await page.get(`/o/demo/runs/${RUN}/assistance`)).text, new RegExp(`href="/o/demo/assistance/trainers\\?run=${RUN}"`));

  const csv = await page.get(`/o/demo/assistance/trainers.csv?run=${RUN}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'trainer_id,trainer,questions_answered,median_seconds,p90_seconds,within_promised_percent,answered_late');
  assert.ok(lines.some((l) => l.startsWith(`${trainerId},`)), csv.text);

  const tok = csrfFrom(en.text);
  assert.equal((await page.post('/lang', { form: { _csrf: tok, lang: 'fr', next: '/' } })).status, 303);
  const fr = await page.get(`/o/demo/assistance/trainers?run=${RUN}`);
  assert.match(fr.text, /<h1>Délais de réponse par formateur<\/h1>/);
  assert.match(fr.text, /Réponse médiane/);
});

test('only the organisation\'s staff', async () => {
  apiError(await elodie.get(API), 403);
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const r = await outsider.get(API);
  assert.ok([403, 404].includes(r.status), r.text);
  const p = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await p.get('/o/demo/assistance/trainers.csv')).status, 403);
});
