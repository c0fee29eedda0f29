// quiz.test.mjs — quizzes (issue 4, first slice): a trainer makes a quiz
// unit and imports its questions from GIFT (a malformed file is refused with
// its line and column, nothing imported), sets two attempts and feedback
// after the last one; a learner answers wrong, then right; the score and the
// feedback follow the settings; answers never reach the browser before they
// may be shown; a third attempt, a late submission, another learner's
// attempt and a change to a submitted attempt are refused; passing completes
// the unit; every attempt is in the evidence ledger, which still verifies.
//
// The server runs with LECTERN_QUIZ_GRACE_S=1 (the grace after a deadline,
// 15 s by default) so that a late submission takes seconds to test.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinForm, signinApi, apiError, uniq, cli, multipart, sleep } from './lib.mjs';

const store = demoStore('quiz');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'trainer');
cli(store, 'user', 'add', 'newbie@lectern.test', 'New Bie', '--password', 'newbie-pass-123', '--org', 'demo', '--role', 'learner');
const srv = await startServer({ ...store, env: { LECTERN_QUIZ_GRACE_S: '1' } });
after(() => stopAll(srv));

// What a learner must never see before feedback may be shown: feedback
// texts, the numeric answer, the short answer, the general feedback.
const SECRETS = ['FB-CAP-RIGHT', 'FB-CAP-WRONG', 'FB-YEAR', 'GF-MARKER', '1789', 'Garonne', 'FB-ANY'];
const GIFT = `// A quiz about France, as Moodle would export it.
$CATEGORY: France

::Capital::What is the capital of France? {
  =Paris#FB-CAP-RIGHT
  ~Lyon#FB-CAP-WRONG
  ~Nice#FB-CAP-WRONG
  ####GF-MARKER
}

::Year::In which year did the Bastille fall? {#1789:0#FB-YEAR}

::River::Which river flows through Bordeaux? {=Garonne#FB-ANY}

::Pairs::Match each country with its capital. {
  =Italy -> Rome
  =Spain -> Madrid
  =Japan -> Tokyo
}
`;
const BAD_GIFT = `::One::Fine question {=yes ~no}

::Two::Broken {=yes ~no
`;

const unitsOf = (outline) => outline.sections.flatMap((s) => s.units);
const noSecrets = (text, where) => {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${s} must not be in ${where}`);
};

// Shared across the tests, in order.
const ctx = {};

test('a trainer makes a quiz unit and imports GIFT: preview, errors with line and column, export', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const code = `QUIZ-${uniq()}`;
  const course = (await ta.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'Quiz course', published: true })).json();
  const apiBase = `/api/v1/orgs/demo/courses/${course.id}`;
  const sec = (await ta.api('POST', `${apiBase}/sections`, { title: 'Part one' })).json().sections[0];
  const base = `/o/demo/courses/${course.id}`;
  // The quiz kind is offered in the outline; adding one opens its page.
  const outlinePage = await t.get(`${base}/outline`);
  assert.match(outlinePage.text, /<option value="quiz">Quiz<\/option>/);
  const add = await t.postForm(`${base}/units`, { section_id: String(sec.id), kind: 'quiz', title: 'France quiz' }, { from: `${base}/outline` });
  assert.equal(add.status, 303, add.text.slice(0, 300));
  const uid = Number(add.location.split('/').pop());
  const unitUrl = `${base}/units/${uid}`;
  let page = await t.get(unitUrl);
  assert.equal(page.status, 200);
  assert.match(page.text, /Quiz settings/);
  assert.match(page.text, /Import questions \(GIFT\)/);
  assert.match(page.text, /No questions yet/);

  // A malformed file: 422, where it is wrong, nothing imported.
  const csrf = await t.pageCsrf(unitUrl);
  let m = multipart([{ name: '_csrf', value: csrf }, { name: 'action', value: 'import' },
    { name: 'file', filename: 'bad.gift', type: 'text/plain', value: BAD_GIFT }]);
  let r = await t.post(`${unitUrl}/quiz/gift`, { body: m.body, headers: m.headers });
  assert.equal(r.status, 422);
  assert.match(r.text, /Nothing was imported\. Line and column: 3:\d+/);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 0);

  // A preview counts without importing; then the import, from the pasted text.
  m = multipart([{ name: '_csrf', value: csrf }, { name: 'action', value: 'preview' },
    { name: 'file', filename: 'france.gift', type: 'text/plain', value: GIFT }]);
  r = await t.post(`${unitUrl}/quiz/gift`, { body: m.body, headers: m.headers });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.match(r.text, /data-preview-count="4"/);
  assert.match(r.text, /Import these questions/);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 0, 'a preview imports nothing');
  r = await t.postForm(`${unitUrl}/quiz/gift`, { action: 'import', gift: GIFT }, { from: unitUrl });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  page = await t.get(unitUrl);
  assert.match(page.text, /Questions \(4\)/);
  assert.match(page.text, /What is the capital of France\?/);

  // Settings through the form: two attempts, full marks to pass, feedback after the last attempt.
  r = await t.postForm(`${unitUrl}/quiz`, { purpose: 'final', attempts_allowed: '2', time_limit_s: '0', draw_count: '0',
    pass_percent: '100', feedback_when: 'after_last', grade_policy: 'best', opens_at: '', closes_at: '' }, { from: unitUrl });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  r = await t.postForm(`${unitUrl}/quiz`, { purpose: 'final', attempts_allowed: '2', pass_percent: '140' }, { from: unitUrl });
  assert.equal(r.status, 422);
  assert.match(r.text, /between 0 and 100/);
  const staff = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.equal(staff.attempts_allowed, 2);
  assert.equal(staff.pass_mark, 1000);
  assert.equal(staff.feedback_when, 'after_last');
  assert.equal(staff.purpose, 'final');
  assert.equal(staff.items.length, 4);
  assert.equal(staff.items[0].choices[0].weight, 1000, 'staff see the key');

  // The API refuses a malformed file the same way, all or nothing.
  r = await ta.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift: BAD_GIFT });
  const e = apiError(r, 422, 'invalid_gift');
  const body = r.json();
  assert.equal(body.line, 3);
  assert.ok(body.column >= 1 && typeof body.message === 'string' && body.message.length > 0);
  assert.equal(e.line, 3);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 4, 'nothing replaced');
  r = await ta.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift: GIFT, preview: true });
  assert.deepEqual([r.status, r.json().count], [200, 4]);
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/quiz`, { grade_policy: 'median' }), 422, 'invalid');
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/quiz`, { closes_at: 'soon' }), 422, 'invalid');

  // Export: GIFT that imports back to the same questions.
  const gift = await t.get(`${unitUrl}/quiz.gift`);
  assert.equal(gift.status, 200);
  assert.match(gift.headers.get('content-type'), /^text\/plain/);
  assert.match(gift.headers.get('content-disposition'), /^attachment; filename="quiz-\d+\.gift"/);
  assert.match(gift.text, /Paris/);
  assert.match(gift.text, /1789/);
  const again = await ta.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift: gift.text, preview: true });
  assert.equal(again.json().count, 4);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz/gift`)).text, gift.text, 'the API export is the same');

  // Another organisation's trainer can neither read nor import.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift: GIFT })).status, 403);
  assert.equal((await o.api('POST', `/api/v1/orgs/other/courses/${course.id}/units/${uid}/quiz/gift`, { gift: GIFT })).status, 404);
  assert.equal((await o.get(`${apiBase}/units/${uid}/quiz`)).status, 403);
  const of = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await of.get(`${unitUrl}/quiz.gift`)).status, 403);
  const oc = await of.pageCsrf('/');
  assert.equal((await of.post(`${unitUrl}/quiz/gift`, { form: { _csrf: oc, gift: GIFT, action: 'import' } })).status, 403);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 4);
  // A learner of the organisation is no trainer either.
  const l = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await l.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift: GIFT })).status, 403);

  // A session to take it in.
  r = await ta.api('POST', `${apiBase}/runs`, { title: 'Quiz run', visibility: 'mooc' });
  assert.equal(r.status, 201, r.text);
  Object.assign(ctx, { course, apiBase, base, uid, sec, run: r.json().id });
});

/** The item sections of an attempt page: [{id, title}]. */
function pageItems(html) {
  return [...html.matchAll(/<section class="card quiz-item" id="item-(\d+)"><h2>Question \d+ · ([^<]+)/g)].map((m) => ({ id: m[1], title: m[2].trim() }));
}

/** The value of the radio/checkbox labelled `label` of item `id` on a page. */
function choiceValue(html, id, label) {
  const re = new RegExp(`<input type="(?:radio|checkbox)" id="q${id}-\\d+" name="q${id}" value="(\\d+)"><label for="q${id}-\\d+">${label}</label>`);
  const m = html.match(re);
  assert.ok(m, `choice ${label} of item ${id}`);
  return m[1];
}

test('a learner answers wrong, then right: score and feedback follow the settings, answers stay on the server', async () => {
  const { run, uid, apiBase } = ctx;
  const ledgerBefore = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json().entries;
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const fa = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await fa.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  const unitPage = await f.get(`/runs/${run}/units/${uid}`);
  assert.equal(unitPage.status, 200);
  assert.match(unitPage.text, /Start an attempt/);
  assert.match(unitPage.text, /0 \/ 2 used/);
  noSecrets(unitPage.text, 'the unit page');

  // Attempt 1, through the pages, all wrong.
  let r = await f.postForm(`/runs/${run}/units/${uid}/attempts`, {}, { from: `/runs/${run}/units/${uid}` });
  assert.equal(r.status, 303);
  const a1url = r.location;
  assert.match(a1url, new RegExp(`^/runs/${run}/units/${uid}/attempts/\\d+$`));
  let page = await f.get(a1url);
  assert.equal(page.status, 200);
  noSecrets(page.text, 'the attempt page');
  assert.doesNotMatch(page.text, /weight|Right answer/);
  const items = Object.fromEntries(pageItems(page.text).map((x) => [x.title, x.id]));
  assert.deepEqual(Object.keys(items).sort(), ['Capital', 'Pairs', 'River', 'Year']);
  // Starting again resumes the same attempt.
  r = await f.postForm(`/runs/${run}/units/${uid}/attempts`, {}, { from: `/runs/${run}/units/${uid}` });
  assert.equal(r.location, a1url, 'one attempt in progress at a time');
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)[1];
  // Answers in progress are saved as the learner goes (the page's script posts the form) and come back on reload.
  assert.match(page.text, /class="muted quiz-saved" role="status" data-draft="[^"]+\/draft"/);
  const lyon = choiceValue(page.text, items.Capital, 'Lyon');
  r = await f.post(`${a1url}/draft`, { form: { _csrf: csrf, [`q${items.Capital}`]: lyon, [`q${items.Year}`]: '17<89>' } });
  assert.equal(r.status, 204, r.text.slice(0, 300));
  r = await f.post(`${a1url}/draft`, { form: { [`q${items.Year}`]: '1790' } });
  assert.equal(r.status, 403, 'a draft needs the form\'s CSRF token');
  page = await f.get(a1url);
  assert.match(page.text, new RegExp(`name="q${items.Capital}" value="${lyon}" checked>`), 'the choice comes back');
  assert.match(page.text, new RegExp(`name="q${items.Year}" value="17&lt;89&gt;"`), 'the text comes back, escaped');
  assert.match(page.text, /Your answers are saved\./);
  let d = (await fa.get(`/api/v1${a1url}`)).json();
  assert.deepEqual(d.draft.responses, { [items.Capital]: { choice: Number(lyon) }, [items.Year]: { text: '17<89>' },
    [items.Pairs]: { pairs: [null, null, null] } }, 'as the form stands (nothing picked in the pairs yet)');
  assert.match(d.draft.saved_at, /^\d{4}-/);
  apiError(await fa.api('PUT', `/api/v1${a1url}/draft`, { responses: { 999999: { text: 'x' } } }), 422, 'invalid');
  apiError(await fa.api('PUT', `/api/v1${a1url}/draft`, { responses: { [items.Capital]: { choice: 99 } } }), 422, 'invalid');
  r = await fa.api('PUT', `/api/v1${a1url}/draft`, { responses: { [items.Year]: { text: '1790' } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json().draft.responses, { [items.Year]: { text: '1790' } }, 'a save replaces the last one');
  // Nobody else writes it (once enrolled: 404, further down).
  const other = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  apiError(await other.api('PUT', `/api/v1${a1url}/draft`, { responses: {} }), 403, 'not_enrolled');
  r = await f.post(`${a1url}/submit`, { form: { _csrf: csrf, [`q${items.Capital}`]: lyon,
    [`q${items.Year}`]: '1790', [`q${items.River}`]: 'Seine', [`q${items.Pairs}_0`]: '' } });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  page = await f.get(a1url);
  assert.match(page.text, /Score: <strong>0%<\/strong>/);
  assert.match(page.text, /shown after your last attempt/);
  noSecrets(page.text, 'the result before the last attempt');
  const a1 = (await fa.get(`/api/v1${a1url}`)).json();
  assert.equal(a1.status, 'submitted');
  assert.equal(a1.score, 0);
  assert.equal(a1.feedback_shown, false);
  assert.ok(a1.items.every((it) => !('answer' in it) && !('feedback' in it) && !('score' in it)));
  noSecrets(JSON.stringify(a1), 'the API before the last attempt');
  const yearAnswer = a1.items.find((it) => it.title === 'Year').response;
  assert.deepEqual(yearAnswer, { text: '1790' }, 'what was answered is kept');

  // A submitted attempt cannot be changed, by the page or the API; its draft is gone.
  r = await f.post(`${a1url}/submit`, { form: { _csrf: csrf, [`q${items.Year}`]: '1789' } });
  assert.equal(r.status, 409);
  assert.equal((await f.post(`${a1url}/draft`, { form: { _csrf: csrf, [`q${items.Year}`]: '1789' } })).status, 409);
  apiError(await fa.api('PUT', `/api/v1${a1url}/draft`, { responses: {} }), 409, 'already_submitted');
  assert.equal('draft' in a1, false, 'no draft on a submitted attempt');
  apiError(await fa.api('POST', `/api/v1${a1url}/submit`, { responses: {} }), 409, 'already_submitted');

  // Attempt 2, through the API, all right.
  r = await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {});
  assert.equal(r.status, 201, r.text);
  const a2 = r.json();
  assert.equal(a2.number, 2);
  noSecrets(r.text, 'the attempt as the API sends it');
  const allowed = new Set(['id', 'type', 'title', 'text', 'text_format', 'points', 'choices', 'left', 'right', 'gaps']);
  for (const it of a2.items) for (const k of Object.keys(it)) assert.ok(allowed.has(k), `no "${k}" in the learner's view`);
  assert.equal((await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {})).status, 200, 'resumed');
  const by = Object.fromEntries(a2.items.map((it) => [it.title, it]));
  const capitals = { Italy: 'Rome', Spain: 'Madrid', Japan: 'Tokyo' };
  const responses = {
    [by.Capital.id]: { choice: by.Capital.choices.indexOf('Paris') },
    [by.Year.id]: { text: '1789' },
    [by.River.id]: { text: 'garonne' },
    [by.Pairs.id]: { pairs: by.Pairs.left.map((c) => by.Pairs.right.indexOf(capitals[c])) },
  };
  apiError(await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}/submit`,
    { responses: { [by.Capital.id]: { choice: 9 } } }), 422, 'invalid');
  apiError(await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}/submit`,
    { responses: { 999999: { text: 'x' } } }), 422, 'invalid');
  // Another learner can neither see nor submit it.
  const el = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await el.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  apiError(await el.get(`/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}`), 404);
  apiError(await el.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}/submit`, { responses }), 404);
  apiError(await el.api('PUT', `/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}/draft`, { responses: {} }), 404);
  const ef = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await ef.get(`/runs/${run}/units/${uid}/attempts/${a2.id}`)).status, 404);
  // A learner who is not enrolled, and a trainer previewing, start nothing.
  const nb = await signinApi(srv, 'newbie@lectern.test', 'newbie-pass-123');
  apiError(await nb.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {}), 403);
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  apiError(await ta.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {}), 403, 'not_enrolled');
  const tf = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  assert.match((await tf.get(`/runs/${run}/units/${uid}`)).text, /Attempts are for enrolled learners/);

  r = await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts/${a2.id}/submit`, { responses });
  assert.equal(r.status, 200, r.text);
  const done = r.json();
  assert.equal(done.score, 1000);
  assert.equal(done.result.passed, true);
  assert.equal(done.result.unit_done, true);
  assert.equal(done.feedback_shown, true, 'the last attempt: feedback now');
  const cap = done.items.find((it) => it.title === 'Capital');
  assert.equal(cap.correct, true);
  assert.deepEqual(cap.answer, { choice: cap.choices.indexOf('Paris') });
  assert.deepEqual(cap.feedback, ['FB-CAP-RIGHT']);
  assert.equal(cap.general_feedback, 'GF-MARKER');
  assert.deepEqual(done.items.find((it) => it.title === 'Year').answer, { text: '1789' });
  assert.ok(done.items.every((it) => it.score === 1000));

  // The first attempt's page now shows its feedback too.
  page = await f.get(a1url);
  assert.match(page.text, /Right answer:<\/strong> Paris/);
  assert.match(page.text, /FB-CAP-WRONG/);
  assert.match(page.text, /✗ Wrong/);
  // The quiz: grade (best), attempts used; a third attempt is refused.
  const quiz = (await fa.get(`/api/v1/runs/${run}/units/${uid}/quiz`)).json();
  assert.equal(quiz.attempts_used, 2);
  assert.equal(quiz.grade, 1000);
  assert.deepEqual(quiz.attempts.map((a) => [a.number, a.status, a.score]), [[1, 'submitted', 0], [2, 'submitted', 1000]]);
  apiError(await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {}), 409, 'no_attempts_left');
  assert.match((await f.get(`/runs/${run}/units/${uid}`)).text, /You have used every attempt allowed/);

  // Passing completed the unit (and the course: its only unit).
  const prog = (await fa.get(`/api/v1/runs/${run}/progress`)).json();
  assert.match(unitsOf(prog).find((u) => u.id === uid).completed_at, /^\d{4}-/);
  // Each attempt is evidence, and the ledger still verifies.
  const ledger = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true);
  assert.ok(ledger.entries >= ledgerBefore + 5, `2 enrolments, 2 attempts, the unit: ${ledgerBefore} → ${ledger.entries}`);
});

test('the server keeps time: a submission after the deadline is refused and the attempt expires', async () => {
  const { run, apiBase, sec } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  let r = await ta.api('POST', `${apiBase}/units`, { section_id: sec.id, kind: 'quiz', title: 'Timed quiz', required: false });
  const timed = unitsOf(r.json()).find((u) => u.title === 'Timed quiz').id;
  r = await ta.api('POST', `${apiBase}/units/${timed}/quiz/gift`, { gift: 'Two and two make {#4}\n\nThe sky is blue {T}\n' });
  assert.equal(r.status, 200, r.text);
  r = await ta.api('PUT', `${apiBase}/units/${timed}/quiz`, { time_limit_s: 1, pass_mark: 500 });
  assert.equal(r.status, 200, r.text);

  const fa = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  r = await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts`, {});
  assert.equal(r.status, 201, r.text);
  const late = r.json();
  assert.match(late.deadline_at, /^\d{4}-/);
  assert.ok(late.time_left_ms <= 1000);
  const page = await f.get(`/runs/${run}/units/${timed}/attempts/${late.id}`);
  assert.match(page.text, /<form method="post" action="[^"]+\/submit" class="quiz-attempt" data-left-ms="\d+">/);
  assert.match(page.text, /<time datetime="[^"]+" data-time-left>/);
  await sleep(2600);    // the limit (1 s) and the grace (1 s) have passed
  const ledgerBefore = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json().entries;
  const num = late.items.find((it) => it.type === 'numeric').id;
  apiError(await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts/${late.id}/submit`, { responses: { [num]: { text: '4' } } }), 409, 'time_up');
  const expired = (await fa.get(`/api/v1/runs/${run}/units/${timed}/attempts/${late.id}`)).json();
  assert.equal(expired.status, 'expired');
  assert.equal(expired.score, 0);
  apiError(await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts/${late.id}/submit`, { responses: {} }), 409, 'time_up');
  const ledger = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true);
  assert.equal(ledger.entries, ledgerBefore + 1, 'the expiry is evidence too');

  // In time, it counts (attempts are unlimited here).
  r = await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts`, {});
  assert.equal(r.status, 201);
  const ok = r.json();
  const tf = ok.items.find((it) => it.type === 'truefalse');
  r = await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts/${ok.id}/submit`,
    { responses: { [ok.items.find((it) => it.type === 'numeric').id]: { text: '4,0' }, [tf.id]: { choice: tf.choices.indexOf('true') } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().score, 1000);
  assert.equal(r.json().feedback_shown, true, 'feedback immediately by default');
  const quiz = (await fa.get(`/api/v1/runs/${run}/units/${timed}/quiz`)).json();
  assert.deepEqual(quiz.attempts.map((a) => a.status), ['expired', 'submitted']);
  assert.equal(quiz.attempts_allowed, 0);
  assert.equal(expired.answers_saved, false, 'nothing had been saved');

  // Time runs out with answers saved (a closed tab): they are graded, the attempt stays "expired".
  r = await fa.api('POST', `/api/v1/runs/${run}/units/${timed}/attempts`, {});
  const gone = r.json();
  const gtf = gone.items.find((it) => it.type === 'truefalse');
  r = await fa.api('PUT', `/api/v1/runs/${run}/units/${timed}/attempts/${gone.id}/draft`,
    { responses: { [gone.items.find((it) => it.type === 'numeric').id]: { text: '4' }, [gtf.id]: { choice: gtf.choices.indexOf('true') } } });
  assert.equal(r.status, 200, r.text);
  await sleep(2600);
  const graded = (await fa.get(`/api/v1/runs/${run}/units/${timed}/attempts/${gone.id}`)).json();
  assert.equal(graded.status, 'expired');
  assert.equal(graded.submitted_at, null);
  assert.equal(graded.score, 1000);
  assert.equal(graded.passed, true);
  assert.equal(graded.answers_saved, true);
  assert.equal('draft' in graded, false, 'the draft became the answers');
  assert.match((await f.get(`/runs/${run}/units/${timed}/attempts/${gone.id}`)).text,
    /Time ran out before you submitted: the answers saved as you worked were graded\./);
  const entries = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(entries.ok, true);

  // Signed out: to sign in; another organisation: not enrolled.
  assert.equal((await new Client(srv).get(`/runs/${run}/units/${timed}/attempts/${ok.id}`)).status, 303);
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await o.get(`/api/v1/runs/${run}/units/${timed}/quiz`), 403);
});
