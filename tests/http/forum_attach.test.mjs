// forum_attach.test.mjs — files attached to forum posts (issue 5; docs/forum.md):
// images inline with alt text, other files downloaded; limits (count, size,
// sniffed type, never the client's); served only through the thread
// (another run's or organisation's users get 403/404); names escaped.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, signinForm, signinApi, apiError, cli, multipart } from './lib.mjs';

const store = demoStore('forum_attach');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
const srv = await startServer(store);
after(() => stopAll(srv));

const RUN = 1;
const base = `/api/v1/runs/${RUN}/forum/threads`;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n');
const XSS_NAME = '<img src=x onerror=alert(1)>.pdf';

let elodie, trainer, page, thread, pngId, pdfId;

const upload = (client, path, parts) => {
  const m = multipart(parts);
  return client.req('POST', path, { body: m.body, headers: m.headers, csrf: true });
};

test('a thread with an image and a PDF from the page: image inline with alt text, the PDF a download, names escaped', async () => {
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  page = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const csrf = await page.pageCsrf(`/runs/${RUN}/forum`);
  const res = await upload(page, `/runs/${RUN}/forum`, [
    { name: '_csrf', value: csrf }, { name: 'kind', value: 'question' }, { name: 'title', value: 'My wiring' },
    { name: 'body', value: 'See the photo and the plan.' },
    { name: 'file', filename: 'photo.png', type: 'application/x-anything', value: PNG },
    { name: 'file', filename: XSS_NAME, type: 'text/html', value: PDF },
  ]);
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const tid = Number(res.location.match(/forum\/(\d+)/)[1]);
  thread = (await elodie.get(`${base}/${tid}`)).json();
  const att = thread.posts[0].attachments;
  assert.equal(att.length, 2);
  assert.equal(att[0].mime, 'image/png', 'sniffed, not the client\'s claim');
  assert.equal(att[0].image, true);
  assert.equal(att[1].mime, 'application/pdf');
  assert.equal(att[1].filename, XSS_NAME, 'kept as written, escaped where shown');
  pngId = att[0].id;
  pdfId = att[1].id;

  const html = (await page.get(`/runs/${RUN}/forum/${tid}`)).text;
  assert.match(html, new RegExp(`<img src="/runs/${RUN}/forum/${tid}/attachments/${pngId}" alt="photo.png"`));
  assert.ok(!html.includes('<img src=x onerror'), 'the name is escaped');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;\.pdf/);

  const img = await page.get(`/runs/${RUN}/forum/${tid}/attachments/${pngId}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.match(img.headers.get('content-disposition'), /^inline/);
  const pdf = await page.get(`/runs/${RUN}/forum/${tid}/attachments/${pdfId}`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/octet-stream');
  const cd = pdf.headers.get('content-disposition');
  assert.match(cd, /^attachment; filename="/);
  assert.ok(!/[<>]/.test(cd.split('filename*=')[0]), `ASCII fallback without < or >: ${cd}`);
  assert.equal(pdf.headers.get('x-content-type-options'), 'nosniff');
  // through the API too
  const api = await elodie.get(att[1].url);
  assert.equal(api.status, 200);
  assert.ok(att[1].url.startsWith('/api/v1/'));
});

test('refused: a wrong type whatever its name and claim, too large, too many; nothing is posted', async () => {
  const csrf = await page.pageCsrf(`/runs/${RUN}/forum/${thread.id}`);
  const before = (await elodie.get(`${base}/${thread.id}`)).json().posts.length;
  const reply = (parts) => upload(page, `/runs/${RUN}/forum/${thread.id}/posts`, [{ name: '_csrf', value: csrf }, { name: 'body', value: 'with files' }, ...parts]);
  let res = await reply([{ name: 'file', filename: 'innocent.png', type: 'image/png', value: HTML }]);
  assert.equal(res.status, 415, 'HTML named .png is refused');
  res = await reply([{ name: 'file', filename: 'big.txt', type: 'text/plain', value: Buffer.alloc((10 << 20) + 1, 'a') }]);
  assert.equal(res.status, 413);
  res = await reply(Array.from({ length: 6 }, (_, i) => ({ name: 'file', filename: `n${i}.txt`, type: 'text/plain', value: `note ${i}\n` })));
  assert.equal(res.status, 422);
  assert.equal((await elodie.get(`${base}/${thread.id}`)).json().posts.length, before, 'nothing half-written');
  res = await reply([{ name: 'file', filename: 'notes.txt', type: 'image/png', value: 'plain notes\n' }]);
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const posts = (await elodie.get(`${base}/${thread.id}`)).json().posts;
  assert.equal(posts.at(-1).attachments[0].mime, 'text/plain');
});

test('the API attaches files to one\'s own post; others may not', async () => {
  const t = await elodie.api('POST', base, { kind: 'discussion', title: 'API files', body: 'files follow' });
  assert.equal(t.status, 201, t.text);
  const post = t.json().posts[0];
  const path = `${base}/${t.json().id}/posts/${post.id}/attachments`;
  let res = await upload(elodie, path, [{ name: 'file', filename: 'a.png', value: PNG }]);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json().attachments[0].mime, 'image/png');
  apiError(await upload(elodie, path, [{ name: 'file', filename: 'x.png', value: HTML }]), 415, 'unsupported_type');
  apiError(await upload(trainer, path, [{ name: 'file', filename: 'b.png', value: PNG }]), 403);
});

test('served only to readers of the thread: another organisation, another run, a deleted post: 403/404', async () => {
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const o = await outsider.get(`/api/v1/runs/${RUN}/forum/threads/${thread.id}/attachments/${pngId}`);
  assert.ok([403, 404].includes(o.status), `outsider: ${o.status}`);
  const op = await signinForm(srv, 'outsider@other.test', 'outsider-pass-1');
  assert.ok([403, 404].includes((await op.get(`/runs/${RUN}/forum/${thread.id}/attachments/${pngId}`)).status));

  // a second run of the course: its attachments are not reachable from run 1 nor by run 1's learners
  const mine = (await elodie.get('/api/v1/me/enrolments')).json().items.find((x) => x.run_id === RUN);
  const run2 = await trainer.api('POST', `/api/v1/orgs/demo/courses/${mine.course_id}/runs`, { title: 'Second', visibility: 'corporate' });
  assert.equal(run2.status, 201, run2.text);
  const R2 = run2.json().id;
  const t2 = await trainer.api('POST', `/api/v1/runs/${R2}/forum/threads`, { kind: 'discussion', title: 'Run 2 only', body: 'secret plan' });
  assert.equal(t2.status, 201, t2.text);
  const up = await upload(trainer, `/api/v1/runs/${R2}/forum/threads/${t2.json().id}/posts/${t2.json().posts[0].id}/attachments`,
    [{ name: 'file', filename: 'plan.pdf', value: PDF }]);
  assert.equal(up.status, 201, up.text);
  const aid = up.json().attachments[0].id;
  assert.ok([403, 404].includes((await elodie.get(`/api/v1/runs/${R2}/forum/threads/${t2.json().id}/attachments/${aid}`)).status));
  assert.equal((await elodie.get(`/api/v1/runs/${RUN}/forum/threads/${t2.json().id}/attachments/${aid}`)).status, 404);
  assert.equal((await elodie.get(`/api/v1/runs/${RUN}/forum/threads/${thread.id}/attachments/${aid}`)).status, 404);
  assert.equal((await page.get(`/runs/${RUN}/forum/${thread.id}/attachments/${aid}`)).status, 404);

  // a deleted post's files are gone for learners
  const t = await elodie.api('POST', base, { kind: 'discussion', title: 'To delete', body: 'soon gone' });
  const p = t.json().posts[0];
  const a = (await upload(elodie, `${base}/${t.json().id}/posts/${p.id}/attachments`, [{ name: 'file', filename: 'c.png', value: PNG }])).json().attachments[0];
  assert.equal((await elodie.get(a.url)).status, 200);
  assert.ok((await elodie.api('DELETE', `${base}/${t.json().id}/posts/${p.id}`)).status < 300);
  assert.equal((await elodie.get(a.url)).status, 404);
  assert.deepEqual((await elodie.get(`${base}/${t.json().id}`)).json().posts[0].attachments, []);
});
