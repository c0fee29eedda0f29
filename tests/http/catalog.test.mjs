// catalog.test.mjs — courses and runs (issue 3, first slice): trainers
// create drafts, publish, add sessions; the public catalog shows a published
// course only with a session the viewer may see (MOOC: everyone; corporate:
// members; SPOC: never listed); pages and API agree; input is checked.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinForm, signinApi, apiError, uniq, cli } from './lib.mjs';

// scripts/test.sh runs this file twice: on SQLite, then with
// LECTERN_HTTP_PG=1 on PostgreSQL (a database of its own), so the catalog's
// SQL is checked on both backends.
const store = demoStore('catalog');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
const srv = await startServer(store);
after(() => stopAll(srv));

const anon = () => new Client(srv);
const catalogTitles = async (c, q = '') => (await c.get(`/api/v1/courses?q=${encodeURIComponent(q)}`)).json().items.map((x) => x.title);

test('the demo course is in the public catalog, its page and its JSON', async () => {
  const page = await anon().get('/courses');
  assert.equal(page.status, 200);
  assert.match(page.text, /Workplace safety essentials/);
  const list = (await anon().get('/api/v1/courses')).json().items;
  const demo = list.find((c) => c.code === 'SAFE-101');
  assert.ok(demo);
  const one = await anon().get(`/courses/${demo.id}`);
  assert.equal(one.status, 200);
  assert.match(one.text, /Open session 2027/);
  const j = (await anon().get(`/api/v1/courses/${demo.id}`)).json();
  assert.equal(j.runs.length, 1);
  assert.equal(j.runs[0].visibility, 'mooc');
  // Search ignores case and accents.
  assert.ok((await catalogTitles(anon(), 'SÂFETY')).includes('Workplace safety essentials'));
  assert.deepEqual(await catalogTitles(anon(), 'no such thing at all'), []);
});

test('the demo\'s second course comes from its package: a quiz, a live drill, a peer assessment and a forum', async () => {
  const fire = (await anon().get('/api/v1/courses')).json().items.find((c) => c.code === 'FIRE-201');
  assert.ok(fire, 'FIRE-201 is in the public catalog');
  const course = (await anon().get(`/api/v1/courses/${fire.id}`)).json();
  assert.equal(course.runs.length, 1);
  const run = course.runs[0].id;
  const outline = (await anon().get(`/api/v1/courses/${fire.id}/outline`)).json();
  const units = outline.sections.flatMap((s) => s.units);
  assert.deepEqual(outline.sections.map((s) => s.title), ['Before the drill', 'On the day', 'After the drill']);
  assert.deepEqual(units.map((u) => u.kind), ['text', 'quiz', 'text', 'live', 'assignment']);
  const unit = (kind) => units.find((u) => u.kind === kind).id;

  const learner = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.match((await learner.get('/')).text, /You are not enrolled in any course yet\./);
  assert.equal((await learner.api('POST', `/api/v1/runs/${run}/enrolment`)).status, 201);
  const quiz = await learner.get(`/api/v1/runs/${run}/units/${unit('quiz')}/quiz`);
  assert.equal(quiz.status, 200, quiz.text);
  assert.equal(quiz.json().pass_mark, 700);
  assert.equal(quiz.json().questions, 5);
  const assignment = (await learner.get(`/api/v1/runs/${run}/units/${unit('assignment')}/assignment`)).json();
  assert.equal(assignment.reviewers, 2);
  assert.equal(assignment.rubric.criteria.length, 2);
  assert.ok(Date.parse(assignment.submit_by) > Date.now(), 'the deadlines are counted from the day of the demo');

  const trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const sessions = (await trainer.get(`/api/v1/orgs/demo/runs/${run}/sessions`)).json().items;
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].unit_id, unit('live'));
  assert.ok(Date.parse(sessions[0].starts_at) > Date.now());
  const threads = (await learner.get(`/api/v1/runs/${run}/forum/threads`)).json().items;
  assert.equal(threads.length, 1);
  assert.match(threads[0].title, /Welcome/);

  // Coming up, on the home page and in the API: the drill, then the report to submit; gone once submitted.
  const coming = async () => (await learner.get('/api/v1/me/upcoming')).json().items.filter((x) => x.run_id === run);
  let up = await coming();
  assert.deepEqual(up.map((x) => [x.kind, x.title]), [['session', 'Evacuation drill'], ['submit', 'Report a near miss']]);
  assert.equal(up[0].unit_id, unit('live'));
  assert.equal(up[0].session_id, sessions[0].id);
  assert.equal(up[1].at, assignment.submit_by);
  const home = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const page = (await home.get('/')).text;
  assert.match(page, /<h2>Coming up<\/h2>/);
  assert.match(page, new RegExp(`href="/runs/${run}/units/${unit('live')}">Evacuation drill</a>`));
  assert.match(page, /Submit by <time datetime="[^"]+">\d{4}-\d\d-\d\d 18:00 UTC<\/time>/);
  const sub = await learner.api('POST', `/api/v1/runs/${run}/units/${unit('assignment')}/submissions`, { text: 'A box in the aisle.' });
  assert.equal(sub.status, 201, sub.text);
  up = await coming();
  assert.deepEqual(up.map((x) => x.kind), ['session']);
  assert.equal((await new Client(srv).get('/api/v1/me/upcoming')).status, 401);
  // The trainer who leads the drill has it coming up too, linked to the session's page.
  const lead = (await trainer.get('/api/v1/me/upcoming')).json().items.filter((x) => x.run_id === run);
  assert.deepEqual(lead.map((x) => [x.kind, x.session_id, x.org]), [['lead', sessions[0].id, 'demo']]);
  const tp = (await (await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password)).get('/')).text;
  assert.match(tp, new RegExp(`href="/o/demo/sessions/${sessions[0].id}">Evacuation drill</a>`));
  assert.match(tp, /You lead this session/);
  assert.doesNotMatch(tp, /My courses|You are not enrolled/, 'staff who follow no course see no empty "My courses"');
});

test('a trainer builds a course in the browser pages: draft, publish, session', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const title = `Premiers secours <b>${uniq()}</b>`;
  const code = `PS-${uniq()}`;
  const made = await t.postForm('/o/demo/courses', { title, code, summary: 'Gestes qui sauvent', estimated_minutes: '90' });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const mine = (await t.get('/api/v1/orgs/demo/courses')).json().items.find((c) => c.code === code);
  assert.ok(mine, 'listed for its organisation, drafts included');
  assert.equal(mine.published, false);
  // A draft is nowhere for the public, but its trainers see it (escaped).
  assert.ok(!(await catalogTitles(anon())).includes(title));
  assert.equal((await anon().get(`/courses/${mine.id}`)).status, 404);
  const asTrainer = await t.get(`/courses/${mine.id}`);
  assert.equal(asTrainer.status, 200);
  assert.ok(asTrainer.text.includes('Premiers secours &lt;b&gt;'));
  assert.ok(!asTrainer.text.includes('<b>'));
  // Published but without a session: still not in the catalog.
  assert.equal((await t.postForm(`/o/demo/courses/${mine.id}/publish`, { published: '1' }, { from: '/o/demo/courses' })).status, 303);
  assert.ok(!(await catalogTitles(anon())).includes(title));
  // A MOOC session makes it public.
  assert.equal((await t.postForm(`/o/demo/courses/${mine.id}/runs`, { title: 'Printemps', visibility: 'mooc' }, { from: '/o/demo/courses' })).status, 303);
  assert.ok((await catalogTitles(anon())).includes(title));
  assert.equal((await anon().get(`/courses/${mine.id}`)).status, 200);
  // Bad input is refused with a message; nothing is created.
  const bad = await t.postForm('/o/demo/courses', { title: 'X', code: 'no spaces allowed' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /course code needs 2 to 40/);
  const dup = await t.postForm('/o/demo/courses', { title: 'Again', code });
  assert.equal(dup.status, 409);
});

test('SPOC sessions are never listed; corporate sessions only to members', async () => {
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const mk = async (vis) => {
    const c = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `V-${vis}-${uniq()}`, title: `Course ${vis} ${uniq()}`, published: true })).json();
    assert.equal((await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/runs`, { title: 'S1', visibility: vis })).status, 201);
    return c;
  };
  const spoc = await mk('spoc');
  const corp = await mk('corporate');
  const learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.ok(!(await catalogTitles(anon())).includes(spoc.title));
  assert.ok(!(await catalogTitles(learner)).includes(spoc.title));
  assert.equal((await anon().get(`/courses/${spoc.id}`)).status, 404);
  assert.ok((await catalogTitles(learner)).includes(corp.title), 'members see corporate courses');
  assert.ok(!(await catalogTitles(outsider)).includes(corp.title), 'other organisations do not');
  assert.equal((await outsider.get(`/courses/${corp.id}`)).status, 404);
  assert.equal((await outsider.get(`/api/v1/courses/${corp.id}`)).status, 404);
  // The organisation's staff see everything, runs included.
  assert.equal((await admin.get(`/api/v1/courses/${spoc.id}`)).json().runs.length, 1);
});

test('API: checks, conflicts, updates; learners and other organisations cannot edit', async () => {
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  apiError(await admin.api('POST', '/api/v1/orgs/demo/courses', { code: 'A B', title: 'T' }), 422, 'invalid');
  apiError(await admin.api('POST', '/api/v1/orgs/demo/courses', { code: 'OK-1', title: '' }), 422, 'invalid');
  apiError(await admin.api('POST', '/api/v1/orgs/demo/courses', { code: 'OK-1', title: 'T', estimated_minutes: -5 }), 422, 'invalid');
  apiError(await admin.api('POST', '/api/v1/orgs/demo/courses', { code: 'OK-1', title: 'T', lang: 'de' }), 422, 'invalid');
  const code = `API-${uniq()}`;
  const c = await admin.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'API course', estimated_minutes: 45 });
  assert.equal(c.status, 201);
  const id = c.json().id;
  apiError(await admin.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'Dup' }), 409, 'exists');
  const p = await admin.api('PATCH', `/api/v1/orgs/demo/courses/${id}`, { title: 'API course, renamed', published: true });
  assert.equal(p.status, 200);
  assert.equal(p.json().title, 'API course, renamed');
  assert.equal(p.json().estimated_minutes, 45);
  apiError(await admin.api('POST', `/api/v1/orgs/demo/courses/${id}/runs`, { title: 'S', visibility: 'public' }), 422, 'invalid');
  apiError(await admin.api('POST', `/api/v1/orgs/demo/courses/${id}/runs`, { title: 'S', visibility: 'mooc', starts_at: 2000, ends_at: 1000 }), 422, 'invalid');
  const learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await learner.api('PATCH', `/api/v1/orgs/demo/courses/${id}`, { title: 'Hacked' })).status, 403);
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  // Through its own organisation's route, another organisation's course does not exist.
  apiError(await outsider.api('PATCH', `/api/v1/orgs/other/courses/${id}`, { title: 'Hacked' }), 404, 'not_found');
  apiError(await outsider.api('POST', `/api/v1/orgs/other/courses/${id}/runs`, { title: 'S', visibility: 'mooc' }), 404, 'not_found');
  assert.equal((await admin.get(`/api/v1/courses/${id}`)).json().title, 'API course, renamed');
});

test('enrolment: sign in to enrol, enrol by form and API, my courses, leave; SPOC and corporate rules; capacity', async () => {
  const demo = (await anon().get('/api/v1/courses?q=SAFE-101')).json().items[0];
  const run = (await anon().get(`/api/v1/courses/${demo.id}`)).json().runs[0];
  assert.match((await anon().get(`/courses/${demo.id}`)).text, /Sign in to enrol/);
  // By form: the course page's button, then the home page lists the course.
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const enrolled = await f.postForm(`/runs/${run.id}/enrol`, {}, { from: `/courses/${demo.id}` });
  assert.equal(enrolled.status, 303);
  assert.equal(enrolled.location, `/courses/${demo.id}`);
  assert.match((await f.get(`/courses/${demo.id}`)).text, /Go to the course/);
  assert.match((await f.get('/')).text, /Workplace safety essentials/);
  assert.equal((await f.postForm(`/runs/${run.id}/withdraw`, {}, { from: `/courses/${demo.id}` })).status, 303);
  assert.doesNotMatch((await f.get('/')).text, /Workplace safety essentials/);
  // By API: idempotent, listed, then left.
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await e.api('POST', `/api/v1/runs/${run.id}/enrolment`)).status, 201);
  assert.equal((await e.api('POST', `/api/v1/runs/${run.id}/enrolment`)).status, 201);
  assert.ok((await e.get('/api/v1/me/enrolments')).json().items.some((x) => x.run_id === run.id));
  assert.equal((await e.api('DELETE', `/api/v1/runs/${run.id}/enrolment`)).status, 204);
  apiError(await e.api('DELETE', `/api/v1/runs/${run.id}/enrolment`), 404, 'not_found');
  apiError(await e.api('POST', '/api/v1/runs/999999/enrolment'), 404, 'not_found');
  // SPOC: by invitation only; corporate: members only; nothing written when refused.
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const mk = async (vis) => {
    const c = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `E-${vis}-${uniq()}`, title: `E ${vis}`, published: true })).json();
    return (await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/runs`, { title: 'S', visibility: vis })).json().id;
  };
  const spocRun = await mk('spoc');
  const corpRun = await mk('corporate');
  apiError(await e.api('POST', `/api/v1/runs/${spocRun}/enrolment`), 409, 'closed');
  assert.equal((await e.api('POST', `/api/v1/runs/${corpRun}/enrolment`)).status, 201, 'a member enrols in a corporate session');
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await outsider.api('POST', `/api/v1/runs/${corpRun}/enrolment`), 404, 'not_found');
  assert.ok(!(await outsider.get('/api/v1/me/enrolments')).json().items.some((x) => x.run_id === corpRun));
  // A token of another organisation cannot enrol its owner elsewhere.
  const tok = (await outsider.api('POST', '/api/v1/orgs/other/tokens', { name: `t ${uniq()}`, role: 'learner' })).json().token;
  apiError(await new Client(srv, { bearer: tok }).req('POST', `/api/v1/runs/${run.id}/enrolment`), 404, 'not_found');
  // A full session refuses the next learner.
  const c1 = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `CAP-${uniq()}`, title: 'Capped', published: true })).json();
  apiError(await admin.api('POST', `/api/v1/orgs/demo/courses/${c1.id}/runs`, { title: 'S', visibility: 'mooc', capacity: 0 }), 422, 'invalid');
  const capped = (await admin.api('POST', `/api/v1/orgs/demo/courses/${c1.id}/runs`, { title: 'One seat', visibility: 'mooc', capacity: 1 })).json().id;
  assert.equal((await e.api('POST', `/api/v1/runs/${capped}/enrolment`)).status, 201);
  apiError(await outsider.api('POST', `/api/v1/runs/${capped}/enrolment`), 409, 'full');
  assert.equal((await e.api('DELETE', `/api/v1/runs/${capped}/enrolment`)).status, 204);
  assert.equal((await outsider.api('POST', `/api/v1/runs/${capped}/enrolment`)).status, 201, 'a freed seat can be taken');
  // Without a CSRF header a cookie session cannot enrol.
  apiError(await e.req('POST', `/api/v1/runs/${run.id}/enrolment`), 403, 'csrf');
});

test('programmes: a training plan of ordered courses with its assistance and response delay', async () => {
  // The demo programme is public through its public course.
  const demoProg = await anon().get('/api/v1/programmes/1');
  assert.equal(demoProg.status, 200);
  assert.equal(demoProg.json().response_hours, 24);
  assert.match((await anon().get('/programmes/1')).text, /Trainers answer within 24 h/);
  assert.match(demoProg.json().prerequisites, /first programme/);
  assert.match((await anon().get('/programmes/1')).text, /<h2>Prerequisites<\/h2>/);
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const mk = async (title, published) => (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `P-${uniq()}`, title, published })).json();
  const a = await mk('Part A', true), b = await mk('Part B draft', false);
  await admin.api('POST', `/api/v1/orgs/demo/courses/${a.id}/runs`, { title: 'S', visibility: 'mooc' });
  apiError(await admin.api('POST', '/api/v1/orgs/demo/programmes', { title: '' }), 422, 'invalid');
  apiError(await admin.api('POST', '/api/v1/orgs/demo/programmes', { title: 'X', response_hours: 9999 }), 422, 'invalid');
  const p = await admin.api('POST', '/api/v1/orgs/demo/programmes', { title: 'Induction B', assistance: 'Forum + weekly call', response_hours: 12, prerequisites: 'Part A <b>first</b>' });
  assert.equal(p.status, 201);
  assert.equal(p.json().prerequisites, 'Part A <b>first</b>');
  const pid = p.json().id;
  // Only its drafts so far: hidden from the public, visible to its staff.
  await admin.api('PUT', `/api/v1/orgs/demo/programmes/${pid}/courses`, { course_ids: [b.id] });
  assert.equal((await anon().get(`/api/v1/programmes/${pid}`)).status, 404);
  assert.equal((await anon().get(`/programmes/${pid}`)).status, 404);
  assert.equal((await admin.get(`/api/v1/programmes/${pid}`)).json().courses.length, 1);
  // Order as given; the public sees the published course only.
  const set = await admin.api('PUT', `/api/v1/orgs/demo/programmes/${pid}/courses`, { course_ids: [b.id, a.id] });
  assert.equal(set.status, 200);
  assert.deepEqual(set.json().courses.map((c) => c.id), [b.id, a.id]);
  assert.deepEqual((await anon().get(`/api/v1/programmes/${pid}`)).json().courses.map((c) => c.id), [a.id]);
  // A course of another organisation cannot be put in; nothing changes.
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const theirs = (await outsider.api('POST', '/api/v1/orgs/other/courses', { code: `O-${uniq()}`, title: 'Theirs' })).json();
  apiError(await admin.api('PUT', `/api/v1/orgs/demo/programmes/${pid}/courses`, { course_ids: [a.id, theirs.id] }), 422, 'invalid');
  assert.deepEqual((await admin.get(`/api/v1/programmes/${pid}`)).json().courses.map((c) => c.id), [b.id, a.id]);
  apiError(await outsider.api('PUT', `/api/v1/orgs/other/programmes/${pid}/courses`, { course_ids: [] }), 404, 'not_found');
  // The pages: create and order by form.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  assert.equal((await t.postForm('/o/demo/programmes', { title: 'Form programme', response_hours: '36' })).status, 303);
  const fp = (await t.get('/api/v1/orgs/demo/programmes')).json().items.find((x) => x.title === 'Form programme');
  assert.ok(fp);
  const saved = await t.postForm(`/o/demo/programmes/${fp.id}/courses`, { [`pos_${a.id}`]: '2', [`pos_${b.id}`]: '1' }, { from: '/o/demo/programmes' });
  assert.equal(saved.status, 303);
  assert.deepEqual((await t.get(`/api/v1/programmes/${fp.id}`)).json().courses.map((c) => c.id), [b.id, a.id]);
  assert.equal((await t.postForm(`/o/demo/programmes/${fp.id}/courses`, { [`pos_${a.id}`]: 'first' }, { from: '/o/demo/programmes' })).status, 422);
});

test('bulk enrolment from CSV: preview with a report by line, then applied at once; capacity and membership kept', async () => {
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const c = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `B-${uniq()}`, title: 'Bulk course', published: true })).json();
  const run = (await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/runs`, { title: 'Corporate', visibility: 'corporate', capacity: 2 })).json().id;
  const csv = 'email\r\nelodie@lectern.test\nFRANCOIS@lectern.test,extra column\nnobody@lectern.test\noutsider@other.test\nnot-an-email\ntrainer@lectern.test\n';
  const post = (q) => admin.req('POST', `/api/v1/orgs/demo/runs/${run}/enrolments/import${q}`, { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  const preview = await post('');
  assert.equal(preview.status, 200);
  const p = preview.json();
  assert.equal(p.applied, false);
  assert.deepEqual(p.lines.map((l) => [l.line, l.action]), [[2, 'enrol'], [3, 'enrol'], [4, 'error'], [5, 'error'], [6, 'error'], [7, 'error']]);
  assert.match(p.lines[2].message, /No account/);
  assert.match(p.lines[3].message, /members only/);
  assert.match(p.lines[5].message, /full/, 'capacity 2: the third member is refused');
  assert.equal((await admin.get(`/api/v1/courses/${c.id}`)).status, 200);
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.ok(!(await e.get('/api/v1/me/enrolments')).json().items.some((x) => x.run_id === run), 'a preview writes nothing');
  const applied = await post('?apply=1');
  assert.equal(applied.status, 201);
  assert.equal(applied.json().enrolled, 2);
  assert.ok((await e.get('/api/v1/me/enrolments')).json().items.some((x) => x.run_id === run));
  // Again: already enrolled lines are skipped.
  assert.deepEqual((await post('')).json().lines.slice(0, 2).map((l) => l.action), ['skip', 'skip']);
  // The page: preview by form, with the report.
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await t.postForm(`/o/demo/runs/${run}/enrol-csv`, { csv: 'nobody@lectern.test\n' });
  assert.equal(page.status, 200);
  assert.match(page.text, /No account uses this e-mail address/);
  // Another organisation's session does not exist through one's own routes.
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await outsider.req('POST', `/api/v1/orgs/other/runs/${run}/enrolments/import`, { body: 'x@y.test\n', headers: { 'content-type': 'text/csv' }, csrf: true }), 404, 'not_found');
});

test('catalog filters: language, organisation, mode and duration, in the page and the API; bad values refused', async () => {
  const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const tag = uniq();
  const mk = async (title, lang, minutes, vis) => {
    const c = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `F-${uniq()}`, title: `${title} ${tag}`, lang, estimated_minutes: minutes, published: true })).json();
    await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/runs`, { title: 'S', visibility: vis });
    return c.title;
  };
  const fr = await mk('Filtre FR', 'fr', 30, 'mooc');
  const en = await mk('Filter EN', 'en', 600, 'mooc');
  const corp = await mk('Filter corporate', 'en', 30, 'corporate');
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const titles = async (qs) => (await e.get(`/api/v1/courses?q=${tag}&${qs}`)).json().items.map((x) => x.title).sort();
  assert.deepEqual(await titles(''), [corp, en, fr].sort());
  assert.deepEqual(await titles('lang=fr'), [fr]);
  assert.deepEqual(await titles('max_minutes=60'), [corp, fr].sort());
  assert.deepEqual(await titles('mode=corporate'), [corp]);
  assert.deepEqual(await titles('org=other'), []);
  assert.deepEqual(await titles('org=demo&lang=en&mode=mooc'), [en]);
  for (const bad of ['lang=de', 'mode=spoc', 'max_minutes=-1', 'max_minutes=abc', 'offset=-3'])
    apiError(await e.get(`/api/v1/courses?${bad}`), 400, 'bad_request');
  const page = await e.get(`/courses?q=${tag}&lang=fr`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(fr) && !page.text.includes(en));
  assert.equal((await e.get('/courses?mode=nope')).status, 400);
});

test('trainers edit a course, a session and a programme in the pages and the API', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const api = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const code = `ED-${uniq()}`;
  const c = (await api.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'To edit', published: true })).json();
  // The course: its details by form; a taken code is refused with the form again.
  const edit = `/o/demo/courses/${c.id}/edit`;
  assert.equal((await t.get(edit)).status, 200);
  let r = await t.postForm(edit, { title: 'Edited <title>', code, summary: 'New summary', objectives: 'Line 1\nLine 2', lang: 'fr', estimated_minutes: '45' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const after = (await api.get(`/api/v1/courses/${c.id}`)).json();
  assert.equal(after.title, 'Edited <title>');
  assert.equal(after.lang, 'fr');
  assert.equal(after.estimated_minutes, 45);
  r = await t.postForm(edit, { title: 'x', code: 'SAFE-101', lang: 'en' });
  assert.equal(r.status, 422);
  assert.match(r.text, /has this code/);
  assert.equal((await t.postForm(edit, { title: 'x', code, estimated_minutes: 'lots' })).status, 422);
  // The session: pacing, dates, enrolment window, capacity (UTC).
  const run = (await api.api('POST', `/api/v1/orgs/demo/courses/${c.id}/runs`, { title: 'S1', visibility: 'mooc', starts_at: '2027-01-04T09:00:00Z' })).json();
  assert.equal(run.pacing, 'self');
  const redit = `/o/demo/runs/${run.id}/edit`;
  assert.match((await t.get(redit)).text, /value="2027-01-04T09:00"/);
  r = await t.postForm(redit, { title: 'S1 renamed', pacing: 'instructor', starts_at: '2027-01-04T09:00', ends_at: '2027-01-03T09:00' });
  assert.equal(r.status, 422, 'ends before it starts');
  r = await t.postForm(redit, { title: 'S1 renamed', pacing: 'instructor', starts_at: '2027-01-04T09:00', ends_at: '2027-02-04T17:00',
    enrol_from: '', enrol_until: '2027-01-10T00:00', capacity: '30' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  // The named trainer, for any kind of session, shown to every visitor.
  const me = (await api.get('/api/v1/me')).json();
  r = await t.postForm(redit, { title: 'S1 renamed', pacing: 'instructor', starts_at: '2027-01-04T09:00', ends_at: '2027-02-04T17:00',
    enrol_until: '2027-01-10T00:00', capacity: '30', trainer_id: String(me.id) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match((await new Client(srv).get(`/courses/${c.id}`)).text, /Trainer: Théo Formateur/);
  assert.equal((await t.postForm(redit, { title: 'S1 renamed', trainer_id: '999999' })).status, 422);
  let got = (await api.get(`/api/v1/orgs/demo/runs/${run.id}`)).json();
  assert.equal(got.title, 'S1 renamed');
  assert.equal(got.capacity, 30);
  r = await api.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { capacity: null, enrol_until: null, pacing: 'sometimes' });
  apiError(r, 422, 'invalid');
  r = await api.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { capacity: null, enrol_until: 'tomorrow' });
  apiError(r, 422, 'invalid');
  r = await api.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { capacity: null, ends_at: '2027-03-01' });
  assert.equal(r.status, 200, r.text);
  got = (await api.get(`/api/v1/orgs/demo/runs/${run.id}`)).json();
  assert.ok(!got.capacity, 'capacity cleared');
  // The programme: every fact of the training plan.
  const p = (await api.api('POST', '/api/v1/orgs/demo/programmes', { title: 'Plan to edit' })).json();
  r = await t.postForm(`/o/demo/programmes/${p.id}/edit`, { title: 'Plan edited', objectives: 'Goals', prerequisites: 'None',
    assistance: 'Forum', estimated_minutes: '120', response_hours: '72' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  r = await api.api('PATCH', `/api/v1/orgs/demo/programmes/${p.id}`, { response_hours: 24 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json().prerequisites, 'None');
  assert.equal(r.json().response_hours, 24);
  apiError(await api.api('PATCH', `/api/v1/orgs/demo/programmes/${p.id}`, { response_hours: 9999 }), 422, 'invalid');
  // Another organisation reaches none of it.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.api('PATCH', `/api/v1/orgs/other/programmes/${p.id}`, { title: 'x' })).status, 404);
  assert.equal((await o.api('PATCH', `/api/v1/orgs/demo/runs/${run.id}`, { title: 'x' })).status, 403);
});
