// security.test.mjs — every route walked as every role of another
// organisation, CSRF on every state change, bad input of every kind,
// injection, sessions, security headers, static files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  DEMO, Client, cli, demoDataDir, tmpDir, startServer, stopAll, signinApi, signinForm, routeTable, apiError,
  csrfFrom, rawRequest, sendHeadFirst, plainRequest, metrics, waitForMail, multipart, tableRows, uniq,
} from './lib.mjs';

const ROLES = ['learner', 'trainer', 'admin', 'auditor'];
// {org} routes anyone may use
const PUBLIC_ORG = new Set(['GET /o/{org}', 'GET /o/{org}/signup', 'POST /o/{org}/signup', 'POST /api/v1/orgs/{org}/signup',
  'GET /o/{org}/evidence-key.pub', 'GET /api/v1/orgs/{org}/ledger/key']);   // the evidence signing key is public

let srv, small, data, routes, demoAdmin;
const other = {};       // role → {email, password, token, client}
const ctx = {};         // ids in demo to aim at

before(async () => {
  data = demoDataDir('security');
  cli({ data }, 'org', 'add', 'other', 'Other');
  for (const role of ROLES) {
    const email = `${role}@other.test`, password = `other-${role}-pass`;
    cli({ data }, 'user', 'add', email, `Other ${role}`, '--password', password, '--org', 'other', '--role', role);
    const token = cli({ data }, 'token', 'create', '--org', 'other', '--user', email, '--role', role, '--name', `other ${role}`).trim();
    other[role] = { email, password, token };
  }
  ctx.demoToken = cli({ data }, 'token', 'create', '--org', 'demo', '--user', DEMO.admin.email, '--role', 'admin', '--name', 'demo robot').trim();
  routes = routeTable();
  srv = await startServer({ data });
  small = await startServer({ data: tmpDir('small'), args: ['--max-body', '1000'] });
  demoAdmin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const members = (await demoAdmin.get('/api/v1/orgs/demo/members')).json().items;
  ctx.memberId = members.find((m) => m.email === DEMO.francois.email).user_id;
  ctx.adminId = members.find((m) => m.email === DEMO.admin.email).user_id;
  ctx.tokenId = (await demoAdmin.get('/api/v1/orgs/demo/tokens')).json().items[0].id;
  const inv = await demoAdmin.api('POST', '/api/v1/orgs/demo/invitations', { email: 'pending@example.org', role: 'learner' });
  assert.equal(inv.status, 201, inv.text);
  const list = await demoAdmin.get('/api/v1/orgs/demo/invitations');
  ctx.invitationId = list.status === 200 ? list.json().items[0].id : 1;
  for (const role of ROLES) other[role].client = await signinApi(srv, other[role].email, other[role].password);
});

after(async () => { await stopAll(srv, small); });

/** The concrete path of a route pattern, aimed at organisation `org`. */
function fill(p, org = 'demo') {
  const id = p.includes('/tokens/') ? ctx.tokenId : p.includes('/invitations/') ? ctx.invitationId : ctx.memberId;
  return p.replace('{org}', org).replace('{id}', String(id)).replace('{token}', 'T'.repeat(43)).replace('{file}', 'app.css')
    .replace(/\{[a-z_]+\}/g, '1');
}

const FIELDS = {
  email: 'walker@example.org', role: 'admin', name: 'Walker', slug: 'walker-org', verb: 'walked', object: 'walk',
  password: 'walker-password', current: 'walker-password', allow_signup: '1', signup_domains: 'example.org', lang: 'fr',
};

/** JSON errors: the API and the xAPI LRS. */
const isApi = (path) => path.startsWith('/api/') || path.startsWith('/xapi/');

/** A plausible request for a route: the body a legitimate caller would send. */
function requestFor(rt, org = 'demo') {
  let p = fill(rt.path, org);
  const api = isApi(rt.path);
  if (rt.method === 'GET') return { p };
  if (rt.path.endsWith('/import')) {
    if (api) p += '?apply=1';
    const csv = 'walker@example.org,Walker,admin\n';
    return api ? { p, body: csv, headers: { 'content-type': 'text/csv' } } : { p, form: { csv, apply: '1' } };
  }
  return api ? { p, json: { ...FIELDS, allow_signup: true } } : { p, form: { ...FIELDS } };
}

/** What the demo administrator sees of demo: must not change under attack. */
async function demoSnapshot() {
  const get = async (p) => { const r = await demoAdmin.get(p); assert.equal(r.status, 200, `${p}: ${r.text}`); return r.json(); };
  const members = (await get('/api/v1/orgs/demo/members?limit=500')).items.map((m) => `${m.email}:${m.role}`).sort();
  const tokens = (await get('/api/v1/orgs/demo/tokens')).items.map((t) => `${t.id}:${t.name}:${t.role}:${t.revoked_at}`).sort();
  const invitations = (await get('/api/v1/orgs/demo/invitations')).items.map((i) => `${i.email}:${i.role}`).sort();
  const org = await get('/api/v1/orgs/demo');
  delete org.role;
  const orgs = (await get('/api/v1/orgs')).items.map((o) => o.slug).sort();
  const m = await metrics(srv);
  return { members, tokens, invitations, org, orgs, writerJobs: m.value('lectern_writer_jobs_total') };
}

test('the route table is what we walk: every non-GET route carries csrf', () => {
  assert.ok(routes.length >= 40, `${routes.length} routes`);
  for (const rt of routes) {
    assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(rt.method), `${rt.method} ${rt.path}`);
    if (rt.method !== 'GET') assert.ok(rt.access.includes('csrf'), `${rt.method} ${rt.path} must carry csrf`);
    if (isApi(rt.path)) assert.ok(rt.access.includes('api'), `${rt.path} is an API route`);
  }
  const scoped = routes.filter((r) => r.path.includes('{org}') && !PUBLIC_ORG.has(`${r.method} ${r.path}`));
  for (const rt of scoped) {
    assert.ok(rt.access.some((a) => ['member', 'staff', 'admin'].includes(a)), `${rt.method} ${rt.path} needs a role in {org}`);
  }
});

test('every org-scoped route refuses every role of another organisation (cookie session with a valid CSRF token, and bearer token)', async () => {
  const before = await demoSnapshot();
  const scoped = routes.filter((r) => r.path.includes('{org}') && !PUBLIC_ORG.has(`${r.method} ${r.path}`));
  assert.ok(scoped.length >= 15);
  const failures = [];
  let n = 0;
  for (const role of ROLES) {
    const { client, token } = other[role];
    const bearer = new Client(srv, { bearer: token });
    for (const rt of scoped) {
      const rq = requestFor(rt);
      // cookie session: the session's own CSRF token, in the header and in forms
      const opts = { headers: { ...(rq.headers || {}), 'x-csrf-token': client.csrf } };
      if (rq.form) opts.form = { _csrf: client.csrf, ...rq.form };
      if (rq.json) opts.json = rq.json;
      if (rq.body) opts.body = rq.body;
      const res = await client.req(rt.method, rq.p, opts);
      n++;
      if (![403, 404].includes(res.status)) failures.push(`${role} cookie ${rt.method} ${rq.p} → ${res.status} ${res.text.slice(0, 120)}`);
      if (res.status === 403 && isApi(rt.path)) {
        const code = res.json().error.code;
        if (code === 'csrf') failures.push(`${role} cookie ${rt.method} ${rq.p} stopped by CSRF, not by access`);
      }
      // bearer token of the other organisation
      const bopts = { headers: { ...(rq.headers || {}) } };
      if (rq.form) bopts.form = rq.form;
      if (rq.json) bopts.json = rq.json;
      if (rq.body) bopts.body = rq.body;
      const b = await bearer.req(rt.method, rq.p, bopts);
      n++;
      const pageGet = !isApi(rt.path) && rt.method === 'GET';
      // pages ignore bearer tokens: the caller is signed out and sent to sign in
      const okPage = pageGet && b.status === 303 && /^\/signin/.test(b.location || '');
      if (![403, 404].includes(b.status) && !okPage) failures.push(`${role} bearer ${rt.method} ${rq.p} → ${b.status} ${b.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${n} requests were not refused`);
  const after = await demoSnapshot();
  assert.deepEqual(after, before, 'nothing in demo changed');
});

test('the same walk aimed at the caller\'s own organisation is not refused (the walk is meaningful)', async () => {
  const { client } = other.admin;
  // Routes naming an object by {id} need one of that organisation: they are
  // covered by the IDOR test below.
  for (const rt of routes.filter((r) => r.method === 'GET' && r.path.includes('{org}') && !r.path.includes('{id}')
                                   && !PUBLIC_ORG.has(`${r.method} ${r.path}`))) {
    const res = await client.get(fill(rt.path, 'other'));
    assert.equal(res.status, 200, `${rt.path} for the admin of other: ${res.status}`);
  }
  const b = new Client(srv, { bearer: other.admin.token });
  assert.equal((await b.get('/api/v1/orgs/other/members')).status, 200);
});

test('ids of demo through the other organisation\'s own routes: 404, nothing changed (no IDOR)', async () => {
  const before = await demoSnapshot();
  const { client, token } = other.admin;
  const bearer = new Client(srv, { bearer: token });
  const api = [
    ['PUT', `/api/v1/orgs/other/members/${ctx.memberId}/role`, { role: 'admin' }],
    ['DELETE', `/api/v1/orgs/other/members/${ctx.memberId}`],
    ['DELETE', `/api/v1/orgs/other/tokens/${ctx.tokenId}`],
    ['DELETE', `/api/v1/orgs/other/invitations/${ctx.invitationId}`],
  ];
  for (const [m, p, body] of api) {
    apiError(await client.api(m, p, body), 404);
    apiError(await bearer.req(m, p, { json: body }), 404);
  }
  const forms = [
    [`/o/other/admin/users/${ctx.memberId}/role`, { role: 'admin' }],
    [`/o/other/admin/tokens/${ctx.tokenId}/revoke`, {}],
    [`/o/other/admin/invitations/${ctx.invitationId}/revoke`, {}],
  ];
  for (const [p, form] of forms) {
    const r = await client.post(p, { form: { _csrf: client.csrf, ...form } });
    assert.equal(r.status, 404, `POST ${p}`);
  }
  assert.deepEqual(await demoSnapshot(), before);
  assert.equal((await new Client(srv, { bearer: ctx.demoToken }).get('/api/v1/orgs/demo/members')).status, 200, 'the demo token still works');
});

test('demo learners and trainers get 403 on every administrator route of demo', async () => {
  const before = await demoSnapshot();
  const learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  const failures = [];
  for (const c of [learner, trainer]) {
    for (const rt of routes.filter((r) => r.access.includes('admin') || r.access.includes('platform'))) {
      const rq = requestFor(rt);
      const opts = { headers: { ...(rq.headers || {}), 'x-csrf-token': c.csrf } };
      if (rq.form) opts.form = { _csrf: c.csrf, ...rq.form };
      if (rq.json) opts.json = rq.json;
      if (rq.body) opts.body = rq.body;
      const res = await c.req(rt.method, rq.p, opts);
      if (res.status !== 403) failures.push(`${c.me.email} ${rt.method} ${rq.p} → ${res.status}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(await demoSnapshot(), before);
});

test('signed out: every route that needs an account refuses (401 for the API, sign-in for pages)', async () => {
  const anon = new Client(srv);
  const tok = await anon.pageCsrf('/signin');        // a valid anonymous CSRF token
  const failures = [];
  for (const rt of routes.filter((r) => r.access.some((a) => ['login', 'member', 'staff', 'admin', 'platform'].includes(a)))) {
    const rq = requestFor(rt);
    const opts = { headers: { ...(rq.headers || {}), 'x-csrf-token': tok } };
    if (rq.form) opts.form = { _csrf: tok, ...rq.form };
    if (rq.json) opts.json = rq.json;
    if (rq.body) opts.body = rq.body;
    const res = await anon.req(rt.method, rq.p, opts);
    const ok = isApi(rt.path) ? res.status === 401 || (res.status === 403 && res.json().error.code === 'csrf')
      : res.status === 303 && /^\/signin\?next=/.test(res.location || '');
    if (!ok) failures.push(`${rt.method} ${rq.p} → ${res.status} ${res.location || ''}`);
  }
  assert.deepEqual(failures, []);
});

test('every non-GET route without a CSRF token, signed in by cookie as the platform administrator → 403 csrf', async () => {
  const before = await demoSnapshot();
  const c = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  const failures = [];
  for (const rt of routes.filter((r) => r.method !== 'GET')) {
    const rq = requestFor(rt);
    const opts = { headers: { ...(rq.headers || {}) } };
    if (rq.form) opts.form = rq.form;
    if (rq.json) opts.json = rq.json;
    if (rq.body) opts.body = rq.body;
    const res = await c.req(rt.method, rq.p, opts);
    if (res.status !== 403) { failures.push(`${rt.method} ${rq.p} → ${res.status}`); continue; }
    if (isApi(rt.path)) {
      if (res.json().error.code !== 'csrf') failures.push(`${rt.method} ${rq.p}: code ${res.json().error.code}`);
    } else if (!/This form has expired or did not come from this site/.test(res.text)) {
      failures.push(`${rt.method} ${rq.p}: not the CSRF message`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal((await c.get('/account')).status, 200, 'sign-out without a token did not sign out');
  assert.deepEqual(await demoSnapshot(), before, 'nothing changed');
});

test('a forged or borrowed CSRF token is refused (403)', async () => {
  const c = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const mine = csrfFrom((await c.get('/account')).text);
  const forged = [
    'A'.repeat(43), mine.slice(0, -1) + (mine.endsWith('A') ? 'B' : 'A'), mine + 'A', mine.slice(1), '', other.admin.client.csrf,
    csrfFrom((await new Client(srv).get('/signin')).text),  // an anonymous visitor's
  ];
  for (const bad of forged) {
    const res = await c.post('/account/profile', { form: { _csrf: bad, name: 'Forged', lang: 'en' } });
    assert.equal(res.status, 403, `token ${JSON.stringify(bad)}`);
    const api = await c.req('PATCH', '/api/v1/me', { json: { name: 'Forged' }, headers: { 'x-csrf-token': bad } });
    apiError(api, 403, 'csrf');
  }
  assert.equal((await c.get('/api/v1/me')).json().name, 'Théo Formateur');
  // an anonymous token with someone else's anonymous cookie
  const a1 = new Client(srv), a2 = new Client(srv);
  const t1 = await a1.pageCsrf('/signin');
  await a2.get('/signin');
  const cross = await a2.post('/signin', { form: { _csrf: t1, email: DEMO.trainer.email, password: DEMO.trainer.password } });
  assert.equal(cross.status, 403);
});

test('expired, forged or signed-out session cookies are treated as signed out', async (t) => {
  const forgedValues = ['A'.repeat(43), 'short', 'x'.repeat(500), '"quoted"', '%00%00'];
  for (const v of forgedValues) {
    const c = new Client(srv);
    const res = await c.get('/account', { headers: { cookie: `lectern_session=${v}` } });
    assert.equal(res.status, 303, `cookie ${v}`);
    assert.equal(res.location, '/signin?next=%2Faccount');
    apiError(await c.get('/api/v1/me', { headers: { cookie: `lectern_session=${v}` } }), 401, 'unauthenticated');
  }
  let sqlite3 = true;
  try { execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }); } catch { sqlite3 = false; }
  if (!sqlite3) { t.skip('sqlite3 command not installed: expiry not checked'); return; }
  const c = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  const db = path.join(data, 'lectern.db');
  const uid = c.me.id;
  execFileSync('sqlite3', [db, `PRAGMA busy_timeout=5000; UPDATE user_session SET expires_at = 1 WHERE user_id = ${uid};`]);
  // a change made behind Lectern's back is seen once the operator says so
  // (until then the server may answer from its session cache)
  cli({ data }, 'cache', 'clear');
  apiError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  const page = await c.get('/account');
  assert.equal(page.status, 303);
});

test('malformed request lines and headers over a raw socket: 4xx or closed, server still up', async () => {
  const cases = {
    garbage: 'GARBAGE\r\n\r\n',
    'no version': 'GET /\r\n\r\n',
    'bad version': 'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    'header without colon': 'GET / HTTP/1.1\r\nHost: x\r\nBadHeader\r\n\r\n',
    'URI of 100 kB': `GET /${'a'.repeat(100000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'header of 40 kB': `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40000)}\r\n\r\n`,
    'high bytes in path': 'GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n',
    'negative Content-Length': 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'Content-Length abc': 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    'bad chunk size': 'POST /signin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n',
    'absolute-form target': 'GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    'asterisk target': 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
    'relative target': 'GET healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    'bad percent escape': 'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n',
    'percent-encoded NUL': 'GET /o/demo%00/admin/users HTTP/1.1\r\nHost: x\r\n\r\n',
    'overlong UTF-8': 'GET /o/%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n',
    'bad query escape': 'GET /signin?next=%zz HTTP/1.1\r\nHost: x\r\n\r\n',
    'malformed multipart': 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 5\r\n\r\nhello',
    'multipart without boundary': 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 5\r\n\r\nhello',
    'bad urlencoded body': 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\na=%zz',
  };
  const failures = [];
  for (const [name, req] of Object.entries(cases)) {
    const r = await rawRequest(srv.port, Buffer.from(req, 'latin1'), { timeoutMs: 2000 });
    const ok = (r.status >= 400 && r.status < 500) || r.status === 505 || (r.status === 0 && r.closed);
    if (!ok) failures.push(`${name}: ${r.status || 'no answer'} ${r.closed ? '(closed)' : '(open)'}`);
    const h = await fetch(srv.url + '/healthz').then((x) => x.status, () => 'down');
    assert.equal(h, 200, `server up after "${name}"`);
  }
  assert.deepEqual(failures, []);
  const m = await metrics(srv);
  assert.equal(m.value('lectern_http_requests_total', { status: '500' }) || 0, 0, 'no 500 answered');
});

// RFC 9112 framing rules that matter behind a proxy (request smuggling).
test('two different Content-Length headers → 400', async () => {
  const r = await rawRequest(srv.port, 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde', { timeoutMs: 2000 });
  assert.ok(r.status === 400 || (r.status === 0 && r.closed), `RFC 9112 §6.3: got ${r.status}`);
});

test('Transfer-Encoding with Content-Length: refused, or the connection closed after the answer', async () => {
  const r = await rawRequest(srv.port, 'POST /signin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n', { timeoutMs: 2000 });
  assert.ok(r.status === 400 || r.closed, `RFC 9112 §6.1: got ${r.status}, connection ${r.closed ? 'closed' : 'kept open'}`);
});

test('HTTP/1.1 without Host, with two Host headers, or with a space before the colon → 400', async () => {
  for (const req of ['GET /healthz HTTP/1.1\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n']) {
    const r = await rawRequest(srv.port, req, { timeoutMs: 2000 });
    assert.ok(r.status === 400 || (r.status === 0 && r.closed), `${JSON.stringify(req)}: got ${r.status} (RFC 9112 §3.2, §5.1)`);
  }
});

// libmicrohttpd 0.9.75 hands the target over as a C string, cut at the NUL:
// what follows the NUL must never be routed (here /signin), whatever comes back.
test('a NUL byte in the request target: nothing after it is used', async () => {
  const r = await rawRequest(srv.port, Buffer.from('GET /\0/signin HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'), { timeoutMs: 2000 });
  const servedSignin = /name="password"/.test(r.text);
  assert.ok(r.status === 400 || (r.status === 0 && r.closed) || (r.status === 200 && !servedSignin),
            `got ${r.status}${servedSignin ? ' with the sign-in page' : ''}`);
  const alive = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 2000 });
  assert.equal(alive.status, 200);
});

test('an unknown method → 501, or 405 with an Allow header', async () => {
  const r = await rawRequest(srv.port, 'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 2000 });
  const allow = /\r\nAllow: /i.test(r.text);
  assert.ok(r.status === 501 || (r.status === 405 && allow), `got ${r.status}${r.status === 405 ? ' without Allow (RFC 9110 §15.5.6)' : ''}`);
});

test('a body over --max-body → 413 (Content-Length, chunked, form and API), server still up', async () => {
  const form = 'email=' + 'a'.repeat(2000);
  const r1 = await sendHeadFirst(small.port, `POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`, form);
  assert.equal(r1.status, 413);
  assert.match(r1.body, /too large/);
  const json = JSON.stringify({ email: 'x'.repeat(2000), password: 'y' });
  const r2 = await sendHeadFirst(small.port, `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`, json);
  assert.equal(r2.status, 413);
  assert.equal(JSON.parse(r2.body).error.code, 'too_large');
  const chunk = (s) => `${s.length.toString(16)}\r\n${s}\r\n`;
  const r3 = await rawRequest(small.port, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
    + chunk('{"email":"' + 'a'.repeat(700)) + chunk('b'.repeat(700) + '"}') + '0\r\n\r\n', { timeoutMs: 3000 });
  assert.equal(r3.status, 413, r3.text.slice(0, 200));
  // just under the limit is fine
  const okBody = JSON.stringify({ email: 'x@example.org', password: 'p'.repeat(900) });
  const r4 = await new Client(small).req('POST', '/api/v1/session', { body: okBody, headers: { 'content-type': 'application/json' } });
  assert.equal(r4.status, 401);
  assert.equal((await fetch(small.url + '/healthz')).status, 200);
});

test('invalid UTF-8 in form fields, JSON and paths: a clear 4xx', async () => {
  const c = new Client(srv);
  const tok = await c.pageCsrf('/signin');
  const cookie = c.cookieHeader();
  const post = (p, body) => plainRequest(srv, 'POST', p, { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body);
  const signup = await post('/o/demo/signup', `_csrf=${tok}&name=%FF%FE&email=utf8-${uniq()}@example.org&password=long-enough-pass`);
  assert.equal(signup.status, 422);
  assert.match(signup.text, /Enter a name/);
  const email = await post('/o/demo/signup', `_csrf=${tok}&name=Ok&email=caf%E9@example.org&password=long-enough-pass`);
  assert.equal(email.status, 422);
  const u = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const prof = await plainRequest(srv, 'POST', '/account/profile', { cookie: u.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, `_csrf=${u.csrf}&name=Fran%C3%A7ois%FF&lang=en`);
  assert.equal(prof.status, 422);
  assert.equal((await u.get('/api/v1/me')).json().name, 'François Learner');
  const json = await plainRequest(srv, 'PATCH', '/api/v1/me', { cookie: u.cookieHeader(), 'x-csrf-token': u.csrf, 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
  assert.equal(json.status, 400);
  assert.equal(json.json().error.code, 'bad_json');
  for (const p of ['/o/%FF', '/o/%C3%28', '/o/demo%ED%A0%80', '/api/v1/orgs/%FF/members']) {
    const r = await u.get(p);
    assert.equal(r.status, 400, p);
    assert.match(r.text, /malformed/);
  }
});

test('invalid UTF-8 in the pasted CSV of the import form: 422, not an empty preview', async () => {
  const res = await plainRequest(srv, 'POST', '/o/demo/admin/import', { cookie: demoAdmin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    `_csrf=${demoAdmin.csrf}&csv=caf%E9%40example.org%2Cx%2Clearner`);
  assert.equal(res.status, 422, `got ${res.status}: ${(res.text.match(/<p class="lead">[^<]*/) || [''])[0]}`);
});

test('invalid UTF-8 in query parameters: refused, or dropped — never echoed into a UTF-8 page or header', async () => {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const res = await plainRequest(srv, 'GET', '/o/demo/admin/users?q=%FF%FE', { cookie: demoAdmin.cookieHeader() });
  assert.ok(res.status === 400 || res.status === 200, `status ${res.status}`);
  assert.doesNotThrow(() => utf8.decode(res.body), `the page of status ${res.status} is not valid UTF-8 (the query value is echoed raw)`);
  const signedIn = await plainRequest(srv, 'GET', '/signin?next=/%FF%FE', { cookie: demoAdmin.cookieHeader() });
  if (signedIn.status === 303) {
    assert.match(signedIn.headers.location, /^[\x21-\x7e]*$/, `Location holds raw bytes: ${JSON.stringify(signedIn.headers.location)}`);
  } else {
    assert.equal(signedIn.status, 400);
  }
  const api = await plainRequest(srv, 'GET', '/api/v1/orgs/demo/members?q=%FF', { cookie: demoAdmin.cookieHeader() });
  assert.ok([200, 400].includes(api.status), `status ${api.status}`);
  assert.doesNotThrow(() => utf8.decode(api.body));
});

test('unknown route → 404, wrong method → 405 with Allow, on pages too', async () => {
  const c = new Client(srv);
  for (const p of ['/nope', '/o/demo/nope', '/o/no-such-org', '/static/nope.css', '/static/..%2Flectern.db', '/api/v1', '/o/demo/', '//o/demo', '/o/%2564emo']) {
    const r = await c.get(p);
    assert.equal(r.status, 404, p);
    assert.match(r.headers.get('content-type'), p.startsWith('/api/') ? /json/ : /text\/html/);
  }
  const r = await c.req('DELETE', '/signin');
  assert.equal(r.status, 405);
  assert.deepEqual(r.headers.get('allow').split(', ').sort(), ['GET', 'HEAD', 'POST']);
  const r2 = await c.req('PUT', '/o/demo');
  assert.equal(r2.status, 405);
  assert.deepEqual(r2.headers.get('allow').split(', ').sort(), ['GET', 'HEAD']);
});

const SQLI = ["' OR 1=1 --", '"; DROP TABLE app_user; --', "Robert'); DROP TABLE org;--"];
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"];
const RAW_XSS = /<script>alert|<img src=x|<svg onload/;

function assertEscaped(html, where) {
  assert.doesNotMatch(html, RAW_XSS, `raw markup from input in ${where}`);
}

test('injection in sign-up and profile: stored as text, shown escaped, nothing broken', async () => {
  for (const name of [...SQLI, ...XSS]) {
    const email = `inj-${uniq()}@example.org`;
    const c = new Client(srv);
    const res = await c.postForm('/o/demo/signup', { name, email, password: 'injection-pass' });
    assert.equal(res.status, 303, `${name}: ${res.status}`);
    const me = (await c.get('/api/v1/me')).json();
    assert.equal(me.name, name, 'stored exactly');
    const acct = await c.get('/account');
    assertEscaped(acct.text, '/account');
    const home = await c.get('/');
    assertEscaped(home.text, '/');
    assert.ok(home.text.includes(name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')), 'escaped on the home page');
    // profile name too
    const p2 = await c.post('/account/profile', { form: { _csrf: csrfFrom(acct.text), name: `${name} 2`, lang: 'en' } });
    assert.equal(p2.status, 303);
    assertEscaped((await c.get('/account')).text, '/account after profile');
  }
  // e-mail addresses with quotes are addresses like any other
  const quoted = `o'brien-${uniq()}@example.org`;
  const c = new Client(srv);
  assert.equal((await c.postForm('/o/demo/signup', { name: 'Quote', email: quoted, password: 'injection-pass' })).status, 303);
  await signinApi(srv, quoted, 'injection-pass');
  // SQL in the e-mail of sign-in is just a wrong e-mail
  const s = await new Client(srv).req('POST', '/api/v1/session', { json: { email: "' OR 1=1 --", password: "' OR 1=1 --" } });
  apiError(s, 401, 'bad_credentials');
  for (const email of XSS) {
    const r = await new Client(srv).postForm('/o/demo/signup', { name: 'X', email, password: 'injection-pass' });
    assert.equal(r.status, 422);
    assertEscaped(r.text, 'sign-up error page');
  }
  const users = await demoAdmin.get('/o/demo/admin/users');
  assertEscaped(users.text, 'the members page');
  for (const x of XSS) {
    const q = encodeURIComponent(x);
    assertEscaped((await new Client(srv).get(`/signin?next=/${q}`)).text, 'the sign-in page with next=');
    assertEscaped((await demoAdmin.get(`/o/demo/admin/users?q=${q}`)).text, 'the members search');
  }
  assert.equal((await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password)).me.email, DEMO.elodie.email, 'app_user intact');
});

test('injection in invitations, organisations, tokens and CSV import: escaped, refused or stored as text', async () => {
  const page = await demoAdmin.get('/o/demo/admin/users');
  const tok = csrfFrom(page.text);
  for (const email of [...SQLI, ...XSS]) {
    const r = await demoAdmin.post('/o/demo/admin/invite', { form: { _csrf: tok, email, role: 'learner' } });
    assert.equal(r.status, 422, `invite ${email}`);
    assertEscaped(r.text, 'invite error page');
    apiError(await demoAdmin.api('POST', '/api/v1/orgs/demo/invitations', { email }), 422, 'invalid');
  }
  // organisation names are text; slugs are checked
  const orgsPage = await demoAdmin.get('/admin/orgs');
  const otok = csrfFrom(orgsPage.text);
  const created = [];
  for (const name of [...SQLI, ...XSS]) {
    const slug = `inj-${uniq()}`;
    const r = await demoAdmin.post('/admin/orgs', { form: { _csrf: otok, name, slug } });
    assert.equal(r.status, 303, `org ${name}`);
    created.push([slug, name]);
    const bad = await demoAdmin.post('/admin/orgs', { form: { _csrf: otok, name: 'Ok', slug: name } });
    assert.equal(bad.status, 422, `slug ${name}`);
    assertEscaped(bad.text, 'org error page');
    apiError(await demoAdmin.api('POST', '/api/v1/orgs', { slug: name, name: 'Ok' }), 422, 'invalid');
  }
  const list = await demoAdmin.get('/admin/orgs');
  assertEscaped(list.text, '/admin/orgs');
  const orgs = (await demoAdmin.get('/api/v1/orgs')).json().items;
  for (const [slug, name] of created) {
    assert.equal(orgs.find((o) => o.slug === slug).name, name);
    const pub = await new Client(srv).get(`/o/${slug}`);
    assert.equal(pub.status, 200);
    assertEscaped(pub.text, `/o/${slug}`);
  }
  // token names
  const tp = await demoAdmin.get('/o/demo/admin/tokens');
  for (const name of [...SQLI, ...XSS]) {
    const r = await demoAdmin.post('/o/demo/admin/tokens', { form: { _csrf: csrfFrom(tp.text), name, role: 'learner' } });
    assert.equal(r.status, 201);
    assertEscaped(r.text, 'tokens page');
  }
  const tl = (await demoAdmin.get('/api/v1/orgs/demo/tokens')).json().items.map((t) => t.name);
  for (const name of [...SQLI, ...XSS]) assert.ok(tl.includes(name), `token named ${name}`);
  // CSV import: every field
  const csv = [...SQLI, ...XSS].map((s, i) => `"${s.replace(/"/g, '""')}","${s.replace(/"/g, '""')}",learner`).join('\n')
    + `\ninj-csv-${uniq()}@example.org,"<script>alert(1)</script>",learner\n`;
  const ip = await demoAdmin.get('/o/demo/admin/import');
  const mp = multipart([{ name: '_csrf', value: csrfFrom(ip.text) }, { name: 'file', filename: '<script>.csv', type: 'text/csv', value: csv }]);
  const prev = await demoAdmin.post('/o/demo/admin/import', { body: mp.body, headers: mp.headers });
  assert.equal(prev.status, 200);
  assertEscaped(prev.text, 'import preview');
  const rows = tableRows(prev.text);
  assert.equal(rows.filter((r) => r[3] === 'error').length, SQLI.length + XSS.length);
  const api = await demoAdmin.req('POST', '/api/v1/orgs/demo/members/import', { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(api.status, 200);
  assert.equal(api.json().rejected, SQLI.length + XSS.length);
  // still whole
  assert.equal((await demoAdmin.get('/api/v1/orgs/demo')).status, 200);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
});

test('nothing is half-written: refused sign-ups and organisations leave no trace', async () => {
  const email = `half-${uniq()}@example.org`;
  const r = await new Client(srv).postForm('/o/demo/signup', { name: 'Half', email, password: 'short' });
  assert.equal(r.status, 422);
  const again = await new Client(srv).postForm('/o/demo/signup', { name: 'Half', email, password: 'long-enough-pass' });
  assert.equal(again.status, 303, 'the address was not taken by the refused attempt');
  const slug = `half-${uniq()}`;
  const o = await demoAdmin.api('POST', '/api/v1/orgs', { slug, name: 'Half', admin_email: 'not an email' });
  apiError(o, 422, 'invalid');
  assert.ok(!(await demoAdmin.get('/api/v1/orgs')).json().items.some((x) => x.slug === slug), 'no organisation created');
  assert.equal((await demoAdmin.api('POST', '/api/v1/orgs', { slug, name: 'Half' })).status, 201, 'the slug is free');
});

test('security headers on HTML pages; X-Request-Id on every logged response, none on probes', async () => {
  const c = new Client(srv);
  const pages = ['/', '/signin', '/o/demo', '/nope', '/o/demo/signup', '/password/forgot'];
  for (const p of pages) {
    const r = await c.get(p);
    const h = r.headers;
    assert.match(h.get('content-type'), /^text\/html; charset=utf-8/, p);
    const csp = h.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, `${p} CSP`);
    assert.match(csp, /frame-ancestors 'none'/, `${p} CSP`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${p} CSP`);
    assert.equal(h.get('x-frame-options'), 'DENY', p);
    assert.equal(h.get('x-content-type-options'), 'nosniff', p);
    assert.ok(h.get('referrer-policy'), `${p} Referrer-Policy`);
    assert.equal(h.get('cache-control'), 'no-store', `${p} pages hold CSRF tokens: no-store`);
  }
  const ids = new Set();
  for (const p of ['/healthz', '/readyz', '/metrics']) {
    assert.equal((await c.get(p)).headers.get('x-request-id'), null, `${p} is not logged: no id`);
  }
  const probes = [
    () => c.get('/'), () => c.get('/api/v1/me'),
    () => c.get('/static/app.css'), () => c.get('/nope'), () => c.req('DELETE', '/signin'), () => c.req('HEAD', '/'),
    () => c.req('POST', '/api/v1/session', { json: {} }), () => c.req('POST', '/signin', { form: {} }),
  ];
  for (const p of probes) {
    const r = await p();
    const id = r.headers.get('x-request-id');
    assert.ok(id && id.length >= 4, `X-Request-Id on ${r.status}`);
    ids.add(id);
  }
  const etag = (await c.get('/static/app.css')).headers.get('etag');
  const nm = await c.get('/static/app.css', { headers: { 'if-none-match': etag } });
  assert.equal(nm.status, 304);
  assert.ok(nm.headers.get('x-request-id'), 'X-Request-Id on 304');
  const raw413 = await sendHeadFirst(small.port, 'POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n', 'a'.repeat(5000));
  assert.ok(raw413.headers['x-request-id'], 'X-Request-Id on 413');
  const raw400 = await rawRequest(srv.port, 'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 2000 });
  assert.match(raw400.text, /\r\nX-Request-Id: /i, 'X-Request-Id on 400');
  assert.equal(ids.size, probes.length, 'request ids are unique');
  const json = await c.get('/api/v1/me');
  assert.equal(json.headers.get('x-content-type-options'), 'nosniff');
});

test('static files: ETag and 304, gzip on request, long Cache-Control with ?v=', async () => {
  const page = await new Client(srv).get('/signin');
  const cssUrl = page.text.match(/href="(\/static\/app\.css\?v=([0-9a-f]+))"/);
  assert.ok(cssUrl, 'the page links app.css with ?v=');
  const plain = await plainRequest(srv, 'GET', '/static/app.css');
  assert.equal(plain.status, 200);
  assert.match(plain.headers['content-type'], /^text\/css/);
  const etag = plain.headers.etag;
  assert.match(etag, /^"[0-9a-f]+"$/);
  assert.equal(etag, `"${cssUrl[2]}"`, '?v= is the ETag');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.match(plain.headers['cache-control'], /max-age=\d+/);
  assert.ok(Number(plain.headers['cache-control'].match(/max-age=(\d+)/)[1]) < 86400, 'short cache without ?v=');
  const v = await plainRequest(srv, 'GET', cssUrl[1]);
  assert.equal(v.status, 200);
  assert.match(v.headers['cache-control'], /max-age=31536000/);
  assert.match(v.headers['cache-control'], /immutable/);
  const nm = await plainRequest(srv, 'GET', '/static/app.css', { 'if-none-match': etag });
  assert.equal(nm.status, 304);
  assert.equal(nm.body.length, 0);
  assert.equal(nm.headers.etag, etag);
  const nm2 = await plainRequest(srv, 'GET', '/static/app.css', { 'if-none-match': `"other", ${etag}` });
  assert.equal(nm2.status, 304);
  const changed = await plainRequest(srv, 'GET', '/static/app.css', { 'if-none-match': '"0000"' });
  assert.equal(changed.status, 200);
  const gz = await plainRequest(srv, 'GET', '/static/app.css', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(gz.status, 200);
  if (plain.body.length >= 1024) {
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gz.body.length < plain.body.length, 'smaller');
    assert.deepEqual(zlib.gunzipSync(gz.body), plain.body, 'the same bytes once unzipped');
    assert.match(gz.headers.vary || '', /Accept-Encoding/i);
  }
  const nogz = await plainRequest(srv, 'GET', '/static/app.css', { 'accept-encoding': 'gzip;q=0, identity' });
  assert.equal(nogz.headers['content-encoding'], undefined, 'gzip;q=0 means no gzip');
  const head = await plainRequest(srv, 'HEAD', '/static/app.css');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], String(plain.body.length));
  assert.equal((await plainRequest(srv, 'GET', '/static/missing.css')).status, 404);
});
