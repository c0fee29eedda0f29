// spoc.test.mjs — private sessions (SPOC): never in the catalog, joined with
// an invitation link or a code (any case, dash optional), a new code voids
// the old one; with approval, a request that the organisation's staff
// approve (capacity enforced then) or refuse, with e-mails both ways; the
// named trainer; the same through the API; state kept across a restart.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopAll, demoStore, DEMO, Client, signinForm, signinApi, apiError, uniq, cli,
  waitForMail, listMail, linkIn, csrfFrom, unescapeHtml,
} from './lib.mjs';

// scripts/test.sh runs this file twice: on SQLite, then with
// LECTERN_HTTP_PG=1 on PostgreSQL (a database of its own).
const store = demoStore('spoc');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
cli(store, 'user', 'add', 'coach@other.test', 'Other Coach', '--password', 'coach-pass-123', '--org', 'other', '--role', 'trainer');
let srv = await startServer(store);
after(() => stopAll(srv));

const CODE_RE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const anon = () => new Client(srv);
const catalogTitles = async (c) => (await c.get('/api/v1/courses')).json().items.map((x) => x.title);
const admin = () => signinApi(srv, DEMO.admin.email, DEMO.admin.password);

/** A published course with one SPOC session; returns {course, run (staff view)}. */
async function spocCourse(a, { capacity, title } = {}) {
  const course = (await a.api('POST', '/api/v1/orgs/demo/courses', { code: `SP-${uniq()}`, title: title || `Private cohort ${uniq()}`, published: true })).json();
  const made = await a.api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'Cohort A', visibility: 'spoc', ...(capacity ? { capacity } : {}) });
  assert.equal(made.status, 201, made.text);
  const run = await a.get(`/api/v1/orgs/demo/runs/${made.json().id}`);
  assert.equal(run.status, 200, run.text);
  return { course, run: run.json() };
}

/** Strip the dash and lower the case: what a person might type. */
const sloppy = (code) => code.replace('-', '').toLowerCase();

async function memberId(a, email) {
  return (await a.get('/api/v1/orgs/demo/members?limit=500')).json().items.find((m) => m.email === email).user_id;
}

test('a SPOC session has a code and a link, stays out of the catalog, and /runs/{id}/enrol refuses it', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a);
  assert.match(run.join_code, CODE_RE);
  assert.ok(run.invite_url.endsWith(`/join/${run.join_code}`), run.invite_url);
  assert.equal(run.approval, false);
  assert.equal(run.visibility, 'spoc');
  assert.ok(!(await catalogTitles(anon())).includes(course.title));
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.ok(!(await catalogTitles(e)).includes(course.title));
  assert.equal((await e.get(`/courses/${course.id}`)).status, 404);
  apiError(await e.api('POST', `/api/v1/runs/${run.id}/enrolment`), 409, 'closed');
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const form = await f.post(`/runs/${run.id}/enrol`, { form: { _csrf: csrfFrom((await f.get('/account')).text) } });
  assert.equal(form.status, 409);
  assert.match(form.text, /invitation only/);
  // The staff see the link, the code and its controls on the course page.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await t.get(`/courses/${course.id}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(run.join_code));
  assert.ok(page.text.includes(`/join/${run.join_code}`));
  assert.match(page.text, /New code/);
  assert.match(page.text, /name="approval"/);
  assert.match(page.text, /name="trainer_id"/);
  assert.match(page.text, /Théo Formateur/);
  // Learners never see the code.
  assert.ok(!(await f.get(`/courses/${course.id}`)).text.includes(run.join_code));
});

test('join by the invitation link: signed out sent to sign in and back, then Join enrols at once', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a);
  const link = `/join/${run.join_code}`;
  const out = await anon().get(link);
  assert.equal(out.status, 200);
  assert.ok(unescapeHtml(out.text).includes(course.title));
  assert.match(out.text, /Cohort A/);
  assert.ok(out.text.includes(`/signin?next=${encodeURIComponent(link)}`), 'a sign-in link that comes back here');
  // Posting signed out goes to the sign-in page.
  const blind = new Client(srv);
  const tok = await blind.pageCsrf(link);
  const signedOut = await blind.post(link, { form: { _csrf: tok } });
  assert.equal(signedOut.status, 303);
  assert.match(signedOut.location, /^\/signin\?next=/);
  // Sign in with next=the link: back on the invitation.
  const f = new Client(srv);
  const back = await f.postForm('/signin', { email: DEMO.francois.email, password: DEMO.francois.password, next: link }, { from: `/signin?next=${encodeURIComponent(link)}` });
  assert.equal(back.status, 303);
  assert.equal(back.location, link);
  const inv = await f.get(link);
  assert.match(inv.text, />Join</);
  const joined = await f.postForm(link, {});
  assert.equal(joined.status, 303, joined.text.slice(0, 300));
  assert.equal(joined.location, `/courses/${course.id}`);
  const cp = await f.get(`/courses/${course.id}`);
  assert.equal(cp.status, 200, 'an enrolled learner sees the SPOC course page');
  assert.match(cp.text, /Go to the course/);
  assert.ok((await f.get('/api/v1/me/enrolments')).json().items.some((x) => x.run_id === run.id));
  assert.match((await f.get(link)).text, /You are enrolled in this session/);
  // Still never listed, not even to the enrolled.
  assert.ok(!(await catalogTitles(f)).includes(course.title));
  // A learner of another organisation may join a SPOC too.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.api('POST', '/api/v1/join', { code: run.join_code })).status, 201);
});

test('join by code: any case, with or without the dash, in the page and the API; a wrong code is a clear 404', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a);
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.match((await e.get('/')).text, /href="\/join"/, 'the home page leads to the code form');
  const form = await e.get('/join');
  assert.equal(form.status, 200);
  assert.match(form.text, /name="code"/);
  const typed = await e.get(`/join?code=${encodeURIComponent(sloppy(run.join_code))}`);
  assert.equal(typed.status, 303);
  assert.equal(typed.location, `/join/${run.join_code}`);
  const lowerDash = await e.get(`/join?code=${run.join_code.toLowerCase()}`);
  assert.equal(lowerDash.location, `/join/${run.join_code}`);
  assert.equal((await e.get(`/join/${sloppy(run.join_code)}`)).status, 200, 'the link works typed sloppily too');
  // Wrong codes: the form again with a message, 404 (Élodie reads French).
  for (const bad of ['ZZZZ-ZZZZ', 'K7QF', 'O0O0-I1I1', '<script>']) {
    const r = await e.get(`/join?code=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 404, bad);
    assert.match(r.text, /Aucune session n’a ce code/);
    assert.ok(!r.text.includes('<script>'));
  }
  const badLink = await anon().get('/join/ZZZZ-ZZZZ');
  assert.equal(badLink.status, 404);
  assert.match(badLink.text, /No session has this code/);
  // API, as another learner: lower case without dash.
  const f = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const j = await f.api('POST', '/api/v1/join', { code: sloppy(run.join_code) });
  assert.equal(j.status, 201, j.text);
  assert.deepEqual(j.json(), { status: 'active', run_id: run.id, course_id: course.id });
  assert.equal((await f.api('POST', '/api/v1/join', { code: run.join_code })).status, 201, 'joining twice is harmless');
  const wrong = apiError(await f.api('POST', '/api/v1/join', { code: 'ZZZZ-ZZZZ' }), 404, 'not_found');
  assert.match(wrong.message, /no session has this code/);
  apiError(await f.api('POST', '/api/v1/join', {}), 422, 'invalid');
  apiError(await f.api('POST', '/api/v1/join', { code: 12 }), 400);
  apiError(await f.req('POST', '/api/v1/join', { json: { code: run.join_code } }), 403, 'csrf');
  apiError(await anon().req('POST', '/api/v1/join', { json: { code: run.join_code } }), 401);
  // A token of another organisation cannot join demo's sessions.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const tok = (await o.api('POST', '/api/v1/orgs/other/tokens', { name: `t ${uniq()}`, role: 'learner' })).json().token;
  apiError(await new Client(srv, { bearer: tok }).req('POST', '/api/v1/join', { json: { code: run.join_code } }), 404, 'not_found');
});

test('a new code replaces the old one at once (page button and API)', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a);
  const old = run.join_code;
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const rot = await t.postForm(`/o/demo/runs/${run.id}/code`, {}, { from: `/courses/${course.id}` });
  assert.equal(rot.status, 303);
  assert.equal(rot.location, `/courses/${course.id}`);
  const fresh = (await a.get(`/api/v1/orgs/demo/runs/${run.id}`)).json().join_code;
  assert.match(fresh, CODE_RE);
  assert.notEqual(fresh, old);
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await e.get(`/join/${old}`)).status, 404);
  apiError(await e.api('POST', '/api/v1/join', { code: old }), 404, 'not_found');
  assert.equal((await e.get(`/join/${fresh}`)).status, 200);
  // Through the API.
  const p = await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { rotate_code: true });
  assert.equal(p.status, 200, p.text);
  assert.notEqual(p.json().join_code, fresh);
  assert.ok(p.json().invite_url.endsWith(`/join/${p.json().join_code}`));
  assert.equal((await e.get(`/join/${fresh}`)).status, 404);
  assert.equal((await e.api('POST', '/api/v1/join', { code: p.json().join_code })).status, 201);
  // MOOC sessions have no code; asking for one is refused.
  const mooc = (await a.api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'Open', visibility: 'mooc' })).json();
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${mooc.id}`, { rotate_code: true }), 422, 'invalid');
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${mooc.id}`, { approval: true }), 422, 'invalid');
  assert.equal((await a.get(`/api/v1/orgs/demo/runs/${mooc.id}`)).json().join_code, null);
  const notSpoc = await t.postForm(`/o/demo/runs/${mooc.id}/code`, {}, { from: `/courses/${course.id}` });
  assert.equal(notSpoc.status, 422);
});

const state = {};   // shared with the restart test

test('approval: a request, the trainer e-mailed, approved with an e-mail, capacity held, refused with an e-mail', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a, { capacity: 1, title: `Approval cohort ${uniq()}` });
  const trainerId = await memberId(a, DEMO.trainer.email);
  // The staff turn approval on and name the trainer, by the course page's form.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const saved = await t.postForm(`/o/demo/runs/${run.id}/settings`, { approval: '1', trainer_id: String(trainerId) }, { from: `/courses/${course.id}` });
  assert.equal(saved.status, 303, saved.text.slice(0, 300));
  const now = (await a.get(`/api/v1/orgs/demo/runs/${run.id}`)).json();
  assert.equal(now.approval, true);
  assert.deepEqual(now.trainer, { id: trainerId, name: 'Théo Formateur' });
  const seen = new Set(listMail(store.data).map((m) => m.file));
  // Élodie asks, with a note, through the page (she reads French).
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const link = `/join/${run.join_code}`;
  const inv = await e.get(link);
  assert.match(inv.text, /Demander à rejoindre/);
  assert.match(inv.text, /Votre formateur\u202f: Théo Formateur/);
  const asked = await e.postForm(link, { message: 'I work nights <b>please</b>' });
  assert.equal(asked.status, 303, asked.text.slice(0, 300));
  assert.equal(asked.location, '/');
  const home = await e.get('/');
  assert.match(home.text, /En attente de validation/);
  assert.ok(unescapeHtml(home.text).includes(course.title));
  assert.match((await e.get(link)).text, /attend la validation d’un formateur/);
  assert.equal((await e.get(`/courses/${course.id}`)).status, 404, 'not enrolled yet');
  const mine = (await e.get('/api/v1/me/requests')).json().items;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].status, 'pending');
  assert.equal(mine[0].run_id, run.id);
  // Only the named trainer is told, with the learner, her note and the link to decide.
  const mail = await waitForMail(store.data, DEMO.trainer.email, { match: /asks to join/, seen });
  assert.ok(mail.subject.includes(course.title), mail.subject);
  assert.match(mail.body, /Élodie Learner <elodie@lectern\.test>/);
  assert.match(mail.body, /I work nights <b>please<\/b>/);
  assert.equal(linkIn(mail, `/o/demo/runs/${run.id}/requests`).pathname, `/o/demo/runs/${run.id}/requests`);
  assert.ok(!listMail(store.data).some((m) => !seen.has(m.file) && m.to === DEMO.admin.email), 'the admin is not told when a trainer is named');
  // François asks through the API: 202, pending.
  const f = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const fj = await f.api('POST', '/api/v1/join', { code: run.join_code });
  assert.equal(fj.status, 202, fj.text);
  assert.equal(fj.json().status, 'pending');
  assert.equal((await f.api('POST', '/api/v1/join', { code: run.join_code })).status, 202, 'asking twice is one request');
  // A learner cannot decide.
  apiError(await f.api('GET', `/api/v1/orgs/demo/runs/${run.id}/requests`), 403);
  apiError(await f.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/${fj.json().request_id}/approve`, {}), 403);
  const fForm = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const tokF = csrfFrom((await fForm.get('/account')).text);
  assert.equal((await fForm.post(`/o/demo/runs/${run.id}/requests/${fj.json().request_id}/approve`, { form: { _csrf: tokF } })).status, 403);
  assert.equal((await fForm.get(`/o/demo/runs/${run.id}/requests`)).status, 403);
  // Another organisation's trainer and admin neither see nor decide.
  for (const [email, pw] of [['coach@other.test', 'coach-pass-123'], ['outsider@other.test', 'outsider-pass-1']]) {
    const o = await signinApi(srv, email, pw);
    apiError(await o.get(`/api/v1/orgs/demo/runs/${run.id}/requests`), 403);
    apiError(await o.get(`/api/v1/orgs/other/runs/${run.id}/requests`), 404);
    apiError(await o.api('POST', `/api/v1/orgs/other/runs/${run.id}/requests/${fj.json().request_id}/approve`, {}), 404);
    apiError(await o.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/${fj.json().request_id}/refuse`, {}), 403);
    apiError(await o.api('PATCH', `/api/v1/orgs/other/runs/${run.id}`, { rotate_code: true }), 404);
    assert.equal((await o.get(`/o/other/runs/${run.id}/requests`)).status, 404);
    assert.equal((await o.get(`/o/demo/runs/${run.id}/requests`)).status, 403);
  }
  // The staff page lists both, escaped, with Approve and Refuse forms.
  const list = await t.get(`/o/demo/runs/${run.id}/requests`);
  assert.equal(list.status, 200);
  assert.match(list.text, /Élodie Learner/);
  assert.match(list.text, /François Learner/);
  assert.ok(list.text.includes('I work nights &lt;b&gt;please&lt;/b&gt;'));
  assert.ok(!list.text.includes('<b>please'));
  assert.match(list.text, /formaction="[^"]*\/refuse"/);
  const api = (await a.get(`/api/v1/orgs/demo/runs/${run.id}/requests`)).json().items;
  assert.deepEqual(api.map((q) => q.user.email), [DEMO.elodie.email, DEMO.francois.email], 'oldest first');
  const eReq = api[0], fReq = api[1];
  // The trainer approves Élodie by the page's form; she is told, in French, and enrolled.
  const ok = await t.postForm(`/o/demo/runs/${run.id}/requests/${eReq.id}/approve`, { reply: 'Welcome aboard' }, { from: `/o/demo/runs/${run.id}/requests` });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(ok.location, `/o/demo/runs/${run.id}/requests`);
  const yes = await waitForMail(store.data, DEMO.elodie.email, { match: /acceptée/, seen });
  assert.match(yes.subject, /^Demande acceptée — /);
  assert.match(yes.body, /Welcome aboard/);
  assert.equal(linkIn(yes, `/courses/${course.id}`).pathname, `/courses/${course.id}`);
  const ep = await e.get(`/courses/${course.id}`);
  assert.equal(ep.status, 200);
  assert.match(ep.text, /Votre formateur\u202f: Théo Formateur/);
  assert.doesNotMatch((await e.get('/')).text, /En attente de validation/);
  // The single seat is taken: approving François is refused, his request stays.
  apiError(await a.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/${fReq.id}/approve`, {}), 409, 'full');
  assert.equal((await a.get(`/api/v1/orgs/demo/runs/${run.id}/requests`)).json().items.length, 1);
  const fullPage = await t.postForm(`/o/demo/runs/${run.id}/requests/${fReq.id}/approve`, {}, { from: `/o/demo/runs/${run.id}/requests` });
  assert.equal(fullPage.status, 409);
  assert.match(fullPage.text, /This session is full/);
  // Refused, with a reason; he is told, and cannot ask again.
  const no = await a.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/${fReq.id}/refuse`, { message: 'The cohort is full, sorry' });
  assert.equal(no.status, 200, no.text);
  assert.equal(no.json().status, 'refused');
  assert.equal(no.json().reply, 'The cohort is full, sorry');
  const nope = await waitForMail(store.data, DEMO.francois.email, { match: /declined/, seen });
  assert.match(nope.body, /The cohort is full, sorry/);
  apiError(await a.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/${fReq.id}/approve`, {}), 409, 'decided');
  apiError(await a.api('POST', `/api/v1/orgs/demo/runs/${run.id}/requests/999999/approve`, {}), 404, 'not_found');
  apiError(await f.api('POST', '/api/v1/join', { code: run.join_code }), 409, 'refused');
  assert.match((await fForm.get(link)).text, /declined your request/);
  assert.deepEqual((await f.get('/api/v1/me/requests')).json().items, []);
  // The decisions are kept, with who decided.
  const decided = (await a.get(`/api/v1/orgs/demo/runs/${run.id}/requests?status=all`)).json().items;
  assert.deepEqual(decided.map((q) => [q.user.email, q.status]).sort(), [[DEMO.elodie.email, 'approved'], [DEMO.francois.email, 'refused']]);
  apiError(await a.get(`/api/v1/orgs/demo/runs/${run.id}/requests?status=maybe`), 400, 'bad_request');
  assert.match((await t.get(`/o/demo/runs/${run.id}/requests`)).text, /Decided/);
  Object.assign(state, { course, run, trainerId, fReq });
});

test('without a named trainer, every trainer and administrator of the organisation is told; refusing by the page', async () => {
  const a = await admin();
  const { run } = await spocCourse(a);
  assert.equal((await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { approval: true })).json().approval, true);
  const seen = new Set(listMail(store.data).map((m) => m.file));
  const f = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const asked = await f.api('POST', '/api/v1/join', { code: run.join_code, message: 'Hello' });
  assert.equal(asked.status, 202);
  await waitForMail(store.data, DEMO.trainer.email, { match: /asks to join/, seen });
  await waitForMail(store.data, DEMO.admin.email, { match: /asks to join/, seen });
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const refused = await t.postForm(`/o/demo/runs/${run.id}/requests/${asked.json().request_id}/refuse`, { reply: '' }, { from: `/o/demo/runs/${run.id}/requests` });
  assert.equal(refused.status, 303);
  await waitForMail(store.data, DEMO.francois.email, { match: /declined/, seen });
  const again = await t.postForm(`/o/demo/runs/${run.id}/requests/${asked.json().request_id}/refuse`, {}, { from: `/o/demo/runs/${run.id}/requests` });
  assert.equal(again.status, 409);
});

test('settings: the named trainer must teach in the organisation; null removes them; without approval the capacity holds at join', async () => {
  const a = await admin();
  const { course, run } = await spocCourse(a, { capacity: 1 });
  const learnerId = await memberId(a, DEMO.elodie.email);
  const trainerId = await memberId(a, DEMO.trainer.email);
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { trainer_id: learnerId }), 422, 'invalid');
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { trainer_id: 'theo' }), 422, 'invalid');
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { approval: 'yes' }), 422, 'invalid');
  apiError(await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { rotate_code: false }), 422, 'invalid');
  const set = await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { trainer_id: trainerId });
  assert.equal(set.json().trainer.id, trainerId);
  assert.equal(set.json().join_code, run.join_code, 'settings leave the code alone');
  const cleared = await a.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { trainer_id: null });
  assert.equal(cleared.json().trainer, null);
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const bad = await t.postForm(`/o/demo/runs/${run.id}/settings`, { trainer_id: String(learnerId) }, { from: `/courses/${course.id}` });
  assert.equal(bad.status, 422);
  // Another organisation's session cannot be reached through one's own routes.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await o.get(`/api/v1/orgs/other/runs/${run.id}`), 404);
  apiError(await o.get(`/api/v1/orgs/demo/runs/${run.id}`), 403);
  // One seat, no approval: the first joins, the second is refused.
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await e.api('POST', '/api/v1/join', { code: run.join_code })).status, 201);
  apiError(await o.api('POST', '/api/v1/join', { code: run.join_code }), 409, 'full');
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const full = await f.postForm(`/join/${run.join_code}`, {});
  assert.equal(full.status, 409);
  assert.match(full.text, /This session is full/);
  // A seat freed is a seat taken.
  assert.equal((await e.api('DELETE', `/api/v1/runs/${run.id}/enrolment`)).status, 204);
  assert.equal((await o.api('POST', '/api/v1/join', { code: run.join_code })).status, 201);
});

test('a draft course: its SPOC link is a 404 for learners, a preview for its staff', async () => {
  const a = await admin();
  const course = (await a.api('POST', '/api/v1/orgs/demo/courses', { code: `DR-${uniq()}`, title: 'Draft cohort', published: false })).json();
  const id = (await a.api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'S', visibility: 'spoc' })).json().id;
  const code = (await a.get(`/api/v1/orgs/demo/runs/${id}`)).json().join_code;
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await e.get(`/join/${code}`)).status, 404);
  apiError(await e.api('POST', '/api/v1/join', { code }), 404, 'not_found');
  const staffView = await a.get(`/join/${code}`);
  assert.equal(staffView.status, 200);
  assert.match(staffView.text, /Draft/);
});

test('after a restart: codes, settings, enrolments and decisions are all there', async () => {
  assert.ok(state.run, 'the approval test ran');
  await srv.stop();
  srv = await startServer(store);
  const a = await admin();
  const run = (await a.get(`/api/v1/orgs/demo/runs/${state.run.id}`)).json();
  assert.equal(run.join_code, state.run.join_code);
  assert.equal(run.approval, true);
  assert.equal(run.trainer.id, state.trainerId);
  const decided = (await a.get(`/api/v1/orgs/demo/runs/${state.run.id}/requests?status=refused`)).json().items;
  assert.equal(decided.length, 1);
  assert.equal(decided[0].id, state.fReq.id);
  assert.equal(decided[0].reply, 'The cohort is full, sorry');
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const page = await e.get(`/courses/${state.course.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Votre formateur\u202f: Théo Formateur/);
  assert.match((await e.get(`/join/${state.run.join_code}`)).text, /Vous êtes inscrit à cette session/);
});
