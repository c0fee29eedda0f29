// peer.test.mjs — peer assessment (issue 4): a trainer makes an assignment
// unit with a rubric (web form and API, both checked), learners submit text
// and files (versions, never changed), the trainer allocates reviewers
// (K = 2, nobody reviews themselves, idempotent), learners review with the
// rubric (final, checked), grades are recorded (median), a learner flags an
// unfair review, a trainer overrides with a reason; late submissions follow
// the setting.  Security: a learner reads another's submission only when
// given it to review, never learns who reviewed them, cannot review for
// somebody else; another organisation gets 403/404.  Every fact is in the
// ledger, which still verifies.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, uniq, cli, multipart, waitForMail } from './lib.mjs';

const store = demoStore('peer');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'trainer');
const L3 = { email: 'lucie@lectern.test', password: 'lucie-pass-1234', name: 'Lucie Tiers' };
const L4 = { email: 'marc@lectern.test', password: 'marc-pass-12345', name: 'Marc Quart' };
const L5 = { email: 'late@lectern.test', password: 'late-pass-12345', name: 'Lena Tard' };
for (const u of [L3, L4, L5]) cli(store, 'user', 'add', u.email, u.name, '--password', u.password, '--org', 'demo', '--role', 'learner');
const srv = await startServer(store);
after(() => stopAll(srv));

const LEARNERS = [DEMO.elodie, DEMO.francois, L3, L4];
const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const RUBRIC = {
  criteria: [
    { title: 'Argument', description: 'Is it sound?', levels: [{ title: 'Weak', points: 0 }, { title: 'Fair', points: 1 }, { title: 'Strong', points: 2 }] },
    { title: 'Sources', levels: [{ title: 'None', points: 0 }, { title: 'Cited', points: 2 }] },
  ],
};
const ctx = {};

async function ledger() {
  const a = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  return (await a.get('/api/v1/orgs/demo/ledger/verify')).json();
}

test('a trainer makes an assignment with a rubric and settings, checked on the page and in the API', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const course = (await ta.api('POST', '/api/v1/orgs/demo/courses', { code: `PEER-${uniq()}`, title: 'Peer course', published: true })).json();
  const apiBase = `/api/v1/orgs/demo/courses/${course.id}`;
  const sec = (await ta.api('POST', `${apiBase}/sections`, { title: 'Part one' })).json().sections[0];
  const base = `/o/demo/courses/${course.id}`;
  assert.match((await t.get(`${base}/outline`)).text, /<option value="assignment">Peer-assessed assignment<\/option>/);
  const add = await t.postForm(`${base}/units`, { section_id: String(sec.id), kind: 'assignment', title: 'Essay' }, { from: `${base}/outline` });
  assert.equal(add.status, 303, add.text.slice(0, 300));
  const uid = Number(add.location.split('/').pop());
  const unitUrl = `${base}/units/${uid}`;
  let page = await t.get(unitUrl);
  assert.match(page.text, /Assignment settings/);
  assert.match(page.text, /<label for="c0_title">Title<\/label>/);

  // The rubric in the form: a criterion with one level only is refused, nothing saved.
  let r = await t.postForm(`${unitUrl}/rubric`, { c0_title: 'Clarity', c0_l0: 'Only', c0_p0: '1' }, { from: unitUrl });
  assert.equal(r.status, 422);
  assert.match(r.text, /criterion 1 needs 2 to 10 levels/);
  assert.equal((await ta.get(`${apiBase}/units/${uid}/assignment`)).json().rubric.criteria.length, 0);
  r = await t.postForm(`${unitUrl}/rubric`, { c0_title: 'Clarity', c0_l0: 'Muddled', c0_p0: '0', c0_l1: 'Clear', c0_p1: '3' }, { from: unitUrl });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  let s = (await ta.get(`${apiBase}/units/${uid}/assignment`)).json();
  assert.deepEqual(s.rubric.criteria[0].levels, [{ title: 'Muddled', points: 0 }, { title: 'Clear', points: 3 }]);
  // Settings in the form: a review deadline before the submission deadline is refused next to its field.
  r = await t.postForm(`${unitUrl}/assignment`, { instructions: 'Write *one page*.', reviewers: '2', submit_by: '2030-01-02T10:00',
    review_by: '2030-01-01T10:00', late_policy: 'refuse', no_review_policy: 'none', grade_method: 'median' }, { from: unitUrl });
  assert.equal(r.status, 422);
  assert.match(r.text, /The review deadline must come after the submission deadline/);
  r = await t.postForm(`${unitUrl}/assignment`, { instructions: 'Write *one page*.', reviewers: '2', submit_by: '2030-01-01T10:00',
    review_by: '2030-01-02T10:00', late_policy: 'penalty', late_penalty: '10', no_review_policy: 'withhold', grade_method: 'median' }, { from: unitUrl });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  s = (await ta.get(`${apiBase}/units/${uid}/assignment`)).json();
  assert.equal(s.submit_by, '2030-01-01T10:00:00Z');
  assert.equal(s.late_penalty, 100);
  assert.equal(s.no_review_policy, 'withhold');

  // The API: checked, the rubric whole.
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { reviewers: 0 }), 422, 'invalid');
  r = await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { rubric: { criteria: [{ title: 'X', levels: [{ title: 'a', points: -1 }, { title: 'b', points: 1 }] }] } });
  assert.equal(r.status, 422);
  assert.equal(r.json().error.field, 'rubric');
  r = await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { rubric: RUBRIC, reviewers: 2, submit_by: iso(Date.now() + 24 * HOUR),
    review_by: iso(Date.now() + 48 * HOUR), late_policy: 'refuse', no_review_policy: 'none', instructions: 'Argue **one** point.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().rubric.criteria.length, 2);
  assert.equal(r.json().reviewers, 2);

  // Another organisation: 403 through ours, 404 through theirs; a learner is no trainer.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.get(`${apiBase}/units/${uid}/assignment`)).status, 403);
  assert.equal((await o.get(`/api/v1/orgs/other/courses/${course.id}/units/${uid}/assignment`)).status, 404);
  const la = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await la.api('PUT', `${apiBase}/units/${uid}/assignment`, { reviewers: 3 })).status, 403);

  r = await ta.api('POST', `${apiBase}/runs`, { title: 'Peer run', visibility: 'mooc' });
  assert.equal(r.status, 201, r.text);
  Object.assign(ctx, { course, apiBase, uid, run: r.json().id });
});

test('learners submit text and files; a submission is never changed, a new one is a version; evidence', async () => {
  const { run, uid } = ctx;
  const before = (await ledger()).entries;
  ctx.clients = [];
  for (const u of LEARNERS) {
    const c = await signinApi(srv, u.email, u.password);
    assert.equal((await c.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
    ctx.clients.push(c);
  }
  const [a, b, c3, c4] = ctx.clients;
  // Not enrolled, and staff: no submission.
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  apiError(await ta.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'x' }), 403, 'not_enrolled');
  // Empty is refused.
  apiError(await a.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: '  ' }), 409, 'empty');
  // Text through the API, twice: two versions, the first unchanged.
  let r = await a.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'ELODIE-V1 draft' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().version, 1);
  r = await a.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'ELODIE-V2 **final** essay' });
  assert.equal(r.json().version, 2);
  let mine = (await a.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json();
  assert.deepEqual(mine.submissions.map((x) => x.text), ['ELODIE-V1 draft', 'ELODIE-V2 **final** essay']);
  // Text and a file, multipart through the API.
  const mp = multipart([{ name: 'text', value: 'FRANCOIS essay, see the file' }, { name: 'file', filename: 'essay.txt', type: 'text/plain', value: 'FRANCOIS-FILE-BYTES' }]);
  r = await b.post(`/api/v1/runs/${run}/units/${uid}/submissions`, { body: mp.body, headers: { ...mp.headers, 'x-csrf-token': b.csrf } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().files.length, 1);
  ctx.fileUrl = r.json().files[0].url;
  assert.equal((await b.get(ctx.fileUrl)).text, 'FRANCOIS-FILE-BYTES');
  // Through the page: an upload form.
  const f3 = await signinForm(srv, L3.email, L3.password);
  const unitPage = await f3.get(`/runs/${run}/units/${uid}`);
  assert.match(unitPage.text, /Your submission/);
  assert.match(unitPage.text, /Argue <strong>one<\/strong> point/);
  const tok = unitPage.text.match(/action="\/runs\/\d+\/units\/\d+\/submissions"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)"/);
  assert.ok(tok, 'the submission form');
  const pm = multipart([{ name: '_csrf', value: tok[1] }, { name: 'text', value: 'LUCIE essay' }, { name: 'file', filename: '', value: '' }]);
  r = await f3.post(`/runs/${run}/units/${uid}/submissions`, { body: pm.body, headers: pm.headers });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match((await f3.get(`/runs/${run}/units/${uid}`)).text, /LUCIE essay/);
  assert.equal((await c4.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'MARC essay' })).status, 201);
  // Submitting completes the unit; each version is a ledger entry.
  const l = await ledger();
  assert.equal(l.ok, true);
  assert.ok(l.entries >= before + 4 + 5, `4 enrolments, 5 versions: ${before} → ${l.entries}`);
});

test('allocation: K reviewers each, nobody reviews themselves, idempotent; a learner sees only what was given to them', async () => {
  const { run, uid } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const sbase = `/api/v1/orgs/demo/runs/${run}/units/${uid}/peer`;
  // Two trainers' clicks at once, with different seeds: one allocation.
  const [r1, r2] = await Promise.all([ta.api('POST', `${sbase}/allocate`, { seed: 12345 }), ta.api('POST', `${sbase}/allocate`, { seed: 54321 })]);
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r1.json().added + r2.json().added, 8);
  assert.equal((await ta.api('POST', `${sbase}/allocate`, { seed: 999 })).json().added, 0, 'idempotent');
  assert.equal((await ctx.clients[0].get(sbase)).status, 403, 'a learner does not see the allocation');
  const staff = (await ta.get(sbase)).json();
  assert.equal(staff.learners.length, 4);
  assert.equal(staff.allocations.length, 8);
  const load = {};
  for (const x of staff.allocations) {
    assert.notEqual(x.reviewer_id, x.author_id, 'no self-review');
    load[x.reviewer_id] = (load[x.reviewer_id] || 0) + 1;
  }
  assert.deepEqual(Object.values(load), [2, 2, 2, 2]);
  // Each reviewer is told by e-mail (the server's tick), with the assignment's link; Élodie in French.
  const fm = await waitForMail(store.data, DEMO.francois.email, { match: /Reviews given to you: 2/, timeoutMs: 30000 });
  assert.match(fm.subject, /^Reviews to do — Essay$/);
  assert.ok(fm.body.includes(`/runs/${run}/units/${uid}`), fm.body);
  const em = await waitForMail(store.data, DEMO.elodie.email, { match: /Évaluations qui vous sont confiées/, timeoutMs: 30000 });
  assert.match(em.subject, /^Évaluations à faire — Essay$/);

  const [a] = ctx.clients;
  const mine = (await a.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json();
  assert.equal(mine.reviews_to_do.length, 2);
  const elodie = (await a.get('/api/v1/me')).json().id;
  const myTasks = staff.allocations.filter((x) => x.reviewer_id === elodie).map((x) => x.id).sort();
  assert.deepEqual(mine.reviews_to_do.map((x) => x.id).sort(), myTasks);
  // A task: the submission's text, never its author.
  const task = (await a.get(`/api/v1/runs/${run}/units/${uid}/reviews/${myTasks[0]}`)).json();
  assert.ok(task.submission.text.length > 0);
  assert.equal(task.author_id, undefined);
  assert.equal(task.rubric.criteria.length, 2);
  // Someone else's task: 404, by API and page.
  const other = staff.allocations.find((x) => x.reviewer_id !== elodie);
  assert.equal((await a.get(`/api/v1/runs/${run}/units/${uid}/reviews/${other.id}`)).status, 404);
  assert.equal((await a.api('POST', `/api/v1/runs/${run}/units/${uid}/reviews/${other.id}`, { levels: [0, 0] })).status, 404);
  // Francois's file: only for him, his reviewers and the staff.
  const francois = staff.learners.find((x) => x.submission.text.startsWith('FRANCOIS')).user_id;
  const reviewersOfF = staff.allocations.filter((x) => x.author_id === francois).map((x) => x.reviewer_id);
  for (const [i, u] of LEARNERS.entries()) {
    const c = ctx.clients[i];
    const me = (await c.get('/api/v1/me')).json().id;
    const res = await c.get(ctx.fileUrl);
    if (me === francois || reviewersOfF.includes(me)) assert.equal(res.status, 200, `${u.email} may read the file`);
    else assert.equal(res.status, 404, `${u.email} may not read the file`);
  }
  assert.equal((await (await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password)).get(ctx.fileUrl)).status, 200);
  // A learner page of another org's user: not enrolled.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).status, 403);
  assert.equal((await o.get(ctx.fileUrl)).status, 403);
  assert.equal((await o.get(sbase)).status, 403);
  assert.equal((await o.get(`/api/v1/orgs/other/runs/${run}/units/${uid}/peer`)).status, 404);
  assert.equal((await o.api('POST', `/api/v1/orgs/other/runs/${run}/units/${uid}/peer/allocate`, {})).status, 404);
});

test('reviews with the rubric, final; grades by median; anonymous reviewers; a flag; an override with its reason', async () => {
  const { run, uid } = ctx;
  const before = (await ledger()).entries;
  const ids = [];
  for (const c of ctx.clients) ids.push((await c.get('/api/v1/me')).json().id);
  // Everybody reviews: Argument "Fair" (1) + Sources "Cited" (2) = 3 of 4 → 750, except one review by page.
  for (const [i, c] of ctx.clients.entries()) {
    const tasks = (await c.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json().reviews_to_do;
    for (const [k, t] of tasks.entries()) {
      const url = `/api/v1/runs/${run}/units/${uid}/reviews/${t.id}`;
      apiError(await c.api('POST', url, { levels: [5, 0] }), 422, 'invalid');
      apiError(await c.api('POST', url, { levels: [1] }), 422, 'invalid');
      if (i === 3 && k === 0) {
        const f = await signinForm(srv, LEARNERS[3].email, LEARNERS[3].password);
        const pageUrl = `/runs/${run}/units/${uid}/reviews/${t.id}`;
        const page = await f.get(pageUrl);
        assert.match(page.text, /<legend>Argument<\/legend>/);
        const r = await f.postForm(pageUrl, { c0: '0', c1: '0', comment: 'HARSH-REVIEW weak' });
        assert.equal(r.status, 303, r.text.slice(0, 300));
        assert.match((await f.get(pageUrl)).text, /A review cannot be changed once submitted/);
        continue;
      }
      const r = await c.api('POST', url, { levels: [1, 1], comment: 'Good sources.' });
      assert.equal(r.status, 201, r.text);
      apiError(await c.api('POST', url, { levels: [2, 1] }), 409, 'already_reviewed');
    }
  }
  // The learner's view: reviews received numbered, never named.
  for (const [i, c] of ctx.clients.entries()) {
    const res = await c.get(`/api/v1/runs/${run}/units/${uid}/assignment`);
    const mine = res.json();
    assert.equal(mine.received.length, 2);
    assert.deepEqual(mine.received.map((x) => x.reviewer), [1, 2]);
    assert.ok(!/reviewer_id|author_id/.test(res.text));
    for (const [j, u] of LEARNERS.entries()) if (j !== i) assert.ok(!res.text.includes(u.email));
    const page = await (await signinForm(srv, LEARNERS[i].email, LEARNERS[i].password)).get(`/runs/${run}/units/${uid}`);
    for (const name of ['Lucie Tiers', 'Marc Quart']) if (LEARNERS[i].name !== name) assert.ok(!page.text.includes(name), `${name} on ${LEARNERS[i].email}'s page`);
    assert.match(page.text, /(Reviewer|Évaluateur) 1/);
  }
  // Grades: recorded by the trainer (or at the review deadline), once.
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const sbase = `/api/v1/orgs/demo/runs/${run}/units/${uid}/peer`;
  assert.equal((await ta.api('POST', `${sbase}/finalise`, {})).json().graded, 4);
  assert.equal((await ta.api('POST', `${sbase}/finalise`, {})).json().graded, 0);
  let staff = (await ta.get(sbase)).json();
  const harsh = staff.allocations.find((x) => x.review && x.review.comment.includes('HARSH-REVIEW'));
  const victim = harsh.author_id;
  for (const x of staff.learners) {
    if (x.user_id === victim) assert.equal(x.grade.score, 375, 'median of 0 and 750');
    else assert.equal(x.grade.score, 750);
  }
  // The victim flags the harsh review; nobody else can.
  const vi = ids.indexOf(victim);
  const vc = ctx.clients[vi];
  const recv = (await vc.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json().received;
  const hr = recv.find((x) => x.comment.includes('HARSH-REVIEW'));
  const other = ctx.clients[(vi + 1) % 4];
  assert.equal((await other.api('POST', `/api/v1/runs/${run}/units/${uid}/received/${hr.id}/flag`, { reason: 'no' })).status, 404);
  apiError(await vc.api('POST', `/api/v1/runs/${run}/units/${uid}/received/${hr.id}/flag`, { reason: '' }), 422, 'invalid');
  assert.equal((await vc.api('POST', `/api/v1/runs/${run}/units/${uid}/received/${hr.id}/flag`, { reason: 'It ignores my sources.' })).status, 201);
  apiError(await vc.api('POST', `/api/v1/runs/${run}/units/${uid}/received/${hr.id}/flag`, { reason: 'again' }), 409, 'already_flagged');
  staff = (await ta.get(sbase)).json();
  assert.equal(staff.allocations.find((x) => x.id === harsh.id).review.flag_reason, 'It ignores my sources.');
  const tp = await (await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password)).get(`/o/demo/runs/${run}/units/${uid}/peer`);
  assert.match(tp.text, /It ignores my sources\./);
  assert.match(tp.text, /MARC essay/, 'the trainer reads the submissions');
  // The override: a reason is required; a new grade, the old one kept.
  apiError(await ta.api('POST', `${sbase}/learners/${victim}/override`, { score: 800 }), 422, 'invalid');
  const lo = (await ledger()).entries;
  let r = await ta.api('POST', `${sbase}/learners/${victim}/override`, { score: 800, reason: 'The flagged review ignored the sources.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().kind, 'override');
  assert.equal(r.json().score, 800);
  assert.ok(r.json().overrides > 0);
  const g = (await vc.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json().grade;
  assert.equal(g.score, 800);
  assert.equal(g.reason, 'The flagged review ignored the sources.');
  assert.equal((await ta.api('POST', `/api/v1/orgs/demo/runs/${run}/units/${uid}/peer/learners/999999/override`, { score: 1, reason: 'x' })).status, 409);
  // The trainer's page: the same override by its form, in percent.
  const tf = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const spage = `/o/demo/runs/${run}/units/${uid}/peer`;
  r = await tf.postForm(`${spage}/learners/${victim}/override`, { score: '85', reason: '' }, { from: spage });
  assert.equal(r.status, 303);
  assert.equal((await ta.get(sbase)).json().learners.find((x) => x.user_id === victim).grade.score, 800, 'no reason, no override');
  r = await tf.postForm(`${spage}/learners/${victim}/override`, { score: '85', reason: 'Second look.' }, { from: spage });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal((await ta.get(sbase)).json().learners.find((x) => x.user_id === victim).grade.score, 850);
  assert.match((await tf.get(spage)).text, /Second look\./);
  // A learner cannot override.
  assert.equal((await vc.api('POST', `${sbase}/learners/${victim}/override`, { score: 1000, reason: 'me' })).status, 403);
  const l = await ledger();
  assert.equal(l.ok, true);
  assert.equal(l.entries, lo + 2, 'each override is one ledger entry');
  assert.ok(l.entries >= before + 8 + 4 + 1, 'reviews, grades, override');
});

test('late submissions follow the setting; a late newcomer gets reviewers and reviews', async () => {
  const { run, uid, apiBase } = ctx;
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const la = await signinApi(srv, L5.email, L5.password);
  assert.equal((await la.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  let r = await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { submit_by: iso(Date.now() - HOUR), review_by: iso(Date.now() + 48 * HOUR), late_policy: 'refuse' });
  assert.equal(r.status, 200, r.text);
  apiError(await la.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'LATE essay' }), 409, 'closed');
  assert.equal((await la.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json().can_submit, false);
  r = await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { late_policy: 'accept' });
  assert.equal(r.status, 200);
  r = await la.api('POST', `/api/v1/runs/${run}/units/${uid}/submissions`, { text: 'LATE essay' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().late, true);
  // The deadline has passed: the next look allocates the newcomer.
  const mine = (await la.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json();
  assert.equal(mine.reviews_to_do.length, 2);
  const staff = (await ta.get(`/api/v1/orgs/demo/runs/${run}/units/${uid}/peer`)).json();
  const me = (await la.get('/api/v1/me')).json().id;
  assert.equal(staff.allocations.filter((x) => x.author_id === me).length, 2);
  assert.ok(staff.allocations.every((x) => x.reviewer_id !== x.author_id));
  // Withheld: the newcomer is reviewed but reviews nothing; the grade is recorded, not shown, nor the reviews.
  r = await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { no_review_policy: 'withhold' });
  assert.equal(r.status, 200);
  const alloc = staff.allocations.find((x) => x.author_id === me);
  for (const c of ctx.clients) {
    if ((await c.get('/api/v1/me')).json().id !== alloc.reviewer_id) continue;
    assert.equal((await c.api('POST', `/api/v1/runs/${run}/units/${uid}/reviews/${alloc.id}`, { levels: [2, 1] })).status, 201);
  }
  assert.equal((await ta.api('POST', `/api/v1/orgs/demo/runs/${run}/units/${uid}/peer/finalise`, {})).json().graded, 1);
  const after = (await la.get(`/api/v1/runs/${run}/units/${uid}/assignment`)).json();
  assert.equal(after.grade.status, 'withheld');
  assert.equal(after.grade.score, null);
  assert.deepEqual(after.received, []);
  const seen = (await ta.get(`/api/v1/orgs/demo/runs/${run}/units/${uid}/peer`)).json().learners.find((x) => x.user_id === me);
  assert.equal(seen.grade.score, 1000, 'the trainer sees it');
  // The rubric cannot change once reviews exist.
  apiError(await ta.api('PUT', `${apiBase}/units/${uid}/assignment`, { rubric: { criteria: [] } }), 409, 'rubric_in_use');
});

test('in French', async () => {
  const { run, uid } = ctx;
  const f = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const tok = await f.pageCsrf('/');
  await f.post('/lang', { form: { _csrf: tok, lang: 'fr' } });
  const page = await f.get(`/runs/${run}/units/${uid}`);
  assert.match(page.text, /Votre devoir|Votre travail/);
  assert.match(page.text, /Évaluateur 1/);
});
