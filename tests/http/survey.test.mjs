// survey.test.mjs — satisfaction surveys (docs/surveys.md) against the real
// binary: a trainer opens the survey of a run (the learners are invited by
// e-mail), a learner answers by the form and another through the API,
// refusals write nothing, the results page, its JSON and its CSV, who may
// see what, closing.  Run on SQLite and PostgreSQL (scripts/test.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinApi, signinForm, apiError, cli, csrfFrom, waitForMail } from './lib.mjs';

let store, srv, trainer, admin, elodie, francois, auditor, otherAdmin, runId, courseId;

before(async () => {
  store = demoStore('survey');
  cli(store, 'user', 'add', 'audit@lectern.test', 'Aude Auditrice', '--password', 'auditor-pass', '--org', 'demo', '--role', 'auditor');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  srv = await startServer(store);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  auditor = await signinApi(srv, 'audit@lectern.test', 'auditor-pass');
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const safe = (await new Client(srv).get('/api/v1/courses')).json().items.find((c) => c.code === 'SAFE-101');
  courseId = safe.id;
  runId = (await new Client(srv).get(`/api/v1/courses/${safe.id}`)).json().runs[0].id;
  assert.equal((await francois.api('POST', `/api/v1/runs/${runId}/enrolment`)).status, 201);
});

after(async () => { await stopAll(srv); });

const results = (who) => who.get(`/api/v1/orgs/demo/runs/${runId}/survey`);

test('a trainer opens the survey: the learners are invited by e-mail, and asked on the course page', async () => {
  apiError(await results(trainer), 404, 'not_found');
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const before = await page.get(`/o/demo/runs/${runId}/survey`);
  assert.equal(before.status, 200);
  // a learner may not open it; another organisation neither
  assert.equal((await elodie.api('POST', `/api/v1/orgs/demo/runs/${runId}/survey`, {})).status, 403);
  assert.ok([403, 404].includes((await otherAdmin.api('POST', `/api/v1/orgs/demo/runs/${runId}/survey`, {})).status));
  const res = await page.post(`/o/demo/runs/${runId}/survey`, { form: { _csrf: csrfFrom(before.text) } });
  assert.equal(res.status, 303, res.text);
  apiError(await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/survey`, {}), 409, 'conflict');
  const mail = await waitForMail(store.data, DEMO.elodie.email, { match: /ce que vous avez pensé de/, timeoutMs: 30000 });
  assert.ok(mail.body.includes(`/runs/${runId}/survey`), mail.body);
  await waitForMail(store.data, DEMO.francois.email, { match: /what you thought of/, timeoutMs: 30000 });
  const learner = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.ok((await learner.get(`/courses/${courseId}`)).text.includes(`href="/runs/${runId}/survey">Donner votre avis</a>`));
  const q = (await elodie.get(`/api/v1/runs/${runId}/survey`)).json();
  assert.deepEqual([q.open, q.answered, q.questions.length], [true, false, 7]);
  assert.equal(q.questions[0].code, 'overall');
});

test('a learner answers by the form, once; a missing answer is refused with nothing written', async () => {
  const page = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const form = await page.get(`/runs/${runId}/survey`);
  assert.equal(form.status, 200);
  assert.match(form.text, /name="overall" value="5"/);
  const answers = { overall: '5', objectives: '4', content: '4', assistance: '3', organisation: '5', recommend: 'yes',
                    improve: 'Plus de <b>pratique</b>' };
  let res = await page.post(`/runs/${runId}/survey`, { form: { _csrf: csrfFrom(form.text), ...answers, content: '' } });
  assert.equal(res.status, 422);
  assert.match(res.text, /Répondez à cette question/);
  assert.equal((await results(trainer)).json().responses, 0);
  res = await page.post(`/runs/${runId}/survey`, { form: { _csrf: csrfFrom(form.text), ...answers } });
  assert.equal(res.status, 303, res.text);
  res = await page.post(`/runs/${runId}/survey`, { form: { _csrf: csrfFrom(form.text), ...answers } });
  assert.equal(res.status, 409);
  const again = await page.get(`/runs/${runId}/survey`);
  assert.match(again.text, /Vous avez déjà répondu/);
  assert.doesNotMatch((await page.get(`/courses/${courseId}`)).text, /Donner votre avis/);
});

test('another learner answers through the API; bad answers are named', async () => {
  const path = `/api/v1/runs/${runId}/survey/responses`;
  apiError(await francois.api('POST', path, { answers: 'all good' }), 422, 'invalid');
  const bad = await francois.api('POST', path, { answers: { overall: 9, objectives: 3, content: 3, assistance: 2, organisation: 4, recommend: false } });
  apiError(bad, 422, 'invalid');
  assert.equal(bad.json().error.field, 'overall');
  const ok = await francois.api('POST', path, { answers: { overall: 2, objectives: 3, content: 3, assistance: 1, organisation: 4, recommend: false } });
  assert.equal(ok.status, 201, ok.text);
  apiError(await francois.api('POST', path, { answers: { overall: 2 } }), 409, 'conflict');
  // not a learner of the run
  apiError(await auditor.api('POST', path, { answers: { overall: 2 } }), 404, 'not_found');
  const stranger = await signinForm(srv, 'audit@lectern.test', 'auditor-pass');
  assert.equal((await stranger.get(`/runs/${runId}/survey`)).status, 404);
});

test('the results: averages, the recommendation, the comment escaped, the CSV; closing', async () => {
  const r = (await results(auditor)).json();
  assert.deepEqual([r.open, r.learners, r.responses], [true, 2, 2]);
  const overall = r.questions.find((q) => q.code === 'overall');
  assert.equal(overall.average_milli, 3500);
  assert.deepEqual(overall.counts, [0, 1, 0, 0, 1]);
  assert.deepEqual(r.questions.find((q) => q.code === 'recommend'), { code: 'recommend', answers: 2, yes: 1, no: 1 });
  assert.equal(r.comments[0].text, 'Plus de <b>pratique</b>');
  apiError(await elodie.get(`/api/v1/orgs/demo/runs/${runId}/survey`), 404, 'not_found');
  assert.ok([403, 404].includes((await otherAdmin.get(`/api/v1/orgs/demo/runs/${runId}/survey`)).status));
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const html = await page.get(`/o/demo/runs/${runId}/survey`);
  assert.match(html.text, /2 \/ 2 learners answered \(100 %\)/);
  assert.match(html.text, /3\.5 \/ 5/);
  assert.ok(html.text.includes('Plus de &lt;b&gt;pratique&lt;/b&gt;'), 'the comment is escaped');
  assert.doesNotMatch(html.text, /Élodie/, 'no names beside the answers');
  const csv = await page.get(`/o/demo/runs/${runId}/survey.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.text, /^submitted_at,learner,email,overall,objectives,content,assistance,organisation,recommend,improve\r\n/);
  assert.match(csv.text, /,Élodie Learner,elodie@lectern\.test,5,4,4,3,5,yes,Plus de <b>pratique<\/b>\r\n/);
  const close = await page.post(`/o/demo/runs/${runId}/survey/close`, { form: { _csrf: csrfFrom(html.text) } });
  assert.equal(close.status, 303);
  assert.equal((await results(trainer)).json().open, false);
  assert.equal((await elodie.get(`/api/v1/runs/${runId}/survey`)).json().open, false);
  const ledger = (await admin.get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true);
});

test('every survey of the organisation on one page, for its staff and auditors', async () => {
  const list = await auditor.get('/api/v1/orgs/demo/surveys');
  assert.equal(list.status, 200, list.text);
  const mine = list.json().items.find((x) => x.run_id === runId);
  assert.deepEqual([mine.responses, mine.learners, mine.overall_sum, mine.overall_answers, mine.recommend_yes, mine.recommend_answers],
    [2, 2, 7, 2, 1, 2]);
  assert.equal(mine.closed_at !== null, true);
  assert.equal((await elodie.get('/api/v1/orgs/demo/surveys')).status, 403);
  assert.ok([403, 404].includes((await otherAdmin.get('/api/v1/orgs/demo/surveys')).status));
  const page = await signinForm(srv, 'audit@lectern.test', 'auditor-pass');
  const html = await page.get('/o/demo/surveys');
  assert.equal(html.status, 200);
  assert.ok(html.text.includes(`/o/demo/runs/${runId}/survey`));
  assert.match(html.text, /3\.5 \/ 5/);
  assert.match(html.text, /50%/);
  assert.ok((await page.get('/o/demo')).text.includes('href="/o/demo/surveys"'));
});

test('a survey scheduled on a date: by form and API, shown on the run\'s page, cancelled; refused in the past', async () => {
  const made = await trainer.api('POST', `/api/v1/orgs/demo/courses/${courseId}/runs`, { title: 'Later session', visibility: 'corporate' });
  assert.equal(made.status, 201, made.text);
  const later = made.json().id;
  const path = `/api/v1/orgs/demo/runs/${later}/survey/schedule`;
  apiError(await trainer.get(path), 404, 'not_found');
  const past = await trainer.api('PUT', path, { open_at: '2020-01-01T09:00:00Z' });
  apiError(past, 422, 'invalid');
  assert.equal(past.json().error.field, 'open_at');
  apiError(await elodie.api('PUT', path, { open_at: '2099-01-01T09:00:00Z' }), 403, 'forbidden');
  apiError(await trainer.api('PUT', `/api/v1/orgs/demo/runs/${runId}/survey/schedule`, { open_at: '2099-01-01T09:00:00Z' }), 409, 'conflict');
  const put = await trainer.api('PUT', path, { open_at: '2099-01-01T09:00:00Z' });
  assert.equal(put.status, 200, put.text);
  assert.equal((await auditor.get(path)).json().open_at, '2099-01-01T09:00:00Z');
  // the page says so, and cancels it; the form refuses a date gone by
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  let html = await page.get(`/o/demo/runs/${later}/survey`);
  assert.match(html.text, /The survey opens by itself on 2099-01-01 09:00 UTC/);
  let res = await page.post(`/o/demo/runs/${later}/survey/schedule/cancel`, { form: { _csrf: csrfFrom(html.text) } });
  assert.equal(res.status, 303);
  apiError(await trainer.get(path), 404, 'not_found');
  html = await page.get(`/o/demo/runs/${later}/survey`);
  res = await page.post(`/o/demo/runs/${later}/survey/schedule`, { form: { _csrf: csrfFrom(html.text), open_at: '2020-05-01T10:00' } });
  assert.equal(res.status, 422);
  assert.match(res.text, /Choose a date and time to come/);
  res = await page.post(`/o/demo/runs/${later}/survey/schedule`, { form: { _csrf: csrfFrom(html.text), open_at: '2098-06-30T17:30' } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal((await trainer.get(path)).json().open_at, '2098-06-30T17:30:00Z');
  assert.equal((await trainer.api('DELETE', path)).status, 204);
  apiError(await trainer.api('DELETE', path), 404, 'not_found');
});
