// author.test.mjs — writing a quiz's questions one by one (issue 4):
// through plain forms (add, refuse with the field, more rows, edit, move,
// remove) and through the JSON API (every item type, edit = a new row, the
// order), without GIFT.  An edit retires the row: an attempt started before
// keeps the question it showed.  A learner cannot author nor read the keys;
// a trainer of another organisation gets 403/404.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, uniq, cli } from './lib.mjs';

const store = demoStore('author');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'trainer');
const srv = await startServer(store);
after(() => stopAll(srv));

const ctx = {};
/** The unit just added, from the outline the API answers with. */
const lastUnit = (o) => o.sections.flatMap((s) => s.units).sort((a, b) => a.id - b.id).at(-1).id;

const ITEMS = {
  multiple: { type: 'multiple', title: 'Primes', text: 'Which are prime?', points: 2000,
    choices: [{ text: '2', weight: 500 }, { text: '3', weight: 500 }, { text: '4', weight: -500, feedback: 'FB-FOUR' }] },
  truefalse: { type: 'truefalse', title: 'Sky', text: 'The sky is green.',
    choices: [{ text: 'true', weight: 0 }, { text: 'false', weight: 1000 }] },
  numeric: { type: 'numeric', title: 'Pi', text: 'Pi to two decimals?',
    choices: [{ value: 3140000, tolerance: 5000, weight: 1000 }, { range: true, min: 3000000, max: 3500000, weight: 500 }] },
  short: { type: 'short', title: 'River', text: 'River of Paris?', text_match: 'nocase', choices: [{ text: 'Seine', weight: 1000 }] },
  matching: { type: 'matching', title: 'Capitals', text: 'Match.',
    choices: [{ text: 'Italy', match: 'Rome', weight: 1000 }, { text: 'Spain', match: 'Madrid', weight: 1000 }] },
  ordering: { type: 'ordering', title: 'Sizes', text: 'Smallest first.', choices: [{ text: 'ant' }, { text: 'cat' }, { text: 'cow' }] },
  cloze: { type: 'cloze', title: 'Blanks', text: '{#1} + 2 = 4, capital {#2}', ngaps: 2,
    choices: [{ gap: 0, gap_type: 'numeric', value: 2000000, weight: 1000 }, { gap: 1, gap_type: 'short', text: 'Paris', weight: 1000 }] },
  essay: { type: 'essay', title: 'Why', text: 'Explain.' },
};

test('a trainer writes questions in plain forms: add, refuse, more rows, edit, move, remove', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const course = (await ta.api('POST', '/api/v1/orgs/demo/courses', { code: `AUTH-${uniq()}`, title: 'Authoring', published: true })).json();
  const apiBase = `/api/v1/orgs/demo/courses/${course.id}`;
  const sec = (await ta.api('POST', `${apiBase}/sections`, { title: 'One' })).json().sections[0];
  const unit = (await ta.api('POST', `${apiBase}/units`, { section_id: sec.id, kind: 'quiz', title: 'Written quiz' }));
  assert.equal(unit.status, 201, unit.text);
  const uid = lastUnit(unit.json());
  assert.ok(uid, unit.text);
  const unitUrl = `/o/demo/courses/${course.id}/units/${uid}`;
  Object.assign(ctx, { course, apiBase, uid, unitUrl, sec });

  let page = await t.get(unitUrl);
  assert.match(page.text, /Add a question:/);
  assert.match(page.text, /<option value="cloze">Fill in the blanks<\/option>/);
  page = await t.get(`${unitUrl}/quiz/items/new?type=single`);
  assert.equal(page.status, 200);
  assert.match(page.text, /New question/);
  assert.match(page.text, /name="c3_weight"/, 'four empty answer rows');

  // refused: no answer is fully right; the field and the typed text come back
  const form = { type: 'single', title: 'Capital', text: 'Capital of France?', points: '1,5', rows: '4',
    c0_text: 'Paris', c0_weight: '', c0_feedback: 'FB-PARIS', c1_text: 'Lyon', c1_weight: '', action: 'save' };
  let r = await t.postForm(`${unitUrl}/quiz/items`, form, { from: `${unitUrl}/quiz/items/new?type=single` });
  assert.equal(r.status, 422);
  assert.match(r.text, /One answer must be fully right/);
  assert.match(r.text, /value="Capital of France\?"|>Capital of France\?</);
  r = await t.postForm(`${unitUrl}/quiz/items`, { ...form, c0_weight: 'lots' }, { from: unitUrl });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="e-c0_weight"/, 'the error next to the credit field');
  // more rows, nothing saved
  r = await t.postForm(`${unitUrl}/quiz/items`, { ...form, action: 'more' }, { from: unitUrl });
  assert.equal(r.status, 200);
  assert.match(r.text, /name="c6_text"/);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 0);
  // saved
  r = await t.postForm(`${unitUrl}/quiz/items`, { ...form, c0_weight: '100' }, { from: unitUrl });
  assert.equal(r.status, 303, (r.text.match(/role="alert">[^<]*/) || [r.text.slice(0, 400)])[0]);
  let quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.equal(quiz.items.length, 1);
  const cap = quiz.items[0];
  assert.equal(cap.type, 'single');
  assert.equal(cap.points, 1500);
  assert.deepEqual(cap.choices.map((c) => [c.text, c.weight, c.feedback ?? null]), [['Paris', 1000, 'FB-PARIS'], ['Lyon', 0, null]]);

  // a numeric question in the form: value, tolerance and a range
  r = await t.postForm(`${unitUrl}/quiz/items`, { type: 'numeric', title: 'Half', text: 'Half of 3?', points: '1', rows: '4',
    c0_value: '1,5', c0_tol: '0.01', c1_min: '1', c1_max: '2', c1_weight: '50', action: 'save' }, { from: unitUrl });
  assert.equal(r.status, 303, (r.text.match(/role="alert">[^<]*/) || [r.text.slice(0, 400)])[0]);
  r = await t.postForm(`${unitUrl}/quiz/items`, { type: 'numeric', title: 'Bad', text: 'Bad range', points: '1', rows: '2',
    c0_min: '3', c0_max: '2', action: 'save' }, { from: unitUrl });
  assert.equal(r.status, 422);
  assert.match(r.text, /minimum is above its maximum/);
  quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  const half = quiz.items[1];
  assert.deepEqual(half.choices.map((c) => [c.value ?? 0, c.tolerance ?? 0, !!c.range, c.min ?? 0, c.max ?? 0, c.weight]),
    [[1500000, 10000, false, 0, 0, 1000], [0, 0, true, 1000000, 2000000, 500]]);

  // the editor shows the stored values; an edit is a new row at the same place
  page = await t.get(`${unitUrl}/quiz/items/${cap.quiz_item_id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /value="Paris"/);
  assert.match(page.text, /name="c0_weight" value="100"/);
  assert.match(page.text, /name="points" value="1.5"/);
  r = await t.postForm(`${unitUrl}/quiz/items/${cap.quiz_item_id}`, { ...form, title: 'Capital city', c0_weight: '100' },
    { from: `${unitUrl}/quiz/items/${cap.quiz_item_id}` });
  assert.equal(r.status, 303);
  quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.deepEqual(quiz.items.map((i) => i.title), ['Capital city', 'Half']);
  assert.notEqual(quiz.items[0].quiz_item_id, cap.quiz_item_id, 'a new row');
  assert.equal((await t.get(`${unitUrl}/quiz/items/${cap.quiz_item_id}`)).status, 404, 'the retired row is not editable');

  // move down, then remove
  r = await t.postForm(`${unitUrl}/quiz/items/${quiz.items[0].quiz_item_id}/move`, { dir: 'down' }, { from: unitUrl });
  assert.equal(r.status, 303);
  quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.deepEqual(quiz.items.map((i) => i.title), ['Half', 'Capital city']);
  r = await t.postForm(`${unitUrl}/quiz/items/${quiz.items[0].quiz_item_id}/delete`, {}, { from: unitUrl });
  assert.equal(r.status, 303);
  quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.deepEqual(quiz.items.map((i) => i.title), ['Capital city']);
  page = await t.get(unitUrl);
  assert.match(page.text, /Questions \(1\)/);
  assert.match(page.text, /Capital city/);
});

test('the API adds every item type, refuses bad ones with the field, edits as a new row, orders', async () => {
  const { apiBase, uid } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const url = `${apiBase}/units/${uid}/quiz/items`;
  for (const [name, item] of Object.entries(ITEMS)) {
    const r = await ta.api('POST', url, item);
    assert.equal(r.status, 201, `${name}: ${r.text}`);
    assert.ok(Number(r.headers.get('x-lectern-quiz-item')) > 0);
  }
  let quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.deepEqual(quiz.items.map((i) => i.type), ['single', 'multiple', 'truefalse', 'numeric', 'short', 'matching', 'ordering', 'cloze', 'essay']);

  apiError(await ta.api('POST', url, { type: 'single', text: 'No right', choices: [{ text: 'a' }, { text: 'b' }] }), 422, 'invalid');
  apiError(await ta.api('POST', url, { type: 'numeric', text: 'Bad', choices: [{ range: true, min: 5, max: 1, weight: 1000 }] }), 422);
  apiError(await ta.api('POST', url, { type: 'cloze', text: '{#1} {#2}', ngaps: 2, choices: [{ gap: 0, text: 'x', weight: 1000 }] }), 422);
  apiError(await ta.api('POST', url, { type: 'matching', text: 'One pair', choices: [{ text: 'a', match: 'b' }] }), 422);
  apiError(await ta.api('POST', url, { type: 'short', text: '' , choices: [{ text: 'x', weight: 1000 }] }), 422);
  const e = apiError(await ta.api('POST', url, { type: 'quiz' }), 422);
  assert.match(e.message, /type/);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, 9, 'nothing written by the refusals');

  // edit: a new row in the same place
  const short = quiz.items[4];
  let r = await ta.api('PUT', `${url}/${short.quiz_item_id}`, { ...ITEMS.short, choices: [{ text: 'Seine', weight: 1000 }, { text: 'La Seine', weight: 1000 }] });
  assert.equal(r.status, 200, r.text);
  quiz = r.json();
  assert.equal(quiz.items[4].choices.length, 2);
  assert.notEqual(quiz.items[4].quiz_item_id, short.quiz_item_id);
  apiError(await ta.api('PUT', `${url}/${short.quiz_item_id}`, ITEMS.short), 404, 'not_found');

  // order: every current question once
  const ids = quiz.items.map((i) => i.quiz_item_id);
  r = await ta.api('PUT', `${apiBase}/units/${uid}/quiz/order`, { items: [...ids].reverse() });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json().items.map((i) => i.quiz_item_id), [...ids].reverse());
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/quiz/order`, { items: ids.slice(1) }), 422);
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/quiz/order`, { items: [ids[0], ...ids.slice(0, -1)] }), 422);

  // remove
  r = await ta.api('DELETE', `${url}/${ids[ids.length - 1]}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().items.length, 8);
  apiError(await ta.api('DELETE', `${url}/${ids[ids.length - 1]}`), 404);
  ctx.ids = r.json().items.map((i) => i.quiz_item_id);
});

test('an attempt keeps the question it showed after an edit; authored items are graded', async () => {
  const { apiBase, uid } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const run = (await ta.api('POST', `${apiBase}/runs`, { title: 'Run', visibility: 'mooc' })).json().id;
  // only the numeric and the short questions, for a small attempt
  const quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  for (const it of quiz.items.filter((i) => !['numeric', 'short'].includes(i.type)))
    assert.equal((await ta.api('DELETE', `${apiBase}/units/${uid}/quiz/items/${it.quiz_item_id}`)).status, 200);
  const fa = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await fa.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  const at = (await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {})).json();
  const byType = Object.fromEntries(at.items.map((i) => [i.type, i]));
  assert.ok(!JSON.stringify(at).includes('3140000') && !JSON.stringify(at).includes('Seine'), 'no keys in the attempt');
  // the trainer changes the short question while the attempt runs
  const short = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.find((i) => i.type === 'short');
  assert.equal((await ta.api('PUT', `${apiBase}/units/${uid}/quiz/items/${short.quiz_item_id}`,
    { ...ITEMS.short, text: 'River of Lyon?', choices: [{ text: 'Rhône', weight: 1000 }] })).status, 200);
  const r = await fa.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts/${at.id}/submit`,
    { responses: { [byType.numeric.id]: { text: '3,143' }, [byType.short.id]: { text: 'seine' } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().result.score, 1000, 'graded by the questions shown: tolerance and case-insensitive');
  assert.ok(r.json().items.some((i) => i.text === 'River of Paris?'), 'the attempt keeps the text it showed');
});

test('a learner cannot author or read the keys; another organisation gets 403/404', async () => {
  const { apiBase, uid, unitUrl, course } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const ids = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.map((i) => i.quiz_item_id);
  assert.ok(ids.length >= 2);
  const l = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const la = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await l.get(`${unitUrl}/quiz/items/new?type=single`)).status, 403);
  assert.equal((await l.get(`${unitUrl}/quiz/items/${ids[0]}`)).status, 403);
  assert.equal((await la.get(`${apiBase}/units/${uid}/quiz`)).status, 403);
  assert.equal((await la.api('POST', `${apiBase}/units/${uid}/quiz/items`, ITEMS.essay)).status, 403);
  assert.equal((await la.api('PUT', `${apiBase}/units/${uid}/quiz/items/${ids[0]}`, ITEMS.essay)).status, 403);
  assert.equal((await la.api('DELETE', `${apiBase}/units/${uid}/quiz/items/${ids[0]}`)).status, 403);
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.api('POST', `${apiBase}/units/${uid}/quiz/items`, ITEMS.essay)).status, 403);
  const other = `/api/v1/orgs/other/courses/${course.id}/units/${uid}/quiz`;
  assert.equal((await o.api('POST', `${other}/items`, ITEMS.essay)).status, 404);
  assert.equal((await o.api('PUT', `${other}/items/${ids[0]}`, ITEMS.essay)).status, 404);
  assert.equal((await o.api('DELETE', `${other}/items/${ids[0]}`)).status, 404);
  assert.equal((await o.api('PUT', `${other}/order`, { items: ids })).status, 404);
  const of = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await of.get(`/o/other/courses/${course.id}/units/${uid}/quiz/items/${ids[0]}`)).status, 404);
  // a question id of another quiz is not found through this one
  const u2 = (await ta.api('POST', `${apiBase}/units`, { section_id: ctx.sec.id, kind: 'quiz', title: 'Second' })).json();
  const uid2 = lastUnit(u2);
  apiError(await ta.api('DELETE', `${apiBase}/units/${uid2}/quiz/items/${ids[0]}`), 404);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/quiz`)).json().items.length, ids.length, 'still there');
});

test('pools: GIFT categories, and N questions drawn from each pool per learner', async () => {
  const { apiBase, sec, course } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const uid = lastUnit((await ta.api('POST', `${apiBase}/units`, { section_id: sec.id, kind: 'quiz', title: 'Pooled' })).json());
  const gift = '$CATEGORY: easy\n::E1::one {}\n\n::E2::two {}\n\n::E3::three {}\n\n$CATEGORY: hard\n::H1::four {}\n\n::H2::five {}\n\n$CATEGORY:\n::Intro::always {}\n';
  assert.equal((await ta.api('POST', `${apiBase}/units/${uid}/quiz/gift`, { gift })).status, 200);
  // the settings form: one question from each pool
  const unitUrl = `/o/demo/courses/${course.id}/units/${uid}`;
  let page = await t.get(unitUrl);
  assert.match(page.text, /name="draw_per_pool"/);
  assert.match(page.text, /<td>easy<\/td>/, 'the pool of each question is listed');
  const r = await t.postForm(`${unitUrl}/quiz`, { purpose: 'formative', attempts_allowed: '0', time_limit_s: '0', draw_count: '1',
    draw_per_pool: '1', pass_percent: '0', feedback_when: 'immediately', grade_policy: 'best' }, { from: unitUrl });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  let quiz = (await ta.get(`${apiBase}/units/${uid}/quiz`)).json();
  assert.equal(quiz.draw_per_pool, true);
  assert.deepEqual(quiz.items.map((i) => i.category ?? null), ['easy', 'easy', 'easy', 'hard', 'hard', null]);
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/quiz`, { draw_per_pool: 'yes' }), 422, 'invalid');

  const run = (await ta.api('POST', `${apiBase}/runs`, { title: 'Pool run', visibility: 'mooc' })).json().id;
  for (const who of [DEMO.francois, DEMO.elodie]) {
    const la = await signinApi(srv, who.email, who.password);
    assert.equal((await la.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
    assert.equal((await la.get(`/api/v1/runs/${run}/units/${uid}/quiz`)).json().questions, 3);
    const at = (await la.api('POST', `/api/v1/runs/${run}/units/${uid}/attempts`, {})).json();
    const shown = at.items.map((i) => i.text);
    assert.equal(shown.length, 3, JSON.stringify(shown));
    assert.equal(shown.filter((s) => ['one', 'two', 'three'].includes(s)).length, 1);
    assert.equal(shown.filter((s) => ['four', 'five'].includes(s)).length, 1);
    assert.ok(shown.includes('always'));
  }
  // without pools: one question from the whole quiz
  quiz = (await ta.api('PUT', `${apiBase}/units/${uid}/quiz`, { draw_per_pool: false })).json();
  assert.equal(quiz.draw_per_pool, false);
});
