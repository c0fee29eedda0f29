// gradebook.test.mjs — the gradebook (issue 4): a trainer grades essays
// (API and page), overrides a grade with its reason, fixes a wrong key and
// regrades; the gradebook follows (policies, weights, course grade,
// pass/fail, sort and filter, CSV); the learner sees their own grades only;
// item analysis; learners and other organisations are refused; every
// decision is in the evidence ledger, which still verifies.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, uniq, cli } from './lib.mjs';

const store = demoStore('gradebook');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'trainer');
const srv = await startServer(store);
after(() => stopAll(srv));

const ctx = {};

async function take(client, run, unit, pick, essay) {
  const at = (await client.api('POST', `/api/v1/runs/${run}/units/${unit}/attempts`, {})).json();
  const responses = {};
  for (const it of at.items) {
    if (it.type === 'essay' && essay) responses[it.id] = { text: essay };
    if (it.type === 'single') responses[it.id] = { choice: it.choices.indexOf(pick) };
  }
  const r = await client.api('POST', `/api/v1/runs/${run}/units/${unit}/attempts/${at.id}/submit`, { responses });
  assert.equal(r.status, 200, r.text);
  return r.json();
}

test('set up: two quiz units, a session, two learners take them', async () => {
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const course = (await ta.api('POST', '/api/v1/orgs/demo/courses', { code: `GB-${uniq()}`, title: 'Graded course', published: true })).json();
  const apiBase = `/api/v1/orgs/demo/courses/${course.id}`;
  const sec = (await ta.api('POST', `${apiBase}/sections`, { title: 'Part one' })).json().sections[0];
  const unit = async (title, gift, pass_mark) => {
    const r = await ta.api('POST', `${apiBase}/units`, { section_id: sec.id, kind: 'quiz', title });
    assert.equal(r.status, 201, r.text);
    const id = r.json().sections.flatMap((x) => x.units).find((x) => x.title === title).id;
    assert.equal((await ta.api('POST', `${apiBase}/units/${id}/quiz/gift`, { gift })).status, 200);
    assert.equal((await ta.api('PUT', `${apiBase}/units/${id}/quiz`, { pass_mark })).status, 200);
    return id;
  };
  const essay = await unit('Essay quiz', '::Cap::Capital of France? {=Paris ~Lyon}\n\n::Essay::Tell us about France. {}\n', 600);
  const key = await unit('Key quiz', '::Sum::Two and two? {=five ~four ~three}\n', 1000);
  const run = (await ta.api('POST', `${apiBase}/runs`, { title: 'Graded run', visibility: 'mooc' })).json().id;
  const fa = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const el = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  for (const c of [fa, el]) assert.equal((await c.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  let r = await take(fa, run, essay, 'Paris', 'France is a republic.');
  assert.deepEqual([r.result.score, r.result.pending, r.result.passed], [500, 1, false]);
  await take(el, run, essay, 'Lyon', 'Je ne sais pas.');
  r = await take(fa, run, key, 'four');
  assert.equal(r.result.score, 0);
  r = await take(el, run, key, 'five');
  assert.equal(r.result.score, 1000);
  const me = async (c) => (await c.get('/api/v1/me')).json();
  Object.assign(ctx, { ta, fa, el, course, apiBase, run, essay, key, faId: (await me(fa)).id, elId: (await me(el)).id });
});

test('learners and other organisations are refused', async () => {
  const { fa, run, essay, key, elId, apiBase } = ctx;
  const org = `/api/v1/orgs/demo/runs/${run}`;
  apiError(await fa.get(`${org}/gradebook`), 403);
  apiError(await fa.get(`${org}/gradebook/pending`), 403);
  apiError(await fa.api('POST', `${org}/units/${essay}/overrides`, { user_id: elId, score: 1000, reason: 'mine' }), 403);
  apiError(await fa.api('POST', `${apiBase}/units/${key}/quiz/items/1/regrade`, { reason: 'x' }), 403);
  apiError(await fa.get(`${org}/units/${key}/analysis`), 403);
  apiError(await fa.api('POST', `${org}/attempts/1/items/1/grade`, { score: 1000 }), 403);
  apiError(await fa.api('PUT', `/api/v1/orgs/demo/courses/${ctx.course.id}/gradebook`, { pass_mark: 0 }), 403);
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await f.get(`/o/demo/runs/${run}/gradebook`)).status, 403);
  assert.equal((await f.get(`/o/demo/runs/${run}/gradebook.csv`)).status, 403);
  assert.equal((await f.get(`/o/demo/runs/${run}/gradebook/learners/${elId}`)).status, 403);
  const fc = await f.pageCsrf('/');
  assert.equal((await f.post(`/o/demo/runs/${run}/units/${essay}/overrides`,
    { form: { _csrf: fc, user_id: String(ctx.faId), attempt_id: '0', score_percent: '100', reason: 'me' } })).status, 403);
  assert.equal((await f.post(`/o/demo/runs/${run}/gradebook/settings`, { form: { _csrf: fc, pass_percent: '0' } })).status, 403);
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await o.get(`${org}/gradebook`), 403);
  apiError(await o.get(`/api/v1/orgs/other/runs/${run}/gradebook`), 404);
  apiError(await o.api('POST', `/api/v1/orgs/other/runs/${run}/units/${essay}/overrides`, { user_id: elId, score: 1, reason: 'x' }), 404);
  apiError(await o.get(`/api/v1/runs/${run}/grades`), 403);
  const of = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await of.get(`/o/other/runs/${run}/gradebook`)).status, 404);
});

test('a trainer grades essays (API and page); the attempt is rescored, the unit completes', async () => {
  const { ta, run, faId, elId } = ctx;
  const org = `/api/v1/orgs/demo/runs/${run}`;
  const pending = (await ta.get(`${org}/gradebook/pending`)).json().items;
  assert.equal(pending.length, 2);
  const mine = pending.find((p) => p.user_id === faId);
  assert.equal(mine.answer, 'France is a republic.');
  apiError(await ta.api('POST', `${org}/attempts/${mine.attempt_id}/items/${mine.quiz_item_id}/grade`, { score: 1001 }), 422);
  apiError(await ta.api('POST', `${org}/attempts/${mine.attempt_id}/items/999999/grade`, { score: 10 }), 404);
  let r = await ta.api('POST', `${org}/attempts/${mine.attempt_id}/items/${mine.quiz_item_id}/grade`, { score: 1000, comment: 'Well argued.' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json().score, r.json().previous_score, r.json().pending, r.json().passed, r.json().unit_done], [1000, 500, 0, true, true]);

  // The page: Élodie's essay, graded through the form.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await t.get(`/o/demo/runs/${run}/gradebook/pending`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Je ne sais pas\./);
  assert.doesNotMatch(page.text, /France is a republic/);
  const hers = pending.find((p) => p.user_id === elId);
  const url = `/o/demo/runs/${run}/attempts/${hers.attempt_id}/items/${hers.quiz_item_id}/grade`;
  assert.equal((await t.postForm(url, { score_percent: '150', comment: '' }, { from: `/o/demo/runs/${run}/gradebook/pending` })).status, 422);
  r = await t.postForm(url, { score_percent: '20', comment: 'Try again.' }, { from: `/o/demo/runs/${run}/gradebook/pending` });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal((await ta.get(`${org}/gradebook/pending`)).json().items.length, 0);
});

test('an override needs its reason; the latest counts; the learner sees their own grades only', async () => {
  const { ta, fa, el, run, essay, elId, faId } = ctx;
  const org = `/api/v1/orgs/demo/runs/${run}`;
  const e = apiError(await ta.api('POST', `${org}/units/${essay}/overrides`, { user_id: elId, score: 800 }), 422);
  assert.equal(e.field, 'reason');
  apiError(await ta.api('POST', `${org}/units/${essay}/overrides`, { user_id: elId, score: 800, reason: '   ' }), 422);
  apiError(await ta.api('POST', `${org}/units/${essay}/overrides`, { user_id: 999999, score: 800, reason: 'x' }), 404);
  let r = await ta.api('POST', `${org}/units/${essay}/overrides`, { user_id: elId, score: 900, reason: 'Oral exam done' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json().previous_score, r.json().score, r.json().passed], [100, 900, true]);
  r = await ta.api('POST', `${org}/units/${essay}/overrides`, { user_id: elId, score: 800, reason: 'Typo in the first override' });
  assert.deepEqual([r.json().previous_score, r.json().score], [900, 800]);
  // Through the page, with the reason kept and shown.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const lp = `/o/demo/runs/${run}/gradebook/learners/${faId}`;
  r = await t.postForm(`/o/demo/runs/${run}/units/${essay}/overrides`, { user_id: String(faId), attempt_id: '0', score_percent: '95', reason: '' }, { from: lp });
  assert.equal(r.status, 422);
  assert.match(r.text, /Give the reason for the change\./);
  let page = await t.get(`/o/demo/runs/${run}/gradebook/learners/${elId}`);
  assert.match(page.text, /Typo in the first override/);

  // The learner: their own grades, nobody else's.
  const mine = (await el.get(`/api/v1/runs/${run}/grades`)).json();
  assert.equal(mine.user_id, elId);
  assert.equal(mine.quizzes.find((q) => q.unit_id === essay).grade, 800);
  assert.ok(mine.quizzes.find((q) => q.unit_id === essay).overridden);
  assert.ok(!('learners' in mine));
  const his = (await fa.get(`/api/v1/runs/${run}/grades`)).json();
  assert.equal(his.user_id, faId);
  assert.deepEqual(his.comments.map((c) => [c.comment, c.score]), [['Well argued.', 1000]]);
  assert.deepEqual(mine.comments.map((c) => c.comment), ['Try again.']);
  // The quiz page's grade follows the essay's grade.
  const fq = (await fa.get(`/api/v1/runs/${run}/units/${essay}/quiz`)).json();
  assert.deepEqual([fq.attempts[0].score, fq.attempts[0].pending, fq.grade], [1000, 0, 1000]);
  const fat = (await fa.get(`/api/v1/runs/${run}/units/${essay}/attempts/${fq.attempts[0].id}`)).json();
  const graded = fat.items.find((i) => i.type === 'essay');
  assert.deepEqual([graded.score, graded.correct], [1000, true]);
  assert.equal(graded.grader_comment, 'Well argued.', 'the trainer\'s comment is on the attempt too');
  const ff = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  assert.match((await ff.get(`/runs/${run}/units/${essay}/attempts/${fq.attempts[0].id}`)).text,
    /<strong>Your trainer&#39;s comment:<\/strong><\/p><div class="prewrap">Well argued\.<\/div>/);
  const lf = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  page = await lf.get(`/runs/${run}/grades`);
  assert.equal(page.status, 200);
  assert.match(page.text, /My grades|Mes notes/);   // Élodie may read French
  assert.doesNotMatch(page.text, /François|francois@/);
  // Where to find them: the learner's course navigation, the trainer's progress page.
  assert.match((await lf.get(`/runs/${run}/units/${essay}`)).text, new RegExp(`href="/runs/${run}/grades"`));
  assert.match((await t.get(`/o/demo/runs/${run}/progress`)).text, new RegExp(`href="/o/demo/runs/${run}/gradebook"`));
  const ledger = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true, JSON.stringify(ledger));
});

test('a wrong key is fixed and the attempts regraded; the original answers stay', async () => {
  const { ta, run, key, apiBase, faId, elId } = ctx;
  const staff = (await ta.get(`${apiBase}/units/${key}/quiz`)).json();
  const item = staff.items[0];
  const old = item.quiz_item_id;
  const fixed = { ...item };
  delete fixed.quiz_item_id;
  fixed.choices = item.choices.map((c) => ({ ...c, weight: c.text === 'four' ? 1000 : 0 }));
  apiError(await ta.api('POST', `${apiBase}/units/${key}/quiz/items/${old}/regrade`, { item: fixed }), 422);
  const bad = { ...fixed, choices: fixed.choices.slice(0, 2) };
  const e = apiError(await ta.api('POST', `${apiBase}/units/${key}/quiz/items/${old}/regrade`, { item: bad, reason: 'x' }), 422);
  assert.equal(e.field, 'item');
  let r = await ta.api('POST', `${apiBase}/units/${key}/quiz/items/${old}/regrade`, { item: fixed, reason: 'The key said five' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().attempts_changed, 2);
  assert.notEqual(r.json().quiz_item_id, old);
  // Again with the current key: nothing changes.
  r = await ta.api('POST', `${apiBase}/units/${key}/quiz/items/${r.json().quiz_item_id}/regrade`, { reason: 'check' });
  assert.equal(r.json().attempts_changed, 0);
  const gb = (await ta.get(`/api/v1/orgs/demo/runs/${run}/gradebook`)).json();
  const cell = (uid) => gb.learners.find((l) => l.user_id === uid).quizzes.find((q) => q.unit_id === key);
  assert.equal(cell(faId).grade, 1000);
  assert.equal(cell(elId).grade, 0);
  // The learner's quiz shows the regraded score and grade.
  const fa = ctx.fa;
  const q = (await fa.get(`/api/v1/runs/${run}/units/${key}/quiz`)).json();
  assert.deepEqual([q.attempts[0].score, q.attempts[0].passed, q.grade], [1000, true, 1000]);

  // Item analysis: difficulty and picks per choice.
  const an = (await ta.get(`/api/v1/orgs/demo/runs/${run}/units/${key}/analysis`)).json();
  assert.equal(an.discrimination, 'point_biserial');
  assert.equal(an.attempts, 2);
  assert.equal(an.items[0].difficulty, 500);
  assert.deepEqual(an.items[0].choices.map((c) => c.picks), [1, 1, 0]);
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await t.get(`/o/demo/runs/${run}/units/${key}/analysis`);
  assert.equal(page.status, 200);
  assert.match(page.text, /point-biserial/);
});

test('the gradebook: weights, course grade, pass/fail, sort, filter, CSV, the completion rule', async () => {
  const { ta, run, essay, key, course, faId, elId } = ctx;
  const org = `/api/v1/orgs/demo/runs/${run}`;
  apiError(await ta.api('PUT', `/api/v1/orgs/demo/courses/${course.id}/gradebook`, { pass_mark: 1200 }), 422);
  apiError(await ta.api('PUT', `/api/v1/orgs/demo/courses/${course.id}/gradebook`, { weights: { 999999: 1 } }), 422);
  let r = await ta.api('PUT', `/api/v1/orgs/demo/courses/${course.id}/gradebook`, { pass_mark: 700, weights: { [essay]: 3000 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().weights[essay], 3000);
  const gb = (await ta.get(`${org}/gradebook`)).json();
  assert.equal(gb.total, 2);
  const row = (uid) => gb.learners.find((l) => l.user_id === uid);
  // François: essay 1000 ×3, key 1000 → 1000; Élodie: essay 800 ×3, key 0 → 600.
  assert.deepEqual([row(faId).grade, row(faId).passed], [1000, true]);
  assert.deepEqual([row(elId).grade, row(elId).passed], [600, false]);
  let f = (await ta.get(`${org}/gradebook?status=failed`)).json();
  assert.deepEqual(f.learners.map((l) => l.user_id), [elId]);
  f = (await ta.get(`${org}/gradebook?sort=-grade`)).json();
  assert.deepEqual(f.learners.map((l) => l.user_id), [elId, faId]);
  f = (await ta.get(`${org}/gradebook?q=elodie`)).json();
  assert.deepEqual(f.learners.map((l) => l.user_id), [elId]);
  apiError(await ta.get(`${org}/gradebook?sort=email`), 400);

  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  let page = await t.get(`/o/demo/runs/${run}/gradebook?sort=grade`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<th scope="col" aria-sort="descending"><a href="\?sort=-grade[^"]*">Course grade<\/a><\/th>/);
  // The demo course has no graded unit: Élodie has no grade, and has not failed.
  const safe = (await t.get('/api/v1/courses')).json().items.find((c) => c.code === 'SAFE-101');
  const safeRun = (await t.get(`/api/v1/courses/${safe.id}`)).json().runs[0].id;
  const safePage = (await t.get(`/o/demo/runs/${safeRun}/gradebook`)).text;
  assert.match(safePage, /<td>—<\/td><td>Not passed yet<\/td>/);
  assert.doesNotMatch(safePage, /<td>Failed<\/td>/);
  const csv = await t.get(`/o/demo/runs/${run}/gradebook.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split(/\r\n/);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^email,name,Essay quiz \(formative %\),Key quiz \(formative %\),course_grade_percent,passed,completed_at$/);
  assert.ok(lines.some((l) => l.startsWith('elodie@lectern.test,') && l.includes(',60.0,no,')));

  // The page's settings form: a bad pass mark is shown next to its field.
  const url = `/o/demo/runs/${run}/gradebook/settings`;
  r = await t.postForm(url, { pass_percent: '101', [`weight_${essay}`]: '3' }, { from: `/o/demo/runs/${run}/gradebook` });
  assert.equal(r.status, 422);
  assert.match(r.text, /field-error/);
  r = await t.postForm(url, { pass_percent: '55', require_grade: '1', [`weight_${essay}`]: '3', [`weight_${key}`]: '1' }, { from: `/o/demo/runs/${run}/gradebook` });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const s = (await ta.get(`${org}/gradebook`)).json();
  assert.deepEqual([s.pass_mark, s.require_grade], [550, true]);
  assert.ok(s.learners.find((l) => l.user_id === elId).passed);

  // Fixing a key through the item analysis page: "three" is right now.
  const an = `/o/demo/runs/${run}/units/${key}/analysis`;
  page = await t.get(an);
  const m = page.text.match(new RegExp(`action="/o/demo/runs/${run}/units/${key}/items/(\\d+)/key"`));
  assert.ok(m, 'a key form for the current question');
  const keyUrl = `/o/demo/runs/${run}/units/${key}/items/${m[1]}/key`;
  r = await t.postForm(keyUrl, { w0: '0', w1: '0', w2: '100', reason: '' }, { from: an });
  assert.equal(r.status, 422);
  r = await t.postForm(keyUrl, { w0: '0', w1: '0', w2: '100', reason: 'Trick question: three' }, { from: an });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const after = (await ta.get(`${org}/gradebook`)).json();
  assert.equal(after.learners.find((l) => l.user_id === faId).quizzes.find((q) => q.unit_id === key).grade, 0);
  // The old version's form is gone: fixing it again is refused.
  assert.equal((await t.postForm(keyUrl, { w0: '100', w1: '0', w2: '0', reason: 'again' }, { from: an })).status, 404);
});

test('a peer-assessed assignment is a graded column: weight, withheld, override; trainer page, learner page, CSV, API', async () => {
  const { fa, el, faId, elId } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const course = (await ta.api('POST', '/api/v1/orgs/demo/courses', { code: `GP-${uniq()}`, title: 'Peer graded', published: true })).json();
  const apiBase = `/api/v1/orgs/demo/courses/${course.id}`;
  const sec = (await ta.api('POST', `${apiBase}/sections`, { title: 'Part one' })).json().sections[0];
  const add = async (kind, title) => {
    const r = await ta.api('POST', `${apiBase}/units`, { section_id: sec.id, kind, title });
    assert.equal(r.status, 201, r.text);
    return r.json().sections.flatMap((x) => x.units).find((x) => x.title === title).id;
  };
  const quiz = await add('quiz', 'Warm-up quiz');
  assert.equal((await ta.api('POST', `${apiBase}/units/${quiz}/quiz/gift`, { gift: '::Cap::Capital of France? {=Paris ~Lyon}\n' })).status, 200);
  const essay = await add('assignment', 'Peer essay');
  const rubric = { criteria: [{ title: 'Quality', levels: [{ title: 'None', points: 0 }, { title: 'Half', points: 1 }, { title: 'Full', points: 2 }] }] };
  let r = await ta.api('PUT', `${apiBase}/units/${essay}/assignment`, { rubric, reviewers: 1, no_review_policy: 'withhold' });
  assert.equal(r.status, 200, r.text);
  const run = (await ta.api('POST', `${apiBase}/runs`, { title: 'Peer run', visibility: 'mooc' })).json().id;
  for (const c of [fa, el]) assert.equal((await c.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  await take(fa, run, quiz, 'Paris');
  await take(el, run, quiz, 'Paris');
  // The weight of an assignment is set as a quiz's.
  r = await ta.api('PUT', `${apiBase}/gradebook`, { weights: { [essay]: 3000 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json().weights, { [quiz]: 1000, [essay]: 3000 }, 'the answer lists the assignment\'s weight too');
  // Both submit; each reviews the other; François reviews Élodie (Full), Élodie reviews nothing.
  for (const c of [fa, el]) assert.equal((await c.api('POST', `/api/v1/runs/${run}/units/${essay}/submissions`, { text: 'My essay' })).status, 201);
  const sbase = `/api/v1/orgs/demo/runs/${run}/units/${essay}/peer`;
  assert.equal((await ta.api('POST', `${sbase}/allocate`, { seed: 5 })).json().added, 2);
  const task = (await fa.get(`/api/v1/runs/${run}/units/${essay}/assignment`)).json().reviews_to_do[0];
  assert.equal((await fa.api('POST', `/api/v1/runs/${run}/units/${essay}/reviews/${task.id}`, { levels: [2] })).status, 201);
  assert.equal((await ta.api('POST', `${sbase}/finalise`, {})).json().graded, 2);

  const org = `/api/v1/orgs/demo/runs/${run}/gradebook`;
  let gb = (await ta.get(org)).json();
  assert.deepEqual(gb.quizzes.map((q) => [q.unit_id, q.kind, q.grade_policy, q.weight, q.purpose]),
    [[quiz, 'quiz', 'best', 1000, 'formative'], [essay, 'assignment', 'peer', 3000, 'formative']]);
  const cell = (g, uid) => g.learners.find((l) => l.user_id === uid).quizzes.find((q) => q.unit_id === essay);
  // Élodie was given 100 % but reviewed nothing: withheld, counts 0; François nobody reviewed.
  assert.deepEqual([cell(gb, elId).grade, cell(gb, elId).withheld], [null, true]);
  assert.deepEqual([cell(gb, faId).grade, cell(gb, faId).no_reviews, cell(gb, faId).withheld], [null, true, false]);
  assert.equal(gb.learners.find((l) => l.user_id === elId).grade, 250);   // (1000 + 3000 × 0) / 4000
  // The learner's own grades: withheld, never the score.
  const mine = await el.get(`/api/v1/runs/${run}/grades`);
  assert.equal(mine.status, 200);
  const me = mine.json().quizzes.find((q) => q.unit_id === essay);
  assert.deepEqual([me.grade, me.withheld], [null, true]);
  const lf = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  let page = await lf.get(`/runs/${run}/grades`);
  const cellOf = (html) => (html.match(/Peer essay<\/a><br><span class="muted">[^<]*<\/span><\/td><td>(.*?)<\/td>/) || [])[1];
  assert.match(cellOf(page.text), /withheld|retenue/);
  assert.doesNotMatch(cellOf(page.text), /\d/, 'the withheld score is not shown');
  // The trainer's page and CSV.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  page = await t.get(`/o/demo/runs/${run}/gradebook`);
  assert.match(page.text, /Peer essay/);
  assert.match(page.text, new RegExp(`/o/demo/runs/${run}/units/${essay}/peer`));
  assert.match(page.text, /withheld|retenue/);
  assert.match(page.text, /Formative \(during the course\)|Formative \(pendant la formation\)/);
  let csv = (await t.get(`/o/demo/runs/${run}/gradebook.csv`)).text.trim().split(/\r\n/);
  assert.equal(csv[0], 'email,name,Warm-up quiz (formative %),Peer essay (formative %),course_grade_percent,passed,completed_at');
  assert.ok(csv.some((l) => l.startsWith('elodie@lectern.test,') && l.includes(',100.0,withheld,25.0,no,')), csv.join('\n'));
  // An override through peer assessment is what the gradebook shows.
  r = await ta.api('POST', `${sbase}/learners/${elId}/override`, { score: 800, reason: 'Was ill during the reviews.' });
  assert.equal(r.status, 201, r.text);
  gb = (await ta.get(org)).json();
  assert.deepEqual([cell(gb, elId).grade, cell(gb, elId).withheld, cell(gb, elId).overridden], [800, false, true]);
  assert.equal(gb.learners.find((l) => l.user_id === elId).grade, 850);   // (1000 + 3000 × 800) / 4000
  csv = (await t.get(`/o/demo/runs/${run}/gradebook.csv`)).text;
  assert.match(csv, /elodie@lectern\.test,[^\r\n]*,100\.0,80\.0,85\.0,yes,/);
  page = await t.get(`/o/demo/runs/${run}/gradebook/learners/${elId}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Peer essay/);
  // The gradebook's own override route is for quizzes: an assignment is 404 there.
  apiError(await ta.api('POST', `/api/v1/orgs/demo/runs/${run}/units/${essay}/overrides`, { user_id: elId, score: 1, reason: 'x' }), 404);
  // Learners are refused the staff view.
  apiError(await el.get(org), 403);
});
