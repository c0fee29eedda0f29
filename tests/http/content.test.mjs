// content.test.mjs — course content and learning (issue 3): the outline a
// trainer builds (pages and API), uploads streamed to disk, the unit player,
// video Range requests and captions, heartbeats with watched segments,
// completion rules per unit kind and per course, and who may see what.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, stopAll, demoStore, DEMO, Client, signinForm, signinApi, apiError, uniq, cli, multipart, csrfFrom } from './lib.mjs';

// scripts/test.sh runs this file on SQLite, then with LECTERN_HTTP_PG=1 on
// a PostgreSQL database of its own.
const store = demoStore('content');
const data = store.data;
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'trainer');
cli(store, 'user', 'add', 'newbie@lectern.test', 'New Bie', '--password', 'newbie-pass-123', '--org', 'demo', '--role', 'learner');
let srv = await startServer(store);
after(() => stopAll(srv));

const demoCourse = async (c) => (await c.get('/api/v1/courses')).json().items.find((x) => x.code === 'SAFE-101');
const unitsOf = (outline) => outline.sections.flatMap((s) => s.units);

async function apiUpload(c, name, bytes, type = 'application/octet-stream') {
  const m = multipart([{ name: 'file', filename: name, type, value: bytes }]);
  return c.post('/api/v1/orgs/demo/media', { body: m.body, headers: { ...m.headers, 'x-csrf-token': c.csrf } });
}

async function beat(c, run, unit, form) {
  const page = await c.get(`/runs/${run}/units/${unit}`);
  const csrf = page.text.match(/data-csrf="([^"]+)"/);
  assert.ok(csrf, `no heartbeat on the unit page (status ${page.status})`);
  return c.post(`/runs/${run}/units/${unit}/beat`, { form: { _csrf: csrf[1], ...form } });
}

test('the demo learner sees her courses with progress, and resumes where she left off', async () => {
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const home = await e.get('/');
  assert.match(home.text, /Workplace safety essentials/);
  assert.match(home.text, /<progress max="100" value="40"/, 'two of five required units done');
  const mine = (await e.get('/api/v1/me/enrolments')).json().items[0];
  assert.equal(mine.units_required, 5);
  assert.equal(mine.units_done, 2);
  const resume = await e.get(`/runs/${mine.run_id}/learn`);
  assert.equal(resume.status, 303);
  assert.equal(resume.location, `/runs/${mine.run_id}/units/${mine.resume_unit_id}`);
  const page = await e.get(resume.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /<video[^>]+src="\/runs\/\d+\/units\/\d+\/file"[^>]+data-resume="8000"/, 'resumes at her last position');
  assert.match(page.text, /<track kind="captions" srclang="en"/);
  assert.match(page.text, /<track kind="captions" srclang="fr" label="Français" src="[^"]+" default>/, 'her language first');
  assert.match(page.text, /class="done"><a href="\/runs\/\d+\/units\/\d+"><span class="tick"/, 'done units ticked in the outline');
  assert.match(page.text, /rel="prev"/);
  assert.match(page.text, /rel="next"/);
});

test('videos answer Range requests; captions are WebVTT', async () => {
  const e = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const mine = (await e.get('/api/v1/me/enrolments')).json().items[0];
  const url = `/runs/${mine.run_id}/units/${mine.resume_unit_id}/file`;
  const full = await e.req('HEAD', url);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'video/mp4');
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  const size = Number(full.headers.get('content-length'));
  assert.ok(size > 10000);
  const etag = full.headers.get('etag');
  const part = await e.get(url, { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${size}`);
  assert.equal(part.headers.get('content-length'), '100');
  const tail = await e.get(url, { headers: { range: 'bytes=-10', 'if-range': etag } });
  assert.equal(tail.status, 206);
  assert.equal(tail.headers.get('content-range'), `bytes ${size - 10}-${size - 1}/${size}`);
  const multi = await e.get(url, { headers: { range: 'bytes=0-9,20-29' } });
  assert.equal(multi.status, 206);
  const boundary = multi.headers.get('content-type').match(/^multipart\/byteranges; boundary=(\S+)$/)[1];
  assert.equal(multi.text.split(`--${boundary}`).length, 4, 'two parts and the closing delimiter');
  assert.match(multi.text, new RegExp(`Content-Range: bytes 20-29/${size}`));
  const merged = await e.get(url, { headers: { range: 'bytes=0-9,5-19' } });
  assert.equal(merged.headers.get('content-range'), `bytes 0-19/${size}`, 'overlapping ranges are merged');
  const stale = await e.req('HEAD', url, { headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
  assert.equal(stale.status, 200, 'If-Range with another tag sends the whole file');
  assert.equal((await e.get(url, { headers: { range: `bytes=${size + 5}-` } })).status, 416);
  assert.equal((await e.get(url, { headers: { 'if-none-match': etag } })).status, 304);
  const page = await e.get(`/runs/${mine.run_id}/units/${mine.resume_unit_id}`);
  const track = page.text.match(/<track kind="captions" srclang="en" label="English" src="([^"]+)"/)[1];
  const vtt = await e.get(track);
  assert.equal(vtt.status, 200);
  assert.match(vtt.headers.get('content-type'), /^text\/vtt/);
  assert.match(vtt.text, /^WEBVTT/);
});

test('heartbeats: only video actually played counts, then the unit and the course complete', async () => {
  // A new learner enrols in the demo run and works through it.
  const ledgerBefore = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json().entries;
  const n = await signinForm(srv, 'newbie@lectern.test', 'newbie-pass-123');
  const course = await demoCourse(n);
  const run = (await n.get(`/api/v1/courses/${course.id}`)).json().runs[0].id;
  assert.equal((await n.postForm(`/runs/${run}/enrol`, {}, { from: `/courses/${course.id}` })).status, 303);
  const outline = (await n.get(`/api/v1/courses/${course.id}/outline`)).json();
  const units = unitsOf(outline);
  const [welcome, link, video, resource, procedure] = units;
  assert.equal(video.kind, 'video');
  assert.equal(welcome.body, undefined, 'learners get no authoring fields');

  // Text: the trainer asks for 5 s of reading (30 s by default).  A beat
  // claims at most the time since the previous one, so the first (capped
  // at 30 s for a new session) counts 3 s, the next one about 5 s.
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  for (const u of [welcome, procedure])
    assert.equal((await t.api('PATCH', `/api/v1/orgs/demo/courses/${course.id}/units/${u.id}`, { threshold: 5 })).status, 200);
  let r = await beat(n, run, welcome.id, { active_ms: '3000' });
  assert.equal(r.status, 200);
  assert.equal(r.json().unit_done, false);
  r = await beat(n, run, welcome.id, { active_ms: '15000' });
  assert.equal(r.json().unit_done, true);

  // Video (24 s, 80 % = 19.2 s): the same ten seconds twice count once.
  r = await beat(n, run, video.id, { active_ms: '10000', position: '10', segments: '0-10' });
  assert.equal(r.json().unit_done, false);
  r = await beat(n, run, video.id, { active_ms: '10000', position: '10', segments: '0-5,5-10' });
  assert.equal(r.json().unit_done, false, 'replaying does not add');
  r = await beat(n, run, video.id, { active_ms: '5000', position: '23', segments: '18-23' });
  assert.equal(r.json().unit_done, false, '15 s of 24 is not 80 %');
  r = await beat(n, run, video.id, { active_ms: '8000', position: '18', segments: '10-18' });
  assert.equal(r.json().unit_done, true);
  assert.equal((await beat(n, run, video.id, { segments: '5-x' })).status, 400);
  assert.equal((await beat(n, run, video.id, { active_ms: '-4' })).status, 400);

  // Link: opened through the player; resource: downloaded.
  const open = await n.get(`/runs/${run}/units/${link.id}/open`);
  assert.equal(open.status, 303);
  assert.match(open.location, /^https:\/\/en\.wikipedia\.org\//);
  const dl = await n.get(`/runs/${run}/units/${resource.id}/file`);
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-disposition'), /^attachment; filename="first-day-checklist.txt"/);
  assert.match(dl.text, /First-day safety checklist/);

  let prog = (await n.get(`/api/v1/runs/${run}/progress`)).json();
  assert.equal(prog.units_done, 4);
  assert.equal(prog.completed_at, null);
  assert.ok(prog.time_on_task_ms >= 3000 + 5 * 5000 && prog.time_on_task_ms < 20000 + 5 * 6000,
    `each beat counts the time since the previous one at most (${prog.time_on_task_ms} ms claimed 51000)`);

  // The API heartbeat (JSON) completes the last text.
  const api = await signinApi(srv, 'newbie@lectern.test', 'newbie-pass-123');
  r = await api.api('POST', `/api/v1/runs/${run}/units/${procedure.id}/heartbeat`, { active_ms: 9000 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json(), { unit_done: true, course_done: true });
  prog = (await n.get(`/api/v1/runs/${run}/progress`)).json();
  assert.equal(prog.units_done, 5);
  // Each completion, and the enrolment, is in the organisation's evidence
  // ledger, which still verifies.
  const ledger = (await (await signinApi(srv, DEMO.admin.email, DEMO.admin.password)).get('/api/v1/orgs/demo/ledger/verify')).json();
  assert.equal(ledger.ok, true);
  assert.ok(ledger.entries >= ledgerBefore + 7, `enrolment, 5 units and the course: ${ledgerBefore} → ${ledger.entries}`);
  assert.match(prog.completed_at, /^\d{4}-\d\d-\d\dT/);
  assert.match((await n.get('/')).text, /Completed on/);
});

test('a trainer builds an outline in the pages: sections, units, Markdown, uploads, order', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const code = `OUT-${uniq()}`;
  assert.equal((await t.postForm('/o/demo/courses', { title: 'Outline test', code })).status, 303);
  const course = (await t.get('/api/v1/orgs/demo/courses')).json().items.find((c) => c.code === code);
  const base = `/o/demo/courses/${course.id}`;
  assert.equal((await t.postForm(`${base}/sections`, { title: 'Part one' }, { from: `${base}/outline` })).status, 303);
  assert.equal((await t.postForm(`${base}/sections`, { title: '' }, { from: `${base}/outline` })).status, 422);
  let outline = (await t.get(`/api/v1/courses/${course.id}/outline`)).json();
  const sid = outline.sections[0].id;
  const add = async (kind, title) => {
    const r = await t.postForm(`${base}/units`, { section_id: String(sid), kind, title }, { from: `${base}/outline` });
    assert.equal(r.status, 303, r.text.slice(0, 200));
    return Number(r.location.split('/').pop());
  };
  const text = await add('text', 'Reading');
  const vid = await add('video', 'A video');
  const res = await add('resource', 'A file');
  assert.equal((await t.postForm(`${base}/units`, { section_id: String(sid), kind: 'hologram', title: 'x' }, { from: `${base}/outline` })).status, 422);

  // Markdown is rendered sanitised: no script, no javascript: link.
  const csrf = await t.pageCsrf(`${base}/units/${text}`);
  const md = '# Title\n\n<script>alert(1)</script> [click](javascript:alert(2)) **bold** <img src=x onerror=alert(3)>';
  let m = multipart([{ name: '_csrf', value: csrf }, { name: 'title', value: 'Reading' }, { name: 'body', value: md },
    { name: 'minutes', value: '7' }, { name: 'required', value: '1' }]);
  assert.equal((await t.post(`${base}/units/${text}`, { body: m.body, headers: m.headers })).status, 303);

  // A file that is not a video is refused for a video unit; the demo video is accepted.
  const notVideo = multipart([{ name: '_csrf', value: csrf }, { name: 'title', value: 'A video' },
    { name: 'file', filename: 'fake.mp4', type: 'video/mp4', value: 'not a video at all' }]);
  const refused = await t.post(`${base}/units/${vid}`, { body: notVideo.body, headers: notVideo.headers });
  assert.equal(refused.status, 422);
  assert.match(refused.text, /MP4, WebM or Ogg/);
  const mediaDir = path.join(data, 'media');
  const mp4 = fs.readdirSync(mediaDir).flatMap((d) => fs.readdirSync(path.join(mediaDir, d)).map((f) => path.join(mediaDir, d, f)))
    .find((f) => fs.readFileSync(f).subarray(4, 8).toString() === 'ftyp');
  assert.ok(mp4, 'the demo video is in the store');
  m = multipart([{ name: '_csrf', value: csrf }, { name: 'title', value: 'A video' },
    { name: 'file', filename: 'tour copy.mp4', type: 'application/octet-stream', value: fs.readFileSync(mp4) }]);
  assert.equal((await t.post(`${base}/units/${vid}`, { body: m.body, headers: m.headers })).status, 303);
  // Captions must be WebVTT.
  m = multipart([{ name: '_csrf', value: csrf }, { name: 'kind', value: 'captions' }, { name: 'lang', value: 'en' },
    { name: 'file', filename: 'c.vtt', value: 'not webvtt' }]);
  assert.equal((await t.post(`${base}/units/${vid}/tracks`, { body: m.body, headers: m.headers })).status, 422);
  m = multipart([{ name: '_csrf', value: csrf }, { name: 'kind', value: 'captions' }, { name: 'lang', value: 'en' },
    { name: 'file', filename: 'c.vtt', value: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n' }]);
  assert.equal((await t.post(`${base}/units/${vid}/tracks`, { body: m.body, headers: m.headers })).status, 303);
  m = multipart([{ name: '_csrf', value: csrf }, { name: 'title', value: 'A file' },
    { name: 'file', filename: 'notes.txt', value: 'some notes' }]);
  assert.equal((await t.post(`${base}/units/${res}`, { body: m.body, headers: m.headers })).status, 303);

  // Reorder without script: the resource moves up twice, to the top.
  for (let i = 0; i < 2; i++)
    assert.equal((await t.postForm(`${base}/units/${res}/move`, { dir: 'up' }, { from: `${base}/outline` })).status, 303);
  outline = (await t.get(`/api/v1/courses/${course.id}/outline`)).json();
  assert.deepEqual(unitsOf(outline).map((u) => u.id), [res, text, vid]);
  const v = unitsOf(outline).find((u) => u.id === vid);
  assert.equal(v.file.mime, 'video/mp4');
  assert.equal(v.duration_s, 24, 'the length is read from the file');

  // Preview as a learner: needs a session; staff see the units, nothing recorded.
  assert.equal((await t.postForm(`/o/demo/courses/${course.id}/runs`, { title: 'Run', visibility: 'spoc' }, { from: '/o/demo/courses' })).status, 303);
  const run = (await t.get(`/api/v1/courses/${course.id}`)).json().runs[0].id;
  const preview = await t.get(`/runs/${run}/units/${text}`);
  assert.equal(preview.status, 200);
  assert.match(preview.text, /Preview/);
  assert.doesNotMatch(preview.text, /data-beat=/);
  assert.match(preview.text, /<h2>Title<\/h2>/);
  assert.match(preview.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(preview.text, /href="javascript:/i);
  assert.doesNotMatch(preview.text, /<img src="?x"? onerror/i);
  assert.match(preview.text, /<strong>bold<\/strong>/);
});

test('the outline API: sections, units, reorder, files and tracks', async () => {
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const code = `API-${uniq()}`;
  const course = (await t.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'API outline' })).json();
  const base = `/api/v1/orgs/demo/courses/${course.id}`;
  let r = await t.api('POST', `${base}/sections`, { title: 'One' });
  assert.equal(r.status, 201, r.text);
  r = await t.api('POST', `${base}/sections`, { title: 'Two', release_days: 7 });
  const [s1, s2] = r.json().sections;
  assert.equal(s2.release_days, 7);
  apiError(await t.api('POST', `${base}/sections`, { release_days: 1 }), 422, 'invalid');
  r = await t.api('POST', `${base}/units`, { section_id: s1.id, kind: 'link', title: 'Docs', url: 'https://example.org/docs' });
  assert.equal(r.status, 201, r.text);
  apiError(await t.api('POST', `${base}/units`, { section_id: s1.id, kind: 'link', title: 'Bad', url: 'javascript:alert(1)' }), 422, 'invalid');
  apiError(await t.api('POST', `${base}/units`, { section_id: s1.id, kind: 'quizz', title: 'Bad' }), 422, 'invalid');
  r = await t.api('POST', `${base}/units`, { section_id: s2.id, kind: 'text', title: 'Later', body: 'Hello', minutes: 4 });
  const units = unitsOf(r.json());
  assert.equal(units.length, 2);
  // Reorder: the text goes first, in section one; the whole order is checked.
  r = await t.api('PUT', `${base}/outline`, { sections: [{ id: s2.id, units: [] }, { id: s1.id, units: [units[1].id, units[0].id] }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json().sections.map((s) => s.id), [s2.id, s1.id]);
  assert.deepEqual(r.json().sections[1].units.map((u) => u.id), [units[1].id, units[0].id]);
  apiError(await t.api('PUT', `${base}/outline`, { sections: [{ id: s1.id, units: [units[0].id, units[0].id] }, { id: s2.id, units: [] }] }), 422, 'invalid');
  apiError(await t.api('PUT', `${base}/outline`, { sections: [{ id: s1.id, units: [] }] }), 422, 'invalid');
  // Upload a file, attach it, add a caption track.
  r = await apiUpload(t, 'clip.vtt', 'WEBVTT\n\n00:00.000 --> 00:02.000\nHi\n', 'text/vtt');
  assert.equal(r.status, 201, r.text);
  const vtt = r.json();
  assert.equal(vtt.mime, 'text/vtt');
  assert.match(vtt.sha256, /^[0-9a-f]{64}$/);
  r = await t.api('POST', `${base}/units`, { section_id: s1.id, kind: 'video', title: 'Clip' });
  const clip = unitsOf(r.json()).find((u) => u.title === 'Clip');
  r = await t.api('PUT', `${base}/units/${clip.id}/tracks/captions/fr`, { media_id: vtt.id });
  assert.equal(r.status, 200, r.text);
  apiError(await t.api('PUT', `${base}/units/${clip.id}/tracks/captions/de`, { media_id: vtt.id }), 404, 'not_found');
  r = await t.api('PATCH', `${base}/units/${clip.id}`, { minutes: 3, threshold: 150 });
  apiError(r, 422, 'invalid');
  r = await t.api('PATCH', `${base}/units/${clip.id}`, { minutes: 3, threshold: 90, required: false });
  assert.equal(r.status, 200, r.text);
  const patched = unitsOf(r.json()).find((u) => u.id === clip.id);
  assert.equal(patched.threshold, 90);
  assert.equal(patched.required, false);
  apiError(await t.api('DELETE', `${base}/sections/${s1.id}`), 409, 'not_empty');
  assert.equal((await t.api('DELETE', `${base}/units/${clip.id}`)).status, 200);
  // Another organisation's trainer reaches none of it.
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.api('POST', `${base}/sections`, { title: 'x' })).status, 403);
  assert.equal((await o.api('PUT', '/api/v1/orgs/other/courses/' + course.id + '/outline', { sections: [] })).status, 404);
  assert.equal((await apiUpload(o, 'x.txt', 'x')).status, 403);
});

test('who may open units: enrolled learners and staff only; sections open on their day', async () => {
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const code = `PACE-${uniq()}`;
  const course = (await t.api('POST', '/api/v1/orgs/demo/courses', { code, title: 'Paced', published: true })).json();
  const base = `/api/v1/orgs/demo/courses/${course.id}`;
  await t.api('POST', `${base}/sections`, { title: 'Now' });
  const secs = (await t.api('POST', `${base}/sections`, { title: 'Later', release_days: 30 })).json().sections;
  await t.api('POST', `${base}/units`, { section_id: secs[0].id, kind: 'text', title: 'Open unit' });
  const units = unitsOf((await t.api('POST', `${base}/units`, { section_id: secs[1].id, kind: 'text', title: 'Closed unit' })).json());
  const runRes = await t.api('POST', `${base}/runs`, { title: 'Paced run', visibility: 'mooc', pacing: 'instructor', starts_at: new Date().toISOString() });
  assert.equal(runRes.status, 201, runRes.text);
  const run = (await t.get(`/api/v1/courses/${course.id}`)).json().runs[0].id;
  const f = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await f.get(`/runs/${run}/units/${units[0].id}`)).status, 403, 'not enrolled');
  assert.equal((await f.get(`/runs/${run}/units/${units[0].id}/file`)).status, 403);
  const fa = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await fa.api('POST', `/api/v1/runs/${run}/enrolment`, {})).status, 201);
  assert.equal((await f.get(`/runs/${run}/units/${units[0].id}`)).status, 200);
  assert.equal(runRes.json().pacing, 'instructor');
  const closed = await f.get(`/runs/${run}/units/${units[1].id}`);
  assert.equal(closed.status, 403, 'released 30 days after the start');
  assert.match((await f.get(`/runs/${run}/units/${units[0].id}`)).text, /Opens on/);
  // Self-paced from now on: everything is open.
  assert.equal((await t.api('PATCH', `/api/v1/orgs/demo/runs/${run}`, { pacing: 'self' })).status, 200);
  assert.equal((await f.get(`/runs/${run}/units/${units[1].id}`)).status, 200);
  assert.equal((await t.get(`/runs/${run}/units/${units[1].id}`)).status, 200, 'staff preview everything');
  assert.equal((await new Client(srv).get(`/runs/${run}/units/${units[0].id}`)).status, 303, 'signed out: to sign-in');
  const o = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.get(`/runs/${run}/units/${units[0].id}`)).status, 403);
  assert.equal((await o.get(`/o/demo/courses/${course.id}/outline`)).status, 403);
  // A unit a learner has opened cannot be deleted.
  apiError(await t.api('DELETE', `${base}/units/${units[0].id}`), 409, 'in_use');
});

test('uploads stream to disk: large files reach upload routes only', async () => {
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const big = Buffer.alloc(20 * 1024 * 1024, 7);
  const r = await apiUpload(t, 'big.bin', big);
  assert.equal(r.status, 201, r.text.slice(0, 200));
  assert.equal(r.json().size, big.length);
  // A sign-in form takes no 20 MiB upload: 413 before the body is read
  // (the client may see the connection close while it is still sending).
  const m = multipart([{ name: 'email', value: 'a@b.c' }, { name: 'file', filename: 'big.bin', value: big }]);
  const refused = await new Client(srv).post('/signin', { body: m.body, headers: m.headers }).catch(() => ({ status: 413 }));
  assert.equal(refused.status, 413);
  assert.equal((await new Client(srv).get('/healthz')).status, 200);
  assert.deepEqual(fs.readdirSync(path.join(data, 'tmp')).filter((f) => f.startsWith('upload-')), [], 'no temporary file left');
});

test('acknowledged heartbeats and progress survive a restart', async () => {
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const mine = (await e.get('/api/v1/me/enrolments')).json().items[0];
  const run = mine.run_id;
  const beats = async (c) => (await c.get(`/api/v1/runs/${run}/activity`)).json().sessions.reduce((n, s) => n + s.beats, 0);
  const count = await beats(e);
  // 24 heartbeats at once, then SIGTERM as soon as they are answered: an
  // answered heartbeat is committed, so every one is there after the restart.
  const sent = await Promise.all(Array.from({ length: 24 }, () =>
    e.api('POST', `/api/v1/runs/${run}/units/${mine.resume_unit_id}/heartbeat`, { active_ms: 1000 })));
  assert.ok(sent.every((r) => r.status === 200), sent.map((r) => r.status).join(','));
  const before = (await e.get(`/api/v1/runs/${run}/progress`)).json();
  // Upload files a crash left behind are swept at start-up once a day old.
  const stale = path.join(data, 'tmp', 'upload-stale'), fresh = path.join(data, 'tmp', 'upload-fresh');
  fs.writeFileSync(stale, 'x');
  fs.writeFileSync(fresh, 'x');
  const old = new Date(Date.now() - 2 * 86400 * 1000);
  fs.utimesSync(stale, old, old);
  await srv.stop();
  srv = await startServer(store);
  const e2 = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const again = (await e2.get(`/api/v1/runs/${run}/progress`)).json();
  assert.equal(again.units_done, before.units_done);
  assert.equal(again.resume_unit_id, before.resume_unit_id);
  assert.equal(again.time_on_task_ms, before.time_on_task_ms);
  assert.equal(await beats(e2), count + 24);
  assert.ok(!fs.existsSync(stale), 'the stale upload file is gone');
  assert.ok(fs.existsSync(fresh), 'a recent one may belong to another server: kept');
  fs.rmSync(fresh);
});

test('time-on-task: sessions, caps, the trainer\'s progress table, CSV and the rules', async () => {
  const e = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const mine = (await e.get('/api/v1/me/enrolments')).json().items[0];
  const run = mine.run_id;
  // Two beats claiming two minutes each count at most the time since the
  // previous beat (plus slack), or 30 s when they open a session.
  const ef = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const prev = (await e.get(`/api/v1/runs/${run}/activity`)).json();
  await beat(ef, run, mine.resume_unit_id, { active_ms: '120000', position: '1', segments: '0-1' });
  await beat(ef, run, mine.resume_unit_id, { active_ms: '120000', position: '1' });
  const act = (await e.get(`/api/v1/runs/${run}/activity`)).json();
  assert.ok(act.sessions.length >= 2, 'yesterday and today are two sessions');
  const today = act.sessions[act.sessions.length - 1];
  const prevToday = prev.sessions[prev.sessions.length - 1];
  const claimed = act.active_ms - prev.active_ms;
  assert.ok(claimed <= 30000 + 2 * 6000, `capped (${claimed} ms of 240000 claimed)`);
  assert.equal(today.beats - (prev.sessions.length === act.sessions.length ? prevToday.beats : 0), 2);
  assert.ok(act.units.some((u) => u.unit_id === mine.resume_unit_id));
  assert.match((await ef.get(`/runs/${run}/activity`)).text, /Sessions de connexion/, 'in her language, French');

  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const page = await t.get(`/o/demo/runs/${run}/progress`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Élodie Learner/);
  const csv = await t.get(`/o/demo/runs/${run}/progress.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'email,name,enrolled_at,units_done,units_required,time_on_task_minutes,sessions,last_activity,completed_at');
  assert.ok(lines.some((l) => l.startsWith('elodie@lectern.test,Élodie Learner,')));
  const who = (await t.get(`/api/v1/orgs/demo/runs/${run}/progress`, { headers: { 'x-csrf-token': '' } }));
  assert.equal(who.status, 200);
  const elodie = who.json().items.find((x) => x.email === 'elodie@lectern.test');
  assert.equal(elodie.time_on_task_ms, act.active_ms, 'the table and the learner\'s record agree');
  const detail = await t.get(`/o/demo/runs/${run}/learners/${elodie.user_id}`);
  assert.equal(detail.status, 200);
  assert.match(detail.text, /Warehouse tour/);
  assert.equal((await t.get(`/api/v1/orgs/demo/runs/${run}/learners/${elodie.user_id}/activity`)).json().active_ms, act.active_ms);
  // Learners do not see the table; another organisation does not either.
  assert.equal((await ef.get(`/o/demo/runs/${run}/progress`)).status, 403);
  assert.equal((await ef.get(`/o/demo/runs/${run}/progress.csv`)).status, 403);
  const o = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.equal((await o.get(`/o/other/runs/${run}/progress`)).status, 404);

  // The rules: admins only, checked.
  const a = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  assert.deepEqual((await a.get('/api/v1/orgs/demo/time-rules')).json(), { idle_minutes: 30, session_cap_minutes: 480 });
  apiError(await a.api('PUT', '/api/v1/orgs/demo/time-rules', { idle_minutes: 0 }), 422, 'invalid');
  assert.equal((await a.api('PUT', '/api/v1/orgs/demo/time-rules', { idle_minutes: 20 })).json().idle_minutes, 20);
  assert.match((await ef.get(`/runs/${run}/units/${mine.resume_unit_id}`)).text, /data-idle-ms="1200000"/);
  const tr = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  assert.equal((await tr.api('PUT', '/api/v1/orgs/demo/time-rules', { idle_minutes: 25 })).status, 403);
  const af = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  assert.equal((await af.postForm('/o/demo/admin/time', { idle_minutes: '30', session_cap_minutes: '5' })).status, 422);
  assert.equal((await af.postForm('/o/demo/admin/time', { idle_minutes: '30', session_cap_minutes: '480' })).status, 303);
});
