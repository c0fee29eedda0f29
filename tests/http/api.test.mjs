// api.test.mjs — the JSON API: sessions, /me, error shape and status codes,
// CSRF for cookie sessions, bearer tokens, events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, Client, cli, demoDataDir, startServer, stopAll, signinApi, apiError, parseSetCookie, metrics, sendHeadFirst,
} from './lib.mjs';

let srv, data, learner, learnerToken, adminApi;

before(async () => {
  data = demoDataDir('api');
  cli({ data }, 'org', 'add', 'other', 'Other');
  cli({ data }, 'user', 'add', 'patcher@lectern.test', 'Patch Me', '--password', 'patcher-pass', '--org', 'demo', '--role', 'learner');
  learnerToken = cli({ data }, 'token', 'create', '--org', 'demo', '--user', DEMO.elodie.email, '--role', 'learner', '--name', 'elodie bot').trim();
  srv = await startServer({ data });
  learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  adminApi = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
});

after(async () => { await stopAll(srv); });

test('POST /api/v1/session: 201, the user, csrf_token and an HttpOnly SameSite=Lax cookie', async () => {
  const c = new Client(srv);
  const res = await c.req('POST', '/api/v1/session', { json: { email: ' Trainer@Lectern.TEST ', password: DEMO.trainer.password } });
  assert.equal(res.status, 201, res.text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const j = res.json();
  assert.equal(j.email, DEMO.trainer.email);
  assert.equal(j.name, 'Théo Formateur');
  assert.equal(j.lang, 'en');
  assert.equal(j.platform_admin, false);
  assert.deepEqual(j.orgs, [{ slug: 'demo', name: 'Lectern Academy', role: 'trainer' }]);
  assert.ok(Number.isInteger(j.id) && j.id > 0);
  assert.match(j.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  const sc = res.headers.getSetCookie().map(parseSetCookie).find((x) => x.name === 'lectern_session');
  assert.ok(sc);
  assert.equal(sc.attrs.httponly, true);
  assert.equal(sc.attrs.samesite, 'Lax');
  // the same csrf token from GET /api/v1/me
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json().csrf_token, j.csrf_token);
  assert.equal(me.headers.get('cache-control'), null, 'no HTML-only headers on JSON');
  // sign out by API: needs the CSRF header too
  c.csrf = j.csrf_token;
  apiError(await c.req('DELETE', '/api/v1/session'), 403, 'csrf');
  const del = await c.req('DELETE', '/api/v1/session', { csrf: true });
  assert.equal(del.status, 204);
  apiError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('POST /api/v1/session refuses bad input with the error shape', async () => {
  const c = new Client(srv);
  apiError(await c.req('POST', '/api/v1/session', { json: { email: DEMO.trainer.email, password: 'wrong-wrong' } }), 401, 'bad_credentials');
  apiError(await c.req('POST', '/api/v1/session', { json: {} }), 401, 'bad_credentials');
  const e = apiError(await c.req('POST', '/api/v1/session', { json: { email: ['x'], password: 'y' } }), 400, 'bad_request');
  assert.equal(e.field, 'email');
  for (const body of ['{"email":', '', 'null', '[1,2]', '"str"', '{"email":"a","email":"b"}', '{"email":"\\ud800"}']) {
    const res = await c.req('POST', '/api/v1/session', { body, headers: { 'content-type': 'application/json' } });
    apiError(res, 400, 'bad_json');
  }
  // without a session, a JSON content type is what makes a write acceptable (no cross-site forms)
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'text/json']) {
    const res = await c.req('POST', '/api/v1/session', { body: JSON.stringify({ email: DEMO.trainer.email, password: DEMO.trainer.password }), headers: { 'content-type': ct } });
    apiError(res, 403, 'csrf');
  }
  const noCt = await c.req('POST', '/api/v1/session', { body: JSON.stringify({ email: DEMO.trainer.email, password: DEMO.trainer.password }) });
  assert.equal(noCt.status, 403);
  assert.equal(c.jar.get('lectern_session'), undefined);
  const withCharset = await c.req('POST', '/api/v1/session', { body: '{}', headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
  apiError(withCharset, 401, 'bad_credentials');
});

test('GET /api/v1/me: 401 signed out; bearer works and has no csrf_token', async () => {
  apiError(await new Client(srv).get('/api/v1/me'), 401, 'unauthenticated');
  apiError(await new Client(srv, { bearer: 'lct_' + 'x'.repeat(43) }).get('/api/v1/me'), 401, 'unauthenticated');
  apiError(await new Client(srv, { bearer: 'garbage' }).get('/api/v1/me'), 401, 'unauthenticated');
  const b = await new Client(srv, { bearer: learnerToken }).get('/api/v1/me');
  assert.equal(b.status, 200);
  assert.equal(b.json().email, DEMO.elodie.email);
  assert.equal(b.json().csrf_token, undefined);
  // a forged session cookie is "signed out"
  const forged = await new Client(srv).get('/api/v1/me', { headers: { cookie: `lectern_session=${'A'.repeat(43)}` } });
  apiError(forged, 401, 'unauthenticated');
  const head = await fetch(srv.url + '/api/v1/me', { method: 'HEAD', headers: { authorization: `Bearer ${learnerToken}` } });
  assert.equal(head.status, 200);
  assert.equal((await head.text()).length, 0);
});

test('PATCH /api/v1/me: needs X-CSRF-Token with a cookie session; validates fields', async () => {
  const c = await signinApi(srv, 'patcher@lectern.test', 'patcher-pass');
  apiError(await c.req('PATCH', '/api/v1/me', { json: { name: 'No Token' } }), 403, 'csrf');
  apiError(await c.req('PATCH', '/api/v1/me', { json: { name: 'Wrong Token' }, headers: { 'x-csrf-token': 'A'.repeat(43) } }), 403, 'csrf');
  apiError(await c.req('PATCH', '/api/v1/me', { json: { name: 'Other Token' }, headers: { 'x-csrf-token': learner.csrf } }), 403, 'csrf');
  assert.equal((await c.get('/api/v1/me')).json().name, 'Patch Me', 'nothing changed');
  const ok = await c.api('PATCH', '/api/v1/me', { name: 'Patched Name', lang: 'fr' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json().name, 'Patched Name');
  assert.equal(ok.json().lang, 'fr');
  const only = await c.api('PATCH', '/api/v1/me', { lang: 'en' });
  assert.equal(only.json().name, 'Patched Name', 'absent fields keep their value');
  assert.equal(only.json().lang, 'en');
  assert.equal(apiError(await c.api('PATCH', '/api/v1/me', { lang: 'de' }), 422, 'invalid').field, 'lang');
  assert.equal(apiError(await c.api('PATCH', '/api/v1/me', { name: '' }), 422, 'invalid').field, 'name');
  assert.equal(apiError(await c.api('PATCH', '/api/v1/me', { name: 'x'.repeat(201) }), 422, 'invalid').field, 'name');
  assert.equal(apiError(await c.api('PATCH', '/api/v1/me', { name: 'tab\tname' }), 422, 'invalid').field, 'name');
  assert.equal(apiError(await c.api('PATCH', '/api/v1/me', { name: 5 }), 400, 'bad_request').field, 'name');
  apiError(await c.req('PATCH', '/api/v1/me', { body: '{bad', headers: { 'content-type': 'application/json' }, csrf: true }), 400, 'bad_json');
  assert.equal((await c.get('/api/v1/me')).json().name, 'Patched Name');
});

test('bearer token writes need no CSRF token', async () => {
  const b = new Client(srv, { bearer: learnerToken });
  const res = await b.req('PATCH', '/api/v1/me', { json: { name: 'Élodie Bearer' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().name, 'Élodie Bearer');
  const ev = await b.req('POST', '/api/v1/orgs/demo/events', { json: { verb: 'experienced', object: 'course:1' } });
  assert.equal(ev.status, 201, ev.text);
  // bearer with a non-JSON body is still judged on the body, not refused as CSRF
  const txt = await b.req('POST', '/api/v1/orgs/demo/events', { body: 'verb=x', headers: { 'content-type': 'text/plain' } });
  apiError(txt, 400, 'bad_json');
  await b.req('PATCH', '/api/v1/me', { json: { name: 'Élodie Learner' } });
});

test('status codes: 404 and 405 (with Allow) in the JSON shape', async () => {
  const c = learner;
  const nf = apiError(await c.get('/api/v1/nope'), 404, 'not_found');
  assert.ok(nf.message);
  apiError(await c.get('/api/v1/orgs/no-such-org'), 404, 'not_found');
  apiError(await adminApi.api('DELETE', '/api/v1/orgs/demo/tokens/abc'), 404, 'not_found');
  apiError(await adminApi.api('DELETE', '/api/v1/orgs/demo/tokens/-1'), 404, 'not_found');
  apiError(await adminApi.api('DELETE', '/api/v1/orgs/demo/tokens/99999999999999999999'), 404, 'not_found');
  const m = await c.req('DELETE', '/api/v1/me', { csrf: true });
  apiError(m, 405, 'method_not_allowed');
  const allow = m.headers.get('allow').split(',').map((s) => s.trim()).sort();
  assert.deepEqual(allow, ['GET', 'HEAD', 'PATCH']);
  const m2 = await c.req('PUT', '/api/v1/session', { json: {} });
  apiError(m2, 405, 'method_not_allowed');
  assert.deepEqual(m2.headers.get('allow').split(',').map((s) => s.trim()).sort(), ['DELETE', 'POST']);
  const opt = await c.req('OPTIONS', '/api/v1/orgs');
  assert.equal(opt.status, 405);
  assert.ok(opt.headers.get('allow').includes('GET'));
});

test('status codes: 401, 403 and 409 in the JSON shape', async () => {
  apiError(await new Client(srv).get('/api/v1/orgs/demo/members'), 401, 'unauthenticated');
  apiError(await learner.get('/api/v1/orgs/demo/members'), 403, 'forbidden');
  apiError(await learner.api('POST', '/api/v1/orgs/demo/tokens', { name: 'mine' }), 403, 'forbidden');
  apiError(await learner.get('/api/v1/orgs/other'), 403, 'forbidden');
  apiError(await learner.api('POST', '/api/v1/orgs', { slug: 'learner-org', name: 'No' }), 403, 'forbidden');
  apiError(await adminApi.api('POST', '/api/v1/orgs', { slug: 'demo', name: 'Again' }), 409, 'exists');
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/demo/signup', { json: { email: DEMO.elodie.email, name: 'Dup', password: 'long-enough-pass' } }), 409, 'exists');
});

test('status codes: 413 for a body over the limit, 422 with the field', async () => {
  const big = JSON.stringify({ verb: 'x', object: 'y', payload: { blob: 'z'.repeat(1100 * 1024) } });
  const head = `POST /api/v1/orgs/demo/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`
    + `Cookie: ${learner.cookieHeader()}\r\nX-CSRF-Token: ${learner.csrf}\r\nContent-Length: ${big.length}\r\n\r\n`;
  const raw = await sendHeadFirst(srv.port, head, big);
  assert.equal(raw.status, 413, JSON.stringify(raw));
  assert.match(raw.headers['content-type'], /^application\/json/);
  assert.equal(JSON.parse(raw.body).error.code, 'too_large');
  const e = apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { object: 'course:1' }), 422, 'invalid');
  assert.equal(e.field, 'verb');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'x' }), 422, 'invalid').field, 'object');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'x', object: 'y', payload: [1] }), 422, 'invalid').field, 'payload');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'x', object: 'y', payload: { s: 'p'.repeat(17 * 1024) } }), 422, 'invalid').field, 'payload');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'v'.repeat(201), object: 'y' }), 422, 'invalid').field, 'verb');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'x', object: 'o'.repeat(2001) }), 422, 'invalid').field, 'object');
  assert.equal(apiError(await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 1, object: 'y' }), 400, 'bad_request').field, 'verb');
});

test('events: 201 with an id after commit; ?dry_run=1 answers 200 and stores nothing', async () => {
  const m0 = await metrics(srv);
  const jobs0 = m0.value('lectern_writer_jobs_total');
  const a = await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'http://adlnet.gov/expapi/verbs/experienced', object: 'lecture:42', payload: { seconds: 30, 'é': 'ü' } });
  assert.equal(a.status, 201, a.text);
  const b = await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'completed', object: 'lecture:42' });
  assert.equal(b.status, 201);
  assert.ok(Number.isInteger(a.json().id) && b.json().id > a.json().id, 'increasing ids');
  const m1 = await metrics(srv);
  assert.equal(m1.value('lectern_writer_jobs_total'), jobs0 + 2, 'two writes went through the writer');
  const dry = await learner.api('POST', '/api/v1/orgs/demo/events?dry_run=1', { verb: 'completed', object: 'lecture:43' });
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json(), { valid: true });
  const bad = await learner.api('POST', '/api/v1/orgs/demo/events?dry_run=1', { object: 'lecture:43' });
  assert.equal(apiError(bad, 422, 'invalid').field, 'verb');
  const m2 = await metrics(srv);
  assert.equal(m2.value('lectern_writer_jobs_total'), jobs0 + 2, 'a dry run writes nothing');
  const c = await learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'completed', object: 'lecture:44' });
  assert.equal(c.json().id, b.json().id + 1, 'no id was used by the dry run');
  // many at once: all committed, all distinct
  const many = await Promise.all(Array.from({ length: 40 }, (_, i) => learner.api('POST', '/api/v1/orgs/demo/events', { verb: 'progressed', object: `lecture:${i}` })));
  const idset = new Set(many.map((r) => { assert.equal(r.status, 201); return r.json().id; }));
  assert.equal(idset.size, 40);
});

test('events: cookie sessions need X-CSRF-Token; non-members get 403; unknown org 404', async () => {
  apiError(await learner.req('POST', '/api/v1/orgs/demo/events', { json: { verb: 'x', object: 'y' } }), 403, 'csrf');
  apiError(await learner.api('POST', '/api/v1/orgs/other/events', { verb: 'x', object: 'y' }), 403, 'forbidden');
  apiError(await learner.api('POST', '/api/v1/orgs/nowhere/events', { verb: 'x', object: 'y' }), 404, 'not_found');
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/demo/events', { json: { verb: 'x', object: 'y' } }), 401, 'unauthenticated');
});

test('GET /api/v1/orgs and /api/v1/orgs/{org}', async () => {
  const mine = (await learner.get('/api/v1/orgs')).json();
  assert.deepEqual(mine.items.map((o) => o.slug), ['demo']);
  const org = await learner.get('/api/v1/orgs/demo');
  assert.equal(org.status, 200);
  const oj = org.json();
  assert.ok(Number.isInteger(oj.id));
  assert.deepEqual([oj.slug, oj.name, oj.allow_signup, oj.role], ['demo', 'Lectern Academy', true, 'learner']);
  const all = (await adminApi.get('/api/v1/orgs')).json().items.map((o) => o.slug).sort();
  assert.deepEqual(all, ['demo', 'other']);
  const mem = await adminApi.get('/api/v1/orgs/demo/members?limit=2&offset=1');
  assert.equal(mem.status, 200);
  const mj = mem.json();
  assert.equal(mj.items.length, 2);
  assert.equal(mj.offset, 1);
  assert.equal(mj.limit, 2);
  assert.equal(mj.total, 5);
  apiError(await adminApi.get('/api/v1/orgs/demo/members?limit=0'), 400, 'bad_request');
  apiError(await adminApi.get('/api/v1/orgs/demo/members?limit=501'), 400, 'bad_request');
  apiError(await adminApi.get('/api/v1/orgs/demo/members?offset=-1'), 400, 'bad_request');
  const q = (await adminApi.get('/api/v1/orgs/demo/members?q=lodie')).json();
  assert.deepEqual(q.items.map((m) => m.email), [DEMO.elodie.email]);
  const like = (await adminApi.get('/api/v1/orgs/demo/members?q=%25')).json();
  assert.equal(like.total, 0, '"%" is matched literally, not as a wildcard');
});
