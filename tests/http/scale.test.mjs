// scale.test.mjs — two `lectern serve` processes on one PostgreSQL act as
// one site: sessions, CSRF tokens, writes and limits are shared.
// Needs LECTERN_TEST_PG (set by scripts/test.sh, and always in CI).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  DEMO, PG_URL, Client, cli, tmpDir, startServer, stopAll, signinApi, signinForm, csrfFrom, apiError,
  waitForMail, linkIn, uniq,
} from './lib.mjs';

const SKIP = PG_URL ? false : 'LECTERN_TEST_PG is not set: the two-process PostgreSQL tests are skipped';
if (SKIP) console.log(`# ${SKIP}`);

let A, B, data;
const seen = new Set();

before(async () => {
  if (SKIP) return;
  data = tmpDir('scale');
  // start from an empty schema, as scripts/test.sh leaves it between suites
  // (sign-in failures of an earlier run would otherwise still count)
  try {
    execFileSync('psql', [PG_URL, '-qc', 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'], { stdio: 'ignore' });
  } catch { /* no psql: the demo data is idempotent, tests use fresh names */ }
  cli({ db: PG_URL, data }, 'demo');
  // both processes share the data directory (mail files), as behind one volume
  A = await startServer({ db: PG_URL, data });
  B = await startServer({ db: PG_URL, data });
});

after(async () => {
  const codes = await Promise.all([A, B].filter(Boolean).map((s) => s.stop()));
  for (const c of codes) assert.deepEqual(c, { code: 0, signal: null });
});

test('two servers on one PostgreSQL are both ready', { skip: SKIP }, async () => {
  assert.notEqual(A.port, B.port);
  for (const s of [A, B]) {
    const r = await fetch(s.url + '/readyz');
    assert.equal(r.status, 200, `${s.url} /readyz`);
  }
});

test('a session cookie from one server works on the other (API and pages)', { skip: SKIP }, async () => {
  const a = await signinApi(A, DEMO.trainer.email, DEMO.trainer.password);
  const b = a.cloneFor(B);
  const me = await b.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json().email, DEMO.trainer.email);
  const page = await b.get('/account');
  assert.equal(page.status, 200);
  assert.match(page.text, /trainer@lectern\.test/);
  const f = await signinForm(B, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await f.cloneFor(A).get('/account')).status, 200);
});

test('a CSRF token from one server is accepted by the other', { skip: SKIP }, async () => {
  const email = `csrf-${uniq()}@example.org`;
  const a = new Client(A);
  const su = await a.req('POST', '/api/v1/orgs/demo/signup', { json: { email, name: 'Csrf Person', password: 'csrf-person-pass' } });
  assert.equal(su.status, 201, su.text);
  a.csrf = su.json().csrf_token;
  const b = a.cloneFor(B);
  const r = await b.api('PATCH', '/api/v1/me', { name: 'Changed On B' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await b.get('/api/v1/me')).json().csrf_token, a.csrf, 'both derive the same token');
  // a form token from a page of A, posted to B
  const tok = csrfFrom((await a.get('/account')).text);
  const res = await b.post('/account/profile', { form: { _csrf: tok, name: 'Changed By Form On B', lang: 'en' } });
  assert.equal(res.status, 303);
  assert.equal((await a.get('/api/v1/me')).json().name, 'Changed By Form On B', 'and read back through A');
  // anonymous tokens too: sign in on B with A's sign-in page
  const anon = new Client(A);
  const t2 = await anon.pageCsrf('/signin');
  const si = await anon.cloneFor(B).post('/signin', { form: { _csrf: t2, email, password: 'csrf-person-pass' } });
  assert.equal(si.status, 303);
});

test('an invitation sent through one server is accepted through the other', { skip: SKIP }, async () => {
  const adminA = await signinApi(A, DEMO.admin.email, DEMO.admin.password);
  const email = `scale-invite-${uniq()}@example.org`;
  const r = await adminA.api('POST', '/api/v1/orgs/demo/invitations', { email, role: 'trainer' });
  assert.equal(r.status, 201, r.text);
  const mail = await waitForMail(data, email, { seen, match: /\/invite\// });
  const link = linkIn(mail, '/invite/');
  const c = new Client(B);
  const page = await c.get(link.pathname);
  assert.equal(page.status, 200);
  const ok = await c.post(link.pathname, { form: { _csrf: csrfFrom(page.text), name: 'Scale Trainer', password: 'scale-trainer-pass' } });
  assert.equal(ok.status, 303);
  const members = (await adminA.get('/api/v1/orgs/demo/members?limit=500')).json().items;
  assert.equal(members.find((m) => m.email === email).role, 'trainer');
  assert.equal((await c.cloneFor(A).get('/api/v1/me')).json().orgs[0].role, 'trainer');
});

test('profile changes, tokens, organisations and sign-outs written on one are read on the other', { skip: SKIP }, async () => {
  const adminB = await signinApi(B, DEMO.admin.email, DEMO.admin.password);
  const adminA = adminB.cloneFor(A);
  // token created on B, used on A, revoked on A, dead on B
  const t = (await adminB.api('POST', '/api/v1/orgs/demo/tokens', { name: `scale ${uniq()}`, role: 'admin' })).json();
  assert.ok(t.token);
  assert.equal((await new Client(A, { bearer: t.token }).get('/api/v1/orgs/demo/members')).status, 200);
  assert.ok((await adminA.get('/api/v1/orgs/demo/tokens')).json().items.some((x) => x.id === t.id));
  assert.equal((await adminA.api('DELETE', `/api/v1/orgs/demo/tokens/${t.id}`)).status, 204);
  apiError(await new Client(B, { bearer: t.token }).get('/api/v1/me'), 401, 'unauthenticated');
  // organisation created on A, listed and served on B
  const slug = `scale-${uniq()}`;
  assert.equal((await adminA.api('POST', '/api/v1/orgs', { slug, name: 'Scale Org', allow_signup: true })).status, 201);
  assert.ok((await adminB.get('/api/v1/orgs')).json().items.some((o) => o.slug === slug));
  assert.equal((await new Client(B).get(`/o/${slug}/signup`)).status, 200);
  apiError(await adminB.api('POST', '/api/v1/orgs', { slug, name: 'Again' }), 409, 'exists');
  // profile on A, read on B
  const u = await signinApi(A, DEMO.francois.email, DEMO.francois.password);
  const name = `François ${uniq()}`;
  assert.equal((await u.api('PATCH', '/api/v1/me', { name })).status, 200);
  assert.equal((await u.cloneFor(B).get('/api/v1/me')).json().name, name);
  // sign out on A ends the session on B
  const ub = u.cloneFor(B);
  assert.equal((await u.req('DELETE', '/api/v1/session', { csrf: true })).status, 204);
  apiError(await ub.get('/api/v1/me'), 401, 'unauthenticated');
});

test('the sign-in rate limit is shared: failures on one server count on the other', { skip: SKIP }, async () => {
  const email = `limited-${uniq()}@example.org`;
  const su = await new Client(A).req('POST', '/api/v1/orgs/demo/signup', { json: { email, name: 'Limited', password: 'limited-pass-1' } });
  assert.equal(su.status, 201);
  for (let i = 0; i < 5; i++) {
    const s = i % 2 ? A : B;
    apiError(await new Client(s).req('POST', '/api/v1/session', { json: { email, password: `wrong-${i}-pass` } }), 401);
  }
  apiError(await new Client(A).req('POST', '/api/v1/session', { json: { email, password: 'limited-pass-1' } }), 429, 'rate_limited');
  apiError(await new Client(B).req('POST', '/api/v1/session', { json: { email, password: 'limited-pass-1' } }), 429, 'rate_limited');
});

test('events written through both servers at once get distinct ids', { skip: SKIP }, async () => {
  const u = await signinApi(A, DEMO.elodie.email, DEMO.elodie.password);
  const ub = u.cloneFor(B);
  const reqs = [];
  for (let i = 0; i < 30; i++) {
    const c = i % 2 ? u : ub;
    reqs.push(c.api('POST', '/api/v1/orgs/demo/events', { verb: 'progressed', object: `scale:${i}` }));
  }
  const res = await Promise.all(reqs);
  for (const r of res) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(res.map((r) => r.json().id)).size, 30);
});
