// course_package.test.mjs — a course as a .tar.gz from the browser and the
// API (docs/course-format.md "From the browser and the API"): an export is
// queued (202), made in the background with its progress, downloaded (the
// same folder of files as `lectern course export`, gradebook settings
// included); an import of that archive under a new code makes the same
// course; a taken code, a file that is not a package and a missing file are
// refused with a clear message and change nothing.  Through the pages: the
// buttons and the upload form, CSRF, the progress page.  Learners get 403,
// another organisation's staff 404 on the jobs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, cli, multipart, sleep, tmpDir, uniq } from './lib.mjs';

const store = demoStore('course_package');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
const srv = await startServer(store);
after(() => stopAll(srv));
const work = tmpDir('course-package');

/** Poll the job until it ends (the tick makes it within seconds). */
async function finished(client, id, org = 'demo') {
  for (let i = 0; i < 150; i++) {
    const j = (await client.get(`/api/v1/orgs/${org}/course-jobs/${id}`)).json();
    if (j.status === 'done' || j.status === 'failed') return j;
    await sleep(200);
  }
  throw new Error(`job ${id} did not finish`);
}

function untar(file) {
  const dir = fs.mkdtempSync(path.join(work, 'x-'));
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return dir;
}

const ctx = {};

test('API: export a course, watch the job, download the archive', async () => {
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const courses = (await t.get('/api/v1/orgs/demo/courses')).json().items;
  const src = courses.find((c) => c.code === 'SAFE-101');
  assert.ok(src, 'the demo course');
  ctx.src = src;
  // The gradebook's settings travel with the course.
  let r = await t.api('PUT', `/api/v1/orgs/demo/courses/${src.id}/gradebook`, { pass_mark: 700, require_grade: true });
  assert.equal(r.status, 200, r.text);

  r = await t.api('POST', `/api/v1/orgs/demo/courses/${src.id}/export`);
  assert.equal(r.status, 202, r.text);
  const job = r.json();
  assert.equal(job.kind, 'export');
  assert.match(job.status, /^(queued|running)$/);
  assert.equal(job.course_id, src.id);
  assert.equal(job.download_url, null);
  const done = await finished(t, job.id);
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(done.error, null);
  assert.ok(done.total > 0 && done.done === done.total, JSON.stringify(done));
  assert.equal(done.download_url, `/api/v1/orgs/demo/course-jobs/${job.id}/download`);

  const dl = await fetch(srv.url + done.download_url, { headers: { cookie: t.cookieHeader() } });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/gzip');
  assert.match(dl.headers.get('content-disposition'), /attachment; filename="SAFE-101\.tar\.gz"/);
  assert.equal(dl.headers.get('cache-control'), 'private, no-store');
  const bytes = Buffer.from(await dl.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
  ctx.archive = path.join(work, 'safe.tar.gz');
  fs.writeFileSync(ctx.archive, bytes);
  const dir = untar(ctx.archive);
  const courseTxt = fs.readFileSync(path.join(dir, 'SAFE-101', 'course.txt'), 'utf8');
  assert.match(courseTxt, /^code: SAFE-101\n/);
  assert.match(courseTxt, /\npass_mark: 700\nrequire_grade: yes\n/);

  // The same bytes as the command line's export of the same course.
  const cliFile = path.join(work, 'cli.tar.gz');
  cli(store, 'course', 'export', String(src.id), cliFile);
  assert.ok(fs.readFileSync(cliFile).equals(bytes), 'the web export is the command line export');
});

test('API: import the archive under a new code; a taken code, a bad file and no file are refused', async () => {
  const t = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const before = (await t.get('/api/v1/orgs/demo/courses')).json().items.length;
  const bytes = fs.readFileSync(ctx.archive);
  const send = (parts) => {
    const mp = multipart(parts);
    return t.post('/api/v1/orgs/demo/courses/import', { body: mp.body, headers: { ...mp.headers, 'x-csrf-token': t.csrf } });
  };
  const file = { name: 'file', filename: 'SAFE-101.tar.gz', type: 'application/gzip', value: bytes };

  // The package's code is taken in this organisation: the job fails, nothing is added.
  let r = await send([file]);
  assert.equal(r.status, 202, r.text);
  let j = await finished(t, r.json().id);
  assert.equal(j.status, 'failed');
  assert.equal(j.course_id, null);
  assert.match(j.error, /SAFE-101\/course\.txt:1: code: the organisation already has a course SAFE-101; import a copy under another code/);

  // Not a gzip file, and no file at all: refused at once.
  r = await send([{ name: 'file', filename: 'notes.txt', type: 'text/plain', value: 'not an archive' }]);
  apiError(r, 422, 'invalid');
  assert.equal(r.json().error.field, 'file');
  assert.match(r.json().error.message, /not a course package/);
  r = await send([{ name: 'code', value: 'X-1' }]);
  apiError(r, 422, 'invalid');
  assert.equal(r.json().error.field, 'file');

  // A gzip file that is not a course: the job fails with what is wrong.
  r = await send([{ name: 'file', filename: 'junk.tar.gz', value: execFileSync('gzip', ['-c'], { input: 'junk' }) }]);
  assert.equal(r.status, 202, r.text);
  j = await finished(t, r.json().id);
  assert.equal(j.status, 'failed');
  assert.ok(j.error && j.error.length > 0);
  assert.equal((await t.get('/api/v1/orgs/demo/courses')).json().items.length, before, 'nothing added');

  // Under a new code: the same course.
  const code = `SAFE-${uniq()}`;
  r = await send([file, { name: 'code', value: code }]);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json().kind, 'import');
  j = await finished(t, r.json().id);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.ok(j.course_id > 0);
  assert.equal(j.download_url, null);
  const copy = (await t.get(`/api/v1/courses/${j.course_id}`)).json();
  assert.equal(copy.code, code);
  assert.equal(copy.title, ctx.src.title);
  const outline = async (id) => (await t.get(`/api/v1/courses/${id}/outline`)).json();
  const a = await outline(ctx.src.id), b = await outline(j.course_id);
  assert.deepEqual(b.sections.map((s) => [s.title, s.units.map((u) => [u.kind, u.title])]),
                   a.sections.map((s) => [s.title, s.units.map((u) => [u.kind, u.title])]));
  ctx.copy = j.course_id;
  // An import job has nothing to download.
  apiError(await t.get(`/api/v1/orgs/demo/course-jobs/${r.json().id}/download`), 409, 'not_ready');
});

test('pages: the buttons, the upload form with CSRF, the progress page', async () => {
  const t = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const list = await t.get('/o/demo/courses');
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`action="/o/demo/courses/${ctx.src.id}/export"`));
  assert.match(list.text, /<form method="post" enctype="multipart\/form-data" action="\/o\/demo\/courses\/import">/);
  assert.match(list.text, /<input type="file" id="f-file" name="file"[^>]* required accept="\.tar\.gz,\.tgz,application\/gzip"/);

  // Export by the button: a redirect to the job's page, which shows progress, then the download.
  let r = await t.postForm(`/o/demo/courses/${ctx.src.id}/export`, {}, { from: '/o/demo/courses' });
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/o\/demo\/course-jobs\/\d+$/);
  const page = r.location;
  let p = await t.get(page);
  assert.equal(p.status, 200);
  assert.match(p.text, /<h1>Course export<\/h1>/);
  for (let i = 0; i < 100 && /Refresh/i.test([...p.headers.keys()].join()); i++) {
    await sleep(200);
    p = await t.get(page);
  }
  assert.equal(p.headers.get('refresh'), null);
  assert.match(p.text, /data-status="done"/);
  assert.match(p.text, new RegExp(`href="${page}/download" download`));
  const dl = await t.get(`${page}/download`);
  assert.equal(dl.status, 200);
  // A day later the archive is swept: the download says so.
  fs.unlinkSync(path.join(store.data, 'tmp', `course-export-${page.split('/').pop()}.tar.gz`));
  const gone = await t.get(`${page}/download`);
  assert.equal(gone.status, 410);
  assert.match(gone.text, /removed after a day: export the course again/);

  // Without the CSRF token: refused, no job.
  const mp = multipart([{ name: 'file', filename: 'c.tar.gz', value: fs.readFileSync(ctx.archive) }]);
  r = await t.post('/o/demo/courses/import', { body: mp.body, headers: mp.headers });
  assert.equal(r.status, 403);

  // With it, under a taken code: the page says what is wrong, escaped.
  const tok = list.text.match(/enctype="multipart\/form-data" action="\/o\/demo\/courses\/import">\s*<input type="hidden" name="_csrf" value="([^"]+)"/);
  assert.ok(tok, 'the import form and its token');
  const form = multipart([{ name: '_csrf', value: tok[1] }, { name: 'file', filename: 'c.tar.gz', value: fs.readFileSync(ctx.archive) },
                          { name: 'code', value: '<b>X</b>' }]);
  r = await t.post('/o/demo/courses/import', { body: form.body, headers: form.headers });
  assert.equal(r.status, 303, r.text);
  for (let i = 0; i < 100; i++) {
    p = await t.get(r.location);
    if (!p.headers.get('refresh')) break;
    await sleep(200);
  }
  assert.match(p.text, /<h1>Course import<\/h1>/);
  assert.match(p.text, /data-status="failed"/);
  assert.match(p.text, /The course was not imported: nothing was changed\./);
  assert.match(p.text, /code: &lt;b&gt;X&lt;\/b&gt;|--code: /);
  assert.ok(!p.text.includes('<b>X</b>'), 'the error is escaped');

  // A file that is not a package, by the form: 422 with the message.
  const bad = multipart([{ name: '_csrf', value: tok[1] }, { name: 'file', filename: 'x.txt', value: 'hello' }]);
  r = await t.post('/o/demo/courses/import', { body: bad.body, headers: bad.headers });
  assert.equal(r.status, 422);
  assert.match(r.text, /This file is not a course package/);
});

test('access: learners get 403, another organisation 404', async () => {
  const l = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  apiError(await l.api('POST', `/api/v1/orgs/demo/courses/${ctx.src.id}/export`), 403, 'forbidden');
  apiError(await l.get('/api/v1/orgs/demo/course-jobs/1'), 403, 'forbidden');
  const o = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  apiError(await o.get('/api/v1/orgs/other/course-jobs/1'), 404, 'not_found');
  apiError(await o.get('/api/v1/orgs/other/course-jobs/1/download'), 404, 'not_found');
  apiError(await o.api('POST', `/api/v1/orgs/other/courses/${ctx.src.id}/export`), 404, 'not_found');
  const r = await o.get('/o/demo/course-jobs/1');
  assert.equal(r.status, 403);
});
