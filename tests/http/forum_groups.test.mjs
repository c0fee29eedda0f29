// forum_groups.test.mjs — cohort groups in a run's forum (issue 5;
// docs/forum.md): a trainer puts learners in groups (CSV lines on the page,
// JSON in the API) and turns on separate forums; learners then see and post
// only in their group's threads — pages, API, search, attachments,
// notifications — while staff see all, with a group filter.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, cli } from './lib.mjs';

const store = demoStore('forum_groups');
cli(store, 'user', 'add', 'gina@lectern.test', 'Gina Group', '--password', 'gina-pass-12345', '--org', 'demo', '--role', 'learner');
const srv = await startServer(store);
after(() => stopAll(srv));

const RUN = 1;
const base = `/api/v1/runs/${RUN}/forum/threads`;
let elodie, francois, gina, trainer, tpage, groups;

test('a trainer makes groups from CSV lines on the page and turns on separate forums', async () => {
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  gina = await signinApi(srv, 'gina@lectern.test', 'gina-pass-12345');
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  for (const c of [francois, gina]) assert.ok([200, 201].includes((await c.api('POST', `/api/v1/runs/${RUN}/enrolment`)).status));

  // learners may not manage groups
  apiError(await elodie.get(`/api/v1/runs/${RUN}/forum/groups`), 403);
  apiError(await elodie.api('PATCH', `/api/v1/runs/${RUN}/forum/groups`, { separate: true }), 403);

  tpage = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await tpage.get(`/runs/${RUN}/forum/groups`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<label for="members">/);
  // an e-mail that is not a learner of the run: refused, nothing saved
  let res = await tpage.postForm(`/runs/${RUN}/forum/groups`, { members: `${DEMO.elodie.email},Group <A>\nnobody@x.test,B\n` });
  assert.equal(res.status, 400);
  assert.match(res.text, /class="field-error">[^<]*nobody@x\.test/, "the error next to the field");
  assert.match(res.text, /<textarea id="members"[^>]*>[^<]*nobody@x\.test/, "the lines kept");
  assert.equal((await trainer.get(`/api/v1/runs/${RUN}/forum/groups`)).json().groups.length, 0, 'all or nothing');

  res = await tpage.postForm(`/runs/${RUN}/forum/groups`, { members: `${DEMO.elodie.email},Group <A>\n\n${DEMO.francois.email},"Group B"\n` });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  res = await tpage.postForm(`/runs/${RUN}/forum/groups`, { separate: '1' });
  assert.equal(res.status, 303);
  groups = (await trainer.get(`/api/v1/runs/${RUN}/forum/groups`)).json();
  assert.equal(groups.separate, true);
  assert.deepEqual(groups.groups.map((g) => [g.name, g.members.map((m) => m.email)]),
    [['Group <A>', [DEMO.elodie.email]], ['Group B', [DEMO.francois.email]]]);
  const html = (await tpage.get(`/runs/${RUN}/forum/groups`)).text;
  assert.match(html, /Group &lt;A&gt;/, 'group names escaped');
});

test('learners see and post only in their group\'s threads; staff see all, with a group filter', async () => {
  const [ga, gb] = groups.groups;
  const ta = await elodie.api('POST', base, { kind: 'question', title: 'Only group A', body: 'xylophone in A' });
  assert.equal(ta.status, 201, ta.text);
  assert.equal(ta.json().group_id, ga.id, 'a learner\'s thread is their group\'s');
  const tb = await francois.api('POST', base, { kind: 'discussion', title: 'Only group B', body: 'xylophone in B' });
  assert.equal(tb.json().group_id, gb.id);
  const tn = await gina.api('POST', base, { kind: 'discussion', title: 'No group', body: 'xylophone nowhere' });
  assert.equal(tn.json().group_id, null);

  const titles = async (c, q = '') => (await c.get(`${base}${q}`)).json().items.map((t) => t.title);
  assert.ok((await titles(elodie)).includes('Only group A'));
  assert.ok(!(await titles(elodie)).includes('Only group B'));
  assert.ok(!(await titles(elodie)).includes('No group'));
  assert.ok(!(await titles(francois)).includes('Only group A'));
  assert.ok((await titles(gina)).includes('No group') && !(await titles(gina)).includes('Only group A'));
  const all = await titles(trainer);
  for (const t of ['Only group A', 'Only group B', 'No group']) assert.ok(all.includes(t), `staff see ${t}`);
  assert.deepEqual((await titles(trainer, `?group=${gb.id}`)).filter((t) => t.startsWith('Only') || t === 'No group'), ['Only group B']);

  // another group's thread: 404 through the API and the pages, no reply, no vote, no follow
  apiError(await francois.get(`${base}/${ta.json().id}`), 404);
  apiError(await francois.api('POST', `${base}/${ta.json().id}/posts`, { body: 'sneaking in' }), 404);
  apiError(await francois.api('POST', `${base}/${ta.json().id}/posts/${ta.json().posts[0].id}/vote`), 404);
  apiError(await francois.api('PUT', `${base}/${ta.json().id}/follow`), 404);
  const fp = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await fp.get(`/runs/${RUN}/forum/${ta.json().id}`)).status, 404);
  const index = (await fp.get(`/runs/${RUN}/forum`)).text;
  assert.ok(index.includes('Only group B') && !index.includes('Only group A'));
  // staff reply in any group; the page shows them the filter
  assert.equal((await trainer.api('POST', `${base}/${ta.json().id}/posts`, { body: 'Trainer here' })).status, 201);
  const staffIndex = (await tpage.get(`/runs/${RUN}/forum`)).text;
  assert.match(staffIndex, /<span class="badge">Group &lt;A&gt;<\/span>/, 'staff see each thread\'s group');
  assert.match(staffIndex, new RegExp(`href="/runs/${RUN}/forum\\?group=${gb.id}"`));
  assert.match(staffIndex, /name="group_id"/, 'staff choose the group of a new thread');
  const staffThread = await trainer.api('POST', base, { kind: 'discussion', title: 'For group B', body: 'hello B', group_id: gb.id });
  assert.equal(staffThread.json().group_id, gb.id);
  assert.ok((await titles(francois)).includes('For group B') && !(await titles(elodie)).includes('For group B'));
  apiError(await trainer.api('POST', base, { kind: 'discussion', title: 'Bad group', body: 'x', group_id: 999999 }), 422);

  // search: only one's group's posts
  const hits = async (c) => (await c.get(`/api/v1/runs/${RUN}/forum/search?q=xylophone`)).json().items.map((h) => h.thread_id);
  assert.deepEqual(await hits(elodie), [ta.json().id]);
  assert.deepEqual(await hits(francois), [tb.json().id]);
  assert.equal((await hits(trainer)).length, 3);
  const sp = (await fp.get(`/runs/${RUN}/forum/search?q=xylophone`)).text;
  assert.ok(sp.includes('Only group B') && !sp.includes('Only group A'));

  // notifications: a forum follower of group B hears nothing of group A
  assert.equal((await francois.api('PUT', `/api/v1/runs/${RUN}/forum/follow`)).status, 200);
  await elodie.api('POST', `${base}/${ta.json().id}/posts`, { body: 'still A' });
  const notes = (await francois.get('/api/v1/me/notifications')).json().items;
  assert.ok(!notes.some((n) => n.thread_id === ta.json().id), 'no notification of another group\'s thread');

  // turning separation off: everyone sees everything again
  const off = await trainer.api('PATCH', `/api/v1/runs/${RUN}/forum/groups`, { separate: false });
  assert.equal(off.status, 200, off.text);
  assert.ok((await titles(francois)).includes('Only group A'));
  assert.equal((await francois.get(`${base}/${ta.json().id}`)).status, 200);
  // and the API moves a learner, refusing strangers
  apiError(await trainer.api('PATCH', `/api/v1/runs/${RUN}/forum/groups`, { members: [{ email: 'nobody@x.test', group: 'B' }] }), 422, 'members');
  const moved = await trainer.api('PATCH', `/api/v1/runs/${RUN}/forum/groups`, { separate: true, members: [{ email: 'gina@lectern.test', group: 'Group B' }] });
  assert.equal(moved.status, 200, moved.text);
  assert.ok((await titles(gina)).includes('Only group B'));
  assert.ok(!(await titles(gina)).includes('No group'), 'her old ungrouped thread stays with the ungrouped');
});
