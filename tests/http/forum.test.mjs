// forum.test.mjs — the run forum and the record of trainer assistance
// (issue 5, first slice; docs/forum.md): a learner asks, another replies, a
// trainer replies (first trainer reply recorded and chained in the ledger),
// endorses and marks answered; the response-time report; stored XSS
// neutralised; outsiders refused; votes counted once.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinForm, signinApi, apiError, cli, csrfFrom, waitForMail, linkIn } from './lib.mjs';

const store = demoStore('forum');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
cli(store, 'user', 'add', 'nobody@lectern.test', 'No Body', '--password', 'nobody-pass-123', '--org', 'demo', '--role', 'learner');
cli(store, 'user', 'add', 'rapid@lectern.test', 'Rapid Poster', '--password', 'rapid-pass-1234', '--org', 'demo', '--role', 'learner');
const srv = await startServer(store);
after(() => stopAll(srv));

const RUN = 1;
const base = `/api/v1/runs/${RUN}/forum/threads`;
const ledgerEntries = async (admin) => {
  const res = await admin.get('/api/v1/orgs/demo/ledger/verify');
  assert.equal(res.status, 200, res.text);
  const j = res.json();
  assert.equal(j.ok, true, res.text);
  return j.entries;
};

let elodie, francois, trainer, admin, question;

test('a learner asks, another replies, the trainer replies, endorses and marks answered; the ledger records it', async () => {
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const en = await francois.api('POST', `/api/v1/runs/${RUN}/enrolment`);
  assert.ok([200, 201].includes(en.status), en.text);

  const before = await ledgerEntries(admin);
  const q = await elodie.api('POST', base, { kind: 'question', title: 'How long is the course?', body: 'I wonder **how long** it takes.' });
  assert.equal(q.status, 201, q.text);
  question = q.json();
  assert.equal(question.kind, 'question');
  assert.equal(question.posts.length, 1);
  assert.match(question.posts[0].body_html, /<strong>how long<\/strong>/);

  const r1 = await francois.api('POST', `${base}/${question.id}/posts`, { body: 'About two hours, I think.' });
  assert.equal(r1.status, 201, r1.text);
  let t = (await elodie.get(`${base}/${question.id}`)).json();
  assert.equal(t.first_trainer_reply_at, null, 'a learner reply is not assistance');

  const r2 = await trainer.api('POST', `${base}/${question.id}/posts`, { body: 'Three hours in all.' });
  assert.equal(r2.status, 201, r2.text);
  const trainerPost = r2.json();
  t = (await elodie.get(`${base}/${question.id}`)).json();
  assert.ok(t.first_trainer_reply_at, 'first trainer reply recorded');
  assert.equal(typeof t.first_trainer_reply_by, 'number');
  assert.equal(t.posts.find((p) => p.id === trainerPost.id).author_id, t.first_trainer_reply_by, 'by the trainer');
  assert.equal(await ledgerEntries(admin), before + 1, 'one assistance.reply entry, and the chain verifies');

  // a second trainer reply is not a second first reply
  const r3 = await trainer.api('POST', `${base}/${question.id}/posts`, { body: 'And a quiz.', parent_id: r1.json().id });
  assert.equal(r3.status, 201, r3.text);
  assert.equal(r3.json().parent_id, r1.json().id);
  // a reply to a reply attaches to the top-level reply
  const r4 = await elodie.api('POST', `${base}/${question.id}/posts`, { body: 'Thanks!', parent_id: r3.json().id });
  assert.equal(r4.json().parent_id, r1.json().id, 'one level of nesting');
  assert.equal(await ledgerEntries(admin), before + 1);

  // endorse and answered: staff only
  apiError(await elodie.api('POST', `${base}/${question.id}/posts/${trainerPost.id}/endorse`), 403);
  apiError(await elodie.api('POST', `${base}/${question.id}/answered`), 403);
  const e = await trainer.api('POST', `${base}/${question.id}/posts/${trainerPost.id}/endorse`, { endorsed: true });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json().endorsed, true);
  const a = await trainer.api('POST', `${base}/${question.id}/answered`);
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json().answered_at);

  const unanswered = (await elodie.get(`${base}?sort=unanswered`)).json().items;
  assert.ok(!unanswered.some((x) => x.id === question.id), 'answered questions leave the unanswered list');
});

test('the assistance report shows the delay, for staff only', async () => {
  const res = await trainer.get(`/api/v1/orgs/demo/runs/${RUN}/assistance`);
  assert.equal(res.status, 200, res.text);
  const j = res.json();
  assert.equal(typeof j.response_hours, 'number');
  const row = j.items.find((x) => x.thread_id === question.id);
  assert.ok(row, 'the question is in the report');
  assert.ok(row.first_trainer_reply_at);
  assert.equal(typeof row.delay_seconds, 'number');
  assert.equal(row.overdue, false);
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const html = await page.get(`/o/demo/runs/${RUN}/assistance`);
  assert.equal(html.status, 200);
  assert.match(html.text, /How long is the course\?/);
  assert.match(html.text, /data-seconds="\d+"/);
  assert.match((await page.get(`/runs/${RUN}/forum`)).text, new RegExp(`href="/o/demo/runs/${RUN}/assistance"`), 'staff see the report link');
  apiError(await elodie.get(`/api/v1/orgs/demo/runs/${RUN}/assistance`), 403);
});

test('the pages: list, thread, and forms that work without JavaScript', async () => {
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const list = await e.get(`/runs/${RUN}/forum`);
  assert.equal(list.status, 200);
  assert.match(list.text, /How long is the course\?/);
  const created = await e.post(`/runs/${RUN}/forum`, { form: { _csrf: csrfFrom(list.text), kind: 'discussion', title: 'Hello all', body: 'Nice to meet you.' } });
  assert.equal(created.status, 303, created.text.slice(0, 300));
  const page = await e.get(created.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /Nice to meet you\./);
  const reply = await e.post(`${created.location}/posts`, { form: { _csrf: csrfFrom(page.text), body: 'Replying by form.' } });
  assert.equal(reply.status, 303);
  assert.match((await e.get(created.location)).text, /Replying by form\./);
  // the unit player links to the forum
  const learn = await e.get(`/runs/${RUN}/learn`);
  if (learn.status === 303) assert.match((await e.get(learn.location)).text, new RegExp(`href="/runs/${RUN}/forum"`));
});

test('stored XSS in titles, bodies and Markdown links is neutralised', async () => {
  const evil = await elodie.api('POST', base, {
    kind: 'discussion', title: '<script>alert(1)</script>"><img src=x onerror=alert(2)>',
    body: '[click](javascript:alert(3)) <script>alert(4)</script> <img src=x onerror=alert(5)> [ok](https://example.org)',
  });
  assert.equal(evil.status, 201, evil.text);
  const id = evil.json().id;
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  for (const p of [`/runs/${RUN}/forum`, `/runs/${RUN}/forum/${id}`]) {
    const html = (await e.get(p)).text;
    assert.ok(!html.includes('<script>alert'), `no script tag on ${p}`);
    assert.ok(!/<img[^>]*onerror/i.test(html), `no onerror on ${p}`);
    assert.ok(!/href="javascript:/i.test(html), `no javascript: link on ${p}`);
    assert.match(html, /&lt;script&gt;alert\(1\)/);
  }
  const body = evil.json().posts[0].body_html;
  assert.ok(!/href="javascript:/i.test(body), 'no javascript: link in body_html');
  assert.ok(!body.includes('<script'), 'no script tag in body_html');
  assert.match(body, /href="https:\/\/example.org"/);
});

test('limits: title and body length, kind', async () => {
  assert.equal(apiError(await elodie.api('POST', base, { kind: 'question', title: 'x'.repeat(201), body: 'b' }), 422).field, 'title');
  assert.equal((await elodie.api('POST', base, { kind: 'question', title: 'é'.repeat(200), body: 'b' })).status, 201, '200 characters, not bytes');
  assert.equal(apiError(await elodie.api('POST', base, { kind: 'question', title: 'ok', body: 'b'.repeat(20001) }), 422).field, 'body');
  assert.equal(apiError(await elodie.api('POST', base, { kind: 'poll', title: 'ok', body: 'b' }), 422).field, 'kind');
  assert.equal(apiError(await elodie.api('POST', base, { kind: 'question', title: '  ', body: 'b' }), 422).field, 'title');
});

test('votes count once', async () => {
  const t = (await elodie.get(`${base}/${question.id}`)).json();
  const post = t.posts[1];
  const v1 = await elodie.api('POST', `${base}/${question.id}/posts/${post.id}/vote`);
  assert.equal(v1.status, 200, v1.text);
  const v2 = await elodie.api('POST', `${base}/${question.id}/posts/${post.id}/vote`);
  assert.equal(v2.json().votes, v1.json().votes, 'a second vote is not counted');
  assert.equal(v2.json().counted, false);
  const v3 = await trainer.api('POST', `${base}/${question.id}/posts/${post.id}/vote`);
  assert.equal(v3.json().votes, v1.json().votes + 1);
});

test('a non-enrolled learner and another organisation cannot read or post', async () => {
  const nobody = await signinApi(srv, 'nobody@lectern.test', 'nobody-pass-123');
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  for (const who of [nobody, outsider]) {
    for (const res of [
      await who.get(base),
      await who.get(`${base}/${question.id}`),
      await who.api('POST', base, { kind: 'question', title: 't', body: 'b' }),
      await who.api('POST', `${base}/${question.id}/posts`, { body: 'b' }),
      await who.api('POST', `${base}/${question.id}/posts/${question.posts[0].id}/vote`),
      await who.get(`/api/v1/orgs/demo/runs/${RUN}/assistance`),
    ]) assert.ok([403, 404].includes(res.status), `refused: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const page = await signinForm(srv, 'nobody@lectern.test', 'nobody-pass-123');
  assert.ok([403, 404].includes((await page.get(`/runs/${RUN}/forum`)).status));
  assert.ok([403, 404].includes((await page.get(`/runs/${RUN}/forum/${question.id}`)).status));
  apiError(await new Client(srv).get(base), 401);
  // a thread of this run is not reachable through another run's path
  const other = await elodie.get(`/api/v1/runs/999999/forum/threads/${question.id}`);
  assert.equal(other.status, 404);
});

test('sorting by votes; unanswered questions past the programme\'s response time are overdue and listed first', async () => {
  const byVotes = (await elodie.get(`${base}?sort=votes`)).json().items;
  assert.equal(byVotes[0].id, question.id, `the voted thread first: ${JSON.stringify(byVotes.map((x) => [x.id, x.votes]))}`);
  for (let i = 1; i < byVotes.length; i++) assert.ok(byVotes[i - 1].votes >= byVotes[i].votes);

  const mine = (await elodie.get('/api/v1/me/enrolments')).json().items.find((x) => x.run_id === RUN);
  assert.ok(mine?.course_id, 'the run\'s course');
  const p = await admin.api('POST', '/api/v1/orgs/demo/programmes', { title: 'Fast answers', response_hours: 0 });
  assert.equal(p.status, 201, p.text);
  const put = await admin.api('PUT', `/api/v1/orgs/demo/programmes/${p.json().id}/courses`, { course_ids: [mine.course_id] });
  assert.ok(put.status < 300, put.text);
  const late = (await elodie.api('POST', base, { kind: 'question', title: 'Nobody answers?', body: 'Hello?' })).json();
  await new Promise((res) => setTimeout(res, 1100));
  const j = (await trainer.get(`/api/v1/orgs/demo/runs/${RUN}/assistance`)).json();
  assert.equal(j.response_hours, 0);
  const row = j.items.find((x) => x.thread_id === late.id);
  assert.equal(row.overdue, true);
  assert.equal(row.first_trainer_reply_at, null);
  assert.ok(row.delay_seconds >= 1);
  const firstOnTime = j.items.findIndex((x) => !x.overdue);
  assert.ok(firstOnTime === -1 || j.items.slice(firstOnTime).every((x) => !x.overdue), 'overdue questions first');
  const html = (await (await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password)).get(`/o/demo/runs/${RUN}/assistance`)).text;
  assert.match(html, /<tr class="overdue">/);
});

// ---- issue 5, continued: edit history and deletion by the author ----------

test('edits keep the earlier versions, visible in a history; the author deletes within the window', async () => {
  const t = (await elodie.api('POST', base, { kind: 'discussion', title: 'Edit me', body: 'version one <script>alert(7)</script>' })).json();
  const first = t.posts[0];
  assert.equal(first.can_edit, true);
  apiError(await francois.api('PATCH', `${base}/${t.id}/posts/${first.id}`, { body: 'not mine' }), 403);
  const e = await elodie.api('PATCH', `${base}/${t.id}/posts/${first.id}`, { body: 'version two' });
  assert.equal(e.status, 200, e.text);
  assert.ok(e.json().edited_at);
  const h = await francois.get(`${base}/${t.id}/posts/${first.id}/history`);
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json().items.map((x) => x.body), ['version one <script>alert(7)</script>']);
  assert.ok(!h.json().items[0].body_html.includes('<script'));

  const page = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const thread = (await page.get(`/runs/${RUN}/forum/${t.id}`)).text;
  assert.match(thread, new RegExp(`href="/runs/${RUN}/forum/${t.id}/posts/${first.id}/history">edited<`));
  const hist = await page.get(`/runs/${RUN}/forum/${t.id}/posts/${first.id}/history`);
  assert.equal(hist.status, 200);
  assert.match(hist.text, /version one &lt;script&gt;/);
  assert.match(hist.text, /version two/);
  assert.ok(!hist.text.includes('<script>alert(7)'));
  // another learner sees no edit or delete form; the author does, and edits by form
  assert.ok(!thread.includes(`/posts/${first.id}/delete`));
  const ep = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await page.get(`/runs/${RUN}/forum/${t.id}/posts/${first.id}/edit`)).status, 403);
  const form = await ep.get(`/runs/${RUN}/forum/${t.id}/posts/${first.id}/edit`);
  assert.equal(form.status, 200);
  assert.match(form.text, /<textarea[^>]*name="body"[^>]*>version two<\/textarea>/);
  const empty = await ep.post(`/runs/${RUN}/forum/${t.id}/posts/${first.id}/edit`, { form: { _csrf: csrfFrom(form.text), body: '' } });
  assert.equal(empty.status, 400);
  assert.match(empty.text, /class="field-error"/);
  const saved = await ep.post(`/runs/${RUN}/forum/${t.id}/posts/${first.id}/edit`, { form: { _csrf: csrfFrom(form.text), body: 'version three' } });
  assert.equal(saved.status, 303);
  assert.equal((await francois.get(`${base}/${t.id}/posts/${first.id}/history`)).json().items.length, 2);

  // delete: the author only; the post shows as deleted, its text is gone from the API
  const reply = (await francois.api('POST', `${base}/${t.id}/posts`, { body: 'regrettable words' })).json();
  apiError(await elodie.api('DELETE', `${base}/${t.id}/posts/${reply.id}`), 403);
  const d = await francois.api('DELETE', `${base}/${t.id}/posts/${reply.id}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json().deleted, true);
  const seen = (await elodie.get(`${base}/${t.id}`)).json().posts.find((p) => p.id === reply.id);
  assert.equal(seen.body, '');
  assert.equal(seen.body_html, '');
  const html = (await ep.get(`/runs/${RUN}/forum/${t.id}`)).text;
  assert.ok(!html.includes('regrettable words'));
  assert.match(html, /class="muted deleted"/);
  apiError(await elodie.get(`${base}/${t.id}/posts/${reply.id}/history`), 404);
  apiError(await francois.api('PATCH', `${base}/${t.id}/posts/${reply.id}`, { body: 'again' }), 403);
  // by form too
  const r2 = (await francois.api('POST', `${base}/${t.id}/posts`, { body: 'second thoughts' })).json();
  const tp = await page.get(`/runs/${RUN}/forum/${t.id}`);
  assert.match(tp.text, new RegExp(`/posts/${r2.id}/delete`));
  assert.equal((await page.post(`/runs/${RUN}/forum/${t.id}/posts/${r2.id}/delete`, { form: { _csrf: csrfFrom(tp.text) } })).status, 303);
  assert.equal((await elodie.get(`${base}/${t.id}`)).json().posts.find((p) => p.id === r2.id).deleted, true);

  // outsiders read no history
  const nobody = await signinApi(srv, 'nobody@lectern.test', 'nobody-pass-123');
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  for (const who of [nobody, outsider]) {
    assert.ok([403, 404].includes((await who.get(`${base}/${t.id}/posts/${first.id}/history`)).status));
    assert.ok([403, 404].includes((await who.api('DELETE', `${base}/${t.id}/posts/${first.id}`)).status));
  }
  assert.equal((await elodie.get(`/api/v1/runs/999999/forum/threads/${t.id}/posts/${first.id}/history`)).status, 404);
});

// ---- categories, pin, close, move, unread markers ---------------------------

test('trainers manage categories, pin, close and move; learners filter by category and see unread markers', async () => {
  apiError(await elodie.api('POST', `/api/v1/runs/${RUN}/forum/categories`, { name: 'Mine' }), 403);
  const cat = await trainer.api('POST', `/api/v1/runs/${RUN}/forum/categories`, { name: 'Week <b>1</b>' });
  assert.equal(cat.status, 201, cat.text);
  const catId = cat.json().id;
  apiError(await trainer.api('POST', `/api/v1/runs/${RUN}/forum/categories`, { name: 'Week <b>1</b>' }), 409);
  assert.equal(apiError(await trainer.api('POST', `/api/v1/runs/${RUN}/forum/categories`, { name: ' ' }), 422).field, 'name');
  assert.ok((await elodie.get(`/api/v1/runs/${RUN}/forum/categories`)).json().items.some((c) => c.id === catId));

  const t = (await francois.api('POST', base, { kind: 'question', title: 'In week one', body: 'q', category_id: catId })).json();
  assert.equal(t.category_id, catId);
  assert.equal(apiError(await francois.api('POST', base, { kind: 'question', title: 'x', body: 'q', category_id: 999999 }), 422).field, 'category_id');
  const filtered = (await elodie.get(`${base}?category=${catId}`)).json().items;
  assert.deepEqual(filtered.map((x) => x.id), [t.id]);
  // unread for elodie until she opens it; read for its author
  assert.equal((await elodie.get(base)).json().items.find((x) => x.id === t.id).unread, true);
  assert.equal((await francois.get(base)).json().items.find((x) => x.id === t.id).unread, false);
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const list = await e.get(`/runs/${RUN}/forum?category=${catId}`);
  assert.match(list.text, /<tr class="unread">/);
  assert.match(list.text, /Week &lt;b&gt;1&lt;\/b&gt;/, 'category names escaped');
  assert.ok(!list.text.includes('<b>1</b>'));
  await e.get(`/runs/${RUN}/forum/${t.id}`);
  assert.equal((await elodie.get(base)).json().items.find((x) => x.id === t.id).unread, false);

  // pin, close, move: staff only
  apiError(await elodie.api('PATCH', `${base}/${t.id}`, { pinned: true }), 403);
  const p = await trainer.api('PATCH', `${base}/${t.id}`, { pinned: true, closed: true });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json().pinned, true);
  assert.equal(p.json().closed, true);
  assert.equal((await elodie.get(base)).json().items[0].id, t.id, 'pinned first');
  apiError(await elodie.api('POST', `${base}/${t.id}/posts`, { body: 'too late' }), 409);
  const closedPage = await e.get(`/runs/${RUN}/forum/${t.id}`);
  assert.match(closedPage.text, /class="notice closed"/);
  assert.ok(!closedPage.text.includes(`action="/runs/${RUN}/forum/${t.id}/posts"`), 'no reply form');
  assert.equal(apiError(await trainer.api('PATCH', `${base}/${t.id}`, { category_id: 999999 }), 422).field, 'category_id');
  const moved = await trainer.api('PATCH', `${base}/${t.id}`, { category_id: null, closed: false });
  assert.equal(moved.json().category_id, null);
  assert.equal(moved.json().closed, false);
  // by form
  const tp = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await tp.get(`/runs/${RUN}/forum/${t.id}`);
  assert.match(page.text, /action="\/runs\/1\/forum\/\d+\/pin"/);
  const pin = await tp.post(`/runs/${RUN}/forum/${t.id}/pin`, { form: { _csrf: csrfFrom(page.text), pinned: '0' } });
  assert.equal(pin.status, 303);
  const mv = await tp.post(`/runs/${RUN}/forum/${t.id}/move`, { form: { _csrf: csrfFrom(page.text), category_id: String(catId) } });
  assert.equal(mv.status, 303);
  const after = (await elodie.get(`${base}/${t.id}`)).json();
  assert.equal(after.pinned, false);
  assert.equal(after.category_id, catId);
  assert.equal((await e.post(`/runs/${RUN}/forum/${t.id}/close`, { form: { _csrf: csrfFrom(page.text), closed: '1' } })).status, 403);
  const nc = await tp.post(`/runs/${RUN}/forum/categories`, { form: { _csrf: csrfFrom(page.text), name: 'By form' } });
  assert.equal(nc.status, 303);

  // outsiders see no categories and cannot file threads
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.ok([403, 404].includes((await outsider.get(`/api/v1/runs/${RUN}/forum/categories`)).status));
  assert.ok([403, 404].includes((await outsider.api('PATCH', `${base}/${t.id}`, { pinned: true })).status));
});

// ---- following, notifications, e-mail and one-click unsubscribe ----------

test('followers are notified on-site and by e-mail; the e-mail unsubscribes in one click without sign-in', async () => {
  const seen = new Set();
  assert.equal((await elodie.api('PUT', '/api/v1/me/forum-mail', { mode: 'immediate' })).status, 200);
  assert.equal(apiError(await elodie.api('PUT', '/api/v1/me/forum-mail', { mode: 'hourly' }), 422).field, 'mode');
  const t = (await elodie.api('POST', base, { kind: 'question', title: 'Notify <me> & co', body: 'Who answers?' })).json();
  assert.equal(t.following, true, 'the author follows her thread');
  const before = (await elodie.get('/api/v1/me/notifications')).json().unread;
  const r = (await trainer.api('POST', `${base}/${t.id}/posts`, { body: 'The **trainer** answers.' })).json();
  const notes = (await elodie.get('/api/v1/me/notifications')).json();
  assert.equal(notes.unread, before + 1);
  assert.equal(notes.items[0].post_id, r.id);
  assert.equal(notes.items[0].title, 'Notify <me> & co');
  // on-site page, escaped
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const page = await e.get('/notifications');
  assert.equal(page.status, 200);
  assert.match(page.text, /Notify &lt;me&gt; &amp; co/);
  assert.match(page.text, new RegExp(`href="/runs/${RUN}/forum/${t.id}#post-${r.id}"`));
  assert.match((await e.get('/courses')).text, /<a href="\/notifications">Notifications \(\d+\)<\/a>/, 'the unread count in the header');
  // e-mail, with the link to the post and the unsubscribe link
  const mail = await waitForMail(store.data, DEMO.elodie.email, { match: /The \*\*trainer\*\* answers\./, seen, timeoutMs: 15000 });
  assert.match(mail.subject, /Notify <me> & co/);
  assert.match(mail.body, new RegExp(`/runs/${RUN}/forum/${t.id}#post-${r.id}`));
  const unsub = linkIn(mail, '/forum/unsubscribe');
  // reading the thread marks its notifications read
  await elodie.get(`${base}/${t.id}`);
  assert.equal((await elodie.get('/api/v1/me/notifications')).json().unread, before);

  // a tampered token is refused; the real one works signed out
  const anon = new Client(srv);
  const bad = new URL(unsub);
  bad.searchParams.set('u', String(Number(bad.searchParams.get('u')) + 1));
  assert.equal((await anon.get(bad.pathname + bad.search)).status, 400);
  const ok = await anon.get(unsub.pathname + unsub.search);
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
  assert.equal((await elodie.get('/api/v1/me/forum-mail')).json().mode, 'off');
  // still notified on-site, no more e-mail
  await trainer.api('POST', `${base}/${t.id}/posts`, { body: 'One more thing, silently.' });
  assert.equal((await elodie.get('/api/v1/me/notifications')).json().unread, before + 1);
  // the preference by form
  const form = await e.get('/notifications');
  assert.match(form.text, /name="mode" value="off" checked/);
  const saved = await e.post('/notifications/mail', { form: { _csrf: csrfFrom(form.text), mode: 'digest' } });
  assert.equal(saved.status, 303);
  assert.equal((await elodie.get('/api/v1/me/forum-mail')).json().mode, 'digest');
  const read = await e.post('/notifications/read', { form: { _csrf: csrfFrom(form.text) } });
  assert.equal(read.status, 303);
  assert.equal((await elodie.get('/api/v1/me/notifications')).json().unread, 0);

  // follow and unfollow; outsiders cannot follow
  assert.equal((await francois.api('PUT', `${base}/${t.id}/follow`)).json().following, true);
  assert.equal((await francois.api('DELETE', `${base}/${t.id}/follow`)).json().following, false);
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.ok([403, 404].includes((await outsider.api('PUT', `${base}/${t.id}/follow`)).status));
  assert.equal((await outsider.get('/api/v1/me/notifications')).json().items.length, 0, 'no one else\'s notifications');
  const fp = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const tp = await fp.get(`/runs/${RUN}/forum/${t.id}`);
  assert.match(tp.text, /action="\/runs\/1\/forum\/\d+\/follow"/);
  assert.equal((await fp.post(`/runs/${RUN}/forum/${t.id}/follow`, { form: { _csrf: csrfFrom(tp.text), following: '1' } })).status, 303);
  assert.equal((await francois.get(`${base}/${t.id}`)).json().following, true);
});

// ---- moderation ---------------------------------------------------------

test('report, moderation queue, hide with a reason, ban from posting; every action in the log', async () => {
  const t = (await elodie.api('POST', base, { kind: 'discussion', title: 'Moderation', body: 'Be nice.' })).json();
  const bad = (await francois.api('POST', `${base}/${t.id}/posts`, { body: 'Something rude' })).json();
  assert.equal(apiError(await elodie.api('POST', `${base}/${t.id}/posts/${bad.id}/report`, { reason: '' }), 422).field, 'reason');
  const rep = await elodie.api('POST', `${base}/${t.id}/posts/${bad.id}/report`, { reason: 'Rude <script>alert(9)</script>' });
  assert.equal(rep.status, 201, rep.text);
  apiError(await elodie.api('POST', `${base}/${t.id}/posts/${bad.id}/report`, { reason: 'again' }), 409);
  // the queue: staff only
  apiError(await elodie.get(`/api/v1/runs/${RUN}/forum/reports`), 403);
  const queue = (await trainer.get(`/api/v1/runs/${RUN}/forum/reports`)).json().items;
  assert.ok(queue.some((x) => x.post_id === bad.id && x.reason.startsWith('Rude')));
  const tp = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const qp = await tp.get(`/runs/${RUN}/forum/moderation`);
  assert.equal(qp.status, 200);
  assert.match(qp.text, /Rude &lt;script&gt;alert\(9\)/);
  assert.ok(!qp.text.includes('<script>alert(9)'));
  const ep = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await ep.get(`/runs/${RUN}/forum/moderation`)).status, 403);

  // hide with a reason (by form from the queue): the author sees why, others see "hidden by a moderator"
  const hide = await tp.post(`/runs/${RUN}/forum/${t.id}/posts/${bad.id}/hide`, { form: { _csrf: csrfFrom(qp.text), hidden: '1', next: 'queue', reason: 'Please stay <b>polite</b>' } });
  assert.equal(hide.status, 303);
  assert.ok(!(await trainer.get(`/api/v1/runs/${RUN}/forum/reports`)).json().items.some((x) => x.post_id === bad.id), 'report closed');
  const asOther = (await elodie.get(`${base}/${t.id}`)).json().posts.find((p) => p.id === bad.id);
  assert.equal(asOther.hidden, true);
  assert.equal(asOther.body, '');
  assert.equal(asOther.hidden_reason, null);
  const asAuthor = (await francois.get(`${base}/${t.id}`)).json().posts.find((p) => p.id === bad.id);
  assert.equal(asAuthor.body, 'Something rude');
  assert.equal(asAuthor.hidden_reason, 'Please stay <b>polite</b>');
  const otherPage = (await ep.get(`/runs/${RUN}/forum/${t.id}`)).text;
  assert.ok(!otherPage.includes('Something rude'));
  assert.match(otherPage, /class="muted hidden-post"/);
  const fp = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  const authorPage = (await fp.get(`/runs/${RUN}/forum/${t.id}`)).text;
  assert.match(authorPage, /class="notice hidden-post"[^<]*Please stay &lt;b&gt;polite&lt;\/b&gt;/);
  apiError(await elodie.get(`${base}/${t.id}/posts/${bad.id}/history`), 404);

  // ban: staff only; learners only; the banned learner cannot post (API and pages), then the ban is lifted
  const fid = bad.author_id;
  apiError(await elodie.api('POST', `/api/v1/runs/${RUN}/forum/bans`, { user_id: fid, reason: 'x' }), 403);
  const me = (await trainer.get('/api/v1/me')).json();
  const trainerId = me.id ?? me.user?.id;
  assert.equal(typeof trainerId, 'number', JSON.stringify(me));
  assert.equal(apiError(await trainer.api('POST', `/api/v1/runs/${RUN}/forum/bans`, { user_id: trainerId, reason: 'x' }), 422).field, 'user_id');
  const ban = await trainer.api('POST', `/api/v1/runs/${RUN}/forum/bans`, { user_id: fid, reason: 'Repeated rudeness' });
  assert.equal(ban.status, 201, ban.text);
  assert.equal(apiError(await francois.api('POST', `${base}/${t.id}/posts`, { body: 'let me speak' }), 403).code, 'banned');
  apiError(await francois.api('POST', base, { kind: 'question', title: 'x', body: 'y' }), 403);
  const banned = await fp.get(`/runs/${RUN}/forum/${t.id}`);
  assert.match(banned.text, /class="notice banned"/);
  assert.equal((await fp.post(`/runs/${RUN}/forum/${t.id}/posts`, { form: { _csrf: csrfFrom(banned.text), body: 'by form' } })).status, 403);
  assert.equal((await francois.get(`${base}/${t.id}`)).status, 200, 'a banned learner still reads');
  const lift = await trainer.api('DELETE', `/api/v1/runs/${RUN}/forum/bans/${fid}`);
  assert.equal(lift.status, 200, lift.text);
  assert.equal((await francois.api('POST', `${base}/${t.id}/posts`, { body: 'Sorry.' })).status, 201);

  // the log, append-only, staff only
  const log = (await trainer.get(`/api/v1/runs/${RUN}/forum/moderation-log`)).json().items.map((x) => x.action);
  assert.deepEqual(log.slice(0, 3), ['unban', 'ban', 'hide']);
  apiError(await elodie.get(`/api/v1/runs/${RUN}/forum/moderation-log`), 403);
  // outsiders can neither report nor see the queue
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  for (const res of [
    await outsider.api('POST', `${base}/${t.id}/posts/${bad.id}/report`, { reason: 'x' }),
    await outsider.get(`/api/v1/runs/${RUN}/forum/reports`),
    await outsider.get(`/api/v1/runs/${RUN}/forum/moderation-log`),
    await outsider.api('POST', `${base}/${t.id}/posts/${bad.id}/hide`, { reason: 'x' }),
  ]) assert.ok([403, 404].includes(res.status), `refused: ${res.status}`);
});

// ---- full-text search -------------------------------------------------------

test('search within the run: accents folded, results highlighted and escaped, never another run\'s posts', async () => {
  const t = (await elodie.api('POST', base, { kind: 'question', title: 'Électricité <img src=x onerror=alert(1)>', body: 'Où est le **disjoncteur** <script>alert(2)</script> ?' })).json();
  const r1 = (await francois.api('POST', `${base}/${t.id}/posts`, { body: 'Le disjoncteur est dans le couloir.' })).json();
  const res = await elodie.get(`/api/v1/runs/${RUN}/forum/search?q=${encodeURIComponent('electricite')}`);
  assert.equal(res.status, 200, res.text);
  const hit = res.json().items.find((x) => x.thread_id === t.id);
  assert.ok(hit, 'found without the accents');
  assert.match(hit.title_html, /<mark>Électricité<\/mark> &lt;img src=x onerror=alert\(1\)&gt;/);
  const d = (await elodie.get(`/api/v1/runs/${RUN}/forum/search?q=DISJONC`)).json().items;
  assert.deepEqual(d.map((x) => x.post_id).sort(), [t.posts[0].id, r1.id].sort());
  for (const x of d) {
    assert.match(x.snippet_html, /<mark>disjoncteur<\/mark>/);
    assert.ok(!x.snippet_html.includes('<script'), 'escaped by construction');
    assert.ok(!/<img/i.test(x.snippet_html + x.title_html));
  }
  // the page
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const page = await e.get(`/runs/${RUN}/forum/search?q=disjoncteur`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<mark>disjoncteur<\/mark>/);
  assert.ok(!page.text.includes('<script>alert(2)'));
  assert.ok(!/<img[^>]*onerror/i.test(page.text));
  assert.match(page.text, new RegExp(`href="/runs/${RUN}/forum/${t.id}#post-${r1.id}"`));
  assert.match((await e.get(`/runs/${RUN}/forum`)).text, /action="\/runs\/1\/forum\/search"/);
  // deleted posts are not found
  await francois.api('DELETE', `${base}/${t.id}/posts/${r1.id}`);
  assert.ok(!(await elodie.get(`/api/v1/runs/${RUN}/forum/search?q=couloir`)).json().items.length);
  // outsiders and other runs
  const nobody = await signinApi(srv, 'nobody@lectern.test', 'nobody-pass-123');
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  for (const who of [nobody, outsider]) {
    assert.ok([403, 404].includes((await who.get(`/api/v1/runs/${RUN}/forum/search?q=disjoncteur`)).status));
  }
  const np = await signinForm(srv, 'nobody@lectern.test', 'nobody-pass-123');
  assert.ok([403, 404].includes((await np.get(`/runs/${RUN}/forum/search?q=disjoncteur`)).status));
  assert.equal((await elodie.get('/api/v1/runs/999999/forum/search?q=disjoncteur')).status, 404);
});

// ---- rate limit on posting -------------------------------------------------

test('posting is limited to 20 posts a minute per user: 429 with a clear message', async () => {
  const rapid = await signinApi(srv, 'rapid@lectern.test', 'rapid-pass-1234');
  const en = await rapid.api('POST', `/api/v1/runs/${RUN}/enrolment`);
  assert.ok([200, 201].includes(en.status), en.text);
  const t = await rapid.api('POST', base, { kind: 'discussion', title: 'Many posts', body: 'one' });
  assert.equal(t.status, 201, t.text);
  const tid = t.json().id;
  for (let i = 2; i <= 20; i++) assert.equal((await rapid.api('POST', `${base}/${tid}/posts`, { body: `post ${i}` })).status, 201);
  const over = await rapid.api('POST', `${base}/${tid}/posts`, { body: 'one too many' });
  assert.equal(apiError(over, 429).code, 'rate_limited');
  assert.equal(over.headers.get('retry-after'), '60');
  assert.match(over.json().error.message, /too fast/);
  apiError(await rapid.api('POST', base, { kind: 'discussion', title: 'More', body: 'x' }), 429);
  assert.equal((await rapid.get(`${base}/${tid}`)).json().posts.length, 20, 'nothing written');
  const page = await signinForm(srv, 'rapid@lectern.test', 'rapid-pass-1234');
  const tp = await page.get(`/runs/${RUN}/forum/${tid}`);
  const res = await page.post(`/runs/${RUN}/forum/${tid}/posts`, { form: { _csrf: csrfFrom(tp.text), body: 'by form' } });
  assert.equal(res.status, 429);
  // others may still post
  assert.equal((await trainer.api('POST', `${base}/${tid}/posts`, { body: 'I can still post.' })).status, 201);
});

// ---- cohort separation -------------------------------------------------------

test('a SPOC or corporate run\'s forum is for its members only; ids of one run never answer through another', async () => {
  const course = (await admin.api('POST', '/api/v1/orgs/demo/courses', { code: `FO-${Date.now()}`, title: 'Private forum course', published: true })).json();
  const runs = {};
  for (const visibility of ['spoc', 'corporate']) {
    const made = await admin.api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: `Cohort ${visibility}`, visibility });
    assert.equal(made.status, 201, made.text);
    runs[visibility] = made.json().id;
  }
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const page = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  for (const [visibility, id] of Object.entries(runs)) {
    const b = `/api/v1/runs/${id}/forum/threads`;
    // the trainer (staff of the organisation) opens a thread
    const t = await trainer.api('POST', b, { kind: 'discussion', title: `Secret of ${visibility}`, body: 'members only: kiwi' });
    assert.equal(t.status, 201, t.text);
    const tid = t.json().id;
    // elodie is a member of the organisation and a learner of run 1, not of this run
    for (const who of [elodie, outsider]) {
      for (const res of [
        await who.get(b), await who.get(`${b}/${tid}`), await who.get(`/api/v1/runs/${id}/forum/search?q=kiwi`),
        await who.get(`/api/v1/runs/${id}/forum/categories`), await who.api('POST', `${b}/${tid}/posts`, { body: 'hi' }),
        await who.api('PUT', `${b}/${tid}/follow`),
      ]) assert.ok([403, 404].includes(res.status), `${visibility}: refused, got ${res.status}`);
    }
    for (const p of [`/runs/${id}/forum`, `/runs/${id}/forum/${tid}`, `/runs/${id}/forum/search?q=kiwi`])
      assert.ok([403, 404].includes((await page.get(p)).status), `${visibility}: page ${p} refused`);
    // the thread is not reachable through run 1's paths, nor found by run 1's search
    assert.equal((await elodie.get(`${base}/${tid}`)).status, 404);
    assert.equal((await elodie.get(`/api/v1/runs/${RUN}/forum/search?q=kiwi`)).json().items.length, 0);
    assert.equal((await page.get(`/runs/${RUN}/forum/${tid}`)).status, 404);
  }
});

test('stored XSS through Markdown images and autolinks is neutralised too', async () => {
  const evil = await admin.api('POST', base, {
    kind: 'discussion', title: 'Images',
    body: '![x](javascript:alert(1)) ![y](x" onerror="alert(2)) <javascript:alert(3)> [z](JAVASCRIPT:alert(4)) [w](data:text/html,<script>alert(5)</script>)',
  });
  assert.equal(evil.status, 201, evil.text);
  const html = evil.json().posts[0].body_html;
  assert.ok(!/(src|href)="\s*(javascript|data):/i.test(html), html);
  assert.ok(!/<img[^>]*\sonerror=/i.test(html), html);
  assert.ok(!html.includes('<script'), html);
});

// ---- unit discussions ---------------------------------------------------------

test('a thread attached to a unit: the unit player links to its discussion; units of other courses are refused', async () => {
  const mine = (await elodie.get('/api/v1/me/enrolments')).json().items.find((x) => x.run_id === RUN);
  const outline = (await elodie.get(`/api/v1/courses/${mine.course_id}/outline`)).json();
  const unit = (outline.sections || []).flatMap((s) => s.units || [])[0];
  assert.ok(unit?.id, JSON.stringify(outline).slice(0, 300));
  const t = await admin.api('POST', base, { kind: 'question', title: 'About this unit', body: 'q', unit_id: unit.id });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json().unit_id, unit.id);
  assert.equal(t.json().unit_title, unit.title);
  assert.deepEqual((await elodie.get(`${base}?unit=${unit.id}`)).json().items.map((x) => x.id), [t.json().id]);
  assert.equal(apiError(await admin.api('POST', base, { kind: 'question', title: 'x', body: 'q', unit_id: 999999 }), 422).field, 'unit_id');
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const player = await e.get(`/runs/${RUN}/units/${unit.id}`);
  assert.equal(player.status, 200);
  assert.match(player.text, new RegExp(`href="/runs/${RUN}/forum\\?unit=${unit.id}"`));
  const page = await e.get(`/runs/${RUN}/forum?unit=${unit.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`name="unit_id" value="${unit.id}"`));
  assert.equal((await e.get(`/runs/${RUN}/forum?unit=999999`)).status, 404);
  const made = await e.post(`/runs/${RUN}/forum`, { form: { _csrf: csrfFrom(page.text), kind: 'question', title: 'By form on the unit', body: 'b', unit_id: String(unit.id) } });
  assert.equal(made.status, 303);
  assert.match((await e.get(made.location)).text, new RegExp(`href="/runs/${RUN}/units/${unit.id}"`));
});

test('following a whole forum: notified of new threads and replies; outsiders cannot follow it', async () => {
  const f = await trainer.api('PUT', `/api/v1/runs/${RUN}/forum/follow`);
  assert.equal(f.status, 200, f.text);
  assert.equal(f.json().following, true);
  const before = (await trainer.get('/api/v1/me/notifications')).json().unread;
  const t = (await francois.api('POST', base, { kind: 'question', title: 'For all followers', body: 'new thread' })).json();
  const notes = (await trainer.get('/api/v1/me/notifications')).json();
  assert.equal(notes.unread, before + 1);
  assert.equal(notes.items[0].thread_id, t.id);
  assert.equal((await trainer.api('DELETE', `/api/v1/runs/${RUN}/forum/follow`)).json().following, false);
  await francois.api('POST', base, { kind: 'question', title: 'Not followed any more', body: 'x' });
  assert.equal((await trainer.get('/api/v1/me/notifications')).json().unread, before + 1);
  // by form
  const ep = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const list = await ep.get(`/runs/${RUN}/forum`);
  assert.match(list.text, /action="\/runs\/1\/forum\/follow"/);
  assert.equal((await ep.post(`/runs/${RUN}/forum/follow`, { form: { _csrf: csrfFrom(list.text), following: '1' } })).status, 303);
  assert.match((await ep.get(`/runs/${RUN}/forum`)).text, /name="following" value="0"/);
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.ok([403, 404].includes((await outsider.api('PUT', `/api/v1/runs/${RUN}/forum/follow`)).status));
});
