// accounts.test.mjs — sign in and out, rate limits, sign-up, password reset,
// password and profile changes, language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, Client, cli, demoDataDir, startServer, stopAll, signinForm, signinApi, csrfFrom,
  parseSetCookie, waitForMail, linkIn, apiError, plainRequest, uniq,
} from './lib.mjs';

let srv, data;
const seen = new Set();

before(async () => {
  data = demoDataDir('accounts');
  cli({ data }, 'org', 'add', 'closed', 'Closed Org');
  cli({ data }, 'user', 'add', 'ratelimited@lectern.test', 'Rate Limited', '--password', 'rate-limit-pass', '--org', 'demo', '--role', 'learner');
  cli({ data }, 'user', 'add', 'reset@lectern.test', 'Reset Me', '--password', 'reset-old-pass', '--org', 'demo', '--role', 'learner');
  cli({ data }, 'user', 'add', 'apireset@lectern.test', 'Api Reset', '--password', 'apireset-old-pass', '--org', 'demo', '--role', 'learner');
  cli({ data }, 'user', 'add', 'changer@lectern.test', 'Changer', '--password', 'changer-old-pass', '--org', 'demo', '--role', 'learner');
  srv = await startServer({ data });
});

after(async () => { await stopAll(srv); });

function sessionCookie(res) {
  return res.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === 'lectern_session');
}

test('sign-in page sets an anonymous cookie and carries a CSRF token', async () => {
  const c = new Client(srv);
  const res = await c.get('/signin');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const anon = res.headers.getSetCookie().map(parseSetCookie).find((x) => x.name === 'lectern_anon');
  assert.ok(anon, 'lectern_anon cookie');
  assert.equal(anon.attrs.httponly, true);
  assert.equal(anon.attrs.samesite, 'Lax');
  assert.ok(csrfFrom(res.text), 'a _csrf field');
  assert.match(res.text, /name="email"/);
  assert.match(res.text, /name="password"/);
});

test('sign in by form: 303, HttpOnly SameSite=Lax session cookie, then sign out', async () => {
  const c = new Client(srv);
  const tok = await c.pageCsrf('/signin');
  const res = await c.post('/signin', { form: { _csrf: tok, email: DEMO.admin.email, password: DEMO.admin.password, next: '/account' } });
  assert.equal(res.status, 303);
  assert.equal(new URL(res.location, srv.url).pathname, '/account');
  const sc = sessionCookie(res);
  assert.ok(sc, 'Set-Cookie lectern_session');
  assert.equal(sc.value.length, 43);
  assert.equal(sc.attrs.httponly, true);
  assert.equal(sc.attrs.samesite, 'Lax');
  assert.equal(sc.attrs.path, '/');
  assert.ok(Number(sc.attrs['max-age']) > 86400, 'a lasting session');
  assert.equal(sc.attrs.secure, undefined, 'no Secure flag over plain HTTP');
  const acct = await c.get('/account');
  assert.equal(acct.status, 200);
  assert.match(acct.text, /admin@lectern\.test/);
  const stolen = c.cookieHeader();

  // sign out with the page's token
  const tok2 = csrfFrom(acct.text);
  const out = await c.post('/signout', { form: { _csrf: tok2 } });
  assert.equal(out.status, 303);
  assert.equal(new URL(out.location, srv.url).pathname, '/');
  const cleared = sessionCookie(out);
  assert.ok(cleared && cleared.attrs['max-age'] === '0', 'the session cookie is cleared');
  const after1 = await c.get('/account');
  assert.equal(after1.status, 303);
  assert.equal(after1.location, '/signin?next=%2Faccount');
  // the old cookie no longer works either (session deleted on the server)
  const replay = await new Client(srv).get('/account', { headers: { cookie: stolen } });
  assert.equal(replay.status, 303, 'a signed-out session token is dead');
});

test('sign-in only follows local "next" paths', async () => {
  for (const [next, want] of [['//evil.example/x', '/'], ['https://evil.example/', '/'], ['/\\evil.example', '/'], ['/o/demo', '/o/demo']]) {
    const c = new Client(srv);
    const tok = await c.pageCsrf('/signin');
    const res = await c.post('/signin', { form: { _csrf: tok, email: DEMO.trainer.email, password: DEMO.trainer.password, next } });
    assert.equal(res.status, 303);
    assert.equal(res.location, want, `next=${next}`);
  }
});

test('GET /signin?next= redirects a signed-in user to next', async () => {
  const c = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const res = await c.get('/signin?next=%2Faccount');
  assert.equal(res.status, 303);
  assert.equal(res.location, '/account', 'the query string must reach the handler');
});

test('wrong password or unknown account: 401, a message, no session', async () => {
  for (const [email, password] of [[DEMO.trainer.email, 'not-the-password'], ['nobody@lectern.test', 'whatever-pass']]) {
    const c = new Client(srv);
    const tok = await c.pageCsrf('/signin');
    const res = await c.post('/signin', { form: { _csrf: tok, email, password } });
    assert.equal(res.status, 401);
    assert.match(res.text, /The e-mail or the password is wrong\./);
    assert.equal(sessionCookie(res), undefined);
    assert.match(res.text, new RegExp(`value="${email.replace('.', '\\.')}"`), 'the e-mail stays in the form');
  }
  const api = await new Client(srv).req('POST', '/api/v1/session', { json: { email: DEMO.trainer.email, password: 'nope-nope-nope' } });
  apiError(api, 401, 'bad_credentials');
});

test('sign-in form without a CSRF token is refused (403)', async () => {
  const c = new Client(srv);
  await c.get('/signin');
  const res = await c.post('/signin', { form: { email: DEMO.trainer.email, password: DEMO.trainer.password } });
  assert.equal(res.status, 403);
  assert.equal(sessionCookie(res), undefined);
});

test('rate limit per account: the 6th attempt after 5 failures is 429, even with the right password', async () => {
  const email = 'ratelimited@lectern.test';
  const c = new Client(srv);
  const tok = await c.pageCsrf('/signin');
  for (let i = 1; i <= 5; i++) {
    const res = await c.post('/signin', { form: { _csrf: tok, email, password: `wrong-password-${i}` } });
    assert.equal(res.status, 401, `failure ${i}`);
  }
  const sixth = await c.post('/signin', { form: { _csrf: tok, email, password: 'rate-limit-pass' } });
  assert.equal(sixth.status, 429);
  assert.match(sixth.text, /Too many failed attempts/);
  assert.equal(sessionCookie(sixth), undefined);
  // case and spaces do not give a fresh counter
  const variant = await c.post('/signin', { form: { _csrf: tok, email: ' RateLimited@Lectern.TEST ', password: 'rate-limit-pass' } });
  assert.equal(variant.status, 429);
  const api = await new Client(srv).req('POST', '/api/v1/session', { json: { email, password: 'rate-limit-pass' } });
  apiError(api, 429, 'rate_limited');
  assert.ok(Number(api.headers.get('retry-after')) > 0, 'Retry-After on 429');
  // other accounts are not affected
  await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
});

test('rate limit per account holds under a burst: of 12 parallel wrong attempts at most 5 are checked', async () => {
  const email = `burst-${Date.now()}@lectern.test`;
  const res = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    new Client(srv).req('POST', '/api/v1/session', { json: { email, password: `wrong-burst-${i}` } })));
  const counts = res.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] || 0) + 1 }), {});
  assert.ok((counts[401] || 0) <= 5, `401s: ${JSON.stringify(counts)}`);
  assert.equal((counts[401] || 0) + (counts[429] || 0), 12, JSON.stringify(counts));
});

async function canBind(addr) {
  const net = await import('node:net');
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(0, addr, () => s.close(() => res(true)));
  });
}

test('rate limit per address: after 30 failures from one IP, that IP is refused (429), others are not', async (t) => {
  const other = '127.0.0.2';
  if (!(await canBind(other))) { t.skip('127.0.0.2 is not usable here: a second client address is needed'); return; }
  const body = (email, password) => JSON.stringify({ email, password });
  const h = { 'content-type': 'application/json' };
  // 30 failures, a few at a time (each costs one argon2id verification)
  for (let i = 0; i < 30; i += 5) {
    const batch = [];
    for (let k = i; k < i + 5; k++)
      batch.push(plainRequest(srv, 'POST', '/api/v1/session', h, body(`ip-${k}-${uniq()}@lectern.test`, 'wrong-password'), { localAddress: other }));
    for (const r of await Promise.all(batch)) assert.equal(r.status, 401, r.text);
  }
  const blocked = await plainRequest(srv, 'POST', '/api/v1/session', h, body(DEMO.francois.email, DEMO.francois.password), { localAddress: other });
  assert.equal(blocked.status, 429, 'the 31st attempt from that address');
  const fine = await plainRequest(srv, 'POST', '/api/v1/session', h, body(DEMO.francois.email, DEMO.francois.password));
  assert.equal(fine.status, 201, 'another address still signs in');
});

test('sign-up on an organisation that allows it (form)', async () => {
  const c = new Client(srv);
  const page = await c.get('/o/demo/signup');
  assert.equal(page.status, 200);
  const email = `new-${uniq()}@example.org`;
  const res = await c.post('/o/demo/signup', { form: { _csrf: csrfFrom(page.text), name: 'Nouvelle Apprenante', email, password: 'a-good-password' } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal(res.location, '/o/demo');
  assert.ok(sessionCookie(res), 'signed in at once');
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  const j = me.json();
  assert.equal(j.email, email);
  assert.deepEqual(j.orgs.map((o) => [o.slug, o.role]), [['demo', 'learner']]);
  // the same address again
  const c2 = new Client(srv);
  const again = await c2.postForm('/o/demo/signup', { name: 'Someone', email: email.toUpperCase(), password: 'a-good-password' });
  assert.equal(again.status, 422);
  assert.match(again.text, /An account already uses this e-mail address/);
  // a password that signs in
  await signinForm(srv, email, 'a-good-password');
});

test('the same address signing up twice at once: one account, one 409', async () => {
  const email = `twice-${uniq()}@example.org`;
  const body = { name: 'Twice', email, password: 'twice-pass-123' };
  const [a, b] = await Promise.all([
    new Client(srv).req('POST', '/api/v1/orgs/demo/signup', { json: body }),
    new Client(srv).req('POST', '/api/v1/orgs/demo/signup', { json: { ...body, email: email.toUpperCase() } }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} ${b.text}`);
});

test('sign-up refuses bad fields with 422 and an inline error', async () => {
  const cases = [
    [{ name: '', email: 'x1@example.org', password: 'a-good-password' }, 'name', /Enter a name/],
    [{ name: 'X', email: 'not-an-email', password: 'a-good-password' }, 'email', /e-mail address such as/],
    [{ name: 'X', email: 'x2@example.org', password: 'short' }, 'password', /at least 10 characters/],
    [{ name: 'X', email: 'x3@example.org', password: 'p'.repeat(257) }, 'password', /at most 256/],
  ];
  for (const [form, field, msg] of cases) {
    const c = new Client(srv);
    const res = await c.postForm('/o/demo/signup', form);
    assert.equal(res.status, 422, `${field}: ${res.status}`);
    assert.match(res.text, msg);
    assert.match(res.text, new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`), `inline error on ${field}`);
    assert.equal(sessionCookie(res), undefined);
  }
});

test('sign-up by API: 201 with csrf_token, 409 for a taken address, 422 with field', async () => {
  const email = `api-${uniq()}@example.org`;
  const c = new Client(srv);
  const res = await c.req('POST', '/api/v1/orgs/demo/signup', { json: { name: 'Api Person', email, password: 'a-good-password' } });
  assert.equal(res.status, 201, res.text);
  const j = res.json();
  assert.equal(j.email, email);
  assert.ok(j.csrf_token);
  assert.ok(c.jar.get('lectern_session'));
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/demo/signup', { json: { name: 'Again', email, password: 'a-good-password' } }), 409, 'exists');
  const bad = apiError(await new Client(srv).req('POST', '/api/v1/orgs/demo/signup', { json: { name: 'X', email: 'bad', password: 'a-good-password' } }), 422, 'invalid');
  assert.equal(bad.field, 'email');
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/nope-org/signup', { json: { name: 'X', email: 'x@example.org', password: 'a-good-password' } }), 404);
});

test('sign-up is refused where the organisation does not allow it', async () => {
  const c = new Client(srv);
  const page = await c.get('/o/closed/signup');
  assert.equal(page.status, 403);
  assert.match(page.text, /does not take sign-ups/);
  const org = await c.get('/o/closed');
  assert.equal(org.status, 200);
  assert.doesNotMatch(org.text, /href="\/o\/closed\/signup"/, 'no sign-up button');
  const email = `closed-${uniq()}@example.org`;
  const tok = await c.pageCsrf('/signin');
  const form = await c.post('/o/closed/signup', { form: { _csrf: tok, name: 'Closed Person', email, password: 'a-good-password' } });
  assert.equal(form.status, 403);
  assert.equal(sessionCookie(form), undefined);
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/closed/signup', { json: { name: 'Closed', email, password: 'a-good-password' } }), 403, 'signup_closed');
  // no account was created
  const probe = await new Client(srv).req('POST', '/api/v1/session', { json: { email, password: 'a-good-password' } });
  assert.equal(probe.status, 401);
});

test('forgot password: an e-mail with a link; the reset page opens from that link', async () => {
  const c = new Client(srv);
  const res = await c.postForm('/password/forgot', { email: 'reset@lectern.test' }, { from: '/password/forgot' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/signin');
  const mail = await waitForMail(data, 'reset@lectern.test', { seen, match: /\/password\/reset\?token=/ });
  assert.match(mail.subject, /Reset your Lectern password/);
  assert.match(mail.headers['content-type'], /charset=utf-8/);
  const link = linkIn(mail, '/password/reset?token=');
  const token = link.searchParams.get('token');
  assert.equal(token.length, 43);
  const page = await c.get(link.pathname + link.search);
  assert.equal(page.status, 200, `GET ${link.pathname}?token=… must show the form (got ${page.status})`);
  assert.match(page.text, new RegExp(`name="token" value="${token}"`));
});

test('e-mailed links point at the address the server listens on', async () => {
  const c = new Client(srv);
  await c.postForm('/password/forgot', { email: DEMO.trainer.email }, { from: '/password/forgot' });
  const mail = await waitForMail(data, DEMO.trainer.email, { seen, match: /\/password\/reset\?token=/ });
  const link = linkIn(mail, '/password/reset?token=');
  assert.equal(link.origin, srv.url, `a usable link when listening on port 0 without --base-url (got ${link.origin})`);
});

test('reset by the e-mailed token: old password fails, new works, the link is used up', async () => {
  const c = new Client(srv);
  // a session open before the reset is closed by it
  const before = await signinForm(srv, 'reset@lectern.test', 'reset-old-pass');
  await c.postForm('/password/forgot', { email: 'reset@lectern.test' }, { from: '/password/forgot' });
  const mail = await waitForMail(data, 'reset@lectern.test', { seen, match: /\/password\/reset\?token=/ });
  const token = linkIn(mail, '/password/reset?token=').searchParams.get('token');
  const tok = await c.pageCsrf('/password/forgot');
  // too short first: 422 and nothing used
  const weak = await c.post('/password/reset', { form: { _csrf: tok, token, password: 'short' } });
  assert.equal(weak.status, 422);
  assert.match(weak.text, /at least 10 characters/);
  const ok = await c.post('/password/reset', { form: { _csrf: tok, token, password: 'reset-new-pass' } });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, '/signin');
  await signinForm(srv, 'reset@lectern.test', 'reset-old-pass', { expect: 401 });
  await signinForm(srv, 'reset@lectern.test', 'reset-new-pass');
  assert.equal((await before.get('/account')).status, 303, 'older sessions are signed out');
  const reuse = await c.post('/password/reset', { form: { _csrf: tok, token, password: 'reset-third-pass' } });
  assert.equal(reuse.status, 404);
  assert.match(reuse.text, /unknown, already used or expired/);
  await signinForm(srv, 'reset@lectern.test', 'reset-third-pass', { expect: 401 });
  const forged = await c.post('/password/reset', { form: { _csrf: tok, token: 'A'.repeat(43), password: 'reset-third-pass' } });
  assert.equal(forged.status, 404);
});

test('forgot password for an unknown address: same answer, no e-mail', async () => {
  const c = new Client(srv);
  const before = new Set(seen);
  const res = await c.postForm('/password/forgot', { email: 'nobody-here@lectern.test' }, { from: '/password/forgot' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/signin');
  const api = await new Client(srv).req('POST', '/api/v1/password/forgot', { json: { email: 'nobody-here@lectern.test' } });
  assert.equal(api.status, 202);
  // mail goes out in order: once a later message is out, the earlier would be too
  await c.postForm('/password/forgot', { email: DEMO.elodie.email }, { from: '/password/forgot' });
  await waitForMail(data, DEMO.elodie.email, { seen });
  await assert.rejects(waitForMail(data, 'nobody-here@lectern.test', { seen: before, timeoutMs: 200 }));
});

test('password reset by API: 202, 204, used token 404, weak password 422', async () => {
  const c = new Client(srv);
  const f = await c.req('POST', '/api/v1/password/forgot', { json: { email: 'apireset@lectern.test' } });
  assert.equal(f.status, 202);
  const mail = await waitForMail(data, 'apireset@lectern.test', { seen });
  const token = linkIn(mail, '/password/reset?token=').searchParams.get('token');
  const weak = apiError(await c.req('POST', '/api/v1/password/reset', { json: { token, password: 'short' } }), 422, 'invalid');
  assert.equal(weak.field, 'password');
  const ok = await c.req('POST', '/api/v1/password/reset', { json: { token, password: 'apireset-new-pass' } });
  assert.equal(ok.status, 204);
  apiError(await c.req('POST', '/api/v1/password/reset', { json: { token, password: 'apireset-3rd-pass' } }), 404, 'bad_token');
  await signinApi(srv, 'apireset@lectern.test', 'apireset-new-pass');
});

test('change password by form: wrong current 422, short 422, success signs out other sessions', async () => {
  const email = 'changer@lectern.test';
  const c = await signinForm(srv, email, 'changer-old-pass');
  const other = await signinForm(srv, email, 'changer-old-pass');
  const page = await c.get('/account');
  const tok = csrfFrom(page.text);
  const wrong = await c.post('/account/password', { form: { _csrf: tok, current: 'not-my-password', password: 'changer-new-pass' } });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text, /current password is wrong/);
  const short = await c.post('/account/password', { form: { _csrf: tok, current: 'changer-old-pass', password: 'short' } });
  assert.equal(short.status, 422);
  assert.match(short.text, /at least 10 characters/);
  const ok = await c.post('/account/password', { form: { _csrf: tok, current: 'changer-old-pass', password: 'changer-new-pass' } });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, '/account');
  assert.equal((await c.get('/account')).status, 200, 'this session stays');
  assert.equal((await other.get('/account')).status, 303, 'other sessions are closed');
  await signinForm(srv, email, 'changer-old-pass', { expect: 401 });
  await signinForm(srv, email, 'changer-new-pass');
  // and by API
  const a = await signinApi(srv, email, 'changer-new-pass');
  const e = apiError(await a.api('POST', '/api/v1/me/password', { current: 'wrong-wrong-wrong', password: 'changer-3rd-pass' }), 422, 'invalid');
  assert.equal(e.field, 'current');
  assert.equal((await a.api('POST', '/api/v1/me/password', { current: 'changer-new-pass', password: 'changer-3rd-pass' })).status, 204);
  await signinApi(srv, email, 'changer-3rd-pass');
});

test('profile: name and language saved; bad names refused with 422', async () => {
  const email = `profile-${uniq()}@example.org`;
  const c = new Client(srv);
  assert.equal((await c.req('POST', '/api/v1/orgs/demo/signup', { json: { name: 'Before', email, password: 'profile-pass-1' } })).status, 201);
  const page = await c.get('/account');
  const tok = csrfFrom(page.text);
  const res = await c.post('/account/profile', { form: { _csrf: tok, name: 'Françoise Ünïcode', lang: 'en' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/account');
  const after = await c.get('/account');
  assert.match(after.text, /value="Françoise Ünïcode"/);
  assert.match(after.text, /Your profile is saved\./, 'a flash message');
  for (const [name, msg] of [['', /Enter a name/], ['x'.repeat(201), /at most 200/], ['bad\u0001name', /control characters/]]) {
    const bad = await c.post('/account/profile', { form: { _csrf: tok, name, lang: 'en' } });
    assert.equal(bad.status, 422, JSON.stringify(name));
    assert.match(bad.text, msg);
  }
  const badLang = await c.post('/account/profile', { form: { _csrf: tok, name: 'Ok Name', lang: 'de' } });
  assert.equal(badLang.status, 422);
  const me = (await c.get('/api/v1/me')).json();
  assert.equal(me.name, 'Françoise Ünïcode', 'nothing saved by refused changes');
  // French via the profile
  const fr = await c.post('/account/profile', { form: { _csrf: tok, name: 'Françoise Ünïcode', lang: 'fr' } });
  assert.equal(fr.status, 303);
  const frPage = await c.get('/account', { headers: { 'accept-language': 'en' } });
  assert.match(frPage.text, /<html lang="fr">/);
  assert.match(frPage.text, /Votre compte/);
});

test('language switch: POST /lang changes <html lang> and strings to French', async () => {
  const c = new Client(srv);
  const page = await c.get('/signin', { headers: { 'accept-language': 'en' } });
  assert.match(page.text, /<html lang="en">/);
  assert.match(page.text, />Sign in</);
  const res = await c.post('/lang', { form: { _csrf: csrfFrom(page.text), lang: 'fr', next: '/signin' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/signin');
  const lc = res.headers.getSetCookie().map(parseSetCookie).find((x) => x.name === 'lectern_lang');
  assert.equal(lc && lc.value, 'fr');
  const fr = await c.get('/signin', { headers: { 'accept-language': 'en' } });
  assert.match(fr.text, /<html lang="fr">/);
  assert.match(fr.text, /Se connecter/);
  assert.match(fr.text, /Mot de passe oublié/);
  const back = await c.post('/lang', { form: { _csrf: csrfFrom(fr.text), lang: 'en', next: '/signin' } });
  assert.equal(back.status, 303);
  assert.match((await c.get('/signin')).text, /<html lang="en">/);
  const bad = await c.post('/lang', { form: { _csrf: csrfFrom(fr.text), lang: 'xx', next: '/' } });
  assert.equal(bad.status, 400);
  // Accept-Language alone
  const al = await new Client(srv).get('/signin', { headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' } });
  assert.match(al.text, /<html lang="fr">/);
});

test('language switch while signed in is stored on the account', async () => {
  const c = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  const page = await c.get('/account');
  const res = await c.post('/lang', { form: { _csrf: csrfFrom(page.text), lang: 'fr', next: '/account' } });
  assert.equal(res.status, 303);
  assert.equal((await c.get('/api/v1/me')).json().lang, 'fr');
  const fresh = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  fresh.jar.delete('lectern_lang');
  const acct = await fresh.get('/account', { headers: { 'accept-language': 'en' } });
  assert.match(acct.text, /<html lang="fr">/, 'the account language wins over Accept-Language');
  const mine = await c.get('/account');
  assert.equal((await c.post('/lang', { form: { _csrf: csrfFrom(mine.text), lang: 'en', next: '/' } })).status, 303);
});
