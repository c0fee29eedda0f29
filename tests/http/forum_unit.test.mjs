// forum_unit.test.mjs — the "discussion" unit kind (issue 5; docs/forum.md):
// the unit player shows the unit's threads and a form to start one; posting
// once there (a thread or a reply) completes the unit for the learner.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi } from './lib.mjs';

const store = demoStore('forum_unit');
const srv = await startServer(store);
after(() => stopAll(srv));

const RUN = 1;
const unitDone = (progress, uid) => ({ done: !!progress.sections.flatMap((s) => s.units).find((u) => u.id === uid).completed_at });

test('a discussion unit: in the outline editor, its threads in the player, completed by posting once', async () => {
  const elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const ta = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  assert.ok([200, 201].includes((await francois.api('POST', `/api/v1/runs/${RUN}/enrolment`)).status));
  const mine = (await elodie.get('/api/v1/me/enrolments')).json().items.find((x) => x.run_id === RUN);
  const outline = (await ta.get(`/api/v1/courses/${mine.course_id}/outline`)).json();
  const apiBase = `/api/v1/orgs/demo/courses/${mine.course_id}`;
  const res = await ta.api('POST', `${apiBase}/units`, { section_id: outline.sections[0].id, kind: 'discussion', title: 'Introduce yourself', required: false });
  assert.equal(res.status, 201, res.text);
  const uid = res.json().sections.flatMap((s) => s.units).sort((a, b) => a.id - b.id).at(-1).id;

  // the outline editor offers the kind like the others
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const ed = await t.get(`/o/demo/courses/${mine.course_id}/units/${uid}`);
  assert.equal(ed.status, 200);
  assert.match(ed.text, /<option value="discussion" selected>/);

  const page = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  let html = (await page.get(`/runs/${RUN}/units/${uid}`)).text;
  assert.match(html, /class="unit-discussion"/);
  assert.match(html, new RegExp(`name="unit_id" value="${uid}"`), 'the form starts a thread of this unit');
  assert.equal(unitDone((await elodie.get(`/api/v1/runs/${RUN}/progress`)).json(), uid).done, false);

  // a thread from the unit page's form completes it
  const csrf = await page.pageCsrf(`/runs/${RUN}/units/${uid}`);
  const post = await page.post(`/runs/${RUN}/forum`, { form: { _csrf: csrf, unit_id: String(uid), kind: 'discussion', title: 'Hello <b>all</b>', body: 'I am Élodie.' } });
  assert.equal(post.status, 303, post.text.slice(0, 300));
  assert.equal(unitDone((await elodie.get(`/api/v1/runs/${RUN}/progress`)).json(), uid).done, true);
  html = (await page.get(`/runs/${RUN}/units/${uid}`)).text;
  assert.match(html, /Hello &lt;b&gt;all&lt;\/b&gt;/, 'the unit\'s threads listed, escaped');

  // a reply completes it for another learner; a thread elsewhere in the forum does not
  const tid = Number(post.location.match(/forum\/(\d+)/)[1]);
  const other = await francois.api('POST', `/api/v1/runs/${RUN}/forum/threads`, { kind: 'discussion', title: 'Elsewhere', body: 'not in the unit' });
  assert.equal(other.status, 201);
  assert.equal(unitDone((await francois.get(`/api/v1/runs/${RUN}/progress`)).json(), uid).done, false);
  assert.equal((await francois.api('POST', `/api/v1/runs/${RUN}/forum/threads/${tid}/posts`, { body: 'Welcome!' })).status, 201);
  assert.equal(unitDone((await francois.get(`/api/v1/runs/${RUN}/progress`)).json(), uid).done, true);
});
